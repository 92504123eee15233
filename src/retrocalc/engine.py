"""Engines: how a call is evaluated, with no physics of their own.

Both engines call :func:`retrocalc.composition.evaluate`, which holds every rule, model and
check:

- the **array engine** (:func:`evaluate`) runs it on blocks of :data:`BLOCK_ROWS` rows, so
  the few dozen temporaries of a block stay in the CPU caches (touching fresh memory costs
  more than the arithmetic on these machines); constants stay Python floats; results go
  straight into the output arrays (or the caller's ``out=`` buffers); labels become integer
  codes per block (text of up to eight characters compared as one integer);
- the **plain-float front** (:func:`evaluate_scalar`) runs it once on Python floats for one
  bout: no numpy call at all on the usual path.

This is also the internal API of the faces that evaluate many rows (the batch, Dask):
:func:`evaluate` takes canonical inputs and options and gives flat :class:`Columns`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import energy
from ._front import evaluate_scalar  # the plain-float front (generated code: its own module)
from ._wrap import Kind, Locator, Packed, label_code, label_codes, pack
from .composition import Context, rules
from .composition import evaluate as compose
from .composition.validate import POLICIES, Flags, ImpossibleValueError, RowReasons
from .nomenclature import INPUTS, OUTPUTS

__all__ = [
    "BLOCK_ROWS",
    "GAIT_NAMES",
    "MODEL_NAMES",
    "Columns",
    "Options",
    "RowReasons",
    "evaluate",
    "evaluate_scalar",
    "options",
    "validate_out",
]

#: Rows per block: the temporaries of a block stay in the L2/L3 caches (best of 8K-64K here).
BLOCK_ROWS = 65536

#: Names of the label outputs by code; the last entry ("") is for rows without an estimate.
GAIT_NAMES: tuple[str, ...] = (*rules.GAITS, "")
MODEL_NAMES: tuple[str, ...] = (*(s.name for s in rules.BASE), "")
_GAIT_NAMES = np.array(GAIT_NAMES, dtype=object)
_MODEL_NAMES = np.array(MODEL_NAMES, dtype=object)

FloatArray = NDArray[np.float64]
_FLOAT_OUTPUTS = tuple(k for k, v in OUTPUTS.items() if v.dtype == "float")
_NUMBERS = (*(k for k, v in INPUTS.items() if v.dtype == "float"), "backward_factor")


_SCALAR_WHERE = Locator(())


@dataclass(frozen=True)
class Options:
    """Checked options of one call (see :func:`options`)."""

    policy: str
    rmr_equation: str | None
    factors: Mapping[str, float]
    backward_factor: Any
    interval: float | None = None  # a confidence level: the batch adds interval bounds
    # a retrocalc.calibration.Calibration (a face: not imported here): the batch scales the
    # energy and power outputs by its factors and adds calibration_factor
    calibration: Any = None
    # the plain-float front's context: made once with the options (the usual options are
    # cached per policy), never changed by a call (a row's findings are its own)
    context: Context = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        context = Context(self.policy, None, _SCALAR_WHERE, None, self.factors)
        object.__setattr__(self, "context", context)


_PLAIN_OPTIONS: dict[str, Options] = {}


def options(
    rmr_equation: str | None = None,
    backward_factor: Any = None,
    policy: str = "warn",
) -> Options:
    """Check the options of an estimate once, before any row (errors name the option)."""
    if rmr_equation is None and backward_factor is None:
        plain = _PLAIN_OPTIONS.get(policy)  # the usual call: checked once per policy
        if plain is not None:
            return plain
    if policy not in POLICIES:
        raise ValueError(f"out_of_range must be 'warn', 'flag', 'nan' or 'raise', got {policy!r}")
    if rmr_equation is not None and rmr_equation not in energy.RMR_EQUATIONS:
        raise ValueError(
            f"rmr_equation must be one of {', '.join(map(repr, energy.RMR_EQUATIONS))}, "
            f"got {rmr_equation!r}"
        )
    factors: Mapping[str, float] = {}
    if isinstance(backward_factor, Mapping):
        unknown = set(backward_factor) - set(rules.GAITS)
        if unknown:
            raise ValueError(f"backward_factor keys must be 'walk' and/or 'run', got {unknown}")
        factors = {g: float(v) for g, v in backward_factor.items()}
        for g, v in factors.items():
            if not v > 0.0:
                raise ValueError(
                    f"backward_factor must be > 0 (a positive multiplier); got {v:g} for {g!r}"
                )
        backward_factor = None
    elif type(backward_factor) in (int, float) and not backward_factor > 0.0:
        raise ValueError(
            f"backward_factor must be > 0 (a positive multiplier); got {backward_factor:g}"
        )
    checked = Options(policy, rmr_equation, factors, backward_factor)
    if rmr_equation is None and backward_factor is None and not factors:
        _PLAIN_OPTIONS[policy] = checked
    return checked


def _check_given(given: Mapping[str, Any], opts: Options) -> None:
    for name in ("speed_m_s", "mass_kg"):
        if given.get(name) is None:
            raise TypeError(f"estimate() needs {name} ({INPUTS[name].description})")
    if given.get("duration_s") is not None and given.get("distance_m") is not None:
        raise ValueError("give duration_s or distance_m, not both")
    if opts.rmr_equation is not None:
        if given.get("resting_vo2_ml_kg_min") is not None:
            raise ValueError("give resting_vo2_ml_kg_min or rmr_equation, not both")
        for name in ("sex", "age_years", "height_cm"):
            if given.get(name) is None:
                raise TypeError(f"rmr_equation={opts.rmr_equation!r} needs {name}")


@dataclass
class Columns:
    """Flat results of a call: numbers and ``in_range`` by output name, label codes.

    ``gait_code`` and ``model_code`` index :data:`GAIT_NAMES` and :data:`MODEL_NAMES`
    (the last entry, "", for rows without an estimate); :meth:`names` gives the text.
    """

    outputs: dict[str, NDArray[Any]]
    gait_code: NDArray[np.int8]
    model_code: NDArray[np.int8]
    packed: Packed

    def names(self, output: str) -> NDArray[Any]:
        """The label output ``"gait_used"`` or ``"model_used"`` as an object array of text."""
        if output == "gait_used":
            return _GAIT_NAMES.take(self.gait_code)
        return _MODEL_NAMES.take(self.model_code)


def validate_out(
    out: Any, shape: tuple[int, ...], inputs: Mapping[str, NDArray[Any]] | None = None
) -> dict[str, NDArray[Any]]:
    """Check caller-provided output buffers; raise naming ``out[name]`` and the problem.

    Parameters
    ----------
    out : mapping of str to ndarray
        Output name (see :data:`retrocalc.nomenclature.OUTPUTS`) to a writeable, C-contiguous
        buffer of the broadcast input shape: float64 for numbers, bool for ``in_range``,
        object for ``gait_used`` and ``model_used``.
    shape : tuple of int
        Broadcast shape of the inputs.
    inputs : mapping of str to ndarray, optional
        The packed inputs: a buffer that shares memory with one is refused (the results
        would overwrite inputs still to be read).
    """
    if not isinstance(out, Mapping):
        raise TypeError(
            f"out must be a mapping of output name to ndarray, got {type(out).__name__}"
        )
    buffers: dict[str, NDArray[Any]] = {}
    for name, buf in out.items():
        if name not in OUTPUTS:
            raise ValueError(f"out has unknown output name {name!r}; outputs: {', '.join(OUTPUTS)}")
        kind = OUTPUTS[name].dtype
        dtype = np.dtype({"float": np.float64, "bool": np.bool_, "str": object}[kind])
        if not isinstance(buf, np.ndarray):
            raise TypeError(f"out[{name!r}] must be a numpy ndarray, got {type(buf).__name__}")
        if buf.dtype != dtype:
            raise TypeError(f"out[{name!r}] must have dtype {dtype}, got {buf.dtype}")
        if buf.shape != shape:
            raise ValueError(
                f"out[{name!r}] must have the broadcast shape of the inputs {shape}, "
                f"got {buf.shape}"
            )
        if not (buf.flags.c_contiguous and buf.flags.writeable):
            raise ValueError(f"out[{name!r}] must be C-contiguous and writeable")
        if any(np.may_share_memory(buf, other) for other in buffers.values()):
            raise ValueError(f"out[{name!r}] is the buffer of another output too")
        for input_name, array in (inputs or {}).items():
            if np.may_share_memory(buf, array):
                raise ValueError(
                    f"out[{name!r}] shares memory with the input {input_name}: the results "
                    "would overwrite it while it is read; pass a separate buffer"
                )
        buffers[name] = buf
    return buffers


def _keys(values: NDArray[Any]) -> NDArray[Any] | None:
    """Each text of up to 8 Latin-1 characters as one integer (code points packed), or None.

    The code points are narrowed to bytes in one contiguous pass; each row's key is then an
    unaligned little-endian 8-byte word read at its own offset, masked to its characters (no
    strided copy into padded rows, which costs three times as much).
    """
    chars = values.dtype.itemsize // 4
    if not 0 < chars <= 8:
        return None
    points = np.ascontiguousarray(values).view(np.uint32).reshape(-1)
    if chars in (1, 2, 4, 8):  # whole words already
        data = np.empty(points.size, dtype=np.uint8)
        return data.view(f"<u{chars}") if _narrowed(points, data) else None
    data = np.empty(points.size + 8 - chars, dtype=np.uint8)
    data[points.size :] = 0  # the last row's word reads past the end
    if not _narrowed(points, data[: points.size]):
        return None
    words = np.ndarray((values.size,), dtype="<u8", buffer=data, strides=(chars,))
    return words & np.uint64((1 << 8 * chars) - 1)


#: Code points narrowed per pass (512 KB of them): the cast reads each part from the L2
#: cache right after the check did, not from memory (a block of direction labels is 2 MB).
_NARROW_POINTS = 1 << 17


def _narrowed(points: NDArray[np.uint32], data: NDArray[np.uint8]) -> bool:
    """``points`` cast to bytes into ``data``; False (``data`` unfinished) if one is above
    255, not Latin-1."""
    for j in range(0, points.size, _NARROW_POINTS):
        part = points[j : j + _NARROW_POINTS]
        if part.max() > 255:
            return False
        np.copyto(data[j : j + _NARROW_POINTS], part, casting="unsafe")
    return True


#: Rows compared with the block's first before a block is tested for one text over it.
_SAMPLE_ROWS = 8


def _uniform(values: NDArray[Any]) -> bool:
    """Whether every row of a block of fixed-width text is the same text: a few spread
    rows compared with the first, then, only if they agree, every row with the next one
    bytewise (a contiguous comparison of words, a fraction of coding each row)."""
    if values.dtype.kind != "U" or values.size < 2 or not values.flags.c_contiguous:
        return False
    first = values[0]
    step = max(1, values.size // _SAMPLE_ROWS)
    # (one row at a time: a vectorised comparison of a few rows costs more than these)
    if values[-1] != first or any(values[i] != first for i in range(step, values.size, step)):
        return False
    word = np.uint64 if values.dtype.itemsize % 8 == 0 else np.uint32
    words = values.view(word)
    width = words.size // values.size
    return bool(np.array_equal(words[width:], words[:-width]))


class _Labels:
    """Codes of one text input, per block (a constant: one code)."""

    def __init__(self, name: str, values: NDArray[Any] | None, where: Locator, size: int) -> None:
        self.name = name
        self.allowed, default = rules.LABELS[name]
        self.where = where
        self.constant: int | None = default
        self.values: NDArray[Any] | None = None
        self.keyed: list[tuple[Any, int]] = []
        if values is None:
            return
        if values.size == 1:
            self.constant = label_code(where, name, values.reshape(-1)[0], self.allowed, 0)
            self._refuse_direction_model(self.constant, 0)
            return
        self.constant = None
        self.values = values = np.broadcast_to(values, where.shape).reshape(-1)
        if values.dtype.kind == "U" and values.dtype.itemsize <= 32:
            chars = values.dtype.itemsize // 4
            probe = np.array([k for k in self.allowed if len(k) <= chars], dtype=values.dtype)
            keys = _keys(probe)
            assert keys is not None
            self.keyed = [
                (key, self.allowed[str(label)]) for key, label in zip(keys, probe, strict=True)
            ]

    def _refuse_direction_model(self, code: int, i: int) -> None:
        if self.name == "model" and code == -2:
            raise ValueError(
                f"model at {self.where(i)} names a direction factor, not a base model; "
                "use direction='backward' instead"
            )

    def block(self, i0: int, i1: int) -> Any:
        if self.constant is not None:
            return self.constant
        assert self.values is not None
        values = self.values[i0:i1]
        if _uniform(values):
            # one text over the block (a person's sex, a file of runs): its code, as the
            # comparisons below would give it, without coding every row
            code = label_code(self.where.shifted(i0), self.name, values[0], self.allowed, 0)
            self._refuse_direction_model(code, i0)
            return code
        keys = _keys(values) if self.keyed else None
        one: Any = None  # whether one label fills the block, when known without a pass
        if keys is None:
            codes: Any = label_codes(self.where.shifted(i0), self.name, values, self.allowed)
        else:
            # sums of masks: np.where is several times slower on these small types; the
            # first label with a code of 1 gives the codes as its mask itself (no zeros, no
            # addition); each later one adds a new array, never in place (``matched``
            # keeps the masks)
            codes = None
            found, hits, seen = 0, [0] * len(self.keyed), set()
            matched: list[NDArray[np.bool_]] = []
            for j, (key, code) in enumerate(self.keyed):
                equal = keys == key
                hits[j] = int(np.count_nonzero(equal))
                if not hits[j]:
                    continue
                found += hits[j]
                seen.add(code)
                if code:
                    add = equal.view(np.int8) if code == 1 else equal.view(np.int8) * code
                    codes = add if codes is None else codes + add
                if found == values.size:
                    break  # every row matched: the labels left are not compared
                matched.append(equal)
            if codes is None:
                codes = np.zeros(values.size, dtype=np.int8)
            # the labels seen most first in the next block (exact matches are disjoint)
            order = sorted(range(len(hits)), key=lambda j: -hits[j])
            self.keyed = [self.keyed[j] for j in order]
            if found == values.size:
                one = len(seen) == 1
            else:  # other spellings, missing values or errors
                unmatched = np.ones(values.size, dtype=bool)
                for equal in matched:
                    unmatched &= ~equal
                rest = np.flatnonzero(unmatched)
                try:
                    codes[rest] = label_codes(self.where, self.name, values[rest], self.allowed)
                except ValueError:  # word it with the position in the block
                    label_codes(self.where.shifted(i0), self.name, values, self.allowed)
                    raise
        if self.name == "model" and np.any(codes == -2):
            self._refuse_direction_model(-2, i0 + int(np.flatnonzero(codes == -2)[0]))
        if one is None:
            one = codes.size and codes.min() == codes.max()
        if one:
            # one label over the block (a file of runs, all forward): a Python int, which
            # the composition treats as a constant, without per-row masks
            return int(codes[0])
        return codes


def evaluate(
    given: Mapping[str, Any],
    opts: Options,
    *,
    index: Any = None,
    row_reasons: RowReasons | None = None,
    row_errors: RowReasons | None = None,
    out: Mapping[str, NDArray[Any]] | None = None,
) -> Columns:
    """Every output for inputs of any kind, by blocks of rows.

    Parameters
    ----------
    given : mapping of str to value or None
        Canonical inputs (:data:`retrocalc.nomenclature.INPUTS`); None is "not given".
        ``backward_factor`` may be given here as a number or array (an override).
    opts : Options
        From :func:`options`.
    index : pandas.Index, optional
        Row labels for messages (and results) of DataFrame inputs.
    row_reasons : RowReasons, optional
        Gets why each flagged row is flagged (the batch's per-row status): a range left, a
        unit that looks wrong.
    row_errors : RowReasons, optional
        Gets the rows without a usable result (not finite), with the reason.
    out : mapping of str to ndarray, optional
        Buffers to write results into (see :func:`validate_out`).
    """
    _check_given(given, opts)
    numeric = {
        k: v
        for k, v in given.items()
        if v is not None and (k == "backward_factor" or INPUTS[k].dtype == "float")
    }
    if opts.backward_factor is not None:
        numeric["backward_factor"] = opts.backward_factor
    labels = {k: v for k, v in given.items() if v is not None and k in rules.LABELS}
    packed = pack(numeric, labels)
    if index is not None and packed.kind is Kind.SCALAR:
        packed = Packed(packed.arrays, packed.kind, packed.shape, index)
    shape = packed.shape
    size = math.prod(shape)
    buffers = validate_out(out, shape, packed.arrays) if out is not None else {}
    where = Locator(shape, packed.index if packed.kind is Kind.SERIES else None)
    flags = Flags(where, row_reasons, row_errors)
    ctx = Context(opts.policy, flags, where, opts.rmr_equation, opts.factors)

    constants: dict[str, Any] = {}
    arrays: dict[str, NDArray[np.float64]] = {}
    for name in _NUMBERS:
        a = packed.arrays.get(name)
        if a is None:
            constants[name] = None
        elif a.size == 1:
            constants[name] = float(a.reshape(-1)[0])
        else:
            arrays[name] = np.broadcast_to(a, shape).reshape(-1)
    label_inputs = {
        name: _Labels(name, packed.arrays.get(name), where, size)
        for name in rules.LABELS
        if name != "sex" or opts.rmr_equation is not None
    }

    results: dict[str, NDArray[Any]] = {}
    for name in _FLOAT_OUTPUTS:
        buf = buffers.get(name)
        results[name] = buf.reshape(-1) if buf is not None else np.empty(size)
    in_range_buf = buffers.get("in_range")
    results["in_range"] = (
        in_range_buf.reshape(-1) if in_range_buf is not None else np.empty(size, dtype=bool)
    )
    gait_code = np.empty(size, dtype=np.int8)  # codes: a byte per row
    model_code = np.empty(size, dtype=np.int8)

    for i0 in range(0, size, BLOCK_ROWS):
        i1 = min(i0 + BLOCK_ROWS, size)
        rows: dict[str, Any] = dict(constants)
        for name, a in arrays.items():
            rows[name] = a[i0:i1]
        for name, lab in label_inputs.items():
            rows[name] = lab.block(i0, i1)
        slices = {name: results[name][i0:i1] for name in _FLOAT_OUTPUTS}
        try:
            block = compose(rows, ctx, i1 - i0, i0, block=True, out=slices)
        except ImpossibleValueError as exc:
            if exc.name in arrays and i1 - i0 < size:  # speak of the whole input
                with np.errstate(invalid="ignore"):
                    raise exc.recount(arrays[exc.name]) from None
            raise
        for name in _FLOAT_OUTPUTS:
            value = block[name]
            if value is not slices[name]:
                slices[name][...] = value
        results["in_range"][i0:i1] = block["in_range"]
        gait_code[i0:i1] = block["gait_code"]
        model_code[i0:i1] = block["model_code"]
    flags.finish(opts.policy, size)
    # rows without an estimate (-1) name the last, empty entry
    np.copyto(gait_code, len(GAIT_NAMES) - 1, where=gait_code < 0)
    np.copyto(model_code, len(MODEL_NAMES) - 1, where=model_code < 0)
    columns = Columns(results, gait_code, model_code, packed)
    for name in ("gait_used", "model_used"):
        if name in buffers:
            table = _GAIT_NAMES if name == "gait_used" else _MODEL_NAMES
            # every code indexes the table (-1 was replaced above): mode="wrap" changes no
            # value, and spares the copy numpy makes of ``out`` under the default "raise"
            np.take(
                table,
                gait_code if name == "gait_used" else model_code,
                out=buffers[name].reshape(-1),
                mode="wrap",
            )
    return columns
