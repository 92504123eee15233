"""Read and write files: streamed CSV/Parquet blocks, writers, the atomic output file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from .types import _PARQUET_BATCH_ROWS, _READ_BYTES, BatchError

if TYPE_CHECKING:
    import polars as pl
    import pyarrow as pa


def is_parquet(path: str) -> bool:
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

    if is_parquet(path):
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

    if is_parquet(path):
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
