"""Parse one block's cells: numbers, paces and labels, with a reason for every bad cell."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .. import _derive, units
from ..activity_types import activity_gait
from ..nomenclature import ACTIVITY_TYPE, ALIASES, BARE_DURATION, INPUTS
from .types import _MISSING_TEXT as _LIBRARY_MISSING
from .types import LABEL_CHOICES, VARIABLES, Source

#: Cell texts read as "no value": the library's list plus the placeholders exports write for
#: an empty field (Garmin Connect writes ``--``).
_MISSING_TEXT = sorted({*_LIBRARY_MISSING, "--", "-", "\u2013", "\u2014", "---"})
# a number with thousands separators, e.g. 1,085 or 12,345.6 (polars' regex is linear-time)
_GROUPED = r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$"
# a decimal comma, perhaps after dots grouping thousands (80,5; 1.085,25), and such a group
_DECIMAL_COMMA = r"^[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+$"
_DOT_GROUPED = r"^[+-]?\d{1,3}(\.\d{3})+$"

if TYPE_CHECKING:
    import polars as pl


def load_polars() -> Any:
    try:
        import polars
    except ImportError as exc:  # pragma: no cover - the extra is part of the install checks
        raise ImportError(
            "retrocalc's batch estimation needs polars and pyarrow: pip install 'retrocalc[cli]'"
        ) from exc
    return polars


class _Reasons:
    """Why each row is bad, built column by column with vectorised string expressions:
    every bad column of a row is in its reason, joined by ``"; "``."""

    def __init__(self, n: int) -> None:
        pl = load_polars()
        self.reason = pl.repeat(None, n, dtype=pl.String, eager=True).alias("error")

    def add(self, bad: pl.Series, message: Any) -> None:
        """Add ``message`` to the reason of rows ``bad``; an expression evaluated only when
        some row is bad."""
        pl = load_polars()
        if not bad.any():
            return
        text = pl.lit(message) if isinstance(message, str) else message
        frame = pl.DataFrame({"r": self.reason, "b": bad}).with_columns(m=text)
        r, b, m = pl.col("r"), pl.col("b"), pl.col("m")
        self.reason = frame.select(
            pl.when(b & r.is_null())
            .then(m)
            .when(b)
            .then(pl.concat_str([r, pl.lit("; "), m]))
            .otherwise(r)
        ).to_series()

    @property
    def mask(self) -> NDArray[np.bool_]:
        return np.asarray(self.reason.is_not_null().to_numpy(), dtype=bool)


def _quoted(values: pl.Series) -> Any:
    """'value' with quotes, for messages (the value as it was in the file); an expression."""
    pl = load_polars()
    return pl.format("'{}'", pl.lit(values.cast(pl.String)))


def _parse_number(
    column: str,
    values: pl.Series,
    canonical: str,
    alias: str | None,
    reasons: _Reasons,
    optional: bool = False,
    decimal_comma: bool = False,
) -> NDArray[np.float64]:
    """A column of numbers (text or numeric) in the canonical unit; bad rows become NaN.

    ``optional``: a missing value is no reason (NaN, the row is fine): the heart rate, whose
    outputs are then empty while the rest of the row is estimated. ``decimal_comma``: the
    file's convention (see :func:`_without_thousands`)."""
    pl = load_polars()
    label = column if column == canonical else f"{column} ({canonical})"
    parsed = values.cast(pl.Float64, strict=False)
    raw = parsed.to_numpy()  # nulls (empty, not a number) become NaN
    unusable = ~np.isfinite(raw)
    if unusable.any():  # the reason, worked out on the rare path only
        if values.dtype == pl.String:
            # (surrounding blanks are fine)
            text = _without_thousands(values.str.strip_chars(), decimal_comma)
            parsed = text.cast(pl.Float64, strict=False)
            raw = parsed.to_numpy()
            missing = text.is_null() | text.str.to_lowercase().is_in(_MISSING_TEXT)
        else:
            missing = values.is_null()
        missing = missing | parsed.is_nan().fill_null(False)
        if not optional:
            reasons.add(missing, f"{label}: missing value")
        not_number = parsed.is_null() & ~missing
        hint: Any = pl.lit("")
        if alias in ("pace_min_km", "pace_min_mi") and values.dtype == pl.String:
            # "5:00" under pace_min_km: minutes as a number there; a clock pace has its name
            hint = (
                pl.when(values.str.contains(":", literal=True))
                .then(
                    pl.lit(
                        " (minutes as a number; a pace such as 5:30 goes in a column named pace, "
                        f"with --pace-unit {alias[-2:]})"
                    )
                )
                .otherwise(pl.lit(""))
            )
        reasons.add(
            not_number, pl.format("{}: {} is not a number{}", pl.lit(label), _quoted(values), hint)
        )
        infinite = pl.Series(np.isinf(raw))
        reasons.add(infinite, pl.format("{}: {} is not finite", pl.lit(label), _quoted(values)))
    out: NDArray[np.float64] = np.asarray(
        getattr(units, ALIASES[alias].convert)(raw) if alias else raw, dtype=np.float64
    )
    var = VARIABLES[canonical]
    if var.lower is not None:
        with np.errstate(invalid="ignore"):
            impossible = var.impossible(out) & np.isfinite(out)  # -inf has its reason
        reasons.add(
            pl.Series(impossible),
            pl.format(
                "{}: {} is impossible: must be {} ({})",
                pl.lit(label),
                _quoted(values),
                pl.lit(var.bound),
                pl.lit(var.expected),
            ),
        )
    return out


