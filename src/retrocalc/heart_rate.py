"""Energy from heart rate (Keytel et al. 2005), kept apart from the locomotion models.

:func:`estimate_hr` gives gross and net power and energy from heart rate as **separate
outputs**, every name prefixed ``hr_``, so they never mix with the motion-based outputs of
:func:`retrocalc.estimate`. :func:`retrocalc.calibrate` can use one to scale the other.

Validity and the blend toward rest
----------------------------------
Keytel's equations were fitted between about 57 % and 90 % of maximal heart rate, on people
aged 18-45 years weighing 47-120 kg. Outside those ranges the estimate is flagged
(``hr_in_range`` False). Below 57 % HRmax a straight line is used instead of the equation,
which would go negative near 52-57 bpm:

.. math::
    P(HR) = P_\\text{rest} + w\\,\\bigl(P_\\text{Keytel}(HR_{57}) - P_\\text{rest}\\bigr), \\qquad
    w = \\operatorname{clip}\\!\\left(\\frac{HR - HR_\\text{rest}}{HR_{57} - HR_\\text{rest}},
    0, 1\\right)

with :math:`HR_{57} = 0.57\\,HR_\\text{max}`: the estimate falls linearly from Keytel's value
at the lower validity limit to the resting rate at the resting heart rate, and never below
rest. Such rows have ``hr_blended`` True. :math:`HR_\\text{max}` is measured or Tanaka et al.'s
:math:`208 - 0.7\\,A`; :math:`HR_\\text{rest}` is measured or 60 bpm, the lower end of the
conventional 60-100 bpm adult resting range (a convention, not a fitted value: give your own).
The resting rate is 3.5 ml/kg/min at 5.0 kcal/l O2 unless given.

Compute per sample, not from an average heart rate: the equations are linear in HR, but the
blend and the flags are not.

References
----------
.. [1] Keytel L.R. et al. (2005). J Sports Sci 23(3):289-297.
   :doi:`10.1080/02640410470001730089`
.. [2] Tanaka H., Monahan K.D., Seals D.R. (2001). Age-predicted maximal heart rate revisited.
   J Am Coll Cardiol 37(1):153-156. :doi:`10.1016/S0735-1097(00)01054-8`
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, fields
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from . import energy
from ._wrap import Locator, ResultMixin, is_dataframe, label_codes, pack
from .exceptions import OutOfRangeError, RangeWarning
from .models.keytel2005 import SPECS, keytel2005, keytel2005_vo2max
from .nomenclature import counted
from .units import KCAL_TO_KJ

__all__ = [
    "DEFAULT_RESTING_HR_BPM",
    "HR_MODELS",
    "HeartRateResult",
    "estimate_hr",
    "tanaka_hr_max",
]

FloatArray = NDArray[np.float64]

#: Heart-rate models by name (not in the locomotion registry).
HR_MODELS = {s.name: s for s in SPECS}
#: Resting heart rate used by the blend when none is given [1/min]: the lower end of the
#: conventional adult resting range (60-100 bpm).
DEFAULT_RESTING_HR_BPM = 60.0
#: Heart rates above this are not read as one by the batch [1/min]: above any adult's
#: maximal heart rate (Tanaka's 208 - 0.7 x age is at most 208; measured maxima rarely pass
#: 220), so a sensor glitch or another quantity.
MAX_PLAUSIBLE_HR_BPM = 250.0
_BAND = HR_MODELS["keytel2005"].ranges["heart_rate_fraction_of_max"]
assert _BAND[0] is not None
assert _BAND[1] is not None
#: Keytel's heart-rate band as fractions of HRmax (57 % and 90 %).
_LOW: float = _BAND[0]
_HIGH: float = _BAND[1]


def tanaka_hr_max(age_years: Any) -> Any:
    """Age-predicted maximal heart rate, 208 - 0.7 x age (Tanaka et al. 2001) [1/min].

    References
    ----------
    .. [1] Tanaka H., Monahan K.D., Seals D.R. (2001). J Am Coll Cardiol 37(1):153-156.
       :doi:`10.1016/S0735-1097(00)01054-8`
    """
    return 208.0 - 0.7 * np.asarray(age_years, dtype=np.float64)


def estimable_age(age_years: Any) -> NDArray[np.bool_]:
    """True where :func:`estimate_hr` can use an age with the default maximal and resting
    heart rates: age > 0, and 57 % of Tanaka's maximal heart rate above the default resting
    heart rate (ages below about 147 years)."""
    age = np.asarray(age_years, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return np.asarray((age > 0) & (_LOW * tanaka_hr_max(age) > DEFAULT_RESTING_HR_BPM))


@dataclass(frozen=True, repr=False)
class HeartRateResult(ResultMixin):
    """Energy from heart rate, in the kind of the inputs (float, ndarray or Series).

    Attributes
    ----------
    hr_power_gross_w, hr_power_net_w : [W]
        Metabolic power from heart rate, total and above rest.
    hr_energy_gross_kcal, hr_energy_net_kcal, hr_energy_gross_kj, hr_energy_net_kj : [kcal], [kJ]
        Energy over the duration (NaN without one).
    hr_fraction_of_max : [1]
        Heart rate / maximal heart rate.
    hr_blended : bool
        True below 57 % HRmax, where the estimate is blended toward rest.
    hr_in_range : bool
        False outside Keytel's validity (57-90 % HRmax, 18-45 y, 47-120 kg, VO2max 27-81)
        or where an input is missing.
    hr_model_used : str
        ``"keytel2005"`` or ``"keytel2005_vo2max"``.
    """

    hr_power_gross_w: Any
    hr_power_net_w: Any
    hr_energy_gross_kcal: Any
    hr_energy_net_kcal: Any
    hr_energy_gross_kj: Any
    hr_energy_net_kj: Any
    hr_fraction_of_max: Any
    hr_blended: Any
    hr_in_range: Any
    hr_model_used: Any

    def to_dict(self) -> dict[str, Any]:
        """Attributes as a dict keyed by output name."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


