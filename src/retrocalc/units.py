"""Unit conversions at the edges: everything inside retrocalc is SI.

All functions are vectorised. The numeric ones are plain numpy expressions, so a Python
scalar gives a float, an ndarray an ndarray and a pandas Series a Series with its index.
The pace functions go through retrocalc's type-preserving wrapper and parse each distinct
pace string once, so a million rows with a few hundred distinct paces cost a few hundred
parses.

Exact definitions: 1 mile = 1609.344 m (international mile), 1 lb = 0.45359237 kg,
1 kcal = 4.184 kJ (thermochemical calorie).
"""

from __future__ import annotations

import re
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from ._wrap import MISSING_LABELS, Locator, as_label_array, kind_of, unpack

__all__ = [
    "KCAL_TO_KJ",
    "LB_TO_KG",
    "MILE_M",
    "degrees_to_grade",
    "grade_to_degrees",
    "grade_to_percent",
    "hours_to_s",
    "inches_to_cm",
    "kcal_to_kj",
    "kg_to_lb",
    "kj_to_kcal",
    "km_to_m",
    "kmh_to_m_s",
    "lb_to_kg",
    "m_s_to_kmh",
    "m_s_to_mph",
    "m_to_km",
    "m_to_mi",
    "mi_to_m",
    "minutes_to_s",
    "mph_to_m_s",
    "pace_min_km_to_speed",
    "pace_min_mi_to_speed",
    "pace_to_speed",
    "parse_paces",
    "percent_to_grade",
    "s_to_minutes",
    "speed_to_pace",
]


#: Metres in one international mile.
MILE_M = 1609.344
#: Kilograms in one avoirdupois pound.
LB_TO_KG = 0.45359237
#: Kilojoules in one thermochemical kilocalorie.
KCAL_TO_KJ = 4.184

PaceUnit = Literal["km", "mi"]


def kmh_to_m_s(speed_kmh: Any) -> Any:
    """Speed [km/h] to [m/s]."""
    return speed_kmh / 3.6


def m_s_to_kmh(speed_m_s: Any) -> Any:
    """Speed [m/s] to [km/h]."""
    return speed_m_s * 3.6


def mph_to_m_s(speed_mph: Any) -> Any:
    """Speed [mile/h] to [m/s]."""
    return speed_mph * (MILE_M / 3600.0)


def m_s_to_mph(speed_m_s: Any) -> Any:
    """Speed [m/s] to [mile/h]."""
    return speed_m_s * (3600.0 / MILE_M)


def percent_to_grade(grade_pct: Any) -> Any:
    """Gradient [%] to a fraction rise/run [1]."""
    return grade_pct / 100.0


def grade_to_percent(grade: Any) -> Any:
    """Gradient as a fraction [1] to [%]."""
    return grade * 100.0


def degrees_to_grade(angle_deg: Any) -> Any:
    """Slope angle [degrees] to a gradient fraction rise/run [1] (``tan``)."""
    return np.tan(np.deg2rad(angle_deg))


def grade_to_degrees(grade: Any) -> Any:
    """Gradient fraction rise/run [1] to a slope angle [degrees] (``arctan``)."""
    return np.rad2deg(np.arctan(grade))


def lb_to_kg(mass_lb: Any) -> Any:
    """Mass [lb] to [kg]."""
    return mass_lb * LB_TO_KG


def kg_to_lb(mass_kg: Any) -> Any:
    """Mass [kg] to [lb]."""
    return mass_kg / LB_TO_KG


def minutes_to_s(minutes: Any) -> Any:
    """Duration [min] to [s]."""
    return minutes * 60.0


def s_to_minutes(seconds: Any) -> Any:
    """Duration [s] to [min]."""
    return seconds / 60.0


def hours_to_s(hours: Any) -> Any:
    """Duration [h] to [s]."""
    return hours * 3600.0


def inches_to_cm(length_in: Any) -> Any:
    """Length [in] to [cm] (1 in = 2.54 cm exactly)."""
    return length_in * 2.54


def km_to_m(distance_km: Any) -> Any:
    """Distance [km] to [m]."""
    return distance_km * 1000.0


def m_to_km(distance_m: Any) -> Any:
    """Distance [m] to [km]."""
    return distance_m / 1000.0


def mi_to_m(distance_mi: Any) -> Any:
    """Distance [mile] to [m]."""
    return distance_mi * MILE_M


