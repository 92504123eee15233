"""The composition, written once: one row of floats or one block of rows to every output.

:func:`evaluate` strings together the rules (:mod:`.rules`), the physics (:mod:`.physics`)
and the validation (:mod:`.validate`). The engines (:mod:`retrocalc.engine`) call it: the
plain-float front with Python floats for one bout, the array engine once per block of rows
(constants stay Python floats, so a block mixes both). Nothing else computes an estimate.

How a row is computed
---------------------
1. **Missing and impossible.** A non-finite number makes its row missing (NaN out, flagged);
   an impossible one (negative speed, zero mass...) raises ``ValueError``.
2. **Gait** (:func:`.rules.resolve_gait`) and **base model** (:func:`.rules.choose_model`).
3. **Forward gross power** from the model's native output; rows outside its validity flagged.
4. **Direction.** Backward multiplies the net forward rate by the factor of the gait (or
   ``backward_factor``); rows outside the factor's validity flagged.
5. **Rest and energy.** Rest 3.5 ml/kg/min unless measured or from an RMR equation; O2 at
   5.0 kcal/l or by Weir with an RER; every output by :func:`.physics.derive`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from .._fa import finite, lowest, not_, where
from .._wrap import Locator
from ..energy import RESTING_VO2_ML_KG_MIN
from ..models._spec import ROW_INPUTS
from . import physics, rules
from .blocks import _backward_block, _flags, _forward_block, _not_finite, _number
from .validate import Flags, ImpossibleValueError, check

__all__ = ["Context", "evaluate"]

_NAN = math.nan
_DEFAULT_KCAL_L = physics.kcal_per_litre(None)
_DEFAULT_W_PER_VO2 = physics.w_kg_per_vo2(_DEFAULT_KCAL_L)


class Context:
    """What is constant over one call: options, and where findings accumulate.

    Attributes
    ----------
    policy : {"warn", "flag", "nan", "raise"}
        Out-of-range policy.
    flags : Flags or None
        Range and unit findings, reasons and warnings, over all blocks of the call (None for
        one row until it leaves a range: made then, see :func:`_flags`).
    where : Locator
        Names flat positions in the caller's terms.
    rmr_equation : str or None
        Name in :data:`retrocalc.energy.RMR_EQUATIONS`.
    factors : mapping of str to float
        Backward factors by gait given as a mapping (``{"run": 1.4}``).
    """

    __slots__ = ("factors", "flags", "policy", "rmr_equation", "where")

    def __init__(
        self,
        policy: str,
        flags: Flags | None,
        where: Locator,
        rmr_equation: str | None = None,
        factors: Mapping[str, float] | None = None,
    ) -> None:
        self.policy = policy
        self.flags = flags
        self.where = where
        self.rmr_equation = rmr_equation
        self.factors = factors or {}


def _checked(
    ctx: Context,
    name: str,
    value: Any,
    n: int,
    offset: int,
    missing: list[Any],
    low: float | None = None,
    rule: tuple[str, float, str] | None = None,
) -> Any:
    """``value`` with impossible values refused (:func:`.validate.check`), or, when the
    caller collects per-row errors (the batch), those rows made missing with the reason:
    one vectorised pass, however many rows are bad."""
    try:
        check(ctx.where, name, value, offset, rule, low=low)
    except ImpossibleValueError as exc:
        errors = _flags(ctx).errors
        if errors is None:
            raise
        with np.errstate(invalid="ignore"):
            bad = np.broadcast_to(exc.mask(value), (n,))
        errors.add(np.flatnonzero(bad) + offset, f"{exc.name} must be {exc.rule} ({exc.what})")
        missing[0] = bad if missing[0] is False else missing[0] | bad
        return np.where(bad, np.nan, value)
    return value


def _block_inputs(
    rows: Mapping[str, Any], ctx: Context, n: int, offset: int, missing: list[Any]
) -> tuple[Any, ...]:
    """A block's numbers: non-finite values missing, impossible ones refused, suspect units
    and the resting rate worked out."""
    flags = _flags(ctx)
    flags.suspect = False  # this block's
    spans: dict[str, list[Any]] = {
        k: [_NAN, _NAN]
        for k in ("speed_m_s", "mass_kg", "grade", "duration_s", "distance_m", "rest_vo2")
    }
    speed = _number(rows["speed_m_s"], _NAN, missing, spans["speed_m_s"])
    mass = _number(rows["mass_kg"], _NAN, missing, spans["mass_kg"])
    grade = _number(rows.get("grade"), 0.0, missing, spans["grade"])
    load = _number(rows.get("load_kg"), 0.0, missing)
    terrain = _number(rows.get("terrain_factor"), 1.0, missing)
    speed = _checked(ctx, "speed_m_s", speed, n, offset, missing, spans["speed_m_s"][0])
    mass = _checked(ctx, "mass_kg", mass, n, offset, missing, spans["mass_kg"][0])
    load = _checked(ctx, "load_kg", load, n, offset, missing)
    terrain = _checked(ctx, "terrain_factor", terrain, n, offset, missing)
    # one plausibility rule per input (plausible.UNIT_LIMITS); per gait after step 2
    flags.units_of("speed_m_s", speed, n, offset, spans["speed_m_s"])
    flags.units_of("grade", grade, n, offset, spans["grade"])
    flags.units_of("mass_kg", mass, n, offset, spans["mass_kg"])
    flags.units_of("load_kg", load, n, offset)

    # duration: given, or from distance and speed; without either, energies are NaN
    duration: Any = rows.get("duration_s")
    distance: Any = rows.get("distance_m")
    gaps: list[Any] = [False]  # rows whose duration (or distance) is not a finite number
    if duration is not None:
        duration = _number(duration, _NAN, gaps, spans["duration_s"])
        low = spans["duration_s"][0]
        duration = _checked(ctx, "duration_s", duration, n, offset, missing, low)
        flags.units_of("duration_s", duration, n, offset, spans["duration_s"])
    elif distance is not None:
        distance = _number(distance, _NAN, gaps, spans["distance_m"])
        low = spans["distance_m"][0]
        distance = _checked(ctx, "distance_m", distance, n, offset, missing, low)
        flags.units_of("distance_m", distance, n, offset, spans["distance_m"])
        rule = (">", 0.0, "needed to turn distance_m into a duration")
        speed = _checked(ctx, "speed_m_s", speed, n, offset, missing, rule=rule)
    with np.errstate(over="ignore"):  # a subnormal speed gives an infinite duration
        duration = physics.duration(duration, distance, speed)
    no_energy: Any = False
    # rows without a duration get no energy: a given one that is NaN, or one from a distance
    # (NaN at zero speed); a block of finite durations spares the pass
    if distance is not None or gaps[0] is not False:
        no_energy = duration != duration

    rer = _number(rows.get("rer"), None, missing)
    if rer is not None:
        rer = _checked(ctx, "rer", rer, n, offset, missing)
        flags.units_of("rer", rer, n, offset)
    kcal_l = physics.kcal_per_litre(rer)
    rest_vo2 = _number(rows.get("resting_vo2_ml_kg_min"), None, missing, spans["rest_vo2"])
    if rest_vo2 is not None:
        rest_vo2 = _checked(ctx, "resting_vo2_ml_kg_min", rest_vo2, n, offset, missing)
        flags.units_of("resting_vo2_ml_kg_min", rest_vo2, n, offset, spans["rest_vo2"])
    elif ctx.rmr_equation is not None:
        age_span: list[Any] = [_NAN, _NAN]
        height_span: list[Any] = [_NAN, _NAN]
        age = _number(rows["age_years"], _NAN, missing, age_span)
        height = _number(rows["height_cm"], _NAN, missing, height_span)
        age = _checked(ctx, "age_years", age, n, offset, missing, age_span[0])
        height = _checked(ctx, "height_cm", height, n, offset, missing, height_span[0])
        flags.units_of("age_years", age, n, offset, age_span)
        flags.units_of("height_cm", height, n, offset, height_span)
        rest_vo2 = physics.rmr_vo2(ctx.rmr_equation, mass, height, age, rows["sex"], kcal_l)
        positive = (">", 0.0, "a positive rate")
        low = lowest(rest_vo2)  # the check's, kept to bound MET (see _limits)
        spans["rest_vo2"][0] = low
        rest_vo2 = _checked(
            ctx, "resting rate from rmr_equation", rest_vo2, n, offset, missing, low, positive
        )
    else:
        rest_vo2 = RESTING_VO2_ML_KG_MIN
    return speed, mass, grade, load, terrain, duration, no_energy, kcal_l, rest_vo2, spans


def evaluate(
    rows: Mapping[str, Any],
    ctx: Context,
    n: int = 1,
    offset: int = 0,
    block: bool = False,
    out: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Every output of :func:`retrocalc.estimate` for one row or one block of rows.

    The stages are those of the module docstring, each stated once; a stage that needs a
    different statement for one row of floats than for a block of rows (a loop over the
    models present, masks) says both side by side, with the same rules, models, physics
    and wording.

    Parameters
    ----------
    rows : mapping of str to float, ndarray or None
        Numeric inputs by canonical name (None: not given), ``backward_factor`` (an
        override), and the label codes ``gait``, ``direction``, ``model`` and ``sex``
        (int or integer ndarray, -1 missing).
    ctx : Context
    n : int
        Rows in the block (1 for a row of floats).
    offset : int
        Flat position of the block's first row, for messages.
    block : bool
        True for a block of rows (the array engine); False for one row of finite Python
        floats inside the plain ranges (:data:`.plausible.PLAIN_SPANS`), from the plain-float front.
    out : dict of str to ndarray, optional
        The block's slices of the float output arrays, written in place (a block needs
        them; a row returns new floats).

    Returns
    -------
    dict
        The numeric outputs, ``in_range``, and for a block the codes ``gait_code`` (-1
        missing) and ``model_code`` (index into :data:`.rules.BASE`, -1 missing), for a row
        the text ``gait_used`` and ``model_used``.
    """
    direction = rows["direction"]
    model = rows["model"]
    backward = direction == 1

    # 1. numbers (missing, impossible, suspect units), duration, O2 equivalent, rest
    if block:
        missing: list[Any] = [False]
        (speed, mass, grade, load, terrain, duration, no_energy, kcal_l, rest_vo2, spans) = (
            _block_inputs(rows, ctx, n, offset, missing)
        )
    else:  # the front checked them: nothing impossible, suspect or missing
        speed = rows["speed_m_s"]
        mass = rows["mass_kg"]
        grade = rows.get("grade", 0.0)
        load = rows.get("load_kg", 0.0)
        terrain = rows.get("terrain_factor", 1.0)
        duration = rows.get("duration_s")
        if duration is None:
            duration = physics.duration(None, rows.get("distance_m"), speed)
        no_energy = False
        rer = rows.get("rer")
        # the defaults (5.0 kcal/l, 3.5 ml/kg/min) computed once: a single bout is cheap
        kcal_l = _DEFAULT_KCAL_L if rer is None else physics.kcal_per_litre(rer)
        rest_vo2 = rows.get("resting_vo2_ml_kg_min", RESTING_VO2_ML_KG_MIN)
    default_o2 = kcal_l is _DEFAULT_KCAL_L
    w_per_vo2 = _DEFAULT_W_PER_VO2 if default_o2 else physics.w_kg_per_vo2(kcal_l)
    rest_w_kg = rest_vo2 * w_per_vo2
    # the inputs models read (models._spec.ROW_INPUTS): by name for a block; a row passes
    # them by position, and names them only to word a range finding
    row = (speed, grade, mass, load, terrain)
    values: Any = _named(row) if block else None

    # 2. gait and base model
    gait = rules.resolve_gait(rows["gait"], speed, backward, model)
    if block:
        flags = _flags(ctx)
        flags.units_of_gait("speed_m_s", speed, gait, n, offset, spans["speed_m_s"])
        # a constant gait (an explicit one, or a model's only gait) is a Python int: mixing
        # it into array operations would take numpy's slow scalar-broadcast loops
        if type(gait) is int:
            lost: Any = True if gait < 0 else direction < 0
        else:
            lost = (gait < 0) | (direction < 0)
        miss: Any = np.broadcast_to(lost, (n,))
        if missing[0] is not False:
            miss = miss | missing[0]
        any_missing = bool(np.any(miss))
        explicit = model >= 0
        if np.any(explicit):
            if type(model) is int:  # one model for the block: compare the gaits it lacks
                bad = np.zeros(n, dtype=bool)
                for g in range(len(rules.GAITS)):
                    if not rules.supports(model, g):
                        if type(gait) is not int:
                            bad |= np.broadcast_to(gait == g, (n,))
                        elif gait == g:
                            bad[:] = True
                bad &= ~miss
            else:
                ok = rules.supports(np.maximum(model, 0), np.maximum(gait, 0))
                bad = explicit & ~miss & ~ok
            if np.any(bad) and flags.errors is not None:  # the batch: rows in error
                bad = np.broadcast_to(bad, (n,))
                pairs = np.broadcast_to(model, (n,)) * len(rules.GAITS) + np.broadcast_to(
                    gait, (n,)
                )
                for pair in np.unique(pairs[bad]):
                    m, g = divmod(int(pair), len(rules.GAITS))
                    flags.errors.add(
                        np.flatnonzero(bad & (pairs == pair)) + offset, _model_text(m, g)
                    )
                miss = miss | bad
                any_missing = True
            elif np.any(bad):
                i = int(np.flatnonzero(np.broadcast_to(bad, (n,)))[0])
                _refuse_model(_at(model, i, n), _at(gait, i, n), ctx.where(offset + i))
        codes = rules.choose_model(gait, grade, load, terrain, model)
        if any_missing:
            codes = np.where(miss, -1, codes)
        if type(codes) is not int:  # one model for the block stays a Python int
            codes = np.broadcast_to(codes, (n,))
    else:
        miss = any_missing = False
        if model >= 0 and not rules.supports(model, gait):
            _refuse_model(model, gait, ctx.where(offset))
        codes = rules.choose_model(gait, grade, load, terrain, model)
    # one row's findings are its own, made only if it leaves a range and finished below: the
    # front's context is shared by every call with the same options, and never changes
    found: Flags | None = None

    # 3. forward gross power per kg from the base model; rows outside its validity flagged
    if block:
        gross_fwd, out_of_range = _forward_block(
            codes, values, w_per_vo2, rest_w_kg, _flags(ctx), n, offset, any_missing, spans
        )
    else:
        spec = rules.BASE[codes]
        native = spec.native_row(*row)
        gross_fwd = spec.to_gross(native, speed, mass, w_per_vo2, rest_w_kg)
        out_of_range = False
        if not spec.inside(*row):
            found = Flags(ctx.where)
            out_of_range = found.outside((0, codes), spec, _named(row))

    # 4. direction: backward scales the net (above-rest) part by the gait's factor
    net: Any = gross_fwd - rest_w_kg
    if block:
        if np.any(backward):
            net, out_of_range = _backward_block(
                net, rows, ctx, values, backward, gait, miss, any_missing, out_of_range, n, offset
            )
    elif backward:
        spec = rules.DIRECTION_SPECS[gait]
        factor = rows.get("backward_factor", spec.value)
        if ctx.factors:
            factor = ctx.factors.get(rules.GAITS[gait], factor)
        if not spec.inside(*row):
            found = found or Flags(ctx.where)
            out_of_range = found.outside((1, gait), spec, _named(row)) | out_of_range
        net = net * factor
    gross = net + rest_w_kg

    # 5. validity flag, the NaN policy, every output
    in_range: Any = finite(gross) if block else math.isfinite(gross)
    if any_missing:
        in_range = in_range & ~miss
    if out_of_range is not False:
        in_range = in_range & not_(out_of_range)
        if block:
            _flags(ctx).flagged += int(np.count_nonzero(out_of_range))
        elif found is not None:
            found.flagged += 1
        if ctx.policy == "nan":
            gross = where(out_of_range, _NAN, gross)
            net = where(out_of_range, _NAN, net)
    if no_energy is not False:
        in_range = in_range & ~no_energy
    if block and _flags(ctx).suspect is not False:
        in_range = in_range & ~_flags(ctx).suspect  # a value that looks like another unit
    if block:
        assert out is not None, "a block writes into the engine's output slices"
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            powers: dict[str, Any] = {}  # their spans, taken while in the cache
            result = physics.derive(
                gross, net, mass, duration, speed, w_per_vo2, rest_vo2, out, powers
            )
            # a result that overflows float64 (mass 1e308, a subnormal speed with a
            # distance) is no estimate: flagged, never passed on as in range
            timed = rows.get("duration_s") is not None or distance_given(rows)
            limits = _limits(spans, timed, w_per_vo2, rest_vo2)
            bad_out = _not_finite(result, timed, n, limits, powers)
        if bad_out is not None:
            bad_out &= ~miss if any_missing else True
            if ctx.policy == "nan" and out_of_range is not False:
                bad_out &= ~np.broadcast_to(out_of_range, (n,))
            if no_energy is not False:
                bad_out &= ~np.broadcast_to(no_energy, (n,))
            if np.any(bad_out):
                in_range = in_range & ~bad_out
                _flags(ctx).not_finite(bad_out, offset)
    else:  # Python floats do not warn (and a zero speed is guarded)
        result = physics.derive_row(gross, net, mass, duration, speed, w_per_vo2, rest_vo2)
    result["in_range"] = in_range
    if block:
        result["gait_code"] = np.where(miss, -1, gait) if any_missing else gait
        result["model_code"] = codes
    else:  # a row always has an estimate: its labels as text are two lookups
        result["gait_used"] = rules.GAITS[gait]
        result["model_used"] = rules.BASE[codes].name
        if found is not None:
            found.finish(ctx.policy, 1)  # warn, or raise under "raise"
    return result


