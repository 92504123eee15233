"""Questions asked backwards: the speed for a target, and equivalent speeds.

:func:`speed_for` answers "how fast may I go for 600 kcal/h?" and :func:`equivalent_speed`
"what flat (or backward) speed costs the same as this one?" (grade-adjusted pace, backward
pace). Both sit on the public :func:`retrocalc.estimate`, so every model, direction factor,
resting rate and energy equivalent it supports is solved for the same way.

How the speed is found
----------------------
The target becomes a gross metabolic power per kg :math:`T` (using the resting rate and
energy equivalent of one reference estimate). Then, per row:

* **closed form** where the model has one: ACSM running and walking
  (:math:`S = (\\dot VO_2 - 3.5)/(0.2 + 0.9G)` m/min, resp. :math:`0.1 + 1.8G`), Minetti
  (:math:`v = \\text{net}/C(i)`), Léger & Mercier on a treadmill
  (:math:`v = (\\dot VO_2 - 2.209)/3.163` km/h), each applied to the forward cost that the
  direction factor leaves: :math:`\\text{forward gross} = R + (T - R)/f`;
* otherwise a **vectorised bracketed root**: the speed range is scanned on a grid of
  :data:`SCAN_POINTS` speeds (one estimate call per grid speed over all rows), the first
  sign change brackets the lowest speed reaching the target, and bisection (one call per
  step over all rows still open) narrows it to :data:`SPEED_TOL_M_S`. No per-row Python
  loop. Error bound: :math:`|v - v^*| \\le` :data:`SPEED_TOL_M_S` for the bracketed root;
  the closed forms are exact up to rounding.

The speed range searched is the model's validity range for speed (capped at
``max_speed_m_s``, default 10 m/s). Where no speed in it reaches the target the answer is
NaN, with a status and a reason (``full_output=True``) and a :class:`NoSolutionWarning`
naming the rows. With ``within_range=False`` the whole range 0 to ``max_speed_m_s`` is
searched and answers outside the model's validity are flagged instead.

Equivalence
-----------
Two speeds are equivalent when they cost the same **metabolic power** (the same gross rate,
hence the same net rate: rest is the same on both sides). Grade-adjusted pace is the level
forward speed equivalent to a graded one; backward-equivalent pace the backward speed
equivalent to a forward one. Strava's GAP (since 2017) is instead the level pace at the same
**heart rate**, fitted on its users' runs; see ``docs/guide/inverse.md`` for how the two
differ.

References
----------
.. [1] Minetti A.E. et al. (2002). J Appl Physiol 93(3):1039-1046.
   :doi:`10.1152/japplphysiol.01177.2001`
.. [2] Bushman B.A. (2020). ACSM's Health & Fitness Journal 24(4):5-8.
   :doi:`10.1249/FIT.0000000000000577`
.. [3] Léger L., Mercier D. (1984). Sports Med 1(4):270-277.
   :doi:`10.2165/00007256-198401040-00003`
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

import numpy as np

from .._wrap import Locator, label_codes, pack, unpack
from ..composition.validate import check, stacklevel, unit_findings
from ..core import estimate
from ..exceptions import RetrocalcWarning, UnitWarning
from ..nomenclature import counted
from .bracket import SCAN_POINTS, SPEED_TOL_M_S, _bracketed_root, _speed_bounds
from .closed import _CLOSED, _closed_form
from .closed import c_r_level as c_r_level
from .status import (
    _ABOVE,
    _BELOW,
    _INVALID,
    _NO_ROOT,
    _OK,
    _OUT,
    _STATUS,
    _ranges_left,
    _reasons,
    _said_where,
)
from .target import _factors, _gross_w_kg

if TYPE_CHECKING:
    from numpy.typing import NDArray

    FloatArray = NDArray[np.float64]

__all__ = [
    "QUANTITIES",
    "SCAN_POINTS",
    "SPEED_TOL_M_S",
    "TARGET_RULE",
    "InverseResult",
    "NoSolutionWarning",
    "equivalent_speed",
    "speed_for",
]

#: Targets :func:`speed_for` accepts, with their unit.
QUANTITIES: Mapping[str, str] = {
    "power_gross_w": "W",
    "power_net_w": "W",
    "kcal_per_h": "kcal/h (gross)",
    "net_kcal_per_h": "kcal/h (net)",
    "met": "MET",
    "vo2_gross_ml_kg_min": "ml/kg/min",
    "energy_gross_kcal": "kcal over duration_s",
    "energy_net_kcal": "kcal over duration_s",
    "energy_gross_kj": "kJ over duration_s",
    "energy_net_kj": "kJ over duration_s",
}
#: What a target must be, as ``(op, bound, what)``: a negative one is a mistake (a sign, a
#: column of differences), not a question "below range" could answer.
TARGET_RULE: tuple[str, float, str] = (
    ">=",
    0.0,
    "a power, rate, MET, VO2 or energy is not negative",
)
_PASSED: tuple[str, ...] = ("load_kg", "terrain_factor", "resting_vo2_ml_kg_min", "rmr_equation")
_PASSED += ("sex", "age_years", "height_cm", "rer")  # (the keywords estimate() takes too)


@dataclass(frozen=True)
class _Computed:
    """A target :func:`equivalent_speed` computed, not a caller's: a model extrapolated
    downhill can give a negative power, which is no caller's mistake to refuse."""

    value: Any


