"""File benchmark: ``retrocalc estimate`` CSV -> CSV against hand-written pipelines.

Run: ``.venv/bin/python benchmarks/bench_batch.py [--rows 5000000] [--memory]``

Every pipeline runs in a fresh process on the same CSV, one after the other in one run
(these machines are shared and noisy: compare the ratios, not the absolute figures):

* ``retrocalc``: the command line, ``retrocalc estimate IN -o OUT -q``.
* ``polars``: ``scan_csv`` -> the same arithmetic as expressions -> ``sink_csv`` (the best
  hand-written pipeline on this machine).
* ``pandas``: ``read_csv`` -> a Python function per row with ``DataFrame.apply`` ->
  ``to_csv`` (what many analysts write). It is slow: ``--pandas-rows`` runs it on the first
  rows only and scales its time to the full file (said so in the table).

The rows are running, forward and backward, level and uphill (0-10 %), at 2.2-4.5 m/s, so
all three pipelines compute the same model (ACSM running; backward x1.35 on net cost;
rest 3.5 ml/kg/min; 5 kcal per litre O2). The script checks that retrocalc's and polars'
energies agree before it reports any time.

``--memory`` also reports retrocalc's peak memory (max RSS) on 2M- and 8M-row files: it must
not grow with the file.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SCRIPT = Path(sys.executable).parent / "retrocalc"

POLARS = textwrap.dedent(
    """
    import sys, polars as pl
    src, out = sys.argv[1:3]
    s = pl.col("speed_m_s") * 60.0
    back = pl.col("direction") == "backward"
    fwd_net = 0.2 * s + 0.9 * s * pl.col("grade")
    net = pl.when(back).then(fwd_net * 1.35).otherwise(fwd_net)
    gross = net + 3.5
    w_per_vo2 = 5.0 * 4.184 / 60.0  # W/kg per ml/kg/min
    mass, dur = pl.col("mass_kg"), pl.col("duration_s")
    (
        pl.scan_csv(src)
        .with_columns(
            vo2_gross_ml_kg_min=gross,
            vo2_net_ml_kg_min=net,
            met=gross / 3.5,
            power_gross_w=gross * w_per_vo2 * mass,
            power_net_w=net * w_per_vo2 * mass,
            energy_gross_kcal=gross * w_per_vo2 * mass * dur / 4184.0,
            energy_net_kcal=net * w_per_vo2 * mass * dur / 4184.0,
            energy_gross_kj=gross * w_per_vo2 * mass * dur / 1000.0,
            energy_net_kj=net * w_per_vo2 * mass * dur / 1000.0,
            cost_of_transport_j_kg_m=net * w_per_vo2 / pl.col("speed_m_s"),
            in_range=pl.lit(True),
            gait_used=pl.lit("run"),
            model_used=pl.lit("acsm_running"),
            status=pl.lit("ok"),
            error=pl.lit(""),
        )
        .sink_csv(out)
    )
    """
)

PANDAS = textwrap.dedent(
    """
    import sys, pandas as pd
    src, out, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])

    def row(r):
        s = r["speed_m_s"] * 60.0
        net = (0.2 * s + 0.9 * s * r["grade"]) * (1.35 if r["direction"] == "backward" else 1.0)
        gross = net + 3.5
        w = 5.0 * 4.184 / 60.0
        e = w * r["mass_kg"] * r["duration_s"]
        return pd.Series({
            "vo2_gross_ml_kg_min": gross, "vo2_net_ml_kg_min": net, "met": gross / 3.5,
            "power_gross_w": gross * w * r["mass_kg"], "power_net_w": net * w * r["mass_kg"],
            "energy_gross_kcal": gross * e / 4184.0, "energy_net_kcal": net * e / 4184.0,
            "energy_gross_kj": gross * e / 1000.0, "energy_net_kj": net * e / 1000.0,
            "cost_of_transport_j_kg_m": net * w / r["speed_m_s"], "in_range": True,
            "gait_used": "run", "model_used": "acsm_running", "status": "ok", "error": "",
        })

    df = pd.read_csv(src, nrows=rows)
    pd.concat([df, df.apply(row, axis=1)], axis=1).to_csv(out, index=False)
    """
)


def make_csv(path: Path, rows: int, seed: int = 0) -> None:
    """Running workouts written by polars (fast); columns as an app would export them."""
    import polars as pl

    rng = np.random.default_rng(seed)
    pl.DataFrame(
        {
            "workout_id": np.arange(rows),
            "speed_m_s": rng.uniform(2.2, 4.5, rows).round(3),
            "mass_kg": rng.uniform(45.0, 110.0, rows).round(1),
            "duration_s": rng.integers(300, 5400, rows),
            "grade": rng.uniform(0.0, 0.10, rows).round(3),
            "gait": "run",
            "direction": np.where(rng.random(rows) < 0.3, "backward", "forward"),
        }
    ).write_csv(path)


def make_csv_apart(path: Path, rows: int, seed: int = 0) -> None:
    """make_csv in its own process: this one stays small, and a child's peak memory (max RSS)
    counts the parent's pages until it execs, so a large parent would inflate it."""
    subprocess.run(
        [sys.executable, __file__, "--make-csv", str(path), str(rows), str(seed)], check=True
    )


