"""Oxygen to energy, and resting metabolism.

Oxygen converts to energy at 5.0 kcal per litre, or by Weir's equation [1]_ with a respiratory
exchange ratio. The resting rate is 3.5 ml/kg/min unless measured, or from the Mifflin-St Jeor
[2]_ or revised Harris-Benedict [3]_ equations; METs over a personal rest are Kozey et al.'s
corrected METs [4]_.

References
----------
.. [1] Weir J.B. de V. (1949). New methods for calculating metabolic rate with special reference
   to protein metabolism. J Physiol 109(1-2):1-9. :doi:`10.1113/jphysiol.1949.sp004363`
.. [2] Mifflin M.D., St Jeor S.T., Hill L.A., Scott B.J., Daugherty S.A., Koh Y.O. (1990). A new
   predictive equation for resting energy expenditure in healthy individuals. Am J Clin Nutr
   51(2):241-247. :doi:`10.1093/ajcn/51.2.241`
.. [3] Roza A.M., Shizgal H.M. (1984). The Harris Benedict equation reevaluated: resting energy
   requirements and the body cell mass. Am J Clin Nutr 40(1):168-182.
   :doi:`10.1093/ajcn/40.1.168`
.. [4] Kozey S., Lyden K., Staudenmayer J., Freedson P. (2010). Errors in MET estimates of
   physical activities using 3.5 ml/kg/min as the baseline oxygen consumption. J Phys Act
   Health 7(4):508-516.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from ._fa import lookup
from ._wrap import Locator, as_label_array, label_codes

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "KCAL_PER_LITRE_O2",
    "MINUTES_PER_DAY",
    "RESTING_VO2_ML_KG_MIN",
    "RMR_EQUATIONS",
    "SEX_CODES",
    "harris_benedict_revised",
    "mifflin_st_jeor",
    "rmr_to_vo2",
    "weir",
    "weir_kcal_per_litre",
]

#: Energy equivalent of oxygen used by ACSM's metabolic calculations [kcal/l].
KCAL_PER_LITRE_O2 = 5.0
#: Conventional resting oxygen uptake, 1 MET [ml/kg/min].
RESTING_VO2_ML_KG_MIN = 3.5
MINUTES_PER_DAY = 1440.0


def weir_kcal_per_litre(rer: Any) -> Any:
    r"""Energy equivalent of one litre of oxygen from the respiratory exchange ratio (Weir 1949).

    .. math:: e = 3.941 + 1.106\,\mathrm{RER}

    from Weir's :math:`\mathrm{kcal} = 3.941\,\dot VO_2 + 1.106\,\dot VCO_2` (protein term
    omitted).

    Parameters
    ----------
    rer : array_like [1]
        Respiratory exchange ratio VCO2/VO2, about 0.7 (fat) to 1.0 (carbohydrate).

    Returns
    -------
    kcal_per_litre : array_like [kcal/l]
        4.72 at RER 0.70, 5.05 at RER 1.00.

    References
    ----------
    .. [1] Weir J.B. de V. (1949). J Physiol 109(1-2):1-9.
       :doi:`10.1113/jphysiol.1949.sp004363`
    """
    return weir(np.asarray(rer, dtype=np.float64))


def weir(rer: Any) -> Any:
    """:func:`weir_kcal_per_litre` on a Python float or an ndarray as it is (plain operators:
    the composition calls it for a row of floats and a block alike)."""
    return 3.941 + 1.106 * rer


#: Codes of the ``sex`` labels (case-insensitive): 1 male, 0 female; missing gives -1.
SEX_CODES: Mapping[str, int] = MappingProxyType({"male": 1, "m": 1, "female": 0, "f": 0})


def _male_codes(sex: Any) -> NDArray[np.int64]:
    """1 for men, 0 for women, -1 for missing, from 'male'/'female' (or 'm'/'f') labels."""
    labels = as_label_array(sex)
    return label_codes(Locator(labels.shape), "sex", labels, SEX_CODES).reshape(labels.shape)


# The equations on coded sex (-1 missing, 0 female, 1 male), written with plain operators: a
# row of floats or arrays. Sex-specific coefficients are looked up by code (NaN for missing),
# one gather instead of computing both equations and choosing.
_MIFFLIN_S = (math.nan, -161.0, 5.0)
_HARRIS_BENEDICT = (
    (math.nan, 447.593, 88.362),  # constant
    (math.nan, 9.247, 13.397),  # x mass [kg]
    (math.nan, 3.098, 4.799),  # x height [cm]
    (math.nan, 4.330, 5.677),  # x age [years], subtracted
)


def _by_sex(table: tuple[float, float, float], male: Any) -> Any:
    """``table[male + 1]``: NaN for missing (-1), the women's (0) or the men's (1) value.

    Codes without a missing one take ``women + (men - women) * male`` where that gives both
    values exactly (Mifflin-St Jeor's -161 and +5; three of Harris-Benedict's four pairs):
    two passes instead of a gather, the same numbers.
    """
    if type(male) is int:
        return table[male + 1]
    women, men = table[1], table[2]
    if women + (men - women) == men and male.size and male.min() >= 0:
        return women + (men - women) * male
    return lookup(table, male + 1)


def _mifflin(w: Any, h: Any, a: Any, male: Any) -> Any:
    s = _by_sex(_MIFFLIN_S, male)
    return 10.0 * w + 6.25 * h - 5.0 * a + s


def _harris_benedict(w: Any, h: Any, a: Any, male: Any) -> Any:
    c0, cw, ch, ca = (_by_sex(c, male) for c in _HARRIS_BENEDICT)
    return c0 + cw * w + ch * h - ca * a


#: Resting-metabolic-rate equations by name, on coded sex (see :data:`SEX_CODES`) [kcal/day].
RMR_EQUATIONS: Mapping[str, Callable[..., Any]] = MappingProxyType(
    {"mifflin_st_jeor": _mifflin, "harris_benedict_revised": _harris_benedict}
)


def mifflin_st_jeor(mass_kg: Any, height_cm: Any, age_years: Any, sex: Any) -> Any:
    r"""Resting energy expenditure by Mifflin-St Jeor (1990).

    .. math:: REE = 10\,W + 6.25\,H - 5\,A + s, \qquad s = +5\ \text{(men)},\ -161\ \text{(women)}

    Parameters
    ----------
    mass_kg : array_like [kg]
    height_cm : array_like [cm]
    age_years : array_like [year]
        Derived from adults aged 19-78.
    sex : str or array_like of str
        "male" or "female" ("m"/"f", any case); a missing value gives NaN.

    Returns
    -------
    ree : ndarray [kcal/day]

    References
    ----------
    .. [1] Mifflin M.D. et al. (1990). Am J Clin Nutr 51(2):241-247.
       :doi:`10.1093/ajcn/51.2.241`

    Examples
    --------
    >>> float(mifflin_st_jeor(70, 175, 30, "male"))
    1648.75
    """
    return _mifflin(
        np.asarray(mass_kg, dtype=np.float64),
        np.asarray(height_cm, dtype=np.float64),
        np.asarray(age_years, dtype=np.float64),
        _male_codes(sex),
    )


def harris_benedict_revised(mass_kg: Any, height_cm: Any, age_years: Any, sex: Any) -> Any:
    r"""Resting energy expenditure by the revised Harris-Benedict equation (Roza & Shizgal 1984).

    .. math::
        REE_\text{men} = 88.362 + 13.397\,W + 4.799\,H - 5.677\,A \\
        REE_\text{women} = 447.593 + 9.247\,W + 3.098\,H - 4.330\,A

    Parameters
    ----------
    mass_kg : array_like [kg]
    height_cm : array_like [cm]
    age_years : array_like [year]
    sex : str or array_like of str
        "male" or "female" ("m"/"f", any case); a missing value gives NaN.

    Returns
    -------
    ree : ndarray [kcal/day]

    Notes
    -----
    Kozey et al. (2010) correct METs with this equation: corrected MET = MET x 3.5 / RMR,
    with RMR in ml/kg/min.

    References
    ----------
    .. [1] Roza A.M., Shizgal H.M. (1984). Am J Clin Nutr 40(1):168-182.
       :doi:`10.1093/ajcn/40.1.168`
    """
    return _harris_benedict(
        np.asarray(mass_kg, dtype=np.float64),
        np.asarray(height_cm, dtype=np.float64),
        np.asarray(age_years, dtype=np.float64),
        _male_codes(sex),
    )


def rmr_to_vo2(rmr_kcal_day: Any, mass_kg: Any, kcal_per_litre: Any = KCAL_PER_LITRE_O2) -> Any:
    """Resting metabolic rate [kcal/day] to resting oxygen uptake [ml/kg/min].

    Parameters
    ----------
    rmr_kcal_day : array_like [kcal/day]
    mass_kg : array_like [kg]
    kcal_per_litre : array_like [kcal/l]
        Energy equivalent of oxygen (5.0 by default; see :func:`weir_kcal_per_litre`).

    Returns
    -------
    vo2 : array_like [ml/kg/min]

    References
    ----------
    .. [1] Kozey S. et al. (2010). J Phys Act Health 7(4):508-516.
    """
    if not (type(rmr_kcal_day) is float or isinstance(rmr_kcal_day, np.ndarray)):
        rmr_kcal_day = np.asarray(rmr_kcal_day)
    return rmr_kcal_day / MINUTES_PER_DAY / kcal_per_litre * 1000.0 / mass_kg
