"""A personal calibration and energy from heart rate in the batch, as an analyst uses them.

Expected numbers come from independent paths: ``rc.estimate(..., calibration=cal)`` on the
same rows read by pandas (not by the batch's reader), the calibration's factors looked up by
hand from the model family, and Keytel et al.'s (2005) published equation written out here
(kJ/min = -55.0969 + 0.6309 HR + 0.1988 W + 0.2017 A for men, -20.4022 + 0.4472 HR
- 0.1263 W + 0.074 A for women; J Sports Sci 23(3):289-297, Table 3).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result

import retrocalc as rc
from retrocalc.batch import HR_COLUMNS, RESULT_COLUMNS, BatchError, RowError, estimate_file
from retrocalc.calibration import Calibration, Factor
from retrocalc.cli import cli

pytest.importorskip("polars", reason="the cli extra is not installed")

ENERGIES = (
    "vo2_gross_ml_kg_min",
    "vo2_net_ml_kg_min",
    "met",
    "power_gross_w",
    "power_net_w",
    "energy_gross_kcal",
    "energy_net_kcal",
    "energy_gross_kj",
    "energy_net_kj",
    "cost_of_transport_j_kg_m",
)

WORKOUTS = """id,speed_m_s,mass_kg,duration_s,gait,direction
1,3.0,70,1800,run,backward
2,1.4,60,600,walk,forward
3,2.5,80,900,run,forward
4,1.2,75,1200,walk,backward
5,fast,70,600,run,forward
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def a_calibration(basis: str = "gross") -> Calibration:
    """Factors for backward running (ACSM family) and forward walking (LCDA): the other rows
    have none (factor 1)."""
    return Calibration(
        factors=(
            Factor("acsm", "run", "backward", 1.2, 1.1, 1.3, 6, 180.0),
            Factor("lcda2019", "walk", "forward", 0.85, 0.8, 0.9, 5, 150.0),
        ),
        source="lab_vo2",
        basis=basis,  # type: ignore[arg-type]
    )


def reference(rows: pd.DataFrame, **options: object) -> pd.DataFrame:
    """rc.estimate on the good rows, column by column (not through the batch)."""
    return rc.estimate(
        rows[["speed_m_s", "mass_kg", "duration_s", "gait", "direction"]].astype(
            {"speed_m_s": float, "mass_kg": float, "duration_s": float}
        ),
        out_of_range="flag",
        **options,  # type: ignore[arg-type]
    )


# ------------------------------------------------------------------------------ calibration


@pytest.mark.parametrize("basis", ["gross", "net"])
def test_calibrated_batch_equals_estimate_with_the_calibration(tmp_path: Path, basis: str) -> None:
    src = write(tmp_path / "w.csv", WORKOUTS)
    out = tmp_path / "o.csv"
    cal = a_calibration(basis)
    summary = estimate_file(src, out, calibration=cal, progress=False)
    got = pd.read_csv(out)
    assert list(got.columns) == [
        *pd.read_csv(src).columns,
        *RESULT_COLUMNS[:-2],
        "calibration_factor",
        "status",
        "error",
    ]
    good = got["status"] != "error"
    want = reference(pd.read_csv(src)[good.to_numpy()], calibration=cal)
    for name in ENERGIES:
        np.testing.assert_allclose(got.loc[good, name], want[name], rtol=1e-12, err_msg=name)
    # the factor of each row, looked up by hand: family of the model, gait, direction
    table = {(f.family, f.gait, f.direction): f.k for f in cal.factors}
    expected = [
        table.get((m.split("_")[0], g, d), 1.0)
        for m, g, d in zip(want["model_used"], want["gait_used"], want["direction"], strict=True)
    ]
    np.testing.assert_allclose(got.loc[good, "calibration_factor"], expected)
    assert expected[:2] == [1.2, 0.85]
    assert expected[2] == 1.0
    # a row without an estimate has no factor either
    assert got["status"].iloc[4] == "error"
    assert np.isnan(got["calibration_factor"].iloc[4])
    # the summary adds up the calibrated energies
    assert summary.energy_gross_kcal == pytest.approx(got["energy_gross_kcal"].sum(), rel=1e-12)


def test_calibration_scales_only_energy_and_power(tmp_path: Path) -> None:
    src = write(tmp_path / "w.csv", WORKOUTS)
    plain, scaled = tmp_path / "plain.csv", tmp_path / "cal.csv"
    estimate_file(src, plain, progress=False)
    estimate_file(src, scaled, calibration=a_calibration(), progress=False)
    a, b = pd.read_csv(plain), pd.read_csv(scaled)
    for name in ("in_range", "gait_used", "model_used", "status"):
        pd.testing.assert_series_equal(a[name], b[name])
    # gross basis: gross energy x k exactly
    np.testing.assert_allclose(
        b["energy_gross_kcal"][:4], a["energy_gross_kcal"][:4] * b["calibration_factor"][:4]
    )


