"""Evaluate one block: the engine on its rows, status and reason for each."""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .. import engine as evaluation
from .. import units
from .._frame_face import lost_results
from ..composition.validate import NOT_FINITE
from ..engine import RowReasons
from ..exceptions import RetrocalcWarning
from ..nomenclature import ALIASES, OUTPUTS
from .parse import _blank_bad_rows, _inputs_of, _label, _Reasons, load_polars
from .personal import calibrate, heart_rate_columns, interval_columns
from .types import CALIBRATION_COLUMN, Source

if TYPE_CHECKING:
    import polars as pl


def _take(given: Mapping[str, Any], rows: NDArray[np.intp]) -> dict[str, Any]:
    return {k: v[rows] if isinstance(v, np.ndarray) else v for k, v in given.items()}


def _run_estimate(
    given: dict[str, Any], options: evaluation.Options, n: int
) -> tuple[dict[str, NDArray[Any]], RowReasons, RowReasons]:
    """estimate() on a block, bad rows collected per row in one vectorised pass.

    Impossible values, a model that does not describe a row's gait and results that are
    not finite come back as per-row errors (``row_errors``), so a bad row costs what a good
    one costs. Anything estimate() still raises for the block (it should not) is isolated
    by bisection, a safety net.

    Returns the flat result columns, why rows are flagged (a range left, a unit that looks
    wrong) and the rows without an estimate with the reason.
    """
    flagged = RowReasons(n)
    errors = RowReasons(n)
    results: dict[str, NDArray[Any]] = {}
    if n:
        _solve(given, options, n, None, results, flagged, errors)
    else:  # no rows (a file with a header only): every result, empty
        for name, var in OUTPUTS.items():
            kind = {"float": np.float64, "bool": np.bool_, "str": object}[var.dtype]
            results[name] = np.empty(0, dtype=kind)
    return results, flagged, errors


def _solve(
    given: dict[str, Any],
    options: evaluation.Options,
    n: int,
    rows: NDArray[np.intp] | None,
    results: dict[str, NDArray[Any]],
    flagged: RowReasons,
    errors: RowReasons,
) -> None:
    # a plain function, not a closure: a recursive closure is a reference cycle that would
    # keep every block's arrays alive until the cyclic garbage collector happens to run
    part = given if rows is None else _take(given, rows)
    size = n if rows is None else rows.size
    why = RowReasons(size)
    wrong = RowReasons(size)
    try:
        with warnings.catch_warnings():
            # units and ranges are reported per row in status/error, not as warnings
            warnings.simplefilter("ignore", RetrocalcWarning)
            columns = evaluation.evaluate(part, options, row_reasons=why, row_errors=wrong)
            result = {
                **columns.outputs,
                "gait_used": columns.names("gait_used"),
                "model_used": columns.names("model_used"),
            }
    except (ValueError, TypeError, OverflowError, ArithmeticError) as exc:
        if rows is not None and size == 1:
            errors.add(rows, _strip_position(str(exc)))
            return
        rows = np.arange(n) if rows is None else rows
        half = rows.size // 2
        _solve(given, options, n, rows[:half], results, flagged, errors)
        _solve(given, options, n, rows[half:], results, flagged, errors)
        return
    if rows is None:  # the whole block at once (the usual case): keep the arrays, no copy
        results.update({k: np.broadcast_to(v, (size,)) for k, v in result.items()})
        flagged.codes, flagged.texts = why.codes, why.texts
        errors.codes, errors.texts = wrong.codes, wrong.texts
        return
    for name, value in result.items():
        if name not in results:
            results[name] = np.empty(n, dtype=np.asarray(value).dtype)
            if results[name].dtype.kind == "f":
                results[name][:] = np.nan
        results[name][rows] = np.broadcast_to(value, (size,))
    for code, text in enumerate(why.texts):
        flagged.add(rows[np.flatnonzero(why.codes == code)], text)
    for code, text in enumerate(wrong.texts):
        errors.add(rows[np.flatnonzero(wrong.codes == code)], text)


def _derived_speed_said(texts: list[str], plan: Mapping[str, Any]) -> list[str]:
    """Reasons about a speed the file does not have, said of what it came from: a speed of
    343 m/s "looks like km/h" when it is distance / duration with the distance in the wrong
    unit (m read as km), which is the column to look at."""
    if "speed_m_s" in plan or not {"distance_m", "duration_s"} <= plan.keys():
        return texts
    distance, duration = _label(plan["distance_m"]), _label(plan["duration_s"])
    made = f"speed_m_s ({distance} / {duration})"
    out = []
    for text in texts:
        if text.startswith("speed_m_s"):
            text = made + text.removeprefix("speed_m_s")
            if "looks like" in text:
                text += f": check the unit of {distance}"
        out.append(text)
    return out


