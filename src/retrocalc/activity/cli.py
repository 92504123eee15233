"""``retrocalc activity FILES|GLOB|FOLDER -o summary.csv`` (see :func:`estimate_activities`)."""

from __future__ import annotations

import signal
import sys
from types import FrameType
from typing import Any

import click
import pandas as pd

from .._cli_checks import number
from ..composition.plausible import UNIT_LIMITS
from ..units import lb_to_kg
from .many import estimate_activities, write_table

__all__ = ["activity"]


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds: temporary outputs are removed


@click.command("activity")
@click.argument("inputs", nargs=-1, metavar="FILES|GLOB|FOLDER...")
@click.option(
    "-o",
    "--output",
    default=None,
    metavar="OUTPUT",
    help="Summary .csv, .csv.gz or .parquet; '-' for standard output.",
)
@click.option(
    "--samples",
    "samples_dir",
    default=None,
    metavar="DIR",
    help="Also write each activity's per-sample table into DIR.",
)
@click.option("--example", is_flag=True, help="Run on the example activity shipped with retrocalc.")
@click.option(
    "--mass-kg",
    type=float,
    callback=number("a body mass in kg above 0", low=0.0, low_open=True),
    default=None,
    help="Body mass [kg] for every activity.",
)
@click.option(
    "--mass-lb",
    type=float,
    callback=number("a body mass in lb above 0", low=0.0, low_open=True),
    default=None,
    help="Body mass [lb] for every activity (instead of --mass-kg).",
)
@click.option(
    "--athletes",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="CSV of athlete,date,mass_kg; an activity's athlete is its folder's name.",
)
@click.option("--athlete", default=None, help="Athlete of every file (instead of folder names).")
@click.option(
    "--direction", type=click.Choice(["forward", "backward"]), default="forward", show_default=True
)
@click.option(
    "--gait", type=click.Choice(["auto", "walk", "run"]), default="auto", show_default=True
)
@click.option(
    "--grade",
    type=click.Choice(["filtered", "raw", "level"]),
    default="filtered",
    show_default=True,
    help="Grade from filtered altitude (raw: for comparison only).",
)
@click.option(
    "-j",
    "--processes",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes [default: CPUs].",
)
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", default=None, metavar="ADDRESS", help="Dask scheduler to use.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary line.")
def activity(
    inputs: tuple[str, ...],
    output: str | None,
    samples_dir: str | None,
    example: bool,
    mass_kg: float | None,
    mass_lb: float | None,
    athletes: str | None,
    athlete: str | None,
    direction: str,
    gait: str,
    grade: str,
    processes: int | None,
    engine: str,
    scheduler: str | None,
    quiet: bool,
) -> None:
    """Energy of GPS watch recordings (FIT, GPX, TCX): one summary row per activity.

    A folder is searched for .fit, .gpx and .tcx files, gzipped ones too (.fit.gz...: a
    Strava bulk export's activities folder reads as it is).

    A multisport FIT file (triathlon, run-bike-run) gives one row per session (column
    session: 0, 1, ...), each estimated with its own sport; session is empty otherwise.
    A file that cannot be read is a row with status=error and the reason; the batch goes on.
    A sport other than walking or running (cycling...) is estimated as walking or running and
    marked status=warning (without energy when it cannot be estimated: a pool swim). Outputs
    are written atomically. Exit status 1 when any file failed.
    """  # fmt: skip
    if mass_kg is not None and mass_lb is not None:
        raise click.UsageError("give --mass-kg or --mass-lb, not both")
    if mass_lb is not None:
        mass_kg = float(lb_to_kg(mass_lb))
    if example:
        from ..data import example_path

        inputs = (*inputs, str(example_path("example_activity.gpx")))
        output = "-" if output is None else output
        mass_kg = 70.0 if mass_kg is None and athletes is None else mass_kg
    if not inputs:
        raise click.UsageError("give at least one FILE, GLOB or FOLDER (or --example)")
    if output is None:
        raise click.UsageError("give an OUTPUT with -o (a .csv, .csv.gz or .parquet file, or -)")
    if mass_kg is None and athletes is None:
        raise click.UsageError("give --mass-kg or --athletes (or --mass-lb for pounds)")
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        from ..batch.write import check_output

        check_output(output)  # before any work (the table is written here, once reworded)
        table = estimate_activities(
            list(inputs), None, mass_kg=mass_kg, athletes=athletes, athlete=athlete,
            samples_dir=samples_dir, processes=processes, engine=engine,  # type: ignore[arg-type]
            scheduler=scheduler, progress=False if quiet else None,
            direction=direction, gait=gait, grade=grade,
        )  # fmt: skip
        _reword_advice(table, _mass_advice(mass_lb, athletes))
        write_table(table, output)
    except (FileNotFoundError, ValueError, ImportError) as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    finally:
        signal.signal(signal.SIGTERM, previous)
    failed = int((table["status"] == "error").sum())
    warned = int((table["status"] == "warning").sum())
    if not quiet:
        click.echo(
            f"{len(table)} activities, {len(table) - failed - warned} ok, {warned} with a "
            f"warning, {failed} failed",
            err=True,
        )
        bad = table[table["status"] != "ok"]
        for file, session, status, reason in zip(
            bad["file"].tolist(), bad["session"].tolist(), bad["status"].tolist(),
            bad["reason"].tolist(), strict=True,
        ):  # fmt: skip
            where = file if pd.isna(session) else f"{file} [session {session}]"
            click.echo(f"  {where}: {status}: {reason}", err=True)
    if failed:
        sys.exit(1)


# the library's advice for an implausible body mass names its keyword and column mass_lb; on
# the command line the mass comes from an option or the athletes table
_LIBRARY_MASS_ADVICE = next(r.advice for r in UNIT_LIMITS if r.name == "mass_kg")


def _mass_advice(mass_lb: float | None, athletes: str | None) -> str:
    """How a command-line user gives a body mass in the right unit."""
    if athletes is not None:
        return (
            "the athletes table's mass_kg and --mass-kg are in kg (1 lb = 0.45359237 kg); "
            "--mass-lb takes pounds"
        )
    if mass_lb is not None:
        return f"it came from --mass-lb {mass_lb:g}: check that value (--mass-lb takes pounds)"
    return "--mass-kg is in kg: give a mass in pounds with --mass-lb"


def _reword_advice(table: pd.DataFrame, advice: str) -> None:
    """Name the command's options, not the library's keywords, in the table's reasons."""

    def reword(text: Any) -> Any:
        return text.replace(_LIBRARY_MASS_ADVICE, advice) if isinstance(text, str) else text

    for column in ("reason", "warnings"):
        if column in table.columns:
            table[column] = table[column].map(reword)
