"""Read input files: headers, typed-column checks, one Arrow schema, streamed blocks."""

from __future__ import annotations

import contextlib
import os
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._csv import blank_lines_before_header, delimiter_of
from .stdin import StdinInput, is_stdin, local_path
from .types import _PARQUET_BATCH_ROWS, _READ_BYTES, VARIABLES, BatchError

if TYPE_CHECKING:
    import pyarrow as pa


def is_parquet(path: str) -> bool:
    if is_stdin(path):
        return bool(path.parquet)  # by its magic bytes
    return path.lower().endswith((".parquet", ".pq"))


@contextlib.contextmanager
def _csv_stream(path: str) -> Iterator[tuple[Any, Any]]:
    """(stream, raw file) as pyarrow native files, gunzipped for .gz.

    Native files, not a Python file object wrapped by pyarrow: through a Python object the
    reader buffers far ahead (memory grew with the file). ``raw.tell()`` is the progress.
    Standard input is the exception (it cannot be opened natively with its first lines
    already read): its Python stream, read with ``use_threads=False``, kept peak memory flat
    (about 400 MiB with 8 MiB blocks for 30 MB and for 90 MB piped in, as for the file).
    """
    import pyarrow as pa

    if is_stdin(path):
        yield path.stream.reader(), path.stream
        return
    with pa.OSFile(path, "r") as raw:
        if path.lower().endswith(".gz"):
            with pa.CompressedInputStream(raw, "gzip") as stream:
                yield stream, raw
        else:
            yield raw, raw


_MAX_READ_BYTES = 1 << 30  # a CSV field or header larger than this is refused


def delimiter(path: str) -> str:
    """The CSV's field delimiter (:func:`retrocalc._csv.delimiter_of`); ``,`` for Parquet."""
    if is_parquet(path):
        return ","
    return path.delimiter if is_stdin(path) else delimiter_of(path)


def _blank_lines(path: str) -> int:
    """Blank lines before a CSV's header (:func:`retrocalc._csv.blank_lines_before_header`)."""
    return path.blank if is_stdin(path) else blank_lines_before_header(path)


def _parse_options(path: str) -> Any:
    """pyarrow's CSV parse options for a file: its delimiter; quoted line breaks; and a blank
    line after the header is a row (of empty cells), never dropped: in a file of one column
    it is an empty cell (a spreadsheet writes one so), and the rows keep the line order."""
    import pyarrow.csv as pacsv

    return pacsv.ParseOptions(
        newlines_in_values=True, delimiter=delimiter(path), ignore_empty_lines=False
    )


def _read_error(path: str, exc: BaseException) -> BatchError:
    """A clear message for an input that cannot be read (never a traceback)."""
    text = str(exc).strip()
    if "invalid UTF8" in text or isinstance(exc, UnicodeDecodeError):
        detail = text.split(": ", 1)[-1] if "Row #" not in text else text
        return BatchError(
            f"{path}: not UTF-8 text ({detail}); re-save it as UTF-8 "
            "(e.g. iconv -f latin1 -t utf-8)"
        )
    if path.lower().endswith(".gz") and (
        isinstance(exc, OSError) or "compress" in text.lower() or "gzip" in text.lower()
    ):
        return BatchError(f"{path}: the gzip stream is corrupt or truncated ({text})")
    if isinstance(exc, IsADirectoryError):
        return BatchError(f"{path}: is a folder, not a file")
    if isinstance(exc, PermissionError):
        return BatchError(f"{path}: cannot read it (permission denied)")
    if "Expected" in text and "columns" in text:
        return BatchError(
            f"{path}: malformed CSV: a row has another number of fields than the header "
            f"({text}); every row needs one field per column"
        )
    return BatchError(f"{path}: malformed CSV: {text}")


def polars_frame(data: Any) -> Any:
    """An Arrow table or record batch, or a pandas DataFrame (a Dask partition), as a polars
    DataFrame with the same column names: polars names a column without a name (``""``, the
    index column pandas writes) ``column_0``, and the output would carry a header the input
    did not have."""
    from .parse import load_polars

    pl = load_polars()
    if hasattr(data, "schema"):
        frame, names = pl.from_arrow(data), list(data.schema.names)
    else:
        frame = pl.from_pandas(data, include_index=False)
        names = [str(c) for c in data.columns]
    assert isinstance(frame, pl.DataFrame)
    if frame.columns != names:
        frame.columns = names
    return frame