def _strip_position(message: str) -> str:
    """A message without " at index 0" (a position inside a piece of a block, which would
    mislead: the row number is the file's, in the status)."""
    return re.sub(r" at (index \d+|the scalar input)", "", message)


def _texts(reasons: RowReasons) -> Any:
    """The reasons as text, null where a row has none."""
    pl = load_polars()
    table = pl.Series([*reasons.texts, None], dtype=pl.String)
    texts: Any = table.gather(np.where(reasons.codes < 0, len(reasons.texts), reasons.codes))
    return texts


_STATUS = ("ok", "out_of_range", "error")
_NO_REASON = "no estimate inside the models' validity ranges"


def _typed_columns(frame: pl.DataFrame, plan: Mapping[str, Source]) -> pl.DataFrame:
    """Parquet/Arrow durations as numbers in their column's unit (seconds for duration_s,
    minutes for duration_min...); other column types are checked before the run
    (:func:`retrocalc.batch.read.check_types`)."""
    pl = load_polars()
    for canonical, source in plan.items():
        if source.column is None or canonical != "duration_s" or source.alias == "duration":
            continue  # (the duration alias reads Arrow durations itself: batch.parse)
        values = frame[source.column]
        if isinstance(values.dtype, pl.Duration):
            seconds = values.dt.total_microseconds().cast(pl.Float64) / 1e6
            # seconds per unit of the column's alias (60 for duration_min)
            scale = (
                float(getattr(units, ALIASES[source.alias].convert)(1.0)) if source.alias else 1.0
            )
            frame = frame.with_columns((seconds / scale).alias(source.column))
    return frame


def _not_finite_after_conversion(
    frame: pl.DataFrame, plan: Mapping[str, Source], given: Mapping[str, Any], reasons: _Reasons
) -> None:
    """A reason for rows whose cell parsed but converts to no finite value (pace 0:00/km,
    pace_min_km 0, duration_min 1e307): never an empty reason."""
    pl = load_polars()
    for canonical, source in plan.items():
        value = given.get(canonical)
        if source.column is None or not isinstance(value, np.ndarray) or value.dtype.kind != "f":
            continue
        with np.errstate(invalid="ignore"):
            # cells already refused (text 'inf', a bad number) keep their one reason
            infinite = np.isinf(value) & ~reasons.mask
        if infinite.any():
            label = source.column if source.column == canonical else f"{source.column}"
            reasons.add(
                pl.Series(infinite),
                pl.format(
                    "{}: {} gives no finite {} (check the unit)",
                    pl.lit(label),
                    pl.format("'{}'", pl.lit(frame[source.column].cast(pl.String))),
                    pl.lit(canonical),
                ),
            )


#: The reason of a row without any value (a blank line of a CSV file, see batch.read)
BLANK_LINE = "an empty row: no value in any column"


def _blank_lines(frame: pl.DataFrame) -> NDArray[np.bool_]:
    """Rows whose every cell is text holding nothing but blanks (a blank line of a CSV
    file); none in a block with a column of another type (Parquet)."""
    pl = load_polars()
    if not frame.width or any(kind != pl.String for kind in frame.dtypes):
        return np.zeros(frame.height, dtype=bool)
    empty = frame.select(pl.all_horizontal(pl.all().str.strip_chars() == "")).to_series()
    return np.asarray(empty.fill_null(False).to_numpy(), dtype=bool)