def timed(args: list[str]) -> tuple[float, float]:
    """Wall time [s] and peak memory (max RSS) [MiB] of a fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)  # this child's own resource usage
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise subprocess.CalledProcessError(proc.returncode, args)
    return elapsed, usage.ru_maxrss / 1024


def check_same(ours: Path, reference: Path) -> None:
    import polars as pl

    a = pl.read_csv(ours, columns=["energy_gross_kcal", "energy_net_kcal", "met"])
    b = pl.read_csv(reference, columns=["energy_gross_kcal", "energy_net_kcal", "met"])
    for name in a.columns:
        np.testing.assert_allclose(a[name].to_numpy(), b[name].to_numpy(), rtol=1e-9)


def main() -> None:
    if sys.argv[1:2] == ["--make-csv"]:
        make_csv(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
        return
    if sys.argv[1:2] == ["--check"]:
        check_same(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument(
        "--pandas-rows",
        type=int,
        default=250_000,
        help="rows for the slow pandas pipeline, its time scaled to --rows (0: all rows; "
        "5M rows of per-row apply ran out of memory after 18 min here)",
    )
    parser.add_argument("--memory", action="store_true", help="peak memory on 2M and 8M rows")
    parser.add_argument("--repeat", type=int, default=2, help="best of N for the fast ones")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=HERE) as tmp:
        folder = Path(tmp)
        src = folder / "workouts.csv"
        make_csv_apart(src, args.rows)
        size_mb = src.stat().st_size / 2**20
        ours, ref, slow = folder / "ours.csv", folder / "polars.csv", folder / "pandas.csv"
        runs: dict[str, list[float]] = {"retrocalc": [], "polars": []}
        mem: dict[str, float] = {}
        for _ in range(args.repeat):  # alternate, so both see the same machine
            t, m = timed([str(SCRIPT), "estimate", str(src), "-o", str(ours), "-q"])
            runs["retrocalc"].append(t)
            mem["retrocalc"] = max(mem.get("retrocalc", 0.0), m)
            t, _ = timed([sys.executable, "-c", POLARS, str(src), str(ref)])
            runs["polars"].append(t)
        # in its own process too, for the same reason as make_csv_apart
        subprocess.run([sys.executable, __file__, "--check", str(ours), str(ref)], check=True)
        best = {k: min(v) for k, v in runs.items()}
        rate = {k: args.rows / v for k, v in best.items()}
        print(f"CSV -> CSV, {args.rows:,} rows ({size_mb:.0f} MiB), one run, fresh processes")
        print(f"{'pipeline':<34}{'rows/s':>14}{'retrocalc is':>16}")
        print(f"{'retrocalc estimate':<34}{rate['retrocalc']:>14,.0f}{'':>16}")
        print(
            f"{'polars scan_csv -> sink_csv':<34}{rate['polars']:>14,.0f}"
            f"{rate['retrocalc'] / rate['polars']:>15.2f}x",
            flush=True,
        )
        pandas_rows = min(args.pandas_rows or args.rows, args.rows)
        t_pandas, _ = timed([sys.executable, "-c", PANDAS, str(src), str(slow), str(pandas_rows)])
        t_pandas *= args.rows / pandas_rows
        rate["pandas"] = args.rows / t_pandas
        note = "" if pandas_rows == args.rows else f" (first {pandas_rows:,} rows, scaled)"
        print(
            f"{'pandas read_csv/apply/to_csv':<34}{rate['pandas']:>14,.0f}"
            f"{rate['retrocalc'] / rate['pandas']:>15.1f}x{note}"
        )
        peak = mem["retrocalc"]
        print(f"targets: >= 10x pandas, >= 0.7x polars; retrocalc peak memory {peak:.0f} MiB")

        if args.memory:
            for rows in (2_000_000, 8_000_000):
                path = folder / f"m{rows}.csv"
                make_csv_apart(path, rows, seed=1)
                t, m = timed([str(SCRIPT), "estimate", str(path), "-o", str(ours), "-q"])
                print(f"memory: {rows:>9,} rows: peak {m:,.0f} MiB, {rows / t:,.0f} rows/s")
                path.unlink()


if __name__ == "__main__":
    main()
