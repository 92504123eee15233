"""Minetti et al. (2002): energy cost of walking and running at extreme slopes.

References
----------
.. [1] Minetti A.E., Moia C., Roi G.S., Susta D., Ferretti G. (2002). Energy cost of walking
   and running at extreme uphill and downhill slopes. J Appl Physiol 93(3):1039-1046.
   :doi:`10.1152/japplphysiol.01177.2001`
"""

from __future__ import annotations

from typing import Any

from .._fa import horner
from ._spec import ModelSpec, model_function

__all__ = ["SPECS", "minetti2002_running", "minetti2002_walking"]

_CITATION = (
    "Minetti A.E., Moia C., Roi G.S., Susta D., Ferretti G. (2002). Energy cost of walking and "
    "running at extreme uphill and downhill slopes. J Appl Physiol 93(3):1039-1046"
)
_DOI = "10.1152/japplphysiol.01177.2001"

# Fig. 1 caption polynomials, highest power first [J/kg/m]
_WALK = (280.5, -58.7, -76.8, 51.9, 19.6, 2.5)
_RUN = (155.4, -30.4, -43.3, 46.3, 19.5, 3.6)


@model_function
def minetti2002_walking(grade: Any) -> Any:
    r"""Net metabolic cost of walking per metre against gradient (Minetti et al. 2002).

    .. math:: C_w(i) = 280.5 i^5 - 58.7 i^4 - 76.8 i^3 + 51.9 i^2 + 19.6 i + 2.5

    Parameters
    ----------
    grade : array_like [1]
        Gradient :math:`i` as a fraction, valid -0.45 to +0.45.

    Returns
    -------
    cost : array_like [J/kg/m]
        Net cost of transport (standing metabolism subtracted), at the subjects' optimal
        walking speed for each gradient.

    References
    ----------
    .. [1] Minetti A.E. et al. (2002). J Appl Physiol 93(3):1039-1046.
       :doi:`10.1152/japplphysiol.01177.2001`
    """
    return horner(_WALK, grade)


@model_function
def minetti2002_running(grade: Any) -> Any:
    r"""Net metabolic cost of running per metre against gradient (Minetti et al. 2002).

    .. math:: C_r(i) = 155.4 i^5 - 30.4 i^4 - 43.3 i^3 + 46.3 i^2 + 19.5 i + 3.6

    Parameters
    ----------
    grade : array_like [1]
        Gradient :math:`i` as a fraction, valid -0.45 to +0.45.

    Returns
    -------
    cost : array_like [J/kg/m]
        Net cost of transport (standing metabolism subtracted); independent of speed.

    References
    ----------
    .. [1] Minetti A.E. et al. (2002). J Appl Physiol 93(3):1039-1046.
       :doi:`10.1152/japplphysiol.01177.2001`
    """
    return horner(_RUN, grade)


SPECS = (
    ModelSpec(
        name="minetti2002_walking",
        title="Minetti et al. 2002 walking, cost vs gradient",
        kind="base",
        gaits=("walk",),
        directions=("forward", "backward"),
        inputs=("grade",),
        output="cost_net_j_kg_m",
        ranges={"grade": (-0.45, 0.45)},
        citation=_CITATION,
        doi=_DOI,
        function=minetti2002_walking,
        symbols=(
            ("C_w", "net energy cost of walking per kg and metre", "J/kg/m"),
            ("i", "gradient, rise/run as a fraction, negative downhill", "1"),
        ),
        notes="Elite mountain runners on a treadmill. The fit gives 2.5 J/kg/m on the level, "
        "but the measured level minimum was 1.64 +/- 0.50 J/kg/m at 1.0 m/s (abstract); "
        "elsewhere the fit lies within one SD of the measured means. Net of standing.",
    ),
    ModelSpec(
        name="minetti2002_running",
        title="Minetti et al. 2002 running, cost vs gradient",
        kind="base",
        gaits=("run",),
        directions=("forward", "backward"),
        inputs=("grade",),
        output="cost_net_j_kg_m",
        ranges={"grade": (-0.45, 0.45)},
        citation=_CITATION,
        doi=_DOI,
        function=minetti2002_running,
        symbols=(
            ("C_r", "net energy cost of running per kg and metre", "J/kg/m"),
            ("i", "gradient, rise/run as a fraction, negative downhill", "1"),
        ),
        notes="Elite mountain runners; downhill costs may be low for untrained people "
        "(the abstract: some 40 % below sedentary subjects). Fit 3.6 J/kg/m on the level vs "
        "3.40 +/- 0.24 measured. Net of standing.",
    ),
)
