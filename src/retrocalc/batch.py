"""Workout files in, energy out: streaming batch estimation with one output row per input row.

:func:`estimate_file` reads CSV (also gzip-compressed) or Parquet files in blocks, finds the
inputs of :func:`retrocalc.estimate` among their columns (canonical names or the unit-carrying
aliases of :data:`retrocalc.nomenclature.ALIASES`), estimates every row and writes every input
column unchanged, then the result columns, then ``status`` (``ok``, ``out_of_range`` or
``error``) and ``error`` (why). Memory stays flat: at most a few blocks are in flight.

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

import contextlib
import glob
import os
import queue
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, TypeVar

import numpy as np
from numpy.typing import NDArray

from . import energy, units
from . import engine as evaluation
from ._wrap import MISSING_LABELS
from .composition.rules import DIRECTION_CODES, GAIT_CODES
from .engine import RowReasons
from .exceptions import RetrocalcWarning
from .models import REGISTRY
from .nomenclature import ALIASES, INPUTS, OUTPUTS

if TYPE_CHECKING:
    import polars as pl
    import pyarrow as pa

__all__ = [
    "RESULT_COLUMNS",
    "BatchError",
    "BatchSummary",
    "RowError",
    "estimate_file",
    "resolve_columns",
]

OnError = Literal["keep", "raise"]
#: Columns appended to every input row, in this order.
RESULT_COLUMNS: tuple[str, ...] = (*OUTPUTS, "status", "error")
#: Default size of a block read at once [bytes of CSV text].
BLOCK_BYTES = 8 << 20
_PARQUET_BATCH_ROWS = 200_000
# pyarrow's streaming CSV reader reads up to 32 blocks ahead of its consumer: small blocks
# keep that bounded (32 MiB), and they are gathered into blocks of block_bytes to estimate
_READ_BYTES = 1 << 20
_QUEUE_DEPTH = 2

_LABEL_CHOICES: dict[str, tuple[str, ...]] = {
    "gait": tuple(GAIT_CODES),
    "direction": tuple(DIRECTION_CODES),
    "sex": tuple(energy.SEX_CODES),
    "model": tuple(s.name for s in REGISTRY.base()),
}
_MISSING_TEXT = sorted(MISSING_LABELS)  # the library's own list of texts meaning "no value"
_REQUIRED = ("speed_m_s", "mass_kg")
_DURATION_INPUTS = ("duration_s", "distance_m")


class BatchError(ValueError):
    """A batch cannot start or go on: missing column, bad option, unreadable file."""


class RowError(BatchError):
    """A row is bad and ``on_error="raise"`` was asked for.

    Attributes
    ----------
    path : str
        The input file.
    row : int
        Its data row number (1 = the first row after the header).
    reason : str
        What is wrong, naming the column.
    """

    def __init__(self, path: str, row: int, reason: str) -> None:
        self.path, self.row, self.reason = path, row, reason
        super().__init__(f"{path}: data row {row}: {reason}")


@dataclass(frozen=True)
class Source:
    """Where one input of :func:`retrocalc.estimate` comes from in a file.

    Exactly one of ``column`` (a column of the file, in ``alias``'s unit if given) and
    ``constant`` is set.
    """

    canonical: str
    column: str | None = None
    alias: str | None = None
    constant: Any = None

    def describe(self) -> str:
        if self.column is None:
            return f"{self.canonical} = {self.constant!r} (constant)"
        unit = f" [{ALIASES[self.alias].unit}]" if self.alias else ""
        return f"{self.canonical} <- column {self.column!r}{unit}"


@dataclass
class BatchSummary:
    """What a batch run did (also printed by the command line).

    Attributes
    ----------
    inputs : list of str
        Input files, in the order read.
    output : str
        Output file (``"-"`` for standard output).
    rows, ok, out_of_range, error : int
        Rows read and written, and how many have each status.
    energy_gross_kcal, energy_net_kcal : float [kcal]
        Totals over the rows with energy (``ok`` and ``out_of_range``).
    elapsed_s : float [s]
        Wall time of the run.
    columns : dict
        How each input was found (``describe`` of each :class:`Source`).
    """

    inputs: list[str]
    output: str
    rows: int = 0
    ok: int = 0
    out_of_range: int = 0
    error: int = 0
    energy_gross_kcal: float = 0.0
    energy_net_kcal: float = 0.0
    elapsed_s: float = 0.0
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def rows_per_s(self) -> float:
        """Throughput [rows/s]."""
        return self.rows / self.elapsed_s if self.elapsed_s > 0 else float("nan")

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain data (JSON-ready)."""
        return {**asdict(self), "rows_per_s": self.rows_per_s}

    def __str__(self) -> str:
        return (
            f"retrocalc: {self.rows:,} rows -> {self.output}\n"
            f"  ok {self.ok:,} | out_of_range {self.out_of_range:,} | error {self.error:,}\n"
            f"  energy: {self.energy_gross_kcal:,.0f} kcal gross (total), "
            f"{self.energy_net_kcal:,.0f} kcal net (active)\n"
            f"  {self.elapsed_s:.2f} s, {self.rows_per_s:,.0f} rows/s"
        )


# --------------------------------------------------------------------------- columns


def _normalise(name: str) -> str:
    return name.strip().lower()


def _known(name: str) -> tuple[str, str | None]:
    """(canonical, alias) for a canonical or alias name; BatchError otherwise."""
    key = _normalise(name)
    if key in INPUTS:
        return key, None
    if key in ALIASES:
        return ALIASES[key].canonical, key
    raise BatchError(
        f"{name!r} is not an input: expected one of {', '.join(INPUTS)} "
        f"or a unit alias ({', '.join(ALIASES)})"
    )


def resolve_columns(
    header: Sequence[str],
    columns: Mapping[str, str] | None = None,
    constants: Mapping[str, Any] | None = None,
    *,
    rmr_equation: str | None = None,
    where: str = "input",
) -> dict[str, Source]:
    """Find each input of :func:`retrocalc.estimate` in a file's header.

    Parameters
    ----------
    header : sequence of str
        Column names of the file.
    columns : mapping, optional
        Explicit ``{input or alias: file column}`` (``--column speed_kmh=Velocity``).
    constants : mapping, optional
        ``{input or alias: value}`` for inputs the file lacks (``--mass-kg 70``).
    rmr_equation : str, optional
        When given, ``sex``, ``age_years`` and ``height_cm`` are required too.
    where : str
        Name of the file, for messages.

    Returns
    -------
    dict
        ``{canonical input: Source}``.

    Raises
    ------
    BatchError
        A required input is neither a column nor a constant (the message lists the columns
        found), an input is given twice, or a mapped column does not exist.

    Examples
    --------
    >>> plan = resolve_columns(["Pace", "mass_lb", "duration_min"])
    >>> plan["speed_m_s"].describe()
    "speed_m_s <- column 'Pace' [text]"
    """
    found = ", ".join(map(repr, header)) or "none"
    plan: dict[str, Source] = {}

    def add(source: Source, how: str) -> None:
        if source.canonical in plan:
            raise BatchError(
                f"{where}: {source.canonical} is given twice: {plan[source.canonical].describe()}"
                f" and {source.describe()} ({how}); keep one"
            )
        plan[source.canonical] = source

    mapped = set()
    for name, column in (columns or {}).items():
        canonical, alias = _known(name)
        if column not in header:
            raise BatchError(
                f"{where}: --column {name}={column}: no column {column!r}; columns found: {found}"
            )
        mapped.add(column)
        add(Source(canonical, column=column, alias=alias), "--column")
    for column in header:
        if column in mapped:
            continue
        key = _normalise(column)
        if key in INPUTS:
            add(Source(key, column=column), "by name")
        elif key in ALIASES:
            add(Source(ALIASES[key].canonical, column=column, alias=key), "by name")
    for name, value in (constants or {}).items():
        if value is None:
            continue
        canonical, alias = _known(name)
        add(Source(canonical, constant=_constant(name, canonical, alias, value)), "constant")

    clashes = [c for c in header if _normalise(c) in RESULT_COLUMNS]
    if clashes:
        raise BatchError(
            f"{where}: columns {clashes} have the names of result columns; rename or drop them"
        )
    required = list(_REQUIRED)
    if rmr_equation is not None:
        required += ["sex", "age_years", "height_cm"]
    for name in required:
        if name not in plan:
            raise BatchError(_missing_message(where, name, found))
    if not any(name in plan for name in _DURATION_INPUTS):
        raise BatchError(_missing_message(where, "duration_s", found, "distance_m"))
    if all(name in plan for name in _DURATION_INPUTS):
        raise BatchError(f"{where}: give duration_s or distance_m, not both")
    return plan


def _missing_message(where: str, name: str, found: str, other: str | None = None) -> str:
    names = [name, *(a for a, spec in ALIASES.items() if spec.canonical == name)]
    if other is not None:
        names += [other, *(a for a, spec in ALIASES.items() if spec.canonical == other)]
    option = "--" + name.replace("_", "-")
    return (
        f"{where}: required column {name} is missing ({INPUTS[name].description}) and no "
        f"constant was given: name a column {' or '.join(names)}, map one with "
        f"--column {name}=COLUMN, or pass {option}. Columns found: {found}"
    )


def _constant(name: str, canonical: str, alias: str | None, value: Any) -> Any:
    """A constant checked like a column value: a number in range, or an allowed label."""
    var = INPUTS[canonical]
    if var.dtype == "str":
        text = str(value).strip().lower()
        if text not in _LABEL_CHOICES[canonical]:
            choices = ", ".join(map(repr, _LABEL_CHOICES[canonical]))
            raise BatchError(f"constant {name}={value!r}: expected one of {choices}")
        return text
    try:
        if alias == "pace":
            number = float(units.pace_to_speed(str(value)))
        else:
            number = float(value)
            if alias is not None:
                number = float(getattr(units, ALIASES[alias].convert)(number))
    except (TypeError, ValueError) as exc:
        raise BatchError(f"constant {name}={value!r}: {exc}") from None
    if not np.isfinite(number) or var.impossible(number):
        raise BatchError(
            f"constant {name}={value!r} is impossible: expected a finite number "
            f"{var.bound} ({var.expected})"
        )
    return number


# --------------------------------------------------------------------------- one block


def _pl() -> Any:
    try:
        import polars
    except ImportError as exc:  # pragma: no cover - the extra is part of the install checks
        raise ImportError(
            "retrocalc's batch estimation needs polars and pyarrow: pip install 'retrocalc[cli]'"
        ) from exc
    return polars


class _Reasons:
    """First reason per row, built column by column with vectorised string expressions."""

    def __init__(self, n: int) -> None:
        pl = _pl()
        self.reason = pl.repeat(None, n, dtype=pl.String, eager=True).alias("error")

    def add(self, bad: pl.Series, message: Any) -> None:
        """Give rows ``bad`` (still without a reason) ``message``, an expression evaluated
        only when some row is bad."""
        pl = _pl()
        if not bad.any():
            return
        text = pl.lit(message) if isinstance(message, str) else message
        frame = pl.DataFrame({"r": self.reason, "b": bad}).with_columns(m=text)
        self.reason = frame.select(
            pl.when(pl.col("r").is_null() & pl.col("b")).then(pl.col("m")).otherwise(pl.col("r"))
        ).to_series()

    @property
    def mask(self) -> NDArray[np.bool_]:
        return np.asarray(self.reason.is_not_null().to_numpy(), dtype=bool)


def _quoted(values: pl.Series) -> Any:
    """'value' with quotes, for messages (the value as it was in the file); an expression."""
    pl = _pl()
    return pl.format("'{}'", pl.lit(values.cast(pl.String)))


def _parse_number(
    column: str, values: pl.Series, canonical: str, alias: str | None, reasons: _Reasons
) -> NDArray[np.float64]:
    """A column of numbers (text or numeric) in the canonical unit; bad rows become NaN."""
    pl = _pl()
    label = column if column == canonical else f"{column} ({canonical})"
    parsed = values.cast(pl.Float64, strict=False)
    raw = parsed.to_numpy()  # nulls (empty, not a number) become NaN
    unusable = ~np.isfinite(raw)
    if unusable.any():  # the reason, worked out on the rare path only
        if values.dtype == pl.String:
            text = values.str.strip_chars()  # surrounding blanks are fine
            parsed = text.cast(pl.Float64, strict=False)
            raw = parsed.to_numpy()
            missing = text.is_null() | text.str.to_lowercase().is_in(_MISSING_TEXT)
        else:
            missing = values.is_null()
        missing = missing | parsed.is_nan().fill_null(False)
        reasons.add(missing, f"{label}: missing value")
        not_number = parsed.is_null() & ~missing
        reasons.add(not_number, pl.format("{}: {} is not a number", pl.lit(label), _quoted(values)))
        infinite = pl.Series(np.isinf(raw))
        reasons.add(infinite, pl.format("{}: {} is not finite", pl.lit(label), _quoted(values)))
    out: NDArray[np.float64] = np.asarray(
        getattr(units, ALIASES[alias].convert)(raw) if alias else raw, dtype=np.float64
    )
    var = INPUTS[canonical]
    if var.lower is not None:
        reasons.add(
            pl.Series(var.impossible(out)),
            pl.format(
                "{}: {} is impossible: must be {} ({})",
                pl.lit(label),
                _quoted(values),
                pl.lit(var.bound),
                pl.lit(var.expected),
            ),
        )
    return out


def _parse_pace(column: str, values: pl.Series, reasons: _Reasons) -> NDArray[np.float64]:
    """Pace text ("5:30/km", "8:45/mi") to speed [m/s], parsing each distinct text once."""
    pl = _pl()
    text = values.cast(pl.String)
    missing = text.is_null() | text.str.strip_chars().str.to_lowercase().is_in(_MISSING_TEXT)
    reasons.add(missing, f"{column} (speed_m_s): missing value")
    distinct = text.filter(~missing).unique()
    speeds, errors = units.parse_paces(distinct.to_list())
    table = pl.DataFrame(
        {"t": distinct, "speed": speeds, "why": errors},
        schema={"t": pl.String, "speed": pl.Float64, "why": pl.String},
    )
    joined = pl.DataFrame({"t": text}).join(table, on="t", how="left", maintain_order="left")
    why = joined["why"].fill_null("")
    reasons.add(
        why != "", pl.format("{}: {}", pl.lit(column), pl.lit(why.str.strip_prefix("pace ")))
    )
    out: NDArray[np.float64] = joined["speed"].fill_null(np.nan).to_numpy()
    return out


def _parse_label(
    column: str, values: pl.Series, canonical: str, reasons: _Reasons
) -> NDArray[np.str_]:
    """A text column matched case-insensitively to its allowed labels; bad rows give ""."""
    pl = _pl()
    choices = _LABEL_CHOICES[canonical]
    label = column if column == canonical else f"{column} ({canonical})"
    vocabulary = np.array([*choices, ""])
    exact = values.cast(pl.String).cast(pl.Enum(choices), strict=False)
    if exact.null_count() == 0:  # the usual case: every label spelled as expected
        spelled: NDArray[np.str_] = vocabulary[exact.to_physical().to_numpy()]
        return spelled
    norm = values.cast(pl.String).str.strip_chars().str.to_lowercase()
    missing = norm.is_null() | norm.is_in(_MISSING_TEXT)
    if canonical != "model":  # an empty model means the default model
        reasons.add(missing, f"{label}: missing value")
    unknown = ~missing & ~norm.is_in(choices)
    reasons.add(
        unknown,
        pl.format(
            "{}: {} is not one of {}",
            pl.lit(label),
            _quoted(values),
            pl.lit(", ".join(map(repr, choices))),
        ),
    )
    codes = norm.replace_strict(choices, range(len(choices)), default=len(choices)).to_numpy()
    labels: NDArray[np.str_] = vocabulary[codes]
    return labels


def _inputs_of(
    frame: pl.DataFrame, plan: Mapping[str, Source], reasons: _Reasons
) -> dict[str, Any]:
    given: dict[str, Any] = dict.fromkeys(INPUTS)
    for canonical, source in plan.items():
        if source.column is None:
            given[canonical] = source.constant
        elif source.alias == "pace":
            given[canonical] = _parse_pace(source.column, frame[source.column], reasons)
        elif INPUTS[canonical].dtype == "str":
            given[canonical] = _parse_label(source.column, frame[source.column], canonical, reasons)
        else:
            given[canonical] = _parse_number(
                source.column, frame[source.column], canonical, source.alias, reasons
            )
    return given


def _blank_bad_rows(given: dict[str, Any], bad: NDArray[np.bool_]) -> None:
    """Make bad rows missing (NaN, "") so that estimate() computes nothing for them."""
    if not bad.any():
        return
    for name, value in given.items():
        if isinstance(value, np.ndarray):  # arrays from polars may be read-only views
            given[name] = np.where(bad, "" if value.dtype.kind == "U" else np.nan, value)


def _take(given: Mapping[str, Any], rows: NDArray[np.intp]) -> dict[str, Any]:
    return {k: v[rows] if isinstance(v, np.ndarray) else v for k, v in given.items()}


def _run_estimate(
    given: dict[str, Any], options: evaluation.Options, n: int
) -> tuple[dict[str, NDArray[Any]], RowReasons, RowReasons]:
    """estimate() on a block; a row it still rejects is isolated by bisection.

    Returns the flat result columns, why rows are out of range, and the rows estimate()
    rejected with its message.
    """
    flagged = RowReasons(n)
    errors = RowReasons(n)
    results: dict[str, NDArray[Any]] = {}
    if n:
        _solve(given, options, n, None, results, flagged, errors)
    return results, flagged, errors


def _solve(
    given: dict[str, Any],
    options: evaluation.Options,
    n: int,
    rows: NDArray[np.intp] | None,
    results: dict[str, NDArray[Any]],
    flagged: RowReasons,
    errors: RowReasons,
) -> None:
    # a plain function, not a closure: a recursive closure is a reference cycle that would
    # keep every block's arrays alive until the cyclic garbage collector happens to run
    part = given if rows is None else _take(given, rows)
    size = n if rows is None else rows.size
    why = RowReasons(size)
    try:
        with warnings.catch_warnings():
            # units and ranges are reported per row in status/error, not as warnings
            warnings.simplefilter("ignore", RetrocalcWarning)
            columns = evaluation.evaluate(part, options, row_reasons=why)
            result = {
                **columns.outputs,
                "gait_used": columns.names("gait_used"),
                "model_used": columns.names("model_used"),
            }
    except (ValueError, TypeError) as exc:
        if rows is not None and size == 1:
            errors.add(rows, str(exc))
            return
        rows = np.arange(n) if rows is None else rows
        half = rows.size // 2
        _solve(given, options, n, rows[:half], results, flagged, errors)
        _solve(given, options, n, rows[half:], results, flagged, errors)
        return
    if rows is None:  # the whole block at once (the usual case): keep the arrays, no copy
        results.update({k: np.broadcast_to(v, (size,)) for k, v in result.items()})
        flagged.codes, flagged.texts = why.codes, why.texts
        return
    for name, value in result.items():
        if name not in results:
            results[name] = np.empty(n, dtype=np.asarray(value).dtype)
            if results[name].dtype.kind == "f":
                results[name][:] = np.nan
        results[name][rows] = np.broadcast_to(value, (size,))
    for code, text in enumerate(why.texts):
        flagged.add(rows[np.flatnonzero(why.codes == code)], text)


def _texts(reasons: RowReasons) -> Any:
    """The reasons as text, null where a row has none."""
    pl = _pl()
    table = pl.Series([*reasons.texts, None], dtype=pl.String)
    texts: Any = table.gather(np.where(reasons.codes < 0, len(reasons.texts), reasons.codes))
    return texts


_STATUS = ("ok", "out_of_range", "error")


def evaluate_block(
    frame: pl.DataFrame, plan: Mapping[str, Source], options: evaluation.Options
) -> tuple[pl.DataFrame, NDArray[np.bool_]]:
    """Result columns (plus status and error) for one block of rows.

    Returns
    -------
    results : polars.DataFrame
        :data:`RESULT_COLUMNS`, one row per row of ``frame``.
    error : ndarray of bool
        Rows with status ``error``.
    """
    pl = _pl()
    n = frame.height
    reasons = _Reasons(n)
    given = _inputs_of(frame, plan, reasons)
    bad = reasons.mask
    _blank_bad_rows(given, bad)
    results, flagged, errors = _run_estimate(given, options, n)
    if errors.texts:
        reasons.add(pl.Series(errors.codes >= 0), pl.lit(_texts(errors)))
        bad = reasons.mask
    in_range = results.get("in_range", np.zeros(n, dtype=bool)) & ~bad
    why = reasons.reason
    if flagged.texts:  # the range each flagged row leaves
        why = why.fill_null(_texts(flagged))
    columns: dict[str, Any] = {}
    for name, var in OUTPUTS.items():
        value = results.get(name)
        if name == "in_range":
            columns[name] = pl.Series(name, in_range)
        elif value is None:
            dtype = pl.String if var.dtype == "str" else pl.Float64
            columns[name] = pl.repeat(None, n, dtype=dtype, eager=True).alias(name)
        elif var.dtype == "str":
            text = pl.Series(name, value, dtype=pl.String)
            # no gait or model for a row without an estimate: an empty cell, as for numbers
            columns[name] = text.replace("", None) if bad.any() else text
        else:  # no value is an empty cell, not "NaN"
            number = np.where(bad, np.nan, value) if bad.any() else value
            has_nan = bool(np.isnan(number).any())
            columns[name] = pl.Series(name, number, nan_to_null=has_nan)
    status = np.where(bad, 2, np.where(in_range, 0, 1)).astype(np.uint32)
    columns["status"] = pl.Series("status", _STATUS, dtype=pl.String).gather(status)
    columns["error"] = why.alias("error")
    return pl.DataFrame(columns), bad


# --------------------------------------------------------------------------- readers


def _is_parquet(path: str) -> bool:
    return path.lower().endswith((".parquet", ".pq"))


@contextlib.contextmanager
def _csv_stream(path: str) -> Iterator[tuple[Any, Any]]:
    """(stream, raw file) as pyarrow native files, gunzipped for .gz.

    Native files, not a Python file object wrapped by pyarrow: through a Python object the
    reader buffers far ahead (memory grew with the file). ``raw.tell()`` is the progress.
    """
    import pyarrow as pa

    with pa.OSFile(path, "r") as raw:
        if path.lower().endswith(".gz"):
            with pa.CompressedInputStream(raw, "gzip") as stream:
                yield stream, raw
        else:
            yield raw, raw


def _header(path: str) -> list[str]:
    """Column names of a file (reads the header only)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if _is_parquet(path):
        import pyarrow.parquet as pq

        return list(pq.read_schema(path).names)
    try:
        with _csv_stream(path) as (stream, _):
            reader = pacsv.open_csv(
                stream,
                read_options=pacsv.ReadOptions(block_size=1 << 16),
                parse_options=pacsv.ParseOptions(newlines_in_values=True),
            )
            return list(reader.schema.names)
    except pa.ArrowInvalid as exc:
        if "Empty CSV file" in str(exc):
            raise BatchError(f"{path}: the file is empty (not even a header row)") from None
        raise BatchError(f"{path}: malformed CSV: {exc}") from None


def _blocks(
    path: str, header: Sequence[str], block_bytes: int, progress: Callable[[int], None]
) -> Iterator[pa.RecordBatch | pa.Table]:
    """Blocks of a file: CSV columns as text, Parquet columns as stored."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if _is_parquet(path):
        import pyarrow.parquet as pq

        file = pq.ParquetFile(path)
        size = os.path.getsize(path)
        rows = max(file.metadata.num_rows, 1)
        for batch in file.iter_batches(batch_size=_PARQUET_BATCH_ROWS):
            progress(int(size * batch.num_rows / rows))
            yield batch
        return
    with _csv_stream(path) as (stream, raw):
        reader = pacsv.open_csv(
            stream,
            read_options=pacsv.ReadOptions(block_size=_READ_BYTES, use_threads=False),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False
            ),
        )
        done = 0
        pending: list[pa.RecordBatch] = []
        size = 0
        try:
            for batch in reader:
                pending.append(batch)
                size += batch.nbytes
                if size >= block_bytes:
                    yield pa.Table.from_batches(pending)
                    pending, size = [], 0
                position = raw.tell()
                progress(position - done)
                done = position
            if pending:
                yield pa.Table.from_batches(pending)
        except pa.ArrowInvalid as exc:
            raise BatchError(f"{path}: malformed CSV: {exc}") from None


