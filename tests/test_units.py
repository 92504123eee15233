"""Unit conversions against their definitions (international mile, avoirdupois pound...)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import retrocalc as rc
from retrocalc import units as u


@pytest.mark.parametrize(
    ("func", "value", "expected"),
    [
        (u.mph_to_m_s, 1.0, 0.44704),  # exact by definition of the international mile
        (u.kmh_to_m_s, 36.0, 10.0),
        (u.m_s_to_kmh, 2.5, 9.0),
        (u.m_s_to_mph, 0.44704, 1.0),
        (u.percent_to_grade, 5.0, 0.05),
        (u.grade_to_percent, -0.1, -10.0),
        (u.degrees_to_grade, 45.0, 1.0),
        (u.grade_to_degrees, 1.0, 45.0),
        (u.lb_to_kg, 1.0, 0.45359237),
        (u.kg_to_lb, 0.45359237, 1.0),
        (u.minutes_to_s, 1.5, 90.0),
        (u.s_to_minutes, 90.0, 1.5),
        (u.km_to_m, 5.0, 5000.0),
        (u.m_to_km, 5000.0, 5.0),
        (u.mi_to_m, 1.0, 1609.344),
        (u.m_to_mi, 1609.344, 1.0),
        (u.kcal_to_kj, 1.0, 4.184),
        (u.kj_to_kcal, 4.184, 1.0),
    ],
)
def test_definitions(func: object, value: float, expected: float) -> None:
    assert func(value) == pytest.approx(expected, rel=1e-12)  # type: ignore[operator]


def test_numeric_conversions_keep_kind() -> None:
    s = pd.Series([10.0, 20.0], index=["a", "b"])
    out = u.kmh_to_m_s(s)
    assert isinstance(out, pd.Series)
    assert out.index.equals(s.index)
    assert isinstance(u.mph_to_m_s(np.array([1.0, 2.0])), np.ndarray)


@pytest.mark.parametrize(
    ("pace", "unit", "seconds", "metres"),
    [
        ("5:00/km", None, 300, 1000.0),
        ("5:30 /km", None, 330, 1000.0),
        ("5:30 min/km", None, 330, 1000.0),
        ("8:45/mi", None, 525, 1609.344),
        ("8:45 min/mile", None, 525, 1609.344),
        ("1:02:03/mi", None, 3723, 1609.344),
        ("4:05.5/km", None, 245.5, 1000.0),
        ("6:00", "km", 360, 1000.0),
        ("6:00", "min/mi", 360, 1609.344),
        (" 7:15/KM ", None, 435, 1000.0),
    ],
)
def test_pace_strings(pace: str, unit: str | None, seconds: float, metres: float) -> None:
    assert rc.pace_to_speed(pace, unit=unit) == pytest.approx(metres / seconds, rel=1e-12)


def test_pace_numbers_need_a_unit() -> None:
    assert rc.pace_to_speed(5.0, unit="km") == pytest.approx(1000 / 300)
    np.testing.assert_allclose(rc.pace_to_speed([5.0, 10.0], unit="mi"), [5.36448, 2.68224])
    with pytest.raises(ValueError, match="needs a unit"):
        rc.pace_to_speed(5.0)


@pytest.mark.parametrize(
    ("pace", "pattern"),
    [
        ("fast", r"pace 'fast' is not of the form"),
        ("5:75/km", r"75 seconds; expected fewer than 60"),
        ("5:30", r"has no unit"),
        ("5:30/parsec", r"is not of the form"),
    ],
)
def test_bad_pace(pace: str, pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        rc.pace_to_speed(pace)


def test_pace_unit_conflict_and_bad_unit() -> None:
    with pytest.raises(ValueError, match="says /km but unit='mi'"):
        rc.pace_to_speed("5:00/km", unit="mi")
    with pytest.raises(ValueError, match="pace unit must be"):
        rc.pace_to_speed("5:00", unit="furlong")


def test_pace_arrays_series_missing_and_positions() -> None:
    arr = rc.pace_to_speed(["5:00/km", "", None, "5:00/km", "10:00/mi"])
    assert isinstance(arr, np.ndarray)
    np.testing.assert_allclose(arr[[0, 3, 4]], [1000 / 300, 1000 / 300, 1609.344 / 600])
    assert np.isnan(arr[1])
    assert np.isnan(arr[2])
    s = pd.Series(["5:00/km", np.nan], index=["x", "y"])
    out = rc.pace_to_speed(s)
    assert isinstance(out, pd.Series)
    assert out.index.equals(s.index)
    assert np.isnan(out["y"])
    with pytest.raises(ValueError, match=r"at index 'b'"):
        rc.pace_to_speed(pd.Series(["5:00/km", "oops"], index=["a", "b"]))
    with pytest.raises(ValueError, match=r"at index 2"):
        rc.pace_to_speed(["5:00/km", "5:00/km", "oops"])
    assert rc.pace_to_speed("0:00/km") == math.inf


def test_speed_to_pace() -> None:
    assert rc.speed_to_pace(1000 / 330) == "5:30/km"
    assert rc.speed_to_pace(1609.344 / 525, "mi") == "8:45/mi"
    assert rc.speed_to_pace(1609.344 / 3723, "mi") == "1:02:03/mi"
    assert rc.speed_to_pace(1000 / 299.6) == "5:00/km"  # rounds to the nearest second
    out = rc.speed_to_pace([1000 / 300, 0.0, np.nan])
    assert list(out) == ["5:00/km", "", ""]
    s = rc.speed_to_pace(pd.Series([1000 / 240], index=[5]), "min/km")
    assert isinstance(s, pd.Series)
    assert s[5] == "4:00/km"
