"""Imports point down (docs/architecture.md): foundations, models, composition, engines, faces.

A module may import its own layer or lower ones, never a higher one; a face never imports
another face's private names (``_something``), nor an engine's or composition's beyond their
internal API. Checked on the source, so a cycle or an upward import fails here before it
bites at run time.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "retrocalc"

FOUNDATIONS = {
    "nomenclature",
    "units",
    "exceptions",
    "_wrap",
    "_fa",
    "energy",
    "_extras",
    "_version",
    "data",
}
LAYERS = {"foundations": 0, "models": 1, "composition": 2, "engine": 3, "faces": 4}


def layer(module: str) -> int:
    """Layer of a dotted module name inside retrocalc ('' is the package itself: a face)."""
    top = module.split(".")[0]
    if top in FOUNDATIONS:
        return LAYERS["foundations"]
    if top in ("models", "composition", "engine"):
        return LAYERS[top]
    if top == "_front":  # the plain-float front: an engine in its own module
        return LAYERS["engine"]
    return LAYERS["faces"]


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found.append((".".join(parts), path))
    return found


def imports(name: str, path: Path) -> list[tuple[str, list[str]]]:
    """(module imported, names imported) for every import inside retrocalc."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            elif node.module and node.module.startswith("retrocalc"):
                target = node.module.removeprefix("retrocalc").lstrip(".")
            else:
                continue
            names = [a.name for a in node.names]
            if not node.module:  # "from . import x": the submodules themselves
                for n in names:
                    out.append((".".join([*base, n]) if base else n, []))
                continue
            out.append((target, names))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("retrocalc."):
                    out.append((alias.name.removeprefix("retrocalc."), []))
    return out


MODULES = modules()


@pytest.mark.parametrize(("name", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_imports_point_down(name: str, path: Path) -> None:
    own = layer(name) if name else LAYERS["faces"]
    for target, _ in imports(name, path):
        if not target:
            continue
        assert layer(target) <= own, f"{name} (layer {own}) imports {target} ({layer(target)})"


@pytest.mark.parametrize(("name", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_no_private_names_across_modules_of_other_packages(name: str, path: Path) -> None:
    # a private name may be shared inside one package (batch/, activity/, composition/,
    # models/), never across: faces use the internal API of the layers below
    home = name.split(".")[0]
    for target, names in imports(name, path):
        if not target or target.split(".")[0] == home:
            continue
        private = [n for n in names if n.startswith("_") and not n.startswith("__")]
        assert not private, f"{name} imports private {private} from {target}"


def test_layers_cover_the_layout() -> None:
    names = {m for m, _ in MODULES}
    assert {"composition", "engine", "core", "models"} <= names
    # a module split into a package keeps its floor: units a foundation, inverse and
    # uncertainty faces
    assert {"units.convert", "units.text"} <= names
    assert layer("units.convert") == layer("units.text") == LAYERS["foundations"]
    assert {"inverse.bracket", "inverse.closed", "inverse.status", "inverse.target"} <= names
    assert {"uncertainty.spreads"} <= names
    assert {"calibration.factors", "cli_pace.file", "cli_pace.text"} <= names
    assert layer("inverse.closed") == layer("uncertainty.spreads") == LAYERS["faces"]
    assert "_scalar" not in names
    assert "_blocked" not in names


#: The longest a module may be: past it, a module holds more than one thing (split it into a
#: package, as calibration/ and cli_pace/ were, or into siblings, as activity._xml/_fast).
MAX_LINES = 500


@pytest.mark.parametrize(("name", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_no_module_is_over_500_lines(name: str, path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name}: {lines} lines"
