"""Activities from files the tests write themselves (always on): known geometry in, energy out.

Expected values come from the geometry (distance = speed x time, grade = rise / run) and from
one independent call of :func:`retrocalc.estimate` for the whole steady bout.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import retrocalc as rc
from activity_files import Track, steady, write_fit, write_gpx, write_tcx
from retrocalc.activity import ActivityError, GradeSettings
from retrocalc.activity.gait import auto_gait
from retrocalc.activity.grade import despike, filtered_grade
from retrocalc.exceptions import ActivityWarning

pytest.importorskip("fitdecode")
pytest.importorskip("defusedxml")
WRITERS = {"gpx": write_gpx, "tcx": write_tcx, "fit": write_fit}


def _noisy_hill(sd: float, seed: int) -> Track:
    # 3 m/s for 20 min up a constant 5 % hill: 3.6 km, 180 m of climb
    track = steady(3.0, 1200, grade=0.05)
    track.z = track.z + np.random.default_rng(seed).normal(0.0, sd, track.z.size)
    return track


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_steady_run_matches_one_estimate_of_the_whole_bout(kind: str, tmp_path: Path) -> None:
    track = steady(3.0, 600, grade=0.0)
    path = WRITERS[kind](track, tmp_path / f"run.{kind}")
    result = rc.estimate_activity(path, mass_kg=70)
    whole = rc.estimate(speed_m_s=3.0, mass_kg=70, duration_s=600, gait="run")
    assert result.summary["distance_m"] == pytest.approx(1800, rel=1e-3)
    assert result.summary["moving_s"] == pytest.approx(600)
    assert result.summary["energy_net_kcal"] == pytest.approx(whole.energy_net_kcal, rel=1e-3)
    assert result.summary["energy_gross_kcal"] == pytest.approx(whole.energy_gross_kcal, rel=1e-3)
    assert set(result.samples["gait"][1:]) == {"run"}


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_noisy_five_percent_hill_within_3_percent_of_clean_profile(
    kind: str, tmp_path: Path
) -> None:
    # GPS-like altitude noise, sd 3 m: the filtered estimate stays within 3 % of the clean
    # profile's energy; the naive per-sample grade does not
    clean = rc.estimate(speed_m_s=3.0, mass_kg=70, duration_s=1200, grade=0.05, gait="run")
    path = WRITERS[kind](_noisy_hill(3.0, seed=1), tmp_path / f"hill.{kind}")
    filtered = rc.estimate_activity(path, mass_kg=70)
    raw = rc.estimate_activity(path, mass_kg=70, grade="raw")
    assert filtered.summary["energy_net_kcal"] == pytest.approx(clean.energy_net_kcal, rel=0.03)
    assert abs(raw.summary["energy_net_kcal"] / clean.energy_net_kcal - 1) > 0.03
    assert filtered.summary["gain_m"] == pytest.approx(180, rel=0.1)


def test_pause_adds_no_moving_time_and_only_resting_energy(tmp_path: Path) -> None:
    a, b = steady(3.0, 300), steady(3.0, 300)
    # a 120 s stop between two 5 min runs: standing still, recording on
    stop_t = np.arange(1, 121, dtype=float) + 300
    t = np.concatenate([a.t, stop_t, b.t[1:] + 420])
    d = np.concatenate([a.d, np.full(120, 900.0), b.d[1:] + 900])
    track = Track(t, d, np.full(t.size, 100.0))
    result = rc.estimate_activity(write_gpx(track, tmp_path / "p.gpx"), mass_kg=70)
    s = result.summary
    assert s["moving_s"] == pytest.approx(600)
    assert s["paused_s"] == pytest.approx(120)
    whole = rc.estimate(speed_m_s=3.0, mass_kg=70, duration_s=600, gait="run")
    assert s["energy_net_kcal"] == pytest.approx(whole.energy_net_kcal, rel=0.01)
    # rest during the pause: 3.5 ml/kg/min x 70 kg x 2 min x 5 kcal/l
    assert s["pause_gross_kcal"] == pytest.approx(3.5 * 70 * 2 * 5.0 / 1000, rel=1e-6)


@pytest.mark.parametrize("how", ["segment", "timer", "gap"])
def test_pauses_by_segment_timer_and_gap(how: str, tmp_path: Path) -> None:
    a, b = steady(3.0, 300), steady(3.0, 300)
    t = np.concatenate([a.t, b.t + 400])  # 100 s without a record, no distance covered
    d = np.concatenate([a.d, b.d + 900])
    seg = np.repeat([0, 1], [a.t.size, b.t.size]) if how == "segment" else None
    track = Track(t, d, np.full(t.size, 50.0), segment=seg if seg is not None else np.zeros(0, int))
    if how == "timer":
        path = write_fit(track, tmp_path / "p.fit", stops=[(300.0, 400.0)])
    else:
        path = write_gpx(track, tmp_path / "p.gpx")
    r = rc.estimate_activity(path, mass_kg=70)
    assert r.summary["moving_s"] == pytest.approx(600, abs=1)
    assert r.summary["distance_m"] == pytest.approx(1800, rel=2e-3)
    assert how in set(r.samples["state"])


@pytest.mark.parametrize("stops", [[], [(300.0, 400.0)]])
def test_by_gait_rows_are_the_timed_pairs_only(
    stops: list[tuple[float, float]], tmp_path: Path
) -> None:
    # 300 s running, (a 100 s timer pause), 300 s running: one row per (gait, direction)
    # that has time; the first sample ends no interval and makes no "pause" row of 0 s
    a, b = steady(3.0, 300), steady(3.0, 300)
    t = np.concatenate([a.t, b.t + 400])
    track = Track(t, np.concatenate([a.d, b.d + 900]), np.full(t.size, 50.0))
    if not stops:  # the same without the gap: one steady run of 700 s
        track = steady(3.0, 700)
    r = rc.estimate_activity(write_fit(track, tmp_path / "p.fit", stops=stops), mass_kg=70)
    table = r.by_gait
    assert (table["time_s"] > 0).all()
    assert table["time_s"].sum() == pytest.approx(r.summary["elapsed_s"])
    pairs = list(zip(table["gait"], table["direction"], strict=True))
    assert pairs == ([("pause", "forward"), ("run", "forward")] if stops else [("run", "forward")])
    if stops:
        paused = table.loc[table["gait"] == "pause", "time_s"].item()
        assert paused == pytest.approx(r.summary["paused_s"])
        assert paused == pytest.approx(100.0, abs=1.0)


def test_smart_recording_gap_while_moving_stays_moving(tmp_path: Path) -> None:
    t = np.arange(0, 601, 30, dtype=float)  # one point every 30 s at 3 m/s
    track = Track(t, 3.0 * t, np.full(t.size, 10.0))
    r = rc.estimate_activity(write_gpx(track, tmp_path / "s.gpx"), mass_kg=70)
    assert r.summary["moving_s"] == pytest.approx(600)


def test_walk_run_alternation_does_not_flip_per_sample() -> None:
    rng = np.random.default_rng(3)
    # 5 min walking at 1.5 m/s, 5 min running at 2.8 m/s, twice; speed noise sd 0.25 m/s
    base = np.repeat([1.5, 2.8, 1.5, 2.8], 300)
    speed = base + rng.normal(0, 0.25, base.size)
    gait = auto_gait(speed, np.ones(base.size, bool), sport=None)
    flips = int((gait[1:] != gait[:-1]).sum())
    assert flips == 3
    # and noise around the transition speed itself never flips
    near = 2.0 + rng.normal(0, 0.04, 600)
    assert len(set(auto_gait(near, np.ones(600, bool), sport="running"))) == 1


@given(st.floats(1.0, 3.5), st.integers(0, 2**31 - 1))
def test_gait_flips_at_most_once_per_band_crossing(v: float, seed: int) -> None:
    speed = v + np.random.default_rng(seed).normal(0, 0.03, 300)
    gait = auto_gait(speed, np.ones(300, bool), sport="walking")
    assert int((gait[1:] != gait[:-1]).sum()) <= 1


def test_despike_removes_a_start_spike_and_keeps_a_steady_climb() -> None:
    z = np.linspace(0, 30, 300)  # 10 % over 300 m
    spiked = z.copy()
    spiked[:3] += 87.0  # like the Fenix 2 fixture's first samples
    out, n = despike(spiked, GradeSettings())
    assert n == 3
    np.testing.assert_allclose(out[3:], z[3:])
    # at the edge the window is one-sided: its median lies at most half a window (15 samples
    # x 0.1 m) above the true value
    assert np.abs(out[:3] - z[:3]).max() < 1.5
    same, none = despike(z, GradeSettings())
    assert none == 0
    np.testing.assert_array_equal(same, z)


def test_filtered_grade_of_a_clean_ramp_is_the_ramp() -> None:
    d = np.arange(0, 2000, 2.7)
    profile = filtered_grade(d, 0.04 * d)
    np.testing.assert_allclose(profile.grade, 0.04, atol=1e-9)
    assert profile.gain_m == pytest.approx(0.04 * d[-1], rel=1e-3)


def test_settings_are_recorded(tmp_path: Path) -> None:
    path = write_gpx(steady(2.0, 100), tmp_path / "a.gpx")
    gs = GradeSettings(window_m=100, method="savgol")
    r = rc.estimate_activity(path, mass_kg=60, grade_settings=gs)
    assert r.settings["grade_settings"]["window_m"] == 100
    assert r.settings["grade_settings"]["method"] == "savgol"
    assert r.settings["mass_kg"] == 60


def test_streams_dataframe_in(tmp_path: Path) -> None:
    t = np.arange(601.0)
    frame = pd.DataFrame({"elapsed_s": t, "distance_m": 2.5 * t, "altitude_m": 0.0 * t})
    r = rc.estimate_activity(frame, mass_kg=70, gait="run")
    whole = rc.estimate(speed_m_s=2.5, mass_kg=70, duration_s=600, gait="run")
    assert r.summary["energy_net_kcal"] == pytest.approx(whole.energy_net_kcal, rel=1e-6)
    assert len(r.splits_km) == 2


def test_heart_rate_under_any_prefix(tmp_path: Path) -> None:
    track = steady(3.0, 60)
    track.hr = np.full(track.t.size, 140)
    for prefix in ("ns3", "gpxtpx", "x"):
        act = rc.read_activity(write_gpx(track, tmp_path / f"{prefix}.gpx", prefix=prefix))
        assert (act.samples["heart_rate_bpm"] == 140).all()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<gpx><trk><trkseg><trkpt lat="1" lon="1"><ele>&b;</ele></trkpt></trkseg></trk></gpx>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE gpx [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<gpx><trk><trkseg><trkpt lat="1" lon="1"><ele>&x;</ele></trkpt></trkseg></trk></gpx>"""


