"""Standard input (``-``) as a batch input: CSV streamed, Parquet buffered to a temporary file.

CSV (gzipped too) is read as it arrives, in blocks, as a file is: memory stays bounded and
the first rows are written before the last ones are read. Only its first lines are held
(the delimiter and the blank lines before the header are found from them by the rules
:mod:`retrocalc._csv` reads a file by). Parquet keeps its index at the end of the
file, so it cannot be read from a pipe: it is recognised by its magic bytes (``PAR1``) and
copied to a temporary file first, which is removed when the run ends.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import shutil
import sys
import tempfile
import threading
import time
import weakref
import zlib
from collections.abc import Iterator, Sequence
from typing import IO, Any, TypeGuard

from .._csv import layout_of_stream
from .types import BatchError

__all__ = ["STDIN_NAME", "StdinInput", "is_stdin", "local_path", "open_stdin", "released"]

#: How standard input is named in messages and in the summary.
STDIN_NAME = "<stdin>"
_PARQUET_MAGIC = b"PAR1"
_GZIP_MAGIC = b"\x1f\x8b"
_HEAD_LINES = 102  # the header, and the 100 lines after it that delimiter_of looks at
_HEAD_BYTES = 4 << 20  # ... at most: a longer header is sniffed from this much
_CLOSE_WAIT_S = 5.0  # how long the end of a run waits for pyarrow's last read of the input


class _Prefixed:
    """A binary stream: ``head`` (bytes already read), then the rest of ``rest``.

    ``tell()`` counts the bytes given out (the progress of a stream of unknown size).
    Closed, it reads nothing more, and :meth:`close` waits for a read under way: pyarrow
    reads ahead in a thread of its own, and a read still blocked on the pipe when the
    interpreter exits (a run ended early, by an error) aborted it or hung it.
    """

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head, self._rest, self._position = head, rest, 0
        self._reading = threading.Lock()
        self._readers: weakref.WeakSet[_Reader] = weakref.WeakSet()
        self.closed = False

    def reader(self) -> _Reader:
        """This stream for one pyarrow reader: :meth:`close` waits until pyarrow let it go."""
        reader = _Reader(self)
        self._readers.add(reader)
        return reader

    def read(self, size: int = -1) -> bytes:
        with self._reading:
            if self.closed:
                return b""
            if self._head:
                if size is None or size < 0:
                    data, self._head = self._head + self._rest.read(), b""
                else:
                    data, self._head = self._head[:size], self._head[size:]
            else:
                data = self._rest.read(-1 if size is None else size)
            self._position += len(data)
            return data

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def tell(self) -> int:
        return self._position

    def close(self) -> None:
        # standard input itself stays open (it is not ours)
        self.closed = True
        # a read under way ends when its block arrives or the input ends; a writer that
        # stalls is waited for a few seconds only
        deadline = time.monotonic() + _CLOSE_WAIT_S
        if self._reading.acquire(timeout=_CLOSE_WAIT_S):
            self._reading.release()
        while self._readers and time.monotonic() < deadline:
            time.sleep(0.01)


class _Reader:
    """A :class:`_Prefixed` as one pyarrow reader holds it (see :meth:`_Prefixed.reader`)."""

    def __init__(self, stream: _Prefixed) -> None:
        self._stream = stream
        self.closed = False

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def tell(self) -> int:
        return self._stream.tell()

    def close(self) -> None:
        self.closed = True


class _Gunzipped:
    """A gzip stream whose damage is a :class:`BatchError` naming standard input: raised
    inside pyarrow's reader it reaches the caller as it is (an EOFError was a bug report)."""

    def __init__(self, stream: gzip.GzipFile) -> None:
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        try:
            return self._stream.read(size)
        except (OSError, EOFError, zlib.error) as exc:
            raise BatchError(
                f"{STDIN_NAME}: the gzip stream is corrupt or truncated ({exc})"
            ) from None


class _Encoded:
    """A text stream (without a binary ``buffer``) as the UTF-8 bytes the readers take."""

    def __init__(self, text: io.TextIOBase) -> None:
        self._text, self._pending = text, b""

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            data, self._pending = self._pending + self._text.read().encode(), b""
            return data
        while len(self._pending) < size and (more := self._text.read(size)):
            self._pending += more.encode()
        data, self._pending = self._pending[:size], self._pending[size:]
        return data


