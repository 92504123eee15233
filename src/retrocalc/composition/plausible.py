"""Plausibility, stated once: which values of an input look like another unit.

:data:`UNIT_LIMITS` holds one rule per input (per gait where that matters); the API warns
about a value past a rule (:class:`~retrocalc.exceptions.UnitWarning`), the batch gives the
row the status ``out_of_range`` with the rule's reason (:mod:`.validate` words both).
:data:`PLAIN_SPANS` is, per input, the range where a value is neither impossible nor
suspect: the plain-float front takes a bout whose every number lies inside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..nomenclature import INPUTS

__all__ = ["PLAIN_SPANS", "UNIT_LIMITS", "Plausible"]


@dataclass(frozen=True)
class Plausible:
    """Values of one input that look like another unit (a plausibility rule).

    A value below ``low`` or above ``high`` is not impossible, but far more likely a unit
    mistake than a real bout: the API warns (:class:`~retrocalc.exceptions.UnitWarning`),
    the batch gives the row the status ``out_of_range`` with :meth:`reason`.

    Attributes
    ----------
    name : str
        Canonical input.
    low, high : float or None
        Plausible range, in the input's unit (None: no bound on that side).
    low_hint, high_hint : str
        What a value beyond each bound looks like ("looks like km/h").
    advice : str
        How to convert (the API's warning adds it).
    why : str
        Where the limit comes from (documented in the batch guide).
    gait : str or None
        Only rows of this gait (after ``auto`` is resolved); None: every row.
    warns : bool
        False: a per-row reason for the batch only, no UnitWarning in the API (there the
        models' validity ranges already flag such rows with a RangeWarning).
    """

    name: str
    low: float | None
    high: float | None
    low_hint: str
    high_hint: str
    advice: str
    why: str
    gait: str | None = None
    warns: bool = True

    def hint(self, side: str) -> str:
        """What a value beyond the ``"low"`` or ``"high"`` bound looks like."""
        return self.low_hint if side == "low" else self.high_hint

    def reason(self, side: str) -> str:
        """The batch's per-row reason, e.g. ``speed_m_s > 10.5 m/s looks like km/h``."""
        unit = INPUTS[self.name].unit
        unit = "" if unit in ("", "1") else f" {unit}"
        who = f" for gait {self.gait}" if self.gait else ""
        if side == "low":
            return f"{self.name} < {self.low:g}{unit}{who} {self.low_hint}"
        return f"{self.name} > {self.high:g}{unit}{who} {self.high_hint}"


#: One plausibility rule per input (per gait where that matters). The limits are wide on
#: purpose: a value past them is a unit mistake far more often than a real bout.
UNIT_LIMITS: tuple[Plausible, ...] = (
    Plausible(
        "speed_m_s",
        None,
        10.5,
        "",
        "looks like km/h",
        "convert with retrocalc.units.kmh_to_m_s (or give it as speed_kmh: a keyword or a column)",
        "faster than the 100 m world record's mean speed (100 m in 9.58 s = 10.4 m/s)",
    ),
    Plausible(
        "speed_m_s",
        None,
        3.0,
        "",
        "looks like km/h",
        "convert with retrocalc.units.kmh_to_m_s (or give it as speed_kmh: a keyword or a column)",
        "walking, 50 % above the walk-run transition (about 2 m/s); only race walkers "
        "go faster (check such rows)",
        gait="walk",
        warns=False,  # the API's walking models flag it through their ranges
    ),
    Plausible(
        "grade",
        -0.6,
        0.6,
        "looks like percent",
        "looks like percent",
        "grade is a fraction (0.05 = 5 %), see retrocalc.units.percent_to_grade",
        "steeper than 31 degrees: beyond the steepest grades measured for walking and "
        "running (+-0.45) and than any road; 1 % typed as 1 is 45 degrees",
    ),
    Plausible(
        "mass_kg",
        20.0,
        400.0,
        "is an implausible body mass in kg",
        "is an implausible body mass in kg (looks like lb or g)",
        "convert with retrocalc.units.lb_to_kg (or give it as mass_lb: a keyword or a column)",
        "an adult body mass: the models were fitted on adults (about 45-120 kg); 20 kg is a "
        "young child, 400 kg beyond all but a few recorded people (a heavy person in lb)",
    ),
    Plausible(
        "duration_s",
        None,
        86400.0,
        "",
        "looks like milliseconds",
        "duration_s is in seconds (duration_min, duration_h columns convert)",
        "a bout longer than a day: one row of a workout file is a lap or a sample",
        warns=False,  # the API takes long bouts (a duration from a distance at a crawl)
    ),
    Plausible(
        "distance_m",
        None,
        1e6,
        "",
        "looks like millimetres or distance in m given as km",
        "distance_m is in metres (distance_km, distance_mi columns convert)",
        "a bout longer than 1000 km: longer than any single-stage race",
    ),
    Plausible(
        "load_kg",
        None,
        200.0,
        "",
        "looks like g or lb",
        "load_kg is in kg (load_lb converts)",
        "heavier than any carried load studied (Pandolf 1977: up to about 70 kg)",
    ),
    Plausible(
        "height_cm",
        50.0,
        260.0,
        "looks like metres or feet",
        "looks like millimetres",
        "height_cm is in cm (height_in converts)",
        "the range of adult stature",
    ),
    Plausible(
        "age_years",
        None,
        120.0,
        "",
        "looks like months",
        "age_years is in years",
        "older than any recorded human",
    ),
    Plausible(
        "resting_vo2_ml_kg_min",
        None,
        20.0,
        "",
        "looks like ml/min (not per kg)",
        "resting_vo2_ml_kg_min is per kg of body mass (about 3.5)",
        "resting VO2 is about 2.5-5 ml/kg/min; 20 is already a brisk walk",
    ),
    Plausible(
        "rer",
        0.6,
        1.5,
        "is below any respiratory exchange ratio",
        "looks like percent",
        "rer is VCO2/VO2, a ratio (0.85, not 85)",
        "whole-body RER runs from about 0.7 (fat) to 1.0 (carbohydrate), up to about 1.2-1.3 "
        "with the hyperventilation of maximal exercise; 0.6 is below pure fat oxidation",
    ),
)

_GENERAL = {rule.name: rule for rule in UNIT_LIMITS if rule.gait is None}


# per input: the plain range, where a value is neither impossible nor a suspect unit
_PLAIN: dict[str, tuple[float, float, bool]] = {}
for _name, _var in INPUTS.items():
    if _var.dtype == "float":
        _low = -math.inf if _var.lower is None else _var.lower
        _PLAIN[_name] = (_low, math.inf, _var.lower_open)
for _rule in _GENERAL.values():
    _low, _high, _open = _PLAIN[_rule.name]
    if _rule.high is not None:
        _high = min(_high, _rule.high)
    if _rule.low is not None and _rule.low > _low:
        _low, _open = _rule.low, False
    _PLAIN[_rule.name] = (_low, _high, _open)


#: The plain ranges as one closed interval per input, ``low <= x <= high``: magnitudes above
#: 1e6 are left to the array engine, where numpy's overflow gives inf instead of Python's
#: OverflowError, and so are values of strictly positive inputs below 1e-6 (a resting VO2 of
#: 5e-324 divides MET into infinity; the array engine flags a result that is not finite, the
#: plain-float route has no such check).
PLAIN_SPANS: dict[str, tuple[float, float]] = {
    name: (
        max(1e-6, math.nextafter(low, math.inf)) if strict else max(low, -1e6),
        min(high, 1e6),
    )
    for name, (low, high, strict) in _PLAIN.items()
}
