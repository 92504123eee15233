"""The one type-preserving wrapper.

Inputs of any supported kind become broadcast ``float64`` ndarrays for the kernels, and the
kernels' ndarrays go back out in the kind that came in:

===========================  ==================================
in                           out
===========================  ==================================
Python/numpy scalars only    Python ``float`` (``bool``, ``str``)
list, tuple, ndarray         ndarray of the broadcast shape
pandas Series                Series with the same index
===========================  ==================================

pandas is never imported here: a pandas object can only arrive if the caller already
imported pandas, so ``sys.modules`` tells us whether to look for one.
"""

from __future__ import annotations

import datetime as _dt
import enum
import numbers
import sys
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "MISSING_LABELS",
    "PANDAS_HOOKS",
    "Kind",
    "Locator",
    "Packed",
    "ResultMixin",
    "as_label_array",
    "kind_of",
    "label_code",
    "label_codes",
    "pack",
    "pandas",
    "unpack",
]

#: Text that means "no value" in a label or pace column (compared lower-cased and stripped).
MISSING_LABELS = frozenset({"", "nan", "none", "nat", "<na>", "na", "null", "n/a"})


_LABEL_EXAMPLES = {"gait": "'walk'", "direction": "'backward'", "sex": "'female'"}


class Kind(enum.Enum):
    SCALAR = "scalar"
    ARRAY = "array"
    SERIES = "series"


def _pandas() -> Any:
    return sys.modules.get("pandas")


#: Called once when retrocalc first meets pandas (the face registers ``df.retro`` here).
PANDAS_HOOKS: list[Callable[[], None]] = []


def pandas() -> Any:
    """pandas, imported on demand; the first time, the hooks run (``df.retro`` registers).

    The one place where retrocalc brings pandas in: every module that needs pandas asks
    here, so the accessor is registered in one place, whatever the order of imports.
    """
    import pandas as pd

    while PANDAS_HOOKS:
        PANDAS_HOOKS.pop(0)()
    return pd


def is_series(x: object) -> bool:
    pd = _pandas()
    return pd is not None and isinstance(x, pd.Series)


def is_dataframe(x: object) -> bool:
    pd = _pandas()
    return pd is not None and isinstance(x, pd.DataFrame)


def kind_of(value: Any) -> tuple[Kind, Any]:
    """The output kind one input asks for, and its pandas index (None unless a Series)."""
    if is_series(value):
        return Kind.SERIES, value.index
    return (Kind.SCALAR if _is_scalar(value) else Kind.ARRAY), None


class Packed:
    """Broadcast arrays and what is needed to give results back in the caller's kind.

    A plain class, not a dataclass: a frozen dataclass costs about a millisecond of every
    ``import retrocalc`` (it compiles six generated methods) and is slower to build per call.
    """

    __slots__ = ("arrays", "index", "kind", "shape")

    def __init__(
        self,
        arrays: dict[str, NDArray[Any]],
        kind: Kind,
        shape: tuple[int, ...],
        index: Any = None,
    ) -> None:
        self.arrays = arrays
        self.kind = kind
        self.shape = shape
        self.index = index

    def unpack(self, values: NDArray[Any], name: str | None = None) -> Any:
        return unpack(values, self.kind, self.index, name)


class Locator:
    """Names the position of flat element ``i`` in the caller's terms (label or position)."""

    def __init__(self, shape: tuple[int, ...], index: Any = None, offset: int = 0) -> None:
        self.shape = shape
        self.index = index
        self.offset = offset

    def shifted(self, offset: int) -> Locator:
        """The same locator for positions counted from flat position ``offset``."""
        return Locator(self.shape, self.index, offset)

    def __call__(self, i: int) -> str:
        i += self.offset
        if self.index is not None and 0 <= i < len(self.index):
            label = self.index[i]
            # numpy 2 scalars repr as np.int64(11): name the label as the user wrote it (a
            # MultiIndex label is a tuple of them)
            if isinstance(label, tuple):
                label = tuple(x.item() if isinstance(x, np.generic) else x for x in label)
            return f"index {(label.item() if isinstance(label, np.generic) else label)!r}"
        if len(self.shape) <= 1:
            return f"index {i}" if self.shape else "the scalar input"
        return f"position {tuple(int(j) for j in np.unravel_index(i, self.shape))}"


def _to_float(name: str, value: Any, index: Any) -> NDArray[np.float64]:
    """Convert one input to a float64 array, naming the parameter and position on failure."""
    if is_dataframe(value):
        raise TypeError(f"{name} must be a number, a sequence or a Series, got a DataFrame")
    if isinstance(value, str | bytes):
        raise TypeError(f"{name} must be numeric, got the text {value!r}")
    if is_series(value) and value.dtype.kind in "iuf":
        # nullable Int64/Float64 included: pd.NA becomes NaN
        converted: NDArray[np.float64] = value.to_numpy(dtype=np.float64, na_value=np.nan)
        return converted
    if isinstance(value, np.ma.MaskedArray):
        # a masked value is a missing one: np.asarray keeps the number under the mask
        mask = np.ma.getmaskarray(value)
        data = np.ma.getdata(value)
        if data.dtype.kind == "O":
            data = np.where(mask, np.nan, data)  # (whatever lies under the mask is no value)
        converted = _to_float(name, data, index)
        return np.where(mask, np.nan, converted) if mask.any() else converted
    raw = value.to_numpy() if is_series(value) else value
    try:
        arr = np.asarray(raw)
        if arr.dtype.kind in "USO" and not isinstance(raw, np.ndarray):
            arr = np.asarray(raw, dtype=object)  # a list: keep each element's own type
    except ValueError:  # numpy's "inhomogeneous shape": rows of different lengths
        raise ValueError(
            f"{name} must be a number, a flat sequence or a rectangular nested sequence; "
            "got a nested sequence whose rows differ in length"
        ) from None
    if arr.dtype.kind == "b":
        raise TypeError(f"{name} must be numeric, got booleans")
    if arr.dtype.kind == "c":
        raise TypeError(f"{name} must be real, got complex values")
    if arr.dtype.kind in "mM":
        raise TypeError(_times_text(name, arr.dtype.kind == "M"))
    if arr.dtype.kind in "iuf":
        return arr.astype(np.float64, copy=False)
    fast = _numbers_only(arr)
    if fast is not None:
        return fast
    # the rest (text, times, booleans, a number too large for float64...): element by
    # element, so that text is named with its position rather than silently parsed
    out = np.empty(arr.shape, dtype=np.float64)
    where = Locator(arr.shape, index)
    flat = arr.reshape(-1)
    out_flat = out.reshape(-1)
    na = getattr(_pandas(), "NA", None)
    for i, item in enumerate(flat):
        if item is None or (na is not None and item is na):
            out_flat[i] = np.nan
            continue
        if isinstance(item, _dt.timedelta | _dt.datetime | np.timedelta64 | np.datetime64):
            raise TypeError(_times_text(name, isinstance(item, _dt.datetime | np.datetime64)))
        if isinstance(item, str | bytes | bool | np.bool_) or not (
            np.isscalar(item) or isinstance(item, numbers.Number)  # Decimal, Fraction
        ):
            shown = repr(str(item)) if isinstance(item, str) else repr(item)
            raise TypeError(f"{name} must be numeric; got {shown} at {where(i)}")
        try:
            out_flat[i] = float(item)  # type: ignore[arg-type]
        except OverflowError:  # an int or Fraction beyond float64 (10**400)
            shown = f"{item:.6g}" if isinstance(item, float) else f"{str(item)[:20]}..."
            raise ValueError(
                f"{name} is too large for a float64 number (largest about 1.8e308); "
                f"got {shown} at {where(i)}"
            ) from None
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be numeric; got {item!r} at {where(i)}") from None
    return out


#: Element types an object array converts in one numpy pass: numbers (numpy's, Decimal,
#: Fraction) and missing values. Exact types: bool (an int) and text must not be converted.
_NUMBER_TYPES = frozenset(
    {float, int, Decimal, Fraction, type(None)}
    | {np.dtype(c).type for c in np.typecodes["AllFloat"] + np.typecodes["AllInteger"]}
) - {np.dtype(c).type for c in np.typecodes["Complex"]}


def _numbers_only(arr: NDArray[Any]) -> NDArray[np.float64] | None:
    """An object array of numbers and missing values (None, pd.NA) as float64 in one pass
    (a pandas object Series, a list with None): None where an element needs the per-element
    path, which words the error."""
    flat = arr.reshape(-1)
    kinds = set(map(type, flat))
    na = getattr(_pandas(), "NA", None)
    na_type = type(na) if na is not None else None
    if not kinds <= _NUMBER_TYPES | {na_type}:
        return None
    if na_type in kinds:  # (numpy makes None NaN by itself, not pd.NA: float(pd.NA) fails)
        flat = np.where(np.frompyfunc(type, 1, 1)(flat) == na_type, np.nan, flat)
    try:
        out: NDArray[np.float64] = flat.astype(np.float64).reshape(arr.shape)
    except (TypeError, ValueError, OverflowError):  # 10**400, Decimal("sNaN"): worded below
        return None
    return out


def _times_text(name: str, dates: bool) -> str:
    """Why a time is not a number here (a duration has its own input)."""
    if dates:
        return f"{name} must be numeric, got dates or times of day (datetime)"
    hint = (
        "; give a timedelta (or a time such as '1:02:03') as duration=, or seconds as duration_s"
        if name.startswith("duration")
        else ""
    )
    return f"{name} must be numeric, got durations (timedelta){hint}"


def pack(values: Mapping[str, Any], labels: Mapping[str, Any] | None = None) -> Packed:
    """Convert named inputs to broadcast ndarrays and remember the output kind.

    Parameters
    ----------
    values : mapping of str to scalar, sequence, ndarray or Series
        Numeric inputs, converted to ``float64``.
    labels : mapping of str to scalar, sequence, ndarray or Series, optional
        Text inputs (gait, direction, model names), see :func:`as_label_array`.

    Raises
    ------
    ValueError
        When Series carry different indexes or shapes cannot be broadcast.
    TypeError
        When a numeric input holds text, booleans or a DataFrame.
    """
    labels = labels or {}
    kind = Kind.SCALAR
    index: Any = None
    index_owner = ""
    for name, value in (*values.items(), *labels.items()):
        value_kind, value_index = kind_of(value)
        if value_kind is Kind.SERIES:
            if index is None:
                index, index_owner = value_index, name
            elif not value_index.equals(index):
                raise ValueError(
                    f"the pandas index of {name} differs from that of {index_owner}; "
                    "align the Series first (for example with Series.reindex)"
                )
            kind = Kind.SERIES
        elif kind is Kind.SCALAR and value_kind is Kind.ARRAY:
            kind = Kind.ARRAY
    arrays: dict[str, NDArray[Any]] = {
        name: _to_float(name, value, index) for name, value in values.items()
    }
    for name, value in labels.items():
        if (
            _is_scalar(value)
            and not _is_none(value)
            and not isinstance(value, str)
            and not (isinstance(value, float | np.floating) and value != value)  # NaN: missing
        ):
            example = _LABEL_EXAMPLES.get(name, "a label")
            raise TypeError(
                f"{name} must be text such as {example}; got {type(value).__name__} {value!r}"
            )
        arrays[name] = as_label_array(value)
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{n} {a.shape}" for n, a in arrays.items() if a.ndim)
        raise ValueError(f"input shapes cannot be broadcast together: {shapes}") from None
    if kind is Kind.SERIES:
        pandas()  # pandas is in use: make df.retro available
    if kind is Kind.SERIES and len(shape) != 1:
        raise ValueError(f"Series inputs combined with arrays must broadcast to 1-D, got {shape}")
    if kind is Kind.SERIES and shape[0] != len(index):
        # a Series' index names the rows: a Series of one row does not stretch over arrays
        longer = next(n for n, a in arrays.items() if a.ndim and a.shape[0] == shape[0])
        raise ValueError(
            f"{index_owner} is a Series of {len(index)} row(s) but {longer} has {shape[0]} "
            "values: a Series' index names the rows, so give every sequence input its length "
            "(or plain numbers)"
        )
    return Packed(arrays, kind, shape, index)


def _is_scalar(value: Any) -> bool:
    # numbers.Number: Decimal and Fraction too (they come out as floats)
    # pd.NA: one missing value, a float out as for None (it gave 0-d arrays)
    return isinstance(value, numbers.Number | str | bytes | np.generic) or _is_none(value)


def _is_none(value: Any) -> bool:
    """None or pandas' NA: a missing scalar."""
    if value is None:
        return True
    pd = _pandas()
    return pd is not None and value is pd.NA


def as_label_array(value: Any) -> NDArray[Any]:
    """Text inputs as an ndarray: fixed-width text as it is, anything else as objects.

    Missing values (None, pd.NA) become None.
    """
    if is_series(value):
        return np.asarray(value.to_numpy(dtype=object, na_value=None))
    arr = np.asarray(value)
    if arr.dtype.kind == "U":
        return arr  # fixed-width text compares fast
    arr = np.asarray(value, dtype=object)
    na = getattr(_pandas(), "NA", None)
    if na is not None and arr.size:
        # pd.NA cannot be compared to a label: treat it as missing, like None
        # (asarray: on a 0-d array, a ufunc gives a Python bool)
        is_na = np.asarray(np.frompyfunc(lambda x: x is na, 1, 1)(arr), dtype=bool)
        if np.any(is_na):
            arr = arr.copy()
            arr[is_na] = None
    return arr


def label_codes(
    where: Locator,
    name: str,
    values: NDArray[Any],
    allowed: Mapping[str, int],
    shape: tuple[int, ...] | None = None,
) -> NDArray[np.int64]:
    """Flat integer codes of a text input broadcast to ``shape``; -1 for missing values.

    Labels match case-insensitively and ignoring surrounding blanks; anything else raises
    ValueError naming the parameter, the value, its position and the allowed labels (those
    with a code >= 0).
    """
    shape = values.shape if shape is None else shape
    size = int(np.prod(shape))
    if values.size == 1:
        code = label_code(where, name, values.reshape(-1)[0], allowed, 0)
        return np.full(size, code, dtype=np.int64)
    flat = np.broadcast_to(values, shape).reshape(-1)
    # exact matches are one vectorised comparison per label; only the rest (other spellings,
    # missing values, errors) are normalised, once per distinct value
    unmatched_code = np.iinfo(np.int64).min
    codes = np.full(flat.shape, unmatched_code, dtype=np.int64)
    for label, code in allowed.items():
        codes[flat == label] = code
    rest = np.flatnonzero(codes == unmatched_code)
    if rest.size:
        uniq, inverse = np.unique(flat[rest].astype(str), return_inverse=True)
        first = [int(rest[np.flatnonzero(inverse == j)[0]]) for j in range(uniq.size)]
        table = np.array(
            [label_code(where, name, flat[i], allowed, i) for i in first], dtype=np.int64
        )
        codes[rest] = table[inverse.reshape(-1)]
    return codes


def label_code(where: Locator, name: str, value: Any, allowed: Mapping[str, int], i: int) -> int:
    text = str(value).strip().lower()
    if text in allowed:
        return allowed[text]
    if text in MISSING_LABELS:
        return -1
    shown = repr(str(value)) if isinstance(value, str) else repr(value)
    choices = ", ".join(repr(k) for k, code in allowed.items() if code >= 0)
    raise ValueError(f"{name} must be one of {choices}; got {shown} at {where(i)}")


def unpack(values: NDArray[Any], kind: Kind, index: Any = None, name: str | None = None) -> Any:
    """Give a result array back in the caller's kind (see the module docstring)."""
    if kind is Kind.SERIES:
        pd = _pandas()
        return pd.Series(values, index=index, name=name, copy=False)
    if kind is Kind.SCALAR:
        item = values.reshape(-1)[0] if values.size else values
        return item.item() if isinstance(item, np.generic) else item
    return values


class ResultMixin:
    """``to_frame()`` and a readable ``repr`` for result objects that have ``to_dict()``."""

    def to_dict(self) -> dict[str, Any]:  # pragma: no cover - every result defines it
        raise NotImplementedError

    def to_frame(self) -> Any:
        """The result as a pandas DataFrame, one row per estimate (imports pandas)."""
        pd = pandas()
        data = self.to_dict()
        index = next((v.index for v in data.values() if isinstance(v, pd.Series)), None)
        return pd.DataFrame({k: np.ravel(np.asarray(v)) for k, v in data.items()}, index=index)

    def __repr__(self) -> str:
        parts = []
        for name, value in self.to_dict().items():
            text = f"{value:.6g}" if isinstance(value, float) else repr(value)
            if "\n" in text:
                text = f"<{type(value).__name__} shape {np.shape(value)}>"
            parts.append(f"    {name}={text}")
        return f"{type(self).__name__}(\n" + ",\n".join(parts) + ",\n)"
