"""Recordings with faults: corrupt bytes, GPS jumps, altitude faults, a handful of samples.

The contract (issue 11): every file gives a result, with its faults said in the warnings, or
an :class:`~retrocalc.activity.ActivityError` naming the file; never a traceback, and never
an energy no body could spend. Expected values come from the track's geometry and from
independent calls of :func:`retrocalc.estimate` for steady bouts.
"""

from __future__ import annotations

import functools
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import retrocalc as rc
from activity_files import Track, steady, write_fit, write_gpx, write_tcx
from retrocalc.activity import ActivityError, Fault, GradeSettings, PauseSettings
from retrocalc.activity.grade import filtered_grade
from retrocalc.exceptions import ActivityWarning

pytest.importorskip("fitdecode")
pytest.importorskip("defusedxml")
WRITERS = {"gpx": write_gpx, "tcx": write_tcx, "fit": write_fit}


@functools.cache
def _valid_file(kind: str, folder: str) -> bytes:
    track = steady(3.0, 120, grade=0.03)
    track.hr = np.full(track.t.size, 140.0)
    return WRITERS[kind](track, Path(folder) / f"valid.{kind}").read_bytes()


def _mutate(data: bytes, edits: list[tuple[int, float, int, int]]) -> bytes:
    """Byte replacements, deletions, insertions (of bytes of the file itself: tags, digits)
    and truncations, at positions given as fractions of the length."""
    b = bytearray(data)
    for op, where, size, value in edits:
        if not b:
            break
        p = min(int(where * len(b)), len(b) - 1)
        if op == 0:
            b[p] = value
        elif op == 1:
            del b[p : p + size]
        elif op == 2:
            q = min(int(value / 255 * len(b)), len(b) - 1)
            b[p:p] = b[q : q + size]
        else:
            del b[p:]
    return bytes(b)


_EDITS = st.lists(
    st.tuples(st.integers(0, 3), st.floats(0.0, 1.0), st.integers(1, 60), st.integers(0, 255)),
    min_size=1,
    max_size=8,
)


