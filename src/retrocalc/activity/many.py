"""Many activities: one summary row per file, in parallel, never stopped by a bad file.

Each file is read and estimated in a worker process (``concurrent.futures``, files sent in
chunks of up to 16 so the round trip per task is amortised; ``engine="dask"`` maps the same
function over a Dask bag, on a cluster with ``scheduler=``). A worker returns only the
summary rows of a file (one per session of a multisport file), and writes the per-sample
tables itself when asked, so memory stays flat in the number of files. A file that cannot
be read or estimated is a row with ``status="error"`` and the reason. Outputs are written
atomically.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import os
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .._csv import delimiter_of

if TYPE_CHECKING:
    from .read import Activity

__all__ = ["SUFFIXES", "estimate_activities", "expand_inputs", "load_athletes"]

#: File name endings recognised as activities when a folder or a glob is given.
SUFFIXES = (".fit", ".gpx", ".tcx", ".fit.gz", ".gpx.gz", ".tcx.gz")


def expand_inputs(inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[str]:
    """Files from paths, folders (searched recursively) and glob patterns, sorted, unique.

    Raises
    ------
    FileNotFoundError
        An input matches nothing.
    """
    items = [inputs] if isinstance(inputs, str | os.PathLike) else list(inputs)
    if not items:
        raise FileNotFoundError("no activity file given (an empty list of inputs)")
    files: list[str] = []
    for item in items:
        text = os.fspath(item)
        if os.path.isdir(text):
            found = [
                str(p)
                for p in sorted(Path(text).rglob("*"))
                if p.is_file() and p.name.lower().endswith(SUFFIXES)
            ]
        elif os.path.exists(text):
            found = [text]
        else:
            found = sorted(glob.glob(text, recursive=True))
            found = [f for f in found if os.path.isfile(f)]
        if not found:
            raise FileNotFoundError(f"{text}: no such file, or no activity file matches")
        files.extend(found)
    return list(dict.fromkeys(files))


def load_athletes(
    source: str | os.PathLike[str] | pd.DataFrame,
) -> dict[str, list[tuple[str, float]]]:
    """Body mass by athlete and date from a CSV (a path) or a DataFrame with columns
    ``athlete, date, mass_kg``.

    A mass applies from its date on (ISO dates); an activity takes the athlete's latest mass
    dated on or before its start, or the earliest one for an activity before all dates. A
    file separated by semicolons (or tabs) may write masses with a decimal comma (``70,5``).
    Errors name the CSV's line (the header is line 1) or the DataFrame's row (0 first).
    """
    if isinstance(source, pd.DataFrame):
        name, first, table, sep = "athletes", "row", source.reset_index(drop=True), ","
        start = 0
    else:
        name, first, start = os.fspath(source), "line", 2
        sep = delimiter_of(source)
        try:
            table = pd.read_csv(source, dtype={"athlete": str, "date": str}, sep=sep)
        except pd.errors.EmptyDataError:
            raise ValueError(
                f"{name}: the athletes CSV is empty (columns athlete,date,mass_kg)"
            ) from None
    missing = {"athlete", "date", "mass_kg"} - set(table.columns)
    if missing:
        raise ValueError(f"{name}: athletes table lacks column(s) {', '.join(sorted(missing))}")
    masses = table["mass_kg"]
    if sep != "," and not pd.api.types.is_numeric_dtype(masses):
        masses = masses.str.replace(",", ".", regex=False)  # a decimal comma
    masses = pd.to_numeric(masses, errors="coerce")
    valid = (masses > 0) & np.isfinite(masses)
    if not valid.all():
        bad = int(np.flatnonzero(~valid)[0]) + start
        raise ValueError(f"{name}: {first} {bad}: mass_kg must be a finite number > 0")
    # ISO only: pandas would read 01/02/2024 month first (2 January), silently taking the
    # wrong mass for a day-first table
    dates = pd.to_datetime(table["date"], errors="coerce", format="ISO8601")
    if dates.isna().any():
        bad = int(np.flatnonzero(dates.isna())[0]) + start
        raise ValueError(f"{name}: {first} {bad}: date must be an ISO date such as 2024-05-01")
    out: dict[str, list[tuple[str, float]]] = {}
    order = np.argsort(dates.to_numpy(), kind="stable")
    for i in order:  # per athlete row of a small table, not per sample
        out.setdefault(str(table["athlete"].iloc[i]), []).append(
            (dates.iloc[i].strftime("%Y-%m-%d"), float(masses.iloc[i]))
        )
    return out


@dataclass(frozen=True)
class _Job:
    mass_kg: float | None
    athletes: dict[str, list[tuple[str, float]]] | None
    athlete: str | None
    samples_dir: str | None
    options: dict[str, Any]


def _mass_for(job: _Job, path: str, start: str | None) -> tuple[float, str | None]:
    if job.athletes is None:
        if job.mass_kg is None:
            raise ValueError("no body mass: give mass_kg or an athletes table")
        return job.mass_kg, job.athlete
    # the folder holding the file, also when it is given by its name alone (in the cwd)
    athlete = job.athlete or Path(os.path.abspath(path)).parent.name
    history = job.athletes.get(athlete)
    if not history:
        if job.mass_kg is not None:
            return job.mass_kg, athlete
        raise ValueError(f"athlete {athlete!r} is not in the athletes table (and no mass_kg)")
    day = (start or "")[:10]
    mass = history[0][1]
    for date, value in history:
        if day and date <= day:
            mass = value
    return mass, athlete


def _samples_name(path: str, folder: str, session: int | None = None) -> str:
    digest = hashlib.sha1(os.path.abspath(path).encode()).hexdigest()[:8]
    part = "" if session is None else f".session{session}"  # one file per leg of a multisport
    return os.path.join(folder, f"{Path(path).name}.{digest}{part}.csv")


def _one(path: str, job: _Job) -> list[dict[str, Any]]:
    """Read and estimate one file: one row, or one per session of a multisport file; every
    failure becomes the row's reason."""
    from .read import read_activity

    row: dict[str, Any] = {"file": path, "session": None, "status": "ok", "reason": ""}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the activity keeps its warnings as text
            act = read_activity(path)
            start = act.start_time
            mass, athlete = _mass_for(job, path, None if start is None else start.isoformat())
            parts = act.split_sessions()
    except Exception as exc:  # a bad file is a row, never the end of the batch
        return [{**row, "status": "error", "reason": str(exc) or type(exc).__name__}]
    if len(parts) == 1:
        return [_estimated(parts[0], row, job, mass, athlete)]
    # each session with its own sport; the mass is the file's (by its start)
    return [
        _estimated(part, {**row, "session": i}, job, mass, athlete) for i, part in enumerate(parts)
    ]


