"""The physics: oxygen to energy, rest, the direction factor, and every output quantity.

Written with plain operators (and :mod:`retrocalc._fa` helpers), so each function serves a row
of Python floats and a block of ndarray rows alike.

Composition of a row:

1. the base model gives its native output, converted to gross W/kg
   (:meth:`ModelSpec.to_gross_w_kg`);
2. backward: the **net** (above-rest) part times the direction factor,
   ``net = (gross_forward - rest) * factor``, ``gross = net + rest``;
3. every output from gross and net power per kg (:func:`derive`).
"""

from __future__ import annotations

import math
from typing import Any

from .. import energy
from .._fa import where
from ..units import KCAL_TO_KJ

__all__ = ["derive", "duration", "kcal_per_litre", "rmr_vo2", "w_kg_per_vo2"]


def duration(duration_s: Any, distance_m: Any, speed: Any) -> Any:
    """The bout's duration [s]: given, or distance over speed; NaN without either."""
    if duration_s is not None:
        return duration_s
    if distance_m is not None:
        return distance_m / speed
    return math.nan


def kcal_per_litre(rer: Any) -> Any:
    """Energy equivalent of O2 [kcal/l]: 5.0 (ACSM), or Weir's with a given RER."""
    if rer is None:
        return energy.KCAL_PER_LITRE_O2
    return 3.941 + 1.106 * rer  # energy.weir_kcal_per_litre, without its array conversion


def w_kg_per_vo2(kcal_l: Any) -> Any:
    """W/kg per ml/kg/min of O2 at ``kcal_l`` kcal per litre (1 kcal/l = 4.184 J/ml)."""
    return kcal_l * KCAL_TO_KJ / 60.0


def rmr_vo2(equation: str, mass: Any, height: Any, age: Any, male: Any, kcal_l: Any) -> Any:
    """Resting VO2 [ml/kg/min] from an RMR equation on coded sex (1 male, 0 female, -1 NaN)."""
    rmr = energy.RMR_EQUATIONS[equation](mass, height, age, male)
    return energy.rmr_to_vo2(rmr, mass, kcal_l)


def derive(
    gross: Any,
    net: Any,
    mass: Any,
    duration: Any,
    speed: Any,
    w_per_vo2: Any,
    rest_vo2: Any,
) -> dict[str, Any]:
    """Every numeric output from gross and net metabolic power per kg [W/kg].

    Parameters
    ----------
    gross, net : float or ndarray [W/kg]
        Gross and net metabolic power per kg body mass.
    mass : float or ndarray [kg]
    duration : float or ndarray [s]
        NaN without one: energies are NaN.
    speed : float or ndarray [m/s]
        The cost of transport is NaN at zero speed.
    w_per_vo2 : float or ndarray
        W/kg per ml/kg/min of O2.
    rest_vo2 : float or ndarray [ml/kg/min]

    Returns
    -------
    dict
        Output name (:data:`retrocalc.nomenclature.OUTPUTS`) to value; ``gross`` and ``net``
        themselves are not kept.
    """
    power_gross = gross * mass
    power_net = net * mass
    gross_kj = power_gross * duration / 1000.0
    net_kj = power_net * duration / 1000.0
    if type(speed) is float:
        cot: Any = net / speed if speed > 0.0 else math.nan
    elif speed.min() > 0.0:
        cot = net / speed
    else:  # NaN or zero speeds: no cost per metre
        positive = speed > 0
        cot = where(positive, net / where(positive, speed, 1.0), math.nan)
    vo2_gross = gross / w_per_vo2
    return {
        "vo2_gross_ml_kg_min": vo2_gross,
        "vo2_net_ml_kg_min": net / w_per_vo2,
        "met": vo2_gross / rest_vo2,
        "power_gross_w": power_gross,
        "power_net_w": power_net,
        "energy_gross_kcal": gross_kj / KCAL_TO_KJ,
        "energy_net_kcal": net_kj / KCAL_TO_KJ,
        "energy_gross_kj": gross_kj,
        "energy_net_kj": net_kj,
        "cost_of_transport_j_kg_m": cot,
    }