def m_to_mi(distance_m: Any) -> Any:
    """Distance [m] to [mile]."""
    return distance_m / MILE_M


def kcal_to_kj(energy_kcal: Any) -> Any:
    """Energy [kcal] to [kJ]."""
    return energy_kcal * KCAL_TO_KJ


def kj_to_kcal(energy_kj: Any) -> Any:
    """Energy [kJ] to [kcal]."""
    return energy_kj / KCAL_TO_KJ


_UNIT_M = {"km": 1000.0, "mi": MILE_M}
_UNIT_ALIASES: dict[str, PaceUnit] = {
    "km": "km",
    "kilometer": "km",
    "kilometre": "km",
    "mi": "mi",
    "mile": "mi",
}
# "5:30/km", "5:30 /km", "5:30 min/km", "1:02:03/mi", "5:30.5 min/mile", "5:30" (unit given)
_PACE_RE = re.compile(
    r"""^\s*(?:(?P<h>\d+):)??(?P<m>\d+):(?P<s>\d{1,2}(?:\.\d*)?)\s*
        (?:(?:min)?\s*/\s*(?P<unit>km|kilometers?|kilometres?|mi|miles?))?\s*$""",
    re.VERBOSE | re.IGNORECASE,
)


def _unit_name(unit: str | None) -> PaceUnit | None:
    if unit is None:
        return None
    key = unit.strip().lower().removeprefix("min").strip().lstrip("/").strip().rstrip("s")
    if key not in _UNIT_ALIASES:
        raise ValueError(f"pace unit must be 'km' or 'mi' (or 'min/km', 'min/mi'), got {unit!r}")
    return _UNIT_ALIASES[key]


def _parse_pace(text: str, unit: PaceUnit | None) -> float:
    """Seconds per metre of one pace; raises ValueError with the text on failure."""
    if text.strip().lower() in MISSING_LABELS:
        return np.nan
    match = _PACE_RE.match(text)
    if match is None:
        raise ValueError(
            f"pace {text!r} is not of the form 'M:SS/km', 'M:SS/mi', 'M:SS min/km' or 'H:MM:SS/mi'"
        )
    found = match["unit"]
    found_unit = _unit_name(found) if found else None
    if found_unit is None and unit is None:
        raise ValueError(f"pace {text!r} has no unit: write '/km' or '/mi', or pass unit=")
    if found_unit is not None and unit is not None and found_unit != unit:
        raise ValueError(f"pace {text!r} says /{found_unit} but unit={unit!r} was passed")
    seconds = float(match["s"])
    if seconds >= 60.0:
        raise ValueError(f"pace {text!r} has {seconds:g} seconds; expected fewer than 60")
    total = int(match["h"] or 0) * 3600.0 + int(match["m"]) * 60.0 + seconds
    chosen = found_unit if found_unit is not None else unit
    assert chosen is not None  # both None was rejected above
    return total / _UNIT_M[chosen]


def pace_to_speed(pace: Any, unit: str | None = None) -> Any:
    """Convert pace to speed.

    Parameters
    ----------
    pace : str, float, sequence, ndarray or Series
        Pace strings such as ``"5:30/km"``, ``"8:45/mi"``, ``"5:30 min/km"`` or
        ``"1:02:30/mi"``; or numbers of minutes per ``unit``.
    unit : {"km", "mi", "min/km", "min/mi"}, optional
        Distance unit for strings without one and for numbers.

    Returns
    -------
    speed_m_s : float, ndarray or Series
        Speed [m/s]; NaN for missing paces (None, NaN); ``inf`` for a zero pace.

    Raises
    ------
    ValueError
        Naming the first malformed pace and its position.

    Examples
    --------
    >>> round(pace_to_speed("5:00/km"), 4)
    3.3333
    """
    norm_unit = _unit_name(unit)
    kind, index = kind_of(pace)
    raw = pace if index is None else pace.to_numpy()
    arr = np.asarray(raw)
    if arr.dtype.kind in "iuf":
        s_per_m = _numeric_pace(arr.astype(np.float64), norm_unit)
    else:
        # parse each distinct text once; missing values ("", NaN, None) give NaN
        text = as_label_array(raw).astype(str)
        uniq, inverse = np.unique(text, return_inverse=True)
        parsed = np.empty(uniq.shape, dtype=np.float64)
        for j, item in enumerate(uniq):
            try:
                parsed[j] = _parse_pace(str(item), norm_unit)
            except ValueError as exc:
                i = int(np.flatnonzero(inverse.reshape(-1) == j)[0])
                raise ValueError(f"{exc} (at {Locator(text.shape, index)(i)})") from None
        s_per_m = parsed[inverse].reshape(text.shape)
    with np.errstate(divide="ignore"):
        speed = 1.0 / s_per_m
    return unpack(speed, kind, index, "speed_m_s")


