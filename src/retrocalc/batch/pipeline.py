"""The pipeline: inputs expanded, blocks read, evaluated and written in three threads."""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, Literal, TypeVar

import numpy as np
from numpy.typing import NDArray

from .. import engine as evaluation
from .._types import Deferred
from .evaluate import evaluate_block, result_names
from .options import run_options
from .parse import load_polars
from .plan import check_result_names, heart_rate_note, resolve_columns
from .read import (
    _blocks,
    _header,
    check_types,
    delimiter,
    is_parquet,
    polars_frame,
    unified_schema,
)
from .stdin import is_stdin, local_path, open_stdin, released
from .types import (
    _QUEUE_DEPTH,
    BLOCK_BYTES,
    BatchError,
    BatchSummary,
    OnError,
    OutputError,
    RowError,
    Source,
)
from .write import (
    _Writer,
    atomic_output,
    begin_run,
    check_csv_output,
    check_output,
    same_file,
)

if TYPE_CHECKING:
    import polars as pl

    from .. import calibration
else:  # for typing.get_type_hints(estimate_file), not imported before (see Deferred)
    calibration = Deferred("retrocalc.calibration")


T = TypeVar("T")
_DONE = object()


def _threaded(items: Iterable[T], depth: int, stop: threading.Event) -> Iterator[T]:
    """Produce ``items`` in a background thread, at most ``depth`` ahead."""
    buffer: queue.Queue[Any] = queue.Queue(maxsize=depth)

    def produce() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                while not stop.is_set():
                    try:
                        buffer.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            buffer.put(_DONE)
        except BaseException as exc:  # handed to the consumer
            buffer.put(exc)

    thread = threading.Thread(target=produce, daemon=True, name="retrocalc-worker")
    thread.start()
    try:
        while True:
            try:
                # a timeout, so that a stage whose producer stopped early (stop set: it
                # leaves without its _DONE) ends too instead of waiting forever
                item = buffer.get(timeout=0.1)
            except queue.Empty:
                if stop.is_set() and not thread.is_alive():
                    return
                continue
            if item is _DONE:
                break
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        # stop and join the producer: exiting while it runs native code aborts the process
        stop.set()
        while thread.is_alive():
            with contextlib.suppress(queue.Empty):
                buffer.get(timeout=0.05)
        thread.join()