def _header(path: str) -> list[str]:
    """Column names of a file (reads the header only); duplicates refused."""
    import pyarrow as pa

    if is_parquet(path):
        import pyarrow.parquet as pq

        try:
            names = list(pq.read_schema(local_path(path)).names)
        except (pa.ArrowException, OSError) as exc:
            if isinstance(exc, IsADirectoryError | PermissionError):
                raise _read_error(path, exc) from None
            if is_stdin(path):  # known as Parquet by its first bytes: cut short
                raise BatchError(f"{path}: a truncated or corrupt Parquet file ({exc})") from None
            raise BatchError(
                f"{path}: not a Parquet file, or a corrupt one ({exc}); a CSV file must be "
                "named .csv or .csv.gz"
            ) from None
    elif is_stdin(path):
        names = _stdin_header(path)
    else:
        names = _csv_header(path)
    seen: set[str] = set()
    twice = [n for n in names if n in seen or seen.add(n)]  # type: ignore[func-returns-value]
    if twice:
        raise BatchError(
            f"{path}: duplicate column names {sorted(set(twice))}; every column needs its own name"
        )
    return names


def _csv_header(path: str) -> list[str]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    block = 1 << 16
    while True:
        try:
            with _csv_stream(path) as (stream, _):
                reader = pacsv.open_csv(
                    stream,
                    read_options=pacsv.ReadOptions(block_size=block, skip_rows=_blank_lines(path)),
                    parse_options=_parse_options(path),
                    convert_options=pacsv.ConvertOptions(
                        column_types={}, strings_can_be_null=False
                    ),
                )
                return list(reader.schema.names)
        except (pa.ArrowException, OSError, UnicodeDecodeError) as exc:
            text = str(exc)
            if ("straddling" in text or "Empty CSV" in text) and block < _MAX_READ_BYTES:
                if "Empty CSV" in text and block >= 1 << 16:
                    names = _header_without_rows(path)  # a header without a final newline
                    if names is not None:
                        return names
                if "straddling" in text or _size_at_least(path, block):
                    block *= 4  # a header (or first field) larger than the block
                    continue
            if "Empty CSV" in text:
                raise BatchError(f"{path}: the file is empty (not even a header row)") from None
            raise _read_error(path, exc) from None