@pytest.mark.parametrize("kind", sorted(WRITERS))
@settings(
    max_examples=60,
    derandomize=True,  # the same files on every run: CI does not depend on luck
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)
@given(edits=_EDITS)
def test_a_corrupt_file_gives_a_result_or_an_error_naming_it(
    kind: str, edits: list[tuple[int, float, int, int]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.getbasetemp()
    path = folder / f"corrupt.{kind}"
    path.write_bytes(_mutate(_valid_file(kind, str(folder)), edits))
    error = ""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = rc.estimate_activity(path, mass_kg=70)
        except ActivityError as exc:
            error = str(exc)
    if error:
        assert "corrupt." + kind in error
        return
    s = result.summary
    gross, net = s["energy_gross_kcal"], s["energy_net_kcal"]
    assert math.isfinite(gross)
    assert math.isfinite(net)
    assert 0.0 <= net <= gross
    samples = result.samples
    assert (samples["energy_net_kcal"] >= 0).all()
    assert (samples["energy_gross_kcal"] >= samples["energy_net_kcal"]).all()


def _jump_track(jump_m: float) -> Track:
    track = steady(3.0, 600)
    track.d = track.d + np.where(track.t >= 300, jump_m, 0.0)  # positions jump too
    return track


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_a_gps_jump_is_not_on_foot(kind: str, tmp_path: Path) -> None:
    # 3 m/s for 10 min; at 5 min the position jumps 5 km in one second (a GPS fault)
    path = WRITERS[kind](_jump_track(5000.0), tmp_path / f"jump.{kind}")
    result = rc.estimate_activity(path, mass_kg=70)
    assert any("faster than 12.5 m/s" in w for w in result.warnings)
    samples = result.samples
    assert samples["state"].iloc[300] == "too_fast"
    # the jump's second is at rest; its neighbours keep their 3 m/s (the window leaves it
    # out); the other 599 s are the steady run
    moving = samples["state"] == "moving"
    assert moving.sum() == 599
    # (GPX positions: 8 decimals of a degree, distance by haversine: 1e-4 of 3 m/s)
    assert samples.loc[moving, "speed_used_m_s"].to_numpy() == pytest.approx(3.0, rel=1e-3)
    run = rc.estimate(speed_m_s=3.0, mass_kg=70, duration_s=599, gait="run")
    assert result.summary["energy_net_kcal"] == pytest.approx(run.energy_net_kcal, rel=1e-3)
    assert result.summary["moving_s"] == 599
    # the 5 km are not run: the 599 moving seconds at 3 m/s (GPX and TCX positions by
    # haversine: 1e-4)
    assert result.summary["distance_m"] == pytest.approx(3.0 * 599, rel=1e-4)


def test_the_speed_limit_is_a_setting(tmp_path: Path) -> None:
    path = write_gpx(_jump_track(5000.0), tmp_path / "jump.gpx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        off = rc.estimate_activity(
            path, mass_kg=70, pause_settings=PauseSettings(max_speed_m_s=math.inf)
        )
    assert (off.samples["state"] == "moving").sum() == 600
    assert off.settings["pause_settings"]["max_speed_m_s"] == math.inf
    with pytest.raises(ValueError, match="max_speed_m_s"):
        PauseSettings(max_speed_m_s=0.1)


@pytest.mark.parametrize("step_m", [300.0, -300.0])
def test_an_altitude_fault_is_estimated_at_the_steepest_grade_and_flagged(
    step_m: float, tmp_path: Path
) -> None:
    # 3 m/s on the level for 10 min; the altitude reads 300 m off for 200 s (a barometer
    # fault): too long for the despiking, so the filter turns its edges into grades of
    # several hundred percent
    track = steady(3.0, 600)
    track.z = track.z + np.where((track.t >= 200) & (track.t < 400), step_m, 0.0)
    path = write_gpx(track, tmp_path / "fault.gpx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = rc.estimate_activity(path, mass_kg=70, gait="run")
    samples = result.samples
    # the filter's grade from the file's distances and altitudes, before the limit
    raw = filtered_grade(
        samples["distance_m"].to_numpy(), samples["altitude_m"].to_numpy(), GradeSettings()
    ).grade
    steep = np.abs(raw) > 0.45
    assert steep.sum() > 0
    assert samples["grade"].abs().max() == pytest.approx(0.45)
    assert not samples.loc[steep, "in_range"].any()
    assert any("steeper than +-45%" in w for w in result.warnings)
    # each steep second (the fault's edges: up one end, down the other) costs what one
    # second at 3 m/s on a 45 % grade, up or down, costs (independent calls); never less
    # than rest
    moving = steep & (samples["state"] == "moving").to_numpy()
    at_limit = rc.estimate(
        speed_m_s=3.0,
        mass_kg=70,
        duration_s=1,
        grade=0.45 * np.sign(raw[moving]),
        gait="run",
        out_of_range="flag",
    )
    got = samples.loc[moving, "energy_gross_kcal"].to_numpy()
    assert got == pytest.approx(at_limit.energy_gross_kcal, rel=1e-3)  # (GPX positions)
    assert (samples["energy_net_kcal"] >= 0).all()


def test_the_grade_limit_is_a_setting() -> None:
    assert GradeSettings().to_dict()["max_grade"] == 0.45
    with pytest.raises(ValueError, match="max_grade"):
        GradeSettings(max_grade=0.0)


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_recordings_of_a_few_samples(n: int) -> None:
    # shorter than the 5-sample speed window: 3 m/s from distance over time all the same
    t = np.arange(float(n))
    frame = pd.DataFrame({"elapsed_s": t, "distance_m": 3.0 * t, "altitude_m": 0.0 * t})
    result = rc.estimate_activity(frame, mass_kg=70, gait="run")
    assert result.samples["speed_used_m_s"].iloc[1:].to_numpy() == pytest.approx(3.0)
    run = rc.estimate(speed_m_s=3.0, mass_kg=70, duration_s=n - 1, gait="run")
    assert result.summary["energy_net_kcal"] == pytest.approx(run.energy_net_kcal, rel=1e-9)


def test_an_unknown_declared_encoding_is_an_error_naming_the_file(tmp_path: Path) -> None:
    text = write_tcx(steady(3.0, 30), tmp_path / "ok.tcx").read_bytes()
    path = tmp_path / "enc.tcx"
    path.write_bytes(text.replace(b'encoding="UTF-8"', b'encoding="UTF-8D"', 1))
    with pytest.raises(ActivityError, match=r"enc\.tcx.*unknown encoding"):
        rc.read_activity(path)


@pytest.mark.parametrize("error", [ValueError("size"), AssertionError(), KeyError(7)])
def test_a_fit_decoder_failure_keeps_the_records_before_it(
    error: Exception, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # fitdecode meets some corrupt bytes with errors of its own kinds, not FitError
    import fitdecode

    path = write_fit(steady(3.0, 60), tmp_path / "run.fit")
    real = fitdecode.FitReader

    class Failing(real):  # type: ignore[misc, valid-type]
        def __iter__(self):  # type: ignore[no-untyped-def]
            records = 0
            for frame in super().__iter__():
                if getattr(frame, "name", None) == "record":
                    records += 1
                    if records > 20:
                        raise error
                yield frame

    full = rc.read_activity(path)
    monkeypatch.setattr(fitdecode, "FitReader", Failing)
    with pytest.warns(rc.ActivityWarning, match=f"corrupt data: {type(error).__name__}"):
        activity = rc.read_activity(path)
    # the records before the fault, as the whole file has them
    n = len(activity.samples)
    assert 15 <= n <= 20
    pd.testing.assert_frame_equal(activity.samples, full.samples.iloc[:n])


_FAULTS = st.sampled_from([np.nan, np.inf, -np.inf, -1.0, 0.0, 1e300, -1e300, 1e-300, 1e6])


@settings(max_examples=80, derandomize=True, deadline=None)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from([0.0, 1.0, 1.0, 5.0, 100.0, -1.0]),  # time step [s]
            st.sampled_from([0.0, 3.0, 3.0, 1.0, 50.0, -2.0, 1e6]),  # distance step [m]
            st.floats(-50.0, 50.0),  # altitude step [m]
        ),
        min_size=2,
        max_size=60,
    ),
    faults=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 59), _FAULTS), max_size=6),
    device_speed=st.none() | st.sampled_from([3.0, 0.0, 30.0, np.nan, -1.0]),
)
def test_any_streams_give_a_result_or_a_clear_error(
    steps: list[tuple[float, float, float]],
    faults: list[tuple[int, int, float]],
    device_speed: float | None,
) -> None:
    # time going back, standing, jumps of 1000 km, infinite and huge readings: a result
    # with bounded, non-negative energy, or an ActivityError saying why there is none
    columns = [np.cumsum(np.array(c, dtype=np.float64)) for c in zip(*steps, strict=True)]
    for column, row, value in faults:
        columns[column][row % len(steps)] = value
    names = ("elapsed_s", "distance_m", "altitude_m")
    frame = pd.DataFrame(dict(zip(names, columns, strict=True)))
    if device_speed is not None:
        frame["speed_m_s"] = device_speed
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = rc.estimate_activity(frame, mass_kg=70)
        except ActivityError:
            return
    s = result.summary
    assert math.isfinite(s["energy_gross_kcal"])
    assert 0.0 <= s["energy_net_kcal"] <= s["energy_gross_kcal"]


