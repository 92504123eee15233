"""Arguments of :func:`retrocalc.estimate_activities` checked once, before the first file, and
the athletes table as a DataFrame."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import retrocalc as rc
from activity_files import steady, write_gpx


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "ann"
    root.mkdir()
    write_gpx(steady(3.0, 300), root / "a.gpx")  # starts on 2024-05-01
    write_gpx(steady(1.4, 300), root / "b.gpx")
    return root


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"bogus": 1}, TypeError, r"estimate_activities\(\) got unexpected keyword\(s\): bogus"),
        ({"direction": "back"}, ValueError, r"direction must be one of 'forward', 'backward'"),
        ({"gait": "jog"}, ValueError, r"gait must be one of 'walk', 'run', 'auto'"),
        ({"grade": "smooth"}, ValueError, r"grade: expected 'filtered', 'raw' or 'level'"),
        ({"processes": 0}, ValueError, r"processes: expected a whole number >= 1, got 0"),
    ],
)
def test_a_bad_argument_is_one_error_not_an_error_row_per_file(
    folder: Path, options: dict[str, object], error: type[Exception], message: str
) -> None:
    # they were a table of error rows (one per file) after every file was opened
    with pytest.raises(error, match=message):
        rc.estimate_activities(folder, mass_kg=70, progress=False, **options)


def test_no_input_is_an_error_naming_it() -> None:
    with pytest.raises(FileNotFoundError, match="no activity file given"):
        rc.estimate_activities([], mass_kg=70, progress=False)  # was KeyError: 'session'


@pytest.mark.parametrize(
    "date", ["2024-04-01", pd.Timestamp("2024-04-01"), pd.Timestamp("2024-04-01").date()]
)
def test_athletes_as_a_dataframe_is_the_csv(folder: Path, tmp_path: Path, date: object) -> None:
    csv = tmp_path / "athletes.csv"
    csv.write_text("athlete,date,mass_kg\nann,2020-01-01,60\nann,2024-04-01,62\n")
    frame = pd.DataFrame(
        {"athlete": ["ann", "ann"], "date": [pd.Timestamp("2020-01-01"), date], "mass_kg": [60, 62]}
    )
    by_csv = rc.estimate_activities(folder, athletes=csv, processes=1, progress=False)
    by_frame = rc.estimate_activities(folder, athletes=frame, processes=1, progress=False)
    pd.testing.assert_frame_equal(by_csv, by_frame)
    assert (by_frame["mass_kg"] == 62).all()  # the mass dated before 2024-05-01


def test_athletes_dataframe_errors_name_the_row(folder: Path) -> None:
    frame = pd.DataFrame(
        {"athlete": ["ann", "ann"], "date": ["2020-01-01", "1/2/24"], "mass_kg": [60, 62]}
    )
    with pytest.raises(ValueError, match=r"athletes: row 1: date must be an ISO date"):
        rc.estimate_activities(folder, athletes=frame, progress=False)
    with pytest.raises(ValueError, match=r"athletes table lacks column\(s\) mass_kg"):
        rc.estimate_activities(folder, athletes=frame.drop(columns="mass_kg"), progress=False)


def test_auto_in_any_spelling_is_the_recordings_auto(tmp_path: Path) -> None:
    # speeds crossing the walk-run band every few seconds: the recording's "auto" holds a
    # gait (hysteresis); rc.estimate's per-row rule would flip with the speed
    t = np.arange(0.0, 601.0)
    speed = np.where((t // 4) % 2 == 0, 1.9, 2.2)
    frame = pd.DataFrame(
        {"elapsed_s": t, "distance_m": np.concatenate([[0.0], np.cumsum(speed[1:])])}
    )
    a = rc.estimate_activity(frame, mass_kg=70, gait="auto").samples
    b = rc.estimate_activity(frame, mass_kg=70, gait=" AUTO").samples
    pd.testing.assert_series_equal(a["gait"].astype(str), b["gait"].astype(str))
