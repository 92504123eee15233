"""The ``retrocalc`` command line (also ``python -m retrocalc``).

``retrocalc estimate INPUT... -o OUTPUT`` runs :func:`retrocalc.batch.estimate_file`;
``retrocalc models`` lists the registry; ``retrocalc demo`` is ``estimate --example``.
The options for constant inputs (``--mass-kg 70``, ``--speed-kmh 10``, ``--gait auto``) are
generated from the nomenclature, so every input and unit alias has one.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import signal
import sys
import warnings
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Any, NoReturn

from ._extras import require

# first: every command below needs click (and the batch pyarrow and polars)
require("cli", feature="retrocalc.cli (the command line)")

import click  # noqa: E402

from . import __version__  # noqa: E402
from ._cli_checks import number  # noqa: E402
from .batch import LABEL_CHOICES, BatchError, RowError, estimate_file  # noqa: E402
from .batch.types import OutputError  # noqa: E402
from .batch.write import committed  # noqa: E402
from .cli_pace import pace  # noqa: E402
from .data import example_path  # noqa: E402
from .energy import RMR_EQUATIONS  # noqa: E402
from .models import REGISTRY  # noqa: E402
from .nomenclature import ALIASES, INPUTS  # noqa: E402

__all__ = ["cli", "main"]

# exit statuses of `retrocalc estimate` (the table in docs/guide/batch.md)
_EXIT_ROW = 1  # --on-error raise stopped at a bad row
_EXIT_USAGE = 2  # a bad option, a missing column, an input that cannot be read as documented
_EXIT_OUTPUT = 3  # the output cannot be written: disk full, read-only folder, a folder in the way
_EXIT_BUG = 70  # an internal error (EX_SOFTWARE): a bug to report, worded in one line
_EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)
_OWN_PROCESS = [False]  # main() runs the process (not a caller's CliRunner or import)
_EXIT_PIPE = 141  # the reader of standard output went away (128 + SIGPIPE), e.g. `| head`


# standard input is being read by pyarrow's read-ahead thread, which a failed run cannot stop
# while the writer still writes: left running, the interpreter's exit aborts ("terminate
# called without an active exception") or hangs. The command's own process then ends at once
# (the outputs are already cleaned up by then: the batch removes them as the error leaves it).
_PIPED = [False]


def _exit(status: int) -> NoReturn:
    if _PIPED[0] and _OWN_PROCESS[0]:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os._exit(status)
    sys.exit(status)


def _fail(message: str, status: int) -> NoReturn:
    with contextlib.suppress(OSError):
        click.echo(f"Error: {message}", err=True)
    _exit(status)


def _bug(exc: BaseException) -> NoReturn:
    if os.environ.get("RETROCALC_TRACEBACK"):
        raise exc
    _fail(
        f"internal error, please report it: {type(exc).__name__}: {exc}{_incomplete(exc)} "
        "(set RETROCALC_TRACEBACK=1 to see where)",
        _EXIT_BUG,
    )


def _constant_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """One ``--name`` option per input and unit alias, for columns the files lack."""
    for name in reversed([*INPUTS, *ALIASES]):
        canonical = ALIASES[name].canonical if name in ALIASES else name
        var = INPUTS[canonical]
        if var.dtype == "str":
            kind: Any = click.Choice(LABEL_CHOICES[canonical], case_sensitive=False)
            unit = ""
        elif name in ALIASES and ALIASES[name].unit == "text":  # pace, duration
            kind, unit = str, ""
        else:
            kind = float
            unit = f" [{ALIASES[name].unit if name in ALIASES else var.unit}]"
        if name in ALIASES:
            given_in = _TEXT_ALIASES.get(name, ALIASES[name].unit)
            help_text = f"Constant {canonical} given in {given_in}."
        else:
            help_text = f"Constant {canonical}{unit} for files without that column."
        command = click.option(
            "--" + name.replace("_", "-"),
            name,
            type=kind,
            default=None,
            help=help_text,
            show_default=False,
        )(command)
    return command


_TEXT_ALIASES = {"pace": "text such as 5:30/km", "duration": "text such as 1:02:03 or 45:10"}


# -- options for exports (Garmin Connect, Strava): how to read their columns ----------------
def _activity_map(values: Sequence[str]) -> dict[str, tuple[str, str]]:
    mapping: dict[str, tuple[str, str]] = {}
    for item in values:
        name, sep, meaning = item.rpartition("=")
        gait, _, direction = meaning.partition(":")
        if not sep or not name.strip() or not gait.strip():
            raise click.BadParameter(
                f"{item!r}: expected TYPE=GAIT or TYPE=GAIT:DIRECTION, e.g. Fartlek=run or "
                "'Retro Run=run:backward'",
                param_hint="--activity-map",
            )
        mapping[name.strip()] = (gait.strip(), direction.strip() or "forward")
    return mapping


def _export_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--pace-unit`` and ``--activity-map``, handed to the batch with the constants."""

    @functools.wraps(command)
    def run(*args: Any, pace_unit: str | None, activity_map: tuple[str, ...], **kw: Any) -> Any:
        if pace_unit is not None:
            kw["pace_unit"] = pace_unit
        if activity_map:
            kw["activity_map"] = _activity_map(activity_map)
        return command(*args, **kw)

    run = click.option(
        "--activity-map",
        "activity_map",
        multiple=True,
        metavar="TYPE=GAIT[:DIRECTION]",
        help="An activity type the table does not know (or another meaning for one it "
        "does), e.g. Fartlek=run or 'Retro Run=run:backward'.",
    )(run)
    run = click.option(
        "--pace-unit",
        type=click.Choice(["km", "mi"], case_sensitive=False),
        default=None,
        help="Distance unit of pace text without one (5:30 in a pace column means 5:30/km).",
    )(run)
    return run


