"""Real recordings from ../shared/fixtures/activities (see its README); skipped when absent."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import retrocalc as rc
from retrocalc.activity import ActivityError, GradeSettings
from retrocalc.activity._fit import SEMICIRCLE_DEG
from retrocalc.exceptions import ActivityWarning

pytest.importorskip("fitdecode")
pytest.importorskip("defusedxml")
FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "activities"
pytestmark = pytest.mark.skipif(
    not FIXTURES.is_dir(), reason=f"shared activity fixtures not found at {FIXTURES}"
)
FILES = sorted(p.name for p in FIXTURES.glob("*") if p.suffix in (".fit", ".gpx", ".tcx"))
if not FILES:
    FILES = ["<none>"]


def _read(name: str) -> rc.activity.Activity:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ActivityWarning)
        return rc.read_activity(FIXTURES / name)


def _warned(name: str) -> tuple[rc.activity.Activity, str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        act = rc.read_activity(FIXTURES / name)
    assert all(issubclass(w.category, ActivityWarning) for w in caught)
    assert all(str(w.message).startswith(str(FIXTURES / name)) for w in caught)
    return act, " | ".join(str(w.message) for w in caught)


@pytest.mark.parametrize("name", FILES)
def test_every_file_reads_and_estimates_or_says_why(name: str) -> None:
    act = _read(name)
    assert len(act.samples) > 10
    assert list(act.samples.columns)[:3] == ["time", "elapsed_s", "distance_m"]
    if name == "gpxpy-Mojstrovka.gpx":  # every point carries the same time
        with pytest.raises(ActivityError, match=name):
            rc.estimate_activity(act, mass_kg=70)
        return
    if act.sport == "cycling":  # estimated as a walk or run, with a warning that says so
        with pytest.warns(ActivityWarning, match="not walking or running"):
            result = rc.estimate_activity(act, mass_kg=70)
    elif name in ("gpxpy-korita-zbevnica.gpx", "gpxpy-cerknicko-without-times.gpx"):
        # part of the track has no time: it gets no energy, and the warning says so
        with pytest.warns(ActivityWarning, match="have no time: no duration and no energy"):
            result = rc.estimate_activity(act, mass_kg=70)
    else:
        result = rc.estimate_activity(act, mass_kg=70)
    s = result.summary
    assert s["moving_s"] <= s["elapsed_s"] + 1e-9
    assert s["energy_gross_kcal"] > s["energy_net_kcal"] >= 0


@pytest.mark.parametrize("kind", ["run", "walk"])
def test_fenix5_records_match_the_golden_csv(kind: str) -> None:
    act = _read(f"garmin-fenix-5-{kind}.fit")
    gold = pd.read_csv(FIXTURES / f"garmin-fenix-5-{kind}-records.csv")
    s = act.samples
    assert len(s) == len(gold)
    when = pd.to_datetime(
        gold["timestamp"].str.replace(" PDT ", " -0700 "), format="%a %b %d %H:%M:%S %z %Y"
    )
    assert (s["time"].to_numpy() == when.dt.tz_convert("UTC").to_numpy()).all()
    np.testing.assert_allclose(s["heart_rate_bpm"], gold["heart_rate"])
    np.testing.assert_allclose(s["speed_m_s"], gold["speed"])
    np.testing.assert_allclose(s["distance_m"], gold["distance"])
    np.testing.assert_allclose(s["altitude_m"], gold["altitude"], atol=1e-9)
    np.testing.assert_allclose(s["latitude_deg"], gold["position_lat"] * SEMICIRCLE_DEG)
    np.testing.assert_allclose(s["longitude_deg"], gold["position_long"] * SEMICIRCLE_DEG)
    # FIT cadence = cadence + fractional_cadence; the golden CSV lists the integer part
    np.testing.assert_array_equal(np.floor(s["cadence_rpm"]), gold["cadence"])
    assert act.sport == ("running" if kind == "run" else "walking")


def test_heartandsole_run_agrees_across_formats() -> None:
    acts = {k: _read(f"heartandsole-testdata.{k}") for k in ("fit", "gpx", "tcx")}
    res = {k: rc.estimate_activity(a, mass_kg=70) for k, a in acts.items()}
    for k in acts:
        assert acts[k].sport == "running"
        assert res[k].summary["elapsed_s"] == pytest.approx(222, abs=1)
        assert (
            acts[k].samples["heart_rate_bpm"].max() == acts["fit"].samples["heart_rate_bpm"].max()
        )
    # FIT and TCX carry the device distance; GPX only positions (haversine): within 20 %
    assert res["tcx"].summary["distance_m"] == pytest.approx(
        res["fit"].summary["distance_m"], rel=1e-3
    )
    assert res["gpx"].summary["distance_m"] == pytest.approx(
        res["fit"].summary["distance_m"], rel=0.2
    )
    # mostly standing (159 m in 3.7 min): gross energy within 10 % across the three
    gross = [r.summary["energy_gross_kcal"] for r in res.values()]
    assert max(gross) / min(gross) < 1.10


def test_truncated_fit_keeps_what_was_read() -> None:
    act, text = _warned("nick.fit")
    assert "truncated FIT" in text
    assert len(act.samples) > 10_000
    assert act.sport == "cycling"


def test_undefined_message_keeps_records_and_merges_split_seconds() -> None:
    act, text = _warned("strava-android-app-201.10-b1218918.fit")
    assert "local message 11 not defined" in text
    s = act.samples
    assert s["time"].is_monotonic_increasing
    assert s["time"].is_unique
    assert s["distance_m"].notna().mean() > 0.9  # position and distance records merged


def test_compressed_timestamps_give_relative_times() -> None:
    act, text = _warned("compressed-speed-distance.fit")
    assert "relative" in text
    assert act.samples["time"].isna().all()
    assert act.samples["latitude_deg"].isna().all()  # no GPS: foot-pod distance
    r = rc.estimate_activity(act, mass_kg=70)
    assert r.summary["distance_m"] == pytest.approx(10248.7, abs=1)


def test_misaligned_fields_warn_and_read() -> None:
    act, text = _warned("coros-pace-2-cycling-misaligned-fields.fit")
    assert "invalid field size" in text
    assert act.sport == "cycling"


def test_points_without_time_and_same_time() -> None:
    _, text = _warned("gpxpy-cerknicko-without-times.gpx")
    assert "291 of 296 points have no time" in text
    act, text = _warned("gpxpy-Mojstrovka.gpx")
    assert "same time" in text
    with pytest.raises(ActivityError, match=r"Mojstrovka\.gpx"):
        rc.estimate_activity(act, mass_kg=70)


def test_track_without_times_is_not_reported_as_energy_for_its_length() -> None:
    # gpxpy-korita-zbevnica.gpx: its first segment (358 points) carries no time, the other
    # two do; cerknicko: only its last 5 of 296 points are timed
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ActivityWarning)
        korita = rc.estimate_activity(_read("gpxpy-korita-zbevnica.gpx"), mass_kg=70)
    d = korita.samples["distance_m"].to_numpy()
    assert korita.summary["untimed_m"] == pytest.approx(d[358] - d[0])
    assert korita.summary["untimed_m"] > 8000.0  # most of the hike's 14.9 km
    assert any("358 points before the first" in w for w in korita.warnings)
    rows = rc.estimate_activities(
        [FIXTURES / "gpxpy-korita-zbevnica.gpx", FIXTURES / "gpxpy-cerknicko-without-times.gpx"],
        mass_kg=70,
        processes=1,
        progress=False,
    )
    assert list(rows["status"]) == ["warning", "warning"]
    assert rows["reason"].str.contains("have no time and no energy").all()


def test_segments_and_stops() -> None:
    # its second <trkseg/> is empty: no pause, one segment
    run = _read("runpandas-run.gpx")
    assert run.samples["segment"].max() == 0
    stopped = rc.estimate_activity(_read("runpandas-stopped_example.gpx"), mass_kg=70)
    s = stopped.summary
    assert s["paused_s"] > 155  # four gaps over 10 s, the longest 155 s
    assert s["moving_s"] + s["paused_s"] == pytest.approx(s["elapsed_s"])


@pytest.mark.parametrize("name", ["2013-02-06-12-11-14.fit", "activity-small-fenix2-run.fit"])
def test_filtered_grade_respects_physics_and_raw_grade_does_not(name: str) -> None:
    # Bounds from physics, independent of the models: on a route that ends near its start,
    # hills cost more than level ground (every model's cost is convex in grade), and at most
    # the level cost plus the climb's potential energy at 25 % muscular efficiency of
    # positive work (Margaria 1968; the lowest commonly quoted).
    # One model over all grades (Minetti's running polynomial): today's default switches
    # from ACSM to Minetti at grade 0 with a 14 % step, which breaks convexity (the lead's
    # continuity work; tests/test_continuity.py).
    act = _read(name)
    mass = 70.0
    opts = {"mass_kg": mass, "gait": "run", "model": "minetti2002_running"}
    level = rc.estimate_activity(act, grade="level", **opts).summary["energy_net_kcal"]
    filt = rc.estimate_activity(act, **opts)
    raw = rc.estimate_activity(act, grade="raw", **opts).summary["energy_net_kcal"]
    # raw grade as a per-second estimate by hand takes it: without the +-45 % limit
    naive = GradeSettings(max_grade=math.inf)
    by_hand = rc.estimate_activity(act, grade="raw", grade_settings=naive, **opts)
    z = filt.samples["altitude_filtered_m"].to_numpy()
    assert abs(z[-1] - z[0]) < 0.1 * filt.summary["gain_m"] + 10  # about a loop
    climb = mass * 9.81 * filt.summary["gain_m"] / 0.25 / 4184
    e = filt.summary["energy_net_kcal"]
    assert level <= e <= level + climb
    # within a few percent of level: the hills add cost, not a multiple
    assert e / level - 1 < 0.10
    assert not (level <= by_hand.summary["energy_net_kcal"] <= level + climb)
    # limited to +-45 %, raw grade still costs more than the filtered profile: its noise
    # adds cost on a convex curve (Jensen)
    assert raw > e


# the session message of each FIT fixture (fitdecode, see the README): total elapsed time [s],
# total distance [m], sport; nick.fit is cut short before its session message
_SESSIONS = {
    "2013-02-06-12-11-14.fit": (2625.14, 4835.38, "running"),
    "activity-small-fenix2-run.fit": (2832.0, 9008.22, "running"),
    "compressed-speed-distance.fit": (3883.273, 10248.67, "running"),
    "coros-pace-2-cycling-misaligned-fields.fit": (12719.0, 32145.76, "cycling"),
    "garmin-fenix-5-run.fit": (56.887, 157.56, "running"),
    "garmin-fenix-5-walk.fit": (45.379, 67.85, "walking"),
    "heartandsole-testdata.fit": (222.097, 158.71, "running"),
    "runpandas-run.fit": (3164.606, 5839.77, "running"),
    "strava-android-app-201.10-b1218918.fit": (3558.0, 11274.04, "running"),
}


@pytest.mark.parametrize("name", FILES)
def test_single_session_files_stay_one_activity(name: str) -> None:
    act = _read(name)
    assert act.split_sessions()[0] is act
    assert len(act.split_sessions()) == 1
    assert not any("sessions" in w for w in act.warnings)
    if name not in _SESSIONS:  # GPX, TCX, a truncated FIT
        assert act.sessions.empty
        return
    elapsed, distance, sport = _SESSIONS[name]
    (row,) = act.sessions.itertuples()
    assert (row.elapsed_s, row.distance_m, row.sport) == (
        pytest.approx(elapsed),
        pytest.approx(distance),
        sport,
    )
    assert act.sport == sport
    # the session starts with the recording, give or take the first record's lag
    assert abs(row.start_s) < 60


def test_every_fit_fixture_is_one_row_of_the_batch() -> None:
    paths = [FIXTURES / name for name in FILES if name.endswith(".fit")]  # sessions: FIT only
    table = rc.estimate_activities(paths, mass_kg=70, processes=2, progress=False)
    assert table["file"].tolist() == [str(p) for p in paths]
    assert table["session"].isna().all()