def _without_thousands(text: pl.Series, decimal_comma: bool = False) -> pl.Series:
    """Text numbers with their separators made plain where the column leaves no doubt.

    Every comma of the column separates groups of three digits (``1,085``, ``12,345.6``):
    the commas go. Else every comma is a decimal comma (``80,5``; spreadsheets in German,
    French, Dutch... locales) and every dot, if any, groups thousands (``1.085,25``): the
    dots go and the commas become points. A column mixing the two (``70.5`` beside
    ``80,5``) is left as it is: those cells are not numbers and get a reason. In a file of
    those locales (``decimal_comma``: separated by semicolons) a column whose every comma
    could be either (``3,154``) is read with decimal commas, else with thousands separators.
    """
    pl = load_polars()
    comma = text.str.contains(",", literal=True).fill_null(False)
    if not comma.any():
        return text
    grouped = text.str.contains(_GROUPED).fill_null(False)
    if not decimal_comma and (grouped | ~comma).all():
        return text.str.replace_all(",", "", literal=True).cast(pl.String)
    decimal = text.str.contains(_DECIMAL_COMMA).fill_null(False)
    dot = text.str.contains(".", literal=True).fill_null(False)
    dot_grouped = text.str.contains(_DOT_GROUPED).fill_null(False)
    if (decimal | ~comma).all() and (decimal | dot_grouped | ~dot).all():
        plain = text.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
        return plain.cast(pl.String)
    return text


def _parse_text(
    column: str,
    values: pl.Series,
    canonical: str,
    parse: Any,
    prefix: str,
    reasons: _Reasons,
) -> NDArray[np.float64]:
    """A column of text (pace, duration) in canonical units, each distinct text parsed once
    by ``parse(distinct) -> (values, errors)``."""
    pl = load_polars()
    text = values.cast(pl.String)
    missing = text.is_null() | text.str.strip_chars().str.to_lowercase().is_in(_MISSING_TEXT)
    reasons.add(missing, f"{column} ({canonical}): missing value")
    distinct = text.filter(~missing).unique()
    numbers, errors = parse(distinct.to_list())
    table = pl.DataFrame(
        {"t": distinct, "value": numbers, "why": errors},
        schema={"t": pl.String, "value": pl.Float64, "why": pl.String},
    )
    joined = pl.DataFrame({"t": text}).join(table, on="t", how="left", maintain_order="left")
    why = joined["why"].fill_null("")
    reasons.add(
        why != "", pl.format("{}: {}", pl.lit(column), pl.lit(why.str.strip_prefix(prefix)))
    )
    out: NDArray[np.float64] = joined["value"].fill_null(np.nan).to_numpy()
    return out