def _estimated(
    act: Activity, row: dict[str, Any], job: _Job, mass: float, athlete: str | None
) -> dict[str, Any]:
    """The summary row of one activity (a file, or a session of one)."""
    from .estimate import estimate_activity
    from .read import Fault

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the result keeps its warnings as text
            result = estimate_activity(act, mass_kg=mass, **job.options)
        row.update(athlete=athlete, mass_kg=mass)
        row.update({k: v for k, v in result.summary.items() if k != "source"})
        reasons = []
        if not result.summary["foot_sport"]:
            # estimated, but not the energy of that sport: the row says so
            reasons.append(f"sport is {result.summary['sport']}, not a walk or run")
        if result.summary["untimed_m"] > 0.0:
            # part of the track has no time, hence no energy: the totals are not the activity's
            reasons.append(
                f"{result.summary['untimed_m']:.0f} m of {result.summary['distance_m']:.0f} m "
                "have no time and no energy"
            )
        # damaged data, repaired or cut short: the totals are not the whole activity's
        reasons.extend(note for note in result.warnings if isinstance(note, Fault))
        if reasons:
            row.update(status="warning", reason="; ".join(reasons))
        if job.samples_dir is not None:
            target = _samples_name(row["file"], job.samples_dir, row["session"])
            with atomic_write(target) as handle:
                result.samples.to_csv(handle, index=False)
            row["samples_file"] = target
    except Exception as exc:  # a bad file is a row, never the end of the batch
        row.update(_failed(act, exc))
    return row


def _failed(act: Activity, exc: Exception) -> dict[str, Any]:
    """What the summary row says of a recording that could not be estimated: what it is,
    and why. A leg retrocalc has no model for (a pool swim without distance) is a warning,
    without energy, not a failure of the batch."""
    from .estimate import NOT_ON_FOOT
    from .summary import identity

    reason = str(exc) or type(exc).__name__
    row: dict[str, Any] = {**identity(act), "status": "error", "reason": reason}
    if act.sport in NOT_ON_FOOT:
        row.update(
            status="warning",
            reason=f"sport is {act.sport}, not a walk or run: not estimated ({reason})",
        )
    return row


