"""Load Carriage Decision Aid (LCDA) walking equation, Looney et al. (2019).

References
----------
.. [1] Looney D.P., Santee W.R., Hansen E.O., Bonventre P.J., Chalmers C.R., Potter A.W. (2019).
   Estimating energy expenditure during level, uphill, and downhill walking. Med Sci Sports
   Exerc 51(9):1954-1960. :doi:`10.1249/MSS.0000000000002002`
"""

from __future__ import annotations

from typing import Any

from .._fa import power_of
from ._spec import ModelSpec, Spread, model_function

__all__ = ["SPECS", "SUPINE_REST_W_KG", "lcda2019_loaded_walking", "lcda2019_walking"]

#: Supine resting rate that Ludlow & Weyand (2017) subtract before scaling walking by load:
#: 3.1 ml O2/kg/min (their abstract), at 5.0 kcal per litre O2 (20.92 J/ml) [W/kg].
SUPINE_REST_W_KG = 3.1 * 5.0 * 4.184 / 60.0


@model_function
def lcda2019_walking(speed: Any, grade: Any) -> Any:
    r"""LCDA walking equation: gross metabolic power per kg body mass.

    .. math::
        \dot M = 1.44 + 1.94\,v^{0.43} + 0.24\,v^{4}
                 + 0.34\,v\,G\left(1 - 1.05^{\,1 - 1.1^{\,G + 32}}\right)

    with :math:`v` in m/s and :math:`G` the grade **in percent** (converted inside).

    Parameters
    ----------
    speed : array_like [m/s]
        Walking speed, valid 0-1.96 m/s.
    grade : array_like [1]
        Gradient as a fraction, valid -0.40 to +0.45.

    Returns
    -------
    power_gross : array_like [W/kg]
        Gross metabolic rate per kg body mass.

    Notes
    -----
    Standard error of the estimate 0.20 W/kg on the level and 0.42 W/kg on grades [1]_.
    Its cost per metre has a minimum near 1.2-1.3 m/s, as measured walking does.

    References
    ----------
    .. [1] Looney D.P. et al. (2019). Med Sci Sports Exerc 51(9):1954-1960.
       :doi:`10.1249/MSS.0000000000002002`
    """
    g = grade * 100.0
    return (
        1.44
        + 1.94 * speed**0.43
        + 0.24 * speed**4
        + 0.34 * speed * g * (1.0 - power_of(1.05, 1.0 - power_of(1.1, g + 32.0)))
    )


@model_function
def lcda2019_loaded_walking(speed: Any, grade: Any, mass: Any, load: Any) -> Any:
    r"""LCDA walking with a carried load: the walking part scaled by the total mass.

    .. math::
        M = R\,W + (W + L)\left(\dot M_\mathrm{LCDA}(v, G) - R\right)

    with :math:`\dot M_\mathrm{LCDA}` the LCDA equation (:func:`lcda2019_walking`) [W/kg],
    :math:`W` body mass and :math:`L` load [kg], and :math:`R` the supine resting rate
    (:data:`SUPINE_REST_W_KG`, 3.1 ml/kg/min = 1.08 W/kg).

    Ludlow & Weyand (2017) measured walking with torso loads of 0, 18 and 31 % of body weight
    at 0.6-1.4 m/s on grades from -6 to +9 degrees: the walking part of the gross rate (gross
    minus supine rest) rose in direct proportion to the total load, across speed and grade.
    Applied to the LCDA equation this gives a loaded-walking cost that is continuous across
    grade (Pandolf with Santee's correction steps by about 7 % at level) and equals
    :func:`lcda2019_walking` exactly without a load.

    Parameters
    ----------
    speed : array_like [m/s]
        Walking speed, valid 0-1.96 m/s.
    grade : array_like [1]
        Gradient as a fraction, valid -0.40 to +0.45.
    mass : array_like [kg]
        Body mass.
    load : array_like [kg]
        Carried load, valid 0-30 kg (the study's heaviest load was 31 % of body weight).

    Returns
    -------
    power_gross : array_like [W]
        Gross metabolic rate of the whole person.

    References
    ----------
    .. [1] Looney D.P. et al. (2019). Med Sci Sports Exerc 51(9):1954-1960.
       :doi:`10.1249/MSS.0000000000002002`
    .. [2] Ludlow L.W., Weyand P.G. (2017). Walking economy is predictably determined by speed,
       grade, and gravitational load. J Appl Physiol 123(5):1288-1302.
       :doi:`10.1152/japplphysiol.00504.2017`
    """
    walking = lcda2019_walking.kernel(speed, grade) - SUPINE_REST_W_KG  # type: ignore[attr-defined]
    return SUPINE_REST_W_KG * mass + (mass + load) * walking


