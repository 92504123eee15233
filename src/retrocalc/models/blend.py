"""The running default: ACSM on the level and uphill, Minetti's grade curve downhill.

Streams from watches cross grade 0 every few seconds. ACSM's running equation has no downhill
term and Minetti et al.'s polynomial is the measured downhill curve, but the two disagree on
the level (ACSM 0.2 ml/kg/m = 4.18 J/kg/m net, Minetti 3.6 J/kg/m): switching from one to the
other at grade 0 stepped the energy by 14 %. This model keeps ACSM where it applies and, below
level, scales ACSM's level net cost by Minetti's *relative* cost ``C_r(i) / C_r(0)``, so the
curve is continuous at grade 0 and follows the measured downhill shape (evidence and the
alternatives considered in docs/science.md, "Continuity of the defaults").

References
----------
.. [1] American College of Sports Medicine (2021). ACSM's Guidelines for Exercise Testing and
   Prescription, 11th ed.; Bushman B.A. (2020). :doi:`10.1249/FIT.0000000000000577`
.. [2] Minetti A.E. et al. (2002). J Appl Physiol 93(3):1039-1046.
   :doi:`10.1152/japplphysiol.01177.2001`
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._fa import any_, horner
from ._spec import ModelSpec, model_function
from .minetti2002 import _RUN

__all__ = ["SPECS", "acsm_minetti_running"]

_M_MIN = 60.0  # m/min per m/s


@model_function
def acsm_minetti_running(speed: Any, grade: Any) -> Any:
    r"""Running, continuous across grade 0: ACSM uphill, Minetti's relative cost downhill.

    .. math::
        \dot VO_2 = 3.5 + 0.2\,S + 0.9\,S\,G \quad (G \ge 0), \qquad
        \dot VO_2 = 3.5 + 0.2\,S\,\frac{C_r(G)}{C_r(0)} \quad (G < 0)

    with :math:`S` the speed in m/min, :math:`G` the grade as a fraction and :math:`C_r` the
    running cost polynomial of Minetti et al. 2002 (:math:`C_r(0) = 3.6` J/kg/m).

    Parameters
    ----------
    speed : array_like [m/s]
        Running speed.
    grade : array_like [1]
        Gradient, rise/run, negative downhill.

    Returns
    -------
    vo2_gross : array_like [ml/kg/min]
        Gross oxygen uptake (3.5 ml/kg/min of it is rest).

    References
    ----------
    .. [1] Bushman B.A. (2020). ACSM's Health & Fitness Journal 24(4):5-8.
       :doi:`10.1249/FIT.0000000000000577`
    .. [2] Minetti A.E. et al. (2002). J Appl Physiol 93(3):1039-1046.
       :doi:`10.1152/japplphysiol.01177.2001`

    Examples
    --------
    >>> round(acsm_minetti_running(3.0, 0.0), 2)  # level: ACSM's 39.5 ml/kg/min
    39.5
    """
    s = speed * _M_MIN
    uphill = 3.5 + 0.2 * s + 0.9 * s * grade
    downhill = grade < 0.0
    if downhill is False or not any_(downhill):  # (a bool for one row: no call)
        return uphill
    if downhill is True:
        return 3.5 + 0.2 * s * (horner(_RUN, grade) / _RUN[-1])
    # a block: the downhill rows only (the same operations, element by element)
    rows = np.flatnonzero(np.broadcast_to(downhill, np.shape(uphill)))
    s_down = s if np.ndim(s) == 0 else np.broadcast_to(s, np.shape(uphill)).take(rows)
    g_down = np.broadcast_to(grade, np.shape(uphill)).take(rows)
    # ``uphill`` is a fresh array: written in place through a flat view (indexed assignment,
    # not ``put``, which copies element by element)
    out = np.asarray(uphill, dtype=np.float64)
    if not out.flags.c_contiguous:  # inputs in Fortran order give a result in that order
        out = np.array(out, order="C")
    out.reshape(-1)[rows] = 3.5 + 0.2 * s_down * (horner(_RUN, g_down) / _RUN[-1])
    return out


SPECS = (
    ModelSpec(
        name="acsm_minetti_running",
        title="Running: ACSM level and uphill, Minetti et al. 2002 relative cost downhill",
        kind="base",
        gaits=("run",),
        directions=("forward", "backward"),
        inputs=("speed_m_s", "grade"),
        output="vo2_gross_ml_kg_min",
        # ACSM's speeds (see acsm_running); grades from Minetti's -45 % to ACSM's +10 %
        ranges={"speed_m_s": (80 / _M_MIN, 5.0), "grade": (-0.45, 0.10)},
        citation=(
            "ACSM's Guidelines for Exercise Testing and Prescription, 11th ed. (2021), "
            "reproduced in Bushman B.A. (2020), ACSM's Health & Fitness Journal 24(4):5-8; "
            "downhill: Minetti A.E., Moia C., Roi G.S., Susta D., Ferretti G. (2002), J Appl "
            "Physiol 93(3):1039-1046"
        ),
        doi="10.1249/FIT.0000000000000577",
        function=acsm_minetti_running,
        notes="A documented blend of two published models, continuous at grade 0: ACSM "
        "(level, uphill); below level, ACSM's level net cost times Minetti's C_r(i)/C_r(0). "
        "Minetti's subjects were elite mountain runners: downhill costs may be low for "
        "untrained people.",
        symbols=(
            (r"\dot VO_2", "gross oxygen uptake", "ml/kg/min"),
            ("S", "speed", "m/min"),
            ("G", "grade, rise/run as a fraction, negative downhill", "1"),
            ("C_r", "Minetti et al.'s running cost polynomial", "J/kg/m"),
        ),
    ),
)