def _limits(
    spans: Mapping[str, list[Any]], timed: bool, w_per_vo2: Any, rest_vo2: Any
) -> tuple[float | None, ...]:
    """What bounds a block's derived outputs (see :func:`.blocks._not_finite`)."""
    low_speed = spans["speed_m_s"][0]
    duration = None
    if timed:
        if spans["duration_s"][1] == spans["duration_s"][1]:  # given: its largest value
            duration = spans["duration_s"][1]
        elif spans["distance_m"][1] == spans["distance_m"][1] and low_speed > 0.0:
            duration = spans["distance_m"][1] / low_speed  # from distance / speed
    return (
        spans["mass_kg"][0],
        low_speed,
        duration,
        w_per_vo2 if type(w_per_vo2) is float else None,
        rest_vo2 if type(rest_vo2) is float else spans["rest_vo2"][0],
    )


def _named(row: tuple[Any, ...]) -> dict[str, Any]:
    """A row's (or block's) model inputs by name, from their values in ROW_INPUTS order."""
    return dict(zip(ROW_INPUTS, row, strict=True))


def distance_given(rows: Mapping[str, Any]) -> bool:
    return rows.get("distance_m") is not None


def _at(codes: Any, i: int, n: int) -> int:
    """Row ``i``'s code (a constant or a block array)."""
    return codes if type(codes) is int else int(np.broadcast_to(codes, (n,))[i])


def _model_text(model: int, gait: int) -> str:
    spec = rules.BASE[model]
    return (
        f"model {spec.name!r} describes {'/'.join(spec.gaits)}, but gait is {rules.GAITS[gait]!r}"
    )


def _refuse_model(model: int, gait: int, where: str) -> None:
    raise ValueError(f"{_model_text(model, gait)} at {where}")
