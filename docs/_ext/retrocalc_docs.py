"""Sphinx extension: the model table, generated from ``retrocalc.REGISTRY`` at build time.

``.. retrocalc-models::`` (in MyST: a ``{retrocalc-models}`` fence) writes a summary table and one
entry per registered model with its equation (taken from the model function's docstring),
validity ranges with units, native output, citation, DOI and notes. Nothing about a model is
typed into the docs by hand, so the page cannot drift from the code.
"""

from __future__ import annotations

import inspect
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from retrocalc import REGISTRY
from retrocalc._display import describe_range
from retrocalc.models import ModelSpec

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


def entry(spec: ModelSpec) -> list[str]:
    out = [f".. _model-{spec.name}:", "", f".. rubric:: ``{spec.name}``: {spec.title}", ""]
    math = equation(spec)
    if math:
        out += [".. math::", ""] + [f"   {m}" for m in math] + [""]
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
    if spec.notes:
        out.append(f"- **notes:** {spec.notes}")
    return [*out, ""]


class ModelsDirective(SphinxDirective):
    """Summary table and one entry per registered model."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        specs = list(REGISTRY.values())
        lines = [*summary(specs), ""]
        for spec in specs:
            lines += entry(spec)
        container = nodes.container()
        self.state.nested_parse(StringList(lines, source="retrocalc.REGISTRY"), 0, container)
        return container.children


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("retrocalc-models", ModelsDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