class NoSolutionWarning(RetrocalcWarning):
    """No speed in the model's range reaches the target for some rows (they are NaN)."""


@dataclass(frozen=True, repr=False)
class InverseResult:
    """A solved speed with how it was found, in the kind of the inputs.

    Attributes
    ----------
    speed_m_s : [m/s]
        The speed; NaN where there is none.
    status : str
        ``"ok"``; ``"out_of_range"`` (found outside the model's validity, only with
        ``within_range=False``); ``"below_range"``/``"above_range"`` (the target is below the
        cost at the slowest, or above it at the fastest, speed searched); ``"invalid"``
        (missing or impossible input); ``"no_root"`` (the cost does not rise with speed).
    reason : str
        Empty where ``ok``, else the reason in words.
    model_used : str
        Base model solved.
    in_range : bool
        True where the speed lies in the validity ranges of the estimate at that speed.
    """

    speed_m_s: Any
    status: Any
    reason: Any
    model_used: Any
    in_range: Any

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def __repr__(self) -> str:
        return "InverseResult(" + ", ".join(f"{k}={v!r}" for k, v in self.to_dict().items()) + ")"


def speed_for(
    target: Any,
    *,
    quantity: str = "power_gross_w",
    mass_kg: Any,
    grade: Any = 0.0,
    gait: Any = "run",
    direction: Any = "forward",
    model: Any = None,
    duration_s: Any = None,
    backward_factor: Any = None,
    within_range: bool = True,
    max_speed_m_s: float = 10.0,
    full_output: bool = False,
    **options: Any,
) -> Any:
    """The speed at which a person reaches a target power, rate, MET or energy.

    Parameters
    ----------
    target : float, array_like or Series
        Target value in the unit of ``quantity``.
    quantity : str, default "power_gross_w"
        One of :data:`QUANTITIES`: ``power_gross_w``, ``power_net_w`` [W]; ``kcal_per_h``
        (gross), ``net_kcal_per_h`` [kcal/h]; ``met``; ``vo2_gross_ml_kg_min``;
        ``energy_{gross,net}_{kcal,kj}`` over ``duration_s``.
    mass_kg : float, array_like or Series [kg]
        Body mass.
    grade : float, array_like or Series [1], default 0
    gait : {"walk", "run"} or array_like of them, default "run"
        ``"auto"`` is not accepted: the gait would depend on the answer.
    direction : {"forward", "backward"} or array_like of them, default "forward"
    model : str or array_like of str, optional
        Registered base model; default as :func:`retrocalc.estimate` chooses.
    duration_s : float, array_like or Series [s], optional
        Needed for energy targets.
    backward_factor : float, array_like or mapping, optional
        As for :func:`retrocalc.estimate`.
    within_range : bool, default True
        Search only the model's valid speeds (NaN with a reason where none reaches the
        target); False searches 0 to ``max_speed_m_s`` and flags answers outside validity.
    max_speed_m_s : float [m/s], default 10
        Upper end of the search for models without an upper speed bound.
    full_output : bool, default False
        Return an :class:`InverseResult` (speed, status, reason, model, in_range).
    **options
        Further keywords of :func:`retrocalc.estimate` (load_kg, terrain_factor,
        resting_vo2_ml_kg_min, rmr_equation, sex, age_years, height_cm, rer).

    Returns
    -------
    float, ndarray, Series or InverseResult
        Speed [m/s] in the kind of the inputs, rounded to 1e-9 m/s (the bisection's
        tolerance; closed forms too, so a round trip gives back the speed it started from).

    Raises
    ------
    ValueError
        A negative ``target`` (:data:`TARGET_RULE`), naming its position; NaN is a missing
        target, answered ``"invalid"``.

    Warns
    -----
    NoSolutionWarning
        When some rows have no answer (unless ``full_output``), naming the first.

    Examples
    --------
    ACSM running on the level: 600 kcal/h for a 70 kg runner.

    >>> round(speed_for(600, quantity="kcal_per_h", mass_kg=70), 3)
    2.089
    """
    user_target = not isinstance(target, _Computed)
    if not user_target:
        target = target.value
    if quantity not in QUANTITIES:
        raise ValueError(f"quantity must be one of {', '.join(QUANTITIES)}; got {quantity!r}")
    unknown = set(options) - set(_PASSED)
    if unknown:
        raise TypeError(f"speed_for() got unexpected keyword(s): {', '.join(sorted(unknown))}")
    if quantity.startswith("energy_") and duration_s is None:
        raise TypeError(f"quantity={quantity!r} needs duration_s (the bout's duration)")
    if not max_speed_m_s > 0:
        raise ValueError(f"max_speed_m_s must be > 0, got {max_speed_m_s}")
    numeric = {"target": target, "mass_kg": mass_kg, "grade": grade}
    if duration_s is not None:
        numeric["duration_s"] = duration_s
    for name in (
        "load_kg",
        "terrain_factor",
        "resting_vo2_ml_kg_min",
        "age_years",
        "height_cm",
        "rer",
    ):
        if options.get(name) is not None:
            numeric[name] = options[name]
    factor_map = backward_factor if isinstance(backward_factor, Mapping) else None
    if backward_factor is not None and factor_map is None:
        numeric["backward_factor"] = backward_factor
    labels = {"gait": gait, "direction": direction}
    if model is not None:
        labels["model"] = model
    if options.get("sex") is not None:
        labels["sex"] = options["sex"]
    packed = pack(numeric, labels)
    shape = packed.shape
    n = int(np.prod(shape))
    where = Locator(shape, packed.index)
    flat = {k: np.broadcast_to(v, shape).reshape(-1) for k, v in packed.arrays.items()}
    if user_target:
        check(where, "target", flat["target"].astype(np.float64), rule=TARGET_RULE)
    if "duration_s" in flat:  # (not passed to estimate(), whose rules would say it)
        check(where, "duration_s", flat["duration_s"].astype(np.float64))
    gait_code = label_codes(where, "gait", packed.arrays["gait"], {"walk": 0, "run": 1}, shape)
    if np.any(gait_code < 0):
        raise ValueError(
            "gait must be 'walk' or 'run' for every row (missing at "
            f"{where(int(np.flatnonzero(gait_code < 0)[0]))})"
        )
    gait_names = np.array(["walk", "run"], dtype=object)[gait_code]
    flat["gait"] = gait_names
    # the search below silences the unit checks (it tries speeds itself); the caller's own
    # inputs are checked here: a body mass of 700 (lb?) or a grade of 5 (percent?) is said
    # (an equivalent_speed's inputs are checked by its first estimate)
    for text in unit_findings({k: v for k, v in flat.items() if v.dtype.kind == "f"}, where):
        warnings.warn(text, UnitWarning, stacklevel=stacklevel())

    base_kw: dict[str, Any] = {
        k: flat[k] for k in flat if k not in ("target", "duration_s", "backward_factor")
    }
    if factor_map is not None:
        base_kw["backward_factor"] = factor_map
    elif "backward_factor" in flat:
        base_kw["backward_factor"] = flat["backward_factor"]
    if options.get("rmr_equation") is not None:
        base_kw["rmr_equation"] = options["rmr_equation"]
    mass = flat["mass_kg"].astype(np.float64)

    def power_w_kg(speed: FloatArray, rows: Any = slice(None)) -> tuple[FloatArray, Any]:
        kw = {k: (v[rows] if isinstance(v, np.ndarray) else v) for k, v in base_kw.items()}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnitWarning)
            r = estimate(speed_m_s=speed, out_of_range="flag", **kw)
        return np.asarray(r.power_gross_w) / mass[rows], r

    # reference estimate: rest, energy equivalent and model per row (none depends on speed)
    try:
        _, ref = power_w_kg(np.ones(n))
    except ValueError as exc:  # a model unknown or for the other gait: where the caller put it
        raise ValueError(_said_where(str(exc), where)) from None
    vo2_gross = np.asarray(ref.vo2_gross_ml_kg_min, dtype=np.float64)
    w_per_vo2 = np.asarray(ref.power_gross_w, dtype=np.float64) / mass / vo2_gross
    rest = (vo2_gross - np.asarray(ref.vo2_net_ml_kg_min, dtype=np.float64)) * w_per_vo2
    models = np.asarray(ref.model_used, dtype=object).reshape(-1)
    factor = _factors(flat, gait_code, backward_factor, factor_map, n)

    goal = _gross_w_kg(
        quantity, flat["target"].astype(np.float64), mass, rest, w_per_vo2, flat.get("duration_s")
    )
    lo, hi = _speed_bounds(models, within_range, max_speed_m_s)

    speed = np.full(n, np.nan)
    status = np.full(n, _INVALID, dtype=np.int64)
    valid = np.isfinite(goal) & np.isfinite(rest) & (models != "")
    grade_a = flat["grade"].astype(np.float64)
    for name in np.unique(models[valid]):
        rows = np.flatnonzero(valid & (models == name))
        if name in _CLOSED:
            v = _closed_form(
                str(name), goal[rows], rest[rows], w_per_vo2[rows], factor[rows], grade_a[rows]
            )
            speed[rows] = v
            status[rows] = _OK
    open_rows = np.flatnonzero(valid & ~np.isin(models, list(_CLOSED)))
    if open_rows.size:
        v, st = _bracketed_root(power_w_kg, goal, lo, hi, open_rows)
        speed[open_rows] = v
        status[open_rows] = st
    # closed forms: no root where cost does not rise with speed; range limits as for roots
    closed_rows = valid & np.isin(models, list(_CLOSED))
    if np.any(closed_rows):
        idx = np.flatnonzero(closed_rows)
        v = speed[idx]
        st = np.where(~np.isfinite(v), _NO_ROOT, _OK)
        st = np.where(np.isfinite(v) & (v < lo[idx]), _BELOW, st)
        st = np.where(np.isfinite(v) & (v > hi[idx]), _ABOVE, st)
        speed[idx] = np.where(st == _OK, v, np.nan)
        status[idx] = st
    # to the bisection's tolerance, 1e-9 m/s, for closed forms too: no false digits (a round
    # trip of 3 m/s gave 2.999999999999999, a bisection 1.2000000000558797)
    np.round(speed, 9, out=speed)
    in_range = np.zeros(n, dtype=bool)
    found = np.isfinite(speed)
    left: NDArray[Any] | None = None
    rows = np.flatnonzero(found)
    if rows.size:
        inside, left = _ranges_left(base_kw, speed[rows], rows)
        in_range[rows] = inside
        status[rows] = np.where(inside, _OK, _OUT)
    reasons = _reasons(status, models, lo, hi, quantity)
    if left is not None:  # the range each flagged speed leaves, as estimate() says it
        said = left != ""
        reasons[rows[said]] = left[said] + " (computed and flagged)"
    bad = np.flatnonzero(~found)
    if bad.size and not full_output:
        warnings.warn(
            f"no speed reaches the target for {bad.size} of {counted(n, 'row')} (NaN), first at "
            f"{where(int(bad[0]))}: {reasons[bad[0]]}",
            NoSolutionWarning,
            stacklevel=stacklevel(),
        )
    out_speed = unpack(speed.reshape(shape), packed.kind, packed.index, "speed_m_s")
    if not full_output:
        return out_speed
    return InverseResult(
        speed_m_s=out_speed,
        status=unpack(
            np.array(_STATUS, dtype=object)[status].reshape(shape),
            packed.kind,
            packed.index,
            "status",
        ),
        reason=unpack(reasons.reshape(shape), packed.kind, packed.index, "reason"),
        model_used=unpack(models.reshape(shape), packed.kind, packed.index, "model_used"),
        in_range=unpack(in_range.reshape(shape), packed.kind, packed.index, "in_range"),
    )