@pytest.mark.parametrize("content", [BILLION_LAUGHS, EXTERNAL])
def test_hostile_xml_is_refused_naming_the_file(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "evil.gpx"
    path.write_bytes(content)
    with pytest.raises(ActivityError, match=r"evil\.gpx: refused unsafe XML"):
        rc.read_activity(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"hello world", "not well-formed"),  # named .gpx: read as GPX
        (b"<gpx><trk></trk></gpx>", "no track points"),
        (b"<gpx><trk><trkseg><trkpt", "not well-formed"),
    ],
)
def test_bad_files_raise_a_clear_error(content: bytes, message: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.gpx"
    path.write_bytes(content)
    with pytest.raises(ActivityError, match=message):
        rc.read_activity(path)


def test_unknown_content_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"hello world")
    with pytest.raises(ActivityError, match=r"notes\.txt: not a FIT, GPX or TCX"):
        rc.read_activity(path)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ActivityError, match=r"nope\.fit: cannot read"):
        rc.read_activity(tmp_path / "nope.fit")


def test_truncated_fit_keeps_records_and_warns(tmp_path: Path) -> None:
    path = write_fit(steady(3.0, 300), tmp_path / "full.fit")
    cut = tmp_path / "cut.fit"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size * 2 // 3])
    with pytest.warns(ActivityWarning, match=r"cut\.fit"):
        act = rc.read_activity(cut)
    assert 100 < len(act.samples) < 301


