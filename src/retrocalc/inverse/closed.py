"""The exact inverses: models whose speed follows from a target power in closed form.

ACSM running and walking (:math:`S = (\\dot VO_2 - 3.5)/(0.2 + 0.9G)` m/min, resp.
:math:`0.1 + 1.8G`; the running default downhill with Minetti's relative cost), Minetti
(:math:`v = \\text{net}/C(i)`) and Léger & Mercier on a treadmill
(:math:`v = (\\dot VO_2 - 2.209)/3.163` km/h), each applied to the forward cost that the
direction factor leaves. Exact up to rounding.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..models.minetti2002 import minetti2002_running, minetti2002_walking

if TYPE_CHECKING:
    from numpy.typing import NDArray

    FloatArray = NDArray[np.float64]

#: The models :func:`_closed_form` inverts (the others are solved by a bracketed root).
_CLOSED = {
    "acsm_running",
    "acsm_minetti_running",
    "acsm_walking",
    "minetti2002_running",
    "minetti2002_walking",
    "leger1984_treadmill",
}


def c_r_level() -> float:
    """Minetti's level running cost C_r(0) [J/kg/m]."""
    return float(minetti2002_running(0.0))


def _closed_form(
    name: str,
    goal: FloatArray,
    rest: FloatArray,
    w_per_vo2: FloatArray,
    factor: FloatArray,
    grade: FloatArray,
) -> FloatArray:
    """Exact inverse of a model for gross power per kg ``goal`` (NaN where none)."""
    forward_gross = rest + (goal - rest) / factor  # undo the direction factor on net
    with np.errstate(divide="ignore", invalid="ignore"):
        if name in ("acsm_running", "acsm_walking", "acsm_minetti_running"):
            # VO2 = 3.5 + a S + b S G, S in m/min (ACSM); the blend downhill:
            # VO2 = 3.5 + 0.2 S C_r(G) / C_r(0)
            a, b = (0.1, 1.8) if name == "acsm_walking" else (0.2, 0.9)
            slope = a + b * grade
            if name == "acsm_minetti_running":
                c_r = np.asarray(minetti2002_running(grade), dtype=np.float64)
                slope = np.where(grade < 0, 0.2 * c_r / c_r_level(), slope)
            s = (forward_gross / w_per_vo2 - 3.5) / slope
            v = np.where(slope > 0, s / 60.0, np.nan)
        elif name.startswith("minetti2002"):
            # gross = C(i) v + rest (Minetti's C is net and speed-independent)
            fn = minetti2002_running if name.endswith("running") else minetti2002_walking
            cost = np.asarray(fn(grade), dtype=np.float64)
            v = np.where(cost > 0, (forward_gross - rest) / cost, np.nan)
        else:  # leger1984_treadmill: VO2 = 2.209 + 3.163 v, v in km/h
            v = (forward_gross / w_per_vo2 - 2.209) / 3.163 / 3.6
    return np.asarray(v, dtype=np.float64)
