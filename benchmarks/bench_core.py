"""Core benchmarks: ratios measured side by side in one run (the baseline script).

The suite is ``python -m benchmarks`` (:mod:`benchmarks.suite`); this script is kept because
it produced the "before" figures of docs/performance.md, and still runs unchanged.

Run: ``.venv/bin/python benchmarks/bench_core.py [rows]``

1. Arrays: ``estimate()`` on mixed running rows vs the same formulas (ACSM running + backward
   factor on net cost, 5 kcal/l) written as one plain numpy expression.
2. One call: ``estimate()`` on Python floats vs a bare Python function with the same arithmetic.
3. Start-up: ``import retrocalc`` vs ``import numpy`` in fresh processes.

Timings are best-of-N to damp the noise of shared machines; only the ratios are meant to be
compared across runs.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import retrocalc as rc


def best(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def plain_numpy(speed: Any, mass: Any, duration: Any, grade: Any, backward: Any) -> Any:
    s = speed * 60.0
    net = (0.2 * s + 0.9 * s * grade) * np.where(backward, 1.35, 1.0)
    return net * mass * duration / 60.0 / 1000.0 * 5.0


def bare_python(speed: float, mass: float, duration: float, grade: float, back: bool) -> float:
    s = speed * 60.0
    net = (0.2 * s + 0.9 * s * grade) * (1.35 if back else 1.0)
    return net * mass * duration / 60.0 / 1000.0 * 5.0


def startup(module: str, repeat: int = 5) -> float:
    """Best of ``repeat`` fresh-process imports, both with cached bytecode (as installed)."""
    from benchmarks.suite import import_seconds, startup_env

    env = startup_env()
    return min(import_seconds(module, env) for _ in range(repeat))


def main(rows: int = 2_000_000) -> None:
    rng = np.random.default_rng(0)
    speed = rng.uniform(2.0, 3.5, rows)
    mass = rng.uniform(50.0, 90.0, rows)
    duration = rng.uniform(600.0, 3600.0, rows)
    grade = rng.uniform(0.0, 0.1, rows)
    backward = rng.random(rows) < 0.3
    direction = np.where(backward, "backward", "forward")

    def lib() -> Any:
        return rc.estimate(
            speed_m_s=speed,
            mass_kg=mass,
            duration_s=duration,
            grade=grade,
            gait="run",
            direction=direction,
            out_of_range="flag",
        ).energy_net_kcal

    ref = plain_numpy(speed, mass, duration, grade, backward)
    np.testing.assert_allclose(lib(), ref, rtol=1e-12)  # same numbers, or no comparison
    t_lib = best(lib, 3)
    t_np = best(lambda: plain_numpy(speed, mass, duration, grade, backward), 3)

    args = (3.0, 70.0, 1800.0, 0.02, True)
    one = rc.estimate(
        speed_m_s=3.0, mass_kg=70.0, duration_s=1800.0, grade=0.02, gait="run", direction="backward"
    )
    assert abs(one.energy_net_kcal - bare_python(*args)) < 1e-9
    n_calls = 2000
    t_call = (
        best(
            lambda: [
                rc.estimate(
                    speed_m_s=3.0,
                    mass_kg=70.0,
                    duration_s=1800.0,
                    grade=0.02,
                    gait="run",
                    direction="backward",
                )
                for _ in range(n_calls)
            ],
            3,
        )
        / n_calls
    )
    t_bare = best(lambda: [bare_python(*args) for _ in range(n_calls)], 3) / n_calls

    t_imp_np = startup("numpy")
    t_imp_rc = startup("retrocalc")

    print(f"{'benchmark':<44}{'retrocalc':>14}{'reference':>14}{'ratio':>10}")
    print(
        f"{'arrays: ' + f'{rows:,} rows, M rows/s (vs plain numpy)':<44}"
        f"{rows / t_lib / 1e6:>14.2f}{rows / t_np / 1e6:>14.2f}{t_np / t_lib:>10.2f}x"
    )
    print(
        f"{'one call: us per call (vs bare Python)':<44}"
        f"{t_call * 1e6:>14.1f}{t_bare * 1e6:>14.2f}{t_call / t_bare:>10.0f}x slower"
    )
    print(
        f"{'start-up: ms to import (vs numpy)':<44}"
        f"{t_imp_rc * 1e3:>14.1f}{t_imp_np * 1e3:>14.1f}{(t_imp_rc - t_imp_np) * 1e3:>+9.1f}ms"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2_000_000)
