"""Unit conversions against their definitions (international mile, avoirdupois pound...)."""

from __future__ import annotations

import contextlib
import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import retrocalc as rc
from retrocalc import units as u
from retrocalc.units import text as unit_text


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


# --- durations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1:02:03", 1 * 3600 + 2 * 60 + 3),
        ("01:02:03", 1 * 3600 + 2 * 60 + 3),
        ("45:10", 45 * 60 + 10),
        ("75:30", 75 * 60 + 30),  # MM:SS: the minutes may pass an hour
        ("0:45:10.5", 45 * 60 + 10.5),
        ("00:29:51.2", 29 * 60 + 51.2),
        ("12:34:56.789", 12 * 3600 + 34 * 60 + 56.789),
        ("  1:00:00 ", 3600),
        ("1 day, 2:03:04", 86400 + 2 * 3600 + 3 * 60 + 4),  # str(timedelta)
        ("2 days, 0:00:01", 2 * 86400 + 1),
        ("0 days 00:45:10", 45 * 60 + 10),  # str(pd.Timedelta)
        ("0 days 00:00:01.500000", 1.5),
        ("1800", 1800),
        ("90.5", 90.5),
    ],
)
def test_duration_texts(text: str, seconds: float) -> None:
    assert u.parse_durations(text) == pytest.approx(seconds, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("1:60:00", r"duration '1:60:00' has 60 minutes after the hours"),
        ("5:75", r"75 seconds; expected fewer than 60"),
        ("-5:00", r"is not of the form 'H:MM:SS', 'MM:SS' or 'H:MM:SS.s'"),
        ("1:2:3:4", r"is not of the form"),
        ("1h30", r"is not of the form"),
        ("5:3x", r"is not of the form"),
        ("1 day, 25:00", r"is not of the form"),
        ("x days 1:00:00", r"is not of the form"),
        (":30", r"is not of the form"),
        (".", r"is not of the form"),
    ],
)
def test_bad_duration_texts(text: str, pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        u.parse_durations(text)


def test_bad_duration_position_and_long_text() -> None:
    with pytest.raises(ValueError, match=r"at index 'b'"):
        u.parse_durations(pd.Series(["1:00", "oops"], index=["a", "b"]))
    with pytest.raises(ValueError, match=r"at index 2"):
        u.parse_durations(["1:00", "1:00", "oops"])
    # an integer Series index is named as the user wrote it, not as numpy's repr np.int64(11)
    with pytest.raises(ValueError, match=r"\(at index 11\)$"):
        u.parse_durations(pd.Series(["1:00", "oops"], index=[10, 11]))
    with pytest.raises(ValueError, match="is not of the form") as info:
        u.parse_durations("x" * 100_000)
    assert len(str(info.value)) < 200  # the text is quoted shortened


def test_durations_of_every_kind() -> None:
    assert u.parse_durations(dt.timedelta(hours=1, seconds=1.5)) == 3601.5
    assert isinstance(u.parse_durations(dt.timedelta(minutes=1)), float)
    assert u.parse_durations(pd.Timedelta("1h 2min")) == 3720.0
    assert u.parse_durations(np.timedelta64(90, "s")) == 90.0
    assert u.parse_durations(1800) == 1800.0
    arr = u.parse_durations(np.array([1, 2, 3], dtype="timedelta64[m]"))
    np.testing.assert_array_equal(arr, [60.0, 120.0, 180.0])
    s = pd.Series(pd.to_timedelta(["1h", None, "30s"]), index=[7, 8, 9])
    out = u.parse_durations(s)
    assert isinstance(out, pd.Series)
    assert out.index.equals(s.index)
    assert out[7] == 3600.0
    assert np.isnan(out[8])
    mixed = np.array([dt.timedelta(seconds=5), "1:00", 7.5, None, np.nan], dtype=object)
    np.testing.assert_array_equal(u.parse_durations(mixed), [5.0, 60.0, 7.5, np.nan, np.nan])
    grid = u.parse_durations([["1:00", "2:00"], ["", "0:01:00"]])
    assert grid.shape == (2, 2)
    np.testing.assert_array_equal(grid, [[60.0, 120.0], [np.nan, 60.0]])
    assert u.parse_durations([]).shape == (0,)


def test_durations_refused() -> None:
    with pytest.raises(ValueError, match=r"must not be negative; got -5 s"):
        u.parse_durations(dt.timedelta(seconds=-5))
    with pytest.raises(ValueError, match=r"must not be negative; got -60 s at index 1"):
        u.parse_durations(np.array([0, -1], dtype="timedelta64[m]"))
    with pytest.raises(ValueError, match=r"at index 1"):
        u.parse_durations([5.0, -1.0])
    with pytest.raises(TypeError, match=r"datetime64"):
        u.parse_durations(np.array(["2024-01-01T10:00"], dtype="datetime64[m]"))
    with pytest.raises(TypeError, match=r"booleans"):
        u.parse_durations([True, False])


@given(
    st.integers(0, 99), st.integers(0, 59), st.integers(0, 59), st.sampled_from(["", ".5", ".25"])
)
def test_duration_clock_property(h: int, m: int, s: int, frac: str) -> None:
    expected = h * 3600 + m * 60 + s + (float(frac) if frac else 0.0)
    assert u.parse_durations(f"{h}:{m:02d}:{s:02d}{frac}") == pytest.approx(expected)
    if h == 0:
        assert u.parse_durations(f"{m}:{s:02d}{frac}") == pytest.approx(expected)


@given(st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=999)))
def test_str_of_timedelta_round_trips(delta: dt.timedelta) -> None:
    # Python's own total_seconds() is the independent value; str() is what a CSV holds
    assert u.parse_durations(str(delta)) == pytest.approx(delta.total_seconds(), abs=1e-6)
    assert u.parse_durations(str(pd.Timedelta(delta))) == pytest.approx(
        delta.total_seconds(), abs=1e-6
    )