def _column_map(values: Sequence[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in values:
        name, sep, column = item.partition("=")
        if not sep or not name.strip() or not column:
            raise click.BadParameter(
                f"{item!r}: expected INPUT=COLUMN, e.g. speed_kmh=Velocity", param_hint="--column"
            )
        mapping[name.strip()] = column
    return mapping


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="retrocalc")
def cli() -> None:
    """Energy cost of walking and running, forward and backward, from published models."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    # SIGTERM unwinds like Ctrl-C, so the temporary output file is removed; once the output
    # is renamed into place the run has succeeded, and a late signal does not undo that
    if committed():
        return
    raise SystemExit(128 + signum)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    if committed():
        return
    raise KeyboardInterrupt


def _incomplete(exc: BaseException) -> str:
    rows = getattr(exc, "rows_written", 0)
    if rows:
        return (
            f" ({rows:,} rows were already written to standard output: that output is INCOMPLETE)"
        )
    return " (no output written)"


def _quiet_stdout() -> None:
    # the reader went away: send what Python still flushes at exit to /dev/null
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


@cli.command()
@click.argument("inputs", nargs=-1, metavar="INPUT...")
@click.option(
    "-o",
    "--output",
    default=None,
    metavar="OUTPUT",
    help="Output .csv, .csv.gz or .parquet; '-' for standard output (the default with --example).",
)
@click.option(
    "--example", is_flag=True, help="Estimate the example workouts shipped with retrocalc."
)
@click.option(
    "-c",
    "--column",
    "column_map",
    multiple=True,
    metavar="INPUT=COLUMN",
    help="Read an input (or unit alias) from a column of another name, e.g. speed_kmh=Velocity.",
)
@click.option(
    "--on-error",
    type=click.Choice(["keep", "raise"]),
    default="keep",
    show_default=True,
    help="keep: bad rows are written with status=error and the reason; raise: stop at the first.",
)
@click.option(
    "--out-of-range",
    type=click.Choice(["flag", "nan"]),
    default="flag",
    show_default=True,
    help="Rows outside a model's validity range keep their estimate, or get empty results.",
)
@click.option("--rmr-equation", type=click.Choice(list(RMR_EQUATIONS)), default=None)
@click.option(
    "--backward-factor", type=float, default=None, help="Replace the backward factor on net cost."
)
@click.option(
    "--interval",
    type=float,
    default=None,
    help="Add person-to-person prediction-interval bounds of power and energy at this "
    "confidence level (e.g. 0.95).",
)
@click.option(
    "--calibration",
    default=None,
    metavar="FILE",
    help="Scale energy and power by a personal calibration: the JSON file written by "
    "Calibration.to_json() (retrocalc.calibrate). Adds calibration_factor.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="dask: run the blocks on a Dask cluster (pip install 'retrocalc[dask]').",
)
@click.option("--scheduler", default=None, metavar="ADDRESS", help="Dask scheduler to use.")
@click.option(
    "--block-mb",
    type=float,
    callback=number("a number of MiB from 0.01 to 1048576", 0.01, 1 << 20),
    default=8.0,
    show_default=True,
    help="CSV text per block [MiB]; memory grows with it, not with the file.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
@_export_options
@_constant_options
def estimate(
    inputs: tuple[str, ...],
    output: str | None,
    example: bool,
    column_map: tuple[str, ...],
    on_error: str,
    out_of_range: str,
    rmr_equation: str | None,
    backward_factor: float | None,
    interval: float | None,
    calibration: str | None,
    engine: str,
    scheduler: str | None,
    block_mb: float,
    quiet: bool,
    **constants: Any,
) -> None:
    """Estimate the energy of every row of workout files (CSV, CSV.gz or Parquet).

    An INPUT of - reads standard input (cat runs.csv | retrocalc estimate - -o out.csv):
    CSV is streamed, Parquet buffered to a temporary file first.

    Writes every input column unchanged and in order, then the results, a status
    (ok / out_of_range / error) and the reason; one output row per input row, in order.
    Inputs are found by name (speed_m_s, speed_kmh, pace, mass_lb, duration_min...),
    by --column, or given as constants (--mass-kg 70). A heart-rate column (heart_rate_bpm,
    Avg HR...) with --age-years and --sex (or such columns) adds energy from heart rate
    (Keytel et al. 2005) in separate columns (hr_energy_gross_kcal...).

    \b
    A Garmin Connect export in one command:
      retrocalc estimate Activities.csv -o energy.csv --mass-kg 70 \\
          -c duration=Time -c distance_km=Distance
    (Activity Type gives gait and direction; speed is distance / time.)
    """
    if example:
        inputs = (*inputs, str(example_path()))
        output = "-" if output is None else output
    if not inputs:
        raise click.UsageError("give at least one INPUT file (or --example)")
    if output is None:
        raise click.UsageError("give an OUTPUT with -o (a .csv, .csv.gz or .parquet file, or -)")
    _PIPED[0] = "-" in inputs
    previous = signal.signal(signal.SIGTERM, _terminate)
    previous_int = signal.signal(signal.SIGINT, _interrupt)
    try:
        with warnings.catch_warnings():
            # every bad row gets its status and reason; numpy's RuntimeWarnings would only
            # repeat that on standard error
            warnings.simplefilter("ignore", RuntimeWarning)
            summary = estimate_file(
                list(inputs),
                output,
                columns=_column_map(column_map),
                on_error=on_error,  # type: ignore[arg-type]
                out_of_range=out_of_range,  # type: ignore[arg-type]
                rmr_equation=rmr_equation,
                backward_factor=backward_factor,
                interval=interval,
                calibration=calibration,
                progress=False if quiet else None,
                block_bytes=int(block_mb * (1 << 20)),
                engine=engine,  # type: ignore[arg-type]
                scheduler=scheduler,
                **constants,
            )
    except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
        raise  # click words usage errors itself (exit status 2)
    except SystemExit as exc:  # SIGTERM (_terminate)
        if _PIPED[0]:
            _exit(exc.code if isinstance(exc.code, int) else 1)
        raise
    except RowError as exc:
        _fail(f"{exc}{_incomplete(exc)}", _EXIT_ROW)
    except OutputError as exc:
        _fail(f"{exc}{_incomplete(exc)}", _EXIT_OUTPUT)
    except BatchError as exc:
        _fail(f"{exc}{_incomplete(exc) if getattr(exc, 'rows_written', 0) else ''}", _EXIT_USAGE)
    except BrokenPipeError:
        _quiet_stdout()
        _exit(_EXIT_PIPE)
    except KeyboardInterrupt as exc:
        if committed():  # Ctrl-C after the output was in place: a success
            return
        _fail(f"interrupted{_incomplete(exc)}", _EXIT_INTERRUPTED)
    except ModuleNotFoundError as exc:
        if "pip install 'retrocalc[" not in str(exc):
            _bug(exc)
        _fail(str(exc), _EXIT_USAGE)  # e.g. --engine dask without the dask extra
    except MemoryError:
        _fail("out of memory; try a smaller --block-mb", _EXIT_OUTPUT)
    except Exception as exc:
        _bug(exc)
    finally:
        if _OWN_PROCESS[0] and committed():
            # the output is in place and the process is about to exit: a signal now must
            # not turn the success into a failure (Python resets its own handlers to the
            # default, deadly, action while it shuts down; "ignore" it keeps)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        else:
            signal.signal(signal.SIGTERM, previous)
            signal.signal(signal.SIGINT, previous_int)
    if not quiet:
        click.echo(str(summary), err=True)


@cli.command()
@click.pass_context
@click.option("-o", "--output", default="-", show_default=True, metavar="OUTPUT")
def demo(ctx: click.Context, output: str) -> None:
    """Estimate the example workouts shipped with retrocalc (estimate --example)."""
    ctx.invoke(estimate, example=True, output=output)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def models(as_json: bool) -> None:
    """List the registered models: gaits, directions, validity ranges, citation and DOI."""
    if as_json:
        click.echo(json.dumps(REGISTRY.records(), indent=2))
    else:
        click.echo(str(REGISTRY))


cli.add_command(pace)


def _add_activity() -> None:
    try:
        from .activity.cli import activity
    except ImportError:  # pragma: no cover - pandas or click missing: no activity command
        return
    cli.add_command(activity)


_add_activity()


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``retrocalc`` command."""
    _OWN_PROCESS[0] = True
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="retrocalc")
    finally:  # (main() called in a process that goes on, a test's: the next command is not)
        _OWN_PROCESS[0] = False