def test_a_jump_of_a_billion_kilometres_costs_no_memory() -> None:
    # a corrupt distance: the grade grid spans the jump as 1 km, not as 2e11 points of 5 m
    t = np.arange(600.0)
    d = 3.0 * t + np.where(t >= 300, 1e12, 0.0)
    frame = pd.DataFrame({"elapsed_s": t, "distance_m": d, "altitude_m": 100.0 + 0.0 * t})
    result = rc.estimate_activity(frame, mass_kg=70, gait="run")
    assert (result.samples["state"] == "too_fast").sum() == 1
    run = rc.estimate(speed_m_s=3.0, mass_kg=70, duration_s=598, gait="run")
    assert result.summary["energy_net_kcal"] == pytest.approx(run.energy_net_kcal, rel=1e-9)


def _streams(distance: np.ndarray, speed: float | None = None) -> pd.DataFrame:
    t = np.arange(distance.size, dtype=np.float64)
    frame = pd.DataFrame({"elapsed_s": t, "distance_m": distance, "altitude_m": 100.0 + 0 * t})
    if speed is not None:
        frame["speed_m_s"] = speed
    return frame


def _steady_run(seconds: int) -> float:
    return rc.estimate(speed_m_s=3.0, mass_kg=70, duration_s=seconds, gait="run").energy_net_kcal