def test_each_distinct_duration_text_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    parse = unit_text._parse_duration

    def counting(text: str, numbers: bool = True) -> float:
        seen.append(text)
        return parse(text, numbers)

    monkeypatch.setattr(unit_text, "_parse_duration", counting)
    out = u.parse_durations(np.array(["1:00", "2:00", "1:00"] * 50_000))
    assert sorted(seen) == ["1:00", "2:00"]
    assert out.sum() == 50_000 * (60 + 120 + 60)


def test_parse_duration_texts_keeps_failures() -> None:
    seconds, errors = u.parse_duration_texts(["1:00", "bad", ""])
    assert seconds[0] == 60.0
    assert np.isnan(seconds[1:]).all()
    assert errors[0] == errors[2] == ""
    assert "duration 'bad' is not of the form" in errors[1]


# --- parsing time is linear in the text's length ---------------------------------------


def _fastest(func: object, text: str, repeat: int = 15) -> float:
    import time

    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        with contextlib.suppress(ValueError):
            func(text)  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize(
    ("func", "make"),
    [
        (lambda t: unit_text._parse_pace(t, "km"), lambda n: "5:30" + " " * n + "x"),
        (lambda t: unit_text._parse_pace(t, None), lambda n: "5:30 min" + " " * n + "/km x"),
        (unit_text._parse_duration, lambda n: "1:02:03" + " " * n + "x"),
        (unit_text._parse_duration, lambda n: "1" * n + ":"),
        (unit_text._parse_duration, lambda n: " " * n + "1 day" + " " * n),
    ],
)
def test_parsing_scales_linearly(func: object, make: object) -> None:
    # Not a speed target: a complexity check of the parser of one text. Ten times the text may
    # take about ten times as long; a backtracking pattern (the old pace regex: optional blanks
    # on both sides of an optional group) takes about a hundred times as long, and minutes at
    # 120 KB.
    small = _fastest(func, make(12_000))  # type: ignore[operator]
    large = _fastest(func, make(120_000))  # type: ignore[operator]
    assert large < 40 * max(small, 1e-6)


def test_a_padded_120_kb_pace_in_an_array_is_an_error_not_a_hang() -> None:
    texts = ["5:30/km", "5:30" + " " * 120_000 + "x"]
    with pytest.raises(ValueError, match=r"is not of the form .* \(at index 1\)"):
        rc.pace_to_speed(texts)
