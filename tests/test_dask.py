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
