"""Parse one block's cells: numbers, paces and labels, with a reason for every bad cell."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .. import units
from ..nomenclature import ALIASES, INPUTS
from .types import _MISSING_TEXT, LABEL_CHOICES, Source

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
    """First reason per row, built column by column with vectorised string expressions."""

    def __init__(self, n: int) -> None:
        pl = load_polars()
        self.reason = pl.repeat(None, n, dtype=pl.String, eager=True).alias("error")

    def add(self, bad: pl.Series, message: Any) -> None:
        """Give rows ``bad`` (still without a reason) ``message``, an expression evaluated
        only when some row is bad."""
        pl = load_polars()
        if not bad.any():
            return
        text = pl.lit(message) if isinstance(message, str) else message
        frame = pl.DataFrame({"r": self.reason, "b": bad}).with_columns(m=text)
        self.reason = frame.select(
            pl.when(pl.col("r").is_null() & pl.col("b")).then(pl.col("m")).otherwise(pl.col("r"))
        ).to_series()

    @property
    def mask(self) -> NDArray[np.bool_]:
        return np.asarray(self.reason.is_not_null().to_numpy(), dtype=bool)


def _quoted(values: pl.Series) -> Any:
    """'value' with quotes, for messages (the value as it was in the file); an expression."""
    pl = load_polars()
    return pl.format("'{}'", pl.lit(values.cast(pl.String)))


def _parse_number(
    column: str, values: pl.Series, canonical: str, alias: str | None, reasons: _Reasons
) -> NDArray[np.float64]:
    """A column of numbers (text or numeric) in the canonical unit; bad rows become NaN."""
    pl = load_polars()
    label = column if column == canonical else f"{column} ({canonical})"
    parsed = values.cast(pl.Float64, strict=False)
    raw = parsed.to_numpy()  # nulls (empty, not a number) become NaN
    unusable = ~np.isfinite(raw)
    if unusable.any():  # the reason, worked out on the rare path only
        if values.dtype == pl.String:
            text = values.str.strip_chars()  # surrounding blanks are fine
            parsed = text.cast(pl.Float64, strict=False)
            raw = parsed.to_numpy()
            missing = text.is_null() | text.str.to_lowercase().is_in(_MISSING_TEXT)
        else:
            missing = values.is_null()
        missing = missing | parsed.is_nan().fill_null(False)
        reasons.add(missing, f"{label}: missing value")
        not_number = parsed.is_null() & ~missing
        reasons.add(not_number, pl.format("{}: {} is not a number", pl.lit(label), _quoted(values)))
        infinite = pl.Series(np.isinf(raw))
        reasons.add(infinite, pl.format("{}: {} is not finite", pl.lit(label), _quoted(values)))
    out: NDArray[np.float64] = np.asarray(
        getattr(units, ALIASES[alias].convert)(raw) if alias else raw, dtype=np.float64
    )
    var = INPUTS[canonical]
    if var.lower is not None:
        reasons.add(
            pl.Series(var.impossible(out)),
            pl.format(
                "{}: {} is impossible: must be {} ({})",
                pl.lit(label),
                _quoted(values),
                pl.lit(var.bound),
                pl.lit(var.expected),
            ),
        )
    return out


def _parse_pace(column: str, values: pl.Series, reasons: _Reasons) -> NDArray[np.float64]:
    """Pace text ("5:30/km", "8:45/mi") to speed [m/s], parsing each distinct text once."""
    pl = load_polars()
    text = values.cast(pl.String)
    missing = text.is_null() | text.str.strip_chars().str.to_lowercase().is_in(_MISSING_TEXT)
    reasons.add(missing, f"{column} (speed_m_s): missing value")
    distinct = text.filter(~missing).unique()
    speeds, errors = units.parse_paces(distinct.to_list())
    table = pl.DataFrame(
        {"t": distinct, "speed": speeds, "why": errors},
        schema={"t": pl.String, "speed": pl.Float64, "why": pl.String},
    )
    joined = pl.DataFrame({"t": text}).join(table, on="t", how="left", maintain_order="left")
    why = joined["why"].fill_null("")
    reasons.add(
        why != "", pl.format("{}: {}", pl.lit(column), pl.lit(why.str.strip_prefix("pace ")))
    )
    out: NDArray[np.float64] = joined["speed"].fill_null(np.nan).to_numpy()
    return out


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
        if source.column is None:
            given[canonical] = source.constant
        elif source.alias == "pace":
            given[canonical] = _parse_pace(source.column, frame[source.column], reasons)
        elif INPUTS[canonical].dtype == "str":
            given[canonical] = _parse_label(source.column, frame[source.column], canonical, reasons)
        else:
            given[canonical] = _parse_number(
                source.column, frame[source.column], canonical, source.alias, reasons
            )
    return given


def _blank_bad_rows(given: dict[str, Any], bad: NDArray[np.bool_]) -> None:
    """Make bad rows missing (NaN, "") so that estimate() computes nothing for them."""
    if not bad.any():
        return
    for name, value in given.items():
        if isinstance(value, np.ndarray):  # arrays from polars may be read-only views
            given[name] = np.where(bad, "" if value.dtype.kind == "U" else np.nan, value)
