"""Numbers and times in the texts and attributes of the tags :mod:`._scan` found.

By array operations over byte columns (the text of each tag read as 8-byte words of the
document, one row per byte position), without a Python step per value:

* numbers (``-12.5``, up to 15 digits) as integer mantissa / power of ten, which is the
  correctly rounded value, the same as ``float(text)`` (both operands are exact doubles);
  other spellings (exponents, spaces, ``nan``...) go through ``numpy``'s text conversion,
  as the full parser's do;
* times (``YYYY-MM-DDTHH:MM:SS[.f{1-9}][Z|+HH:MM|-HH:MM]``) by digit arithmetic,
  range-checked; anything else returns None and the caller parses the column with pandas.

The full parser's points (lists of texts) are converted by :func:`float_texts` and
:func:`time_texts`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from . import _words
from ._scan import _PAD, Tags
from ._words import MASKS, Bool, Int, Words
from .read import Fault

__all__ = ["attribute_decimals", "decimals", "iso_times"]

_MAX_DIGITS = 15  # a mantissa below 2**53: exact in a double
_POW10 = np.array([float(10**k) for k in range(_MAX_DIGITS + 1)])  # exact doubles
_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
_DATE_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]  # YYYY-MM-DDTHH:MM:SS
_FRACTION_WEIGHTS = np.array([10 ** (8 - k) for k in range(9)], dtype=np.int64)  # to ns
_TIME_WIDTH = 40  # bytes: YYYY-MM-DDTHH:MM:SS.fffffffff+HH:MM is 35
_MAX_OFFSET_H = 14  # UTC offsets in use run from -12:00 to +14:00


def _byte_columns(words: Words, start: Int, length: Int, width: int) -> NDArray[np.uint8]:
    """Bytes ``[start, start + length)`` of each text as a (width, texts) array: one row per
    byte position, zero past a text's end. ``width`` is a multiple of 8, at least every
    length."""
    # (the words as a list inside the call: let go before the copy below, not after it; each
    # temporary at the peak of a read's memory is paid in page faults by the next read)
    rows = np.stack(
        [words[start + 8 * k] & MASKS[np.clip(length - 8 * k, 0, 8)] for k in range(width // 8)],
        axis=1,
    )
    rows = rows.astype("<u8", copy=False).view(np.uint8)
    return np.ascontiguousarray(rows.reshape(start.size, width).T)


def _simple_decimals(columns: NDArray[np.uint8]) -> tuple[NDArray[np.float64], Bool]:
    """Values of ``[+-]digits[.digits]`` texts given as byte columns (zero past the end),
    and which texts have that form with at most 15 digits.

    One pass over the byte positions (rows), each step on one row: reductions down the
    columns (``all``, ``sum``, a cumulative OR for the fraction digits) and temporaries of
    the whole block cost twice as much.
    """
    size = columns.shape[1]
    first = columns[0]
    ok = np.ones(size, dtype=bool)
    digits = np.zeros(size, dtype=np.uint8)  # at most 16 positions: no overflow
    dots = np.zeros(size, dtype=np.uint8)
    fraction = np.zeros(size, dtype=np.uint8)  # digits after the dot
    mantissa = np.zeros(size)  # an integer below 10 ** 15: exact in a double
    for k, row in enumerate(columns):
        d = row - np.uint8(ord("0"))
        digit = d < 10
        dot = row == ord(".")
        legal = digit | dot
        legal |= row == 0  # a zero: past the end (no NUL in XML text)
        if k == 0:
            legal |= (row == ord("-")) | (row == ord("+"))
        ok &= legal
        digits += digit
        dots += dot
        fraction += digit & (dots > 0)
        # Horner; a byte that is not a digit leaves the mantissa as it is
        d *= digit
        mantissa *= np.where(digit, 10.0, 1.0)
        mantissa += d
    ok &= (dots <= 1) & (digits >= 1) & (digits <= _MAX_DIGITS)
    mantissa /= _POW10[np.minimum(fraction, _MAX_DIGITS)]  # (in place: one array less)
    return np.where(first == ord("-"), -mantissa, mantissa), ok


def _others(n: int, done: Int) -> Int:
    """0..n-1 but ``done`` (sorted, unique)."""
    if done.size == n:
        return np.empty(0, dtype=np.int64)
    left = np.ones(n, dtype=bool)
    left[done] = False
    return np.flatnonzero(left)


def decimals(tags: Tags, index: Int) -> tuple[NDArray[np.float64], Bool] | None:
    """The numbers in the texts of wanted tags ``index``, and which texts are blank (those
    are NaN). None when a text that is not blank is not a number."""
    start, length = tags.text_start[index], tags.text_end[index] - tags.text_start[index]
    values = np.full(index.size, np.nan)
    simple = np.flatnonzero((length >= 1) & (length <= 16))
    rest = np.arange(index.size)
    if simple.size:
        longest = int(length[simple].max())
        columns = _byte_columns(
            tags.words, start[simple], length[simple], 8 if longest <= 8 else 16
        )
        value, ok = _simple_decimals(columns[:longest])
        values[simple[ok]] = value[ok]
        rest = _others(index.size, simple[ok])
    blank = np.zeros(index.size, dtype=bool)
    if rest.size:
        texts = [tags.text(i) for i in index[rest].tolist()]
        empty = np.array([not t.strip() for t in texts], dtype=bool)
        blank[rest[empty]] = True
        others = [t for t, e in zip(texts, empty.tolist(), strict=True) if not e]
        if others:
            try:  # numpy's conversion, as the full parser's (exponents, spaces, "nan"...)
                values[rest[~empty]] = np.array(others, dtype=np.float64)
            except ValueError:
                return None
    return values, blank


def attribute_decimals(
    tags: Tags, wanted: Int, keys: tuple[str, ...]
) -> dict[str, NDArray[np.float64] | None] | None:
    """Numeric attributes ``keys`` (names of up to 7 bytes, no prefix) of wanted start tags
    ``wanted``: per key, one value per tag, or None when no tag has the attribute.

    Written ``key="value"`` or ``key='value'`` with no space around ``=``, every tag's
    attributes quoted with one kind of quote. None when a tag is written otherwise, when
    only some tags have an attribute, or when a value is not a number: the caller then
    reads the attributes another way.
    """
    begin, finish = tags.attribute_spans(wanted)  # attribute regions, in order
    length = finish - begin
    if wanted.size and int(length.max()) <= _PAD:
        # the regions copied side by side, one row of bytes each (zero after a region's
        # end; there is no NUL in XML text): the passes below then run over these rows
        # rather than the whole text (a sixth of it for a GPX track)
        width = max(8, -(-int(length.max()) // 8) * 8)
        rows = np.stack(
            [tags.words[begin + 8 * k] & MASKS[np.clip(length - 8 * k, 0, 8)]
             for k in range(width // 8)],
            axis=1,
        )  # fmt: skip
        buffer = rows.astype("<u8", copy=False).tobytes() + bytes(_PAD)
        at = np.arange(wanted.size, dtype=np.int64) * width
        return _attribute_values(buffer, _words.words(buffer), at, at + length, keys)
    return _attribute_values(tags.buffer, tags.words, begin, finish, keys)


def _attribute_values(
    buffer: bytes, words: Words, begin: Int, finish: Int, keys: tuple[str, ...]
) -> dict[str, NDArray[np.float64] | None] | None:
    """:func:`attribute_decimals` over the regions ``[begin, finish)`` of ``buffer``
    (sorted, apart, each starting with white space or empty; ``words`` its words)."""
    a = np.frombuffer(buffer, np.uint8)
    count = begin.size
    # the quotes and "=" of the whole text in one pass
    marks = np.equal(a, ord('"'))
    marks |= a == ord("'")
    marks |= a == ord("=")
    where = np.flatnonzero(marks)
    del marks
    kind = a[where]
    double = where[kind == ord('"')]
    single = where[kind == ord("'")]
    equals = where[kind == ord("=")]
    n2 = np.searchsorted(double, finish) - np.searchsorted(double, begin)
    n1 = np.searchsorted(single, finish) - np.searchsorted(single, begin)
    if ((n1 > 0) & (n2 > 0)).any():
        return None  # both kinds of quote in one tag: parity says nothing
    # within a region, its one kind of quote
    quotes = (
        np.sort(np.concatenate([double, single]))
        if single.size and double.size
        else (double if double.size else single)
    )
    owner = np.searchsorted(begin, equals, side="right") - 1
    inside = owner >= 0
    inside[inside] &= equals[inside] < finish[owner[inside]]
    equals, owner = equals[inside], owner[inside]
    # an "=" outside the values has an even number of quotes of its tag before it
    before = np.searchsorted(quotes, equals) - np.searchsorted(quotes, begin[owner])
    outside = before % 2 == 0
    equals, owner = equals[outside], owner[outside]
    if equals.size and (
        (a[equals - 1] <= 32).any()
        or ((a[equals + 1] != ord('"')) & (a[equals + 1] != ord("'"))).any()
    ):
        return None  # white space around "="
    found: dict[str, Int] = {}
    for key in keys:
        size = len(key)
        code = int.from_bytes(key.encode(), "little")
        w = words[equals - size - 1]
        match = (w & np.uint64(0xFF)) < 33  # white space before the name
        match &= ((w >> np.uint64(8)) & MASKS[size]) == np.uint64(code)
        hits = np.flatnonzero(match)
        if hits.size and (hits.size != count or (owner[hits] != np.arange(count)).any()):
            return None  # some tags lack it (or have it twice)
        found[key] = equals[hits] + 2
    # every value at once: where it starts (after the quote) and ends (at the next quote)
    start = np.concatenate(list(found.values()))
    stop = quotes[np.searchsorted(quotes, start)]
    length = stop - start
    values = np.full(start.size, np.nan)
    simple = np.flatnonzero((length >= 1) & (length <= 16))
    if simple.size:
        columns = _byte_columns(words, start[simple], length[simple], 16)
        value, ok = _simple_decimals(columns[: int(length[simple].max())])
        values[simple[ok]] = value[ok]
        simple = simple[ok]
    rest = _others(start.size, simple)
    if rest.size:
        texts = [
            buffer[s:e].decode("utf-8")
            for s, e in zip(start[rest].tolist(), stop[rest].tolist(), strict=True)
        ]
        try:  # numpy's conversion, as elsewhere (exponents, spaces...)
            values[rest] = np.array(texts, dtype=np.float64)
        except ValueError:
            return None
    out: dict[str, NDArray[np.float64] | None] = {}
    at = 0
    for key, where in found.items():
        out[key] = values[at : at + where.size] if where.size else None
        at += where.size
    return out


def iso_times(tags: Tags, index: Int) -> tuple[Int, str] | None:
    """UTC nanoseconds since 1970 of the times in the texts of wanted tags ``index``, and
    the unit pandas would give them ("ns" for more than 6 fraction digits, else "us").

    Form: ``YYYY-MM-DDTHH:MM:SS``, optional ``.`` and 1-9 digits, optional ``Z`` or
    ``+HH:MM``/``-HH:MM`` up to 14 hours (none: UTC, as pandas reads it), years 1900-2199.
    None for anything else (the caller then parses them all with pandas).
    """
    start, length = tags.text_start[index], tags.text_end[index] - tags.text_start[index]
    n = index.size
    if n == 0 or not ((length >= 19) & (length <= _TIME_WIDTH)).all():
        return None
    # a row per character position, as many as the longest text needs (at least 24: the
    # fraction's first digits); zero past a text's end
    width = max(24, -(-int(length.max()) // 8) * 8)
    raw = _byte_columns(tags.words, start, length, width)
    # the date's digits: a byte minus "0" below 10 (uint8 wraps below "0")
    date = raw[_DATE_DIGITS] - np.uint8(ord("0"))
    ok = np.ones(n, dtype=bool)
    for row in date:  # row by row: a reduction down the columns costs more
        ok &= row < 10
    ok &= (raw[4] == ord("-")) & (raw[7] == ord("-")) & (raw[10] == ord("T"))
    ok &= (raw[13] == ord(":")) & (raw[16] == ord(":"))
    m = date.astype(np.int64)
    year, month, day, hour, minute, second = (
        m[0] * 1000 + m[1] * 100 + m[2] * 10 + m[3],
        m[4] * 10 + m[5],
        m[6] * 10 + m[7],
        m[8] * 10 + m[9],
        m[10] * 10 + m[11],
        m[12] * 10 + m[13],
    )
    del m, date  # (each array let go when done: the peak of memory is paid in page faults)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_ok = (month >= 1) & (month <= 12)
    days_in = _DAYS[np.where(month_ok, month, 0)] + ((month == 2) & leap)
    ok &= (year >= 1900) & (year <= 2199) & month_ok & (day >= 1) & (day <= days_in)
    ok &= (hour <= 23) & (minute <= 59) & (second <= 59)
    # fraction: "." then a run of digits from position 20, as nanoseconds (9 places)
    dot = raw[19] == ord(".")
    run = dot.copy()
    places = np.zeros(n, dtype=np.int64)
    fraction = np.zeros(n, dtype=np.int64)
    for k in range(20, min(32, width)):
        d = raw[k] - np.uint8(ord("0"))
        run &= d < 10
        places += run
        if k < 29:
            fraction += np.where(run, d, 0) * _FRACTION_WEIGHTS[k - 20]
    ok &= ~dot | ((places >= 1) & (places <= 9))
    # then nothing, "Z", or "+HH:MM" / "-HH:MM"
    at = 19 + np.where(dot, 1 + places, 0)
    rest = length - at
    if (at == at[0]).all():  # the usual case: one layout
        # (a position past the rows is never read as a byte of the text: only a tail of
        # exactly 1 or 6 bytes is looked at, and those lie within the text)
        tail = [raw[min(int(at[0]) + j, width - 1)] for j in range(6)]
    else:
        columns = np.arange(n)
        tail = [raw[np.minimum(at + j, width - 1), columns] for j in range(6)]
    t = [c.astype(np.int64) - ord("0") for c in tail]
    is_z = (rest == 1) & (tail[0] == ord("Z"))
    is_offset = (rest == 6) & ((tail[0] == ord("+")) | (tail[0] == ord("-")))
    is_offset &= tail[3] == ord(":")
    for j in (1, 2, 4, 5):
        is_offset &= (t[j] >= 0) & (t[j] <= 9)
    off_h, off_m = t[1] * 10 + t[2], t[4] * 10 + t[5]
    is_offset &= (off_h <= _MAX_OFFSET_H) & (off_m <= 59)
    ok &= (rest == 0) | is_z | is_offset
    if not ok.all():
        return None
    sign = np.where(tail[0] == ord("-"), -1, 1)
    offset_s = np.where(is_offset, sign * (off_h * 3600 + off_m * 60), 0)
    # days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil)
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    days = era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
    seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_s
    ns: Int = seconds * 1_000_000_000 + fraction
    return ns, ("ns" if (places > 6).any() else "us")


def float_texts(texts: list[list[str]], notes: list[str]) -> NDArray[np.float64]:
    """Rows of number texts as floats; unreadable ones NaN, with a note (the full parser's
    points)."""
    try:
        out: NDArray[np.float64] = np.array(texts, dtype=np.float64)
    except ValueError:
        table = pd.DataFrame(texts).apply(pd.to_numeric, errors="coerce")
        notes.append(Fault("some numbers could not be read and were left empty"))
        out = table.to_numpy(dtype=np.float64)
    return out


def time_texts(texts: Sequence[Any], notes: list[str] | None = None) -> pd.DatetimeIndex:
    """UTC times of ISO 8601 texts (NaT where missing or unreadable); with ``notes``, a
    Fault naming the first text that does not read (such a point has no time)."""
    values = np.empty(len(texts), dtype=object)
    values[:] = texts
    times = pd.DatetimeIndex(pd.to_datetime(values, utc=True, format="ISO8601", errors="coerce"))
    if notes is not None:
        # (the points without a time only: a text there did not read)
        nat = np.flatnonzero(np.asarray(times.isna())).tolist()
        unread = [i for i in nat if texts[i] is not None and str(texts[i]).strip()]
        if unread:
            notes.append(
                Fault(
                    f"{len(unread)} time(s) could not be read as ISO 8601 (the first: "
                    f"{str(texts[unread[0]])[:40]!r}): those points have no time"
                )
            )
    return times
