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
from ..nomenclature import OUTPUTS
from ..units import KCAL_TO_KJ

__all__ = [
    "DERIVATION",
    "derive",
    "derive_row",
    "duration",
    "kcal_per_litre",
    "rmr_vo2",
    "w_kg_per_vo2",
]


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
    return energy.weir(rer)


def w_kg_per_vo2(kcal_l: Any) -> Any:
    """W/kg per ml/kg/min of O2 at ``kcal_l`` kcal per litre (1 kcal/l = 4.184 J/ml)."""
    return kcal_l * KCAL_TO_KJ / 60.0


def rmr_vo2(equation: str, mass: Any, height: Any, age: Any, male: Any, kcal_l: Any) -> Any:
    """Resting VO2 [ml/kg/min] from an RMR equation on coded sex (1 male, 0 female, -1 NaN)."""
    rmr = energy.RMR_EQUATIONS[equation](mass, height, age, male)
    return energy.rmr_to_vo2(rmr, mass, kcal_l)


#: Every numeric output but the cost of transport, as one IEEE operation per line:
#: (output, left, operator, right). Operands are the arguments of :func:`derive`, outputs of
#: earlier lines or numbers. A new output is one line here (and its name in the nomenclature).
DERIVATION: tuple[tuple[str, str, str, str], ...] = (
    ("power_gross_w", "gross", "*", "mass"),
    ("power_net_w", "net", "*", "mass"),
    ("energy_gross_kj", "power_gross_w", "*", "duration"),
    ("energy_gross_kj", "energy_gross_kj", "/", "1000.0"),
    ("energy_net_kj", "power_net_w", "*", "duration"),
    ("energy_net_kj", "energy_net_kj", "/", "1000.0"),
    ("vo2_gross_ml_kg_min", "gross", "/", "w_per_vo2"),
    ("vo2_net_ml_kg_min", "net", "/", "w_per_vo2"),
    ("met", "vo2_gross_ml_kg_min", "/", "rest_vo2"),
    ("energy_gross_kcal", "energy_gross_kj", "/", f"{KCAL_TO_KJ!r}"),
    ("energy_net_kcal", "energy_net_kj", "/", f"{KCAL_TO_KJ!r}"),
)
_ARGS = "gross, net, mass, duration, speed, w_per_vo2, rest_vo2"
#: Outputs whose smallest and largest values a block's :func:`derive` reports (NaN ignored),
#: taken right after each is written, while it is in the cache: the overflow check of a
#: block (:func:`.blocks._not_finite`) reads them, and would read the outputs from memory.
SPANNED = ("power_gross_w", "power_net_w")
_UFUNC = {"*": "multiply", "/": "divide"}


def _compile(block: bool) -> Any:
    """:data:`DERIVATION` as one function: plain operators for a row of floats (no call per
    operation), with the cost of transport; ufuncs writing into the output slices for a
    ``block`` (no temporaries)."""
    # the nomenclature's order; the cost of transport is filled in by derive()
    names = [n for n, v in OUTPUTS.items() if v.dtype == "float"]
    lines = [f"def derive({_ARGS}{', out, spans' if block else ''}):"]
    for name, left, op, right in DERIVATION:
        if block:
            lines.append(f"    {name} = np.{_UFUNC[op]}({left}, {right}, out=out[{name!r}])")
            if name in SPANNED:
                lines.append(
                    f"    spans[{name!r}] = (np.fmin.reduce({name}), np.fmax.reduce({name}))"
                )
        else:
            lines.append(f"    {name} = {left} {op} {right}")
    if block:  # filled in by derive(), which guards a zero speed over the arrays
        lines.append("    cost_of_transport_j_kg_m = None")
    else:  # one row of floats: no cost per metre at a zero speed
        lines.append("    cost_of_transport_j_kg_m = net / speed if speed > 0.0 else nan")
    lines.append("    return {" + ", ".join(f"{n!r}: {n}" for n in names) + "}")
    namespace: dict[str, Any] = {"np": np, "nan": math.nan}
    exec("\n".join(lines), namespace)
    return namespace["derive"]


#: Every numeric output for one row of Python floats, the cost of transport included (the
#: plain-float front's route; a block takes :func:`derive`).
derive_row = _compile(block=False)
_DERIVE_BLOCK = _compile(block=True)


def derive(
    gross: Any,
    net: Any,
    mass: Any,
    duration: Any,
    speed: Any,
    w_per_vo2: Any,
    rest_vo2: Any,
    out: dict[str, Any],
    spans: dict[str, tuple[Any, Any]] | None = None,
) -> dict[str, Any]:
    """Every numeric output of a block, from gross and net metabolic power per kg [W/kg],
    written into ``out``; one row of floats takes :func:`derive_row`.

    The outputs are :data:`DERIVATION`, evaluated by ufuncs into ``out``, and the cost of
    transport (NaN at zero speed).

    Parameters
    ----------
    gross, net : float or ndarray [W/kg]
        Gross and net metabolic power per kg body mass.
    mass : float or ndarray [kg]
    duration : float or ndarray [s]
        NaN without one: energies are NaN.
    speed : float or ndarray [m/s]
    w_per_vo2 : float or ndarray
        W/kg per ml/kg/min of O2.
    rest_vo2 : float or ndarray [ml/kg/min]
    out : dict of str to ndarray
        The block's slices of the output arrays (the array engine's).
    spans : dict, optional
        Gets the smallest and largest value (NaN ignored) of each output in
        :data:`SPANNED`, as numpy scalars.

    Returns
    -------
    dict
        Output name (:data:`retrocalc.nomenclature.OUTPUTS`) to value.
    """
    result: dict[str, Any] = _DERIVE_BLOCK(
        gross, net, mass, duration, speed, w_per_vo2, rest_vo2, out, {} if spans is None else spans
    )
    cot = out.get("cost_of_transport_j_kg_m")
    # no cost per metre at a zero (or NaN) speed; a constant speed is a Python float
    low = speed if type(speed) is float else speed.min()
    if low > 0.0:
        result["cost_of_transport_j_kg_m"] = np.divide(net, speed, out=cot)
    else:
        positive = np.asarray(speed > 0)
        value = where(positive, net / where(positive, speed, 1.0), math.nan)
        if cot is not None:
            np.copyto(cot, value)
            value = cot
        result["cost_of_transport_j_kg_m"] = value
    return result
