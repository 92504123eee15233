"""Dask: a real distributed.LocalCluster on loopback with 2 workers gives the same results as
the single-process batch on the same data."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import retrocalc as rc
from retrocalc import dask as rc_dask
from retrocalc.batch import RESULT_COLUMNS, BatchError
from retrocalc.cli import cli

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=":0",  # a free port: never clash with a running dashboard
            processes=True,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _workouts(path: Path, rows: int = 4000) -> Path:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "id": np.arange(rows),
            "speed_kmh": rng.uniform(3, 15, rows).round(2).astype(str),
            "mass_kg": rng.uniform(45, 110, rows).round(1).astype(str),
            "duration_min": rng.integers(5, 90, rows).astype(str),
            "grade_pct": rng.uniform(-15, 15, rows).round(1).astype(str),
            "direction": rng.choice(["forward", "backward"], rows),
        }
    )
    frame.loc[7, "mass_kg"] = "heavy"  # a bad row travels through the cluster too
    frame.loc[11, "direction"] = "sideways"
    frame.to_csv(path, index=False)
    return path


def test_dask_estimate_equals_the_local_batch(tmp_path: Path, cluster: object) -> None:
    src = _workouts(tmp_path / "w.csv")
    local = tmp_path / "local.csv"
    rc.estimate_file(src, local, progress=False)
    ddf = dd.read_csv(src, dtype=str, keep_default_na=False, blocksize=40_000)
    assert ddf.npartitions > 1
    out = rc_dask.estimate(ddf)
    assert list(out.columns) == [*ddf.columns, *RESULT_COLUMNS]
    got = out.compute()
    want = pd.read_csv(local, dtype=str, keep_default_na=False)
    assert len(got) == len(want) == 4000
    pd.testing.assert_series_equal(
        got["status"].reset_index(drop=True), want["status"], check_names=False, check_dtype=False
    )
    for name in ("energy_gross_kcal", "energy_net_kcal", "met"):
        np.testing.assert_allclose(
            pd.to_numeric(got[name]).to_numpy(), pd.to_numeric(want[name]).to_numpy(), rtol=1e-12
        )
    assert got["error"].iloc[7] == "mass_kg: 'heavy' is not a number"


def test_cli_dask_engine_on_the_cluster_writes_the_same_file(
    tmp_path: Path, cluster: object
) -> None:
    src = _workouts(tmp_path / "w.csv")
    local, remote = tmp_path / "local.csv", tmp_path / "dask.csv"
    runner = CliRunner()
    assert runner.invoke(cli, ["estimate", str(src), "-o", str(local), "-q"]).exit_code == 0
    address = cluster.scheduler.address  # type: ignore[attr-defined]
    result = runner.invoke(
        cli,
        [
            "estimate",
            str(src),
            "-o",
            str(remote),
            "--engine",
            "dask",
            "--scheduler",
            address,
            "--block-mb",
            "0.05",
        ],
    )
    assert result.exit_code == 0, result.output
    assert remote.read_bytes() == local.read_bytes()
    assert "4,000 rows" in result.stderr
    rows = list(csv.DictReader(io.StringIO(remote.read_text())))
    assert [r["id"] for r in rows] == [str(i) for i in range(4000)]  # order kept


def _workouts_with_heart_rate(path: Path, rows: int = 3000) -> Path:
    rng = np.random.default_rng(5)
    frame = pd.read_csv(_workouts(path, rows), dtype=str, keep_default_na=False)
    frame["Avg HR"] = rng.integers(90, 185, rows).astype(str)
    frame.loc[3, "Avg HR"] = ""  # no reading: empty hr_ columns, the row estimated
    frame.loc[5, "Avg HR"] = "high"  # a bad cell: a row error naming the column
    frame.loc[9, "Avg HR"] = "2000"  # implausible: out_of_range
    frame["sex"] = rng.choice(["male", "female"], rows)
    frame.to_csv(path, index=False)
    return path


def _calibration() -> rc.Calibration:
    from retrocalc.calibration import Factor

    return rc.Calibration(
        factors=(
            Factor("lcda2019", "walk", "forward", 0.9, 0.85, 0.95, 5, 120.0),
            Factor("acsm", "run", "backward", 1.15, 1.1, 1.2, 5, 120.0),
        ),
        basis="net",
    )


def test_dask_heart_rate_and_calibration_equal_the_local_batch(
    tmp_path: Path, cluster: object
) -> None:
    src = _workouts_with_heart_rate(tmp_path / "w.csv")
    local = tmp_path / "local.csv"
    cal = _calibration()
    rc.estimate_file(src, local, calibration=cal, age_years=33, progress=False)
    ddf = dd.read_csv(src, dtype=str, keep_default_na=False, blocksize=40_000)
    assert ddf.npartitions > 1
    out = rc_dask.estimate(ddf, calibration=cal, age_years=33)
    want = pd.read_csv(local, dtype=str, keep_default_na=False)
    assert list(out.columns) == list(want.columns)
    assert "calibration_factor" in want.columns
    assert "hr_energy_gross_kcal" in want.columns
    got = out.compute().reset_index(drop=True)
    for name in ("status", "error", "hr_model_used", "gait_used"):
        assert got[name].astype(object).fillna("").astype(str).tolist() == want[name].tolist(), name
    for name in ("energy_net_kcal", "calibration_factor", "hr_energy_gross_kcal", "hr_power_net_w"):
        np.testing.assert_allclose(
            pd.to_numeric(got[name]).to_numpy(dtype=float),
            pd.to_numeric(want[name]).to_numpy(dtype=float),
            rtol=1e-12,
        )
    assert want["error"][5] == "Avg HR (heart_rate_bpm): 'high' is not a number"
    assert want["status"][9] == "out_of_range"
    assert want["hr_energy_gross_kcal"][3] == ""
    assert want["energy_net_kcal"][3] != ""


def test_cli_dask_engine_with_calibration_file_and_heart_rate(
    tmp_path: Path, cluster: object
) -> None:
    src = _workouts_with_heart_rate(tmp_path / "w.csv", rows=1500)
    path = tmp_path / "cal.json"
    path.write_text(_calibration().to_json())
    local, remote = tmp_path / "local.csv", tmp_path / "dask.csv"
    # (--interval too: an empty block, Dask's meta, once failed with it)
    common = ["--calibration", str(path), "--age-years", "40", "--interval", "0.9", "-q"]
    runner = CliRunner()
    result = runner.invoke(cli, ["estimate", str(src), "-o", str(local), *common])
    assert result.exit_code == 0, result.output
    address = cluster.scheduler.address  # type: ignore[attr-defined]
    result = runner.invoke(
        cli,
        ["estimate", str(src), "-o", str(remote), "--engine", "dask", "--scheduler", address,
         "--block-mb", "0.05", *common],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert remote.read_bytes() == local.read_bytes()


def test_dask_refuses_a_bad_calibration_file_before_any_work(tmp_path: Path) -> None:
    ddf = dd.from_pandas(pd.DataFrame({"speed_m_s": ["3"], "mass_kg": ["70"],
                                       "duration_s": ["60"]}), npartitions=1)  # fmt: skip
    with pytest.raises(BatchError, match=r"calibration file .*: no such file"):
        rc_dask.estimate(ddf, calibration=tmp_path / "missing.json")


def test_dask_needs_the_required_columns() -> None:
    ddf = dd.from_pandas(pd.DataFrame({"speed_m_s": ["3"], "note": ["x"]}), npartitions=1)
    with pytest.raises(BatchError, match="required column mass_kg"):
        rc_dask.estimate(ddf)


def test_unreachable_scheduler_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rc_dask, "_CONNECT_TIMEOUT", "1s")
    src = _workouts(tmp_path / "w.csv", rows=10)
    result = CliRunner().invoke(
        cli,
        [
            "estimate",
            str(src),
            "-o",
            str(tmp_path / "o.csv"),
            "--engine",
            "dask",
            "--scheduler",
            "tcp://127.0.0.1:9",
        ],
    )
    assert result.exit_code == 2
    assert "cannot connect" in result.stderr
    assert not (tmp_path / "o.csv").exists()


def test_dask_engine_shows_progress(
    tmp_path: Path, cluster: object, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _workouts(tmp_path / "w.csv", rows=500)
    address = cluster.scheduler.address  # type: ignore[attr-defined]
    summary = rc.estimate_file(
        src, tmp_path / "o.csv", engine="dask", scheduler=address, progress=True
    )
    assert summary.rows == 500
    assert "retrocalc" in capsys.readouterr().err


def test_a_column_without_a_name_is_kept_and_read_by_both_engines(tmp_path: Path) -> None:
    # pandas' to_csv writes its index as a first column without a name: --engine dask
    # refused such a file ("columns ['Unnamed: 0', ...] differ from ['', ...]") and the
    # local engine wrote that column back as "column_0", a header the file did not have
    frame = pd.DataFrame({"speed_m_s": [3.0, 1.2, 2.5], "mass_kg": [70.0, 60.0, 80.0]})
    src = tmp_path / "w.csv"
    frame.to_csv(src)  # ",speed_m_s,mass_kg" then "0,3.0,70.0"...
    outputs = {}
    for engine in ("local", "dask"):
        outputs[engine] = out = tmp_path / f"{engine}.csv"
        rc.estimate_file(src, out, engine=engine, progress=False, duration_s=60.0)
        back = pd.read_csv(out, keep_default_na=False)
        assert back.columns[0] == "Unnamed: 0"  # (pandas' name for an empty header cell)
        assert back.iloc[:, 0].tolist() == [0, 1, 2]
        assert back["status"].tolist() == ["ok", "ok", "ok"]
        assert next(csv.reader(io.StringIO(out.read_text())))[:3] == ["", "speed_m_s", "mass_kg"]
    assert outputs["dask"].read_bytes() == outputs["local"].read_bytes()


def test_parquet_outputs_of_both_engines_have_one_schema(tmp_path: Path) -> None:
    # --engine dask wrote gait_used and model_used as dictionaries of the labels its
    # partitions held (unordered, uint32), the local engine as every gait and registered
    # model (ordered, uint8): the same values, another type
    pq = pytest.importorskip("pyarrow.parquet")
    src = _workouts(tmp_path / "w.csv", rows=300)
    paths = {}
    for engine in ("local", "dask"):
        paths[engine] = out = tmp_path / f"{engine}.parquet"
        rc.estimate_file(src, out, engine=engine, progress=False)
    assert pq.read_schema(paths["dask"]) == pq.read_schema(paths["local"])
    gaits = pq.read_schema(paths["local"]).field("gait_used").type
    assert gaits.ordered
    local, dask = pd.read_parquet(paths["local"]), pd.read_parquet(paths["dask"])
    pd.testing.assert_frame_equal(dask, local)
    assert list(local["gait_used"].cat.categories) == list(rc.composition.rules.GAITS)
