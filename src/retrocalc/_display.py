"""Rich display for Jupyter: HTML tables with units for results, the model registry and
recordings.

``EstimateResult._repr_html_``, ``Registry._repr_html_``, ``ActivityResult._repr_html_`` and
``Activity._repr_html_`` delegate here. The units and meanings of estimates come from
:mod:`retrocalc.nomenclature`, so a table never states a unit the nomenclature does not; a
recording's tables give the units of its columns' names (``distance_m`` shown in km,
durations as h:mm:ss). Every piece of text is HTML-escaped. pandas is never imported here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from html import escape
from typing import TYPE_CHECKING, Any

import numpy as np

from ._wrap import is_series
from .nomenclature import INPUTS, OUTPUTS
from .units import speed_to_pace

if TYPE_CHECKING:
    from .activity import Activity, ActivityResult
    from .core import EstimateResult
    from .models import ModelSpec, Registry

__all__ = [
    "FAULT_STYLE",
    "MAX_ROWS",
    "SCROLL_STYLE",
    "SPLIT_ROWS",
    "activity_html",
    "activity_result_html",
    "clock",
    "describe_range",
    "format_value",
    "registry_html",
    "result_html",
    "unit_label",
    "warnings_html",
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


# --- recordings: ActivityResult and Activity ------------------------------------------------

#: Rows of ``splits_km`` shown in an activity's display (all are in ``result.splits_km``).
SPLIT_ROWS = 5
#: Style of a Fault in a list of warnings: the data were damaged, the totals are not whole.
FAULT_STYLE = "color:#b00020"
_FLEX = "display:flex;flex-wrap:wrap;gap:0 2em;align-items:flex-start"


def clock(seconds: float) -> str:
    """A duration [s] as ``h:mm:ss`` (``"—"`` when not finite)."""
    if not math.isfinite(seconds):
        return "—"
    whole = round(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def _pace(seconds_per_km: float) -> str:
    """``M:SS`` (or ``H:MM:SS``) as :func:`~retrocalc.units.speed_to_pace` writes it."""
    text = speed_to_pace(1000.0 / seconds_per_km) if seconds_per_km > 0 else ""
    return str(text).removesuffix("/km") or "—"


def _values(rows: Iterable[tuple[str, str, str]]) -> list[str]:
    """(quantity, value, unit) rows; numbers and durations right-aligned, text left."""
    return [
        _row((_cell(name), _cell(value, align=_align(value)), _cell(unit)))
        for name, value, unit in rows
    ]


def _align(text: str) -> str:
    number = text in ("NaN", "—") or all(c in "0123456789,.:-−" for c in text)
    return "right" if number else "left"


def warnings_html(notes: Iterable[str]) -> str:
    """Notes as an HTML list; a :class:`~retrocalc.activity.Fault` (data damaged and
    repaired or cut short) is marked **Fault** in red, other notes are plain."""
    items = []
    faults = 0
    for note in notes:
        if type(note).__name__ == "Fault":  # activity.read.Fault (no import of pandas here)
            faults += 1
            items.append(f'<li style="{FAULT_STYLE}"><strong>Fault:</strong> {escape(note)}</li>')
        else:
            items.append(f"<li>{escape(note)}</li>")
    if not items:
        return "<p>No warnings.</p>"
    count = f"{len(items)} warning(s)" + (f", {faults} fault(s)" if faults else "")
    return f"<p>{count}:</p><ul>{''.join(items)}</ul>"


def _title(kind: str, source: str, parts: Iterable[str | None]) -> str:
    rest = " · ".join(escape(p) for p in parts if p)
    return (
        f"<p><strong>{kind}</strong> <code>{escape(source)}</code>{' · ' if rest else ''}{rest}</p>"
    )


def _by_gait(table: Any) -> str:
    header = [
        "gait",
        "direction",
        "time<br><small>[h:mm:ss]</small>",
        "distance<br><small>[km]</small>",
        "gross<br><small>[kcal]</small>",
        "net<br><small>[kcal]</small>",
    ]
    keys = ("time_s", "distance_m", "energy_gross_kcal", "energy_net_kcal")
    col = {k: table[k].to_numpy() for k in ("gait", "direction", *keys)}
    rows = []
    for i in range(len(table)):  # a handful of rows: (gait, direction) pairs and the pause
        cells = [_cell(str(col["gait"][i])), _cell(str(col["direction"][i]))]
        cells.append(_cell(clock(float(col["time_s"][i])), align="right"))
        cells.append(_cell(format_value(col["distance_m"][i] / 1000.0), align="right"))
        cells += [_cell(format_value(col[k][i]), align="right") for k in keys[2:]]
        rows.append(_row(cells))
    return _table("By gait and direction", header, rows)


_SPLIT_COLUMNS = (
    ("distance_m", "m"),
    ("moving_s", "h:mm:ss"),
    ("pace_s_per_km", "min/km"),
    ("gain_m", "m"),
    ("loss_m", "m"),
    ("energy_gross_kcal", "kcal"),
    ("energy_net_kcal", "kcal"),
)


def _splits(splits: Any, key: str = "km") -> str:
    n = len(splits)
    shown = min(n, SPLIT_ROWS)
    data = {k: splits[k].to_numpy()[:shown] for k in (key, *(c for c, _ in _SPLIT_COLUMNS))}
    rows = []
    for i in range(shown):
        cells = [_cell(str(data[key][i]), "th")]
        for name, _ in _SPLIT_COLUMNS:
            value = float(data[name][i])
            if name == "moving_s":
                text = clock(value)
            elif name == "pace_s_per_km":
                text = _pace(value)
            else:
                text = format_value(value)
            cells.append(_cell(text, align="right"))
        rows.append(_row(cells))
    header = [escape(key)] + [
        f"{_breakable(name)}<br><small>[{escape(unit)}]</small>" for name, unit in _SPLIT_COLUMNS
    ]
    caption = f"Splits per km: {n}" + (
        f", the first {shown} shown (all in result.splits_km)" if n > shown else ""
    )
    return _scroll(_table(caption, header, rows))


def activity_result_html(result: ActivityResult) -> str:
    """An :class:`~retrocalc.activity.ActivityResult` as HTML, for Jupyter.

    The totals with their units (distance, moving, elapsed and paused time, gain and loss,
    gross and net energy, the share of moving samples outside a model's validity range),
    time and energy by gait and direction, the first :data:`SPLIT_ROWS` splits per km, and
    the warnings, faults marked. Every text is escaped (a file name is the user's).
    """
    s = result.summary
    mass = result.settings.get("mass_kg")
    title = _title(
        "ActivityResult",
        str(s["source"]),
        [
            s.get("sport"),
            s.get("start_time"),
            None if mass is None else f"{format_value(mass)} kg",
        ],
    )
    totals = [
        ("distance", format_value(s["distance_m"] / 1000.0), "km"),
        ("moving time", clock(s["moving_s"]), "h:mm:ss"),
        ("elapsed time", clock(s["elapsed_s"]), "h:mm:ss"),
        ("paused time", clock(s["paused_s"]), "h:mm:ss"),
        ("gain", format_value(s["gain_m"]), "m"),
        ("loss", format_value(s["loss_m"]), "m"),
        ("gross energy (total, rest included)", format_value(s["energy_gross_kcal"]), "kcal"),
        ("net energy (active, above rest)", format_value(s["energy_net_kcal"]), "kcal"),
        ("of gross: rest during pauses", format_value(s["pause_gross_kcal"]), "kcal"),
        ("out of validity range", format_value(100.0 * s["out_of_range_share"]), "% of moving"),
    ]
    if "hr_energy_gross_kcal" in s:
        totals.append(("gross from heart rate", format_value(s["hr_energy_gross_kcal"]), "kcal"))
    totals.append(("models", str(s["models"]) or "—", ""))
    summary = _table("Totals", ["quantity", "value", "unit"], _values(totals))
    return (
        f'<div class="retrocalc-activity">{title}'
        f'<div style="{_FLEX}">{summary}{_by_gait(result.by_gait)}</div>'
        f"{_splits(result.splits_km)}{warnings_html(result.warnings)}</div>"
    )


_STREAMS = (
    ("latitude_deg", "positions"),
    ("altitude_m", "altitude"),
    ("distance_m", "distance"),
    ("speed_m_s", "speed"),
    ("heart_rate_bpm", "heart rate"),
    ("cadence_rpm", "cadence"),
)


def activity_html(activity: Activity) -> str:
    """A recording read by :func:`retrocalc.read_activity` as HTML, for Jupyter: source,
    format, sport, device, start, samples, duration, laps, the streams it holds, warnings."""
    samples = activity.samples
    elapsed = samples["elapsed_s"].to_numpy(np.float64)
    timed = elapsed[np.isfinite(elapsed)]
    duration = float(timed.max() - timed.min()) if timed.size else math.nan
    start = activity.start_time
    sport = activity.sport or "—"
    if activity.sub_sport:
        sport += f" ({activity.sub_sport})"
    present = [
        label for name, label in _STREAMS if np.isfinite(samples[name].to_numpy(np.float64)).any()
    ]
    rows = [
        ("format", activity.format, ""),
        ("sport", sport, ""),
        ("device", activity.device or "—", ""),
        ("start", "—" if start is None else start.isoformat(), "UTC"),
        ("samples", format_value(len(samples)), ""),
        ("duration", clock(duration), "h:mm:ss"),
        ("laps", format_value(len(activity.laps)), ""),
        ("streams", ", ".join(present) or "—", ""),
    ]
    table = _table("Recording", ["", "value", "unit"], _values(rows))
    title = _title("Activity", activity.source, [])
    return f'<div class="retrocalc-activity">{title}{table}{warnings_html(activity.warnings)}</div>'