def expand_inputs(inputs: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> list[str]:
    """Input paths with globs expanded (sorted), in the order given; ``-`` is standard input
    (:mod:`.stdin`), opened last, once every other input was found."""
    items = [inputs] if isinstance(inputs, str | os.PathLike) else list(inputs)
    paths: list[str] = []
    stdin_at: int | None = None
    for item in items:
        text = os.fspath(item)
        if text == "-":
            if stdin_at is not None:
                raise BatchError("input '-' (standard input) is given twice; it can be read once")
            stdin_at = len(paths)
            paths.append(text)
        elif glob.has_magic(text):
            matches = sorted(glob.glob(text))
            files = [m for m in matches if os.path.isfile(m)]  # folders are not inputs
            if not files:
                more = f" (only folders: {', '.join(matches[:3])})" if matches else ""
                raise BatchError(f"input {text!r}: no file matches{more}")
            paths += files
        else:
            if os.path.isdir(text):
                raise BatchError(f"input {text!r} is a folder; give files or a glob")
            if not os.path.isfile(text):
                raise BatchError(f"input {text!r}: no such file")
            paths.append(text)
    if not paths:
        raise BatchError("no input file given")
    if stdin_at is not None:  # read (and a Parquet input buffered) once the rest is known
        paths[stdin_at] = open_stdin()
    return paths


def estimate_file(
    inputs: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    output: str | os.PathLike[str],
    *,
    columns: Mapping[str, str] | None = None,
    on_error: OnError = "keep",
    out_of_range: Literal["flag", "nan"] = "flag",
    rmr_equation: str | None = None,
    backward_factor: float | Mapping[str, float] | None = None,
    interval: float | None = None,
    calibration: calibration.Calibration | str | os.PathLike[str] | None = None,
    progress: bool | None = None,
    block_bytes: int = BLOCK_BYTES,
    engine: Literal["local", "dask"] = "local",
    scheduler: str | None = None,
    **constants: Any,
) -> BatchSummary:
    """Estimate the energy of every row of workout files and write them with the results.

    Parameters
    ----------
    inputs : path, glob or sequence of them
        CSV (``.csv``, ``.csv.gz``) or Parquet (``.parquet``) files with the same columns;
        ``"-"`` reads standard input (named ``<stdin>`` in messages): CSV (gzipped too) is
        streamed, Parquet (known by its magic bytes) copied to a temporary file first.
    output : path
        ``.csv``, ``.csv.gz`` or ``.parquet``; ``"-"`` writes CSV to standard output. Written
        atomically; never one of the inputs.
    columns : mapping, optional
        ``{input or alias: file column}`` where names differ, e.g. ``{"speed_kmh": "Velocity"}``.
    on_error : {"keep", "raise"}
        ``"keep"`` writes bad rows with ``status="error"`` and the reason; ``"raise"`` stops at
        the first bad row with :class:`RowError` (naming the file, row and column) and
        leaves no output.
    out_of_range : {"flag", "nan"}
        Rows outside a model's validity range keep their estimate (``"flag"``) or get NaN;
        either way their status is ``out_of_range`` with the range in ``error``.
    rmr_equation, backward_factor, interval
        As in :func:`retrocalc.estimate`; with ``interval`` (a confidence level) the output
        gets the prediction-interval bounds of power and energy after the results
        (``energy_gross_kcal_lower`` ...).
    calibration : Calibration or path, optional
        A personal calibration (:func:`retrocalc.calibrate`), or the JSON file its
        :meth:`~retrocalc.Calibration.to_json` wrote: the energy and power results are scaled
        as ``estimate(..., calibration=)`` scales them, and ``calibration_factor`` (the factor
        of each row, 1 where none was fitted) follows the results.
    progress : bool, optional
        A progress bar on standard error; default when standard error is a terminal.
    block_bytes : int [bytes]
        CSV text read per block: memory grows with it, not with the file.
    engine : {"local", "dask"}
        ``"dask"`` runs the blocks on a Dask cluster (:mod:`retrocalc.dask`).
    scheduler : str, optional
        Address of a running Dask scheduler (``engine="dask"``).
    **constants
        Values for inputs the files lack, by canonical or alias name:
        ``mass_kg=70``, ``gait="auto"``, ``direction="backward"``, ``mass_lb=154``. With a
        heart-rate column (``heart_rate_bpm``, ``Avg HR``...: see
        :func:`~retrocalc.batch.resolve_columns`) and ``age_years`` and ``sex`` (columns or
        constants), the output gets energy from heart rate (Keytel et al. 2005) in separate
        ``hr_`` columns before ``status``.

    Returns
    -------
    BatchSummary
        Row counts by status, total energies [kcal], elapsed time [s].

    Raises
    ------
    BatchError
        Before any work: a required column missing (naming it and listing the columns
        found), files whose columns differ, a bad option, a calibration file that cannot be
        read, output equal to an input.
    RowError
        With ``on_error="raise"``, at the first bad row.
    OutputError
        The output cannot be written (a folder in the way, folder missing or read-only,
        disk full); a subclass of BatchError.

    Notes
    -----
    With ``output="-"``, an exception raised after rows were written carries
    ``rows_written`` (how many): that output is incomplete.

    Examples
    --------
    >>> from retrocalc.data import example_path
    >>> summary = estimate_file(example_path(), "-", progress=False)  # doctest: +SKIP
    """
    start = time.perf_counter()
    begin_run()
    if on_error not in ("keep", "raise"):
        raise BatchError(f"on_error must be 'keep' or 'raise', got {on_error!r}")
    if out_of_range not in ("flag", "nan"):
        raise BatchError(f"out_of_range must be 'flag' or 'nan', got {out_of_range!r}")
    if not isinstance(block_bytes, int) or not (1 << 10) <= block_bytes <= (1 << 40):
        raise BatchError(f"block_bytes must be an integer from 1024 to 2**40, got {block_bytes!r}")
    if engine not in ("local", "dask"):
        raise BatchError(f"engine must be 'local' or 'dask', got {engine!r}")
    out = os.fspath(output)
    kind = check_output(out)
    paths = expand_inputs(inputs)
    with released(paths):
        if engine == "dask" and any(is_stdin(p) for p in paths):
            raise BatchError(
                "engine='dask' reads the inputs on its workers: standard input ('-') cannot "
                "be one; save it to a file first"
            )
        for path in paths:
            if out != "-" and not is_stdin(path) and same_file(path, out):
                raise BatchError(f"output {out!r} is one of the inputs; refusing to overwrite it")
        headers = [_header(p) for p in paths]
        for path, header in zip(paths[1:], headers[1:], strict=True):
            if header != headers[0]:
                raise BatchError(
                    f"{path}: its columns {header} differ from those of {paths[0]}: {headers[0]}"
                )
        # a file separated by semicolons comes from a locale whose decimal mark is the comma
        plans = [
            resolve_columns(
                h,
                columns,
                constants,
                rmr_equation=rmr_equation,
                where=p,
                decimal_comma=delimiter(p) == ";",
            )
            for p, h in zip(paths, headers, strict=True)
        ]
        # options are checked once, up front: a bad one is a usage error, not bad rows
        options = run_options(rmr_equation, backward_factor, out_of_range, interval, calibration)
        check_result_names(headers[0], result_names(headers[0], plans[0], options), paths[0])
        for path in paths:  # first: a column no file may have is named as such
            if is_parquet(path):
                import pyarrow.parquet as pq

                check_types(path, pq.read_schema(local_path(path)), plans[0])
        schema = unified_schema(paths, headers)
        if kind != "parquet":
            check_csv_output(schema)
        summary = BatchSummary(
            inputs=[str(p) for p in paths],  # plain names (<stdin>), as asdict() copies them
            output=out,
            columns={k: s.describe() for k, s in plans[0].items()},
            notes=[n for n in [heart_rate_note(headers[0], plans[0])] if n is not None],
        )
        # CSV on standard input: a stream of unknown size (the bar counts bytes)
        streamed = any(is_stdin(p) and not p.parquet for p in paths)
        size = sum(os.path.getsize(local_path(p)) for p in paths if not is_stdin(p) or p.parquet)
        bar = _progress_bar(None if streamed else size, progress)
        blocks: Iterable[tuple[str, int, pl.DataFrame, pl.DataFrame, NDArray[np.bool_]]]
        stop = threading.Event()
        try:
            if engine == "dask":
                from ..dask import run_files

                update: Callable[[int], None] = bar.update if bar is not None else lambda _: None
                blocks = run_files(
                    paths, headers[0], plans[0], options, block_bytes, scheduler, update
                )
            else:  # three stages in three threads: read, estimate, write
                read = _threaded(
                    _read_files(paths, headers[0], block_bytes, bar, stop, schema),
                    _QUEUE_DEPTH,
                    stop,
                )
                blocks = _threaded(_evaluate_blocks(read, plans[0], options), _QUEUE_DEPTH, stop)
            _write_all(blocks, out, kind, on_error, summary, schema)
        except BaseException as exc:
            if out == "-" and summary.rows:
                # rows already went out: whoever reads standard output must know it is cut short
                exc.rows_written = summary.rows  # type: ignore[attr-defined]
            raise
        finally:
            stop.set()
            if bar is not None:
                bar.close()
        summary.elapsed_s = time.perf_counter() - start
        return summary


def _read_files(
    paths: Sequence[str],
    header: Sequence[str],
    block_bytes: int,
    bar: Any,
    stop: threading.Event,
    schema: Any = None,
) -> Iterator[tuple[str, int, pl.DataFrame]]:
    """(path, first row, input block) for every block of every file, in order.

    A file with a header and no rows gives one empty block, so the output has its header.
    """
    pl = load_polars()
    update: Callable[[int], None] = bar.update if bar is not None else lambda _: None
    for path in paths:
        first = 0
        for batch in _blocks(path, header, block_bytes, update, schema):
            if stop.is_set():
                return
            frame = polars_frame(batch)
            yield path, first, frame
            first += frame.height
        if first == 0:
            if schema is not None:
                empty = polars_frame(schema.empty_table())
            else:
                empty = pl.DataFrame(schema=dict.fromkeys(header, pl.String))
            assert isinstance(empty, pl.DataFrame)
            yield path, 0, empty


def _evaluate_blocks(
    blocks: Iterable[tuple[str, int, pl.DataFrame]],
    plan: Mapping[str, Source],
    options: evaluation.Options,
) -> Iterator[tuple[str, int, pl.DataFrame, pl.DataFrame, NDArray[np.bool_]]]:
    """(path, first row, input block, result block, error mask) for every block, in order."""
    for path, first, frame in blocks:
        results, bad = evaluate_block(frame, plan, options)
        yield path, first, frame, results, bad


def _progress_bar(total: int | None, progress: bool | None) -> Any:
    if progress is None:
        progress = sys.stderr.isatty()
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc="retrocalc")


