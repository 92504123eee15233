"""Sphinx extension: the model table, generated from ``retrocalc.REGISTRY`` at build time.

``.. retrocalc-models::`` (in MyST: a ``{retrocalc-models}`` fence) writes the defaults, a summary
table and one entry per registered model with its equation (taken from the model function's
docstring), every symbol of the equation with its unit, validity ranges with units, native
output, what it is the default for, citation, DOI, second sources and notes.

``.. retrocalc-activity-types::`` writes the table of :mod:`retrocalc.activity_types`.

The symbol tables (:data:`SYMBOLS`), the wording of the defaults (:data:`DEFAULT_USE`) and the
second sources (:data:`SECOND_SOURCES`) are kept here, keyed by model name, until the model
specifications carry them; ``tests/test_docs.py`` checks that every registered model has them.
"""

from __future__ import annotations

import inspect
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from retrocalc import DEFAULT_MODELS, REGISTRY
from retrocalc._display import describe_range
from retrocalc.activity_types import ACTIVITY_TYPES
from retrocalc.models import ModelSpec

#: Every symbol of each model's equation: (TeX, meaning, unit), as data on each model
#: (:attr:`retrocalc.models.ModelSpec.symbols`), in the units the equation takes them.
SYMBOLS: dict[str, list[tuple[str, str, str]]] = {
    name: list(spec.symbols) for name, spec in REGISTRY.items()
}

#: What each entry of ``retrocalc.DEFAULT_MODELS`` is the default for.
DEFAULT_USE: dict[str, str] = {
    "walk": "walking without a load, level, uphill and downhill",
    "walk_loaded": "walking with a load (0 < load_kg <= 30) on firm ground (terrain_factor 1)",
    "walk_terrain": "walking on rough ground (terrain_factor > 1) or with a load over 30 kg",
    "run": "running on the level and uphill (grade >= 0)",
    "run_downhill": "running downhill (grade < 0)",
}

#: Sources besides a model's primary citation: (reference, DOI or "" when there is none).
SECOND_SOURCES: dict[str, list[tuple[str, str]]] = {
    "pandolf1977_santee": [
        (
            "Santee W.R., Blanchard L.A., Speckman K.L., Gonzalez J.A., Wright R.F. (2003). "
            "Load carriage model development and testing with field data. USARIEM Technical "
            "Note (a technical report without a DOI; the downhill correction's form is taken "
            "from secondary sources)",
            "",
        ),
    ],
    "backward_running": [
        (
            "Rasica L., Porcelli S., Minetti A.E., Pavei G. (2020). Biomechanical and metabolic "
            "aspects of backward (and forward) running on uphill gradients: another clue "
            "towards an almost inelastic rebound. Eur J Appl Physiol 120(11):2507-2515 "
            "(+35 % on average from 0 to +25 %, n = 8: the grade range)",
            "10.1007/s00421-020-04474-7",
        ),
    ],
}

OUTPUT_TEXT = {
    "vo2_gross_ml_kg_min": "gross oxygen uptake [ml/kg/min]",
    "power_gross_w_kg": "gross metabolic power per kg body mass [W/kg]",
    "power_gross_w": "gross metabolic power of the whole person [W]",
    "cost_net_j_kg_m": "net metabolic cost per kg and metre [J/kg/m]",
    "net_factor": "multiplier on the net forward cost [1]",
}

DIRECTION_MATH = (
    r"\dot E_\mathrm{backward} = \dot E_\mathrm{rest}"
    r" + f\,\left(\dot E_\mathrm{forward} - \dot E_\mathrm{rest}\right)"
)


def equation(spec: ModelSpec) -> list[str]:
    """The ``.. math::`` block of the model function's docstring, as rST lines."""
    if spec.kind == "direction":
        return [DIRECTION_MATH + rf",\qquad f = {spec.value:g}"]
    doc = inspect.getdoc(spec.function) or ""
    lines = doc.splitlines()
    for i, line in enumerate(lines):
        if line.strip().startswith(".. math::"):
            inline = line.split("::", 1)[1].strip()
            if inline:
                return [inline]
            body: list[str] = []
            for following in lines[i + 1 :]:
                if following.strip() and not following.startswith(" "):
                    break
                body.append(following.strip())
            return [b for b in body if b] or []
    return []


def _cell(text: str) -> str:
    return text.replace("\n", " ") or "—"