def _stdin_header(path: StdinInput) -> list[str]:
    """The header of CSV on standard input, read from its first lines (held by ``path``)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    head = path.head
    if path.at_end:
        head = head if head.endswith(b"\n") or not head.strip() else head + b"\n"
    else:
        head = head[: head.rfind(b"\n") + 1]  # whole lines only
        if not head.strip():
            raise BatchError(f"{path}: no header line in its first {len(path.head) >> 20} MiB")
    try:
        reader = pacsv.open_csv(
            pa.BufferReader(head),
            read_options=pacsv.ReadOptions(
                block_size=max(len(head), 1 << 16), skip_rows=_blank_lines(path)
            ),
            parse_options=_parse_options(path),
            convert_options=pacsv.ConvertOptions(column_types={}, strings_can_be_null=False),
        )
        return list(reader.schema.names)
    except (pa.ArrowException, OSError, UnicodeDecodeError) as exc:
        if "Empty CSV" in str(exc):
            raise BatchError(f"{path}: standard input is empty (not even a header row)") from None
        raise _read_error(path, exc) from None


def _size_at_least(path: str, size: int) -> bool:
    try:
        return os.path.getsize(path) >= size
    except OSError:
        return False


def _header_without_rows(path: str) -> list[str] | None:
    """The header of a file that holds only a header, without a final newline (pyarrow
    calls it empty), or None."""
    import csv
    import gzip
    import io

    opener: Any = gzip.open if path.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            data = handle.read(1 << 20)
    except OSError:
        return None
    try:
        text = data.decode("utf-8-sig") if data.strip() else ""
    except UnicodeDecodeError as exc:
        raise _read_error(path, exc) from None
    if not text.strip():
        return None
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter(path)))
    rows = rows[blank_lines_before_header(path) :]
    return rows[0] if len(rows) == 1 and rows[0] else None


def check_types(path: str, schema: Any, plan: Mapping[str, Any]) -> None:
    """Refuse typed (Parquet) columns whose type cannot mean the input they feed.

    Numbers come from numeric or text columns (and durations from Arrow durations); a
    boolean speed or a timestamp duration would be silently reinterpreted (as 1/0 m/s, as
    epoch milliseconds), so they are refused, naming the file, the column, what the input
    expects and the type the file was written with (:func:`written_types`).
    """
    import pyarrow as pa

    for canonical, source in plan.items():
        column = getattr(source, "column", None)
        if column is None or column not in schema.names:
            continue
        kind = schema.field(column).type
        if pa.types.is_dictionary(kind):
            kind = kind.value_type
        numeric = VARIABLES[canonical].dtype == "float"
        ok = (
            pa.types.is_string(kind)
            or pa.types.is_large_string(kind)
            or pa.types.is_null(kind)
            or (numeric and _is_number(kind))
            or (canonical == "duration_s" and pa.types.is_duration(kind))
        )
        if not ok:
            alias = getattr(source, "alias", None)
            kind = _decoded(written_types(path).get(column, kind))
            family = str(kind).split("[")[0].rstrip("0123456789")  # timestamp, date32...
            meaning = f" ({_MEANINGS[family]})" if family in _MEANINGS else ""
            hint = (
                "; a duration is the time between two points (end - start)"
                if canonical == "duration_s" and family in ("timestamp", "date", "time")
                else ""
            )
            name = alias or canonical
            raise BatchError(
                f"{path}: column {column!r}{f' ({name})' if name != column else ''}: expected "
                f"{_expected(canonical, alias)}; the file has {kind}{meaning}{hint}"
            )


# what an Arrow type that cannot be an input's value means, for its message
_MEANINGS = {
    "timestamp": "a point in time",
    "date": "a calendar date",
    "time": "a time of day",
    "bool": "true or false",
}
_UNIT_WORDS = {"s": "seconds", "min": "minutes", "h": "hours", "year": "years"}


def _expected(canonical: str, alias: str | None) -> str:
    """What a column of an input (read in ``alias``'s unit) may hold, in words."""
    from ..nomenclature import ALIASES

    unit = ALIASES[alias].unit if alias else VARIABLES[canonical].unit
    if VARIABLES[canonical].dtype != "float":
        return "text"
    if unit == "text":  # pace, duration
        if canonical == "speed_m_s":
            return "text such as 5:30/km"
        return "text such as 1:02:03, or an Arrow duration"
    number = (
        f"a number of {_UNIT_WORDS[unit]}"
        if unit in _UNIT_WORDS
        else f"a number in {unit}"
        if unit not in ("", "1")
        else "a number"
    )
    if canonical == "duration_s":
        return f"{number} (or text holding one), or an Arrow duration"
    return f"{number} (or text holding one)"


def written_types(path: str) -> dict[str, Any]:
    """A Parquet file's column types as its writer gave them: pyarrow (pandas) keeps the
    writer's Arrow schema in the file (ARROW:schema), and Parquet itself has no such type as
    timestamp[s] (stored, and read back, as timestamp[ms]); {} without that schema."""
    import base64

    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        stored = (pq.read_metadata(local_path(path)).metadata or {})[b"ARROW:schema"]
        schema = pa.ipc.read_schema(pa.py_buffer(base64.b64decode(stored)))
    except (KeyError, ValueError, pa.ArrowException, OSError):
        return {}
    return {field.name: field.type for field in schema}


def unified_schema(paths: Sequence[str], headers: Sequence[Sequence[str]]) -> Any:
    """One Arrow schema for the rows of every input, or None when all are CSV (text).

    CSV columns are text; a Parquet column keeps its type when every file agrees, numeric
    types that differ unify as float64 (no int64 truncation), dictionary columns are
    decoded. Other disagreements are refused, naming the column and the types.
    """
    import pyarrow as pa

    if not any(is_parquet(p) for p in paths):
        return None
    import pyarrow.parquet as pq

    per_file = []
    for path, header in zip(paths, headers, strict=True):
        if is_parquet(path):
            schema = pq.read_schema(local_path(path))
            types = [_decoded(schema.field(i).type) for i in range(len(schema))]
        else:
            types = [pa.string()] * len(header)
        per_file.append((path, types))
    fields = []
    for i, name in enumerate(headers[0]):
        kinds = {types[i] for _, types in per_file}
        if len(kinds) == 1:
            kind = kinds.pop()
        elif all(_is_number(k) or pa.types.is_null(k) for k in kinds):
            kind = pa.float64()
        elif all(pa.types.is_string(k) or pa.types.is_large_string(k) for k in kinds):
            kind = pa.large_string()
        else:
            found = ", ".join(
                f"{p}: {written_types(p).get(name, types[i]) if is_parquet(p) else types[i]}"
                for p, types in per_file
            )
            raise BatchError(
                f"column {name!r} has types that cannot be combined across the inputs "
                f"({found}); convert the files to one type"
            )
        fields.append(pa.field(name, kind))
    return pa.schema(fields)


def _decoded(kind: Any) -> Any:
    import pyarrow as pa

    return kind.value_type if pa.types.is_dictionary(kind) else kind


def _is_number(kind: Any) -> bool:
    import pyarrow as pa

    return bool(
        pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind)
    )


