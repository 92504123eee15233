"""Export benchmark: a Garmin-style file against the same rows in canonical columns.

Run: ``.venv/bin/python benchmarks/bench_exports.py [--rows 1000000] [--repeats 3]``

Both files hold the same workouts; both go through :func:`retrocalc.estimate_file` in this
process, alternately, ``--repeats`` times each (the machines are shared and noisy: compare
the ratio, not the absolute figures):

* ``canonical``: ``gait``, ``speed_m_s``, ``duration_s`` (numbers) and ``mass_kg``.
* ``export``: ``Activity Type`` (``Running``, ``Trail Running``, ``Walking``, ``Hiking``),
  ``Distance`` in km and ``Time`` as ``h:mm:ss`` text, with the mass as a constant; speed
  is derived from distance and time, the gait from the type.

The ratio is the cost of reading an export as it is (activity types, duration text, a
derived speed) over reading numbers. The script checks that both give the same energies
(to the rounding of the export's distance) before it reports any time.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

TYPES = {"Running": "run", "Trail Running": "run", "Walking": "walk", "Hiking": "walk"}


def write_files(folder: Path, rows: int, seed: int = 1) -> tuple[Path, Path]:
    import polars as pl

    rng = np.random.default_rng(seed)
    names = np.array(list(TYPES))
    kind = names[rng.integers(0, len(names), rows)]
    running = np.isin(kind, ["Running", "Trail Running"])
    speed = np.where(running, rng.uniform(2.4, 4.5, rows), rng.uniform(0.9, 1.8, rows))
    seconds = rng.integers(600, 3 * 3600, rows)
    km = np.round(speed * seconds / 1000, 2)
    hours, rest = np.divmod(seconds, 3600)
    minutes, secs = np.divmod(rest, 60)
    time_text = [f"{h}:{m:02d}:{s:02d}" for h, m, s in zip(hours, minutes, secs, strict=True)]
    export = folder / "export.csv"
    pl.DataFrame({"Activity Type": kind, "Distance": km, "Time": time_text}).write_csv(export)
    canonical = folder / "canonical.csv"
    pl.DataFrame(
        {
            "gait": [TYPES[k] for k in kind],
            "speed_m_s": km * 1000 / seconds,  # the export's (rounded) distance
            "duration_s": seconds,
            "mass_kg": 70.0,
        }
    ).write_csv(canonical)
    return export, canonical


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    import polars as pl

    import retrocalc as rc

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        export, canonical = write_files(folder, args.rows)
        runs = {
            "canonical": lambda: rc.estimate_file(canonical, folder / "c.parquet", progress=False),
            "export": lambda: rc.estimate_file(
                export,
                folder / "e.parquet",
                progress=False,
                columns={"duration": "Time", "distance_km": "Distance"},
                mass_kg=70.0,
            ),
        }
        times: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(args.repeats):
            for name, run in runs.items():
                start = time.perf_counter()
                run()
                times[name].append(time.perf_counter() - start)
        a = pl.read_parquet(folder / "c.parquet")["energy_net_kcal"].to_numpy()
        b = pl.read_parquet(folder / "e.parquet")["energy_net_kcal"].to_numpy()
        np.testing.assert_allclose(b, a, rtol=1e-9)
    best = {name: min(t) for name, t in times.items()}
    print(f"{args.rows:,} rows, best of {args.repeats}")
    for name, seconds in best.items():
        print(f"  {name:<10} {seconds:7.2f} s  {args.rows / seconds:12,.0f} rows/s")
    print(f"  export / canonical: {best['export'] / best['canonical']:.2f}x")


if __name__ == "__main__":
    main()
