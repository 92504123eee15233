"""The parts of the composition that only a block of rows needs.

A block holds rows of several models and gaits: each base model runs on its own rows
(:func:`_forward_block`), backward rows are scaled per gait (:func:`_backward_block`), and
an input's non-finite values are made missing in one vectorised pass (:func:`_number`).
:func:`retrocalc.composition.evaluate` calls them; the rules, physics and wording are those
of the rest of the composition.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from . import rules
from .validate import Flags, check

if TYPE_CHECKING:
    from . import Context

_NAN = math.nan


def _flags(ctx: Context) -> Flags:
    """The call's findings, made on first need (one row in range needs none)."""
    if ctx.flags is None:
        ctx.flags = Flags(ctx.where)
    return ctx.flags


def _number(x: Any, default: Any, missing: list[Any] | None, span: list[Any] | None = None) -> Any:
    """An input with non-finite values as NaN; ``missing[0]`` collects missing rows and
    ``span`` gets the smallest and largest finite value (checks reuse them)."""
    if x is None:
        return default
    if type(x) is float:
        if math.isfinite(x):
            if span is not None:
                span[:] = (x, x)
            return x
        if missing is not None:
            missing[0] = True if missing[0] is False else missing[0] | True
        return _NAN
    lo, hi = float(x.min()), float(x.max())
    if math.isfinite(lo) and math.isfinite(hi):
        if span is not None:
            span[:] = (lo, hi)
        return x
    bad = ~np.isfinite(x)
    if missing is not None:
        missing[0] = bad if missing[0] is False else missing[0] | bad
    x = np.where(bad, np.nan, x)
    if span is not None:
        span[:] = (float(np.fmin.reduce(x)), float(np.fmax.reduce(x)))
    return x


#: Below this an output's bound cannot have overflowed (a margin of 1e8 under the largest
#: double absorbs the rounding of the few operations between the bound and the output).
_SAFE = 1e300


def _not_finite(
    result: Mapping[str, Any],
    timed: bool,
    n: int,
    limits: tuple[float | None, ...] | None = None,
    spans: Mapping[str, tuple[Any, Any]] | None = None,
) -> Any:
    """Rows (bool array) with an infinite output (float64 overflowed), or None.

    Only infinities: NaN is a missing input passed on (no sex for an RMR equation, no
    duration), or no cost per metre at zero speed, never an overflow posing as a result.

    ``limits`` (smallest mass, smallest speed, largest duration, smallest W/kg per ml/kg/min
    and smallest resting VO2 over the block; None where unknown) bound the outputs derived
    from the powers: once both powers are finite and at most ``P`` in magnitude, MET is at
    most P / (mass w rest), the cost of transport P / (mass speed) and the energies
    P duration / 1000, and an output whose bound is below :data:`_SAFE` needs no pass.
    ``spans`` holds outputs' smallest and largest values (NaN ignored), when known.
    """
    names: tuple[str, ...] = ("power_gross_w", "power_net_w", "met", "cost_of_transport_j_kg_m")
    if timed:
        names += ("energy_gross_kj", "energy_net_kj")
    bad: Any = None
    largest = 0.0  # the largest finite |power| seen; inf once a power overflowed
    for name in names:
        if limits is not None and name not in _POWERS and _bounded(name, largest, limits):
            continue
        value = result[name]
        if np.ndim(value) == 0:
            if name in _POWERS:
                largest = max(largest, abs(value)) if value == value else largest
            if not math.isinf(value):
                continue
            part: Any = np.ones(n, dtype=bool)
        else:
            span = spans.get(name) if spans is not None else None
            if span is None:
                span = np.fmin.reduce(value), np.fmax.reduce(value)
            low, high = float(span[0]), float(span[1])
            if name in _POWERS and low == low:  # (all NaN: no finite value to bound)
                largest = max(largest, -low, high)
            if not (math.isinf(low) or math.isinf(high)):
                continue  # NaN ignored: the usual block costs two reductions per output
            part = np.isinf(np.broadcast_to(value, (n,)))
        bad = part if bad is None else bad | part
    return bad


_POWERS = ("power_gross_w", "power_net_w")


def _bounded(name: str, largest: float, limits: tuple[float | None, ...]) -> bool:
    """Whether ``name`` cannot be infinite, given the largest |power| and ``limits``."""
    mass, speed, duration, w_per_vo2, rest_vo2 = limits
    if not largest < _SAFE or mass is None or not mass > 0.0:
        return False
    per_kg = largest / mass  # bounds |gross| and |net| in W/kg
    if name == "met":
        if w_per_vo2 is None or rest_vo2 is None or not (w_per_vo2 > 0.0 and rest_vo2 > 0.0):
            return False
        return per_kg / w_per_vo2 / rest_vo2 < _SAFE
    if name == "cost_of_transport_j_kg_m":
        return speed is not None and speed > 0.0 and per_kg / speed < _SAFE
    return duration is not None and duration >= 0.0 and largest * duration < _SAFE


