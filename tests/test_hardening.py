"""Issue 10: nothing wrong ever comes out as ``ok``, every failure is a clear message.

Each case of the issue, tried as a hostile user would: through the public API
(``retrocalc.estimate``) and through the real command line (click's CliRunner, in process,
and a few subprocesses). Expected statuses and exit codes come from the documented tables
in ``docs/guide/batch.md``; no number here is pasted from the code's output.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import math
import os
import stat
import subprocess
import sys
import warnings
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result

import retrocalc as rc
from retrocalc.batch import write as batch_io
from retrocalc.cli import cli

EXIT_CODES = {0, 1, 2, 3, 70, 130, 141, 143}
FLOATS = [name for name, var in rc.nomenclature.OUTPUTS.items() if var.dtype == "float"]


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["estimate", "-q", *args])


def rows_of(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)  # fields over 128 KiB are valid CSV
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


# ----------------------------------------------------------------------------- the API


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"gait": 1}, "gait"), ({"gait": b"run"}, "gait"), ({"direction": True}, "direction")],
)
def test_label_of_another_type_is_a_type_error_naming_it(
    kwargs: dict[str, object], name: str
) -> None:
    with pytest.raises(TypeError, match=f"^{name} must be text"):
        rc.estimate(speed_m_s=1.4, mass_kg=70.0, **kwargs)  # type: ignore[arg-type]


def test_huge_int_names_the_parameter() -> None:
    with pytest.raises(ValueError, match=r"^speed_m_s is too large for a float64"):
        rc.estimate(speed_m_s=10**400, mass_kg=70.0)
    with pytest.raises(ValueError, match=r"^mass_kg is too large.* at index 1"):
        rc.estimate(speed_m_s=1.4, mass_kg=[70, 10**400])


def test_ragged_nested_list_is_worded() -> None:
    with pytest.raises(ValueError, match=r"^speed_m_s must be .* rows differ in length"):
        rc.estimate(speed_m_s=[[1.0, 2.0], [3.0]], mass_kg=70.0)


def test_decimal_and_fraction_scalars_give_floats() -> None:
    reference = rc.estimate(speed_m_s=1.5, mass_kg=70.0)
    for speed, mass in ((Decimal("1.5"), 70.0), (1.5, Fraction(70, 1)), (Fraction(3, 2), 70)):
        result = rc.estimate(speed_m_s=speed, mass_kg=mass)  # type: ignore[arg-type]
        assert type(result.met) is float
        assert result.met == reference.met


def test_out_buffer_that_is_an_input_is_refused() -> None:
    speed = np.array([1.0, 1.4, 2.0])
    before = speed.copy()
    with pytest.raises(ValueError, match=r"out\['met'\] shares memory with the input speed_m_s"):
        rc.estimate(speed_m_s=speed, mass_kg=70.0, out={"met": speed})
    np.testing.assert_array_equal(speed, before)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"speed_m_s": 11.0}, r"speed_m_s=11 .*looks like km/h"),
        ({"grade": 1.0}, r"grade=1 .*looks like percent"),
        ({"grade": -5.0}, r"grade=-5 .*looks like percent"),
        ({"mass_kg": 5.0}, r"mass_kg=5 .*implausible body mass"),
        ({"mass_kg": 700.0}, r"mass_kg=700 .*implausible body mass"),  # a 318 kg person in lb
        ({"load_kg": 250.0}, r"load_kg=250 .*looks like g or lb"),
        ({"resting_vo2_ml_kg_min": 250.0}, r"resting_vo2_ml_kg_min=250 .*looks like ml/min"),
        ({"rer": 85.0}, r"rer=85 .*looks like percent"),
        ({"rer": 0.085}, r"rer=0.085 .*below any respiratory exchange ratio"),
    ],
)
def test_unit_mistakes_warn_and_are_never_in_range(kwargs: dict[str, object], pattern: str) -> None:
    # "a value that looks like a wrong unit is flagged, never reported as fine": computed as
    # given (it may be real), warned about, and in_range False, alone or among good rows
    base: dict[str, object] = {"speed_m_s": 1.4, "mass_kg": 70.0, "out_of_range": "flag"}
    base.update(kwargs)
    with pytest.warns(rc.UnitWarning, match=pattern):
        result = rc.estimate(**base)  # type: ignore[arg-type]
    assert result.in_range is False
    name, value = next(iter(kwargs.items()))
    good = {"speed_m_s": 1.4, "mass_kg": 70.0, "grade": 0.0, "load_kg": 0.0}
    good.update(resting_vo2_ml_kg_min=3.5, rer=0.85)
    rows = dict(base, **{name: [good[name], value, good[name]]})
    with pytest.warns(rc.UnitWarning, match=pattern):
        result = rc.estimate(**rows)  # type: ignore[arg-type]
    assert result.in_range.tolist() == [True, False, True]


def test_a_long_bout_stays_in_range() -> None:
    # the API takes bouts of more than a day (the batch calls such a row suspect): no
    # warning, in range
    with warnings.catch_warnings():
        warnings.simplefilter("error", rc.UnitWarning)
        result = rc.estimate(speed_m_s=[1.3, 1.3], mass_kg=70.0, duration_s=[60.0, 2 * 86400.0])
    assert result.in_range.tolist() == [True, True]


def test_a_series_of_one_row_does_not_stretch_over_arrays() -> None:
    # its index names the rows: three masses for one labelled row is a mistake, said so
    # (it was a pandas length error, or an IndexError while wording a bad value)
    one = pd.Series([1.4], index=["a"])
    for mass in ([70.0, 70.0, 80.0], [70.0, -1.0, 80.0]):
        with pytest.raises(ValueError, match=r"speed_m_s is a Series of 1 row.*mass_kg has 3"):
            rc.estimate(speed_m_s=one, mass_kg=mass)
    # a plain number still goes with any Series
    assert rc.estimate(speed_m_s=one, mass_kg=70.0).in_range.tolist() == [True]
    # an empty Series and a bad label: the label's error (was an IndexError in its wording)
    empty = pd.Series([], dtype=float)
    with pytest.raises(ValueError, match="direction must be one of"):
        rc.estimate(speed_m_s=empty, mass_kg=70.0, direction="retro")


def test_plausible_values_do_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", rc.UnitWarning)
        # an elite 5 km pace (6 m/s), a 25 % trail, a 45 kg runner, a 3 h walk
        rc.estimate(
            speed_m_s=6.0,
            mass_kg=45.0,
            grade=0.25,
            duration_s=3 * 3600.0,
            gait="run",
            out_of_range="flag",
        )
        rc.estimate(speed_m_s=2.5, mass_kg=110.0, gait="walk", out_of_range="flag")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"mass_kg": 1e308, "duration_s": 100.0},
        {"duration_s": 1e308},
        {"speed_m_s": 5e-324, "distance_m": 100.0},
        # only a derived output overflows (MET over a subnormal rest, cost per metre over a
        # subnormal speed, energy over a huge duration): each is still checked
        {"resting_vo2_ml_kg_min": 5e-324, "duration_s": 60.0},
        {"speed_m_s": 5e-324, "duration_s": 60.0},
        {"duration_s": 5e306},
    ],
)
def test_non_finite_results_are_never_in_range(kwargs: dict[str, object]) -> None:
    base: dict[str, object] = {"speed_m_s": 1.4, "mass_kg": 70.0}
    base.update(kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rc.UnitWarning)
        with pytest.warns(rc.RangeWarning, match="not finite"):
            result = rc.estimate(**base)  # type: ignore[arg-type]
        assert result.in_range is False
        with pytest.raises(rc.OutOfRangeError, match="not finite"):
            rc.estimate(**base, out_of_range="raise")  # type: ignore[arg-type]
    # the same row inside an array, after a plausible one: only it is flagged
    good = {"speed_m_s": 1.4, "resting_vo2_ml_kg_min": 3.5, "duration_s": 60.0}
    arrays = {k: [good.get(k, 70.0), v] for k, v in base.items()}
    if "duration_s" not in arrays and "distance_m" not in arrays:
        arrays["duration_s"] = [60.0, 60.0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rc.RetrocalcWarning)
        many = rc.estimate(**arrays)  # type: ignore[arg-type]
    assert list(many.in_range) == [True, False]
    assert math.isfinite(many.energy_gross_kcal[0])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"speed_m_s": 1e308},
        {"speed_m_s": [1e308, 1.4]},
        {"grade": 1e308, "gait": "run"},
        {"speed_m_s": 1e308, "direction": "backward", "gait": "run"},
    ],
)
def test_an_input_that_overflows_inside_a_model_is_no_runtime_warning(
    kwargs: dict[str, object],
) -> None:
    # a speed of 1e308 overflowed in the running model's speed x 60: numpy's RuntimeWarning
    # ("overflow encountered in multiply"), an exception where warnings are errors
    base: dict[str, object] = {"speed_m_s": 1.4, "mass_kg": 70.0, "duration_s": 60.0}
    base.update(kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", rc.UnitWarning)
        warnings.simplefilter("ignore", rc.RangeWarning)
        result = rc.estimate(**base)  # type: ignore[arg-type]
    energy = np.atleast_1d(result.energy_net_kcal)
    assert not math.isfinite(energy[0])
    assert not np.atleast_1d(result.in_range)[0]
    if energy.size > 1:  # the plausible row beside it is estimated
        assert math.isfinite(energy[1])


# ----------------------------------------------------------------------------- the batch


def test_unit_mistakes_are_not_ok_in_the_batch(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "speed_m_s,mass_kg,duration_s,grade,gait\n"
        "2.5,70,600,0.0,run\n"  # plausible: ok
        "15,70,600,0.0,auto\n"  # km/h typed as m/s
        "5,70,600,0.0,walk\n"  # walking at 18 km/h
        "2.5,70,600,5,run\n"  # percent typed as a fraction
        "2.5,5,600,0.0,run\n"  # 5 kg
        "2.5,70,3600000,0.0,run\n"  # ms
    )
    out = tmp_path / "out.csv"
    result = run(str(src), "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = rows_of(out)
    assert [r["status"] for r in rows] == ["ok"] + ["out_of_range"] * 5
    assert rows[0]["error"] == ""
    reasons = [r["error"] for r in rows[1:]]
    assert "looks like km/h" in reasons[0]
    assert "speed_m_s" in reasons[0]
    assert "looks like km/h" in reasons[1]
    assert "walk" in reasons[1]
    assert "looks like percent" in reasons[2]
    assert "body mass" in reasons[3]
    assert "looks like milliseconds" in reasons[4]
    assert all(r["in_range"] == "false" for r in rows[1:])


def test_non_finite_and_nonsense_conversions_are_errors_with_reasons(tmp_path: Path) -> None:
    cases = {
        "speed_m_s,mass_kg,duration_s\n1.4,1e308,60\n": "not finite",
        "speed_m_s,mass_kg,duration_s\n1.4,70,1e308\n": "not finite",
        "speed_m_s,mass_kg,distance_m\n5e-324,70,100\n": "not finite",
        "pace,mass_kg,duration_s\n0:00/km,70,60\n": "",
        "pace_min_km,mass_kg,duration_s\n0,70,60\n": "pace_min_km",
        "speed_m_s,mass_kg,duration_min\n1.4,70,1e307\n": "duration_min",
    }
    for i, (text, reason) in enumerate(cases.items()):
        src = tmp_path / f"in{i}.csv"
        src.write_text(text)
        out = tmp_path / f"out{i}.csv"
        result = run(str(src), "-o", str(out))
        assert result.exit_code == 0, result.output
        (row,) = rows_of(out)
        assert row["status"] == "error", (text, row)
        assert row["error"], text
        assert reason in row["error"], (text, row["error"])
        assert row["energy_gross_kcal"] == ""


def test_grade_deg_90_is_not_ok(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("speed_m_s,mass_kg,duration_s,grade_deg\n1.4,70,60,90\n1.4,70,60,3\n")
    out = tmp_path / "out.csv"
    assert run(str(src), "-o", str(out)).exit_code == 0
    rows = rows_of(out)
    assert rows[0]["status"] != "ok"
    assert "grade" in rows[0]["error"]
    assert rows[1]["status"] == "ok"  # 3 degrees is 5.2 %: plausible


def test_every_row_not_ok_has_a_reason(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    values = ["1.4", "0", "-1", "1e308", "5e-324", "nan", "inf", "x", "", "15", "1e23"]
    lines = ["speed_m_s,mass_kg,duration_s,grade"]
    for v in values:
        for m in ("70", "1e308", "5", "0"):
            lines.append(f"{v},{m},60,0")
    src.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.csv"
    assert run(str(src), "-o", str(out)).exit_code == 0
    rows = rows_of(out)
    assert len(rows) == len(lines) - 1
    for row in rows:
        if row["status"] == "ok":
            assert row["error"] == ""
            for k in FLOATS:
                if k == "cost_of_transport_j_kg_m" and float(row["speed_m_s"]) == 0:
                    assert row[k] == ""  # no cost per metre standing still: empty, not inf
                else:
                    assert math.isfinite(float(row[k])), row
        else:
            assert row["error"], row


def test_bad_rows_name_the_file_row_and_cost_no_bisection(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    body = "".join(
        "0,70,100\n" if i % 3 == 0 else "1.4,70,100\n" for i in range(3000)
    )  # a zero speed cannot turn a distance into a duration
    src.write_text("speed_m_s,mass_kg,distance_m\n" + body)
    out = tmp_path / "out.csv"
    assert run(str(src), "-o", str(out)).exit_code == 0
    rows = rows_of(out)
    assert sum(r["status"] == "error" for r in rows) == 1000
    assert "at index" not in rows[0]["error"]
    result = run(str(src), "-o", str(out), "--on-error", "raise")
    assert result.exit_code == 1
    assert "data row 1:" in result.output
    src.write_text("speed_m_s,mass_kg,distance_m\n1.4,70,100\n1.4,70,100\n0,70,100\n")
    result = run(str(src), "-o", str(out), "--on-error", "raise")
    assert "data row 3:" in result.output


def test_model_that_does_not_describe_the_gait_is_a_row_error(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "speed_m_s,mass_kg,duration_s,gait,model\n"
        "3,70,60,run,acsm_running\n"
        "1.4,70,60,walk,acsm_running\n"
        "3,70,60,run,acsm_running\n"
    )
    out = tmp_path / "out.csv"
    assert run(str(src), "-o", str(out)).exit_code == 0
    statuses = [r["status"] for r in rows_of(out)]
    assert statuses[1] == "error"
    assert statuses[0] != "error"
    assert statuses[2] != "error"


def test_bad_backward_factor_is_a_usage_error(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("speed_m_s,mass_kg,duration_s\n" + "1.4,70,60\n" * 100)
    result = run(str(src), "-o", str(tmp_path / "o.csv"), "--backward-factor", "-1")
    assert result.exit_code == 2
    assert "backward_factor must be > 0" in result.output
    assert not (tmp_path / "o.csv").exists()


def parquet(path: Path, columns: dict[str, object]) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table(columns), path)
    return path


def test_typed_parquet_columns_are_refused_or_converted(tmp_path: Path) -> None:
    import pyarrow as pa

    base = {"mass_kg": [70.0, 70.0]}
    bad = parquet(
        tmp_path / "b.parquet", {**base, "speed_m_s": [True, False], "duration_s": [60, 60]}
    )
    result = run(str(bad), "-o", str(tmp_path / "o.csv"))
    assert result.exit_code == 2
    assert "'speed_m_s'" in result.output
    assert "bool" in result.output
    stamp = parquet(
        tmp_path / "t.parquet",
        {
            **base,
            "speed_m_s": [1.4, 1.4],
            "duration_s": pa.array([dt.datetime(2024, 1, 1)] * 2, pa.timestamp("ms")),
        },
    )
    result = run(str(stamp), "-o", str(tmp_path / "o.csv"))
    assert result.exit_code == 2
    assert "'duration_s'" in result.output
    assert "timestamp" in result.output
    # an Arrow duration is a duration: 90 s and 1 min 30 s are the same bout
    durations = pa.array([dt.timedelta(seconds=90), dt.timedelta(minutes=1, seconds=30)])
    good = parquet(
        tmp_path / "d.parquet",
        {**base, "speed_m_s": [1.4, 1.4], "duration_s": durations.cast(pa.duration("ms"))},
    )
    out = tmp_path / "d.csv"
    result = run(str(good), "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = rows_of(out)
    reference = rc.estimate(speed_m_s=1.4, mass_kg=70.0, duration_s=90.0)
    for row in rows:
        assert row["status"] == "ok"
        assert float(row["duration_s"]) == 90.0  # written to CSV as seconds
        assert float(row["energy_gross_kcal"]) == pytest.approx(reference.energy_gross_kcal)


@pytest.mark.parametrize(
    ("column", "written"),
    [
        ("duration_s", [600.0, 3602.5]),
        ("duration_min", [10.0, 3602.5 / 60]),
        ("duration_h", [600 / 3600, 3602.5 / 3600]),
        ("duration", ["0:10:00", "1:00:02.5"]),  # it takes no bare numbers
    ],
)
def test_an_arrow_duration_is_written_to_csv_in_its_columns_unit(
    tmp_path: Path, column: str, written: list[object]
) -> None:
    # every duration was written as seconds: 600 under duration_min, a 10-minute bout read
    # back as 600 minutes (and under duration, a number that column refuses)
    import pyarrow as pa

    bouts = [dt.timedelta(minutes=10), dt.timedelta(hours=1, seconds=2.5)]
    src = parquet(
        tmp_path / "d.parquet",
        {"speed_m_s": [1.4, 1.4], "mass_kg": [70.0, 70.0], column: pa.array(bouts)},
    )
    out = tmp_path / "d.csv"
    assert run(str(src), "-o", str(out)).exit_code == 0
    rows = rows_of(out)
    cells = [r[column] for r in rows]
    if column == "duration":
        assert cells == written
    else:
        assert [float(c) for c in cells] == pytest.approx(written, rel=1e-15)
    # and read back, the same bouts: the input columns alone give the same energies
    again = tmp_path / "again.csv"
    again.write_text(f"speed_m_s,mass_kg,{column}\n" + "".join(f"1.4,70,{c}\n" for c in cells))
    result = run(str(again), "-o", str(tmp_path / "again_out.csv"))
    assert result.exit_code == 0, result.output
    back = rows_of(tmp_path / "again_out.csv")
    for first, second, seconds in zip(rows, back, (600.0, 3602.5), strict=True):
        reference = rc.estimate(speed_m_s=1.4, mass_kg=70.0, duration_s=seconds)
        assert float(first["energy_gross_kcal"]) == pytest.approx(reference.energy_gross_kcal)
        assert float(second["energy_gross_kcal"]) == pytest.approx(reference.energy_gross_kcal)


def test_dictionary_parquet_and_mixed_types_unify_as_floats(tmp_path: Path) -> None:
    import pyarrow as pa

    one = parquet(
        tmp_path / "a.parquet",
        {
            "speed_m_s": pa.array([1.5, 2.5]).dictionary_encode(),
            "mass_kg": pa.array([70, 80], pa.int64()),
            "duration_s": [60.0, 60.0],
            "id": pa.array([1, 2], pa.int32()),
        },
    )
    two = parquet(
        tmp_path / "b.parquet",
        {
            "speed_m_s": [1.25, 2.75],
            "mass_kg": [70.5, 80.25],  # floats after ints: no truncation to int64
            "duration_s": [60.0, 60.0],
            "id": pa.array([3.5, 4.0], pa.float64()),
        },
    )
    for suffix in ("csv", "parquet"):
        out = tmp_path / f"o.{suffix}"
        result = run(str(one), str(two), "-o", str(out))
        assert result.exit_code == 0, result.output
        import polars as pl

        frame = pl.read_csv(out) if suffix == "csv" else pl.read_parquet(out)
        assert frame["mass_kg"].to_list() == [70, 80, 70.5, 80.25]
        assert frame["id"].to_list() == [1, 2, 3.5, 4.0]
        assert frame["speed_m_s"].to_list() == [1.5, 2.5, 1.25, 2.75]
        expected = rc.estimate(speed_m_s=[1.25], mass_kg=[70.5], duration_s=[60.0])
        assert frame["energy_gross_kcal"][2] == pytest.approx(expected.energy_gross_kcal[0])


def test_nested_and_binary_columns_to_csv_are_refused(tmp_path: Path) -> None:
    src = parquet(
        tmp_path / "n.parquet",
        {
            "speed_m_s": [1.4],
            "mass_kg": [70.0],
            "duration_s": [60.0],
            "laps": [[1, 2]],
            "raw": [b"x"],
        },
    )
    result = run(str(src), "-o", str(tmp_path / "o.csv"))
    assert result.exit_code == 2
    assert "'laps'" in result.output
    assert "'raw'" in result.output
    assert ".parquet" in result.output
    assert run(str(src), "-o", str(tmp_path / "o.parquet")).exit_code == 0


def test_mismatched_schemas_are_named(tmp_path: Path) -> None:
    one = parquet(
        tmp_path / "a.parquet",
        {"speed_m_s": [1.4], "mass_kg": [70.0], "duration_s": [60.0], "x": ["a"]},
    )
    two = parquet(
        tmp_path / "b.parquet",
        {"speed_m_s": [1.4], "mass_kg": [70.0], "duration_s": [60.0], "x": [[1]]},
    )
    result = run(str(one), str(two), "-o", str(tmp_path / "o.parquet"))
    assert result.exit_code == 2
    assert "'x'" in result.output
    assert "Traceback" not in result.output


FILES: dict[str, bytes] = {
    "latin1.csv": "speed_m_s,mass_kg,duration_s,note\n1.4,70,60,café\n".encode("latin-1"),
    "dup.csv": b"speed_m_s,mass_kg,duration_s,speed_m_s\n1,70,60,1\n",
    "fake.parquet": b"speed_m_s,mass_kg,duration_s\n1.4,70,60\n",
    "short.csv": b"speed_m_s,mass_kg,duration_s\n" + b"1.4,70,60\n" * 20000 + b"1.4,70\n",
    "long.csv": b"speed_m_s,mass_kg,duration_s\n1.4,70,60\n1.4,70,60,9\n",
    "empty.csv": b"",
}


@pytest.mark.parametrize("name", sorted(FILES))
def test_unreadable_inputs_are_usage_errors(tmp_path: Path, name: str) -> None:
    src = tmp_path / name
    src.write_bytes(FILES[name])
    out = tmp_path / "o.csv"
    result = run(str(src), "-o", str(out))
    no_traceback(result)
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: ")
    assert name in result.output
    assert not out.exists()


def test_corrupt_gzip(tmp_path: Path) -> None:
    data = gzip.compress(b"speed_m_s,mass_kg,duration_s\n" + b"1.4,70,60\n" * 50000)
    src = tmp_path / "t.csv.gz"
    src.write_bytes(data[: len(data) // 2])
    result = run(str(src), "-o", str(tmp_path / "o.csv"))
    assert result.exit_code == 2
    assert "gzip" in result.output
    src.write_bytes(b"not gzip at all")
    result = run(str(src), "-o", str(tmp_path / "o.csv"))
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_valid_files_that_were_refused(tmp_path: Path) -> None:
    big_field = "x" * (3 << 20)  # a field over 1 MiB (a pasted GPS track, say)
    (tmp_path / "f.csv").write_text(
        f"speed_m_s,mass_kg,duration_s,note\n1.4,70,60,{big_field}\n1.4,70,60,y\n"
    )
    names = [f"c{i}" for i in range(12000)]  # a header over 64 KiB
    (tmp_path / "h.csv").write_text(
        ",".join(["speed_m_s", "mass_kg", "duration_s", *names])
        + "\n"
        + ",".join(["1.4", "70", "60", *("z" * len(names))])
        + "\n"
    )
    (tmp_path / "n.csv").write_text("speed_m_s,mass_kg,duration_s")  # no final newline
    for name, n in (("f.csv", 2), ("h.csv", 1), ("n.csv", 0)):
        out = tmp_path / f"o_{name}"
        result = run(str(tmp_path / name), "-o", str(out))
        assert result.exit_code == 0, (name, result.output)
        rows = rows_of(out)
        assert len(rows) == n
        if name == "f.csv":
            assert rows[0]["note"] == big_field
            assert rows[1]["note"] == "y"
            assert [r["status"] for r in rows] == ["ok", "ok"]


def test_paths_that_cannot_be_used(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("speed_m_s,mass_kg,duration_s\n1.4,70,60\n")
    (tmp_path / "folder.csv").mkdir()
    result = run(str(tmp_path / "*.csv"), "-o", str(tmp_path / "o.csv"))
    assert result.exit_code == 0, result.output  # the folder matching the glob is skipped
    result = run(str(tmp_path / "folder.csv"), "-o", str(tmp_path / "o.csv"))
    assert result.exit_code == 2
    assert "folder" in result.output
    result = run(str(src), "-o", str(tmp_path / "folder.csv"))
    assert result.exit_code == 3
    assert "is a folder" in result.output
    result = run(str(src), "-o", str(tmp_path / "missing" / "o.csv"))
    assert result.exit_code == 3
    assert "does not exist" in result.output


@pytest.mark.parametrize(
    ("option", "value"), [("--block-mb", "nan"), ("--block-mb", "inf"), ("--block-mb", "-1")]
)
def test_bad_numeric_options(tmp_path: Path, option: str, value: str) -> None:
    src = tmp_path / "in.csv"
    src.write_text("speed_m_s,mass_kg,duration_s\n1.4,70,60\n")
    result = run(str(src), "-o", str(tmp_path / "o.csv"), option, value)
    assert result.exit_code == 2
    assert "--block-mb" in result.output


def test_disk_full_is_an_output_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "in.csv"
    src.write_text("speed_m_s,mass_kg,duration_s\n" + "1.4,70,60\n" * 10)
    out = tmp_path / "o.csv"
    out.write_text("previous\n")

    def full(self: object, frame: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(batch_io._Writer, "write", full)
    result = run(str(src), "-o", str(out))
    assert result.exit_code == 3
    assert "No space left on device" in result.output
    assert out.read_text() == "previous\n"  # untouched
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_stdout_to_dev_full_subprocess(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("speed_m_s,mass_kg,duration_s\n" + "1.4,70,60\n" * 10)
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    with open("/dev/full", "wb") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "retrocalc", "estimate", str(src), "-o", "-", "-q"],
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=120,
        )
    assert proc.returncode == 3
    assert b"No space left" in proc.stderr
    assert b"Traceback" not in proc.stderr


def test_broken_pipe_subprocess(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("speed_m_s,mass_kg,duration_s\n" + "1.4,70,60\n" * 400_000)
    proc = subprocess.Popen(
        [sys.executable, "-m", "retrocalc", "estimate", str(src), "-o", "-", "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    assert proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # `| head -1`
    with proc.stderr:
        err = proc.stderr.read()
    assert proc.wait(timeout=120) == 141
    assert b"Traceback" not in err


def test_late_failure_on_stdout_says_output_is_incomplete(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    # past pyarrow's first read block (1 MiB), so that rows went out before the failure
    lines = ["speed_m_s,mass_kg,duration_s"] + ["1.4,70,60"] * 300_000 + ["1.4,70"]
    src.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(cli, ["estimate", "-q", str(src), "-o", "-", "--block-mb", "0.01"])
    assert result.exit_code == 2
    assert "rows were already written to standard output" in result.output
    assert "INCOMPLETE" in result.output


def test_run_time_warnings_never_reach_stderr(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "speed_m_s,mass_kg,duration_min,pace_x\n1.4,1e308,1e307,a\n5e-324,70,1,b\n0,70,1,c\n"
    )
    proc = subprocess.run(
        [sys.executable, "-W", "default", "-m", "retrocalc", "estimate", str(src), "-o", "-", "-q"],
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 0
    assert proc.stderr == b""


def test_existing_output_keeps_its_permissions_and_new_follows_umask(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("speed_m_s,mass_kg,duration_s\n1.4,70,60\n")
    out = tmp_path / "o.csv"
    out.write_text("old\n")
    out.chmod(0o640)
    assert run(str(src), "-o", str(out)).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    umask = os.umask(0o027)
    try:
        new = tmp_path / "new.csv"
        assert run(str(src), "-o", str(new)).exit_code == 0
        assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~0o027
    finally:
        os.umask(umask)


def test_atomic_output_never_changes_the_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def forbidden(mask: int) -> int:
        raise AssertionError("the process umask must not change (other threads create files)")

    monkeypatch.setattr(os, "umask", forbidden)
    with batch_io.atomic_output(str(tmp_path / "o.csv")) as handle:
        handle.write(b"x\n")
    assert (tmp_path / "o.csv").read_bytes() == b"x\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder_is_an_output_error(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("speed_m_s,mass_kg,duration_s\n1.4,70,60\n")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = run(str(src), "-o", str(folder / "o.csv"))
        assert result.exit_code == 3
        assert "Permission denied" in result.output
    finally:
        folder.chmod(0o755)


def test_parts_of_dead_processes_are_cleaned(tmp_path: Path) -> None:
    # a PID that is not running: a child that has exited and been reaped
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    dead = tmp_path / f".o.csv.{child.pid}-abcd1234.part"
    dead.write_bytes(b"partial")
    live = tmp_path / f".o.csv.{os.getppid()}-abcd1234.part"  # a live process's part
    live.write_bytes(b"partial")
    other = tmp_path / ".other.csv.1-abcd1234.part"  # another output's: not ours to judge
    other.write_bytes(b"partial")
    with batch_io.atomic_output(str(tmp_path / "o.csv")) as handle:
        handle.write(b"x\n")
    assert not dead.exists()
    assert live.exists()
    assert other.exists()


def test_signal_after_rename_is_a_success(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Ctrl-C that lands just after the rename: the output is complete, exit 0."""
    src = tmp_path / "in.csv"
    src.write_text("speed_m_s,mass_kg,duration_s\n1.4,70,60\n")
    real = batch_io._fsync_folder

    def interrupted(folder: Path) -> None:
        real(folder)
        raise KeyboardInterrupt

    monkeypatch.setattr(batch_io, "_fsync_folder", interrupted)
    out = tmp_path / "o.csv"
    result = run(str(src), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert len(rows_of(out)) == 1


def test_interrupt_before_the_rename_exits_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "in.csv"
    src.write_text("speed_m_s,mass_kg,duration_s\n1.4,70,60\n")

    def interrupted(self: object, frame: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(batch_io._Writer, "write", interrupted)
    out = tmp_path / "o.csv"
    result = run(str(src), "-o", str(out))
    assert result.exit_code == 130
    assert "interrupted" in result.output
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_internal_errors_are_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "in.csv"
    src.write_text("speed_m_s,mass_kg,duration_s\n1.4,70,60\n")

    def bug(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("retrocalc.batch.pipeline.evaluate_block", bug)
    result = run(str(src), "-o", str(tmp_path / "o.csv"))
    assert result.exit_code == 70
    assert "internal error" in result.output
    assert "ZeroDivisionError" in result.output
    assert "Traceback" not in result.output


def test_dask_and_local_engines_refuse_short_rows_alike(tmp_path: Path) -> None:
    pytest.importorskip("dask.dataframe")
    src = tmp_path / "in.csv"
    src.write_bytes(b"speed_m_s,mass_kg,duration_s\n" + b"1.4,70,60\n" * 20000 + b"1.4,70\n")
    for engine in ("local", "dask"):
        result = run(str(src), "-o", str(tmp_path / "o.csv"), "--engine", engine)
        assert result.exit_code == 2, (engine, result.output)
        assert "another number of fields than the header" in result.output
    result = run(
        str(src), "-o", str(tmp_path / "o.csv"), "--engine", "dask", "--scheduler", "garbage"
    )
    assert result.exit_code == 2
    assert "--scheduler garbage" in result.output


# dask's Parquet reader calls a pandas API that pandas deprecates (not retrocalc's doing)
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_dask_unifies_parquet_types_like_the_local_engine(tmp_path: Path) -> None:
    pytest.importorskip("dask.dataframe")
    import polars as pl
    import pyarrow as pa

    one = parquet(
        tmp_path / "a.parquet",
        {"speed_m_s": [1.5], "mass_kg": pa.array([70], pa.int64()), "duration_s": [60.0]},
    )
    two = parquet(
        tmp_path / "b.parquet", {"speed_m_s": [1.25], "mass_kg": [70.5], "duration_s": [60.0]}
    )
    masses = {}
    for engine in ("local", "dask"):
        out = tmp_path / f"{engine}.parquet"
        result = run(str(one), str(two), "-o", str(out), "--engine", engine)
        assert result.exit_code == 0, result.output
        masses[engine] = pl.read_parquet(out)["mass_kg"].to_list()
    assert masses["local"] == masses["dask"] == [70.0, 70.5]


def test_pace_conversions_of_missing_and_extreme_values() -> None:
    # pace_to_speed(None) raised AttributeError inside the label conversion (a 0-d array);
    # speed_to_pace(1e-300) leaked numpy's "invalid value encountered in cast"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert math.isnan(rc.pace_to_speed(None))
        assert rc.speed_to_pace(1e-300) == ""
        assert rc.speed_to_pace([1e-300, 1000 / 330]).tolist() == ["", "5:30/km"]
    # a pace that rounds to 0 s read back as an infinite speed: "0:00/km" for 2 km/s
    assert rc.pace_to_speed("0:00/km") == math.inf
    assert rc.speed_to_pace([2000.0, 1e30, 1000.0]).tolist() == ["", "", "0:01/km"]


def test_speed_for_says_when_an_input_looks_like_another_unit() -> None:
    # its search silences the unit checks of the speeds it tries; a body mass of 700 (lb?)
    # or a grade of 5 (percent?) came out as a silent "no speed"
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        rc.speed_for(600, quantity="power_gross_w", mass_kg=700.0, grade=5.0)
    record = [w for w in record if issubclass(w.category, rc.UnitWarning)]
    texts = [str(w.message) for w in record]
    assert any("mass_kg=700" in t and "looks like lb" in t for t in texts)
    assert any("grade=5" in t and "looks like percent" in t for t in texts)
    assert record[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error", rc.UnitWarning)
        rc.speed_for(600, quantity="power_gross_w", mass_kg=70.0, grade=0.05)
