"""Streams given as a DataFrame: names other tools use, durations, text and frames of other
libraries (polars, pyarrow)."""

from __future__ import annotations

import importlib.util
import warnings

import numpy as np
import pandas as pd
import pytest

import retrocalc as rc
from retrocalc.activity import Activity, ActivityError
from retrocalc.exceptions import ActivityWarning

N = 601


def hill(**renamed: str) -> pd.DataFrame:
    """10 minutes at 2.5 m/s up a 5 % hill (1 Hz), columns renamed as given."""
    t = np.arange(N, dtype=float)
    frame = pd.DataFrame({"elapsed_s": t, "distance_m": 2.5 * t, "altitude_m": 0.05 * 2.5 * t})
    return frame.rename(columns=renamed)


def whole(grade: float) -> float:
    """The same bout in one call of the library's estimate (running forward)."""
    return float(
        rc.estimate(
            speed_m_s=2.5, mass_kg=70, duration_s=N - 1, grade=grade, gait="run"
        ).energy_net_kcal
    )


def test_the_hill_as_named_is_the_hill() -> None:
    r = rc.estimate_activity(hill(), mass_kg=70, gait="run")
    # the filter keeps a constant grade (its ends within a window of the bout's length)
    assert r.summary["energy_net_kcal"] == pytest.approx(whole(0.05), rel=0.01)


@pytest.mark.parametrize(
    ("column", "ours"),
    [("altitude", "altitude_m"), ("elevation", "altitude_m"), ("altitude_ft", "altitude_m")],
)
def test_an_altitude_under_another_name_is_named_not_lost_silently(column: str, ours: str) -> None:
    with pytest.warns(ActivityWarning, match=rf"column '{column}' is not read: name it '{ours}'"):
        r = rc.estimate_activity(hill(altitude_m=column), mass_kg=70, gait="run")
    # not read: level ground, and the summary says why
    assert r.summary["energy_net_kcal"] == pytest.approx(whole(0.0), rel=1e-6)
    assert f"'{column}' is not read" in r.summary["warnings"]


@pytest.mark.parametrize(
    ("renamed", "missing"),
    [
        ({"distance_m": "distance"}, "'distance' is not read: name it 'distance_m'"),
        (
            {"distance_m": "distance_km"},
            "'distance_km' is not read: name it 'distance_m' \\(in m\\)",
        ),
        ({"elapsed_s": "elapsed_time"}, "'elapsed_time' is not read: name it 'elapsed_s'"),
        ({"elapsed_s": "timestamp"}, "'timestamp' is not read: name it 'time'"),
    ],
)
def test_no_usable_stream_names_the_columns_that_would_be(
    renamed: dict[str, str], missing: str
) -> None:
    with pytest.raises(ActivityError, match=missing):
        rc.estimate_activity(hill(**renamed), mass_kg=70)


def test_columns_of_no_stream_pass_quietly() -> None:
    frame = hill().assign(power_w=250.0, note="x")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rc.estimate_activity(frame.assign(altitude_m=0.0), mass_kg=70, gait="run")


def test_elapsed_as_durations_is_seconds() -> None:
    frame = hill()
    as_td = frame.assign(elapsed_s=pd.to_timedelta(frame["elapsed_s"], unit="s"))
    a = rc.estimate_activity(frame, mass_kg=70, gait="run").summary
    b = rc.estimate_activity(as_td, mass_kg=70, gait="run").summary
    assert b["elapsed_s"] == N - 1
    assert b["energy_net_kcal"] == a["energy_net_kcal"]


@pytest.mark.parametrize(
    ("column", "values", "message"),
    [
        ("distance_m", ["0", "3", "x"], r"distance_m must be numeric; got '0' at index 0"),
        (
            "heart_rate_bpm",
            [140, "high", 150],
            r"heart_rate_bpm must be numeric; got 'high' at index 1",
        ),
        ("segment", [0, 0.5, 1], r"segment must hold whole numbers .* got 0.5 at index 1"),
        ("lap", [0, np.nan, 1], r"lap must hold whole numbers .* got nan at index 1"),
    ],
)
def test_a_value_that_is_not_a_number_names_column_and_row(
    column: str, values: list[object], message: str
) -> None:
    frame = pd.DataFrame({"elapsed_s": [0.0, 1.0, 2.0], "distance_m": [0.0, 3.0, 6.0]})
    frame[column] = pd.Series(values, dtype=object)
    with pytest.raises(ActivityError, match=r"<DataFrame>: " + message):
        Activity.from_frame(frame)


def test_nullable_columns_read_as_numbers_with_gaps() -> None:
    frame = hill()
    gappy = frame.assign(distance_m=pd.array(frame["distance_m"], dtype="Float64"))
    gappy.loc[5, "distance_m"] = pd.NA
    a = rc.estimate_activity(frame, mass_kg=70, gait="run").summary
    b = rc.estimate_activity(gappy, mass_kg=70, gait="run").summary
    # one gap inside a straight line is filled on the line
    assert b["distance_m"] == pytest.approx(a["distance_m"], rel=1e-12)


@pytest.mark.skipif(importlib.util.find_spec("narwhals") is None, reason="needs retrocalc[frames]")
def test_polars_and_arrow_frames_are_the_pandas_frame() -> None:
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    start = pd.Timestamp("2024-05-01 09:00", tz="Europe/Paris")
    frame = hill().assign(time=start + pd.to_timedelta(np.arange(N), unit="s"))
    frame = frame.drop(columns="elapsed_s")
    want = rc.estimate_activity(frame, mass_kg=70, gait="run")
    for other in (pl.from_pandas(frame), pl.from_pandas(frame).lazy(), pa.Table.from_pandas(frame)):
        got = rc.estimate_activity(other, mass_kg=70, gait="run")
        assert got.summary["energy_net_kcal"] == want.summary["energy_net_kcal"]
        assert got.summary["start_time"] == "2024-05-01T07:00:00+00:00"  # 09:00 CEST


@pytest.mark.parametrize(
    ("lat", "lon", "note"),
    [
        (
            95.0,
            14.0,
            "1 point(s) with an impossible position (the first: latitude 95, longitude 14)",
        ),
        (46.0, -200.0, "impossible position (the first: latitude 46, longitude -200)"),
        (0.0, 0.0, "1 point(s) at latitude 0, longitude 0 (no GPS fix yet)"),
    ],
)
def test_an_impossible_position_is_no_position_not_two_jumps(
    lat: float, lon: float, note: str
) -> None:
    # 10 minutes due north along a meridian: 1e-5 deg of latitude a second
    t = np.arange(N, dtype=float)
    track = pd.DataFrame({"elapsed_s": t, "latitude_deg": 46.0 + 1e-5 * t, "longitude_deg": 14.0})
    arc_m = 6_371_008.8 * np.radians(1e-5 * (N - 1))  # the great circle's length, by hand
    bad = track.copy()
    bad.loc[300, ["latitude_deg", "longitude_deg"]] = (lat, lon)
    r = rc.estimate_activity(bad, mass_kg=70, gait="run")
    assert r.summary["distance_m"] == pytest.approx(arc_m, rel=1e-9)
    assert note in r.summary["warnings"]
    assert r.summary["moving_s"] == N - 1  # (it was two intervals at rest as too fast)


@pytest.mark.parametrize("mass", [-70, 0, float("nan"), float("inf")])
def test_a_mass_that_is_none_is_refused_before_reading(mass: float) -> None:
    with pytest.raises(ValueError, match=r"mass_kg: expected a body mass in kg above 0"):
        rc.estimate_activity("no such file.gpx", mass_kg=mass)