def evaluate_block(
    frame: pl.DataFrame, plan: Mapping[str, Source], options: evaluation.Options
) -> tuple[pl.DataFrame, NDArray[np.bool_]]:
    """Result columns (plus status and error) for one block of rows.

    Status: ``error`` (no estimate: a bad cell, an impossible value, a result that is not
    finite), ``out_of_range`` (estimated, but outside a model's validity range or with a
    value that looks like another unit: see :data:`retrocalc.composition.plausible.UNIT_LIMITS`;
    or a heart rate that gives no energy from heart rate) or ``ok``; every row not ``ok`` has
    its reason.

    Returns
    -------
    results : polars.DataFrame
        :data:`RESULT_COLUMNS`, one row per row of ``frame``; with ``options.calibration``,
        ``calibration_factor`` after the results (which it scaled); with ``options.interval``,
        the interval bounds; with a heart rate in ``plan``, the ``hr_`` columns
        (:data:`~retrocalc.batch.types.HR_COLUMNS`); then ``status`` and ``error``.
    error : ndarray of bool
        Rows with status ``error``.
    """
    pl = load_polars()
    n = frame.height
    frame = _typed_columns(frame, plan)
    reasons = _Reasons(n)
    with np.errstate(all="ignore"):  # an overflowing conversion gets a reason, not a warning
        given = _inputs_of(frame, plan, reasons)
    _not_finite_after_conversion(frame, plan, given, reasons)
    heart_rate = given.pop("heart_rate_bpm", None)  # not an input of estimate()
    bad = reasons.mask
    _blank_bad_rows(given, bad)
    results, flagged, errors = _run_estimate(given, options, n)
    if errors.texts:
        reasons.add(pl.Series(errors.codes >= 0), pl.lit(_texts(errors)))
        bad = reasons.mask
    if options.calibration is not None:  # before the checks: they see the scaled results
        factors = calibrate(results, given, options.calibration, n)
    suspect = flagged.codes >= 0
    in_range = results.get("in_range", np.zeros(n, dtype=bool)) & ~bad & ~suspect
    if n:
        # a row with an estimate has every power and energy (the batch always has a
        # duration); anything else is an error with its reason, never ok nor out_of_range
        lost = lost_results(results, n, suspect, options.policy, timed=True) & ~bad
        if lost.any():
            reasons.add(pl.Series(lost), NOT_FINITE)
            bad = reasons.mask
            in_range &= ~bad
    why = reasons.reason
    if bad.any():  # an empty row (a blank line): said as such, not as every input missing
        blank = _blank_lines(frame) & bad
        if blank.any():
            why = pl.select(
                pl.when(pl.lit(pl.Series(blank))).then(pl.lit(BLANK_LINE)).otherwise(pl.lit(why))
            ).to_series()
    if flagged.texts:  # the range each flagged row leaves, or the unit it seems to be in
        flagged.texts = _derived_speed_said(flagged.texts, plan)
        why = why.fill_null(_texts(flagged))
    unexplained = ~in_range & ~bad & ~suspect
    if unexplained.any():  # a safety net: a row that is not ok always says why
        why = pl.select(
            pl.when(pl.lit(pl.Series(unexplained))).then(pl.lit(_NO_REASON)).otherwise(pl.lit(why))
        ).to_series()
    columns: dict[str, Any] = {}
    for name, var in OUTPUTS.items():
        value = results.get(name)
        if name == "in_range":
            columns[name] = pl.Series(name, in_range)
        elif value is None:
            dtype = label_type(pl, name) if var.dtype == "str" else pl.Float64
            columns[name] = pl.repeat(None, n, dtype=dtype, eager=True).alias(name)
        elif var.dtype == "str":
            text = pl.Series(name, value, dtype=pl.String)
            # no gait or model for a row without an estimate: an empty cell, as for numbers
            if bad.any():
                text = (
                    pl.select(
                        pl.when(pl.lit(pl.Series(bad)) | (pl.lit(text) == ""))
                        .then(None)
                        .otherwise(pl.lit(text))
                    )
                    .to_series()
                    .alias(name)
                )
            # a fixed set of names: categorical (dictionary-encoded in Parquet, the same
            # text in CSV), with the same categories in every block of a run
            columns[name] = text.cast(label_type(pl, name))
        else:  # no value is an empty cell, not "NaN"
            number = np.where(bad, np.nan, value) if bad.any() else value
            has_nan = bool(np.isnan(number).any())
            columns[name] = pl.Series(name, number, nan_to_null=has_nan)
    if options.calibration is not None:  # the factor of each row with an estimate
        factor = np.where(bad, np.nan, factors)
        columns[CALIBRATION_COLUMN] = pl.Series(CALIBRATION_COLUMN, factor, nan_to_null=True)
    if options.interval is not None:
        columns.update(interval_columns(results, given, bad, options, n))
    hr_flagged = np.zeros(n, dtype=bool)
    if heart_rate is not None:
        source = plan["heart_rate_bpm"]
        assert source.column is not None
        hr, hr_reasons = heart_rate_columns(
            heart_rate, frame[source.column], source.column, given, bad, options.policy
        )
        columns.update(hr)
        hr_flagged = hr_reasons.mask
        if hr_flagged.any():  # after the row's own reason, if any
            joined = _Reasons(n)
            joined.reason = why
            joined.add(pl.Series(hr_flagged), hr_reasons.reason)
            why = joined.reason
    status = np.where(bad, 2, np.where(in_range & ~hr_flagged, 0, 1)).astype(np.uint32)
    columns["status"] = pl.Series("status", _STATUS, dtype=pl.String).gather(status)
    columns["error"] = why.alias("error")
    return pl.DataFrame(columns), bad


def result_names(
    header: Sequence[str], plan: Mapping[str, Source], options: evaluation.Options
) -> list[str]:
    """The columns :func:`evaluate_block` adds for these options (an empty block's)."""
    pl = load_polars()
    empty = pl.DataFrame(schema=dict.fromkeys(header, pl.String))
    names: list[str] = evaluate_block(empty, plan, options)[0].columns
    return names


def label_type(pl: Any, name: str) -> Any:
    """The categorical type of a label output: every gait, or every registered base model
    (the same categories in every file and engine, whichever labels a file holds)."""
    from ..composition import rules

    names = rules.GAITS if name == "gait_used" else tuple(s.name for s in rules.BASE)
    return pl.Enum(names)