def _parse_pace(
    column: str, values: pl.Series, reasons: _Reasons, unit: str | None = None
) -> NDArray[np.float64]:
    """Pace text ("5:30/km", "8:45/mi"; "5:30" with ``unit``) to speed [m/s]."""

    def parse(texts: list[str]) -> tuple[NDArray[np.float64], list[str]]:
        speeds, errors = units.parse_paces(texts, unit=unit)
        # the batch's way to give the unit (pace_unit= in Python, --pace-unit in a shell)
        return speeds, [e.replace("pass unit=", "pass --pace-unit") for e in errors]

    return _parse_text(column, values, "speed_m_s", parse, "pace ", reasons)


def _parse_duration(column: str, values: pl.Series, reasons: _Reasons) -> NDArray[np.float64]:
    """Durations [s] from text ("1:02:03", "45:10"), Arrow durations or seconds."""
    pl = load_polars()
    if values.dtype == pl.Duration:
        seconds = values.dt.total_microseconds().cast(pl.Float64) / 1e6
        return _parse_number(column, seconds, "duration_s", None, reasons)

    def parse(texts: list[str]) -> tuple[NDArray[np.float64], list[str]]:
        # a bare number could be seconds or minutes: a reason, not a guess
        seconds, errors = units.parse_duration_texts(texts, numbers=False)
        bare = [units._is_plain_number(str(t).strip()) for t in texts]
        seconds[np.asarray(bare, dtype=bool)] = np.nan
        why = [
            f"{t!r} {BARE_DURATION}" if b else e
            for t, b, e in zip(texts, bare, errors, strict=True)
        ]
        return seconds, why

    return _parse_text(column, values.cast(pl.String), "duration_s", parse, "duration ", reasons)


def _parse_activity(
    source: Source, values: pl.Series, reasons: _Reasons
) -> tuple[NDArray[np.str_], NDArray[np.str_]]:
    """Gait and direction from an export's activity type ("Trail Running", "Walk"...)."""
    pl = load_polars()
    text = values.cast(pl.String).fill_null("")
    distinct = text.unique()
    activity_map = dict(getattr(source, "activity_map", ()))
    gait, direction, why = activity_gait(np.array(distinct.to_list(), dtype=object), activity_map)
    table = pl.DataFrame(
        {
            "t": distinct,
            "gait": [g or "" for g in gait.tolist()],
            "direction": [d or "" for d in direction.tolist()],
            "why": why.tolist(),
        },
        schema={"t": pl.String, "gait": pl.String, "direction": pl.String, "why": pl.String},
    )
    joined = pl.DataFrame({"t": text}).join(table, on="t", how="left", maintain_order="left")
    reason = joined["why"]
    reasons.add(reason != "", pl.format("{}: {}", pl.lit(source.column), pl.lit(reason)))
    gaits: NDArray[np.str_] = joined["gait"].to_numpy().astype(str)
    directions: NDArray[np.str_] = joined["direction"].to_numpy().astype(str)
    return gaits, directions


def _parse_label(
    column: str, values: pl.Series, canonical: str, reasons: _Reasons
) -> NDArray[np.str_]:
    """A text column matched case-insensitively to its allowed labels; bad rows give ""."""
    pl = load_polars()
    choices = LABEL_CHOICES[canonical]
    label = column if column == canonical else f"{column} ({canonical})"
    vocabulary = np.array([*choices, ""])
    exact = values.cast(pl.String).cast(pl.Enum(choices), strict=False)
    if exact.null_count() == 0:  # the usual case: every label spelled as expected
        spelled: NDArray[np.str_] = vocabulary[exact.to_physical().to_numpy()]
        return spelled
    norm = values.cast(pl.String).str.strip_chars().str.to_lowercase()
    missing = norm.is_null() | norm.is_in(_MISSING_TEXT)
    if canonical != "model":  # an empty model means the default model
        reasons.add(missing, f"{label}: missing value")
    unknown = ~missing & ~norm.is_in(choices)
    reasons.add(
        unknown,
        pl.format(
            "{}: {} is not one of {}",
            pl.lit(label),
            _quoted(values),
            pl.lit(", ".join(map(repr, choices))),
        ),
    )
    codes = norm.replace_strict(choices, range(len(choices)), default=len(choices)).to_numpy()
    labels: NDArray[np.str_] = vocabulary[codes]
    return labels


