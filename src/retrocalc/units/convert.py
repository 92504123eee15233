"""Numbers from one unit to another: speeds, gradients, masses, durations, distances, energies.

Plain numpy expressions: a Python scalar gives a float, an ndarray an ndarray and a pandas
Series a Series with its index. Exact definitions: 1 mile = 1609.344 m (international mile),
1 lb = 0.45359237 kg, 1 kcal = 4.184 kJ (thermochemical calorie).
"""

from __future__ import annotations

from typing import Any

import numpy as np

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
    "percent_to_grade",
    "s_to_minutes",
]


# documented where users read them, in retrocalc.units
MILE_M = 1609.344  # metres in one international mile
LB_TO_KG = 0.45359237  # kilograms in one avoirdupois pound
KCAL_TO_KJ = 4.184  # kilojoules in one thermochemical kilocalorie


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


def pace_min_km_to_speed(minutes_per_km: Any) -> Any:
    """Numeric pace [min/km] to speed [m/s] (a zero pace gives ``inf``)."""
    with np.errstate(divide="ignore"):
        return 1000.0 / (np.asarray(minutes_per_km, dtype=np.float64) * 60.0)


def pace_min_mi_to_speed(minutes_per_mi: Any) -> Any:
    """Numeric pace [min/mi] to speed [m/s] (a zero pace gives ``inf``)."""
    with np.errstate(divide="ignore"):
        return MILE_M / (np.asarray(minutes_per_mi, dtype=np.float64) * 60.0)