def test_cli_calibration_file_from_calibrate_round_trip(tmp_path: Path) -> None:
    # a calibration fitted from measured sessions, saved as JSON, used by the command line
    rng = np.random.default_rng(7)
    sessions = pd.DataFrame(
        {
            "speed_m_s": rng.uniform(2.4, 3.4, 8),
            "mass_kg": 70.0,
            "duration_s": 1800.0,
            "gait": "run",
            "direction": "forward",
        }
    )
    predicted = rc.estimate(sessions, out_of_range="flag")
    sessions["measured_kcal"] = predicted["energy_gross_kcal"] * 1.1 * rng.uniform(0.98, 1.02, 8)
    cal = rc.calibrate(sessions, source="lab_vo2", n_bootstrap=20)
    path = write(tmp_path / "me.json", cal.to_json(indent=2))

    src = tmp_path / "w.parquet"
    pd.read_csv(write(tmp_path / "w.csv", WORKOUTS)).astype(str).to_parquet(src)
    out = tmp_path / "o.parquet"
    result = run("estimate", str(src), "-o", str(out), "--calibration", str(path), "-q")
    assert result.exit_code == 0, result.output
    got = pd.read_parquet(out)
    good = (got["status"] != "error").to_numpy()
    want = reference(
        pd.read_csv(tmp_path / "w.csv")[good], calibration=Calibration.from_json(path.read_text())
    )
    for name in ENERGIES:
        np.testing.assert_allclose(got.loc[good, name], want[name], rtol=1e-12)
    forward_runs = (got["gait_used"] == "run") & (got["direction"] == "forward")
    assert forward_runs.sum() == 1
    assert got.loc[forward_runs, "calibration_factor"].item() == pytest.approx(cal.factors[0].k)
    assert 1.05 < cal.factors[0].k < 1.15


def test_calibration_with_an_interval_bounds_the_calibrated_estimate(tmp_path: Path) -> None:
    src = write(tmp_path / "w.csv", WORKOUTS)
    out = tmp_path / "o.csv"
    cal = a_calibration()
    estimate_file(src, out, calibration=cal, interval=0.9, progress=False)
    got = pd.read_csv(out)
    good = (got["status"] != "error").to_numpy()
    want = reference(pd.read_csv(src)[good], calibration=cal, interval=0.9)
    for name in ("energy_gross_kcal_lower", "energy_net_kcal_upper", "power_gross_w_upper"):
        np.testing.assert_allclose(got.loc[good, name], want[name], rtol=1e-9)
    columns = list(got.columns)
    assert columns.index("calibration_factor") < columns.index("power_gross_w_lower")


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (None, "no such file"),
        ("speed,mass\n3,70\n", "not JSON"),
        ("{}", "not a retrocalc calibration"),
        ('{"format": "retrocalc.calibration/1"}', "malformed (missing 'factors')"),
        (
            '{"format": "retrocalc.calibration/1", "factors": [{"family": "acsm", "gait": "run",'
            ' "direction": "forward", "k": -1, "ci_low": 1, "ci_high": 1, "sessions": 3,'
            ' "minutes": 30}]}',
            "k must be a finite number > 0",
        ),
        ('{"format": "retrocalc.calibration/1", "factors": [{"k": 1.1}]}', "factor 0"),
        ('{"format": "retrocalc.calibration/1", "factors": [], "basis": "both"}', "basis"),
        (b"\xff\xfe{}", "not UTF-8"),
    ],
)
def test_a_bad_calibration_file_is_a_usage_error_naming_it(
    tmp_path: Path, content: str | bytes | None, why: str
) -> None:
    src = write(tmp_path / "w.csv", WORKOUTS)
    path = tmp_path / "cal.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    out = tmp_path / "o.csv"
    result = run("estimate", str(src), "-o", str(out), "--calibration", str(path))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: calibration file ")
    assert str(path) in result.stderr
    assert why in result.stderr
    assert "expected the JSON that Calibration.to_json() writes" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()
    with pytest.raises(BatchError, match="calibration file"):
        estimate_file(src, out, calibration=path, progress=False)