# --------------------------------------------------------------------------- writers


class _Writer:
    """Appends result blocks to CSV (optionally gzip) or Parquet."""

    def __init__(self, handle: IO[bytes], kind: Literal["csv", "csv.gz", "parquet"]) -> None:
        self.handle, self.kind = handle, kind
        self.first = True
        self._parquet: Any = None
        self._schema: Any = None

    def write(self, frame: pl.DataFrame) -> None:
        if self.kind == "parquet":
            import pyarrow.parquet as pq

            table = frame.to_arrow()
            if self._parquet is None:
                self._schema = table.schema
                self._parquet = pq.ParquetWriter(self.handle, self._schema)
            self._parquet.write_table(table.cast(self._schema))
        else:
            frame.write_csv(
                self.handle,
                include_header=self.first,
                compression="gzip" if self.kind == "csv.gz" else "uncompressed",
            )
        self.first = False

    def close(self) -> None:
        if self._parquet is not None:
            self._parquet.close()


def _output_kind(output: str) -> Literal["csv", "csv.gz", "parquet"]:
    lower = output.lower()
    if lower.endswith((".parquet", ".pq")):
        return "parquet"
    if lower.endswith(".csv.gz"):
        return "csv.gz"
    if lower.endswith(".csv") or output == "-":
        return "csv"
    raise BatchError(
        f"output {output!r}: the extension must be .csv, .csv.gz or .parquet (or '-' for stdout)"
    )


