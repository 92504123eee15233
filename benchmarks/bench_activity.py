"""Activity benchmark: read + grade + estimate against the bare parsers, and many files.

Run: ``.venv/bin/python benchmarks/bench_activity.py [--files 1000] [--repeat 5]``

All in one run, side by side (these machines are shared and noisy: compare the ratios):

* one 1-hour 1 Hz activity (3,601 points, a hilly route with GPS-like altitude noise, heart
  rate) written as FIT, GPX and TCX by the tests' writers (``tests/activity_files.py``);
  retrocalc's ``read_activity`` + ``estimate_activity`` (read, grade filter, pauses, gait,
  one vectorised estimate, summary) against fitdecode's bare decode (iterating every frame),
  gpxpy's ``parse`` and tcxreader's ``read`` (parse only, no energy). The two sides alternate
  within each repeat; the best of ``--repeat`` is kept, as wall time and as CPU time of the
  process (CPU time is what another job on the same core does not inflate much). retrocalc's
  readers pause the cyclic garbage collector while they allocate; the last column runs the
  bare parser the same way, to show how much of the difference that is.
* ``--files`` five-minute GPX activities through :func:`retrocalc.estimate_activities` on 1
  and on 2 processes: wall time, CPU time of the parent and its workers, and the peak memory
  (RSS of the parent and its workers, sampled every 50 ms) at a quarter of the files and at
  all of them: it must not grow with the files. On a machine whose other core is busy the
  wall-time speed-up cannot show; ``CPU(1) / CPU(2)`` says whether the two processes do the
  work of one without overhead (1.0: they would reach 2x on two idle cores).

Needs the ``bench`` extra (gpxpy, tcxreader), the ``test`` extra (fit-tool) and psutil.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

import retrocalc as rc  # noqa: E402
from activity_files import Track, steady, write_fit, write_gpx, write_tcx  # noqa: E402


def hour_track(seconds: int = 3600) -> Track:
    t = np.arange(seconds + 1, dtype=float)
    speed = 2.9 + 0.3 * np.sin(t / 300)
    d = np.concatenate([[0.0], np.cumsum(speed[1:])])
    z = 200 + 40 * np.sin(d / 1500) + np.random.default_rng(0).normal(0, 2.0, t.size)
    return Track(t, d, z, hr=np.round(140 + 10 * np.sin(t / 200)))


def side_by_side(fns: list[Callable[[], Any]], repeat: int) -> list[tuple[float, float]]:
    """(best wall, best CPU) [s] of each function, the functions alternating in each repeat."""
    wall = [[] for _ in fns]  # type: list[list[float]]
    cpu = [[] for _ in fns]  # type: list[list[float]]
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            w, c = time.perf_counter(), time.process_time()
            fn()
            cpu[i].append(time.process_time() - c)
            wall[i].append(time.perf_counter() - w)
    return [(min(w), min(c)) for w, c in zip(wall, cpu, strict=True)]


def ours(path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rc.estimate_activity(rc.read_activity(path), mass_kg=70)


def bare_fit(path: Path) -> None:
    import fitdecode

    with fitdecode.FitReader(str(path)) as reader:
        for _ in reader:
            pass


def bare_gpx(path: Path) -> None:
    import gpxpy

    with open(path, encoding="utf-8") as handle:
        gpxpy.parse(handle)


def bare_tcx(path: Path) -> None:
    from tcxreader.tcxreader import TCXReader

    TCXReader().read(str(path))


def no_gc(fn: Callable[[Path], Any], path: Path) -> None:
    """A bare parser with the cyclic GC paused, as retrocalc's readers run (for comparison)."""
    import gc

    gc.disable()
    try:
        fn(path)
    finally:
        gc.enable()