def _forward_block(
    codes: Any,
    values: Mapping[str, Any],
    w_per_vo2: Any,
    rest_w_kg: Any,
    flags: Flags,
    n: int,
    offset: int,
    any_missing: bool,
    spans: Mapping[str, list[Any]] | None = None,
) -> tuple[Any, Any]:
    """Forward gross W/kg of a block, each base model on its rows; rows out of range.

    ``codes`` is an int when one model serves the whole block; ``spans`` the smallest and
    largest value of inputs over the block (NaN ignored), which spare range checks a pass.
    """
    gross_fwd: Any = None  # made on first need: one model's own result may stand for it
    out_of_range: Any = False
    if type(codes) is int:
        present: list[tuple[int, int]] = [(codes, n)]
    elif codes[0] >= 0 and not np.any(codes != codes[0]):  # one model for the block
        present = [(int(codes[0]), n)]
    else:  # the models present and their row counts, in one pass (-1: no estimate)
        counts = np.bincount(codes.astype(np.intp) + 1, minlength=len(rules.BASE) + 1)
        present = [(int(c) - 1, int(counts[c])) for c in np.flatnonzero(counts[1:]) + 1]
    for code, count in present:
        spec = rules.BASE[code]
        sel: Any = None if count == n else np.flatnonzero(codes == code)
        sub = _subset(values, sel, count, spec.reads)
        reads_o2, reads_rest = spec.rates_read  # per-row rates gathered only when read
        # an input near the largest double (a speed of 1e308) overflows inside the model: the
        # result is not finite, and said so per row (evaluate), not as numpy's RuntimeWarning
        with np.errstate(over="ignore", invalid="ignore"):
            native = spec.kernel(*spec.arguments(sub))
            part = spec.to_gross_w_kg(
                native,
                sub.get("speed_m_s"),
                sub.get("mass_kg"),
                _take(w_per_vo2, sel) if reads_o2 else None,
                _take(rest_w_kg, sel) if reads_rest else None,
            )
        if sel is None and _fresh(part, n):
            gross_fwd = part  # one model over every row: its own result, not a copy
        else:
            if gross_fwd is None:
                gross_fwd = np.full(n, np.nan) if any_missing else np.empty(n)
            gross_fwd[slice(None) if sel is None else sel] = part
        bad = flags.outside((0, int(code)), spec, sub, n, sel, offset, spans)
        if bad is not False:
            out_of_range = bad if out_of_range is False else out_of_range | bad
    if gross_fwd is None:  # no row with an estimate
        gross_fwd = np.full(n, np.nan)
    return gross_fwd, out_of_range


def _backward_block(
    net: Any,
    rows: Mapping[str, Any],
    ctx: Context,
    values: Mapping[str, Any],
    backward: Any,
    gait: Any,
    miss: Any,
    any_missing: bool,
    out_of_range: Any,
    n: int,
    offset: int,
) -> tuple[Any, Any]:
    """Net W/kg of a block with the backward rows scaled by their gait's factor."""
    override = rows.get("backward_factor")
    for g, spec in enumerate(rules.DIRECTION_SPECS):
        if type(gait) is int:  # one gait for the block
            if gait != g:
                continue
            mask = np.broadcast_to(backward, (n,))
        else:
            mask = np.broadcast_to(backward & (gait == g), (n,))
        if any_missing:
            mask = mask & ~miss
        sel = np.flatnonzero(mask)
        if not sel.size:
            continue
        gait_name = rules.GAITS[g]
        if gait_name in ctx.factors:
            factor: Any = ctx.factors[gait_name]  # checked with the options
        elif override is not None:
            factor = _number(_take(override, sel), _NAN, None)
            positive = (">", 0.0, "a positive multiplier")
            check(ctx.where, "backward_factor", factor, offset, positive)
        else:
            factor = spec.value
        sub = _subset(values, sel, sel.size, spec.reads)
        bad = _flags(ctx).outside((1, g), spec, sub, n, sel, offset)
        if bad is not False:
            out_of_range = bad if out_of_range is False else out_of_range | bad
        net[sel] = net.take(sel) * factor
    return net, out_of_range


def _fresh(x: Any, n: int) -> bool:
    """Whether ``x`` is a float64 array of ``n`` rows that owns its memory (a result, never
    an input's view), fit to stand for the block's forward power."""
    if not isinstance(x, np.ndarray):
        return False
    return x.base is None and x.shape == (n,) and x.dtype == np.float64


def _take(x: Any, rows: Any) -> Any:
    return x if rows is None or not isinstance(x, np.ndarray) else x.take(rows)


def _subset(
    values: Mapping[str, Any], rows: Any, count: int, needs: tuple[str, ...]
) -> dict[str, Any]:
    """The inputs a model reads, for the selected rows of a block; constants broadcast (so
    that range checks see one value per row)."""
    sub: dict[str, Any] = {}
    for k in needs:
        v = values[k]
        if isinstance(v, np.ndarray):
            sub[k] = v if rows is None else v.take(rows)
        else:
            sub[k] = np.broadcast_to(np.float64(v), (count,))
    return sub