def equivalent_speed(
    speed_m_s: Any,
    *,
    grade: Any = 0.0,
    direction: Any = "forward",
    gait: Any = "run",
    to_grade: Any = 0.0,
    to_direction: Any = "forward",
    to_gait: Any = None,
    mass_kg: Any = 70.0,
    model: Any = None,
    to_model: Any = None,
    within_range: bool = True,
    full_output: bool = False,
    **options: Any,
) -> Any:
    """The speed with the same metabolic power under other conditions.

    Grade-adjusted pace is ``equivalent_speed(v, grade=g)`` (to level, forward);
    backward-equivalent pace is ``equivalent_speed(v, to_direction="backward")``; the
    reverse questions swap the ``to_`` arguments.

    Parameters
    ----------
    speed_m_s : float, array_like or Series [m/s]
        Speed under the given conditions.
    grade, direction, gait, model
        The given conditions (``gait`` "walk" or "run").
    to_grade, to_direction, to_gait, to_model
        The conditions of the answer; ``to_gait`` defaults to ``gait`` and ``to_model`` to
        ``model`` (a GAP with ``model="minetti2002_running"`` is Minetti's on both sides).
    mass_kg : float, array_like or Series [kg], default 70
        Body mass; it cancels for every model but Pandolf's with a load.
    within_range : bool, default True
        As in :func:`speed_for`.
    full_output : bool, default False
        Return an :class:`InverseResult`.
    **options
        Further keywords of :func:`retrocalc.estimate`, used on both sides.

    Returns
    -------
    float, ndarray, Series or InverseResult
        Equivalent speed [m/s], to 1e-9 m/s (as :func:`speed_for`).

    Examples
    --------
    Minetti's running cost: the level speed equivalent to 3 m/s up 10 % is
    3 x C(0.10) / C(0) = 3 x 5.968 / 3.6.

    >>> round(equivalent_speed(3.0, grade=0.10, model="minetti2002_running",
    ...                        to_model="minetti2002_running"), 3)
    4.974
    """
    power = estimate(
        speed_m_s=speed_m_s,
        mass_kg=mass_kg,
        grade=grade,
        gait=gait,
        direction=direction,
        model=model,
        out_of_range="flag",
        **options,
    ).power_gross_w
    return speed_for(
        _Computed(power),
        quantity="power_gross_w",
        mass_kg=mass_kg,
        grade=to_grade,
        gait=gait if to_gait is None else to_gait,
        direction=to_direction,
        model=model if to_model is None else to_model,
        within_range=within_range,
        full_output=full_output,
        **options,
    )