def test_a_folder_or_an_object_is_not_a_calibration(tmp_path: Path) -> None:
    src = write(tmp_path / "w.csv", WORKOUTS)
    result = run(
        "estimate", str(src), "-o", str(tmp_path / "o.csv"), "--calibration", str(tmp_path)
    )
    assert result.exit_code == 2
    assert "is a folder" in result.stderr
    with pytest.raises(BatchError, match=r"must be a retrocalc\.Calibration or the path"):
        estimate_file(src, tmp_path / "o.csv", calibration={"k": 1.1}, progress=False)  # type: ignore[arg-type]


def test_a_column_named_calibration_factor_is_refused_with_a_calibration(tmp_path: Path) -> None:
    src = write(tmp_path / "w.csv", "speed_m_s,mass_kg,duration_s,Calibration Factor\n3,70,600,1\n")
    path = write(tmp_path / "cal.json", a_calibration().to_json())
    result = run("estimate", str(src), "-o", str(tmp_path / "o.csv"), "--calibration", str(path))
    assert result.exit_code == 2
    assert "have the names of result columns" in result.stderr
    # without a calibration the column is an ordinary input column
    assert run("estimate", str(src), "-o", str(tmp_path / "o.csv"), "-q").exit_code == 0


# ------------------------------------------------------------------------------- heart rate


def keytel_kj_min(hr: float, mass: float, age: float, sex: str) -> float:
    """Keytel et al. (2005), Table 3, the equations without VO2max [kJ/min]."""
    if sex == "male":
        return -55.0969 + 0.6309 * hr + 0.1988 * mass + 0.2017 * age
    return -20.4022 + 0.4472 * hr - 0.1263 * mass + 0.074 * age


GARMIN_LIKE = """Activity Type,speed_m_s,mass_kg,duration_s,Avg HR,Max HR
Running,3.0,70,1800,150,172
Running,2.8,70,2400,,170
Walking,1.4,70,600,95,120
Running,2.5,70,900,abc,160
Running,2.5,70,900,-3,160
Running,2.5,70,900,2000,160
Running,2.5,70,900,0,160
Running,2.6,70,1200,160,180
"""


def test_heart_rate_columns_from_keytel_beside_the_motion_estimate(tmp_path: Path) -> None:
    src = write(tmp_path / "garmin.csv", GARMIN_LIKE)
    plain, out = tmp_path / "plain.csv", tmp_path / "hr.csv"
    assert run("estimate", str(src), "-o", str(plain), "-q").exit_code == 0
    result = run("estimate", str(src), "-o", str(out), "--age-years", "35", "--sex", "male")
    assert result.exit_code == 0, result.output
    assert "note:" not in result.stderr  # the heart rate was used
    got, without = pd.read_csv(out), pd.read_csv(plain)
    # the hr_ columns after the results and before status, never mixed into them
    assert list(got.columns) == [*without.columns[:-2], *HR_COLUMNS, "status", "error"]
    assert "Max HR" in got.columns
    assert "hr_energy_gross_kcal" in got.columns

    # the published equation, written out: rows 0 and 7 lie in Keytel's 57-90 % HRmax band
    hr_max = 208 - 0.7 * 35  # Tanaka et al. (2001)
    for row, hr, minutes in ((0, 150, 30), (7, 160, 20)):
        assert 0.57 < hr / hr_max < 0.90
        kj_min = keytel_kj_min(hr, 70, 35, "male")
        assert got["hr_energy_gross_kj"][row] == pytest.approx(kj_min * minutes, rel=1e-12)
        assert got["hr_energy_gross_kcal"][row] == pytest.approx(
            kj_min * minutes / 4.184, rel=1e-12
        )
        assert got["hr_power_gross_w"][row] == pytest.approx(kj_min * 1000 / 60, rel=1e-12)
        assert got["hr_fraction_of_max"][row] == pytest.approx(hr / hr_max)
        assert got["hr_in_range"][row]
        assert not got["hr_blended"][row]
        assert got["hr_model_used"][row] == "keytel2005"
        assert got["status"][row] == "ok"

    # estimate_hr on the same rows gives every hr_ column (the walk is blended toward rest)
    want = rc.estimate_hr(
        heart_rate_bpm=np.array([150.0, 95.0, 160.0]),
        mass_kg=70.0,
        age_years=35.0,
        sex="male",
        duration_s=np.array([1800.0, 600.0, 1200.0]),
        out_of_range="flag",
    )
    for name in HR_COLUMNS:
        expected = np.asarray(getattr(want, name))
        values = got[name].iloc[[0, 2, 7]].to_numpy()
        if expected.dtype.kind == "f":
            np.testing.assert_allclose(values.astype(float), expected, rtol=1e-12)
        else:
            assert list(values) == list(expected)
    assert got["hr_blended"][2]

    # the motion estimate is the same with or without heart rate, on every row
    for name in RESULT_COLUMNS[:-2]:
        pd.testing.assert_series_equal(
            got[name][got["status"] != "error"], without[name][got["status"] != "error"]
        )

    # a missing heart rate (or 0: no reading, as in activities): empty hr_, row ok
    for row in (1, 6):
        assert got["status"][row] == "ok"
        assert pd.isna(got["error"][row])
        assert got[list(HR_COLUMNS)].iloc[row].drop(["hr_blended", "hr_in_range"]).isna().all()
        assert not got["hr_in_range"][row]
    # a bad heart rate is a reason naming the column, as any bad cell
    assert got["status"][3] == "error"
    assert got["error"][3] == "Avg HR (heart_rate_bpm): 'abc' is not a number"
    assert got["status"][4] == "error"
    assert got["error"][4] == (
        "Avg HR (heart_rate_bpm): '-3' is impossible: must be >= 0 (a heart rate in beats per "
        "minute)"
    )
    assert np.isnan(got["energy_gross_kcal"][4])
    # an implausible one: out_of_range, motion estimate kept, no energy from heart rate
    assert got["status"][5] == "out_of_range"
    assert got["error"][5] == (
        "Avg HR (heart_rate_bpm): '2000' is not a plausible heart rate (above 250 bpm): no "
        "energy from heart rate"
    )
    assert got["energy_gross_kcal"][5] == pytest.approx(without["energy_gross_kcal"][5])
    assert pd.isna(got["hr_energy_gross_kcal"][5])