_INPUT_NAMES = (
    "heart_rate_bpm",
    "mass_kg",
    "age_years",
    "vo2max_ml_kg_min",
    "duration_s",
    "hr_max_bpm",
    "resting_hr_bpm",
    "resting_vo2_ml_kg_min",
)


def estimate_hr(
    data: Any = None,
    /,
    *,
    heart_rate_bpm: Any = None,
    mass_kg: Any = None,
    age_years: Any = None,
    sex: Any = None,
    vo2max_ml_kg_min: Any = None,
    duration_s: Any = None,
    hr_max_bpm: Any = None,
    resting_hr_bpm: Any = None,
    resting_vo2_ml_kg_min: Any = None,
    out_of_range: Literal["warn", "flag", "nan", "raise"] = "flag",
) -> Any:
    """Gross and net metabolic power and energy from heart rate (Keytel et al. 2005).

    Parameters
    ----------
    data : pandas.DataFrame, optional
        Inputs as columns of these names; returns the frame plus the ``hr_`` columns.
    heart_rate_bpm : float, array_like or Series [1/min]
        Heart rate, per sample (not a session average). Required, > 0.
    mass_kg : float, array_like or Series [kg]
        Body mass. Required.
    age_years : float, array_like or Series [year]
        Age. Required.
    sex : {"male", "female"} or array_like of them
        Required: the equations differ by sex.
    vo2max_ml_kg_min : float, array_like or Series [ml/kg/min], optional
        Measured VO2max: selects the equation with VO2max.
    duration_s : float, array_like or Series [s], optional
        Duration of each sample or bout; energies are NaN without it.
    hr_max_bpm : float, array_like or Series [1/min], optional
        Maximal heart rate; default Tanaka's 208 - 0.7 x age.
    resting_hr_bpm : float, array_like or Series [1/min], optional
        Resting heart rate for the blend below 57 % HRmax; default 60.
    resting_vo2_ml_kg_min : float, array_like or Series [ml/kg/min], optional
        Resting oxygen uptake for rest and net outputs; default 3.5 (at 5.0 kcal/l O2).
    out_of_range : {"flag", "warn", "nan", "raise"}, default "flag"
        Rows outside the validity ranges: only flag, warn too, give NaN, or raise.

    Returns
    -------
    HeartRateResult or pandas.DataFrame

    Raises
    ------
    TypeError
        A required input is missing.
    ValueError
        An impossible value (heart rate <= 0, mass <= 0, unknown sex...).

    References
    ----------
    .. [1] Keytel L.R. et al. (2005). J Sports Sci 23(3):289-297.
       :doi:`10.1080/02640410470001730089`

    Examples
    --------
    A 75 kg man of 35 at 150 bpm for 30 minutes:

    >>> r = estimate_hr(heart_rate_bpm=150, mass_kg=75, age_years=35, sex="male",
    ...                 duration_s=1800)
    >>> round(r.hr_energy_gross_kcal)
    441
    """
    given = {
        "heart_rate_bpm": heart_rate_bpm,
        "mass_kg": mass_kg,
        "age_years": age_years,
        "vo2max_ml_kg_min": vo2max_ml_kg_min,
        "duration_s": duration_s,
        "hr_max_bpm": hr_max_bpm,
        "resting_hr_bpm": resting_hr_bpm,
        "resting_vo2_ml_kg_min": resting_vo2_ml_kg_min,
        "sex": sex,
    }
    if data is not None:
        if not is_dataframe(data):
            raise TypeError(
                "estimate_hr() takes a pandas DataFrame as its only positional argument; "
                f"pass other inputs by keyword (got {type(data).__name__})"
            )
        for name in given:
            if name in data.columns:
                if given[name] is not None:
                    raise ValueError(f"{name} is both a column and a keyword; give it once")
                given[name] = data[name]
    if out_of_range not in ("warn", "flag", "nan", "raise"):
        raise ValueError(
            f"out_of_range must be 'warn', 'flag', 'nan' or 'raise', got {out_of_range!r}"
        )
    for name in ("heart_rate_bpm", "mass_kg", "age_years", "sex"):
        if given[name] is None:
            raise TypeError(f"estimate_hr() needs {name}")
    result = _estimate_hr(given, out_of_range)
    if data is None:
        return result
    frame = data.copy()
    n = len(frame)
    for name, value in result.to_dict().items():
        frame[name] = np.broadcast_to(np.asarray(value), (n,)) if np.ndim(value) == 0 else value
    return frame


