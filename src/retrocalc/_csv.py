"""The field delimiter of a CSV file, from its first lines (standard library only).

Spreadsheets in locales with a decimal comma (German, French, Dutch...) save "CSV" with
semicolons; other tools write tabs or ``|``. The batch reader and the athletes table of
``retrocalc activity`` both read such files as they are.
"""

from __future__ import annotations

import functools
import os
import re
from typing import Any

__all__ = ["delimiter_of"]

_OTHERS = ";\t|"  # tried, in this order of preference on a tie, when a header has no comma


def delimiter_of(path: str | os.PathLike[str]) -> str:
    """The field delimiter of a CSV file (``.gz`` read through gzip).

    ``,`` unless the header line holds none outside quotes and holds ``;``, a tab or ``|``
    (the most frequent). A header of one column holds none: ``;`` then when the next line
    holds a comma and no semicolon (one column of decimal-comma numbers), else ``,``. A file
    that cannot be read gives ``,`` (its reader then says why).
    """
    path = os.fspath(path)
    try:
        stat = os.stat(path)
    except OSError:
        return ","
    return _delimiter(path, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=256)
def _delimiter(path: str, size: int, mtime_ns: int) -> str:
    import gzip

    opener: Any = gzip.open if path.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            first, second = handle.readline(1 << 20), handle.readline(1 << 20)
    except (OSError, EOFError):
        return ","
    first, second = (re.sub(rb'"[^"]*"', b"", line) for line in (first, second))
    if b"," in first:
        return ","
    counts = {d: first.count(d.encode()) for d in _OTHERS}
    best = max(counts, key=lambda d: counts[d])
    if counts[best]:
        return best
    return ";" if b"," in second and b";" not in second else ","