def _write_all(
    blocks: Iterable[tuple[str, int, pl.DataFrame, pl.DataFrame, NDArray[np.bool_]]],
    out: str,
    kind: Literal["csv", "csv.gz", "parquet"],
    on_error: OnError,
    summary: BatchSummary,
    schema: Any = None,
) -> None:
    # the Arrow schema of the inputs as polars types: blocks from Dask (one pandas frame per
    # file) are cast to it, so that files with other numeric types unify as floats
    types = None if schema is None else polars_frame(schema.empty_table()).schema
    with contextlib.ExitStack() as stack:
        if out == "-":
            handle: IO[bytes] = sys.stdout.buffer
        else:
            handle = stack.enter_context(atomic_output(out))
        writer = _Writer(handle, kind)
        stack.callback(writer.abort)  # a failed run closes its Parquet writer quietly
        for path, first, frame, results, bad in blocks:
            if on_error == "raise" and bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise RowError(path, first + i + 1, str(results["error"][i]))
            if types is not None and frame.schema != types:
                frame = frame.cast(dict(types))
            try:
                writer.write(frame.hstack(results))
            except Exception as exc:
                raise _write_error(out, exc) from None
            _tally(summary, results)
        try:
            writer.close()
            if out == "-":
                handle.flush()
        except Exception as exc:
            raise _write_error(out, exc) from None


