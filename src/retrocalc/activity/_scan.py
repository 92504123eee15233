"""Array primitives of the GPX/TCX fast path: where the tags lie and which are wanted.

Used on a text that holds no DTD, entity or character reference, comment, CDATA section or
processing instruction but the XML declaration (:func:`retrocalc.activity._fast.plain`);
:func:`scan` reads the wanted tags only if the text is also well-formed (proven from its
arrays by :func:`._wellformed.proven`, else asked of expat). In such a text every ``<`` opens
a tag, a tag ends at the first ``>`` outside its quoted attribute values, an element's text
runs to the next ``<``, and an element's end tag is the first later tag that brings the
depth below the element's. So the wanted tags are found with array operations over the
bytes, without a Python step per element:

* ``<`` and ``>`` positions in one pass; when they alternate (no ``>`` in any text or
  attribute value: the usual case) each tag ends at its ``>``, else at the first ``>`` after
  an even number of quotes (a regular expression for the odd tags, if any);
* names of start tags only, from 8-byte words read at any byte offset (one unaligned
  ``uint64`` view of the buffer): a local name of up to 16 bytes is matched exactly against
  the wanted names by its two words; white space and prefix colons are found bytewise within
  words (SWAR), and only in the names that need it;
* end tags of the wanted elements from the depth after each tag.

The numbers and times in the texts and attributes of those tags are read by
:mod:`._values`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import _wellformed, _words
from ._words import (
    HIGHS,
    MASKS,
    MASKS16,
    MAX_WORDS,
    ONES,
    Bool,
    Int,
    Words,
)

__all__ = ["SKIP", "Marks", "Tags", "marks", "running_sum", "scan"]

_INT32_LIMIT = 2**31 - 2**16  # texts shorter than this: tag positions as int32 (with room
# for the offsets added to them)
_PAD = 64  # bytes read past a start tag's ">" at most (or zero bytes added to the text)
_SPACE_LIMIT = ONES * np.uint64(33)  # bytes < 33: XML white space (other controls are invalid)
_COLONS = ONES * np.uint64(ord(":"))
_BYTE_INDEX = np.uint64(0x0001020304050607)  # byte i holds 7 - i
#: Code of a name that is not wanted but common (a point's ``Position``...): found as it
#: stands, it has no prefix, so it is not searched for a colon (a third of the start tags
#: of a TCX track otherwise are)
SKIP = -2
# a start or end tag, quoted values skipped (for tags whose first ">" is inside a value)
_XML_NAME = re.compile(r"[A-Za-z_:][A-Za-z0-9_:.\-]*")
_TAG = re.compile(rb"""<[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>""")


def _first_byte(flags: Words) -> Int:
    """Index (0-7) of the lowest byte whose high bit is set in each word; 8 if none."""
    # the lowest set bit, 2 ** (8j + 7), shifted to 2 ** 8j, times a word whose byte i is
    # 7 - i: the top byte of the product is j
    with np.errstate(over="ignore"):
        low = (flags & (~flags + np.uint64(1))) >> np.uint64(7)
        j = (low * _BYTE_INDEX) >> np.uint64(56)
    out: Int = np.where(flags == 0, 8, j.astype(np.int64))
    return out


def _spaces(words: Words) -> Words:
    """High bit set in the lowest byte < 33 of each word (bytes above it may be set too:
    only the lowest is used)."""
    out: Words = (words - _SPACE_LIMIT) & ~words & HIGHS
    return out


def _colons(words: Words) -> Words:
    """High bit set in the lowest ``:`` byte of each word (see :func:`_spaces`)."""
    x = words ^ _COLONS
    out: Words = (x - ONES) & ~x & HIGHS
    return out


@dataclass(frozen=True)
class Tags:
    """The wanted tags of a document, in document order.

    ``code``, ``selfclosing``, ``text_start`` and ``text_end`` have one value per wanted
    tag: the caller's code (int8), ``<name .../>``, and where the element's text (for a start
    tag) lies in ``buffer`` (int32 positions for a text under 2 GB). The attributes of
    wanted tag ``i`` are read by :meth:`attributes`.
    """

    buffer: bytes
    words: Words
    code: NDArray[np.int8]
    selfclosing: Bool
    text_start: Int
    text_end: Int
    index: Int  # tag number (in document order, all tags) of each wanted tag
    starts: Int  # tag numbers of the start tags
    name_end: Int  # per start tag: where its name ends
    attributes_end: Int  # per start tag: where its attributes end

    def text(self, i: int) -> str:
        return self.buffer[self.text_start[i] : self.text_end[i]].decode("utf-8")

    def attributes(self, i: int) -> str:
        return self.all_attributes(np.array([i]))[0]

    def attribute_spans(self, wanted: Int) -> tuple[Int, Int]:
        """Where the attributes of wanted start tags ``wanted`` begin and end."""
        k = np.searchsorted(self.starts, self.index[wanted])
        return self.name_end[k], self.attributes_end[k]

    def all_attributes(self, wanted: Int) -> list[str]:
        """The attribute texts of wanted start tags ``wanted``."""
        begin, finish = self.attribute_spans(wanted)
        buf = self.buffer
        return [
            buf[s:e].decode("utf-8") for s, e in zip(begin.tolist(), finish.tolist(), strict=True)
        ]


class _Names:
    """Exact lookup of a local name -> code by the name's two words.

    A perfect hash of the first word (multiply, keep the top bits: a slot of a table four
    times the number of names, the multiplier found when the table is made) and one
    comparison of both words: a name not wanted lands on another name's slot or an empty
    one (first word 0, which no name has: its first byte is not 0) and misses. Half the
    time of a binary search of the sorted words.
    """

    def __init__(self, names: dict[str, int]) -> None:
        if not all(1 <= len(name.encode()) <= 16 for name in names):
            raise ValueError("tag names: 1 to 16 bytes")
        if not all(-2 <= code <= 126 for code in names.values()):
            raise ValueError("tag codes: -2 to 126")  # (int8 arrays, code + 1 included)
        if not all(_XML_NAME.fullmatch(name) for name in names):
            raise ValueError("tag names: ASCII XML names")  # (a name found is one: _wellformed)
        buf = b"".join(name.encode().ljust(16, b"\0") for name in names) + bytes(8)
        w = _words.words(buf)[np.arange(2 * len(names)) * 8].reshape(-1, 2)
        if np.unique(w[:, 0]).size != len(names):
            raise ValueError("tag names: the first 8 bytes must differ")
        bits = max(4, (4 * len(names) - 1).bit_length())
        self.shift = np.uint64(64 - bits)
        rng = np.random.default_rng(0)  # the same table in every process
        while True:
            self.multiplier = rng.integers(1, 2**63, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
            slots = self._slots(w[:, 0])
            if np.unique(slots).size == len(names):
                break
        self.first = np.zeros(2**bits, dtype=np.uint64)
        self.second = np.zeros(2**bits, dtype=np.uint64)
        self.codes = np.full(2**bits, -1, dtype=np.int8)  # (a byte a tag: less memory)
        self.first[slots] = w[:, 0]
        self.second[slots] = w[:, 1]
        self.codes[slots] = list(names.values())

    def _slots(self, first: Words) -> Int:
        with np.errstate(over="ignore"):
            slots = first * self.multiplier
        slots >>= self.shift  # (in place, and below 2 ** 62: an intp as it stands)
        out: Int = slots.view(np.intp)
        return out

    def lookup(self, first: Words, second: Words) -> NDArray[np.int8]:
        """Code of each name (given by its words, zero past its end); -1: not wanted."""
        pos = self._slots(first)
        hit = self.first[pos] == first
        hit &= self.second[pos] == second
        out: NDArray[np.int8] = self.codes[pos]
        del pos
        out[~hit] = -1
        return out


_NAME_TABLES: dict[tuple[tuple[str, int], ...], _Names] = {}


def _names(names: dict[str, int]) -> _Names:
    key = tuple(names.items())
    table = _NAME_TABLES.get(key)
    if table is None:
        table = _NAME_TABLES[key] = _Names(names)
    return table


def _tag_ends(data: bytes, a: NDArray[np.uint8]) -> tuple[Int, Int] | None:
    """(``<`` of each tag, its ``>``) when some ``>`` lie in texts or attribute values."""
    lt = np.flatnonzero(a == ord("<"))
    gt = np.flatnonzero(a == ord(">"))
    k = np.searchsorted(gt, lt)
    if lt.size == 0 or k[-1] >= gt.size:
        return None
    end: Int = gt[k]
    quote2 = np.flatnonzero(a == ord('"'))
    quote1 = np.flatnonzero(a == ord("'"))
    n2 = np.searchsorted(quote2, end) - np.searchsorted(quote2, lt)
    n1 = np.searchsorted(quote1, end) - np.searchsorted(quote1, lt)
    # only one kind of quote, an even number of them before the first ">": it is outside
    # every value; otherwise (rare) the tag is matched with its values skipped
    for i in np.flatnonzero(((n1 > 0) & (n2 > 0)) | (n1 % 2 == 1) | (n2 % 2 == 1)).tolist():
        found = _TAG.match(data, int(lt[i]))
        if found is None:
            return None
        end[i] = found.end() - 1
    if (end[:-1] >= lt[1:]).any():
        return None
    return lt, end


def _name_lengths(words: Words, start: Int, region: Int) -> Int | None:
    """Length of each tag name: up to the first white space of its region (name, then white
    space and attributes), word by word; None if a name is longer than 48 bytes."""
    length = region.copy()
    todo = np.arange(start.size)
    for k in range(MAX_WORDS):
        left = region[todo] - 8 * k  # bytes of the region from this word on
        w = words[start[todo] + 8 * k] | ~MASKS[np.clip(left, 0, 8)]  # 0xff past it
        space = _first_byte(_spaces(w))
        found = space < 8
        length[todo[found]] = 8 * k + space[found]
        todo = todo[~found & (left > 8)]
        if todo.size == 0:
            return length
    return None


def _colon_positions(words: Words, start: Int, length: Int) -> Int | None:
    """Offset of the first colon in each name (-1: none), word by word; None if a name is
    longer than 48 bytes."""
    colon = np.full(start.size, -1, dtype=np.int64)
    todo = np.arange(start.size)
    for k in range(MAX_WORDS):
        left = length[todo] - 8 * k
        c = _first_byte(_colons(words[start[todo] + 8 * k] | ~MASKS[np.clip(left, 0, 8)]))
        found = c < 8
        colon[todo[found]] = 8 * k + c[found]
        todo = todo[~found & (left > 8)]
        if todo.size == 0:
            return colon
    return None


def _local_codes(
    words: Words, sixteens: NDArray[np.void], names: _Names, start: Int, length: Int
) -> tuple[NDArray[np.int8], Bool] | None:
    """Code of each tag name (``words`` at ``start``, ``length`` bytes), any prefix; None
    if a name is longer than 48 bytes. Also whether each name was found as it stands (for
    :func:`._wellformed.proven`)."""
    # a name that is wanted as it stands has no colon: look up every name as it stands, then
    # the local part of the others that have a prefix
    # (masked in place, fewer temporaries: glibc returns the memory freed after a read to
    # the system, so the peak of each read is paid again in page faults by the next, 1-3 ms
    # a megabyte here; the second word is zero for a name of up to 8 bytes, and readable:
    # the text has _PAD bytes past every start tag. Both words in one 16-byte gather: as
    # quick as one word)
    both = sixteens[start].view(np.uint64).reshape(-1, 2)
    both &= MASKS16.view("V16").ravel()[np.minimum(length, 16)].view(np.uint64).reshape(-1, 2)
    first, second = both[:, 0], both[:, 1]
    codes = names.lookup(first, second)
    del both, first, second
    codes[length > 16] = -1
    known = codes != -1
    other = np.flatnonzero(~known)
    colon = _colon_positions(words, start[other], length[other])
    if colon is None:
        return None
    prefixed = colon >= 1  # a leading colon is no prefix
    other, colon = other[prefixed], colon[prefixed]
    if other.size:
        s, n = start[other] + colon + 1, length[other] - colon - 1
        n16 = np.clip(n, 0, 16)
        f = words[s] & MASKS[np.minimum(n16, 8)]
        g = words[s + 8] & MASKS[np.clip(n16 - 8, 0, 8)]
        found = names.lookup(f, g)
        found[(n < 1) | (n > 16)] = -1
        codes[other] = found
    np.maximum(codes, -1, out=codes)  # SKIP: not wanted
    return codes, known


def running_sum(steps: NDArray[Any], dtype: type[np.signedinteger[Any]] = np.int64) -> Int:
    """Cumulative sum as ``dtype``, summed in place in a copy (a cumsum of booleans or int8
    into a new array costs twice as much)."""
    out: Int = steps.astype(dtype)
    np.cumsum(out, out=out)
    return out


def _matching_ends(depth: Int, opens: Int) -> Int:
    """Tag number of the end tag of each start tag ``opens`` (not self-closing), from the
    depth after each tag: the first later tag that leaves the element's depth. One pass per
    distinct depth of the starts (a handful)."""
    out = np.empty(opens.size, dtype=np.int64)
    level = depth[opens]
    for d in np.unique(level).tolist():
        these = np.flatnonzero(level == d)
        shallower = np.flatnonzero(depth < d)
        out[these] = shallower[np.searchsorted(shallower, opens[these])]
    return out


@dataclass(frozen=True)
class Marks:
    """The tags of a document: where each starts (``<``) and ends (``>``), and the byte
    after its ``<`` (``/`` for an end tag, ``?`` for a processing instruction, ``!`` for a
    comment, CDATA section or DTD)."""

    data: bytes  # the document
    lt: Int
    end: Int
    lead: NDArray[np.uint8]

    def plain(self) -> bool:
        """No comment, CDATA section, DTD or processing instruction but a first one (the
        XML declaration, checked by the caller)."""
        if (self.lead == ord("!")).any():
            return False
        pi = np.flatnonzero(self.lead == ord("?"))
        return pi.size == 0 or (pi.size == 1 and pi[0] == 0)


def marks(data: bytes) -> Marks | None:
    """Where the tags of ``data`` lie (see :class:`Marks`); None if it has none."""
    a = np.frombuffer(data, np.uint8)
    lt = _positions(a, ord("<"))
    end = _positions(a, ord(">"))
    if not (lt.size and lt.size == end.size and (lt < end).all() and (end[:-1] < lt[1:]).all()):
        found = _tag_ends(data, a)
        if found is None:
            return None
        lt, end = found
    # (else they alternate: every ">" closes the tag before it)
    return Marks(data=data, lt=lt, end=end, lead=a[1:][lt])  # (a "<" is never last)


_CHUNK = 1 << 16  # bytes compared at a time (a mask of the whole text: page faults, above)


def _positions(a: NDArray[np.uint8], byte: int) -> Int:
    """Offsets of ``byte`` in ``a``, as int32 when the text is under 2 GB (half the memory
    of the tag arrays that follow, each paid in page faults at the next read: see
    :func:`_local_codes`). Found a piece at a time into one reused mask: no temporary of
    the text's size."""
    mask = np.empty(min(a.size, _CHUNK), dtype=bool)
    parts = []
    for i in range(0, a.size, _CHUNK):
        piece = a[i : i + _CHUNK]
        m = mask[: piece.size]
        np.equal(piece, byte, out=m)
        hits = np.flatnonzero(m)
        if i:
            hits += i
        parts.append(hits)
    dtype = np.int32 if a.size < _INT32_LIMIT else np.int64
    out: Int = np.concatenate(parts, dtype=dtype) if parts else np.empty(0, dtype)
    return out


def scan(marks: Marks, starts: dict[str, int], ends: dict[str, int]) -> Tags | None:
    """The start tags named in ``starts`` (local names, any namespace prefix) with their
    codes (those of code :data:`SKIP` left out), and the end tags of the elements named in
    ``ends`` with theirs, in document order; None when the text does not suit the method or
    is not well-formed (decided before anything that relies on it)."""
    lt, end, lead = marks.lt, marks.end, marks.lead
    data_size = len(marks.data)
    a = np.frombuffer(marks.data, np.uint8)
    selfclosing = a[end - 1] == ord("/")
    opening = (lead != ord("/")) & (lead != ord("?"))
    tag = np.flatnonzero(opening)  # start tags (self-closing included)
    if tag.size == 0:
        return None
    # words are read up to _PAD bytes past a start tag's ">" (names, texts, values): zero
    # bytes are added only when the last start tag is that close to the end of the text
    last = int(end[tag[-1]])
    buffer = marks.data if last + _PAD <= data_size else marks.data + bytes(_PAD)
    words = _words.words(buffer)
    name_start = lt[tag] + 1
    region_end = end[tag] - selfclosing[tag]
    # the name, then white space and attributes; a region that ends with neither white space
    # nor a quote is the name alone (attribute values are quoted): only the others are
    # searched for the end of the name (in place: the peak of memory is the page faults of
    # the next call, see _local_codes)
    name_len = region_end - name_start
    last = a[region_end - 1]
    other = np.flatnonzero((last <= 32) | (last == ord('"')) | (last == ord("'")))
    if other.size:
        lengths = _name_lengths(words, name_start[other], name_len[other])
        if lengths is None:
            return None
        name_len[other] = lengths
    found = _local_codes(words, _words.sixteens(buffer), _names(starts), name_start, name_len)
    if found is None:
        return None
    codes, known = found
    # depth after each tag: +1 for a start tag that is not self-closing, -1 for an end tag
    # (after the names, so that it does not add to their peak of memory)
    # (as the tag positions' type: the depth is at most the number of tags)
    depth = running_sum(
        (opening & ~selfclosing).view(np.int8) - (lead == ord("/")).view(np.int8), lt.dtype.type
    )
    # the start tags of the elements named in ``ends`` (not self-closing)
    closing = {starts[name]: c for name, c in ends.items()}
    is_closing = np.zeros(max(starts.values(), default=0) + 2, dtype=bool)  # by code + 1
    is_closing[[c + 1 for c in closing]] = True  # (np.isin costs 10x)
    closed = np.flatnonzero(is_closing[codes + 1] & ~selfclosing[tag])
    names = _wellformed.Starts(tag, name_start, name_len, region_end, known, other)
    # their end tags, from the pairing that proves the text well-formed (else expat decides)
    matched = _wellformed.proven(marks, names, buffer, selfclosing, depth, tag[closed])
    if matched is None:
        if not _wellformed.expat(marks.data):
            return None  # not well-formed
        matched = _matching_ends(depth, tag[closed])
    del names, known, depth
    # every tag's code (-1: not wanted), the wanted elements' end tags included
    code = np.full(lt.size, -1, dtype=np.int8)
    code[tag] = codes
    if closed.size:
        end_code = np.full(max(closing) + 1, -1, dtype=np.int8)
        end_code[list(closing)] = list(closing.values())
        code[matched] = end_code[codes[closed]]
    del matched, codes  # (each array let go when done: the peak of memory, see _local_codes)
    keep = np.flatnonzero(code >= 0)
    code = code[keep]
    next_lt = np.minimum(keep + 1, lt.size - 1)
    text_end = np.where(keep + 1 < lt.size, lt[next_lt], data_size)
    del next_lt
    name_start += name_len  # now where each name ends
    return Tags(
        buffer=buffer,
        words=words,
        code=code,
        selfclosing=selfclosing[keep],  # an end tag's byte before ">" ends its name
        text_start=end[keep] + 1,
        text_end=text_end,
        index=keep,
        starts=tag,
        name_end=name_start,
        attributes_end=region_end,
    )