def summary(specs: list[ModelSpec]) -> list[str]:
    out = [
        ".. list-table:: Registered models",
        "   :header-rows: 1",
        "   :widths: 22 10 38 30",
        "",
        "   * - model",
        "     - gaits",
        "     - valid for",
        "     - source",
    ]
    for s in specs:
        ranges = "; ".join(describe_range(k, v) for k, v in s.ranges.items())
        doi = f" :doi:`{s.doi}`" if s.doi else ""
        out += [
            f"   * - :ref:`{s.name} <model-{s.name}>`",
            f"     - {', '.join(s.gaits)}",
            f"     - {_cell(ranges)}",
            f"     - {_cell(s.citation.split('(')[0].strip())} ({_year(s)}){doi}",
        ]
    return out


def _year(spec: ModelSpec) -> str:
    for token in spec.citation.replace("(", " ").replace(")", " ").split():
        if token.isdigit() and len(token) == 4:
            return token
    return "n.d."


def symbols(spec: ModelSpec) -> list[str]:
    """The "where" table of an equation: symbol, meaning, unit."""
    out = [
        ".. list-table::",
        "   :header-rows: 1",
        "   :widths: 15 65 20",
        "",
        "   * - symbol",
        "     - meaning",
        "     - unit",
    ]
    for tex, meaning, unit in SYMBOLS[spec.name]:
        out += [f"   * - :math:`{tex}`", f"     - {meaning}", f"     - {unit}"]
    return [*out, ""]


def defaults() -> list[str]:
    """Which model ``rc.estimate`` uses when ``model=`` is not given."""
    out = [
        ".. list-table:: Defaults (``retrocalc.DEFAULT_MODELS``)",
        "   :header-rows: 1",
        "   :widths: 20 50 30",
        "",
        "   * - key",
        "     - used for",
        "     - model",
    ]
    for key, name in DEFAULT_MODELS.items():
        out += [
            f"   * - ``{key}``",
            f"     - {DEFAULT_USE[key]}",
            f"     - :ref:`{name} <model-{name}>`",
        ]
    return [*out, ""]


def entry(spec: ModelSpec) -> list[str]:
    out = [f".. _model-{spec.name}:", "", f".. rubric:: ``{spec.name}``: {spec.title}", ""]
    math = equation(spec)
    if math:
        out += [".. math::", ""] + [f"   {m}" for m in math] + [""]
        out += ["where", "", *symbols(spec)]
    uses = [DEFAULT_USE[k] for k, name in DEFAULT_MODELS.items() if name == spec.name]
    out += [
        f"- **kind:** {spec.kind} ({', '.join(spec.gaits)}; "
        f"directions {', '.join(spec.directions)})",
        f"- **returns:** {OUTPUT_TEXT[spec.output]}",
    ]
    if spec.function is not None:
        out.append(f"- **function:** :func:`retrocalc.models.{spec.function.__name__}`")
    ranges = "; ".join(describe_range(k, v) for k, v in spec.ranges.items())
    out.append(f"- **valid for:** {ranges}")
    out.append(f"- **source:** {spec.citation}" + (f". :doi:`{spec.doi}`" if spec.doi else ""))
    for text, doi in SECOND_SOURCES.get(spec.name, []):
        out.append(f"- **second source:** {text}" + (f". :doi:`{doi}`" if doi else ""))
    out.append(
        "- **default for:** " + "; ".join(uses)
        if uses
        else "- **default for:** nothing (choose it with ``model=``)"
        if spec.kind == "base"
        else f"- **applied:** to every backward {spec.gaits[0]} (``backward_factor=`` changes f)"
    )
    if spec.notes:
        out.append(f"- **notes:** {spec.notes}")
    return [*out, ""]


class ModelsDirective(SphinxDirective):
    """Summary table and one entry per registered model."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        specs = list(REGISTRY.values())
        lines = [*defaults(), *summary(specs), ""]
        for spec in specs:
            lines += entry(spec)
        container = nodes.container()
        self.state.nested_parse(StringList(lines, source="retrocalc.REGISTRY"), 0, container)
        return container.children


def activity_table() -> list[str]:
    """The table of :data:`retrocalc.activity_types.ACTIVITY_TYPES`."""
    out = [
        ".. list-table:: Activity types (matched ignoring case, spaces, ``-`` and ``_``)",
        "   :header-rows: 1",
        "   :widths: 30 15 15 40",
        "",
        "   * - activity type",
        "     - gait",
        "     - direction",
        "     - written so by",
    ]
    for row in ACTIVITY_TYPES:
        out += [
            f"   * - ``{row.name}``",
            f"     - {row.gait}",
            f"     - {row.direction}",
            f"     - {row.source}",
        ]
    return [*out, ""]


class ActivityTypesDirective(SphinxDirective):
    """The activity type table."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        container = nodes.container()
        source = "retrocalc.activity_types.ACTIVITY_TYPES"
        self.state.nested_parse(StringList(activity_table(), source=source), 0, container)
        return container.children


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("retrocalc-models", ModelsDirective)
    app.add_directive("retrocalc-activity-types", ActivityTypesDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
