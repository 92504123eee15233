"""Streams given as a DataFrame: names other tools use, durations, text and frames of other
libraries (polars, pyarrow)."""

from __future__ import annotations

import importlib.util
import warnings

import numpy as np
import pandas as pd
import pytest

import retrocalc as rc
from retrocalc.activity import Activity, ActivityError, Fault
from retrocalc.exceptions import ActivityWarning, UnitWarning

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
        ({"elapsed_s": "elapsed_min"}, "'elapsed_min' is not read: name it 'elapsed_s' \\(in s\\)"),
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


# --- elapsed_s in milliseconds ----------------------------------------------------------------


def walk(speed: float, n: int = 1201, step: float = 1.0, seed: int = 0) -> pd.DataFrame:
    """A level walk at ``speed`` [m/s], a sample every ``step`` s, GPS distance noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) * step
    d = np.cumsum(np.r_[0.0, speed * step * (1 + rng.normal(0, 0.15, n - 1)).clip(0)])
    return pd.DataFrame({"elapsed_s": t, "distance_m": d, "altitude_m": 100.0})


def _degrees(frame: pd.DataFrame) -> pd.DataFrame:
    """The distance as positions due east at 46 deg N (a GPS track without a distance)."""
    lon = 7.0 + np.degrees(frame["distance_m"] / (6_371_008.8 * np.cos(np.radians(46.0))))
    return frame.drop(columns="distance_m").assign(latitude_deg=46.0, longitude_deg=lon)


@pytest.mark.parametrize("positions", [False, True])
def test_elapsed_in_milliseconds_is_flagged_as_a_unit_mistake(positions: bool) -> None:
    seconds = walk(1.3)
    ms = seconds.assign(elapsed_s=1000 * seconds["elapsed_s"])
    if positions:
        seconds, ms = _degrees(seconds), _degrees(ms)
    with pytest.warns(
        UnitWarning,
        match=r"elapsed_s looks like milliseconds: a sample every 1000 s \(the median step\)"
        r", 1\.\d+ m apart: .*far below walking .*; divide it by 1000 or name the column "
        "elapsed_ms",
    ):
        flagged = rc.estimate_activity(ms, mass_kg=70)
    # read as seconds it is 20 minutes standing for 1,000 times as long: flagged as a fault,
    # which makes a batch row's status a warning, never ok
    faults = [w for w in flagged.warnings if isinstance(w, Fault)]
    assert len(faults) == 1
    assert faults[0].startswith("elapsed_s looks like milliseconds")
    # named elapsed_ms, the same column is the walk itself, without a warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        right = rc.estimate_activity(ms.rename(columns={"elapsed_s": "elapsed_ms"}), mass_kg=70)
        want = rc.estimate_activity(seconds, mass_kg=70)
    assert right.summary["elapsed_s"] == want.summary["elapsed_s"] == 1200
    assert right.summary["energy_net_kcal"] == pytest.approx(want.summary["energy_net_kcal"])
    assert flagged.summary["elapsed_s"] == 1000 * 1200


@pytest.mark.parametrize(
    "frame",
    [
        walk(0.5),  # a very slow walk, 1 s samples
        # a walk with three long pauses (no samples for 20 minutes each)
        walk(1.3).assign(elapsed_s=lambda f: f["elapsed_s"] + 1200 * (f.index // 300)),
        walk(1.2, n=61, step=300.0),  # a logger writing every 5 minutes
        walk(0.0, n=61, step=120.0),  # standing, a sample every 2 minutes
    ],
    ids=["slow-walk", "long-pauses", "5-min-logger", "standing"],
)
def test_genuine_seconds_are_not_flagged_as_milliseconds(frame: pd.DataFrame) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnitWarning)
        act = Activity.from_frame(frame)
    assert not [w for w in act.warnings if "milliseconds" in w]


def test_a_frame_s_warnings_point_at_the_caller_s_line() -> None:
    # from_frame warned with stacklevel=2: called by estimate_activity, the warning named
    # a line of retrocalc's estimate.py, not the caller's
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rc.estimate_activity(hill(altitude_m="altitude"), mass_kg=700, gait="run")
    kinds = {w.category for w in caught}
    assert {ActivityWarning, UnitWarning} <= kinds
    assert {w.filename for w in caught} == {__file__}


def _strava(frame: pd.DataFrame) -> list[dict[str, object]]:
    """The frame as the Strava API's streams response (GET /activities/{id}/streams):
    ``time`` in seconds from the start, positions as ``latlng`` pairs."""
    names = {"elapsed_s": "time", "distance_m": "distance", "altitude_m": "altitude"}
    out: list[dict[str, object]] = [
        {"type": names[c], "data": frame[c].tolist(), "series_type": "distance",
         "original_size": len(frame), "resolution": "high"}
        for c in frame.columns
    ]  # fmt: skip
    out.append({"type": "moving", "data": [True] * len(frame)})  # (not a stream we read)
    return out


def test_streams_as_a_mapping_or_as_strava_gives_them_are_the_frame() -> None:
    frame = hill()
    want = whole(0.05)  # one bout up the 5 % hill, as the frame's own test
    listed = _strava(frame)
    keyed = {s["type"]: {k: v for k, v in s.items() if k != "type"} for s in listed}
    plain = {c: frame[c].to_numpy() for c in frame.columns}
    for streams in (listed, keyed, plain):
        r = rc.estimate_activity(streams, mass_kg=70, gait="run")
        assert r.summary["energy_net_kcal"] == pytest.approx(want, rel=0.01)
        assert r.summary["distance_m"] == pytest.approx(2.5 * (N - 1))


def test_strava_positions_are_latlng_pairs() -> None:
    # 601 s north at 2.5 m/s: 1 degree of latitude is 111,195 m on the mean Earth radius
    t = np.arange(N, dtype=float)
    lat = 46.0 + 2.5 * t / (6_371_008.8 * np.pi / 180)
    streams = [
        {"type": "time", "data": t.tolist()},
        {"type": "latlng", "data": [[a, 7.0] for a in lat]},
    ]
    r = rc.estimate_activity(streams, mass_kg=70, gait="run")
    assert r.summary["distance_m"] == pytest.approx(2.5 * (N - 1), rel=1e-6)
    assert r.summary["energy_net_kcal"] == pytest.approx(whole(0.0), rel=0.01)


def test_streams_of_different_lengths_or_shapes_are_named() -> None:
    with pytest.raises(ActivityError, match=r"differ in length \(elapsed_s: 3, distance_m: 2\)"):
        rc.estimate_activity({"elapsed_s": [0, 1, 2], "distance_m": [0, 1]}, mass_kg=70)
    with pytest.raises(ActivityError, match="stream 1 is not a Strava stream"):
        rc.estimate_activity([{"type": "time", "data": [0, 1]}, {"data": [0, 1]}], mass_kg=70)
    with pytest.raises(ActivityError, match="stream 'distance_m' is float"):
        rc.estimate_activity({"elapsed_s": [0, 1], "distance_m": 5.0}, mass_kg=70)
    with pytest.raises(TypeError, match=r"many files: retrocalc\.estimate_activities"):
        rc.estimate_activity(["a.gpx", "b.gpx"], mass_kg=70)


def test_strava_latlng_with_a_missing_fix_or_of_another_shape() -> None:
    # a null pair (no fix) raised numpy's "inhomogeneous shape" ValueError; pairs of three
    # or a flat list were split into streams "of another length" (latitude_deg: 90)
    t = np.arange(N, dtype=float)
    lat = 46.0 + 2.5 * t / (6_371_008.8 * np.pi / 180)
    pairs: list[list[float] | None] = [[a, 7.0] for a in lat]
    pairs[300] = None
    streams = [{"type": "time", "data": t.tolist()}, {"type": "latlng", "data": pairs}]
    r = rc.estimate_activity(streams, mass_kg=70, gait="run")
    assert r.summary["distance_m"] == pytest.approx(2.5 * (N - 1), rel=1e-6)
    for data, said in (
        ([[46.0, 7.0, 500.0]] * N, r"holds \[46.0, 7.0, 500.0\] at index 0"),
        ([46.0] * (2 * N), "holds 46.0 at index 0"),
        ([["46", "x"]] * N, r"holds \['46', 'x'\] at index 0"),
        (None, "is NoneType"),
    ):
        bad = [{"type": "time", "data": t.tolist()}, {"type": "latlng", "data": data}]
        expected = rf"stream 'latlng' {said}.*\[latitude, longitude\]"
        with pytest.raises(ActivityError, match=expected):
            rc.estimate_activity(bad, mass_kg=70)


def test_a_stream_of_two_dimensions_is_named() -> None:
    # pandas' "Per-column arrays must each be 1-dimensional" ValueError named no stream
    t = np.arange(3.0)
    with pytest.raises(ActivityError, match=r"stream 'distance_m' has shape \(3, 2\)"):
        rc.estimate_activity({"elapsed_s": t, "distance_m": np.stack([t, t], 1)}, mass_kg=70)


def test_milliseconds_with_a_speed_and_no_distance_are_flagged() -> None:
    # Strava's time and velocity_smooth alone, the time in ms: 20 minutes at 1.3 m/s read
    # as 333 h and 1,560 km (the distance integrated from the speed), reported as fine
    t = np.arange(1201.0)
    streams = [
        {"type": "time", "data": (1000 * t).tolist()},
        {"type": "velocity_smooth", "data": [1.3] * t.size},
    ]
    with pytest.warns(
        UnitWarning,
        match=r"elapsed_s looks like milliseconds: a sample every 1000 s \(the median step\) "
        r"at 1\.3 m/s, 333 h mostly on foot \(20 min if the steps are milliseconds\)",
    ):
        flagged = rc.estimate_activity(streams, mass_kg=70)
    assert sum(isinstance(w, Fault) for w in flagged.warnings) == 1
    # a speed logged every 5 minutes for 5 hours is seconds
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnitWarning)
        rc.estimate_activity({"elapsed_s": 300 * t[:61], "speed_m_s": [1.2] * 61}, mass_kg=70)


def test_a_plain_mapping_s_latlng_is_the_positions() -> None:
    # Strava's data by type ({s["type"]: s["data"]}) with the positions as latlng pairs:
    # "the streams need ... 'latitude_deg' and 'longitude_deg'", latlng not even named
    t = np.arange(N, dtype=float)
    lat = 46.0 + 2.5 * t / (6_371_008.8 * np.pi / 180)
    streams = {"elapsed_s": t, "latlng": [[a, 7.0] for a in lat]}
    r = rc.estimate_activity(streams, mass_kg=70, gait="run")
    assert r.summary["distance_m"] == pytest.approx(2.5 * (N - 1), rel=1e-6)
    with pytest.raises(ActivityError, match=r"stream 'latlng' holds 46.0 at index 0"):
        rc.estimate_activity({"elapsed_s": t, "latlng": [46.0] * N}, mass_kg=70)


@pytest.mark.parametrize("positions", [False, True])
def test_elapsed_ms_that_holds_seconds_is_flagged(positions: bool) -> None:
    # seconds named elapsed_ms: the 20-minute walk read as 1.2 s, 0 kcal, its steps taken
    # for GPS jumps (a Fault without a warning), the unit not said
    seconds = walk(1.3)
    wrong = seconds.rename(columns={"elapsed_s": "elapsed_ms"})
    if positions:
        wrong = _degrees(wrong)
    with pytest.warns(
        UnitWarning,
        match=r"elapsed_ms looks like seconds: 1\d\d\d m in 1200 ms, 1\.\d+e\+03 m/s, far "
        r"above running \(1\.\d+ m/s if the steps are seconds\); name the column elapsed_s",
    ):
        flagged = rc.estimate_activity(wrong, mass_kg=70)
    said = [w for w in flagged.warnings if isinstance(w, Fault) and "elapsed_ms" in w]
    assert len(said) == 1
    # real milliseconds are not
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnitWarning)
        ms = seconds.assign(elapsed_s=1000 * seconds["elapsed_s"])
        rc.estimate_activity(ms.rename(columns={"elapsed_s": "elapsed_ms"}), mass_kg=70)


def test_no_streams_is_said_as_such() -> None:
    # Strava answers [] for an activity recorded without GPS or a sensor: it was taken for a
    # list of files ("many files: retrocalc.estimate_activities")
    for empty in ([], {}):
        with pytest.raises(ActivityError, match=r"<streams>: no streams \(an empty"):
            rc.estimate_activity(empty, mass_kg=70)


def test_two_strava_streams_of_one_type_are_refused() -> None:
    # the second replaced the first silently
    streams = [
        {"type": "time", "data": [0, 1, 2]},
        {"type": "distance", "data": [0, 3, 6]},
        {"type": "distance", "data": [0, 30, 60]},
    ]
    with pytest.raises(ActivityError, match=r"two streams of type 'distance' \(streams 1 and 2\)"):
        rc.estimate_activity(streams, mass_kg=70)
