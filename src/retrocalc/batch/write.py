"""Write the output: CSV/Parquet writers and the atomic output file."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from .types import BatchError, OutputError

if TYPE_CHECKING:
    import polars as pl


def check_csv_output(schema: Any) -> None:
    """Refuse columns that CSV cannot hold (nested, binary), before any work."""
    import pyarrow as pa

    if schema is None:
        return
    bad = [
        f"{f.name!r} ({f.type})"
        for f in schema
        if pa.types.is_nested(f.type)
        or pa.types.is_binary(f.type)
        or pa.types.is_large_binary(f.type)
        or pa.types.is_fixed_size_binary(f.type)
    ]
    if bad:
        raise BatchError(
            f"columns {', '.join(bad)} cannot be written to CSV (nested or binary data); "
            "write a .parquet output instead"
        )


def _duration_text(column: str) -> Any:
    """An Arrow duration column as CSV holds it, in the unit its name reads back in: minutes
    for ``duration_min``, hours for ``duration_h``, ``H:MM:SS`` for ``duration`` (which takes
    no bare numbers), seconds otherwise. Seconds under every name wrote a 10-minute bout as
    600 under ``duration_min``: 600 minutes when read again."""
    from .. import units
    from ..nomenclature import ALIASES, lookup

    pl = _pl()
    micro = pl.col(column).dt.total_microseconds()
    found = lookup(column)
    alias = found[1] if found is not None and found[0] == "duration_s" else None
    if alias is None or ALIASES[alias].unit != "text":
        # seconds per unit of the alias (60 for duration_min), as the batch reads it
        scale = float(getattr(units, ALIASES[alias].convert)(1.0)) if alias else 1.0
        return micro.cast(pl.Float64) / (1e6 * scale)
    whole, fraction = micro // 1_000_000, micro % 1_000_000
    two = {"length": 2, "fill_char": "0"}
    text = pl.format(
        "{}:{}:{}",
        whole // 3600,
        (whole // 60 % 60).cast(pl.String).str.pad_start(**two),
        (whole % 60).cast(pl.String).str.pad_start(**two),
    )
    decimals = pl.lit(".") + fraction.cast(pl.String).str.pad_start(6, "0").str.strip_chars_end("0")
    return pl.when(fraction > 0).then(text + decimals).otherwise(text).alias(column)


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
            durations = [c for c, t in frame.schema.items() if isinstance(t, _pl().Duration)]
            if durations:  # CSV has no duration type: as retrocalc reads the column's name
                frame = frame.with_columns(_duration_text(c) for c in durations)
            frame.write_csv(
                self.handle,
                include_header=self.first,
                compression="gzip" if self.kind == "csv.gz" else "uncompressed",
            )
        self.first = False

    def close(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
            self._parquet = None

    def abort(self) -> None:
        """Close after a failure, quietly (the output is discarded anyway)."""
        with contextlib.suppress(Exception):
            self.close()
        self._parquet = None


def _pl() -> Any:
    import polars

    return polars


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


def check_output(output: str) -> Literal["csv", "csv.gz", "parquet"]:
    """The kind of an output by its name (``"-"``: CSV to standard output), refused before
    any work when it cannot be written: another extension, a folder, a folder missing."""
    kind = _output_kind(output)
    if output != "-":
        if os.path.isdir(output):
            raise OutputError(f"output {output!r} is a folder; give a file name")
        folder = os.path.dirname(output) or "."
        if not os.path.isdir(folder):
            raise OutputError(f"output {output!r}: folder {folder!r} does not exist")
    return kind


_PART = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)-[A-Za-z0-9_]+\.part$")
_COMMITTED = [False]  # set once the output of the current run is in place (see committed())


def begin_run() -> None:
    """A new run: nothing of it is in place yet."""
    _COMMITTED[0] = False


def committed() -> bool:
    """True once the current run's output has been renamed into place: a signal that
    arrives now must not turn that success into a failure (the command line asks)."""
    return _COMMITTED[0]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def clean_parts(folder: Path, name: str) -> list[str]:
    """Remove the temporary ``.part`` files of ``name`` that no live process owns (a run
    killed with SIGKILL cannot remove its own); returns what was removed."""
    removed: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _PART.match(entry.name)
        if match is None or match["name"] != name:
            continue
        pid = int(match["pid"])
        if pid == os.getpid() or _alive(pid):
            continue
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
            removed.append(entry.path)
    return removed


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a folder be opened
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def same_file(a: str, b: str) -> bool:
    """Whether two paths name one file (symbolic links and ``./`` included): an output
    must never be written over one of its inputs."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


@contextlib.contextmanager
def atomic_output(path: str) -> Iterator[IO[bytes]]:
    """A binary file that appears at ``path`` only when the block exits without error.

    Writes to a hidden temporary file in the same folder (``.NAME.PID-XXXX.part``: the PID
    lets a later run remove the parts of runs that were killed), fsyncs it, renames it over
    ``path`` (atomic on POSIX) and fsyncs the folder. A new file gets the mode a normally
    created file would (0666 less the umask, applied by the kernel: the process umask is
    never changed); an existing output keeps its permissions. On any exception,
    KeyboardInterrupt included, the temporary file is removed and ``path`` is untouched.
    """
    _COMMITTED[0] = False
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"output {path!r}: folder {str(folder)!r} does not exist")
    if target.is_dir():
        raise OutputError(f"output {path!r} is a folder; give a file name")
    clean_parts(folder, target.name)
    try:
        mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mode = None
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = folder / f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.part"
        try:
            fd = os.open(tmp, flags, 0o666)
            break
        except FileExistsError:
            continue
        except OSError as exc:
            raise OutputError(
                f"output {path!r}: cannot create a file in {str(folder)!r} ({exc.strerror or exc})"
            ) from None
    else:  # pragma: no cover - 100 random names taken
        raise OutputError(f"output {path!r}: cannot create a temporary file")
    try:
        if mode is not None:
            with contextlib.suppress(OSError):
                os.fchmod(fd, mode)  # keep the existing output's permissions
        with os.fdopen(fd, "wb") as handle:
            yield handle
            try:
                handle.flush()
                os.fsync(handle.fileno())
            except OSError as exc:
                raise OutputError(
                    f"output {path!r}: cannot write ({exc.strerror or exc})"
                ) from None
        _replace(tmp, target, path)
    except BaseException:
        if not _COMMITTED[0]:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        # a signal after the rename: the output is complete and in place
    _fsync_folder(folder)


def _replace(tmp: Path, target: Path, path: str) -> None:
    # signals are held while the rename and the flag happen together, so a handler never
    # runs between them (a Ctrl-C after the rename is a success, before it a clean failure)
    held = {signal.SIGINT, signal.SIGTERM}
    main = threading.current_thread() is threading.main_thread()
    if main:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise OutputError(
                f"output {path!r}: cannot replace it ({exc.strerror or exc})"
            ) from None
        _COMMITTED[0] = True
    finally:
        if main:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
