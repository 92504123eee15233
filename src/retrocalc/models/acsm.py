"""ACSM metabolic equations for walking and running (gross VO2).

References
----------
.. [1] American College of Sports Medicine (2021). ACSM's Guidelines for Exercise Testing and
   Prescription, 11th ed., Wolters Kluwer. Metabolic calculations.
.. [2] Bushman, B. A. (2020). Determining the I (intensity) for a FITT-VP aerobic exercise
   prescription. ACSM's Health & Fitness Journal 24(4), 5-8. :doi:`10.1249/FIT.0000000000000577`
"""

from __future__ import annotations

from typing import Any

from ._spec import ModelSpec, model_function

__all__ = ["SPECS", "acsm_running", "acsm_walking"]

_CITATION = (
    "American College of Sports Medicine (2021). ACSM's Guidelines for Exercise Testing and "
    "Prescription, 11th ed.; equations reproduced in Bushman B.A. (2020), ACSM's Health & "
    "Fitness Journal 24(4):5-8"
)
_DOI = "10.1249/FIT.0000000000000577"
_M_MIN = 60.0  # m/min per m/s
_SYMBOLS = (
    (r"\dot VO_2", "gross oxygen uptake", "ml/kg/min"),
    ("S", "speed", "m/min"),
    ("G", "grade, rise/run as a fraction (0.05 for 5 %)", "1"),
)


@model_function
def acsm_walking(speed: Any, grade: Any) -> Any:
    r"""ACSM walking equation: gross oxygen uptake.

    .. math:: \dot VO_2 = 3.5 + 0.1\,S + 1.8\,S\,G

    with :math:`S` the speed in m/min and :math:`G` the grade as a fraction.

    Parameters
    ----------
    speed : array_like [m/s]
        Walking speed.
    grade : array_like [1]
        Gradient, rise/run. The equation has no downhill term: ``grade < 0`` is outside its range.

    Returns
    -------
    vo2_gross : array_like [ml/kg/min]
        Gross oxygen uptake (3.5 ml/kg/min of it is rest).

    Notes
    -----
    Valid for 50-100 m/min (0.83-1.67 m/s) and level or uphill walking [1]_; faster speeds
    only if the person is truly walking.

    References
    ----------
    .. [1] ACSM's Guidelines for Exercise Testing and Prescription, 11th ed. (2021).
    .. [2] Bushman B.A. (2020). ACSM's Health & Fitness Journal 24(4):5-8.
       :doi:`10.1249/FIT.0000000000000577`

    Examples
    --------
    >>> round(float(acsm_walking(80 / 60, 0.05)), 2)  # 80 m/min up 5 %
    18.7
    """
    s = speed * _M_MIN
    return 3.5 + 0.1 * s + 1.8 * s * grade


@model_function
def acsm_running(speed: Any, grade: Any) -> Any:
    r"""ACSM running equation: gross oxygen uptake.

    .. math:: \dot VO_2 = 3.5 + 0.2\,S + 0.9\,S\,G

    with :math:`S` the speed in m/min and :math:`G` the grade as a fraction.

    Parameters
    ----------
    speed : array_like [m/s]
        Running speed.
    grade : array_like [1]
        Gradient, rise/run. No downhill term: ``grade < 0`` is outside its range.

    Returns
    -------
    vo2_gross : array_like [ml/kg/min]
        Gross oxygen uptake (3.5 ml/kg/min of it is rest).

    Notes
    -----
    Valid above 134 m/min (2.23 m/s), and from 80 m/min (1.33 m/s) if the person is truly
    jogging [1]_. The level net cost, 0.2 ml/kg/m, equals 4.18 J/kg/m at 5 kcal/l O2, i.e.
    Margaria's 1 kcal/kg/km.

    References
    ----------
    .. [1] ACSM's Guidelines for Exercise Testing and Prescription, 11th ed. (2021).
    .. [2] Bushman B.A. (2020). ACSM's Health & Fitness Journal 24(4):5-8.
       :doi:`10.1249/FIT.0000000000000577`

    Examples
    --------
    >>> round(float(acsm_running(3.0, 0.0)), 2)  # 180 m/min on the level
    39.5
    """
    s = speed * _M_MIN
    return 3.5 + 0.2 * s + 0.9 * s * grade


SPECS = (
    ModelSpec(
        name="acsm_walking",
        title="ACSM walking equation",
        kind="base",
        gaits=("walk",),
        directions=("forward", "backward"),
        inputs=("speed_m_s", "grade"),
        output="vo2_gross_ml_kg_min",
        # speeds: ACSM's own range; grades: ACSM states no upper limit, so the steepest
        # grade at which the equation was compared with measurements (Lankford et al. 2020,
        # held-out uphill trials to +40 %)
        ranges={"speed_m_s": (50 / _M_MIN, 100 / _M_MIN), "grade": (0.0, 0.40)},
        citation=_CITATION,
        doi=_DOI,
        function=acsm_walking,
        symbols=_SYMBOLS,
        notes="Linear in speed: no speed of minimum cost per metre, unlike real walking. "
        "No downhill term. Upper grade bound: Lankford et al. 2020 (doi:10.1007/"
        "s00421-020-04428-z) compared it with held-out measurements up to +40 %.",
    ),
    ModelSpec(
        name="acsm_running",
        title="ACSM running equation",
        kind="base",
        gaits=("run",),
        directions=("forward", "backward"),
        inputs=("speed_m_s", "grade"),
        output="vo2_gross_ml_kg_min",
        # from 80 m/min (ACSM: if truly jogging); ACSM states no upper limits, so the fastest
        # speed of the treadmill running data retrocalc cites (Jones & Doust 1996: 2.92-5.0
        # m/s) and the steepest grade at which the equation was checked against measured VO2
        # (Foreman et al. 2022: 0-10 %, underestimating up to 8 %)
        ranges={"speed_m_s": (80 / _M_MIN, 5.0), "grade": (0.0, 0.10)},
        citation=_CITATION,
        doi=_DOI,
        function=acsm_running,
        symbols=_SYMBOLS,
        notes="Valid above 134 m/min, from 80 m/min if truly jogging. No downhill term. Upper "
        "bounds: 5.0 m/s, the fastest treadmill running of Jones & Doust 1996 (doi:10.1080/"
        "02640419608727717); +10 %, the steepest grade of Foreman et al. 2022's comparison "
        "with measured VO2 (Int J Sports Physiol Perform 17(7), doi:10.1123/ijspp.2021-0021).",
    ),
)