def test_a_distance_spike_that_comes_back_leaves_the_rest_of_the_run_alone() -> None:
    # 3 m/s for 10 min; one reading at 5 min is 1,000 km too far, the next is right again.
    # Holding the largest reading made the last 5 minutes "stopped" (rest energy only)
    t = np.arange(600.0)
    d = 3.0 * t
    d[300] += 1e6
    result = rc.estimate_activity(_streams(d), mass_kg=70, gait="run")
    states = result.samples["state"]
    # into the spike: too fast; back out of it: the distance goes back, no distance, so
    # standing; the other 597 intervals of 1 s are the steady run
    assert states.iloc[300] == "too_fast"
    assert states.iloc[301] == "stopped"
    assert (states == "moving").sum() == 597
    assert result.summary["distance_m"] == pytest.approx(3.0 * 597, rel=1e-12)
    assert result.summary["energy_net_kcal"] == pytest.approx(_steady_run(597), rel=1e-9)
    assert any(isinstance(w, Fault) and "goes back at 1 point" in w for w in result.warnings)
    # (the jump plus the second of running in it)
    assert any("1000003 m of jumps left out of the distance" in w for w in result.warnings)


def test_a_distance_counter_reset_keeps_counting() -> None:
    # the device's distance starts again from 0 at 5 min (an app restarting its counter):
    # the second half is run, not 5 minutes of standing under the old total
    t = np.arange(600.0)
    d = np.where(t < 300, 3.0 * t, 3.0 * (t - 300))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rc.ActivityWarning)
        result = rc.estimate_activity(_streams(d), mass_kg=70, gait="run")
    assert (result.samples["state"] == "moving").sum() == 598
    assert result.summary["distance_m"] == pytest.approx(3.0 * 598, rel=1e-12)
    assert result.summary["energy_net_kcal"] == pytest.approx(_steady_run(598), rel=1e-9)


def test_a_distance_fault_with_the_device_speed_recorded_is_mended_from_it() -> None:
    # a spike and a reset, but the device's speed (3 m/s) is there: each faulty step counts
    # speed x time, the run is whole, and nothing is lost (a note, no Fault)
    t = np.arange(600.0)
    d = 3.0 * t
    d[200] += 5000.0
    d[400:] -= 1200.0
    result = rc.estimate_activity(_streams(d, speed=3.0), mass_kg=70, gait="run")
    assert (result.samples["state"] == "moving").sum() == 599
    assert result.summary["distance_m"] == pytest.approx(3.0 * 599, rel=1e-12)
    assert result.summary["energy_net_kcal"] == pytest.approx(_steady_run(599), rel=1e-9)
    assert not any(isinstance(w, Fault) for w in result.warnings)
    assert any("3 distance step(s)" in w for w in result.warnings)