class StdinInput(str):
    """The name ``<stdin>`` of standard input among the input paths, with how to read it.

    A ``str`` so that every message naming an input names it as it names a file; the
    readers ask :func:`is_stdin` and read ``stream`` (CSV) or ``spooled`` (Parquet).

    Attributes
    ----------
    parquet : bool
        The data began with Parquet's magic bytes.
    spooled : str or None
        The temporary copy of a Parquet input.
    stream : file-like or None
        A CSV input: its first lines, then the rest of standard input.
    delimiter : str
        The CSV field delimiter, found as :func:`retrocalc._csv.delimiter_of` finds it.
    blank : int
        Blank lines before the header.
    head : bytes
        The first lines of a CSV input (its header is read from them).
    at_end : bool
        ``head`` is the whole input.
    """

    parquet: bool
    spooled: str | None
    stream: Any
    delimiter: str
    blank: int
    head: bytes
    at_end: bool

    def __new__(cls) -> StdinInput:
        return super().__new__(cls, STDIN_NAME)


def is_stdin(path: str) -> TypeGuard[StdinInput]:
    """Whether an input path is standard input."""
    return isinstance(path, StdinInput)


def open_stdin(stdin: Any = None) -> StdinInput:
    """Standard input as an input: sniffed (Parquet, gzip, CSV) and ready to be read.

    Raises
    ------
    BatchError
        Standard input is a terminal (nothing was piped into it).
    """
    if stdin is None:
        if sys.stdin is None:
            raise BatchError(f"{STDIN_NAME}: there is no standard input to read")
        if sys.stdin.isatty():
            raise BatchError(
                "input '-' reads standard input, which is a terminal here: pipe a file into "
                "it, e.g. cat runs.csv | retrocalc estimate - -o out.csv"
            )
        stdin = getattr(sys.stdin, "buffer", None) or sys.stdin
    if isinstance(stdin, io.TextIOBase):  # a text stream put in its place (io.StringIO)
        stdin = _Encoded(stdin)
    source = StdinInput()
    magic = _read_at_least(stdin, len(_PARQUET_MAGIC))
    source.parquet = magic.startswith(_PARQUET_MAGIC)
    source.spooled = None
    source.stream = None
    if source.parquet:
        source.spooled = _spool(magic, stdin)
        return source
    raw: Any = _Prefixed(magic, stdin)
    if magic.startswith(_GZIP_MAGIC):
        raw = _Gunzipped(gzip.GzipFile(fileobj=raw, mode="rb"))
    head, source.at_end = _head(raw)
    source.head = head
    source.stream = _Prefixed(head, raw)
    source.delimiter, source.blank = _layout(head)
    return source


def _read_at_least(stream: IO[bytes], size: int) -> bytes:
    """``size`` bytes (fewer at the end of the stream): a pipe's read may give fewer."""
    data = b""
    while len(data) < size:
        more = stream.read(size - len(data))
        if not more:
            break
        data += more
    return data


def _head(stream: IO[bytes]) -> tuple[bytes, bool]:
    """The first lines of a CSV stream (enough to sniff its layout) and whether that is all."""
    chunks: list[bytes] = []
    size = lines = 0
    while lines < _HEAD_LINES and size < _HEAD_BYTES:
        chunk = stream.read(1 << 16)
        if not chunk:
            return b"".join(chunks), True
        chunks.append(chunk)
        size += len(chunk)
        lines += chunk.count(b"\n")
    return b"".join(chunks), False


def _layout(head: bytes) -> tuple[str, int]:
    """(delimiter, blank lines before the header) of a CSV's first lines, by the rules a
    file is read by (:func:`retrocalc._csv.layout_of_stream`)."""
    delimiter, blank, _ = layout_of_stream(io.BytesIO(head))
    return delimiter, blank


def _spool(magic: bytes, stdin: IO[bytes]) -> str:
    """Copy a Parquet input to a temporary file (Parquet needs to seek); its path."""
    try:
        fd, path = tempfile.mkstemp(prefix="retrocalc-stdin-", suffix=".parquet")
    except OSError as exc:
        raise _no_room(exc) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(magic)
            shutil.copyfileobj(stdin, handle, 1 << 20)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(path)
        if isinstance(exc, OSError):
            raise _no_room(exc) from None
        raise
    return path


def _no_room(exc: OSError) -> BatchError:
    return BatchError(
        f"{STDIN_NAME}: cannot write a temporary file in {tempfile.gettempdir()} "
        f"({exc.strerror or exc}); set TMPDIR to a folder with room, or give the input as a file"
    )


def local_path(path: str) -> str:
    """The file to open for an input: the temporary copy of a Parquet standard input."""
    return getattr(path, "spooled", None) or path


@contextlib.contextmanager
def released(paths: Sequence[str]) -> Iterator[None]:
    """When the run ends: standard input's CSV stream closed (:meth:`_Prefixed.close`),
    the temporary copy of a Parquet standard input removed."""
    try:
        yield
    finally:
        for path in paths:
            stream = getattr(path, "stream", None)
            if stream is not None:
                stream.close()
            spooled = getattr(path, "spooled", None)
            if spooled is not None:
                with contextlib.suppress(OSError):
                    os.unlink(spooled)