class PeakRSS:
    """Peak resident memory of this process and its children, sampled in a thread [MiB].

    Also the CPU time of each worker as last seen [s] (``workers``), sampled every 50 ms.
    """

    def __init__(self) -> None:
        import psutil

        self.proc = psutil.Process()
        self.peak = 0.0
        self.workers: dict[int, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.stop.is_set():
            total = 0
            for p in [self.proc, *self.proc.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                    if p.pid != self.proc.pid:
                        cpu = p.cpu_times()
                        self.workers[p.pid] = cpu.user + cpu.system
                except Exception:  # a worker that just ended
                    continue
            self.peak = max(self.peak, total / 2**20)
            time.sleep(0.05)

    def __enter__(self) -> PeakRSS:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def _cpu_with_children() -> float:
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # ended workers
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def many(folder: Path, n: int, processes: int) -> tuple[float, float, float, float]:
    """(wall, CPU of this process and its workers, CPU of the busiest worker [s], peak RSS
    [MiB]); the busiest worker is 0 with one process."""
    files = sorted(folder.glob("*.gpx"))[:n]
    with PeakRSS() as mem:
        start, cpu = time.perf_counter(), _cpu_with_children()
        table = rc.estimate_activities(files, mass_kg=70, processes=processes, progress=False)
        elapsed, cpu = time.perf_counter() - start, _cpu_with_children() - cpu
    assert (table["status"] == "ok").all()
    return elapsed, cpu, max(mem.workers.values(), default=0.0), mem.peak


def _load() -> str:
    """The machine's load average: these machines are shared, the figures depend on it."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        track = hour_track()
        paths = {
            "fit": write_fit(track, root / "hour.fit"),
            "gpx": write_gpx(track, root / "hour.gpx"),
            "tcx": write_tcx(track, root / "hour.tcx"),
        }
        bare = {"fit": bare_fit, "gpx": bare_gpx, "tcx": bare_tcx}
        print(f"load average at the start (1, 5, 15 min): {_load()}")
        names = {"fit": "fitdecode decode", "gpx": "gpxpy.parse", "tcx": "tcxreader.read"}
        print("One 1-hour 1 Hz activity (3,601 points), best of", args.repeat)
        print("| format | retrocalc read+grade+estimate [ms] | bare parse [ms] | ratio wall "
              "| ratio CPU | bare parse, GC paused [ms CPU] |")  # fmt: skip
        print("|---|---|---|---|---|---|")
        for kind, path in paths.items():
            (w_ours, c_ours), (w_bare, c_bare), (_, c_nogc) = side_by_side(
                [partial(ours, path), partial(bare[kind], path), partial(no_gc, bare[kind], path)],
                args.repeat,
            )
            print(f"| {kind.upper()} | {w_ours * 1e3:.0f} wall, {c_ours * 1e3:.0f} CPU | "
                  f"{w_bare * 1e3:.0f} wall, {c_bare * 1e3:.0f} CPU ({names[kind]}) | "
                  f"{w_ours / w_bare:.2f}x | {c_ours / c_bare:.2f}x | "
                  f"{c_nogc * 1e3:.0f} |")  # fmt: skip
        folder = root / "many"
        folder.mkdir()
        one = steady(3.0, 300, grade=0.02)
        one.z = one.z + np.random.default_rng(1).normal(0, 1.5, one.z.size)
        template = write_gpx(one, folder / "0000.gpx").read_bytes()
        for i in range(1, args.files):
            (folder / f"{i:04d}.gpx").write_bytes(template)
        quarter = max(1, args.files // 4)
        print(f"\n{args.files} five-minute GPX activities (301 points each)")
        print("| files | processes | wall [s] | files/s | CPU parent+workers [s] "
              "| CPU busiest worker [s] | peak RSS parent+workers [MiB] |")  # fmt: skip
        print("|---|---|---|---|---|---|---|")
        results = {}
        for n, procs in ((args.files, 1), (args.files, 2), (quarter, 2)):
            elapsed, cpu, busiest, peak = many(folder, n, procs)
            results[(n, procs)] = elapsed, cpu, busiest
            print(f"| {n} | {procs} | {elapsed:.2f} | {n / elapsed:.0f} | {cpu:.2f} "
                  f"| {busiest:.2f} | {peak:.0f} |")  # fmt: skip
        (w1, c1, _), (w2, c2, b2) = results[(args.files, 1)], results[(args.files, 2)]
        print(f"\nload average at the end (1, 5, 15 min): {_load()}")
        print(f"2 processes vs 1: wall {w1 / w2:.2f}x; CPU(1)/CPU(2) {c1 / c2:.2f}; "
              f"cores kept busy by the 2 processes {c2 / w2:.2f} (2.0 = both); "
              f"on two idle cores the busiest worker bounds it: CPU(1) / CPU(busiest) "
              f"{c1 / b2:.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