SPECS = (
    ModelSpec(
        name="lcda2019_walking",
        title="LCDA walking (Looney et al. 2019)",
        kind="base",
        gaits=("walk",),
        directions=("forward", "backward"),
        inputs=("speed_m_s", "grade"),
        output="power_gross_w_kg",
        ranges={"speed_m_s": (0.0, 1.96), "grade": (-0.40, 0.45)},
        citation=(
            "Looney D.P., Santee W.R., Hansen E.O., Bonventre P.J., Chalmers C.R., Potter A.W. "
            "(2019). Estimating energy expenditure during level, uphill, and downhill walking. "
            "Med Sci Sports Exerc 51(9):1954-1960"
        ),
        doi="10.1249/MSS.0000000000002002",
        function=lcda2019_walking,
        symbols=(
            (r"\dot M", "gross metabolic power per kg body mass", "W/kg"),
            ("v", "walking speed", "m/s"),
            ("G", "grade in percent, negative downhill (5 for 5 %)", "%"),
        ),
        notes="SEE 0.20 W/kg level, 0.42 W/kg graded. Grade in percent inside the formula.",
        see=Spread(
            0.42,
            "W/kg",
            "SEE on grades (0.20 W/kg on the level)",
            "Looney et al. 2019, validation against measured walking",
        ),
    ),
    ModelSpec(
        name="lcda2019_loaded_walking",
        title="LCDA walking with a load (Looney et al. 2019; Ludlow & Weyand 2017)",
        kind="base",
        gaits=("walk",),
        directions=("forward", "backward"),
        inputs=("speed_m_s", "grade", "mass_kg", "load_kg"),
        output="power_gross_w",
        # load: the study's loads were 18 and 31 % of body weight; one input cannot bound a
        # share of another, so 30 kg (31 % of a 97 kg person) bounds it (docs/science.md)
        ranges={"speed_m_s": (0.0, 1.96), "grade": (-0.40, 0.45), "load_kg": (0.0, 30.0)},
        citation=(
            "Looney D.P., Santee W.R., Hansen E.O., Bonventre P.J., Chalmers C.R., Potter A.W. "
            "(2019). Estimating energy expenditure during level, uphill, and downhill walking. "
            "Med Sci Sports Exerc 51(9):1954-1960; Ludlow L.W., Weyand P.G. (2017). Walking "
            "economy is predictably determined by speed, grade, and gravitational load. "
            "J Appl Physiol 123(5):1288-1302, doi:10.1152/japplphysiol.00504.2017"
        ),
        doi="10.1249/MSS.0000000000002002",
        function=lcda2019_loaded_walking,
        symbols=(
            ("M", "gross metabolic rate of the whole person", "W"),
            (r"\dot M_\mathrm{LCDA}", "the rate of lcda2019_walking for v and G", "W/kg"),
            ("R", "supine resting rate, 3.1 ml/kg/min (Ludlow & Weyand 2017)", "W/kg"),
            ("W", "body mass", "kg"),
            ("L", "carried load", "kg"),
        ),
        notes="The walking part (gross minus supine rest) scales with body mass plus load "
        "(Ludlow & Weyand 2017: loads to 31 % of body weight, -6 to +9 degrees, 0.6-1.4 m/s). "
        "Identical to lcda2019_walking without a load; continuous across grade.",
        see=Spread(
            0.42,
            "W/kg",
            "SEE of the LCDA equation on grades (unloaded); none published for the load scaling",
            "Looney et al. 2019, validation against measured walking",
        ),
    ),
)
