# Every target creates the virtual environment itself, so the README's two
# commands work on a machine that has nothing but Python 3.11+ and pip.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck check clean docs bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# the main job: the real batch command on the example CSV shipped inside the package
demo: $(STAMP)
	$(BIN)/retrocalc estimate --example -o example_energy.csv
	@echo "wrote example_energy.csv: every example workout with its energy, status and reason"

test: $(STAMP)
	$(BIN)/python -m pytest --cov --cov-report=term

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

# the benchmark suite: ratios to its references, side by side (docs/performance.md)
bench: $(STAMP)
	$(BIN)/python -m benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

# The documentation site, warnings as errors (also checked by tests/test_docs.py)
docs: $(STAMP)
	$(BIN)/sphinx-build -W --keep-going -b html docs docs/_build/html

check: lint typecheck test

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov
