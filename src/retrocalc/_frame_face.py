"""DataFrames through :func:`retrocalc.estimate`: columns found by the one name resolver,
unit aliases converted, the activity type as gait, and the command line's status columns."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from numbers import Number
from typing import (
    TYPE_CHECKING,
    Any,
)

import numpy as np
from numpy.typing import NDArray

from . import _derive, _frames, engine
from ._wrap import MISSING_LABELS, Locator, is_series, pack, pandas
from .composition.validate import NOT_FINITE
from .exceptions import RetrocalcWarning
from .nomenclature import (
    ACTIVITY_TYPE,
    ALIASES,
    INPUTS,
    OUTPUTS,
    convert,
    lookup,
    normalise,
    unknown_name,
)
from .result import LABEL_OUTPUTS

if TYPE_CHECKING:
    import pandas as pd


def locator_of(given: Mapping[str, Any]) -> Locator:
    index = next((v.index for v in given.values() if is_series(v)), None)
    size = max((np.size(v) for v in given.values() if v is not None), default=1)
    return Locator((size,), index)


def add_aliases(
    given: dict[str, Any], aliases: Mapping[str, Any], pace_unit: str | None, what: str
) -> None:
    """Put values given under unit aliases into ``given``, in canonical units.

    ``what`` is "keyword" or "column", for messages.
    """
    for name, value in aliases.items():
        found = lookup(name) if what == "column" else _keyword(name)
        if found is None:
            if what == "keyword":
                raise TypeError(unknown_name(name, "estimate() got an unexpected keyword argument"))
            continue
        canonical, alias = found
        if given.get(canonical) is not None:
            raise ValueError(
                f"{canonical} is given twice (as {name!r} and as {canonical} or another of its "
                f"aliases: {', '.join(a for a, s in ALIASES.items() if s.canonical == canonical)})"
                "; give it once"
            )
        if value is None:
            continue
        given[canonical] = value if alias is None else _converted(alias, value, pace_unit, name)


def _keyword(name: str) -> tuple[str, str | None] | None:
    """A keyword is an alias spelled exactly (keywords are identifiers: no case games)."""
    return (ALIASES[name].canonical, name) if name in ALIASES else None


def _converted(alias: str, value: Any, pace_unit: str | None, name: str) -> Any:
    native = _frames.series_kind(value)
    if native is not None:
        value = _frames.series_numpy(value)
    if ALIASES[alias].unit != "text":
        # numbers read as every input is (None and pd.NA missing; text named with its
        # position, never parsed): "5" was parsed from a list, and a column of text failed
        # inside pandas ("operation 'truediv' not supported for dtype 'str'")
        try:
            packed = pack({name: value})
        except TypeError as exc:
            raise TypeError(f"{exc}{_clock_hint(alias, value)}") from None
        value = packed.unpack(packed.arrays[name], getattr(value, "name", None))
    try:
        result = convert(alias, value, pace_unit=pace_unit)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{name}: {exc}") from None
    return native(result) if native is not None else result


def _clock_hint(alias: str, values: Any) -> str:
    """For a clock pace ("5:00") among ``values`` under ``pace_min_km`` or ``pace_min_mi``,
    where minutes as a number belong: where such a pace is read."""
    if alias not in ("pace_min_km", "pace_min_mi"):
        return ""
    texts = np.asarray(values, dtype=object).reshape(-1)
    if not any(isinstance(t, str) and ":" in t for t in texts):  # (on the error path only)
        return ""
    return (
        " (minutes as a number; a pace such as '5:30' goes under the name pace, with "
        f"pace_unit='{alias[-2:]}')"
    )


def _converted_cells(
    alias: str, values: Any, pace_unit: str | None, name: str
) -> tuple[NDArray[np.float64], NDArray[Any]]:
    """A unit alias's column that :func:`_converted` refused, cell by cell (for
    ``status=True``, which answers per row as the command line does): the canonical values
    (NaN where a cell is none) and why each row has none (``""`` where it has one)."""
    from . import units

    pd = pandas()
    raw = np.asarray(values.to_numpy(dtype=object), dtype=object)
    missing = np.asarray(pd.isna(raw), dtype=bool)
    # (a missing cell said as when no cell is refused: by the input's name)
    why = np.where(missing, f"{ALIASES[alias].canonical}: missing value", "").astype(object)
    out = np.full(raw.size, np.nan)
    kept = np.flatnonzero(~missing)
    if ALIASES[alias].unit == "text":  # pace or duration text: each distinct text once
        distinct, inverse = np.unique(raw[kept].astype(str), return_inverse=True)
        if alias == "pace":
            parsed, errors = units.parse_paces(distinct.tolist(), unit=pace_unit)
        else:  # (a plain number is refused: seconds or minutes?)
            parsed, errors = units.parse_duration_texts(distinct.tolist(), numbers=False)
        said = np.array([e.removeprefix(f"{alias} ") for e in errors], dtype=object)
        out[kept] = parsed[inverse]
        why[kept] = np.where(said[inverse] != "", f"{name}: " + said[inverse], "")
        return out, why
    number = np.frompyfunc(
        lambda v: isinstance(v, Number) and not isinstance(v, bool | np.bool_), 1, 1
    )
    ok = np.asarray(number(raw[kept]), dtype=bool)
    for i in kept[~ok]:  # (the cells that are not numbers: a few, each worded by pack)
        try:
            pack({name: raw[i : i + 1]})
        except (TypeError, ValueError) as exc:
            why[i] = str(exc).removesuffix(" at index 0") + _clock_hint(alias, raw[i])
    good = kept[ok]
    out[good] = np.asarray(convert(alias, raw[good].astype(np.float64), pace_unit=pace_unit))
    return out, why


def estimate_frame(
    data: pd.DataFrame,
    given: dict[str, Any],
    opts: engine.Options,
    out: Mapping[str, NDArray[Any]] | None,
    status: bool,
    pace_unit: str | None,
) -> pd.DataFrame:
    """estimate() of a pandas DataFrame: its columns by the nomenclature's resolver."""
    pd = pandas()  # registers df.retro too
    result_names = [*OUTPUTS, "status", "error"]
    clashes = [c for c in data.columns if isinstance(c, str) and c in result_names]
    previous = set(OUTPUTS) <= set(clashes)  # a frame estimate() made: a re-run replaces them
    if clashes and not previous:
        raise ValueError(
            f"the DataFrame has columns named like results {clashes}: estimate() would "
            f"overwrite them; rename them first (df.rename(columns=...)) or drop them"
        )
    if previous:
        data = data.drop(columns=clashes)
    found: dict[str, str] = {}
    # a column with the canonical name wins over unit aliases of the same input (a frame
    # often keeps the "pace" its "speed_m_s" was computed from); two aliases are ambiguous
    canonical_columns = {c for c in data.columns if isinstance(c, str) and c in INPUTS}
    for column in data.columns:
        match = lookup(column) if isinstance(column, str) else None
        if match is None or (match[0] in canonical_columns and column != match[0]):
            continue
        canonical = match[0]
        if canonical in found:
            raise ValueError(
                f"columns {found[canonical]!r} and {column!r} both give {canonical}; keep one"
            )
        if given[canonical] is not None:
            raise ValueError(
                f"{canonical} is both a column of the DataFrame ({column!r}) and a keyword; "
                "give it once"
            )
        found[canonical] = column
    cells: NDArray[Any] | None = None  # under status, why a unit alias's cell is no value
    said: set[str] = set()
    for canonical, column in found.items():
        alias = lookup(column)[1]  # type: ignore[index]
        if alias is None:
            given[canonical] = data[column]
            continue
        try:
            given[canonical] = _converted(alias, data[column], pace_unit, column)
        except (TypeError, ValueError):
            if not status:
                raise
            given[canonical], why = _converted_cells(alias, data[column], pace_unit, column)
            cells = _join(cells, why)
            said.add(canonical)  # (its missing cells are said there)
    typed = _activity(data, given)
    skip = {"gait", "direction"} if typed is not None else set()  # the type's reason instead
    skip |= said
    extra = _join(typed, cells)
    derived = given["speed_m_s"] is None
    if given["duration_s"] is not None and given["distance_m"] is not None:
        if derived and status:  # a missing speed is a missing distance or duration
            for name in ("duration_s", "distance_m"):
                extra = _join(extra, _missing_reasons({name: given[name]}, len(data)))
        _derive.reconcile(given, Locator((len(data),), data.index))
    else:
        derived = False
    n = len(data)
    frame = data.copy()
    if status:
        if derived:
            skip.add("speed_m_s")  # the missing distance or duration instead
        columns, texts, state = _with_status(given, opts, data.index, n, extra, skip)
    else:
        columns = engine.evaluate(given, opts, index=data.index, out=out)
    for name, value in columns.outputs.items():
        frame[name] = np.broadcast_to(value, (n,)) if value.size != n else value
    for name in LABEL_OUTPUTS:
        codes = columns.gait_code if name == "gait_used" else columns.model_code
        names = engine.GAIT_NAMES if name == "gait_used" else engine.MODEL_NAMES
        frame[name] = pd.Categorical.from_codes(
            np.broadcast_to(codes, (n,)), categories=list(names)
        )
    if status:
        frame["status"] = pd.Categorical.from_codes(state, categories=list(_STATUS))
        frame["error"] = pd.Series(texts, index=data.index, dtype=object)
    return frame


def _activity(data: pd.DataFrame, given: dict[str, Any]) -> NDArray[Any] | None:
    """An export's activity type column as gait (unless one is given) and direction (unless
    one is given); why each row's type gives none (``""`` where it does), or None."""
    column = next(
        (c for c in data.columns if isinstance(c, str) and normalise(c) == ACTIVITY_TYPE), None
    )
    if column is None or given["gait"] is not None:  # a given gait wins, as in the batch
        return None
    from .activity_types import activity_gait

    gait, direction, why = activity_gait(data[column])
    given["gait"] = gait
    if given["direction"] is None:  # a given direction wins over the type's
        given["direction"] = direction
    reasons = np.asarray(why, dtype=object)
    prefix = np.full(reasons.shape, f"{column}: ", dtype=object)
    out: NDArray[Any] = np.where(reasons != "", prefix + reasons, "")
    return out


_STATUS = ("ok", "out_of_range", "error")
PLAIN_TYPES = frozenset({float, int, str, bool})


def _with_status(
    given: dict[str, Any],
    opts: engine.Options,
    index: Any,
    n: int,
    extra: NDArray[Any] | None = None,
    skip: frozenset[str] | set[str] = frozenset(),
) -> tuple[engine.Columns, NDArray[Any], NDArray[np.int8]]:
    """The engine with the batch's per-row status: why each row is flagged (its
    ``row_reasons``), and rows it rejects marked ``error`` instead of raising.

    A row the engine rejects (an impossible value) is isolated by evaluating the rows one
    block at a time and bisecting only the blocks that fail, as the batch does.
    """
    for name in ("speed_m_s", "mass_kg"):
        if given.get(name) is None:
            raise TypeError(f"estimate() needs {name} ({INPUTS[name].description})")
    arrays = {k: (v.to_numpy() if is_series(v) else v) for k, v in given.items() if v is not None}
    arrays = {
        k: np.broadcast_to(np.asarray(v), (n,)) if np.ndim(np.asarray(v)) else v
        for k, v in arrays.items()
    }
    reasons = np.full(n, None, dtype=object)
    bad = np.zeros(n, dtype=bool)
    why = engine.RowReasons(n)
    wrong = engine.RowReasons(n)  # results that are not finite: errors, as in the batch
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RetrocalcWarning)  # reported per row instead
            columns = engine.evaluate(arrays, opts, row_reasons=why, row_errors=wrong)
    except (ValueError, TypeError):  # some rows are rejected: find them, estimate the rest
        _bisect(arrays, opts, np.arange(n), reasons, bad)
        clean = {
            k: (np.where(bad, _blank(k, v), v) if np.ndim(v) else v) for k, v in arrays.items()
        }
        why = engine.RowReasons(n)
        wrong = engine.RowReasons(n)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RetrocalcWarning)
            columns = engine.evaluate(clean, opts, row_reasons=why, row_errors=wrong)
    if wrong.texts:
        text = np.array([*wrong.texts, ""], dtype=object)[wrong.codes]  # (-1: the last, "")
        overflow = (text == NOT_FINITE) & ~bad
        # the engine's other row errors (an impossible value) say no value: the row alone
        # raises, and its message does
        rejected = (wrong.codes >= 0) & ~overflow & ~bad
        if rejected.any():
            _bisect(arrays, opts, np.flatnonzero(rejected), reasons, bad)
            alone = rejected & ~bad  # (should not be: then the engine's words)
            reasons = np.where(alone, text, reasons)
            bad = bad | alone
        reasons = np.where(overflow, NOT_FINITE, reasons)
        bad = bad | overflow
    # reasons found before (activity type, a distance or duration the speed came from)
    # replace the "missing value" of what was made from them
    missing = _join(extra, _missing_reasons({k: v for k, v in arrays.items() if k not in skip}, n))
    if missing is not None:  # a missing input is an error, as in the command line's output
        has = missing != ""
        reasons = np.where(has & bad, missing + "; " + reasons.astype(str), reasons)
        reasons = np.where(has & ~bad, missing, reasons)
        bad = bad | has
    flagged = why.codes >= 0
    # an overflow the engine saw as NaN, not as an infinity (a speed of 1e308)
    lost = lost_results(columns.outputs, n, flagged, opts.policy, timed=False) & ~bad
    if lost.any():
        reasons = np.where(lost, NOT_FINITE, reasons)
        bad = bad | lost
    texts = np.array([*why.texts, None], dtype=object)[np.where(flagged, why.codes, len(why.texts))]
    texts = np.where(bad, reasons, texts)
    # a row with a reason is never ok (nor in range), as in the command line's output: a
    # value that looks like another unit by a rule of the batch alone (a duration in
    # milliseconds) leaves the engine's in_range True
    in_range = np.broadcast_to(columns.outputs["in_range"], (n,)) & ~bad & ~flagged
    state = np.where(bad, 2, np.where(in_range, 0, 1)).astype(np.int8)
    for name, value in columns.outputs.items():
        if name == "in_range":
            columns.outputs[name] = in_range
        elif value.dtype.kind == "f" and bad.any():
            columns.outputs[name] = np.where(bad, np.nan, np.broadcast_to(value, (n,)))
    return columns, texts, state


