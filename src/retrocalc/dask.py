"""Beyond one machine: the batch estimation on Dask DataFrames and clusters.

:func:`estimate` maps the batch's block evaluation (:func:`retrocalc.batch.evaluate_block`,
the same code as ``retrocalc estimate``) over the partitions of a Dask DataFrame, with an
explicit ``meta``. ``retrocalc estimate ... --engine dask [--scheduler ADDRESS]`` reads the
files with Dask, evaluates the partitions on the cluster and writes them back, in order and
atomically, through the same writer as the local engine.

Needs the ``dask`` extra: ``pip install 'retrocalc[dask]'``.

Examples
--------
Point it at an existing cluster (the workers must see the input files)::

    from distributed import Client
    import dask.dataframe as dd
    import retrocalc.dask

    client = Client("tcp://scheduler:8786")
    ddf = dd.read_csv("s3://bucket/workouts-*.csv", dtype=str, keep_default_na=False)
    out = retrocalc.dask.estimate(ddf, mass_kg=70)
    out.to_parquet("s3://bucket/energy/")
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from . import engine as evaluation
from ._csv import blank_lines_before_header, header_alone
from ._extras import require
from .batch import (
    BatchError,
    Source,
    check_result_names,
    delimiter,
    evaluate_block,
    is_parquet,
    label_type,
    load_polars,
    polars_frame,
    resolve_columns,
    result_names,
    run_options,
)

if TYPE_CHECKING:
    import dask.dataframe as dd
    import pandas as pd
    import polars as pl

    from .calibration import Calibration

__all__ = ["estimate"]

_WINDOW_PER_WORKER = 2  # partitions in flight per worker: parallel, yet bounded memory
_CONNECT_TIMEOUT = "10s"


def _require() -> Any:
    require("dask", feature="retrocalc.dask (--engine dask)")
    import dask.dataframe as dd

    return dd


def _evaluate_partition(
    part: pd.DataFrame, plan: Mapping[str, Source], options: evaluation.Options
) -> pd.DataFrame:
    """One partition: its columns unchanged, then the result columns, status and error."""
    import pandas as pd

    results, _ = evaluate_block(polars_frame(part), plan, options)
    extra = results.to_pandas()
    extra.index = part.index
    return pd.concat([part, extra], axis=1)


def estimate(
    ddf: dd.DataFrame,
    *,
    columns: Mapping[str, str] | None = None,
    out_of_range: Literal["flag", "nan"] = "flag",
    rmr_equation: str | None = None,
    backward_factor: float | Mapping[str, float] | None = None,
    interval: float | None = None,
    calibration: Calibration | str | os.PathLike[str] | None = None,
    **constants: Any,
) -> dd.DataFrame:
    """Estimate every row of a Dask DataFrame, as ``retrocalc estimate`` does for files.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        Workouts, with inputs found as in :func:`retrocalc.batch.resolve_columns`
        (canonical names, unit aliases, ``columns`` or constants). Text columns (for example
        from ``dd.read_csv(..., dtype=str, keep_default_na=False)``) are parsed row by row
        with the batch's checks.
    columns, out_of_range, rmr_equation, backward_factor, interval, calibration, **constants
        As in :func:`retrocalc.estimate_file` (a heart-rate column with ``age_years`` and
        ``sex`` gives the ``hr_`` columns there too).

    Returns
    -------
    dask.dataframe.DataFrame
        ``ddf``'s columns, then the columns of :func:`retrocalc.batch.evaluate_block`
        (:data:`retrocalc.batch.RESULT_COLUMNS`, with a calibration, an interval or a heart
        rate more before ``status`` and ``error``); lazy (nothing runs until you compute or
        write it). Bad rows have ``status="error"`` and the reason.

    Raises
    ------
    BatchError
        A required input is neither a column nor a constant, a bad option, a calibration
        file that cannot be read (before any work).
    """
    _require()
    header = [str(c) for c in ddf.columns]
    plan = resolve_columns(header, columns, constants, rmr_equation=rmr_equation)
    options = run_options(rmr_equation, backward_factor, out_of_range, interval, calibration)
    check_result_names(header, result_names(header, plan, options))
    meta = _evaluate_partition(ddf._meta, plan, options)
    return ddf.map_partitions(_evaluate_partition, plan, options, meta=meta)


def _read(path: str, block_bytes: int, header: Sequence[str]) -> dd.DataFrame:
    dd = _require()
    if is_parquet(path):
        return dd.read_parquet(path)
    # every column as text, exactly as in the file (the local engine does the same)
    compressed = path.lower().endswith(".gz")
    blocksize = None if compressed else block_bytes
    # blank lines as the local engine reads them: skipped before the header, rows of empty
    # cells after it
    lead: dict[str, int] = {}
    if skip := blank_lines_before_header(path):
        lead["skiprows"] = skip
        if blocksize is not None and blocksize < _DASK_SAMPLE_BYTES:
            lead["sample"] = blocksize  # what Dask would choose, without its warning
    if header_alone(path):
        # a header without a final newline and no rows: Dask's reader finds no columns
        import pandas as pd

        empty = pd.DataFrame({name: pd.Series([], dtype=str) for name in header})
        return dd.from_pandas(empty, npartitions=1)
    # pyarrow's parser, as the local engine: a short row is refused, not padded with ""
    return dd.read_csv(
        path,
        dtype=str,
        keep_default_na=False,
        engine="pyarrow",
        sep=delimiter(path),
        skip_blank_lines=False,
        blocksize=blocksize,
        compression="gzip" if compressed else None,
        **lead,
    )


_DASK_SAMPLE_BYTES = 256_000  # dask.dataframe.read_csv's default sample


def _read_error(path: str, exc: BaseException) -> BatchError:
    """The local engine's wording, plus what is particular to Dask's CSV reader."""
    text = str(exc).strip()
    if ("Expected" in text and ("fields" in text or "columns" in text)) or "EOF inside" in text:
        return BatchError(
            f"{path}: malformed CSV: a row has another number of fields than the header "
            f"({text}); every "
            "row needs one field per column (--engine dask splits CSV files at line breaks: "
            "a quoted field holding a line break needs --engine local)"
        )
    if isinstance(exc, UnicodeDecodeError):
        return BatchError(f"{path}: not UTF-8 text ({exc}); re-save it as UTF-8")
    return BatchError(f"{path}: cannot read it with --engine dask ({type(exc).__name__}: {text})")


def _check_fields(path: str, inputs: pl.DataFrame, first: int) -> None:
    """Refuse a row with fewer fields than the header, as the local engine does (Dask's
    CSV reader pads it with missing values; every real cell is text, never missing)."""
    pl = load_polars()
    if inputs.width == 0 or not sum(inputs.null_count().row(0)):
        return
    short = inputs.select(pl.any_horizontal(pl.all().is_null()).arg_true()).to_series()
    row = first + int(short[0]) + 1
    raise BatchError(
        f"{path}: data row {row} has fewer fields than the header; every row needs one field "
        "per column"
    )


def run_files(
    paths: Sequence[str],
    header: Sequence[str],
    plan: Mapping[str, Source],
    options: evaluation.Options,
    block_bytes: int,
    scheduler: str | None,
    progress: Callable[[int], None] = lambda _: None,
) -> Iterator[tuple[str, int, pl.DataFrame, pl.DataFrame, NDArray[np.bool_]]]:
    """Blocks for the batch writer, evaluated on a Dask cluster, in input order.

    ``progress`` gets each file's size [bytes] shared out over its partitions as they arrive.

    A few partitions per worker are in flight at once, so memory stays bounded while the
    cluster works in parallel.
    """
    _require()
    from dask.base import compute

    pl = load_polars()
    with contextlib.ExitStack() as stack:
        workers = 2
        if scheduler is not None:
            from distributed import Client

            try:
                client = stack.enter_context(Client(scheduler, timeout=_CONNECT_TIMEOUT))
            except (OSError, ValueError, TypeError) as exc:  # unreachable, or not an address
                raise BatchError(
                    f"--scheduler {scheduler}: cannot connect ({exc}); expected an address "
                    "such as tcp://host:8786"
                ) from None
            workers = max(len(client.scheduler_info()["workers"]), 1)
        window = workers * _WINDOW_PER_WORKER
        for path in paths:
            ddf = _read(path, block_bytes, header)
            if [str(c) for c in ddf.columns] != list(header):
                # pandas' reader names a column without a name "Unnamed: i" (the index
                # column pandas writes): its name as the file has it, as the local engine
                ddf.columns = [
                    name if name or not str(c).startswith("Unnamed: ") else ""
                    for c, name in zip(ddf.columns, header, strict=False)
                ] + [str(c) for c in ddf.columns[len(header) :]]
            if [str(c) for c in ddf.columns] != list(header):
                raise BatchError(f"{path}: columns {list(ddf.columns)} differ from {header}")
            parts = ddf.map_partitions(
                _evaluate_partition,
                plan,
                options,
                meta=_evaluate_partition(ddf._meta, plan, options),
            ).to_delayed()
            first = 0
            share = os.path.getsize(path) // max(len(parts), 1)
            for start in range(0, len(parts), window):
                try:
                    # without --scheduler: Dask's threads, never whatever distributed
                    # client happens to be the process's default (a failed connection
                    # can leave one behind, and computing on it waits forever)
                    computed = compute(
                        *parts[start : start + window],
                        scheduler="threads" if scheduler is None else None,
                    )
                except BatchError:
                    raise
                except (ValueError, UnicodeDecodeError, OSError, EOFError) as exc:
                    raise _read_error(path, exc) from None
                for part in computed:
                    frame = polars_frame(part)
                    inputs = frame.select(header)
                    _check_fields(path, inputs, first)
                    results = frame.drop(header)
                    # the label outputs' categories as the local engine writes them (all
                    # gaits and models, ordered), not those one partition happened to hold
                    results = results.with_columns(
                        results[name].cast(pl.String).cast(label_type(pl, name))
                        for name in ("gait_used", "model_used")
                        if name in results.columns
                    )
                    bad = (results["status"] == "error").to_numpy()
                    progress(share)
                    yield path, first, inputs, results, bad
                    first += frame.height
