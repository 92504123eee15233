"""Workout files in, energy out: streaming batch estimation with one output row per input row.

:func:`estimate_file` reads CSV (also gzip-compressed) or Parquet files in blocks, finds the
inputs of :func:`retrocalc.estimate` among their columns (canonical names or the unit-carrying
aliases of :data:`retrocalc.nomenclature.ALIASES`), estimates every row and writes every input
column unchanged, then the result columns, then ``status`` (``ok``, ``out_of_range`` or
``error``) and ``error`` (why). Memory stays flat: at most a few blocks are in flight.

Layout, one module per job: :mod:`.types` (errors, sources, summary), :mod:`.plan` (which
column gives each input), :mod:`.parse` (cells to numbers and labels, with reasons),
:mod:`.evaluate` (one block through :func:`retrocalc.engine.evaluate`), :mod:`.personal`
(calibration, interval bounds and energy from heart rate for a block), :mod:`.options` (the
run's options, a calibration file read), :mod:`.read` (input
files in streamed blocks), :mod:`.write` (writers, the atomic output file) and
:mod:`.pipeline` (the three-thread run).

Design
------
* **I/O by pyarrow and polars, never by hand.** pyarrow's streaming CSV reader parses blocks
  (quotes, CRLF, BOM, newlines inside quotes) with every column read as text, so input columns
  go back out exactly as they came in; polars parses the numbers and writes CSV fast (pandas'
  ``to_csv`` is an order of magnitude slower here); pyarrow writes Parquet.
* **Row errors never stop a batch.** Text that is not a number, missing values, impossible
  values (negative speed...) and unknown labels are found column by column with vectorised
  checks, the row is marked ``error`` with its reason and estimated as missing. Anything
  :func:`retrocalc.estimate` still rejects is isolated by bisection, so one bad row cannot
  take its block down.
* **Atomic output.** Results go to a hidden temporary file beside the output and are renamed
  over it only at the end; an interrupted or failed run leaves no partial output.
* **Three stages overlap.** Reading, estimating and writing run in their own threads with
  small bounded queues (the heavy work releases the GIL).
"""

from __future__ import annotations

from .evaluate import evaluate_block, label_type, result_names
from .options import read_calibration, run_options
from .parse import load_polars
from .pipeline import estimate_file, expand_inputs
from .plan import check_result_names, resolve_columns
from .read import delimiter, is_parquet, polars_frame
from .types import (
    CALIBRATION_COLUMN,
    HR_COLUMNS,
    LABEL_CHOICES,
    RESULT_COLUMNS,
    BatchError,
    BatchSummary,
    OutputError,
    RowError,
    Source,
)
from .write import atomic_output

__all__ = [
    "CALIBRATION_COLUMN",
    "HR_COLUMNS",
    "LABEL_CHOICES",
    "RESULT_COLUMNS",
    "BatchError",
    "BatchSummary",
    "OutputError",
    "RowError",
    "Source",
    "atomic_output",
    "check_result_names",
    "delimiter",
    "estimate_file",
    "evaluate_block",
    "expand_inputs",
    "is_parquet",
    "label_type",
    "load_polars",
    "polars_frame",
    "read_calibration",
    "resolve_columns",
    "result_names",
    "run_options",
]