@contextlib.contextmanager
def atomic_output(path: str) -> Iterator[IO[bytes]]:
    """A binary file that appears at ``path`` only when the block exits without error.

    Writes to a hidden temporary file in the same folder and renames it over ``path`` at
    the end (atomic on POSIX); on any exception, KeyboardInterrupt included, the temporary
    file is removed and ``path`` is untouched.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise BatchError(f"output {path!r}: folder {str(folder)!r} does not exist")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".part")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # like a normally created file, not mkstemp's 0600
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


# --------------------------------------------------------------------------- pipeline

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
            item = buffer.get()
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
    """Input paths with globs expanded (sorted), in the order given."""
    items = [inputs] if isinstance(inputs, str | os.PathLike) else list(inputs)
    paths: list[str] = []
    for item in items:
        text = os.fspath(item)
        if glob.has_magic(text):
            matches = sorted(glob.glob(text))
            if not matches:
                raise BatchError(f"input {text!r}: no file matches")
            paths += matches
        else:
            if not os.path.isfile(text):
                raise BatchError(f"input {text!r}: no such file")
            paths.append(text)
    if not paths:
        raise BatchError("no input file given")
    return paths


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def estimate_file(
    inputs: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    output: str | os.PathLike[str],
    *,
    columns: Mapping[str, str] | None = None,
    on_error: OnError = "keep",
    out_of_range: Literal["flag", "nan"] = "flag",
    rmr_equation: str | None = None,
    backward_factor: float | Mapping[str, float] | None = None,
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
        CSV (``.csv``, ``.csv.gz``) or Parquet (``.parquet``) files with the same columns.
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
    rmr_equation, backward_factor
        As in :func:`retrocalc.estimate`.
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
        ``mass_kg=70``, ``gait="auto"``, ``direction="backward"``, ``mass_lb=154``.

    Returns
    -------
    BatchSummary
        Row counts by status, total energies [kcal], elapsed time [s].

    Raises
    ------
    BatchError
        Before any work: a required column missing (naming it and listing the columns
        found), files whose columns differ, a bad option, output equal to an input.
    RowError
        With ``on_error="raise"``, at the first bad row.

    Examples
    --------
    >>> from retrocalc.data import example_path
    >>> summary = estimate_file(example_path(), "-", progress=False)  # doctest: +SKIP
    """
    start = time.perf_counter()
    if on_error not in ("keep", "raise"):
        raise BatchError(f"on_error must be 'keep' or 'raise', got {on_error!r}")
    if out_of_range not in ("flag", "nan"):
        raise BatchError(f"out_of_range must be 'flag' or 'nan', got {out_of_range!r}")
    if block_bytes < 1 << 10:
        raise BatchError(f"block_bytes must be at least 1024, got {block_bytes}")
    paths = expand_inputs(inputs)
    out = os.fspath(output)
    kind = _output_kind(out)
    if out != "-":
        for path in paths:
            if _same_file(path, out):
                raise BatchError(f"output {out!r} is one of the inputs; refusing to overwrite it")
    headers = [_header(p) for p in paths]
    for path, header in zip(paths[1:], headers[1:], strict=True):
        if header != headers[0]:
            raise BatchError(
                f"{path}: its columns {header} differ from those of {paths[0]}: {headers[0]}"
            )
    plans = [
        resolve_columns(h, columns, constants, rmr_equation=rmr_equation, where=p)
        for p, h in zip(paths, headers, strict=True)
    ]
    options = evaluation.options(rmr_equation, backward_factor, out_of_range)
    summary = BatchSummary(
        inputs=paths,
        output=out,
        columns={k: s.describe() for k, s in plans[0].items()},
    )
    if engine not in ("local", "dask"):
        raise BatchError(f"engine must be 'local' or 'dask', got {engine!r}")
    bar = _progress_bar(sum(os.path.getsize(p) for p in paths), progress)
    blocks: Iterable[tuple[str, int, pl.DataFrame, pl.DataFrame, NDArray[np.bool_]]]
    stop = threading.Event()
    try:
        if engine == "dask":
            from .dask import run_files

            update: Callable[[int], None] = bar.update if bar is not None else lambda _: None
            blocks = run_files(paths, headers[0], plans[0], options, block_bytes, scheduler, update)
        else:  # three stages in three threads: read, estimate, write
            read = _threaded(
                _read_files(paths, headers[0], block_bytes, bar, stop), _QUEUE_DEPTH, stop
            )
            blocks = _threaded(_evaluate_blocks(read, plans[0], options), _QUEUE_DEPTH, stop)
        _write_all(blocks, out, kind, on_error, summary)
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
) -> Iterator[tuple[str, int, pl.DataFrame]]:
    """(path, first row, input block) for every block of every file, in order.

    A file with a header and no rows gives one empty block, so the output has its header.
    """
    pl = _pl()
    update: Callable[[int], None] = bar.update if bar is not None else lambda _: None
    for path in paths:
        first = 0
        for batch in _blocks(path, header, block_bytes, update):
            if stop.is_set():
                return
            frame = pl.from_arrow(batch)
            assert isinstance(frame, pl.DataFrame)
            yield path, first, frame
            first += frame.height
        if first == 0:
            if _is_parquet(path):
                import pyarrow.parquet as pq

                empty = pl.from_arrow(pq.read_schema(path).empty_table())
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


