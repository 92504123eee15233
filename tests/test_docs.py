"""The documentation site builds with warnings as errors (what ``make docs`` runs), and it shows
what it should: figures drawn at build time, executed notebooks, math without network, and the
models page with every symbol's unit, the defaults and every DOI linked."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import retrocalc as rc

pytest.importorskip("sphinx")
pytest.importorskip("myst_nb")
pytest.importorskip("numpydoc")
pytest.importorskip("sphinx_click")
pytest.importorskip("matplotlib")

DOCS = Path(__file__).parents[1] / "docs"
sys.path.insert(0, str(DOCS / "_ext"))

import retrocalc_docs  # noqa: E402


@pytest.fixture(scope="module")
def html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs")
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            "-d",
            str(out / "doctrees"),
            str(DOCS),
            str(out / "html"),
        ],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr
    return out / "html"


def test_docs_build_without_warnings(html: Path) -> None:
    models = (html / "models.html").read_text(encoding="utf-8")
    for name in rc.REGISTRY:  # the model table is generated from the registry
        assert f'id="model-{name.replace("_", "-")}"' in models
    for page in ("getting-started", "api", "cli", "performance", "science", "guide/batch"):
        assert (html / f"{page}.html").exists()


def _images(page: Path) -> list[str]:
    return re.findall(r'<img [^>]*src="([^"]+)"', page.read_text(encoding="utf-8"))


def test_a_figure_per_plot_function(html: Path) -> None:
    from retrocalc import plot

    functions = {
        name for name in plot.__all__ if callable(getattr(plot, name)) and name != "axis_label"
    }
    page = html / "guide" / "jupyter.html"
    sources = _images(page)
    assert len(sources) == len(set(sources))  # no figure overwrote another
    names = {Path(src).stem for src in sources}
    assert functions <= names, functions - names
    for src in sources:
        png = (page.parent / src).resolve()
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert png.stat().st_size > 10_000  # a drawn figure, not an empty canvas


@pytest.mark.parametrize(
    "notebook", sorted(p.stem for p in (DOCS.parent / "notebooks").glob("*.ipynb"))
)
def test_notebooks_are_executed_with_their_figures(html: Path, notebook: str) -> None:
    page = html / "notebooks" / f"{notebook}.html"
    assert _images(page), f"{notebook}: no figure in the built page"
    assert "Traceback" not in page.read_text(encoding="utf-8")


def test_math_renders_offline(html: Path) -> None:
    scripts = set()
    for page in html.rglob("*.html"):
        scripts |= set(re.findall(r'<script[^>]*src="([^"]+)"', page.read_text(encoding="utf-8")))
    remote = {s for s in scripts if re.match(r"(https?:)?//", s)}
    assert not remote, remote
    mathjax = {s for s in scripts if "mathjax" in s.lower()}
    assert mathjax
    assert (html / "_static" / "mathjax" / "tex-chtml.js").stat().st_size > 100_000
    models = (html / "models.html").read_text(encoding="utf-8")
    assert models.count('class="math') >= len(rc.REGISTRY)


def test_models_page_defines_symbols_defaults_and_links(html: Path) -> None:
    models = (html / "models.html").read_text(encoding="utf-8")
    for spec in rc.REGISTRY.values():
        if spec.doi:
            assert f'href="https://doi.org/{spec.doi}"' in models, spec.name
    for sources in retrocalc_docs.SECOND_SOURCES.values():
        for _, doi in sources:
            if doi:
                assert f'href="https://doi.org/{doi}"' in models
    assert "Santee W.R." in models
    assert "Rasica L." in models
    # the units the issue names, each in its model's table
    for unit in ("m/min", "km/h", "%", "J/kg/m", "W/kg"):
        assert f"<td><p>{unit}</p></td>" in models, unit
    assert "Defaults" in models
    for key, name in rc.DEFAULT_MODELS.items():
        assert f'<code class="docutils literal notranslate"><span class="pre">{key}' in models
        assert name in models


def test_every_model_has_its_symbols() -> None:
    for name, spec in rc.REGISTRY.items():
        assert spec.symbols, f"{name}: no symbols in its ModelSpec"
        equation = " ".join(retrocalc_docs.equation(spec))
        for tex, meaning, unit in retrocalc_docs.SYMBOLS[name]:
            assert tex in equation, f"{name}: {tex} is not in its equation"
            assert meaning
            assert unit
    assert set(retrocalc_docs.SYMBOLS) == set(rc.REGISTRY)  # no table for a gone model
    assert set(retrocalc_docs.DEFAULT_USE) == set(rc.DEFAULT_MODELS)
    assert set(retrocalc_docs.SECOND_SOURCES) <= set(rc.REGISTRY)


def test_symbol_units_the_equations_use() -> None:
    # the unit each equation takes, which is not always retrocalc's SI (see the model docstrings)
    units = {
        name: {tex: unit for tex, _, unit in rows} for name, rows in retrocalc_docs.SYMBOLS.items()
    }
    assert units["acsm_walking"]["S"] == units["acsm_running"]["S"] == "m/min"
    assert units["acsm_running"]["G"] == "1"  # a fraction in ACSM's equations
    assert units["lcda2019_walking"]["G"] == units["pandolf1977"]["G"] == "%"
    assert units["minetti2002_running"]["i"] == "1"
    assert units["leger1984_treadmill"]["v"] == "km/h"


def test_activity_type_table(html: Path) -> None:
    from retrocalc.activity_types import ACTIVITY_TYPES

    page = (html / "guide" / "activity-types.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    for row in ACTIVITY_TYPES:
        assert f"{row.name} {row.gait} {row.direction}" in text, row.name


def test_every_model_function_is_in_the_api_reference() -> None:
    """A registered model's function has its autodoc entry (its docstring holds the equation,
    units and references)."""
    api = (DOCS / "api.md").read_text(encoding="utf-8")
    for name, spec in rc.REGISTRY.items():
        if spec.function is not None:
            assert f".. autofunction:: retrocalc.models.{name}\n" in api, name
