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
