"""polars and pyarrow at the face of :func:`retrocalc.estimate`, through narwhals.

The engine computes on numpy arrays and pandas is the reference DataFrame. A polars
DataFrame or LazyFrame, a pyarrow Table, a polars Series or a pyarrow ChunkedArray is
converted at the face (narwhals, the dataframe-agnostic layer polars, pandas and pyarrow
agree on) and the results go back in the caller's type. Nothing here imports narwhals, polars
or pyarrow until such an object is met: types are recognised by their module's name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from ._extras import require

if TYPE_CHECKING:
    import pandas as pd

    from .core import EstimateResult

__all__ = [
    "foreign_series",
    "frame_kind",
    "frame_to_pandas",
    "result_in",
    "series_kind",
    "series_numpy",
    "to_pandas",
]

_FRAMES = {
    ("polars", "DataFrame"),
    ("polars", "LazyFrame"),
    ("pyarrow", "Table"),
}
_SERIES = {("polars", "Series"), ("pyarrow", "ChunkedArray")}


def _key(value: Any) -> tuple[str, str]:
    kind = type(value)
    return kind.__module__.split(".", 1)[0], kind.__name__


def frame_kind(value: Any) -> tuple[str, str] | None:
    """``("polars", "DataFrame")`` and the like for a frame narwhals converts, else None."""
    key = _key(value)
    return key if key in _FRAMES else None


def _narwhals() -> Any:
    require("frames", "narwhals", feature="polars and pyarrow inputs to estimate()")
    import narwhals.stable.v2 as nw

    return nw


def _eager(data: Any) -> tuple[Any, bool]:
    """The frame as a narwhals eager frame (a LazyFrame collected: an estimate needs every
    row), and whether it was lazy."""
    lazy = _key(data) == ("polars", "LazyFrame")
    return _narwhals().from_native(data.collect() if lazy else data, eager_only=True), lazy


def to_pandas(data: Any) -> tuple[pd.DataFrame, Callable[[pd.DataFrame], Any]]:
    """The input columns of a frame as pandas, and the function adding a pandas result's
    columns to the frame in its own type.

    Only the columns the nomenclature knows are converted; the caller's columns go back
    untouched (no round trip through pandas). A LazyFrame is collected (the estimate needs
    every row) and the result is lazy again.
    """
    from .nomenclature import ACTIVITY_TYPE, lookup, normalise

    nw = _narwhals()
    frame, lazy = _eager(data)
    backend = nw.get_native_namespace(frame)
    names = [
        c
        for c in frame.columns
        if isinstance(c, str) and (lookup(c) is not None or normalise(c) == ACTIVITY_TYPE)
    ]
    # column by column through numpy: no pyarrow needed for polars (nulls become NaN/None)
    inputs = _empty_pandas(len(frame))
    for name in names:
        inputs[name] = frame[name].to_numpy()

    def back(result: pd.DataFrame) -> Any:
        added = []
        for name in result.columns:
            if name in names:
                continue
            column = result[name]
            if column.dtype == object or str(column.dtype) == "category":
                text = [None if v is None or v != v or v == "" else str(v) for v in column]
                added.append(nw.new_series(name, text, nw.String(), backend=backend))
            else:
                series = nw.new_series(name, column.to_numpy(), backend=backend)
                # no value is null in polars and arrow (NaN is the pandas reference's marker)
                added.append(series.fill_nan(None) if series.dtype.is_float() else series)
        out = frame.with_columns(*added).to_native()
        return out.lazy() if lazy else out

    return inputs, back


def frame_to_pandas(data: Any) -> pd.DataFrame:
    """Every column of a polars frame (a LazyFrame collected) or a pyarrow Table as pandas,
    column by column through numpy (no pyarrow needed for polars): numbers as float64 (nulls
    NaN), times as UTC times (a zone's or none: numpy holds the UTC instants, and a time
    without a zone is UTC, as pandas' own are read), anything else as Python objects."""
    import pandas as pd

    nw = _narwhals()
    native, _ = _eager(data)
    out = _empty_pandas(len(native))
    for name in native.columns:
        series = native[name]
        if series.dtype == nw.Datetime:
            out[name] = pd.to_datetime(series.to_numpy(), utc=True)
        elif series.dtype.is_numeric():
            out[name] = series.cast(nw.Float64).to_numpy()
        else:
            out[name] = pd.Series(series.to_list(), dtype=object)
    return out


def _empty_pandas(n: int) -> pd.DataFrame:
    from ._wrap import pandas

    frame: pd.DataFrame = pandas().DataFrame(index=range(n))
    return frame


def series_kind(value: Any) -> Callable[[Any], Any] | None:
    """For a polars Series or pyarrow ChunkedArray, the function making numpy values into
    one of its type; None for anything else."""
    key = _key(value)
    if key not in _SERIES:
        return None
    nw = _narwhals()
    series = nw.from_native(value, series_only=True)
    backend = nw.get_native_namespace(series)
    name = getattr(value, "name", "") or ""

    def make(values: Any, label: str | None = None) -> Any:
        array = np.asarray(values)
        if array.dtype.kind == "O":  # label outputs: text with None for "no estimate"
            array = np.array([v if v != "" else None for v in array.tolist()], dtype=object)
        return nw.new_series(label or name, array, backend=backend).to_native()

    return make


def series_numpy(value: Any) -> Any:
    """A polars Series or pyarrow ChunkedArray as numpy (nulls as NaN for numbers)."""
    nw = _narwhals()
    series = nw.from_native(value, series_only=True)
    if series.dtype.is_numeric():
        return series.cast(nw.Float64).to_numpy()
    return np.asarray(series.to_list(), dtype=object)


def foreign_series(given: dict[str, Any]) -> Callable[..., Any] | None:
    """Convert polars/pyarrow series in ``given`` to numpy (in place); the maker of the
    first one's type for the results, or None when there is none."""
    maker = None
    for name, value in given.items():
        kind = series_kind(value) if value is not None else None
        if kind is None:
            continue
        maker = maker or kind
        given[name] = series_numpy(value)
    return maker


def result_in(result: EstimateResult[Any], maker: Callable[..., Any]) -> EstimateResult[Any]:
    """The result with every output a series of the caller's type."""
    from .core import EstimateResult

    values: Mapping[str, Any] = result.to_dict()
    return EstimateResult._of({k: maker(np.ravel(np.asarray(v)), k) for k, v in values.items()})