def test_zero_duration_is_an_error_when_estimating(tmp_path: Path) -> None:
    track = Track(np.zeros(50), np.arange(50.0) * 3, np.zeros(50))
    path = write_gpx(track, tmp_path / "still.gpx")
    with pytest.warns(ActivityWarning, match="same time"):
        act = rc.read_activity(path)
    with pytest.raises(ActivityError, match=r"still\.gpx"):
        rc.estimate_activity(act, mass_kg=70)


def test_lazy_import_and_settings_errors() -> None:
    import subprocess
    import sys

    code = "import retrocalc, sys; print('fitdecode' in sys.modules, 'pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
    with pytest.raises(ValueError, match="window_m"):
        GradeSettings(window_m=-1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TypeError, match="speed_m_s"):
            rc.estimate_activity(pd.DataFrame({"elapsed_s": [0, 1]}), mass_kg=70, speed_m_s=3)


@pytest.mark.parametrize(
    "name", ["retrocalc.activity", "retrocalc.activity.read", "retrocalc.activity.estimate"]
)
def test_docstring_examples(name: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize(
    "x",
    [
        [0.0, 0.0, 1.5, 2.0, 2.0, 7.0],  # distances: non-decreasing, one pass
        [3, 1, 2, 2, 0],  # unsorted: np.unique itself
        [0, 0, 1, 1, 1, 2],  # km or lap keys
        [0.0, np.nan, 1.0],  # NaN: not provably sorted
        [5.0],
    ],
)
def test_unique_inverse_is_numpy_unique(x: list[float]) -> None:
    from retrocalc.activity.grade import unique_inverse

    got_u, got_i = unique_inverse(np.array(x))
    want_u, want_i = np.unique(np.array(x), return_inverse=True)
    np.testing.assert_array_equal(got_u, want_u)
    np.testing.assert_array_equal(got_i, want_i)


@given(
    st.lists(st.floats(-5.0, 5.0).map(lambda x: round(x, 1)), min_size=1, max_size=40),
    st.sampled_from([1, 3, 5, 9, 11]),
)
def test_rolling_median_is_pandas_rolling_median(values: list[float], width: int) -> None:
    # the gait smoothing: partition in the middle, NaN-padded rows at the ends (ties and
    # even counts at the ends: the mean of the two middle values, as pandas gives it)
    from retrocalc.activity.gait import _rolling_median

    x = np.array(values)
    want = pd.Series(x).rolling(width, center=True, min_periods=1).median().to_numpy()
    np.testing.assert_array_equal(_rolling_median(x, width), want)


def test_running_is_auto_gait() -> None:
    from retrocalc.activity.gait import running

    speed = 2.0 + np.random.default_rng(5).normal(0, 0.3, 500)
    moving = np.arange(500) % 17 != 0
    got = running(speed, moving, sport="walking")
    assert got.dtype == bool
    np.testing.assert_array_equal(
        np.where(got, "run", "walk"), auto_gait(speed, moving, sport="walking")
    )


def test_estimate_samples_do_not_share_memory_with_the_activity(tmp_path: Path) -> None:
    # the result table holds its arrays without copying them again (copy=False): the
    # recording's own columns are copied first, so changing one leaves the other alone
    act = rc.read_activity(write_gpx(steady(3.0, 120, grade=0.02), tmp_path / "a.gpx"))
    before = act.samples.copy()
    r = rc.estimate_activity(act, mass_kg=70)
    r.samples.loc[:, "altitude_m"] = -1.0
    r.samples.loc[:, "lap"] = 7
    pd.testing.assert_frame_equal(act.samples, before, check_exact=True)
    for name in act.samples.columns:
        assert not np.shares_memory(
            np.asarray(r.samples[name].array), np.asarray(act.samples[name].array)
        ), name


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"age_years": 40, "sex": "male", "load_kg": 5},
        {"rmr_equation": "mifflin_st_jeor", "sex": "female", "age_years": 30, "height_cm": 170},
        {"model": "acsm_running", "backward_factor": 1.3},
    ],
)
def test_direct_engine_call_is_the_estimate_call(
    options: dict[str, object], tmp_path: Path
) -> None:
    # plain options and a numpy scalar option (another route inside retrocalc.estimate):
    # the same table either way
    act = rc.read_activity(write_gpx(_noisy_hill(2.0, seed=4), tmp_path / "h.gpx"))
    direct = rc.estimate_activity(act, mass_kg=70, terrain_factor=1.0, **options)
    through = rc.estimate_activity(act, mass_kg=70, terrain_factor=np.float64(1.0), **options)
    pd.testing.assert_frame_equal(direct.samples, through.samples, check_exact=True)
    assert direct.summary == through.summary
    pd.testing.assert_frame_equal(direct.by_gait, through.by_gait, check_exact=True)