def _inputs_of(
    frame: pl.DataFrame, plan: Mapping[str, Source], reasons: _Reasons
) -> dict[str, Any]:
    given: dict[str, Any] = dict.fromkeys(INPUTS)
    for canonical, source in plan.items():
        if canonical not in INPUTS:  # the heart rate: not an input of estimate()
            assert source.column is not None
            given[canonical] = _parse_number(
                source.column, frame[source.column], canonical, None, reasons, optional=True
            )
        elif source.column is None:
            given[canonical] = source.constant
        elif source.alias == ACTIVITY_TYPE:
            gait, direction = _parse_activity(source, frame[source.column], reasons)
            given["gait"] = gait
            if getattr(source, "gives_direction", True):
                given["direction"] = direction
        elif source.alias == "pace":
            unit = getattr(source, "pace_unit", None)
            given[canonical] = _parse_pace(source.column, frame[source.column], reasons, unit)
        elif source.alias == "duration":
            given[canonical] = _parse_duration(source.column, frame[source.column], reasons)
        elif INPUTS[canonical].dtype == "str":
            given[canonical] = _parse_label(source.column, frame[source.column], canonical, reasons)
        else:
            given[canonical] = _parse_number(
                source.column, frame[source.column], canonical, source.alias, reasons,
                decimal_comma=getattr(source, "decimal_comma", False),
                # with a speed and a duration, a distance only checks them: a row without
                # one is estimated (as by estimate()), not an error
                optional=canonical == "distance_m" and plan.keys() >= _REDUNDANT,
            )  # fmt: skip
    _reconcile(given, plan, frame.height, reasons)
    return given


#: Inputs that make a distance redundant (:func:`_reconcile`).
_REDUNDANT = frozenset({"speed_m_s", "duration_s"})


def _label(source: Source) -> str:
    return source.column if source.column is not None else f"{source.canonical} (constant)"


def _reconcile(
    given: dict[str, Any], plan: Mapping[str, Source], n: int, reasons: _Reasons
) -> None:
    """Speed from distance and duration when the file has no speed; with all three, the
    distance checked against speed x duration (a reason where they disagree) and dropped:
    the energy is power x duration (see :mod:`retrocalc._derive`)."""
    pl = load_polars()
    if given["duration_s"] is None or given["distance_m"] is None:
        return
    t, d = (
        np.broadcast_to(np.asarray(given[k], dtype=np.float64), (n,))
        for k in ("duration_s", "distance_m")
    )
    duration, distance = _label(plan["duration_s"]), _label(plan["distance_m"])
    if given["speed_m_s"] is None:
        with np.errstate(invalid="ignore"):
            zero = (t <= 0) & np.isfinite(d)
        reasons.add(
            pl.Series(zero),
            f"{duration}: a duration of 0 gives no speed from {distance} / {duration}",
        )
        given["speed_m_s"] = np.asarray(_derive.derived_speed(t, d), dtype=np.float64)
    else:
        s = np.broadcast_to(np.asarray(given["speed_m_s"], dtype=np.float64), (n,))
        bad = _derive.inconsistent(s, t, d)
        if bad.any():
            speed = _label(plan["speed_m_s"])
            reasons.add(
                pl.Series(bad),
                pl.format(
                    "{}: {} m differs from {} x {} = {} m by more than {}: give two of speed, "
                    "duration and distance",
                    pl.lit(distance),
                    pl.Series(np.round(d, 1)),
                    pl.lit(speed),
                    pl.lit(duration),
                    pl.Series(np.round(s * t, 1)),
                    pl.lit(f"{_derive.TOLERANCE:.0%}"),
                ),
            )
    given["distance_m"] = None


def _blank_bad_rows(given: dict[str, Any], bad: NDArray[np.bool_]) -> None:
    """Make bad rows missing (NaN, "") so that estimate() computes nothing for them."""
    if not bad.any():
        return
    for name, value in given.items():
        if isinstance(value, np.ndarray):  # arrays from polars may be read-only views
            given[name] = np.where(bad, "" if value.dtype.kind == "U" else np.nan, value)