def test_a_batch_row_of_damaged_data_is_a_warning_with_its_faults(tmp_path: Path) -> None:
    clean = write_gpx(steady(3.0, 120), tmp_path / "clean.gpx")
    text = write_gpx(steady(3.0, 120), tmp_path / "whole.gpx").read_bytes()
    cut = tmp_path / "cut.gpx"
    cut.write_bytes(text[: len(text) // 2])  # truncated mid-track
    jump = write_gpx(_jump_track(5000.0), tmp_path / "jump.gpx")
    rows = rc.estimate_activities([clean, cut, jump], mass_kg=70, processes=1, progress=False)
    assert rows["status"].tolist() == ["ok", "warning", "warning"]
    assert rows["reason"].iloc[0] == ""
    assert "XML ends early" in rows["reason"].iloc[1]
    assert "faster than 12.5 m/s" in rows["reason"].iloc[2]
    # from Python, the faults are the notes of type Fault
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = rc.estimate_activity(cut, mass_kg=70)
    faults = [n for n in result.warnings if isinstance(n, Fault)]
    assert len(faults) == 1
    assert faults[0].startswith("XML ends early")
    assert not any(isinstance(n, Fault) for n in rc.estimate_activity(clean, mass_kg=70).warnings)


def test_a_body_mass_in_pounds_is_said_not_swallowed(tmp_path: Path) -> None:
    # the streams' glitches are flagged per sample, but an input given for the whole
    # recording that looks like another unit warns, and makes the batch row a warning
    folder = tmp_path / "alice"
    folder.mkdir()
    path = write_gpx(steady(3.0, 120), folder / "run.gpx")
    with pytest.warns(rc.UnitWarning, match=r"mass_kg=700.*looks like lb"):
        result = rc.estimate_activity(path, mass_kg=700.0)  # a 318 kg runner, in lb
    assert any(isinstance(n, Fault) and "mass_kg" in n for n in result.warnings)
    table = tmp_path / "masses.csv"
    table.write_text("athlete,date,mass_kg\nalice,2024-01-01,700\n")
    rows = rc.estimate_activities([path], athletes=table, processes=1, progress=False)
    assert rows["status"].tolist() == ["warning"]
    assert "mass_kg=700" in rows["reason"].iloc[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error", rc.UnitWarning)
        plain = rc.estimate_activity(path, mass_kg=70.0)
    assert not any(isinstance(n, Fault) for n in plain.warnings)


def test_an_empty_athletes_table_is_an_error_naming_it(tmp_path: Path) -> None:
    table = tmp_path / "masses.csv"
    table.write_text("")
    with pytest.raises(ValueError, match=r"masses\.csv: the athletes CSV is empty"):
        rc.estimate_activities([], athletes=table, processes=1, progress=False)


@pytest.mark.parametrize(
    ("times", "message"),
    [
        (["x"] * 5, "'time' must hold dates and times"),
        (np.arange(5), "'time' holds numbers; give seconds from the start as 'elapsed_s'"),
    ],
)
def test_streams_with_unreadable_times_are_an_error_naming_the_column(
    times: object, message: str
) -> None:
    # a text that is no time was pandas' DateParseError; integers were read as nanoseconds
    # since 1970 (a recording of 4 ns: "span less than 1 s")
    frame = pd.DataFrame({"time": times, "distance_m": 3.0 * np.arange(5)})
    with pytest.raises(ActivityError, match=message):
        rc.estimate_activity(frame, mass_kg=70)


def test_a_tcx_of_several_activities_reads_the_first_and_says_so(tmp_path: Path) -> None:
    # a history export: the second activity's distance starts again at 0, so joined to the
    # first it was a recording "stopped" for its whole length, its sport lost, no warning
    one = write_tcx(steady(3.0, 60), tmp_path / "one.tcx")
    text = one.read_text()
    start, end = text.index("<Activity "), text.index("</Activity>") + len("</Activity>")
    second = text[start:end].replace('Sport="Running"', 'Sport="Biking"')
    two = tmp_path / "two.tcx"
    two.write_text(text[:end] + second + text[end:])
    first = rc.read_activity(one)
    with pytest.warns(rc.ActivityWarning, match="holds 2 activities"):
        both = rc.read_activity(two)
    pd.testing.assert_frame_equal(both.samples, first.samples)
    assert both.sport == "running"
    assert len(both.laps) == len(first.laps)
    faults = [n for n in both.warnings if isinstance(n, Fault)]
    assert faults == [
        "the file holds 2 activities: the first is read (left out: 61 points of the others)"
    ]


def test_a_missing_mass_or_labels_of_the_wrong_length_are_errors_naming_them() -> None:
    # a NaN mass gave NaN per sample and totals of 0 kcal; three directions for 61 samples
    # ended in numpy's broadcast message
    t = np.arange(61.0)
    frame = pd.DataFrame({"elapsed_s": t, "distance_m": 3.0 * t})
    with pytest.raises(ValueError, match="mass_kg: expected a body mass in kg above 0, got nan"):
        rc.estimate_activity(frame, mass_kg=math.nan)
    with pytest.raises(ValueError, match=r"direction: expected one label or one per sample \(61\)"):
        rc.estimate_activity(frame, mass_kg=70.0, direction=["backward"] * 3)
    with pytest.raises(ValueError, match=r"gait: expected one label or one per sample \(61\)"):
        rc.estimate_activity(frame, mass_kg=70.0, gait=["walk"] * 2)
    per_sample = rc.estimate_activity(frame, mass_kg=70.0, direction=["backward"] * 61)
    one = rc.estimate_activity(frame, mass_kg=70.0, direction="backward")
    assert per_sample.summary["energy_net_kcal"] == one.summary["energy_net_kcal"]


@pytest.mark.parametrize("name", ["direction", "gait"])
def test_a_missing_label_per_sample_is_an_error_naming_it(name: str) -> None:
    # a missing label gave that sample no energy, silently left out of the totals
    t = np.arange(100.0)
    frame = _streams(3.0 * t)
    labels: list[str | None] = ["forward" if name == "direction" else "run"] * 100
    labels[50] = None
    with pytest.raises(
        ValueError,
        match=f"{name}: expected a label for every sample; 1 missing, the first at sample 50",
    ):
        rc.estimate_activity(frame, mass_kg=70, **{name: labels})


def test_an_athletes_table_of_a_decimal_comma_locale_reads(tmp_path: Path) -> None:
    # a spreadsheet in a German locale saves "athlete;date;mass_kg" and 70,5
    from retrocalc.activity.many import load_athletes

    table = tmp_path / "athletes.csv"
    table.write_text("athlete;date;mass_kg\nann;2024-01-01;70,5\nann;2024-06-01;68\n")
    assert load_athletes(table) == {"ann": [("2024-01-01", 70.5), ("2024-06-01", 68.0)]}
    # an infinite mass passed the "> 0" check
    table.write_text("athlete,date,mass_kg\nann,2024-01-01,inf\n")
    with pytest.raises(ValueError, match="line 2: mass_kg must be a finite number > 0"):
        load_athletes(table)


def test_an_athletes_date_that_is_not_iso_is_an_error_not_read_month_first(
    tmp_path: Path,
) -> None:
    # 01/02/2024 was read as 2 January (pandas' month-first guess) though the message asks
    # for ISO dates: a day-first table silently gave activities in January the wrong mass
    from retrocalc.activity.many import load_athletes

    table = tmp_path / "athletes.csv"
    table.write_text("athlete,date,mass_kg\nann,2024-01-01,70\nann,01/02/2024,68\n")
    with pytest.raises(ValueError, match="line 3: date must be an ISO date such as 2024-05-01"):
        load_athletes(table)
    table.write_text("athlete,date,mass_kg\nann,2024-02-01,68\nann,20240101,70\n")
    assert load_athletes(table) == {"ann": [("2024-01-01", 70.0), ("2024-02-01", 68.0)]}


def test_a_distance_jittering_back_a_little_is_no_fault() -> None:
    # readings rounded or jittering by a few centimetres back: nothing damaged
    t = np.arange(600.0)
    d = 3.0 * t
    d[100::50] -= 3.05  # 5 cm below the reading before
    result = rc.estimate_activity(_streams(d), mass_kg=70, gait="run")
    assert not any(isinstance(w, Fault) for w in result.warnings)
    assert any("goes back a little at 10 point(s)" in w for w in result.warnings)


def test_a_lap_or_session_value_that_is_not_a_number_is_left_empty() -> None:
    # a corrupt definition made a lap's total_elapsed_time an array: reading the file ended
    # in numpy's "inhomogeneous shape" ValueError (found by mutating a multisport file)
    from retrocalc.activity import _fit

    values = {
        "start_time": 1_000_000_000, "total_elapsed_time": (1, 2, 3),
        "total_timer_time": "60", "total_distance": 360.0, "sport": (1, 2),
    }  # fmt: skip

    class Message:
        def get_value(self, name: str, fallback: object = None) -> object:
            return values.get(name, fallback)

    totals = _fit._totals(Message())
    assert totals == (1_000_000_000, None, None, 360.0)
    laps = _fit._lap_frame([totals], 1_000_000_000.0)
    assert laps["start_s"].tolist() == [0.0]
    assert np.isnan(laps["elapsed_s"].iloc[0])
    assert laps["distance_m"].tolist() == [360.0]


def test_an_upload_s_bytes_read_as_the_file_does(tmp_path: Path) -> None:
    # a web app has the upload's content, not a path: bytes gave "AttributeError: 'bytes'
    # object has no attribute 'read'"; a file opened as text, and anything else, a clear error
    track = steady(3.0, 600, grade=0.02)
    for write in (write_gpx, write_tcx, write_fit):
        path = write(track, tmp_path / f"a.{write.__name__.removeprefix('write_')}")
        content = path.read_bytes()
        from_path = rc.read_activity(path)
        for upload in (content, bytearray(content), memoryview(content)):
            from_bytes = rc.read_activity(upload)
            pd.testing.assert_frame_equal(from_bytes.samples, from_path.samples)
            assert (from_bytes.source, from_bytes.format) == ("<bytes>", from_path.format)
        result = rc.estimate_activity(content, mass_kg=70)
        expected = rc.estimate_activity(path, mass_kg=70)
        assert result.summary["energy_gross_kcal"] == expected.summary["energy_gross_kcal"]
    gpx = tmp_path / "a.gpx"
    text_mode = r"a\.gpx: a file opened as text; open it in binary mode"
    with open(gpx, encoding="utf-8") as text, pytest.raises(ActivityError, match=text_mode):
        rc.read_activity(text)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected a path, a binary file object or bytes, got int"):
        rc.read_activity(3)  # type: ignore[arg-type]
    with pytest.raises(ActivityError, match="<bytes>: the file is empty"):
        rc.read_activity(b"")


@pytest.mark.parametrize("comment", [b"", b"<!-- the full parser -->"])
def test_a_time_that_does_not_read_is_named(comment: bytes) -> None:
    # "1 of 3 points have no time" alone did not say the file has a time that is not one
    points = b"".join(
        b'<trkpt lat="46.0%d" lon="14.0"><time>%s</time></trkpt>' % (i, t)
        for i, t in enumerate([b"2020-01-01T00:00:00Z", b"not-a-time", b"2020-01-01T00:00:02Z"])
    )
    gpx = b"<gpx>" + comment + b"<trk><trkseg>" + points + b"</trkseg></trk></gpx>"
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        act = rc.read_activity(gpx)
    said = [str(w.message) for w in seen if issubclass(w.category, ActivityWarning)]
    assert any(
        "1 time(s) could not be read as ISO 8601 (the first: 'not-a-time')" in m for m in said
    )
    assert any(isinstance(n, Fault) and "not-a-time" in n for n in act.warnings)
    assert act.samples["time"].isna().tolist() == [False, True, False]
