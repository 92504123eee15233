"""Evaluate one block: the engine on its rows, status and reason for each."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .. import engine as evaluation
from ..engine import RowReasons
from ..exceptions import RetrocalcWarning
from ..nomenclature import OUTPUTS
from .parse import _blank_bad_rows, _inputs_of, _Reasons, load_polars
from .types import Source

if TYPE_CHECKING:
    import polars as pl


def _take(given: Mapping[str, Any], rows: NDArray[np.intp]) -> dict[str, Any]:
    return {k: v[rows] if isinstance(v, np.ndarray) else v for k, v in given.items()}


def _run_estimate(
    given: dict[str, Any], options: evaluation.Options, n: int
) -> tuple[dict[str, NDArray[Any]], RowReasons, RowReasons]:
    """estimate() on a block; a row it still rejects is isolated by bisection.

    Returns the flat result columns, why rows are out of range, and the rows estimate()
    rejected with its message.
    """
    flagged = RowReasons(n)
    errors = RowReasons(n)
    results: dict[str, NDArray[Any]] = {}
    if n:
        _solve(given, options, n, None, results, flagged, errors)
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
    try:
        with warnings.catch_warnings():
            # units and ranges are reported per row in status/error, not as warnings
            warnings.simplefilter("ignore", RetrocalcWarning)
            columns = evaluation.evaluate(part, options, row_reasons=why)
            result = {
                **columns.outputs,
                "gait_used": columns.names("gait_used"),
                "model_used": columns.names("model_used"),
            }
    except (ValueError, TypeError) as exc:
        if rows is not None and size == 1:
            errors.add(rows, str(exc))
            return
        rows = np.arange(n) if rows is None else rows
        half = rows.size // 2
        _solve(given, options, n, rows[:half], results, flagged, errors)
        _solve(given, options, n, rows[half:], results, flagged, errors)
        return
    if rows is None:  # the whole block at once (the usual case): keep the arrays, no copy
        results.update({k: np.broadcast_to(v, (size,)) for k, v in result.items()})
        flagged.codes, flagged.texts = why.codes, why.texts
        return
    for name, value in result.items():
        if name not in results:
            results[name] = np.empty(n, dtype=np.asarray(value).dtype)
            if results[name].dtype.kind == "f":
                results[name][:] = np.nan
        results[name][rows] = np.broadcast_to(value, (size,))
    for code, text in enumerate(why.texts):
        flagged.add(rows[np.flatnonzero(why.codes == code)], text)


def _texts(reasons: RowReasons) -> Any:
    """The reasons as text, null where a row has none."""
    pl = load_polars()
    table = pl.Series([*reasons.texts, None], dtype=pl.String)
    texts: Any = table.gather(np.where(reasons.codes < 0, len(reasons.texts), reasons.codes))
    return texts


_STATUS = ("ok", "out_of_range", "error")


def evaluate_block(
    frame: pl.DataFrame, plan: Mapping[str, Source], options: evaluation.Options
) -> tuple[pl.DataFrame, NDArray[np.bool_]]:
    """Result columns (plus status and error) for one block of rows.

    Returns
    -------
    results : polars.DataFrame
        :data:`RESULT_COLUMNS`, one row per row of ``frame``.
    error : ndarray of bool
        Rows with status ``error``.
    """
    pl = load_polars()
    n = frame.height
    reasons = _Reasons(n)
    given = _inputs_of(frame, plan, reasons)
    bad = reasons.mask
    _blank_bad_rows(given, bad)
    results, flagged, errors = _run_estimate(given, options, n)
    if errors.texts:
        reasons.add(pl.Series(errors.codes >= 0), pl.lit(_texts(errors)))
        bad = reasons.mask
    in_range = results.get("in_range", np.zeros(n, dtype=bool)) & ~bad
    why = reasons.reason
    if flagged.texts:  # the range each flagged row leaves
        why = why.fill_null(_texts(flagged))
    columns: dict[str, Any] = {}
    for name, var in OUTPUTS.items():
        value = results.get(name)
        if name == "in_range":
            columns[name] = pl.Series(name, in_range)
        elif value is None:
            dtype = pl.String if var.dtype == "str" else pl.Float64
            columns[name] = pl.repeat(None, n, dtype=dtype, eager=True).alias(name)
        elif var.dtype == "str":
            text = pl.Series(name, value, dtype=pl.String)
            # no gait or model for a row without an estimate: an empty cell, as for numbers
            columns[name] = text.replace("", None) if bad.any() else text
        else:  # no value is an empty cell, not "NaN"
            number = np.where(bad, np.nan, value) if bad.any() else value
            has_nan = bool(np.isnan(number).any())
            columns[name] = pl.Series(name, number, nan_to_null=has_nan)
    status = np.where(bad, 2, np.where(in_range, 0, 1)).astype(np.uint32)
    columns["status"] = pl.Series("status", _STATUS, dtype=pl.String).gather(status)
    columns["error"] = why.alias("error")
    return pl.DataFrame(columns), bad