def _cast(batch: Any, schema: Any) -> Any:
    """A Parquet batch in the unified schema (dictionaries decoded, numbers unified)."""
    import pyarrow as pa

    if schema is None or batch.schema.equals(schema):
        return batch
    columns = []
    for column, target in zip(batch.columns, schema, strict=True):
        if pa.types.is_dictionary(column.type):
            column = column.dictionary_decode()
        columns.append(column if column.type == target.type else column.cast(target.type))
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def _blocks(
    path: str,
    header: Sequence[str],
    block_bytes: int,
    progress: Callable[[int], None],
    schema: Any = None,
) -> Iterator[pa.RecordBatch | pa.Table]:
    """Blocks of a file: CSV columns as text, Parquet columns as stored (in ``schema``)."""
    import pyarrow as pa

    if is_parquet(path):
        import pyarrow.parquet as pq

        try:
            file = pq.ParquetFile(local_path(path))
            size = os.path.getsize(local_path(path))
            rows = max(file.metadata.num_rows, 1)
            for batch in file.iter_batches(batch_size=_PARQUET_BATCH_ROWS):
                progress(int(size * batch.num_rows / rows))
                yield _cast(batch, schema)
        except (pa.ArrowException, OSError) as exc:
            raise BatchError(f"{path}: cannot read this Parquet file: {exc}") from None
        return
    read_bytes = _READ_BYTES
    done_rows = 0
    while True:
        try:
            for table in _csv_blocks(path, header, block_bytes, progress, read_bytes, done_rows):
                done_rows += table.num_rows
                yield table
            return
        except BatchError as exc:  # raised by standard input's stream inside the reader
            _let_go(path, exc)
            raise
        except (pa.ArrowException, OSError, UnicodeDecodeError) as exc:
            _let_go(path, exc)
            if "Empty CSV" in str(exc) and done_rows == 0:
                return  # a header without a final newline and no rows (checked by _header)
            if "straddling" in str(exc) and is_stdin(path):  # it cannot be read again
                raise BatchError(
                    f"{path}: a row is longer than {read_bytes >> 20} MiB, the block standard "
                    "input is read in; give the input as a file, which is read again with "
                    "larger blocks"
                ) from None
            if "straddling" in str(exc) and read_bytes < _MAX_READ_BYTES:
                # a field larger than the read block: read again from the first row not
                # yet given out, with larger blocks
                read_bytes *= 8
                continue
            raise _read_error(path, exc) from None


def _let_go(path: str, exc: BaseException) -> None:
    """Standard input's reader let go now, not with ``exc``'s traceback (:func:`.released`)."""
    if is_stdin(path):
        traceback.clear_frames(exc.__traceback__)


def _csv_blocks(
    path: str,
    header: Sequence[str],
    block_bytes: int,
    progress: Callable[[int], None],
    read_bytes: int,
    skip: int,
) -> Iterator[pa.Table]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    with _csv_stream(path) as (stream, raw):
        reader = pacsv.open_csv(
            stream,
            read_options=pacsv.ReadOptions(
                block_size=read_bytes,
                use_threads=False,
                skip_rows=_blank_lines(path),
                skip_rows_after_names=skip,
            ),
            parse_options=_parse_options(path),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False
            ),
        )
        done = 0
        pending: list[pa.RecordBatch] = []
        size = 0
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
