"""Multisport FIT files (a run-bike-run brick, a triathlon): one activity per session.

The files are written by the tests (``write_fit(..., sessions=...)``) with steady bouts, so
every expected value follows from the bouts written: a session's samples, distance and
duration, and a run leg's energy is one independent :func:`retrocalc.estimate` of its bout.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import retrocalc as rc
from activity_files import bouts, steady, write_fit, write_gpx, write_tcx
from retrocalc.activity import Fault
from retrocalc.exceptions import ActivityWarning

pytest.importorskip("fitdecode")
pytest.importorskip("defusedxml")

RUN, BIKE = 3.0, 7.0  # [m/s]
#: run 2 min, ride 4 min, run 2 min: 360 m, 1,680 m, 360 m (short: fit-tool writes slowly)
BRICK = [(0.0, 120.0, "running"), (120.0, 360.0, "cycling", "road"), (360.0, 480.0, "running")]


def _brick(path: Path, **kwargs: object) -> Path:
    track = bouts((RUN, 120), (BIKE, 240), (RUN, 120))
    return write_fit(track, path, sessions=BRICK, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def brick(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _brick(tmp_path_factory.mktemp("brick") / "brick.fit")


def _read(path: Path) -> rc.activity.Activity:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ActivityWarning)
        return rc.read_activity(path)


def _alone(act: rc.activity.Activity) -> bool:
    parts = act.split_sessions()
    return len(parts) == 1 and parts[0] is act


def test_brick_sessions_table_holds_each_leg_as_written(brick: Path) -> None:
    with pytest.warns(ActivityWarning, match="holds 3 sessions"):
        act = rc.read_activity(brick)
    s = act.sessions
    assert s["start_s"].tolist() == [0.0, 120.0, 360.0]
    assert s["elapsed_s"].tolist() == [120.0, 240.0, 120.0]
    assert s["timer_s"].tolist() == [120.0, 240.0, 120.0]
    np.testing.assert_allclose(s["distance_m"], [120 * RUN, 240 * BIKE, 120 * RUN])
    assert s["sport"].tolist() == ["running", "cycling", "running"]
    assert s["sub_sport"].tolist() == [None, "road", None]
    assert s["start_time"].iloc[1] == pd.Timestamp("2024-05-01T07:02:00Z")
    # the whole file: the first leg's sport, and a plain note (not a fault) on what to do
    assert act.sport == "running"
    assert len(act.samples) == 481
    (note,) = [w for w in act.warnings if "sessions" in w]
    assert not isinstance(note, Fault)
    assert "running, cycling, running" in note
    assert "split_sessions()" in note


def test_split_sessions_gives_each_leg_with_its_samples_and_sport(brick: Path) -> None:
    act = _read(brick)
    legs = act.split_sessions()
    assert [leg.sport for leg in legs] == ["running", "cycling", "running"]
    assert [leg.sub_sport for leg in legs] == [None, "road", None]
    # a sample a second; the sample at a change of leg ends one and starts the next
    assert [len(leg.samples) for leg in legs] == [121, 241, 121]
    for leg, (t0, t1, *_) in zip(legs, BRICK, strict=True):
        elapsed = leg.samples["elapsed_s"].to_numpy()
        np.testing.assert_array_equal(elapsed, np.arange(t1 - t0 + 1))  # from the leg's start
        assert leg.start_time == pd.Timestamp("2024-05-01T07:00:00Z") + pd.Timedelta(t0, "s")
        assert leg.source == act.source
        assert leg.format == "fit"
        assert len(leg.laps) == 1
        assert leg.laps["start_s"].tolist() == [0.0]
        assert len(leg.sessions) == 1
        assert leg.sessions["start_s"].tolist() == [0.0]
        assert _alone(leg)
        assert not any("holds 3 sessions" in w for w in leg.warnings)
    assert "session 1 (0-based) of the 3" in legs[1].warnings[-1]
    d = legs[1].samples["distance_m"]
    assert d.iloc[-1] - d.iloc[0] == pytest.approx(240 * BIKE)
    # the file's timer start is the first leg's, its final stop the last leg's
    assert legs[0].timer_events.to_numpy().tolist() == [[0.0, "start"]]
    assert legs[1].timer_events.empty
    assert legs[2].timer_events.to_numpy().tolist() == [[120.0, "stop"]]


def test_run_legs_cost_what_their_steady_bouts_cost(brick: Path) -> None:
    legs = _read(brick).split_sessions()
    bout = rc.estimate(speed_m_s=RUN, mass_kg=70, duration_s=120, gait="run")
    for leg in (legs[0], legs[2]):
        with warnings.catch_warnings():
            warnings.simplefilter("error", ActivityWarning)  # a run: nothing to warn about
            s = rc.estimate_activity(leg, mass_kg=70).summary
        assert s["sport"] == "running"
        assert s["foot_sport"] is True
        assert s["distance_m"] == pytest.approx(120 * RUN, rel=1e-3)
        assert s["moving_s"] == pytest.approx(120)
        assert s["energy_net_kcal"] == pytest.approx(bout.energy_net_kcal, rel=1e-3)
        assert s["energy_gross_kcal"] == pytest.approx(bout.energy_gross_kcal, rel=1e-3)
    with pytest.warns(ActivityWarning, match="'cycling', not walking or running"):
        ride = rc.estimate_activity(legs[1], mass_kg=70).summary
    assert ride["foot_sport"] is False
    assert ride["elapsed_s"] == pytest.approx(240)


def test_a_timer_stopped_before_a_leg_starts_keeps_it_paused(tmp_path: Path) -> None:
    # stopped 10 s before the end of the run, started again 5 s into the ride
    legs = _read(_brick(tmp_path / "brick.fit", stops=[(110.0, 125.0)])).split_sessions()
    assert legs[0].timer_events.to_numpy().tolist() == [[0.0, "start"], [110.0, "stop"]]
    assert legs[1].timer_events.to_numpy().tolist() == [[0.0, "stop"], [5.0, "start"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ActivityWarning)
        ride = rc.estimate_activity(legs[1], mass_kg=70)
    state = ride.samples["state"].astype(str).tolist()
    assert state[1:6] == ["timer"] * 5
    assert state[6] == "moving"
    assert ride.summary["paused_s"] == pytest.approx(5)
    assert _read(tmp_path / "brick.fit").sessions["timer_s"].tolist() == [110.0, 235.0, 120.0]


@pytest.mark.parametrize("boundary", ["new", "old"])
def test_a_distance_counter_restarting_with_each_session_is_no_fault(
    boundary: str, tmp_path: Path
) -> None:
    # some devices count each session's distance from 0: the sample at a change of leg
    # reads the new leg's 0, or still the old leg's total
    track = bouts((RUN, 120), (BIKE, 240), (RUN, 120))
    starts = np.array([0, 120, 360])
    leg = np.searchsorted(starts, track.t, side="right" if boundary == "new" else "left") - 1
    leg = np.clip(leg, 0, None)
    track.d = track.d - track.d[starts][leg]
    path = write_fit(track, tmp_path / "reset.fit", sessions=BRICK)
    legs = _read(path).split_sessions()
    # the boundary sample stays only in the leg whose distance it continues
    counts = [120, 240, 121] if boundary == "new" else [121, 240, 120]
    assert [len(x.samples) for x in legs] == counts
    results = [rc.estimate_activity(x, mass_kg=70) for x in (legs[0], legs[2])]
    for result, n in zip(results, counts[::2], strict=True):
        assert not [w for w in result.warnings if isinstance(w, Fault)]
        bout = rc.estimate(speed_m_s=RUN, mass_kg=70, duration_s=n - 1, gait="run")
        assert result.summary["distance_m"] == pytest.approx((n - 1) * RUN, rel=1e-3)
        assert result.summary["energy_net_kcal"] == pytest.approx(bout.energy_net_kcal, rel=1e-3)


def test_triathlon_with_transitions_gives_one_row_per_session(tmp_path: Path) -> None:
    # swim 3 min at 1 m/s, T1 1 min walking, ride 4 min, T2 30 s, run 3 min
    track = bouts((1.0, 180), (1.2, 60), (BIKE, 240), (1.2, 30), (RUN, 180))
    legs = [(0, 180, "swimming"), (180, 240, "transition"), (240, 480, "cycling"),
            (480, 510, "transition"), (510, 690, "running")]  # fmt: skip
    path = write_fit(track, tmp_path / "tri.fit", sessions=legs)
    table = rc.estimate_activities(path, mass_kg=70, processes=1, progress=False)
    assert table["session"].tolist() == [0, 1, 2, 3, 4]
    assert table["sport"].tolist() == [s for *_, s in legs]
    # a transition is walked or run through; a swim and a ride are not on foot
    assert table["status"].tolist() == ["warning", "ok", "warning", "ok", "ok"]
    assert table.loc[0, "reason"] == "sport is swimming, not a walk or run"
    np.testing.assert_allclose(table["elapsed_s"], [b - a for a, b, _ in legs])
    run = rc.estimate(speed_m_s=RUN, mass_kg=70, duration_s=180, gait="run")
    assert table.loc[4, "energy_net_kcal"] == pytest.approx(run.energy_net_kcal, rel=1e-3)


def test_a_pool_swim_leg_without_distance_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    # a pool swim records time (and heart rate) but no distance and no position: the leg has
    # no energy and says why; the batch does not fail for it (exit 0) and the run counts
    track = bouts((1.0, 180), (1.2, 60), (RUN, 180))
    track.d[track.t <= 180] = np.nan
    legs = [(0, 180, "swimming", "lap_swimming"), (180, 240, "transition"), (240, 420, "running")]
    path = write_fit(track, tmp_path / "pool.fit", sessions=legs)
    table = rc.estimate_activities(path, mass_kg=70, processes=1, progress=False)
    assert table["sport"].tolist() == ["swimming", "transition", "running"]
    assert table["sub_sport"].tolist()[0] == "lap_swimming"
    assert table["status"].tolist() == ["warning", "ok", "ok"]
    assert table.loc[0, "reason"].startswith("sport is swimming, not a walk or run: not estimated")
    assert "no distance" in table.loc[0, "reason"]
    assert pd.isna(table.loc[0, "energy_net_kcal"])
    run = rc.estimate(speed_m_s=RUN, mass_kg=70, duration_s=180, gait="run")
    assert table.loc[2, "energy_net_kcal"] == pytest.approx(run.energy_net_kcal, rel=1e-3)
    from click.testing import CliRunner

    from retrocalc.cli import cli

    out = tmp_path / "summary.csv"
    args = ["activity", str(path), "-o", str(out), "--mass-kg", "70", "--processes", "1"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert pd.read_csv(out)["status"].tolist() == ["warning", "ok", "ok"]


def test_recording_between_two_sessions_is_counted_with_the_first_and_said(
    tmp_path: Path,
) -> None:
    # the run session ends at 120 s, the ride starts at 150 s: the 30 s between them (the
    # watch recording on) belong to no session; they go with the run, and its notes say so
    track = bouts((RUN, 150), (BIKE, 240))
    legs = [(0.0, 120.0, "running"), (150.0, 390.0, "cycling")]
    run, ride = _read(write_fit(track, tmp_path / "gap.fit", sessions=legs)).split_sessions()
    assert run.samples["elapsed_s"].iloc[-1] == 150.0
    gap = [w for w in run.warnings if "after the session's end" in str(w)]
    assert len(gap) == 1
    assert "30 s of recording" in str(gap[0])
    assert not [w for w in ride.warnings if "after the session's end" in str(w)]
    # sessions that follow each other leave no such note
    brick = _read(_brick(tmp_path / "brick.fit")).split_sessions()
    assert not [w for p in brick for w in p.warnings if "after the session's end" in str(w)]


@pytest.fixture(scope="module")
def folder(brick: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("files") / "ann"
    root.mkdir()
    write_gpx(steady(3.0, 120), root / "a.gpx")
    (root / "b.fit").write_bytes(brick.read_bytes())
    write_fit(steady(2.5, 120), root / "c.fit")  # no session message
    write_fit(steady(2.5, 120), root / "d.fit", sessions=[(0, 120, "running")])
    return root


def test_batch_gives_a_row_per_session_in_file_order(folder: Path, tmp_path: Path) -> None:
    root = folder
    one = rc.estimate_activities(root, mass_kg=70, processes=1, progress=False,
                                 samples_dir=tmp_path / "per_sample")  # fmt: skip
    names = [Path(f).name for f in one["file"]]
    assert names == ["a.gpx", "b.fit", "b.fit", "b.fit", "c.fit", "d.fit"]
    assert one["session"].dtype == "Int64"
    assert one["session"].tolist() == [pd.NA, 0, 1, 2, pd.NA, pd.NA]
    assert one["sport"].tolist()[1:4] == ["running", "cycling", "running"]
    assert one["status"].tolist() == ["ok", "ok", "warning", "ok", "ok", "ok"]
    assert one.loc[2, "reason"] == "sport is cycling, not a walk or run"
    assert one["samples"].tolist()[1:4] == [121, 241, 121]
    bout = rc.estimate(speed_m_s=RUN, mass_kg=70, duration_s=120, gait="run")
    for i in (1, 3):
        assert one.loc[i, "energy_net_kcal"] == pytest.approx(bout.energy_net_kcal, rel=1e-3)
    # a per-sample file per session, named apart
    files = one["samples_file"].tolist()
    assert len(set(files)) == 6
    assert [Path(f).name.split(".")[-2] for f in files[1:4]] == [f"session{i}" for i in range(3)]
    for f, n in zip(files[1:4], (121, 241, 121), strict=True):
        assert len(pd.read_csv(f)) == n
    # several processes (chunks of files, a file giving three rows): the same rows
    two = rc.estimate_activities(root, mass_kg=70, processes=2, progress=False,
                                 samples_dir=tmp_path / "per_sample")  # fmt: skip
    pd.testing.assert_frame_equal(one, two)


def test_cli_writes_a_row_per_session_and_names_the_session(folder: Path, tmp_path: Path) -> None:
    pytest.importorskip("click")
    from click.testing import CliRunner

    from retrocalc.cli import cli

    root = folder
    out = tmp_path / "summary.csv"
    res = CliRunner().invoke(cli, ["activity", str(root), "-o", str(out), "--mass-kg", "70",
                                   "-j", "1", "-q"])  # fmt: skip
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out)
    assert table.columns[:3].tolist() == ["file", "session", "status"]
    assert table["session"].tolist()[1:4] == [0, 1, 2]
    assert table["session"].isna().tolist() == [True, False, False, False, True, True]
    assert table.loc[2, "reason"] == "sport is cycling, not a walk or run"
    res = CliRunner().invoke(cli, ["activity", str(root / "b.fit"), "-o", str(out),
                                   "--mass-kg", "70", "-j", "1"])  # fmt: skip
    assert "3 activities, 2 ok, 1 with a warning" in res.output
    assert "b.fit [session 1]: warning: sport is cycling" in res.output


def test_dask_engine_gives_the_rows_of_the_local_engine(folder: Path) -> None:
    distributed = pytest.importorskip("distributed")
    pytest.importorskip("dask.bag")
    root = folder
    local = rc.estimate_activities(root, mass_kg=70, processes=1, progress=False)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, host="127.0.0.1", dashboard_address=":0",
        processes=False, protocol="tcp",
    ) as cluster:  # fmt: skip
        remote = rc.estimate_activities(
            root, mass_kg=70, engine="dask", scheduler=cluster.scheduler_address, progress=False
        )
    pd.testing.assert_frame_equal(remote, local)
    assert remote["session"].tolist()[1:4] == [0, 1, 2]


@pytest.mark.parametrize("writer", [write_gpx, write_tcx, write_fit])
def test_single_activity_files_have_no_sessions_and_split_to_themselves(
    writer: object, tmp_path: Path
) -> None:
    act = _read(writer(steady(3.0, 60), tmp_path / "x.file"))  # type: ignore[operator]
    assert act.sessions.empty
    assert act.sessions.columns.tolist() == [
        "start_time", "start_s", "elapsed_s", "timer_s", "distance_m", "sport", "sub_sport"
    ]  # fmt: skip
    assert _alone(act)


def test_one_session_is_one_row_and_no_note(tmp_path: Path) -> None:
    path = write_fit(steady(3.0, 60), tmp_path / "one.fit", sessions=[(0, 60, "running")])
    with warnings.catch_warnings():
        warnings.simplefilter("error", ActivityWarning)
        act = rc.read_activity(path)
    assert act.sessions[["start_s", "elapsed_s", "sport"]].to_numpy().tolist() == [
        [0.0, 60.0, "running"]
    ]
    assert _alone(act)
    assert act.warnings == []


def test_a_brick_estimated_whole_says_its_ride_is_not_on_foot(brick: Path) -> None:
    # read whole, the brick's sport is the first leg's (running): the ride in the middle
    # would pass as a run at 7 m/s without a word
    act = _read(brick)
    assert act.sport == "running"
    with pytest.warns(ActivityWarning, match=r"sessions not on foot \(cycling\)"):
        result = rc.estimate_activity(act, mass_kg=70)
    assert result.summary["foot_sport"] is False
    # each leg split off is judged on its own sport
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ActivityWarning)
        legs = [rc.estimate_activity(leg, mass_kg=70) for leg in act.split_sessions()]
    assert [leg.summary["foot_sport"] for leg in legs] == [True, False, True]