#: Outputs a row with an estimate always has; with a duration, its energies too.
_ALWAYS = ("power_gross_w", "power_net_w")
_TIMED = ("energy_gross_kj", "energy_net_kj")


def lost_results(
    outputs: Mapping[str, Any], n: int, flagged: Any, policy: str, timed: bool
) -> NDArray[np.bool_]:
    """Rows whose power (and energy when ``timed``) is not finite: with no other error,
    their status is ``error`` with :data:`NOT_FINITE`, in the batch and in
    ``estimate(status=True)`` alike.

    The engine finds overflowed results by their infinities; an input near the largest
    double (a speed of 1e308) can overflow inside a model into ``inf * 0`` or ``inf - inf``,
    a NaN that would otherwise stand beside ``out_of_range`` as if it were an estimate.
    Under ``out_of_range='nan'`` a ``flagged`` row's NaN is the policy's, not a loss.
    Rows missing an input also come out here: callers give their own reason first.
    """
    names = _ALWAYS + _TIMED if timed else _ALWAYS
    finite = np.ones(n, dtype=bool)
    for name in names:
        finite &= np.isfinite(np.broadcast_to(outputs[name], (n,)))
    lost: NDArray[np.bool_] = ~finite
    if policy == "nan":
        lost &= ~np.broadcast_to(flagged, (n,))
    return lost


