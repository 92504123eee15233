"""Example data shipped with retrocalc (read with :func:`example_path`)."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

__all__ = ["EXAMPLE_WORKOUTS", "example_path"]

#: File name of the example workouts CSV (canonical column names).
EXAMPLE_WORKOUTS = "example_workouts.csv"


def example_path(name: str = EXAMPLE_WORKOUTS) -> Path:
    """Filesystem path of a shipped example file (works from wheels and source trees)."""
    with as_file(files(__package__).joinpath(name)) as path:
        return Path(path)