@given(
    st.lists(st.integers(-6, 6), min_size=3, max_size=80),
    st.sampled_from([0.5, 1.0, 2.0, 5.0]),
    st.sampled_from([1, 2, 3]),
)
def test_turning_peaks_are_scipy_find_peaks(
    steps: list[int], threshold: float, repeat: int
) -> None:
    # gain/loss extrema: scipy on the turning runs only gives scipy's peaks and troughs on
    # the whole profile (integer heights: plateaus, ties and prominences equal to the
    # threshold are common)
    from scipy.signal import find_peaks

    from retrocalc.activity.grade import _turning_peaks

    x = np.repeat(np.cumsum(np.array(steps, dtype=float)), repeat)
    peaks, troughs = _turning_peaks(x, threshold)
    np.testing.assert_array_equal(peaks, find_peaks(x, prominence=threshold)[0])
    np.testing.assert_array_equal(troughs, find_peaks(-x, prominence=threshold)[0])


def test_points_outside_the_timed_span_get_no_energy_and_are_counted() -> None:
    # 1 km at 10 m spacing, 2 m/s; the first 200 m and the last 100 m carry no time
    d = np.arange(101) * 10.0
    t = d / 2.0
    t[:20] = np.nan
    t[-10:] = np.nan
    flat = np.full(101, 100.0)
    frame = pd.DataFrame({"elapsed_s": t, "distance_m": d, "altitude_m": flat})
    with pytest.warns(rc.ActivityWarning, match=r"30 points before the first or after the last"):
        r = rc.estimate_activity(frame, mass_kg=70, gait="run")
    timed = rc.estimate_activity(frame.iloc[20:91].reset_index(drop=True), mass_kg=70, gait="run")
    assert r.summary["untimed_m"] == 300.0
    assert r.summary["distance_m"] == 1000.0
    assert r.summary["moving_s"] == 350.0  # 700 m at 2 m/s
    assert timed.summary["untimed_m"] == 0.0
    # the energy is that of the timed 700 m alone
    assert r.summary["energy_gross_kcal"] == pytest.approx(timed.summary["energy_gross_kcal"])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_split_gain_and_loss_follow_the_ground_and_add_up_to_the_totals(seed: int) -> None:
    # 3 m/s over 1 km flat, 1 km at +5 % (50 m up), 1 km flat, 1 km at -5 % (50 m down),
    # altitude with GPS-like noise (sd 1.5 m). Raw differences of the filtered profile gave
    # the flat kilometres ~10 m of "climb" each, and the splits twice the total gain
    t = np.arange(0.0, 4000.0 / 3.0 + 1)
    d = 3.0 * t
    ground = 100.0 + 0.05 * np.clip(d - 1000.0, 0, 1000) - 0.05 * np.clip(d - 3000.0, 0, 1000)
    noise = np.random.default_rng(seed).normal(0.0, 1.5, t.size)
    frame = pd.DataFrame({"elapsed_s": t, "distance_m": d, "altitude_m": ground + noise})
    result = rc.estimate_activity(frame, mass_kg=70, gait="run")
    splits = result.splits_km.set_index("km")
    # the 60 m filter moves at most half its window (30 m at 5 %: 1.5 m) across a split end;
    # the noise left on the flats is within the 10 % the totals are tested to elsewhere
    assert splits.loc[0, "gain_m"] < 2.5
    assert splits.loc[1, "gain_m"] == pytest.approx(50.0, rel=0.1)
    assert splits.loc[2, ["gain_m", "loss_m"]].sum() < 4.0
    assert splits.loc[3, "loss_m"] == pytest.approx(50.0, rel=0.1)
    assert splits.loc[[0, 1], "loss_m"].sum() < 2.5
    summary = result.summary
    assert splits["gain_m"].sum() == pytest.approx(summary["gain_m"], rel=1e-12)
    assert splits["loss_m"].sum() == pytest.approx(summary["loss_m"], rel=1e-12)
    assert summary["gain_m"] == pytest.approx(50.0, rel=0.1)
    assert result.splits_lap["gain_m"].sum() == pytest.approx(summary["gain_m"], rel=1e-12)
