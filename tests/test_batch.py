"""The batch command line and estimate_file, used as an analyst would use them.

Expected numbers come from an independent path: the same rows through ``rc.estimate`` on a
pandas DataFrame read by pandas (not by the batch's pyarrow/polars reader), with units
converted by exact definitions written here (1 km/h = 1/3.6 m/s, 1 lb = 0.45359237 kg).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import retrocalc as rc
from retrocalc.batch import RESULT_COLUMNS, BatchError, RowError, estimate_file, resolve_columns
from retrocalc.cli import cli
from retrocalc.data import example_path

FLOATS = [name for name, var in rc.nomenclature.OUTPUTS.items() if var.dtype == "float"]


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def read_text(path: Path | str) -> list[dict[str, str]]:
    """Rows exactly as text (the csv module, not the batch's reader)."""
    opener: Callable[..., io.TextIOBase] = gzip.open if str(path).endswith(".gz") else open  # type: ignore[assignment]
    with opener(path, "rt", newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def expected(frame: pd.DataFrame) -> pd.DataFrame:
    """rc.estimate on canonical columns: the independent reference."""
    return rc.estimate(frame, out_of_range="flag")


def write(path: Path, text: str, newline: str = "\n") -> Path:
    path.write_bytes(text.replace("\n", newline).encode())
    return path


GOOD = """id,speed_m_s,mass_kg,duration_s,grade,gait,direction
1,3.0,70,1800,0.0,run,backward
2,1.4,60,600,0.05,walk,forward
3,2.5,80,900,0.02,run,forward
"""


# ----------------------------------------------------------------------------- happy paths


def test_example_main_job_matches_estimate(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = run("estimate", "--example", "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = read_text(out)
    source = read_text(example_path())
    assert len(rows) == len(source) == 12
    # every input column unchanged, in order, then the results
    assert list(rows[0]) == [*source[0], *RESULT_COLUMNS]
    for got, src in zip(rows, source, strict=True):
        assert {k: got[k] for k in src} == src
    ref = expected(pd.read_csv(example_path()))
    for name in FLOATS:
        np.testing.assert_allclose([float(r[name]) for r in rows], ref[name], rtol=1e-12)
    assert [r["gait_used"] for r in rows] == list(ref["gait_used"])
    assert [r["model_used"] for r in rows] == list(ref["model_used"])
    assert {r["status"] for r in rows} == {"ok"}
    assert "12 rows" in result.stderr
    assert "kcal gross (total)" in result.stderr


def test_summary_totals_are_the_sums_of_the_output(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    summary = rc.estimate_file(example_path(), out, progress=False)
    frame = pd.read_csv(out)
    assert summary.rows == len(frame) == 12
    assert summary.ok == 12
    assert summary.out_of_range == summary.error == 0
    assert summary.energy_gross_kcal == pytest.approx(frame["energy_gross_kcal"].sum(), rel=1e-12)
    assert summary.energy_net_kcal == pytest.approx(frame["energy_net_kcal"].sum(), rel=1e-12)
    assert summary.rows_per_s > 0
    assert summary.to_dict()["rows"] == 12
    assert "speed_m_s <- column 'speed_m_s'" in summary.columns["speed_m_s"]


def test_demo_is_estimate_example() -> None:
    result = run("demo")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 12
    assert rows[7]["description"] == "retro run uphill"


def test_subprocess_stdout_output_and_stderr_summary() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "retrocalc", "estimate", str(example_path()), "-o", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert len(rows) == 12
    assert "ok 12 | out_of_range 0 | error 0" in proc.stderr
    assert "rows/s" in proc.stderr


def test_quiet_prints_nothing(tmp_path: Path) -> None:
    result = run("estimate", str(example_path()), "-o", str(tmp_path / "o.csv"), "-q")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == ""


def test_progress_bar_on_request(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    estimate_file(example_path(), tmp_path / "o.csv", progress=True)
    assert "retrocalc" in capsys.readouterr().err


# ----------------------------------------------------------------------------- bad rows


MESSY = """id,speed_m_s,mass_kg,duration_s,grade,gait,direction
1,3.0,70,1800,0.0,run,backward
2,fast,70,1800,0.0,run,forward
3,3.0,,1800,0.0,run,forward
4,3.0,-5,1800,0.0,run,forward
5,3.0,70,1800,0.0,swim,forward
6,nan,70,1800,0.0,run,forward
7,inf,70,1800,0.0,run,forward
8,2.8,61,2400,0.0,run,forward
9,3.0,70,1800,-0.6,run,backward
"""


def test_malformed_rows_are_kept_with_their_reason(tmp_path: Path) -> None:
    src = write(tmp_path / "messy.csv", MESSY)
    out = tmp_path / "out.csv"
    result = run("estimate", str(src), "-o", str(out))
    assert result.exit_code == 0
    rows = read_text(out)
    assert [r["id"] for r in rows] == [str(i) for i in range(1, 10)]  # none lost, in order
    status = {r["id"]: r["status"] for r in rows}
    error = {r["id"]: r["error"] for r in rows}
    assert status == {
        "1": "ok",
        "2": "error",
        "3": "error",
        "4": "error",
        "5": "error",
        "6": "error",
        "7": "error",
        "8": "ok",
        "9": "out_of_range",
    }
    assert error["2"] == "speed_m_s: 'fast' is not a number"
    assert error["3"] == "mass_kg: missing value"
    assert error["4"].startswith("mass_kg: '-5' is impossible: must be > 0")
    assert error["5"] == "gait: 'swim' is not one of 'walk', 'run', 'auto'"
    assert error["6"] == "speed_m_s: missing value"
    assert error["7"] == "speed_m_s: 'inf' is not finite"
    assert "grade outside" in error["9"]
    # error rows have no results at all; good rows equal the independent estimate
    for r in rows:
        if r["status"] == "error":
            assert all(r[name] == "" for name in FLOATS)
            assert r["in_range"] == "false"
    good = pd.read_csv(io.StringIO(MESSY)).iloc[[0, 7, 8]]
    ref = expected(good.astype({"speed_m_s": float, "mass_kg": float}))
    for name in FLOATS:
        got = [float(r[name]) for r in rows if r["id"] in ("1", "8", "9")]
        np.testing.assert_allclose(got, ref[name], rtol=1e-12)
    assert "ok 2 | out_of_range 1 | error 6" in result.stderr


def test_out_of_range_nan_leaves_flagged_results_empty(tmp_path: Path) -> None:
    src = write(tmp_path / "messy.csv", MESSY)
    out = tmp_path / "out.csv"
    assert run("estimate", str(src), "-o", str(out), "--out-of-range", "nan").exit_code == 0
    row = read_text(out)[8]
    assert row["status"] == "out_of_range"
    assert row["energy_net_kcal"] == ""


def test_on_error_raise_names_row_and_column_and_leaves_nothing(tmp_path: Path) -> None:
    src = write(tmp_path / "messy.csv", MESSY)
    out = tmp_path / "out.csv"
    result = run("estimate", str(src), "-o", str(out), "--on-error", "raise")
    assert result.exit_code == 1
    assert "data row 2" in result.stderr
    assert "speed_m_s" in result.stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["messy.csv"]  # no temporary left


def test_on_error_raise_counts_rows_across_blocks(tmp_path: Path) -> None:
    lines = ["speed_m_s,mass_kg,duration_s"] + ["3.0,70,600"] * 5000 + ["3.0,oops,600"]
    src = write(tmp_path / "big.csv", "\n".join(lines) + "\n")
    with pytest.raises(RowError) as info:
        estimate_file(src, tmp_path / "o.csv", on_error="raise", block_bytes=4096)
    assert info.value.row == 5001
    assert "mass_kg: 'oops' is not a number" in info.value.reason
    assert not (tmp_path / "o.csv").exists()


def test_rows_estimate_rejects_are_isolated(tmp_path: Path) -> None:
    # a model that does not describe the gait is caught by estimate() itself (bisection)
    text = "speed_m_s,mass_kg,duration_s,gait,model\n" + "".join(
        f"3.0,70,600,run,{'acsm_walking' if i in (3, 17) else ''}\n" for i in range(40)
    )
    src = write(tmp_path / "m.csv", text)
    out = tmp_path / "o.csv"
    estimate_file(src, out, progress=False)
    rows = read_text(out)
    assert len(rows) == 40
    bad = [i for i, r in enumerate(rows) if r["status"] == "error"]
    assert bad == [3, 17]
    assert "acsm_walking" in rows[3]["error"]
    assert rows[0]["model_used"] == rc.DEFAULT_MODELS["run"]


def test_constants_fill_missing_columns_and_are_checked(tmp_path: Path) -> None:
    src = write(tmp_path / "s.csv", "speed_kmh,duration_min\n10.8,30\n")
    out = tmp_path / "o.csv"
    assert (
        run("estimate", str(src), "-o", str(out), "--mass-kg", "70", "--gait", "RUN").exit_code == 0
    )
    got = read_text(out)[0]
    ref = rc.estimate(speed_m_s=3.0, mass_kg=70, duration_s=1800, gait="run")
    assert float(got["energy_net_kcal"]) == pytest.approx(ref.energy_net_kcal, rel=1e-12)
    bad = run("estimate", str(src), "-o", str(out), "--mass-kg", "-1")
    assert bad.exit_code == 2
    assert "constant mass_kg=-1.0 is impossible" in bad.stderr


# ----------------------------------------------------------------------------- columns


def test_unit_aliases_equal_canonical_inputs(tmp_path: Path) -> None:
    text = (
        "Speed_KMH,mass_lb,duration_min,grade_pct,direction\n"
        "10.8,154.3236,30,5,backward\n"
        "7.2,132.2773,45,-2,forward\n"
    )
    src = write(tmp_path / "a.csv", text)
    out = tmp_path / "o.csv"
    assert run("estimate", str(src), "-o", str(out)).exit_code == 0
    rows = read_text(out)
    ref = rc.estimate(
        speed_m_s=np.array([10.8, 7.2]) / 3.6,
        mass_kg=np.array([154.3236, 132.2773]) * 0.45359237,
        duration_s=np.array([30.0, 45.0]) * 60,
        grade=np.array([0.05, -0.02]),
        direction=["backward", "forward"],
        out_of_range="flag",
    )
    for name in FLOATS:
        np.testing.assert_allclose([float(r[name]) for r in rows], getattr(ref, name), rtol=1e-12)


def test_pace_and_distance_aliases(tmp_path: Path) -> None:
    text = 'pace,distance_km,mass_kg\n5:00/km,10,70\n"8:03 /mi",5,70\n'
    src = write(tmp_path / "p.csv", text)
    out = tmp_path / "o.csv"
    assert run("estimate", str(src), "-o", str(out)).exit_code == 0
    rows = read_text(out)
    speed = np.array([1000 / 300, 1609.344 / 483])
    ref = rc.estimate(speed_m_s=speed, mass_kg=70, distance_m=np.array([10e3, 5e3]))
    np.testing.assert_allclose([float(r["energy_gross_kcal"]) for r in rows], ref.energy_gross_kcal)


def test_explicit_column_mapping(tmp_path: Path) -> None:
    src = write(tmp_path / "v.csv", "Velocity,Weight,Minutes\n10.8,70,30\n")
    out = tmp_path / "o.csv"
    args = ["-c", "speed_kmh=Velocity", "-c", "mass_kg=Weight", "--column", "duration_min=Minutes"]
    assert run("estimate", str(src), "-o", str(out), *args).exit_code == 0
    ref = rc.estimate(speed_m_s=3.0, mass_kg=70, duration_s=1800)
    assert float(read_text(out)[0]["energy_net_kcal"]) == pytest.approx(ref.energy_net_kcal)
    bad = run("estimate", str(src), "-o", str(out), "-c", "speed_kmh")
    assert bad.exit_code == 2
    assert "INPUT=COLUMN" in bad.stderr
    missing = run("estimate", str(src), "-o", str(out), "-c", "speed_kmh=Nope")
    assert "no column 'Nope'" in missing.stderr


def test_missing_required_column_fails_before_any_work(tmp_path: Path) -> None:
    src = write(tmp_path / "n.csv", "speed_m_s,duration_s,note\n3,600,x\n")
    out = tmp_path / "o.csv"
    result = run("estimate", str(src), "-o", str(out))
    assert result.exit_code == 2
    assert "required column mass_kg is missing" in result.stderr
    assert "mass_lb" in result.stderr  # what would do
    assert "Columns found: 'speed_m_s', 'duration_s', 'note'" in result.stderr
    assert not out.exists()
    no_duration = write(tmp_path / "d.csv", "speed_m_s,mass_kg\n3,70\n")
    assert "duration_s" in run("estimate", str(no_duration), "-o", str(out)).stderr


def test_an_input_given_twice_names_the_constant_once_and_its_alias() -> None:
    # it said "speed_m_s = 2.7777777777777777 (constant) (constant)": which option?
    with pytest.raises(BatchError) as info:
        resolve_columns(["speed_m_s", "mass_kg", "duration_s"], constants={"speed_kmh": 10.0})
    assert str(info.value).endswith(
        "speed_m_s is given twice: speed_m_s <- column 'speed_m_s' and speed_m_s = "
        f"{10 / 3.6!r} (constant) (speed_kmh=10.0); keep one"
    )
    with pytest.raises(BatchError) as info:
        resolve_columns(["speed_m_s", "mass_kg", "duration_s"], constants={"mass_kg": 70.0})
    assert "(constant) (constant)" not in str(info.value)


def test_ambiguous_and_clashing_columns(tmp_path: Path) -> None:
    with pytest.raises(BatchError, match="given twice"):
        resolve_columns(["speed_m_s", "pace", "mass_kg", "duration_s"])
    with pytest.raises(BatchError, match="given twice"):
        resolve_columns(["speed_m_s", "mass_kg", "duration_s"], constants={"mass_kg": 70})
    with pytest.raises(BatchError, match="result columns"):
        resolve_columns(["speed_m_s", "mass_kg", "duration_s", "status"])
    # all three of speed, duration and distance: read, then checked row by row
    both = resolve_columns(["speed_m_s", "mass_kg", "duration_s", "distance_m"])
    assert {"speed_m_s", "duration_s", "distance_m"} <= set(both)
    with pytest.raises(BatchError, match="not an input"):
        resolve_columns(["speed_m_s"], columns={"velocity": "speed_m_s"})
    with pytest.raises(BatchError, match="required column sex"):
        resolve_columns(["speed_m_s", "mass_kg", "duration_s"], rmr_equation="mifflin_st_jeor")


# ----------------------------------------------------------------------------- file shapes


def test_bom_crlf_quotes_and_extra_columns_pass_through(tmp_path: Path) -> None:
    text = (
        "\ufeffnote,speed_m_s,mass_kg,duration_s,extra\n"
        '"hill, then flat",3.0,70,600,007\n'
        '"two\nlines",2.0,70,600," padded "\n'
        '"say ""hi""",1.2,70,600,1e3\n'
    )
    src = write(tmp_path / "b.csv", text, newline="\r\n")
    out = tmp_path / "o.csv"
    assert run("estimate", str(src), "-o", str(out)).exit_code == 0
    rows = read_text(out)
    original = read_text(src)
    assert len(rows) == 3
    assert list(rows[0])[:5] == ["note", "speed_m_s", "mass_kg", "duration_s", "extra"]
    for got, src_row in zip(rows, original, strict=True):
        assert {k: got[k] for k in src_row} == src_row  # text unchanged: 007, ' padded ', 1e3
    assert [r["status"] for r in rows] == ["ok", "ok", "ok"]


def test_empty_file_and_header_only(tmp_path: Path) -> None:
    empty = write(tmp_path / "e.csv", "")
    result = run("estimate", str(empty), "-o", str(tmp_path / "o.csv"))
    assert result.exit_code == 2
    assert "empty" in result.stderr
    header = write(tmp_path / "h.csv", "speed_m_s,mass_kg,duration_s\n")
    out = tmp_path / "h_out.csv"
    result = run("estimate", str(header), "-o", str(out))
    assert result.exit_code == 0
    lines = out.read_text().splitlines()
    assert lines == [",".join(["speed_m_s", "mass_kg", "duration_s", *RESULT_COLUMNS])]


def test_parquet_in_and_out(tmp_path: Path) -> None:
    frame = pd.read_csv(example_path())
    src = tmp_path / "w.parquet"
    frame.to_parquet(src)
    out = tmp_path / "o.parquet"
    assert run("estimate", str(src), "-o", str(out)).exit_code == 0
    got = pd.read_parquet(out)
    assert list(got.columns) == [*frame.columns, *RESULT_COLUMNS]
    pd.testing.assert_frame_equal(got[frame.columns], frame)  # types kept too
    ref = expected(frame)
    for name in FLOATS:
        np.testing.assert_allclose(got[name], ref[name], rtol=1e-12)
    # and Parquet to CSV, CSV to Parquet
    assert run("estimate", str(src), "-o", str(tmp_path / "o.csv")).exit_code == 0
    assert len(read_text(tmp_path / "o.csv")) == 12
    csv_to_pq = tmp_path / "c.parquet"
    assert run("estimate", str(example_path()), "-o", str(csv_to_pq)).exit_code == 0
    assert pd.read_parquet(csv_to_pq)["description"].tolist() == frame["description"].tolist()


def test_label_outputs_are_dictionary_columns_in_parquet(tmp_path: Path) -> None:
    """gait_used and model_used are a fixed set of names: dictionary-encoded in Parquet (the
    same categories in every block, so files of many blocks read back as one column), the
    same text as the CSV output."""
    import pyarrow.parquet as pq

    big = pd.concat([pd.read_csv(example_path())] * 3000, ignore_index=True)  # several blocks
    src = tmp_path / "w.csv"
    big.to_csv(src, index=False)
    out = tmp_path / "o.parquet"
    assert run("estimate", str(src), "-o", str(out), "--block-mb", "0.1").exit_code == 0
    schema = pq.read_schema(out)
    for name in ("gait_used", "model_used"):
        assert str(schema.field(name).type).startswith("dictionary<"), name
    table = pq.read_table(out)
    assert table.num_rows == len(big)
    models = set(table.column("model_used").to_pylist()) - {None}
    assert models <= set(rc.REGISTRY)
    assert run("estimate", str(src), "-o", str(tmp_path / "o.csv")).exit_code == 0
    text = pd.read_csv(tmp_path / "o.csv", dtype=str, keep_default_na=False)
    for name in ("gait_used", "model_used"):
        from_parquet = [v or "" for v in table.column(name).to_pylist()]
        assert from_parquet == text[name].tolist(), name


def test_gzip_in_and_out(tmp_path: Path) -> None:
    src = tmp_path / "w.csv.gz"
    src.write_bytes(gzip.compress(example_path().read_bytes()))
    out = tmp_path / "o.csv.gz"
    assert run("estimate", str(src), "-o", str(out)).exit_code == 0
    rows = read_text(out)
    assert len(rows) == 12
    assert rows[0]["description"] == "easy walk to work"


def test_several_inputs_and_globs_keep_order(tmp_path: Path) -> None:
    text = example_path().read_text()
    head, *lines = text.splitlines()
    for i, chunk in enumerate((lines[:5], lines[5:9], lines[9:])):
        write(tmp_path / f"part{i}.csv", "\n".join([head, *chunk]) + "\n")
    out = tmp_path / "all.csv"
    assert run("estimate", str(tmp_path / "part*.csv"), "-o", str(out)).exit_code == 0
    assert [r["workout_id"] for r in read_text(out)] == [str(i) for i in range(1, 13)]
    other = write(tmp_path / "other.csv", "speed_m_s,mass_kg,duration_s\n3,70,60\n")
    result = run("estimate", str(tmp_path / "part0.csv"), str(other), "-o", str(out))
    assert result.exit_code == 2
    assert "differ" in result.stderr
    assert run("estimate", str(tmp_path / "nope*.csv"), "-o", str(out)).exit_code == 2


def test_small_blocks_give_the_same_output(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    n = 3000
    frame = pd.DataFrame(
        {
            "speed_m_s": rng.uniform(0.8, 4.5, n).round(3),
            "mass_kg": rng.uniform(45, 110, n).round(1),
            "duration_s": rng.integers(60, 4000, n),
            "grade": rng.uniform(-0.2, 0.2, n).round(3),
            "direction": rng.choice(["forward", "backward"], n),
        }
    )
    src = tmp_path / "r.csv"
    frame.to_csv(src, index=False)
    one, many = tmp_path / "one.csv", tmp_path / "many.csv"
    estimate_file(src, one, progress=False)
    estimate_file(src, many, progress=False, block_bytes=2048)
    assert one.read_bytes() == many.read_bytes()
    got = pd.read_csv(one)
    ref = expected(frame)
    for name in FLOATS:
        np.testing.assert_allclose(got[name], ref[name], rtol=1e-12)


# ----------------------------------------------------------------------------- safety


def test_refuses_to_overwrite_an_input(tmp_path: Path) -> None:
    src = write(tmp_path / "g.csv", GOOD)
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    result = run("estimate", str(src), "-o", str(src))
    assert result.exit_code == 2
    assert "refusing to overwrite" in result.stderr
    link = tmp_path / "link.csv"
    link.symlink_to(src)
    assert run("estimate", str(src), "-o", str(link)).exit_code == 2
    assert hashlib.sha256(src.read_bytes()).hexdigest() == digest


def test_bad_output_and_options(tmp_path: Path) -> None:
    src = write(tmp_path / "g.csv", GOOD)
    assert "extension" in run("estimate", str(src), "-o", str(tmp_path / "o.txt")).stderr
    assert "does not exist" in run("estimate", str(src), "-o", str(tmp_path / "no/o.csv")).stderr
    assert run("estimate", str(src)).exit_code == 2  # no -o
    assert run("estimate", "-o", str(tmp_path / "o.csv")).exit_code == 2  # no input
    with pytest.raises(BatchError, match="on_error"):
        estimate_file(src, tmp_path / "o.csv", on_error="skip")  # type: ignore[arg-type]
    with pytest.raises(BatchError, match="engine"):
        estimate_file(src, tmp_path / "o.csv", engine="spark")  # type: ignore[arg-type]
    assert not (tmp_path / "o.csv").exists()


def test_existing_output_is_replaced_only_at_the_end(tmp_path: Path) -> None:
    src = write(tmp_path / "g.csv", GOOD)
    out = write(tmp_path / "o.csv", "old\n")
    write(tmp_path / "bad.csv", "speed_m_s,mass_kg,duration_s\n3,x,60\n")
    with pytest.raises(RowError):
        estimate_file(tmp_path / "bad.csv", out, on_error="raise")
    assert out.read_text() == "old\n"  # a failed run leaves the old output as it was
    estimate_file(src, out, progress=False)
    assert len(read_text(out)) == 3
    assert oct(out.stat().st_mode & 0o777) != oct(0o600)  # not mkstemp's private mode


def _big_csv(path: Path, rows: int) -> Path:
    rng = np.random.default_rng(2)
    pd.DataFrame(
        {
            "speed_m_s": rng.uniform(2, 4, rows).round(3),
            "mass_kg": 70,
            "duration_s": 600,
        }
    ).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_killed_run_leaves_no_output(tmp_path: Path, sig: signal.Signals) -> None:
    src = _big_csv(tmp_path / "big.csv", 600_000)
    out = tmp_path / "out.csv"
    proc = subprocess.Popen(
        [sys.executable, "-m", "retrocalc", "estimate", str(src), "-o", str(out), "-q"],
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    # wait until it is writing: the hidden temporary file exists and has data
    while time.monotonic() < deadline:
        parts = [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
        if parts and parts[0].stat().st_size > 0:
            break
        assert proc.poll() is None, "finished before it could be interrupted"
        time.sleep(0.01)
    proc.send_signal(sig)
    proc.wait(timeout=60)
    assert proc.returncode != 0
    assert not out.exists()
    if sig != signal.SIGKILL:  # a catchable signal also removes the temporary file
        assert sorted(p.name for p in tmp_path.iterdir()) == ["big.csv"]


# ----------------------------------------------------------------------------- property


CELL = st.one_of(
    st.floats(min_value=-5, max_value=200).map(repr),
    st.sampled_from(["", "nan", "abc", " 3 ", "1e2", "-0", "∞", '"quoted, comma"']),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(CELL, CELL, CELL, st.sampled_from(["walk", "run", "auto", "hop", ""])),
        max_size=30,
    ),
    block=st.sampled_from([1024, 1 << 20]),
)
def test_no_row_is_ever_lost(tmp_path: Path, rows: list[tuple[str, ...]], block: int) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["speed_m_s", "mass_kg", "duration_s", "gait"])
    writer.writerows(rows)
    src = tmp_path / "p.csv"
    src.write_text(buf.getvalue())
    out = tmp_path / "p_out.csv"
    estimate_file(src, out, progress=False, block_bytes=block)
    got = read_text(out)
    assert len(got) == len(rows)
    for row, original in zip(got, rows, strict=True):
        assert (row["speed_m_s"], row["mass_kg"], row["duration_s"], row["gait"]) == original
        assert row["status"] in ("ok", "out_of_range", "error")
        assert (row["status"] == "error") == (row["error"] != "" and row["energy_net_kcal"] == "")


def test_models_command_text_and_json() -> None:
    import json

    text = run("models")
    assert text.exit_code == 0
    for name in rc.REGISTRY:
        assert name in text.stdout
    records = json.loads(run("models", "--json").stdout)
    assert [r["name"] for r in records] == list(rc.REGISTRY)
    assert all("doi" in r for r in records)


def test_version_and_help() -> None:
    assert rc.__version__ in run("--version").stdout
    help_text = run("estimate", "--help").stdout
    for option in ("--mass-kg", "--speed-kmh", "--pace", "--column", "--on-error", "--engine"):
        assert option in help_text


def test_python_dash_m_entry_point() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "retrocalc", "models", "--json"], capture_output=True, check=True
    )
    assert proc.stdout.startswith(b"[")
    env = {**os.environ, "COLUMNS": "80"}
    script = Path(sys.executable).parent / "retrocalc"  # the installed console script
    proc = subprocess.run([script, "--help"], capture_output=True, text=True, env=env)
    assert proc.returncode == 0
    assert "estimate" in proc.stdout


def test_constants_of_every_kind(tmp_path: Path) -> None:
    src = write(tmp_path / "c.csv", "duration_s\n600\n1200\n")
    out = tmp_path / "o.csv"
    estimate_file(src, out, pace="5:00/km", mass_lb=154.3236, direction=" Backward ", gait="run")
    rows = read_text(out)
    ref = rc.estimate(
        speed_m_s=1000 / 300,
        mass_kg=154.3236 * 0.45359237,
        duration_s=np.array([600.0, 1200.0]),
        direction="backward",
        gait="run",
    )
    np.testing.assert_allclose([float(r["energy_net_kcal"]) for r in rows], ref.energy_net_kcal)
    with pytest.raises(BatchError, match="expected one of 'forward', 'backward'"):
        estimate_file(src, out, speed_m_s=3, mass_kg=70, direction="sideways")
    with pytest.raises(BatchError, match="constant pace='fast'"):
        estimate_file(src, out, pace="fast", mass_kg=70)
    with pytest.raises(BatchError, match="constant mass_kg='heavy'"):
        estimate_file(src, out, speed_m_s=3, mass_kg="heavy")


def test_parquet_numbers_with_nulls_and_header_only(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "speed_m_s": [3.0, None, 2.5],
            "mass_kg": [70.0, 70.0, float("nan")],
            "duration_s": pd.array([600, 600, None], dtype="Int64"),
        }
    )
    src = tmp_path / "n.parquet"
    frame.to_parquet(src)
    out = tmp_path / "o.csv"
    estimate_file(src, out, progress=False)
    rows = read_text(out)
    assert [r["status"] for r in rows] == ["ok", "error", "error"]
    assert rows[1]["error"] == "speed_m_s: missing value"
    # every bad column of the row is in its reason, not only the first
    assert rows[2]["error"] == "mass_kg: missing value; duration_s: missing value"
    empty = tmp_path / "e.parquet"
    frame.iloc[:0].to_parquet(empty)
    estimate_file(empty, tmp_path / "e.parquet.csv", progress=False)
    header = (tmp_path / "e.parquet.csv").read_text().splitlines()
    assert header == [",".join([*frame.columns, *RESULT_COLUMNS])]


def test_malformed_csv_structure_fails_loudly_and_writes_nothing(tmp_path: Path) -> None:
    # a row with more fields than the header cannot be kept column by column: stop, say where
    src = write(tmp_path / "x.csv", "speed_m_s,mass_kg,duration_s\n3,70,600\n3,70,600,9\n")
    out = tmp_path / "o.csv"
    result = run("estimate", str(src), "-o", str(out))
    assert result.exit_code == 2
    assert "malformed CSV" in result.stderr
    assert "3,70,600,9" in result.stderr
    assert not out.exists()
    # the same far into the file, after blocks were already written to the temporary file
    big = write(
        tmp_path / "y.csv", "speed_m_s,mass_kg,duration_s\n" + "3,70,600\n" * 200_000 + "1,2\n"
    )
    with pytest.raises(BatchError, match="malformed CSV"):
        estimate_file(big, out, block_bytes=1 << 16)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.csv", "y.csv"]


def test_bad_inputs_and_options_are_named(tmp_path: Path) -> None:
    src = write(tmp_path / "g.csv", GOOD)
    out = tmp_path / "o.csv"
    with pytest.raises(BatchError, match="no such file"):
        estimate_file(tmp_path / "missing.csv", out)
    with pytest.raises(BatchError, match="no input file"):
        estimate_file([], out)
    with pytest.raises(BatchError, match="out_of_range"):
        estimate_file(src, out, out_of_range="warn")  # type: ignore[arg-type]
    with pytest.raises(BatchError, match="block_bytes"):
        estimate_file(src, out, block_bytes=10)
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\x00\xff\xfe" * 10)
    with pytest.raises(BatchError, match=r"b\.csv"):
        estimate_file(binary, out)


def test_summary_says_the_part_of_the_totals_in_out_of_range_rows(tmp_path: Path) -> None:
    # a distance of 1,234.5 "km" walked in an hour: 343 m/s, a unit mistake kept as flagged
    src = tmp_path / "a.csv"
    src.write_text("gait,distance_km,duration_s\nrun,10.02,3133\nwalk,1234.5,3723\nrun,5,1500\n")
    out = tmp_path / "out.csv"
    summary = rc.estimate_file(src, out, mass_kg=70, progress=False)
    frame = pd.read_csv(out)
    oor = frame[frame["status"] == "out_of_range"]
    assert len(oor) == summary.out_of_range == 1
    assert summary.out_of_range_gross_kcal == pytest.approx(
        oor["energy_gross_kcal"].sum(), rel=1e-12
    )
    assert summary.out_of_range_net_kcal == pytest.approx(oor["energy_net_kcal"].sum(), rel=1e-12)
    assert summary.energy_gross_kcal == pytest.approx(frame["energy_gross_kcal"].sum(), rel=1e-12)
    assert "of which in out_of_range rows:" in str(summary)
    clean = rc.estimate_file(example_path(), tmp_path / "b.csv", progress=False)
    assert clean.out_of_range_gross_kcal == 0
    assert "of which" not in str(clean)


def test_a_derived_speed_that_looks_like_another_unit_names_its_columns(tmp_path: Path) -> None:
    # 1234.5 km in 62 min is 332 m/s: the distance's unit is wrong, not a speed column
    src = tmp_path / "a.csv"
    src.write_text("gait,distance_km,duration_s\nwalk,1234.5,3723\nrun,5,1500\n")
    out = tmp_path / "out.csv"
    rc.estimate_file(src, out, mass_kg=70, progress=False)
    frame = pd.read_csv(out)
    assert frame.loc[0, "error"] == (
        "speed_m_s (distance_km / duration_s) > 10.5 m/s looks like km/h: check the unit of "
        "distance_km"
    )
    assert frame.loc[1, "status"] == "ok"


def test_a_derived_speed_from_a_constant_names_the_constant(tmp_path: Path) -> None:
    src = tmp_path / "a.csv"
    src.write_text("gait,distance_km\nwalk,1234.5\n")
    out = tmp_path / "out.csv"
    rc.estimate_file(src, out, mass_kg=70, duration_s=3723, progress=False)
    assert pd.read_csv(out).loc[0, "error"] == (
        "speed_m_s (distance_km / duration_s (constant)) > 10.5 m/s looks like km/h: check "
        "the unit of distance_km"
    )  # it said "distance_km / None"
