"""Lankford et al. (2020): steep incline and decline walking (gross VO2).

References
----------
.. [1] Lankford D.E., Wu Y., Bartschi J.T., Hathaway J., Gidley A.D. (2020). Development and
   validation of a steep incline and decline metabolic cost equation for steady-state
   walking. Eur J Appl Physiol 120(9):2095-2104. :doi:`10.1007/s00421-020-04428-z`
.. [2] The authors' repository, BYUIDSS/byui_metabolic_equation_lankford, ``results/model.md``:
   the regression in m/s with its coefficients, residual SE 2.92 ml/kg/min on 1,604 residual
   degrees of freedom (1,610 treadmill trials).
"""

from __future__ import annotations

from typing import Any

from ._spec import ModelSpec, Spread, model_function

__all__ = ["SPECS", "lankford2020_walking"]

# mph in the training data: 0.9 to 3.5 mph is 0.40 to 1.56 m/s
_MPH = 0.44704


@model_function
def lankford2020_walking(speed: Any, grade: Any) -> Any:
    r"""Lankford et al. 2020 walking equation: gross oxygen uptake on steep grades.

    .. math::
        \dot VO_2 = 5.43483 + 6.47383\,S - 0.05372\,G + 0.65230\,S\,G
                    + 0.02376\,S\,G^2 - 0.00032\,S\,G^3

    with :math:`S` the speed in m/s and :math:`G` the grade **in percent** (converted inside).

    Parameters
    ----------
    speed : array_like [m/s]
        Walking speed, fitted from 0.40 to 1.56 m/s (0.9-3.5 mph).
    grade : array_like [1]
        Gradient as a fraction, fitted from -0.18 to +0.40.

    Returns
    -------
    vo2_gross : array_like [ml/kg/min]
        Gross oxygen uptake.

    Notes
    -----
    A polynomial regression on 1,610 steady-state treadmill trials of 44 people (RER <= 1),
    residual SE 2.92 ml/kg/min [2]_. The fastest speeds were not tested at 25-40 %: the
    steepest stages reached about 2.3 mph (1.03 m/s). Not a default; ``model=`` selects it.

    References
    ----------
    .. [1] Lankford D.E. et al. (2020). Eur J Appl Physiol 120(9):2095-2104.
       :doi:`10.1007/s00421-020-04428-z`
    .. [2] BYUIDSS/byui_metabolic_equation_lankford, results/model.md.

    Examples
    --------
    >>> round(lankford2020_walking(1.2 * 0.44704, 0.40), 1)  # 1.2 mph up 40 %
    30.2
    """
    g = grade * 100.0
    s = speed
    return 5.43483 + 6.47383 * s - 0.05372 * g + s * g * (0.65230 + g * (0.02376 - 0.00032 * g))


SPECS = (
    ModelSpec(
        name="lankford2020_walking",
        title="Lankford et al. 2020, steep incline and decline walking",
        kind="base",
        gaits=("walk",),
        directions=("forward", "backward"),
        inputs=("speed_m_s", "grade"),
        output="vo2_gross_ml_kg_min",
        ranges={"speed_m_s": (0.9 * _MPH, 3.5 * _MPH), "grade": (-0.18, 0.40)},
        citation=(
            "Lankford D.E., Wu Y., Bartschi J.T., Hathaway J., Gidley A.D. (2020). Development "
            "and validation of a steep incline and decline metabolic cost equation for "
            "steady-state walking. Eur J Appl Physiol 120(9):2095-2104"
        ),
        doi="10.1007/s00421-020-04428-z",
        function=lankford2020_walking,
        symbols=(
            (r"\dot VO_2", "gross oxygen uptake", "ml/kg/min"),
            ("S", "walking speed", "m/s"),
            ("G", "grade in percent, negative downhill (5 for 5 %)", "%"),
        ),
        notes="Treadmill, 44 people, 1,610 trials, RER <= 1; speeds 0.9-3.5 mph, grades -18 to "
        "+40 % (the fastest speeds not at 25-40 %). Coefficients of the m/s fit from the "
        "authors' repository (results/model.md). The repository README names another journal "
        "(Physiological Reports); the paper appeared in Eur J Appl Physiol. Held-out "
        "comparison by the same group (kJ/min error): Lankford 5.92, LCDA 6.05, ACSM 7.22 "
        "(uphill), Pandolf 8.07, Minetti 11.71.",
        see=Spread(
            2.92,
            "ml/kg/min",
            "residual standard error of the regression",
            "Lankford et al. 2020; authors' repository results/model.md",
        ),
    ),
)