def _progress_bar(total: int, progress: bool | None) -> Any:
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
) -> None:
    with contextlib.ExitStack() as stack:
        if out == "-":
            handle: IO[bytes] = sys.stdout.buffer
        else:
            handle = stack.enter_context(atomic_output(out))
        writer = _Writer(handle, kind)
        for path, first, frame, results, bad in blocks:
            if on_error == "raise" and bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise RowError(path, first + i + 1, str(results["error"][i]))
            writer.write(frame.hstack(results))
            _tally(summary, results)
        writer.close()
        if out == "-":
            handle.flush()


def _tally(summary: BatchSummary, results: pl.DataFrame) -> None:
    pl = _pl()
    counts = results.select(
        ok=(pl.col("status") == "ok").sum(),
        out_of_range=(pl.col("status") == "out_of_range").sum(),
        error=(pl.col("status") == "error").sum(),
        gross=pl.col("energy_gross_kcal").fill_nan(None).sum(),
        net=pl.col("energy_net_kcal").fill_nan(None).sum(),
    ).row(0, named=True)
    summary.rows += results.height
    summary.ok += int(counts["ok"])
    summary.out_of_range += int(counts["out_of_range"])
    summary.error += int(counts["error"])
    summary.energy_gross_kcal += float(counts["gross"] or 0.0)
    summary.energy_net_kcal += float(counts["net"] or 0.0)
