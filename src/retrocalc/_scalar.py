"""Plain-float fast path of :func:`retrocalc.estimate` for one bout given as Python numbers.

Any numpy route costs several microseconds per call; an app that estimates every sample needs
less. This path handles the common scalar calls in plain Python arithmetic and returns None for
everything else (errors, warnings, unusual inputs), which then takes the array path unchanged,
so messages and warnings stay exactly those of the array path.

Identical numbers: ``+ - * /`` on Python floats are the same IEEE operations numpy performs, in
the same order as the model functions write them. ``pow`` is not: numpy's power (SIMD on this
hardware) and the C library's differ in the last bit for a few per cent of arguments, so the
powers go through :func:`numpy.power`, as in the array path. ``tests/test_fast_paths.py``
checks every model, gait, direction and option against the array path.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from .energy import KCAL_PER_LITRE_O2, RESTING_VO2_ML_KG_MIN
from .models import REGISTRY
from .models.minetti2002 import _RUN, _WALK
from .units import KCAL_TO_KJ

if TYPE_CHECKING:
    from .core import EstimateResult

__all__ = ["estimate_scalar"]

_INF = math.inf
_NAN = math.nan
# Larger magnitudes could overflow where the array path warns; they take the array path.
_BIG = 1e12
_INT_LIMIT = 2**53  # ints convert exactly below this (numpy and Python agree)
# the unit-warning limits of core (speed km/h-like, grade percent-like, mass implausible)
_SPEED_MAX = 12.0
_GRADE_MAX = 1.0
_MASS_MIN = 20.0

_power = np.power
_GAITS = frozenset({"walk", "run", "auto"})
_DIRECTIONS = frozenset({"forward", "backward"})


def _horner(coefs: tuple[float, ...], x: float) -> float:
    acc = coefs[0]
    for c in coefs[1:]:
        acc = acc * x + c
    return acc


# Each mirrors the registered (numpy) function operation by operation; same argument order
# (speed, grade, mass, load, terrain) for all, native output units.
def _acsm_walking(v: float, g: float, m: float, load: float, eta: float) -> float:
    s = v * 60.0
    return 3.5 + 0.1 * s + 1.8 * s * g


def _acsm_running(v: float, g: float, m: float, load: float, eta: float) -> float:
    s = v * 60.0
    return 3.5 + 0.2 * s + 0.9 * s * g


def _minetti_walking(v: float, g: float, m: float, load: float, eta: float) -> float:
    return _horner(_WALK, g)


def _minetti_running(v: float, g: float, m: float, load: float, eta: float) -> float:
    return _horner(_RUN, g)


def _lcda(v: float, g: float, m: float, load: float, eta: float) -> float:
    gp = g * 100.0
    p = _power((v, v, 1.1), (0.43, 4.0, gp + 32.0))  # one numpy call for three powers
    p105 = float(_power(1.05, 1.0 - p[2]))
    return 1.44 + 1.94 * float(p[0]) + 0.24 * float(p[1]) + 0.34 * v * gp * (1.0 - p105)


def _pandolf(v: float, g: float, m: float, load: float, eta: float) -> float:
    gp = g * 100.0
    total = m + load
    ratio = load / m
    # numpy squares (x**2 on an array) by multiplying: exact, unlike pow
    return 1.5 * m + 2.0 * total * (ratio * ratio) + eta * total * (1.5 * (v * v) + 0.35 * v * gp)


def _pandolf_santee(v: float, g: float, m: float, load: float, eta: float) -> float:
    base = _pandolf(v, g, m, load, eta)
    if not g < 0.0:
        return base
    gp = g * 100.0
    total = m + load
    g6 = gp + 6.0
    cf = eta * (gp * total * v / 3.5 - total * (g6 * g6) / m + (25.0 - v * v))
    return base - cf


def _leger_treadmill(v: float, g: float, m: float, load: float, eta: float) -> float:
    kmh = v * 3.6
    return 2.209 + 3.163 * kmh


def _leger_track(v: float, g: float, m: float, load: float, eta: float) -> float:
    kmh = v * 3.6
    return 2.209 + 3.163 * kmh + 0.000525542 * float(_power(kmh, 3))


#: Plain-float twin of every registered base model (tests check the registry is covered).
SCALAR_MODELS: dict[str, Callable[[float, float, float, float, float], float]] = {
    "acsm_walking": _acsm_walking,
    "acsm_running": _acsm_running,
    "minetti2002_walking": _minetti_walking,
    "minetti2002_running": _minetti_running,
    "lcda2019_walking": _lcda,
    "pandolf1977": _pandolf,
    "pandolf1977_santee": _pandolf_santee,
    "leger1984_treadmill": _leger_treadmill,
    "leger1984_track": _leger_track,
}


class _Tables:
    """What the fast path reads from core, built on first use (core imports this module)."""

    def __init__(self) -> None:
        from . import core

        self.result = core.EstimateResult
        self.threshold = {
            "forward": core.WALK_RUN_TRANSITION_M_S["forward"],
            "backward": core.WALK_RUN_TRANSITION_M_S["backward"],
        }
        defaults = core.DEFAULT_MODELS
        self.default = {
            "walk": defaults["walk"],
            "walk_loaded": defaults["walk_loaded"],
            "run": defaults["run"],
            "run_downhill": defaults["run_downhill"],
        }
        # per base model: scalar function, native output, single gait (or ""), gaits,
        # bounds as a tuple of (input position, low, high) with +-inf for None
        order = ("speed_m_s", "grade", "mass_kg", "load_kg", "terrain_factor")
        self.models: dict[str, tuple[Any, str, str, tuple[str, ...], tuple[Any, ...]]] = {}
        for spec in REGISTRY.base():
            bounds = dict(spec.ranges)
            if "load_kg" not in spec.inputs:
                bounds["load_kg"] = (0.0, 0.0)
            if "terrain_factor" not in spec.inputs:
                bounds["terrain_factor"] = (1.0, 1.0)
            checks = tuple(
                (order.index(k), -_INF if lo is None else lo, _INF if hi is None else hi)
                for k, (lo, hi) in bounds.items()
            )
            single = spec.gaits[0] if len(spec.gaits) == 1 else ""
            self.models[spec.name] = (
                SCALAR_MODELS[spec.name],
                spec.output,
                single,
                spec.gaits,
                checks,
            )
        self.direction: dict[str, tuple[float, tuple[Any, ...]]] = {}
        for spec in REGISTRY.values():
            if spec.kind == "direction":
                assert spec.value is not None
                checks = tuple(
                    (order.index(k), -_INF if lo is None else lo, _INF if hi is None else hi)
                    for k, (lo, hi) in spec.ranges.items()
                )
                for gait in spec.gaits:
                    self.direction[gait] = (spec.value, checks)


_tables: _Tables | None = None
#: Tests switch this off to get the array path for scalars.
ENABLED = True


def _number(x: Any, lo: float, hi: float) -> float | None:
    """``x`` as a float if it is a plain int or float in [lo, hi], else None."""
    t = type(x)
    if t is float:
        return x if lo <= x <= hi else None
    if t is int and -_INT_LIMIT < x < _INT_LIMIT:
        f = float(x)
        return f if lo <= f <= hi else None
    return None


def estimate_scalar(
    speed: Any,
    mass: Any,
    duration: Any,
    distance: Any,
    grade: Any,
    gait: Any,
    direction: Any,
    model: Any,
    load: Any,
    terrain: Any,
    rest: Any,
    rmr_equation: Any,
    sex: Any,
    age: Any,
    height: Any,
    rer: Any,
    backward_factor: Any,
    policy: Any,
) -> EstimateResult | None:
    """One bout from plain numbers, or None when the array path must handle the call.

    Parameters are those of :func:`retrocalc.estimate`, positionally. None is returned for
    anything but Python ``int``/``float`` numbers in sane, finite, warning-free ranges, exact
    lower-case labels and no RMR equation; and when a range warning or error would be raised.
    """
    global _tables
    if not ENABLED:
        return None
    t = _tables or _Tables()
    _tables = t
    if rmr_equation is not None or sex is not None or age is not None or height is not None:
        return None
    if policy not in ("warn", "flag", "nan", "raise"):
        return None
    # numbers: plain, finite, possible and free of unit warnings
    v: Any
    m: Any
    g: Any
    load_kg: Any
    eta: Any
    rest_vo2: Any
    override: Any
    v = speed if type(speed) is float and 0.0 <= speed <= _SPEED_MAX else _number(speed, 0.0, 12.0)
    m = mass if type(mass) is float and _MASS_MIN <= mass <= _BIG else _number(mass, 20.0, _BIG)
    if v is None or m is None:
        return None
    if grade is None:
        g = 0.0
    else:
        g = grade if type(grade) is float and -1.0 <= grade <= 1.0 else _number(grade, -1.0, 1.0)
        if g is None:
            return None
    load_kg = 0.0
    if load is not None:
        load_kg = _number(load, 0.0, _BIG)
        if load_kg is None:
            return None
    eta = 1.0
    if terrain is not None:
        eta = _number(terrain, 1e-300, _BIG)
        if eta is None:
            return None
    if duration is not None:
        if distance is not None:
            return None
        d = _number(duration, 0.0, _BIG)
        if d is None:
            return None
    elif distance is not None:
        dist = _number(distance, 0.0, _BIG)
        if dist is None or not v > 0.0:
            return None
        d = dist / v
    else:
        d = _NAN
    kcal_per_l = KCAL_PER_LITRE_O2
    if rer is not None:
        r = _number(rer, 1e-300, _BIG)
        if r is None:
            return None
        kcal_per_l = 3.941 + 1.106 * r
    rest_vo2 = RESTING_VO2_ML_KG_MIN
    if rest is not None:
        rest_vo2 = _number(rest, 1e-300, _BIG)
        if rest_vo2 is None:
            return None

    # labels: exact spellings only (the array path normalises the others)
    if direction is None:
        backward = False
    elif type(direction) is str and direction in _DIRECTIONS:
        backward = direction == "backward"
    else:
        return None
    entry = None
    if model is not None:
        if type(model) is not str:
            return None
        entry = t.models.get(model)
        if entry is None:
            return None
    if gait is None:
        gait_name = "auto"
    elif type(gait) is str and gait in _GAITS:
        gait_name = gait
    else:
        return None
    if gait_name == "auto":
        if entry is not None and entry[2]:
            gait_name = entry[2]
        else:
            threshold = t.threshold["backward" if backward else "forward"]
            gait_name = "run" if v >= threshold else "walk"
    if entry is None:
        if gait_name == "run":
            name = t.default["run_downhill" if g < 0.0 else "run"]
        else:
            name = t.default["walk_loaded" if (load_kg != 0.0 or eta != 1.0) else "walk"]
        entry = t.models[name]
    else:
        name = model
        if gait_name not in entry[3]:
            return None  # the array path raises
    function, output, _, _, checks = entry

    # forward gross power per kg, as core._to_gross_w_kg
    w_per_vo2 = kcal_per_l * KCAL_TO_KJ / 60.0
    rest_w_kg = rest_vo2 * w_per_vo2
    native = function(v, g, m, load_kg, eta)
    if output == "vo2_gross_ml_kg_min":
        gross_fwd = native * w_per_vo2
    elif output == "power_gross_w_kg":
        gross_fwd = native
    elif output == "power_gross_w":
        gross_fwd = native / m
    else:  # cost_net_j_kg_m
        gross_fwd = native * v + rest_w_kg
    values = (v, g, m, load_kg, eta)
    out_of_range = False
    for i, lo, hi in checks:
        x = values[i]
        if x < lo or x > hi:
            out_of_range = True
            break

    factor = 1.0
    if backward_factor is not None:
        # a mapping, an array or an odd number: the array path converts and checks it
        override = _number(backward_factor, -_INF, _INF)
        if override is None:
            return None
    if backward:
        factor, dir_checks = t.direction[gait_name]
        if backward_factor is not None:
            if not 0.0 < override <= _BIG:
                return None  # the array path raises (or could overflow)
            factor = override
        if not out_of_range:
            for i, lo, hi in dir_checks:
                x = values[i]
                if x < lo or x > hi:
                    out_of_range = True
                    break
    if out_of_range and policy in ("warn", "raise"):
        return None  # the array path words the warning or error

    net = (gross_fwd - rest_w_kg) * factor
    gross = net + rest_w_kg
    in_range = not out_of_range and math.isfinite(gross)
    if out_of_range and policy == "nan":
        gross = net = _NAN
    power_gross = gross * m
    power_net = net * m
    e_gross_kj = power_gross * d / 1000.0
    e_net_kj = power_net * d / 1000.0
    vo2_gross = gross / w_per_vo2
    # the frozen dataclass's __init__ costs ~2 us (object.__setattr__ per field): fill the
    # instance dict directly, as that __init__ would
    result = t.result.__new__(t.result)
    result.__dict__.update(
        vo2_gross_ml_kg_min=vo2_gross,
        vo2_net_ml_kg_min=net / w_per_vo2,
        met=vo2_gross / rest_vo2,
        power_gross_w=power_gross,
        power_net_w=power_net,
        energy_gross_kcal=e_gross_kj / KCAL_TO_KJ,
        energy_net_kcal=e_net_kj / KCAL_TO_KJ,
        energy_gross_kj=e_gross_kj,
        energy_net_kj=e_net_kj,
        cost_of_transport_j_kg_m=net / v if v > 0.0 else _NAN,
        in_range=in_range,
        gait_used=gait_name,
        model_used=name,
    )
    return result
