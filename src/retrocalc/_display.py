"""Rich display for Jupyter: HTML tables with units for results and the model registry.

``EstimateResult._repr_html_`` and ``Registry._repr_html_`` delegate here. Units and
meanings come from :mod:`retrocalc.nomenclature`, so a table never states a unit the
nomenclature does not. Every piece of text is HTML-escaped. pandas is never imported here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from html import escape
from typing import TYPE_CHECKING, Any

import numpy as np

from ._wrap import is_series
from .nomenclature import INPUTS, OUTPUTS

if TYPE_CHECKING:
    from .core import EstimateResult
    from .models import ModelSpec, Registry

__all__ = [
    "MAX_ROWS",
    "SCROLL_STYLE",
    "describe_range",
    "format_value",
    "registry_html",
    "result_html",
    "unit_label",
]

#: Rows shown for a result with many estimates (half from the start, half from the end).
MAX_ROWS = 10


def unit_label(unit: str) -> str:
    """A unit for display: ``"1"`` (dimensionless) and ``""`` (labels) show as nothing."""
    return "" if unit in ("", "1") else unit


def format_value(value: Any) -> str:
    """One value as short text: 4 significant digits, thousands as whole numbers."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, float, np.integer, np.floating)):
        x = float(value)
        if math.isnan(x):
            return "NaN"
        if math.isfinite(x) and abs(x) >= 1000:
            return f"{x:,.0f}"
        return f"{x:.4g}"
    return str(value)


def _cell(text: str, tag: str = "td", align: str = "left", raw: bool = False) -> str:
    body = text if raw else escape(text)
    return f'<{tag} style="text-align:{align};vertical-align:top">{body}</{tag}>'


def _row(cells: Iterable[str]) -> str:
    return "<tr>" + "".join(cells) + "</tr>"


def _table(caption: str, header: list[str], rows: list[str]) -> str:
    head = _row(_cell(h, "th", raw=True) for h in header)
    return (
        f'<table><caption style="text-align:left">{escape(caption)}</caption>'
        f"<thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"
    )


#: Style of the box around wide tables: as wide as the notebook at most, scrolling sideways
#: (and down, past a screenful) rather than widening the page.
SCROLL_STYLE = "max-width:100%;overflow:auto;max-height:32em"


def _scroll(html: str) -> str:
    return f'<div style="{SCROLL_STYLE}">{html}</div>'


def _breakable(name: str) -> str:
    """An escaped name that may wrap after each underscore (``cost_of_transport_j_kg_m``)."""
    return "_<wbr>".join(escape(part) for part in name.split("_"))


def _header(name: str) -> str:
    unit = unit_label(OUTPUTS[name].unit)
    suffix = f"<br><small>[{escape(unit)}]</small>" if unit else ""
    return f"{_breakable(name)}{suffix}"


def result_html(result: EstimateResult[Any]) -> str:
    """An :class:`~retrocalc.EstimateResult` as an HTML table with units.

    One estimate gives one row per quantity (name, value, unit, meaning); many give one
    column per quantity, units under the names, and the first and last ``MAX_ROWS / 2`` rows,
    in a box no wider than the notebook that scrolls sideways (names wrap at underscores).
    """
    data = result.to_dict()
    if all(np.ndim(v) == 0 and not is_series(v) for v in data.values()):
        rows = [
            _row(
                (
                    _cell(name),
                    _cell(format_value(value), align="right"),
                    _cell(unit_label(OUTPUTS[name].unit)),
                    _cell(OUTPUTS[name].description),
                )
            )
            for name, value in data.items()
        ]
        return _table("EstimateResult", ["quantity", "value", "unit", "meaning"], rows)

    first = next(iter(data.values()))
    index = first.index if is_series(first) else None
    shape = np.shape(first)
    flat = {k: np.ravel(np.asarray(v, dtype=object)) for k, v in data.items()}
    size = flat["in_range"].size
    if index is not None:
        labels = [str(i) for i in index]
    elif len(shape) > 1:
        labels = [str(i) for i in np.ndindex(*shape)]
    else:
        labels = [str(i) for i in range(size)]
    half = MAX_ROWS // 2
    if size > MAX_ROWS:
        shown: list[int | None] = [*range(half), None, *range(size - half, size)]
    else:
        shown = list(range(size))
    rows = []
    for i in shown:
        if i is None:
            rows.append(_row([_cell("…")] + [_cell("…", align="right") for _ in flat]))
            continue
        cells = [_cell(labels[i], "th")]
        cells += [_cell(format_value(v[i]), align="right") for v in flat.values()]
        rows.append(_row(cells))
    in_range = int(np.count_nonzero(flat["in_range"].astype(bool)))
    caption = (
        f"EstimateResult: {size} estimates"
        + (f", shape {shape}" if len(shape) > 1 else "")
        + f"; {in_range} of {size} in range"
        + (f"; first {half} and last {half} shown" if size > MAX_ROWS else "")
    )
    header = [escape(str(getattr(index, "name", None) or ""))] + [_header(k) for k in flat]
    return _scroll(_table(caption, header, rows))


def _bound(x: float | None, unbounded: str) -> str:
    return unbounded if x is None else f"{x:.4g}"


def describe_range(name: str, bounds: tuple[float | None, float | None]) -> str:
    """A validity range with its unit, e.g. ``"speed_m_s 0 to 1.96 m/s"``.

    Grades also show in percent.
    """
    lo, hi = bounds
    unit = unit_label(INPUTS[name].unit) if name in INPUTS else ""
    if lo is not None and lo == hi:
        return f"{name} {_bound(lo, '')} {unit}".rstrip() + (
            " (level only)" if name == "grade" else ""
        )
    text = f"{name} {_bound(lo, '−∞')} to {_bound(hi, '∞')}"
    if unit:
        text += f" {unit}"
    if name == "grade":
        pct = [None if b is None else 100 * b for b in bounds]
        text += f" ({_bound(pct[0], '−∞')} to {_bound(pct[1], '∞')} %)"
    return text


def _ranges(spec: ModelSpec) -> str:
    return "<br>".join(escape(describe_range(k, v)) for k, v in spec.ranges.items())


def _source(spec: ModelSpec) -> str:
    text = escape(spec.citation)
    if spec.doi:
        href = escape(spec.doi_url, quote=True)
        text += f'<br><a href="{href}">doi:{escape(spec.doi)}</a>'
    return text


def registry_html(registry: Registry | Mapping[str, ModelSpec]) -> str:
    """The model registry as an HTML table: gaits, validity ranges with units, sources."""
    rows = []
    for spec in registry.values():
        factor = f"×{spec.value:g} on net cost" if spec.value is not None else ""
        rows.append(
            _row(
                (
                    _cell(f"<code>{escape(spec.name)}</code>", raw=True),
                    _cell(spec.title),
                    _cell(spec.kind),
                    _cell(", ".join(spec.gaits)),
                    _cell(_ranges(spec), raw=True),
                    _cell(factor),
                    _cell(_source(spec), raw=True),
                )
            )
        )
    header = ["name", "model", "kind", "gaits", "valid for", "factor", "source"]
    return _scroll(_table(f"{len(rows)} registered models", header, rows))
