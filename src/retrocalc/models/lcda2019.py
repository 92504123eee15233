"""Load Carriage Decision Aid (LCDA) walking equation, Looney et al. (2019).

References
----------
.. [1] Looney D.P., Santee W.R., Hansen E.O., Bonventre P.J., Chalmers C.R., Potter A.W. (2019).
   Estimating energy expenditure during level, uphill, and downhill walking. Med Sci Sports
   Exerc 51(9):1954-1960. :doi:`10.1249/MSS.0000000000002002`
"""

from __future__ import annotations

from typing import Any

from ._spec import ModelSpec, Spread, model_function

__all__ = ["SPECS", "lcda2019_walking"]


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
        + 0.34 * speed * g * (1.0 - 1.05 ** (1.0 - 1.1 ** (g + 32.0)))
    )


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
)