def test_heart_rate_with_age_and_sex_columns_through_parquet(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "speed_kmh": [10.0, 5.0, 12.0, 9.0],
            "mass_kg": [70.0, 58.0, 82.0, 64.0],
            "duration_min": [30, 45, 20, 40],
            "Pulse": pd.array([148, 118, 160, None], dtype="Int64"),  # typed, with a gap
            "age_years": [34, 29, 41, 38],
            "sex": ["male", "female", "male", "female"],
        }
    )
    src, out = tmp_path / "w.parquet", tmp_path / "o.parquet"
    frame.to_parquet(src)
    summary = estimate_file(src, out, columns={"heart_rate_bpm": "Pulse"}, progress=False)
    assert summary.columns["heart_rate_bpm"] == "heart_rate_bpm <- column 'Pulse'"
    assert summary.notes == []
    got = pd.read_parquet(out)
    assert (got["status"] == "ok").all()
    for i in range(3):
        hr, mass, age, sex = (frame[c][i] for c in ("Pulse", "mass_kg", "age_years", "sex"))
        assert 0.57 < hr / (208 - 0.7 * age) < 0.90  # inside Keytel's band: no blend
        kj = keytel_kj_min(hr, mass, age, sex) * frame["duration_min"][i]
        assert got["hr_energy_gross_kj"][i] == pytest.approx(kj, rel=1e-12)
    assert pd.isna(got["hr_energy_gross_kcal"][3])
    # the motion estimate is estimate()'s, whatever the heart rate
    want = rc.estimate(frame.drop(columns=["Pulse"]), out_of_range="flag")
    np.testing.assert_allclose(got["energy_net_kcal"], want["energy_net_kcal"], rtol=1e-12)


def test_heart_rate_energy_over_the_duration_from_distance(tmp_path: Path) -> None:
    src = write(
        tmp_path / "w.csv",
        "speed_m_s,mass_kg,distance_km,heart_rate_bpm,age_years,sex\n3.0,60,9,150,30,female\n",
    )
    out = tmp_path / "o.csv"
    estimate_file(src, out, progress=False)
    got = pd.read_csv(out)
    minutes = 9000 / 3.0 / 60  # the run's duration: distance / speed
    kj = keytel_kj_min(150, 60, 30, "female") * minutes
    assert got["hr_energy_gross_kj"][0] == pytest.approx(kj, rel=1e-12)