def _missing_reasons(arrays: Mapping[str, Any], n: int) -> NDArray[Any] | None:
    """``"name: missing value"`` for each missing input of each row, joined by ``"; "``
    (``""`` for a complete row); None when no row misses anything."""
    out = np.full(n, "", dtype=object)
    for name, values in arrays.items():
        if not np.ndim(values) or name == "model":  # no model is the default model
            continue
        if INPUTS[name].dtype == "float":
            # an object column may hold text (a rejected row, said by its own reason): only
            # None, NA and NaN are missing
            mask = np.asarray(pandas().isna(np.asarray(values)), dtype=bool)
        else:  # each distinct label once: a column has a handful of them
            text = np.asarray(values, dtype=object).astype(str)
            uniq, inverse = np.unique(text, return_inverse=True)
            empty = np.array([u.strip().lower() in MISSING_LABELS for u in uniq.tolist()])
            mask = empty[inverse.reshape(-1)] if uniq.size else np.zeros(n, dtype=bool)
        if mask.any():
            label = f"{name}: missing value"
            out = np.where(mask & (out != ""), out + "; " + label, np.where(mask, label, out))
    return out if (out != "").any() else None


def _join(a: NDArray[Any] | None, b: NDArray[Any] | None) -> NDArray[Any] | None:
    """Two arrays of reasons joined row by row with ``"; "`` (``""`` is no reason)."""
    if a is None or not (a != "").any():
        return b
    if b is None or not (b != "").any():
        return a
    joined: NDArray[Any] = np.where((a != "") & (b != ""), a + "; " + b, np.where(a != "", a, b))
    return joined


def _blank(name: str, values: NDArray[Any]) -> Any:
    """What a rejected row's value becomes: a missing label, or NaN for a number (also in
    an object column, which may hold the text that was rejected)."""
    label = name in INPUTS and INPUTS[name].dtype != "float"
    return "" if label and values.dtype.kind in "UOS" else np.nan


def _bisect(
    arrays: Mapping[str, Any],
    opts: engine.Options,
    rows: NDArray[np.intp],
    reasons: NDArray[Any],
    bad: NDArray[np.bool_],
) -> None:
    part = {k: (v[rows] if np.ndim(v) else v) for k, v in arrays.items()}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RetrocalcWarning)
            engine.evaluate(part, opts)
    except (ValueError, TypeError) as exc:
        if rows.size == 1:
            bad[rows] = True
            reasons[rows] = str(exc).replace(" at index 0", "").replace(" (at index 0)", "")
            return
        half = rows.size // 2
        _bisect(arrays, opts, rows[:half], reasons, bad)
        _bisect(arrays, opts, rows[half:], reasons, bad)