def _write_error(out: str, exc: Exception) -> Exception:
    """What a failed write means: the reader of a pipe went away (BrokenPipeError, which
    the command line ends quietly), or the output cannot be written (OutputError)."""
    errno_ = getattr(exc, "errno", None)
    if isinstance(exc, BrokenPipeError) or errno_ == errno.EPIPE or "Broken pipe" in str(exc):
        return BrokenPipeError(errno.EPIPE, "Broken pipe")
    if isinstance(exc, OSError) or "os error" in str(exc):
        why = getattr(exc, "strerror", None) or str(exc)
        return OutputError(f"output {out!r}: cannot write ({why})")
    return exc


def _tally(summary: BatchSummary, results: pl.DataFrame) -> None:
    pl = load_polars()
    out = pl.col("status") == "out_of_range"
    counts = results.select(
        ok=(pl.col("status") == "ok").sum(),
        out_of_range=(pl.col("status") == "out_of_range").sum(),
        error=(pl.col("status") == "error").sum(),
        gross=pl.col("energy_gross_kcal").fill_nan(None).sum(),
        net=pl.col("energy_net_kcal").fill_nan(None).sum(),
        oor_gross=pl.col("energy_gross_kcal").filter(out).fill_nan(None).sum(),
        oor_net=pl.col("energy_net_kcal").filter(out).fill_nan(None).sum(),
    ).row(0, named=True)
    summary.rows += results.height
    summary.ok += int(counts["ok"])
    summary.out_of_range += int(counts["out_of_range"])
    summary.error += int(counts["error"])
    summary.energy_gross_kcal += float(counts["gross"] or 0.0)
    summary.energy_net_kcal += float(counts["net"] or 0.0)
    summary.out_of_range_gross_kcal += float(counts["oor_gross"] or 0.0)
    summary.out_of_range_net_kcal += float(counts["oor_net"] or 0.0)