def test_heart_rate_without_age_or_sex(tmp_path: Path) -> None:
    src = write(tmp_path / "garmin.csv", GARMIN_LIKE)
    out = tmp_path / "o.csv"
    # asked for with --column: an error naming what is missing, before any work
    result = run(
        "estimate", str(src), "-o", str(out), "-c", "heart_rate_bpm=Avg HR", "--sex", "male"
    )
    assert result.exit_code == 2
    assert "energy from heart rate (Keytel et al. 2005) needs age_years and sex" in result.stderr
    assert "missing: age_years (a column age_years or --age-years)" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()
    # found by name only: the run goes on without hr_ columns and the summary says why
    result = run("estimate", str(src), "-o", str(out), "--age-years", "35")
    assert result.exit_code == 0
    assert "note: column 'Avg HR' looks like a heart rate: give --sex" in result.stderr
    assert not any(c.startswith("hr_") for c in pd.read_csv(out).columns)
    with pytest.raises(BatchError, match="needs age_years and sex"):
        estimate_file(src, out, columns={"hr": "Avg HR"}, progress=False)


def test_two_heart_rate_columns_are_not_guessed(tmp_path: Path) -> None:
    src = write(
        tmp_path / "w.csv", "speed_m_s,mass_kg,duration_s,HR,Heart Rate\n3,70,600,150,151\n"
    )
    out = tmp_path / "o.csv"
    summary = estimate_file(src, out, age_years=30, sex="male", progress=False)
    assert "columns 'HR', 'Heart Rate' all look like a heart rate" in summary.notes[0]
    assert "hr_energy_gross_kcal" not in pd.read_csv(out).columns
    summary = estimate_file(
        src, out, columns={"heart_rate_bpm": "Heart Rate"}, age_years=30, sex="male",
        progress=False,
    )  # fmt: skip
    assert summary.notes == []
    assert pd.read_csv(out)["hr_fraction_of_max"][0] == pytest.approx(151 / (208 - 21))


def test_a_bad_heart_rate_stops_a_raise_run_naming_row_and_column(tmp_path: Path) -> None:
    src = write(tmp_path / "garmin.csv", GARMIN_LIKE)
    with pytest.raises(RowError, match=r"data row 4: Avg HR \(heart_rate_bpm\): 'abc'"):
        estimate_file(
            src, tmp_path / "o.csv", on_error="raise", age_years=35, sex="male", progress=False
        )
    assert not (tmp_path / "o.csv").exists()


def test_heart_rate_outside_keytel_with_out_of_range_nan(tmp_path: Path) -> None:
    # age 60 is outside Keytel's 18-45 years: flagged in hr_in_range, empty with nan
    src = write(tmp_path / "w.csv", "speed_m_s,mass_kg,duration_s,hr\n3,70,600,150\n")
    flag, nan = tmp_path / "flag.csv", tmp_path / "nan.csv"
    estimate_file(src, flag, age_years=60, sex="male", progress=False)
    estimate_file(src, nan, age_years=60, sex="male", out_of_range="nan", progress=False)
    a, b = pd.read_csv(flag), pd.read_csv(nan)
    assert not a["hr_in_range"][0]
    assert not b["hr_in_range"][0]
    assert a["hr_energy_gross_kcal"][0] > 0
    assert pd.isna(b["hr_energy_gross_kcal"][0])
    # the row's status is about the motion estimate: Keytel's range has its own flag
    assert a["status"][0] == b["status"][0] == "ok"


def test_heart_rate_is_a_column_not_a_constant(tmp_path: Path) -> None:
    src = write(tmp_path / "w.csv", WORKOUTS)
    with pytest.raises(BatchError, match="read from a column"):
        estimate_file(src, tmp_path / "o.csv", heart_rate_bpm=150, progress=False)


def test_summary_notes_are_data(tmp_path: Path) -> None:
    src = write(tmp_path / "garmin.csv", GARMIN_LIKE)
    summary = estimate_file(src, tmp_path / "o.csv", progress=False)
    data = json.loads(json.dumps(summary.to_dict()))
    assert data["notes"] == [
        "column 'Avg HR' looks like a heart rate: give --age-years and --sex (or such "
        "columns) for energy from heart rate (hr_ columns, Keytel et al. 2005)"
    ]


def test_a_header_only_file_gets_every_column(tmp_path: Path) -> None:
    src = write(tmp_path / "w.csv", "speed_m_s,mass_kg,duration_s,Avg HR\n")
    out = tmp_path / "o.csv"
    summary = estimate_file(
        src, out, interval=0.9, calibration=a_calibration(), age_years=30, sex="male",
        progress=False,
    )  # fmt: skip
    assert summary.rows == 0
    header = out.read_text().strip().split(",")
    assert header[:4] == ["speed_m_s", "mass_kg", "duration_s", "Avg HR"]
    assert "calibration_factor" in header
    assert "energy_gross_kcal_upper" in header
    assert header[-12:] == [*HR_COLUMNS, "status", "error"]
