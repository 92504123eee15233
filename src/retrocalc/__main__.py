"""Command line: ``python -m retrocalc demo`` and ``python -m retrocalc models``.

The full batch command line (``retrocalc estimate``) is its own work item; until it lands,
``demo`` estimates the shipped example workouts forward and backward.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__
from .models import REGISTRY


def demo() -> int:
    """Print forward vs backward energy for the example workouts shipped in the package."""
    import pandas as pd

    from .core import estimate
    from .data import example_path

    path = example_path()
    workouts = pd.read_csv(path)
    as_logged = estimate(workouts, out_of_range="flag")
    both = {
        d: estimate(workouts.assign(direction=d), out_of_range="flag")
        for d in ("forward", "backward")
    }
    table = pd.DataFrame(
        {
            "workout": workouts["description"],
            "dir": workouts["direction"],
            "gait": as_logged["gait_used"],
            "km/h": (workouts["speed_m_s"] * 3.6).round(1),
            "grade%": (workouts["grade"] * 100).round(1),
            "min": (workouts["duration_s"] / 60).round(0).astype(int),
            "net kcal": as_logged["energy_net_kcal"].round(0),
            "gross kcal": as_logged["energy_gross_kcal"].round(0),
            "fwd net": both["forward"]["energy_net_kcal"].round(0),
            "bwd net": both["backward"]["energy_net_kcal"].round(0),
            "bwd/fwd gross": (
                both["backward"]["energy_gross_kcal"] / both["forward"]["energy_gross_kcal"]
            ).round(2),
            "model": as_logged["model_used"],
            "in range": as_logged["in_range"],
        }
    )
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(f"retrocalc {__version__}: example workouts from {path.name}\n")
        print(table.to_string(index=False))
    print(
        f"\nTotal as logged: {as_logged['energy_net_kcal'].sum():.0f} kcal net (active), "
        f"{as_logged['energy_gross_kcal'].sum():.0f} kcal gross (total). "
        f"{int((~as_logged['in_range']).sum())} of {len(workouts)} rows flagged out of range."
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``retrocalc`` command."""
    parser = argparse.ArgumentParser(
        prog="retrocalc",
        description="Energy cost of walking and running, forward and backward.",
    )
    parser.add_argument("--version", action="version", version=f"retrocalc {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="estimate the example workouts shipped in the package")
    sub.add_parser("models", help="list the registered models with validity and citations")
    args = parser.parse_args(argv)
    if args.command == "demo":
        return demo()
    print(REGISTRY)
    return 0


if __name__ == "__main__":
    sys.exit(main())