def _estimate_hr(given: dict[str, Any], policy: str) -> HeartRateResult:
    values = {k: v for k, v in given.items() if k != "sex" and v is not None}
    packed = pack(values, {"sex": given["sex"]})
    shape = packed.shape
    size = int(np.prod(shape))
    where = Locator(shape, packed.index)

    def flat(name: str) -> FloatArray:
        return np.broadcast_to(packed.arrays[name], shape).reshape(-1).astype(np.float64)

    hr = flat("heart_rate_bpm")
    mass = flat("mass_kg")
    age = flat("age_years")
    for name, x in (("heart_rate_bpm", hr), ("mass_kg", mass), ("age_years", age)):
        bad = x <= 0
        if np.any(bad):
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(f"{name} must be > 0; got {x[i]:g} at {where(i)}")
    male = label_codes(where, "sex", packed.arrays["sex"], energy.SEX_CODES, shape)
    with_vo2max = "vo2max_ml_kg_min" in packed.arrays
    hr_max = flat("hr_max_bpm") if "hr_max_bpm" in packed.arrays else tanaka_hr_max(age)
    hr_rest = (
        flat("resting_hr_bpm")
        if "resting_hr_bpm" in packed.arrays
        else np.full(size, DEFAULT_RESTING_HR_BPM)
    )
    rest_vo2 = (
        flat("resting_vo2_ml_kg_min")
        if "resting_vo2_ml_kg_min" in packed.arrays
        else np.full(size, energy.RESTING_VO2_ML_KG_MIN)
    )
    for name, x in (("hr_max_bpm", hr_max), ("resting_vo2_ml_kg_min", rest_vo2)):
        bad = x <= 0
        if np.any(bad):
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(f"{name} must be > 0; got {x[i]:g} at {where(i)}")
    bad = hr_rest >= _LOW * hr_max
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"resting_hr_bpm must be below 57 % of hr_max_bpm ({_LOW * hr_max[i]:g}); "
            f"got {hr_rest[i]:g} at {where(i)}"
        )

    vo2max = flat("vo2max_ml_kg_min") if with_vo2max else np.full(size, np.nan)
    if with_vo2max:

        def kj_min(h: FloatArray) -> FloatArray:
            return np.asarray(keytel2005_vo2max(h, mass, age, vo2max, male), dtype=np.float64)

        spec = HR_MODELS["keytel2005_vo2max"]
    else:

        def kj_min(h: FloatArray) -> FloatArray:
            return np.asarray(keytel2005(h, mass, age, male), dtype=np.float64)

        spec = HR_MODELS["keytel2005"]

    rest_w = rest_vo2 * mass * energy.KCAL_PER_LITRE_O2 * KCAL_TO_KJ / 60.0  # ml/min -> W
    keytel_w = kj_min(hr) * 1000.0 / 60.0
    low_hr = _LOW * hr_max
    at_low_w = kj_min(low_hr) * 1000.0 / 60.0
    weight = np.clip((hr - hr_rest) / (low_hr - hr_rest), 0.0, 1.0)
    blended_w = rest_w + weight * (at_low_w - rest_w)
    fraction = hr / hr_max
    blended = fraction < _LOW
    gross_w = np.maximum(np.where(blended, blended_w, keytel_w), rest_w)

    # validity: the study's heart-rate band and population
    out = (fraction < _LOW) | (fraction > _HIGH)
    reasons: list[str] = []
    checks = [("heart_rate_fraction_of_max", fraction), ("age_years", age), ("mass_kg", mass)]
    if with_vo2max:
        checks.append(("vo2max_ml_kg_min", vo2max))
    for name, x in checks:
        lo, hi = spec.ranges[name]
        bad = np.zeros(size, dtype=bool)
        if lo is not None:
            bad |= x < lo
        if hi is not None:
            bad |= x > hi
        if np.any(bad):
            i = int(np.flatnonzero(bad)[0])
            reasons.append(
                f"{name}={x[i]:.3g} at {where(i)} outside [{lo:g}, {hi:g}] "
                f"({counted(int(np.count_nonzero(bad)), 'row')})"
            )
            out |= bad
    if reasons and policy in ("warn", "raise"):
        message = (
            f"{int(np.count_nonzero(out))} of {size} heart-rate estimates lie outside the "
            f"validity of {spec.name}: {'; '.join(reasons)}"
        )
        if policy == "raise":
            raise OutOfRangeError(message)
        warnings.warn(message, RangeWarning, stacklevel=3)
    if policy == "nan":
        gross_w = np.where(out, np.nan, gross_w)
    missing = (male < 0) | ~np.isfinite(gross_w)
    gross_w = np.where(male < 0, np.nan, gross_w)
    net_w = gross_w - rest_w
    if "duration_s" in packed.arrays:
        duration = flat("duration_s")
        bad = duration < 0
        if np.any(bad):
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(f"duration_s must be >= 0; got {duration[i]:g} at {where(i)}")
    else:
        duration = np.full(size, np.nan)
    gross_kj = gross_w * duration / 1000.0
    net_kj = net_w * duration / 1000.0
    columns: dict[str, NDArray[Any]] = {
        "hr_power_gross_w": gross_w,
        "hr_power_net_w": net_w,
        "hr_energy_gross_kcal": gross_kj / KCAL_TO_KJ,
        "hr_energy_net_kcal": net_kj / KCAL_TO_KJ,
        "hr_energy_gross_kj": gross_kj,
        "hr_energy_net_kj": net_kj,
        "hr_fraction_of_max": fraction,
        "hr_blended": blended,
        "hr_in_range": ~(out | missing),
        "hr_model_used": np.full(size, spec.name, dtype=object),
    }
    return HeartRateResult(
        **{k: packed.unpack(np.asarray(v).reshape(shape), k) for k, v in columns.items()}
    )