def _numeric_pace(minutes: NDArray[np.float64], unit: PaceUnit | None) -> NDArray[np.float64]:
    if unit is None:
        raise ValueError("a numeric pace needs a unit: pace_to_speed(..., unit='km' or 'mi')")
    return minutes * 60.0 / _UNIT_M[unit]


def pace_min_km_to_speed(minutes_per_km: Any) -> Any:
    """Numeric pace [min/km] to speed [m/s] (a zero pace gives ``inf``)."""
    with np.errstate(divide="ignore"):
        return 1000.0 / (np.asarray(minutes_per_km, dtype=np.float64) * 60.0)


def pace_min_mi_to_speed(minutes_per_mi: Any) -> Any:
    """Numeric pace [min/mi] to speed [m/s] (a zero pace gives ``inf``)."""
    with np.errstate(divide="ignore"):
        return MILE_M / (np.asarray(minutes_per_mi, dtype=np.float64) * 60.0)


def parse_paces(texts: Any, unit: str | None = None) -> tuple[NDArray[np.float64], list[str]]:
    """Parse distinct pace strings one by one, keeping each failure instead of raising.

    Parameters
    ----------
    texts : sequence of str
        Distinct pace strings (see :func:`pace_to_speed`).
    unit : {"km", "mi"}, optional
        Distance unit for strings without one.

    Returns
    -------
    speed_m_s : ndarray [m/s]
        NaN for missing and malformed paces.
    errors : list of str
        ``""`` where the text parsed (or is missing), else why it did not.
    """
    norm_unit = _unit_name(unit)
    speeds = np.empty(len(texts), dtype=np.float64)
    errors: list[str] = []
    for j, text in enumerate(texts):
        try:
            s_per_m = _parse_pace(str(text), norm_unit)
        except ValueError as exc:
            speeds[j] = np.nan
            errors.append(str(exc))
            continue
        with np.errstate(divide="ignore"):
            speeds[j] = np.float64(1.0) / s_per_m
        errors.append("")
    return speeds, errors


def speed_to_pace(speed_m_s: Any, unit: str = "km") -> Any:
    """Convert speed to a pace string ``"M:SS/km"`` (or ``"H:MM:SS/mi"`` above an hour).

    Parameters
    ----------
    speed_m_s : float, sequence, ndarray or Series
        Speed [m/s].
    unit : {"km", "mi"}
        Distance unit of the pace.

    Returns
    -------
    pace : str, ndarray of str or Series of str
        Pace rounded to the nearest second; ``""`` where the speed is not positive and finite.

    Examples
    --------
    >>> speed_to_pace(1000 / 330)
    '5:30/km'
    """
    norm_unit = _unit_name(unit)
    assert norm_unit is not None
    kind, index = kind_of(speed_m_s)
    raw = speed_m_s if index is None else speed_m_s.to_numpy()
    speed: NDArray[np.float64] = np.asarray(raw, dtype=np.float64)
    ok = np.isfinite(speed) & (speed > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        total = np.where(ok, np.rint(_UNIT_M[norm_unit] / np.where(ok, speed, 1.0)), 0)
    total_i = total.astype(np.int64)
    hours, rem = np.divmod(total_i, 3600)
    minutes, seconds = np.divmod(rem, 60)
    suffix = f"/{norm_unit}"
    mm_ss = np.char.add(np.char.add(":", np.char.zfill(seconds.astype(str), 2)), suffix)
    short = np.char.add(minutes.astype(str), mm_ss)  # used only below an hour
    long_ = np.char.add(
        np.char.add(hours.astype(str), ":"),
        np.char.add(np.char.zfill(minutes.astype(str), 2), mm_ss),
    )
    text = np.where(hours > 0, long_, short)
    result = np.where(ok, text, "").astype(object)
    return unpack(result, kind, index, "pace")
