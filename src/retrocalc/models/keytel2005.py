"""Energy expenditure from heart rate: Keytel et al. (2005), with and without VO2max, per sex.

The equations give **gross** energy expenditure in kJ/min from a steady-state heart rate.
They were fitted on 115 regularly exercising people aged 18-45 years, 47-120 kg, VO2max 27-81
ml/kg/min, in three steady stages at about 57, 77 and 90 % of maximal heart rate (35, 62 and
80 % of VO2max) on a treadmill or cycle ergometer. r = 0.913 with VO2max, 0.857 without.

This is not a locomotion model and is not in :data:`retrocalc.models.REGISTRY`; its
description is :data:`SPECS` (same fields as :class:`~retrocalc.models.ModelSpec` where they
fit). :mod:`retrocalc.heart_rate` builds the public estimate on these functions.

References
----------
.. [1] Keytel L.R., Goedecke J.H., Noakes T.D., Hiiloskorpi H., Laukkanen R., van der Merwe L.,
   Lambert E.V. (2005). Prediction of energy expenditure from heart rate monitoring during
   submaximal exercise. J Sports Sci 23(3):289-297. :doi:`10.1080/02640410470001730089`
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

__all__ = [
    "COEFFICIENTS",
    "COEFFICIENTS_VO2MAX",
    "SPECS",
    "HeartRateModelSpec",
    "keytel2005",
    "keytel2005_vo2max",
]

_CITATION = (
    "Keytel L.R., Goedecke J.H., Noakes T.D., Hiiloskorpi H., Laukkanen R., van der Merwe L., "
    "Lambert E.V. (2005). Prediction of energy expenditure from heart rate monitoring during "
    "submaximal exercise. J Sports Sci 23(3):289-297"
)
_DOI = "10.1080/02640410470001730089"

#: Without VO2max, kJ/min = intercept + hr*HR + mass*W + age*A (HR bpm, W kg, A years).
#: The women's weight term is **negative**, the men's positive (two open-source apps got one
#: of these signs wrong; tests pin every sign).
COEFFICIENTS: Mapping[str, Mapping[str, float]] = MappingProxyType(
    {
        "male": MappingProxyType(
            {"intercept": -55.0969, "hr": 0.6309, "mass": 0.1988, "age": 0.2017}
        ),
        "female": MappingProxyType(
            {"intercept": -20.4022, "hr": 0.4472, "mass": -0.1263, "age": 0.074}
        ),
    }
)
#: With VO2max [ml/kg/min]: intercept + hr*HR + vo2max*VO2max + mass*W + age*A.
COEFFICIENTS_VO2MAX: Mapping[str, Mapping[str, float]] = MappingProxyType(
    {
        "male": MappingProxyType(
            {"intercept": -95.7735, "hr": 0.634, "vo2max": 0.404, "mass": 0.394, "age": 0.271}
        ),
        "female": MappingProxyType(
            {"intercept": -59.3954, "hr": 0.450, "vo2max": 0.380, "mass": 0.103, "age": 0.274}
        ),
    }
)


def _by_sex(male: Any, name: str, table: Mapping[str, Mapping[str, float]]) -> Any:
    m = np.asarray(male)
    return np.where(m == 1, table["male"][name], np.where(m == 0, table["female"][name], np.nan))


def keytel2005(heart_rate_bpm: Any, mass_kg: Any, age_years: Any, male: Any) -> Any:
    r"""Gross energy expenditure from heart rate, without VO2max (Keytel et al. 2005).

    .. math::
        EE_\text{men} = -55.0969 + 0.6309\,HR + 0.1988\,W + 0.2017\,A \\
        EE_\text{women} = -20.4022 + 0.4472\,HR - 0.1263\,W + 0.074\,A

    Parameters
    ----------
    heart_rate_bpm : array_like [1/min]
        Steady-state heart rate.
    mass_kg : array_like [kg]
    age_years : array_like [year]
    male : array_like of int
        1 for men, 0 for women; anything else gives NaN.

    Returns
    -------
    ee : array_like [kJ/min]
        Gross energy expenditure, unclipped: it goes negative at low heart rates (use
        :func:`retrocalc.heart_rate.estimate_hr` for the validity handling).

    References
    ----------
    .. [1] Keytel L.R. et al. (2005). J Sports Sci 23(3):289-297.
       :doi:`10.1080/02640410470001730089`

    Examples
    --------
    >>> round(float(keytel2005(150, 75, 35, 1)), 3)  # kJ/min
    61.508
    """
    c = COEFFICIENTS
    return (
        _by_sex(male, "intercept", c)
        + _by_sex(male, "hr", c) * np.asarray(heart_rate_bpm, dtype=np.float64)
        + _by_sex(male, "mass", c) * np.asarray(mass_kg, dtype=np.float64)
        + _by_sex(male, "age", c) * np.asarray(age_years, dtype=np.float64)
    )


def keytel2005_vo2max(
    heart_rate_bpm: Any, mass_kg: Any, age_years: Any, vo2max_ml_kg_min: Any, male: Any
) -> Any:
    r"""Gross energy expenditure from heart rate and VO2max (Keytel et al. 2005).

    .. math::
        EE_\text{men} = -95.7735 + 0.634\,HR + 0.404\,\dot VO_{2max} + 0.394\,W + 0.271\,A \\
        EE_\text{women} = -59.3954 + 0.450\,HR + 0.380\,\dot VO_{2max} + 0.103\,W + 0.274\,A

    Parameters
    ----------
    heart_rate_bpm : array_like [1/min]
    mass_kg : array_like [kg]
    age_years : array_like [year]
    vo2max_ml_kg_min : array_like [ml/kg/min]
        Measured maximal oxygen uptake (27-81 in the study).
    male : array_like of int
        1 for men, 0 for women.

    Returns
    -------
    ee : array_like [kJ/min]
        Gross energy expenditure, unclipped.

    References
    ----------
    .. [1] Keytel L.R. et al. (2005). J Sports Sci 23(3):289-297.
       :doi:`10.1080/02640410470001730089`
    """
    c = COEFFICIENTS_VO2MAX
    return (
        _by_sex(male, "intercept", c)
        + _by_sex(male, "hr", c) * np.asarray(heart_rate_bpm, dtype=np.float64)
        + _by_sex(male, "vo2max", c) * np.asarray(vo2max_ml_kg_min, dtype=np.float64)
        + _by_sex(male, "mass", c) * np.asarray(mass_kg, dtype=np.float64)
        + _by_sex(male, "age", c) * np.asarray(age_years, dtype=np.float64)
    )


@dataclass(frozen=True)
class HeartRateModelSpec:
    """A heart-rate energy model, described with :class:`~retrocalc.models.ModelSpec`'s
    fields where they fit.

    Attributes
    ----------
    name, title, citation, doi, notes : str
    inputs : tuple of str
        Input names, in the order the function takes them (``male`` is coded sex).
    output : str
        ``"energy_gross_kj_per_min"``.
    ranges : mapping of str to (low, high)
        Validity ranges: the study's population; ``heart_rate_fraction_of_max`` is HR/HRmax.
    function : callable
    spread : str
        What the source publishes about its error.
    """

    name: str
    title: str
    inputs: tuple[str, ...]
    output: str
    ranges: Mapping[str, tuple[float | None, float | None]]
    citation: str
    doi: str
    function: Any
    spread: str
    notes: str = ""
    kind: str = field(default="heart_rate")

    def __post_init__(self) -> None:
        object.__setattr__(self, "ranges", MappingProxyType(dict(self.ranges)))


_RANGES = {
    "heart_rate_fraction_of_max": (0.57, 0.90),
    "age_years": (18.0, 45.0),
    "mass_kg": (47.0, 120.0),
}

SPECS = (
    HeartRateModelSpec(
        name="keytel2005",
        title="Keytel et al. 2005, heart rate without VO2max",
        inputs=("heart_rate_bpm", "mass_kg", "age_years", "male"),
        output="energy_gross_kj_per_min",
        ranges=_RANGES,
        citation=_CITATION,
        doi=_DOI,
        function=keytel2005,
        spread="r = 0.857 (R^2 0.734) between measured and estimated; no SEE in the abstract",
        notes="Gross energy. Negative below about 52-57 bpm; unvalidated below ~57 % HRmax.",
    ),
    HeartRateModelSpec(
        name="keytel2005_vo2max",
        title="Keytel et al. 2005, heart rate with VO2max",
        inputs=("heart_rate_bpm", "mass_kg", "age_years", "vo2max_ml_kg_min", "male"),
        output="energy_gross_kj_per_min",
        ranges={**_RANGES, "vo2max_ml_kg_min": (27.0, 81.0)},
        citation=_CITATION,
        doi=_DOI,
        function=keytel2005_vo2max,
        spread="r = 0.913 (R^2 0.833) between measured and estimated; no SEE in the abstract",
        notes="Gross energy; VO2max measured in the study (27-81 ml/kg/min).",
    ),
)
