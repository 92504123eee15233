"""The field delimiter of a CSV file, from its first lines (standard library only).

Spreadsheets in locales with a decimal comma (German, French, Dutch...) save "CSV" with
semicolons; other tools write tabs or ``|``. The batch reader and the athletes table of
``retrocalc activity`` both read such files as they are.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable
from typing import IO, Any

__all__ = ["blank_lines_before_header", "delimiter_of", "header_alone", "layout_of_stream"]

_OTHERS = ";\t|"  # tried, in this order of preference on a tie, when a header has no comma


def delimiter_of(path: str | os.PathLike[str]) -> str:
    """The field delimiter of a CSV file (``.gz`` read through gzip).

    ``,`` unless the header line holds none outside quotes and holds ``;``, a tab or ``|``
    (the most frequent). A header of one column holds none: ``;`` then when one of the next
    100 lines holds a comma and none a semicolon (one column of decimal-comma numbers), else
    ``,``. Blank lines before the header are passed over. A file that cannot be read gives
    ``,`` (its reader then says why).
    """
    return _layout(path)[0]


def blank_lines_before_header(path: str | os.PathLike[str]) -> int:
    """How many blank lines stand before a CSV file's header (``.gz`` read through gzip).

    The readers skip them, and read every blank line after the header as a row: in a file of
    one column an empty line is an empty cell (a spreadsheet writes one so), and a row
    is never dropped unseen.
    """
    return _layout(path)[1]


def header_alone(path: str | os.PathLike[str]) -> bool:
    """Whether a CSV file is its header line alone, without a final newline (after any
    blank lines): no row can follow it."""
    return _layout(path)[2]


def _layout(path: str | os.PathLike[str]) -> tuple[str, int, bool]:
    path = os.fspath(path)
    try:
        stat = os.stat(path)
    except OSError:
        return ",", 0, False
    return _read_layout(path, stat.st_size, stat.st_mtime_ns)


_MAX_BLANK_LINES = 1000  # blank lines looked through for the header


@functools.lru_cache(maxsize=256)
def _read_layout(path: str, size: int, mtime_ns: int) -> tuple[str, int, bool]:
    import gzip

    opener: Any = gzip.open if path.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            return layout_of_stream(handle)
    except (OSError, EOFError):
        return ",", 0, False


def layout_of_stream(handle: IO[bytes]) -> tuple[str, int, bool]:
    """(delimiter, blank lines before the header, header alone) of a CSV read from a binary
    stream's first lines: the rules of :func:`delimiter_of`, :func:`blank_lines_before_header`
    and :func:`header_alone` for a stream that is not a file (standard input's first lines).
    """
    blank = 0
    first = handle.readline(1 << 20)
    while blank < _MAX_BLANK_LINES and first and not first.lstrip(b"\xef\xbb\xbf").strip():
        blank += 1
        first = handle.readline(1 << 20)
    delimiter = _delimiter(first)
    if delimiter is None:  # one column: are its rows decimal-comma numbers?
        delimiter = _one_column(handle.readline(1 << 20) for _ in range(_ROWS_LOOKED_AT))
    alone = bool(first.strip()) and not first.endswith(b"\n") and len(first) < 1 << 20
    return delimiter, blank, alone


_ROWS_LOOKED_AT = 100


def _delimiter(header: bytes) -> str | None:
    """The delimiter the header line shows; None for a header of one column."""
    header = re.sub(rb'"[^"]*"', b"", header)
    if b"," in header:
        return ","
    counts = {d: header.count(d.encode()) for d in _OTHERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else None


def _one_column(rows: Iterable[bytes]) -> str:
    # a comma in a row is a decimal comma (a second field would need a second column);
    # blank lines (empty cells) and rows of integers say nothing
    text = [re.sub(rb'"[^"]*"', b"", row) for row in rows]
    return ";" if any(b"," in r for r in text) and not any(b";" in r for r in text) else ","