@contextlib.contextmanager
def atomic_write(path: str, mode: str = "w") -> Iterator[IO[Any]]:
    """A file that appears at ``path`` only when the block ends without error."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".part")
    try:
        with os.fdopen(fd, mode) as handle:
            yield handle
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _chunk(paths: Sequence[str], job: _Job) -> list[list[dict[str, Any]]]:
    """Rows of several files (a list per file): one task per chunk amortises the
    inter-process round trip."""
    return [_one(p, job) for p in paths]


def chunk_size(files: int, processes: int) -> int:
    """Files per task: about 16 tasks per process, 1 to 16 files each.

    Enough tasks for the processes to share the work evenly (files differ in length), few
    enough that the per-task cost (pickling the job, a round trip) stays small.
    """
    return max(1, min(16, files // (16 * processes)))


def _local(
    files: Sequence[str], job: _Job, processes: int, tick: Callable[[int], Any]
) -> list[dict[str, Any]]:
    # the rows of each file in its place: a multisport file gives one row per session
    rows: list[list[dict[str, Any]]] = [[] for _ in files]
    if processes <= 1:
        for i, f in enumerate(files):
            rows[i] = _one(f, job)
            tick(1)
        return [r for file_rows in rows for r in file_rows]
    size = chunk_size(len(files), processes)
    chunks = [(i, files[i : i + size]) for i in range(0, len(files), size)]
    window = 2 * processes  # bounded in-flight work: memory flat in the number of files
    with ProcessPoolExecutor(max_workers=processes) as pool:
        pending: dict[Future[list[list[dict[str, Any]]]], int] = {}
        queue = iter(chunks)
        for start, part in queue:
            pending[pool.submit(_chunk, part, job)] = start
            if len(pending) >= window:
                break
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                start = pending.pop(fut)
                part_rows = fut.result()
                rows[start : start + len(part_rows)] = part_rows
                tick(len(part_rows))
                nxt = next(queue, None)
                if nxt is not None:
                    pending[pool.submit(_chunk, nxt[1], job)] = nxt[0]
    return [r for file_rows in rows for r in file_rows]


def _dask(files: Sequence[str], job: _Job, scheduler: str | None) -> list[dict[str, Any]]:
    try:
        import dask.bag as db
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("engine='dask' needs dask: pip install 'retrocalc[dask]'") from None
    parts = max(1, min(len(files), 64))
    bag = db.from_sequence(list(files), npartitions=parts)  # type: ignore[no-untyped-call]
    mapped = bag.map(_one, job)
    if scheduler:
        from distributed import Client

        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            per_file = client.compute(mapped).result()
    else:
        per_file = mapped.compute(scheduler="processes")
    return [r for file_rows in per_file for r in file_rows]  # the order of the files


def write_table(table: pd.DataFrame, output: str) -> None:
    """CSV (``.csv``, ``.csv.gz``), Parquet or standard output (``-``), atomically (by the
    batch's writer: :func:`retrocalc.batch.write.atomic_output`)."""
    from ..batch.write import atomic_output, check_output

    kind = check_output(output)
    if output == "-":
        table.to_csv(sys.stdout, index=False)
        return

    with atomic_output(output) as handle:
        if kind == "parquet":
            table.to_parquet(handle, index=False)
        else:
            table.to_csv(handle, index=False, compression="gzip" if kind == "csv.gz" else None)


def estimate_activities(
    inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    output: str | None = None,
    *,
    mass_kg: float | None = None,
    athletes: str
    | os.PathLike[str]
    | pd.DataFrame
    | dict[str, list[tuple[str, float]]]
    | None = None,
    athlete: str | None = None,
    samples_dir: str | os.PathLike[str] | None = None,
    processes: int | None = None,
    engine: Literal["local", "dask"] = "local",
    scheduler: str | None = None,
    progress: bool | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Estimate every activity file: one summary row per file (per session of a multisport
    file), in input order.

    Parameters
    ----------
    inputs : path, folder, glob or a list of them
        Folders are searched recursively for ``.fit``, ``.gpx`` and ``.tcx`` files, and
        for those gzip-compressed (``.fit.gz``..., as in Strava's bulk export).
    output : str, optional
        Also write the table to ``.csv``, ``.csv.gz`` or ``.parquet`` (atomically), or ``-``.
    mass_kg : float [kg], optional
        Body mass for every file (or for athletes missing from ``athletes``).
    athletes : path, DataFrame or mapping, optional
        Mass by athlete and date (:func:`load_athletes`: a CSV or a DataFrame of
        ``athlete, date, mass_kg``). A file's athlete is ``athlete=``
        or the name of the folder holding it.
    samples_dir : path, optional
        Write each file's per-sample table there as ``<file name>.<hash>.csv``
        (``<file name>.<hash>.session<i>.csv`` for session *i* of a multisport file).
    processes : int, optional
        Worker processes (>= 1); default the number of CPUs (1: in this process).
    engine : {"local", "dask"}
        ``"dask"`` maps the files over a Dask bag (``scheduler=`` an address to use a
        cluster whose workers see the files).
    progress : bool, optional
        A progress bar by files (default: when standard error is a terminal).
    **options
        Passed to :func:`retrocalc.estimate_activity` (``direction``, ``gait``, ``grade``...).

    Returns
    -------
    pandas.DataFrame
        ``file``, ``session`` (a multisport FIT file, such as a triathlon or a run-bike-run
        brick, gives one row per session, in time order, each estimated with its own sport
        (:meth:`~retrocalc.activity.Activity.split_sessions`): the session's 0-based index;
        NA for a file read as one activity), ``status`` (``ok``; ``warning``: estimated,
        but the sport is not a walk or a run, part of the track has no time, or the data
        were damaged (a truncated or corrupt file, dropped records, GPS jumps, altitude faults:
        :class:`~retrocalc.activity.read.Fault`), see ``reason``; also a sport not on foot
        that could not be estimated at all, such as a pool swim without distance: no
        energy; ``error``: not estimated, see ``reason``), ``reason``,
        ``athlete``, ``mass_kg`` and the summary of :func:`retrocalc.estimate_activity`
        (sport, start time, totals...).
    """
    from .estimate import check_arguments, check_mass

    check_arguments("estimate_activities", options)  # once, not once per file
    if processes is not None and not (isinstance(processes, int) and processes >= 1):
        raise ValueError(f"processes: expected a whole number >= 1, got {processes!r}")
    table = (
        load_athletes(athletes)
        if isinstance(athletes, str | os.PathLike | pd.DataFrame)
        else athletes
    )
    files = expand_inputs(inputs)
    if output is not None:
        from ..batch.write import check_output

        check_output(output)  # before any work: a bad output is found at once
    if mass_kg is not None:
        check_mass(mass_kg)  # (once here: per file it would be the same error, once per row)
    folder = None
    if samples_dir is not None:
        folder = os.fspath(samples_dir)
        if os.path.exists(folder) and not os.path.isdir(folder):
            raise ValueError(f"samples_dir {folder!r} is a file: give a folder")
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            raise ValueError(f"samples_dir {folder!r}: cannot make it ({exc.strerror})") from None
    job = _Job(mass_kg, table, athlete, folder, dict(options))
    if mass_kg is None and table is None:
        raise ValueError("give mass_kg (a constant) or athletes (mass by athlete and date)")
    show = sys.stderr.isatty() if progress is None else progress
    bar: Any = None
    if show:
        try:
            from tqdm import tqdm

            bar = tqdm(total=len(files), unit="file", file=sys.stderr)
        except ImportError:  # pragma: no cover - tqdm comes with the cli extra
            bar = None
    try:
        if engine == "dask":
            rows = _dask(files, job, scheduler)
            if bar is not None:
                bar.update(len(files))
        elif engine == "local":
            n = processes if processes is not None else (os.cpu_count() or 1)
            rows = _local(files, job, max(1, min(n, len(files))), bar.update if bar else _noop)
        else:
            raise ValueError(f"engine: expected 'local' or 'dask', got {engine!r}")
    finally:
        if bar is not None:
            bar.close()
    result = pd.DataFrame(rows)
    # a whole number (an index), NA for a file read as one activity (not a float 0.0, 1.0)
    result["session"] = result["session"].astype("Int64")
    if output is not None:
        write_table(result, output)
    return result


def _noop(*_: Any) -> None:
    """No progress bar."""
