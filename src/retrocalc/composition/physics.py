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

import numpy as np

from .. import energy
from .._fa import where
from ..units import KCAL_TO_KJ

_NO_OUT: dict[str, Any] = {}

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


def _mul(a: Any, b: Any, out: Any) -> Any:
    return a * b if out is None else np.multiply(a, b, out=out)


def _div(a: Any, b: Any, out: Any) -> Any:
    return a / b if out is None else np.divide(a, b, out=out)


def derive(
    gross: Any,
    net: Any,
    mass: Any,
    duration: Any,
    speed: Any,
    w_per_vo2: Any,
    rest_vo2: Any,
    out: dict[str, Any] | None = None,
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
    out : dict of str to ndarray, optional
        A block's slices of the output arrays: each output is written there, without a
        temporary (the array engine); None for a row of floats.

    Returns
    -------
    dict
        Output name (:data:`retrocalc.nomenclature.OUTPUTS`) to value.
    """
    o = out if out is not None else _NO_OUT
    power_gross = _mul(gross, mass, o.get("power_gross_w"))
    power_net = _mul(net, mass, o.get("power_net_w"))
    gross_kj = _mul(power_gross, duration, o.get("energy_gross_kj"))
    gross_kj = _div(gross_kj, 1000.0, o.get("energy_gross_kj"))
    net_kj = _mul(power_net, duration, o.get("energy_net_kj"))
    net_kj = _div(net_kj, 1000.0, o.get("energy_net_kj"))
    if type(speed) is float:
        cot: Any = net / speed if speed > 0.0 else math.nan
    elif speed.min() > 0.0:
        cot = _div(net, speed, o.get("cost_of_transport_j_kg_m"))
    else:  # NaN or zero speeds: no cost per metre
        positive = speed > 0
        cot = where(positive, net / where(positive, speed, 1.0), math.nan)
    vo2_gross = _div(gross, w_per_vo2, o.get("vo2_gross_ml_kg_min"))
    return {
        "vo2_gross_ml_kg_min": vo2_gross,
        "vo2_net_ml_kg_min": _div(net, w_per_vo2, o.get("vo2_net_ml_kg_min")),
        "met": _div(vo2_gross, rest_vo2, o.get("met")),
        "power_gross_w": power_gross,
        "power_net_w": power_net,
        "energy_gross_kcal": _div(gross_kj, KCAL_TO_KJ, o.get("energy_gross_kcal")),
        "energy_net_kcal": _div(net_kj, KCAL_TO_KJ, o.get("energy_net_kcal")),
        "energy_gross_kj": gross_kj,
        "energy_net_kj": net_kj,
        "cost_of_transport_j_kg_m": cot,
    }
