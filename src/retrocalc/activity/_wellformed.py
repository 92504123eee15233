"""Well-formedness of the GPX/TCX fast path's documents, decided with array operations.

The fast path reads a document by array operations only when expat (the standard library's
C parser) accepts it as well-formed. Running expat over a megabyte costs 6 ms, a third of
reading a 1-hour TCX. :func:`proven` decides the same question in about a quarter of that
on the documents the fast path takes (no references, comments, CDATA sections, DTDs or
processing instructions but a first one), from the arrays :func:`._scan.scan` has made
anyway (where the tags lie, the depth after each, the start tags' names and which of them
are the wanted ones), and says "cannot tell" (False) otherwise: the caller then asks expat
(:func:`expat`), as before. Its "yes" must never be wrong; ``tests/test_activity_scan.py``
compares it with expat on thousands of mutated documents.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from . import _words
from ._words import HIGHS, MASKS, MASKS16, MAX_WORDS, ONES, Bool, Int, Words

if TYPE_CHECKING:
    from ._scan import Marks

__all__ = ["Starts", "expat", "proven"]

_BOM = b"\xef\xbb\xbf"
_WS = b" \t\r\n"  # XML white space
_ENCODING = re.compile(rb"""\bencoding\s*=\s*["']([^"']*)""")
_ASCII = (b"us-ascii", b"ascii", b"utf8")  # expat reads these as ASCII: bytes < 128 only
# more than one start tag in this many with attributes (a GPX track's points): not checked
# here, expat on the whole text is as quick as on those tags
_SPACED_SHARE = 16

_FILL = ONES * np.uint64(ord("a"))  # put past a name's end: a name character
_BIT6 = ONES * np.uint64(0x40)
# after folding (bit 5 copied from bit 6: "A-Z" -> "a-z", "_" -> 0x7f; bytes below 0x40
# unchanged), the ASCII name characters are 0x2d-0x2e, 0x30-0x3a, 0x61-0x7a and 0x7f
# (DEL, which also folds there, is refused beforehand); as [low, high) ranges
_RANGES = tuple(
    (ONES * np.uint64(lo), ONES * np.uint64(hi))
    for lo, hi in ((0x2D, 0x2F), (0x30, 0x3B), (0x61, 0x7B))
)
_DEL = ONES * np.uint64(0x7F)
_BLOCK = 1 << 13  # names compared at a time (see _same_bytes)
_NAME_START = np.zeros(256, dtype=bool)
_NAME_START[list(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_:")] = True


@dataclass(frozen=True)
class Starts:
    """The start tags (self-closing ones included) as :func:`._scan.scan` reads them.

    ``index``: tag number of each; ``name_start``, ``name_len``: where its name lies (up to
    the first white space when ``spaced``, else the whole region between ``<`` and ``>`` or
    ``/>``); ``known``: the name (the whole region) is one of the table's names, which are XML
    names; ``spaced``: the start tags (positions in these arrays) whose region ends with
    white space or a quote (attributes, or white space before ``>``).
    """

    index: Int
    name_start: Int
    name_len: Int
    region_end: Int
    known: Bool
    spaced: Int


def expat(text: bytes) -> bool:
    """Whether expat accepts ``text`` as a well-formed document (no namespace processing)."""
    try:
        xml.parsers.expat.ParserCreate().Parse(text, True)
    except (xml.parsers.expat.ExpatError, LookupError):  # (LookupError: an unknown encoding)
        return False
    return True


def proven(
    marks: Marks, starts: Starts, buffer: bytes, selfclosing: Bool, depth: Int, elements: Int
) -> Int | None:
    """Whether the document is well-formed as expat (``ParserCreate().Parse(data, True)``,
    no namespace processing) decides: if so, the tag number of the end tag of each element
    ``elements``; None when it is not, and also when the check cannot tell.

    ``marks``: where the tags lie; ``starts``: the start tags' names; ``buffer``: the text,
    with at least 64 bytes after the last start tag's ``>`` (zeros added if need be);
    ``selfclosing``: each tag's byte before ``>`` is ``/``; ``depth``: the depth after each
    tag (+1 for a start tag that is not self-closing, -1 for an end tag); ``elements``: tag
    numbers of start tags that are not self-closing, ascending (the elements whose end tags
    the caller wants: the pairing of start and end tags is made here anyway, check 5).

    It checks:

    1. no ``&``, no tag starting ``<!``, no processing instruction but the first tag
       (:meth:`._scan.Marks.plain`): no references, comments, CDATA sections or DTDs. Then
       every ``<`` starts a tag and none lies in a tag (:func:`._scan.marks` made sure of
       it), so the markup is the tags checked below and the rest is character data;
    2. characters: valid UTF-8 (Python's strict decoder refuses what expat does: overlong
       forms, surrogates, beyond U+10FFFF), no U+FFFE or U+FFFF, no control character but
       tab, line feed and carriage return, no ``]]>`` (not allowed in character data); and
       no DEL (allowed, but it would pass for ``_`` in the name check below);
    3. the text starts with the first tag (after one byte order mark). A first processing
       instruction is checked by expat alone before an empty root (an XML declaration's
       syntax and values); an encoding it declares must read the text as UTF-8 does (UTF-8,
       or ASCII for a text of ASCII bytes). Between it and the root, and after the root's
       end, only white space;
    4. start tags: a name found among the table's names, or an ASCII name (``A-Z a-z _ :``,
       then also ``0-9 . -``: names for expat without namespaces, where a prefix is part
       of the name), filling the region between ``<`` and ``>`` (or ``/>``). A region that
       ends with white space or a quote (attributes) is checked by expat, as ``<region/>``
       in a document of only those tags (the syntax of a start tag, its attributes, their
       values, duplicates): ``<region>`` is well-formed exactly when ``<region/>`` is;
    5. nesting: the depth after each tag is at least 1 but after the last tag, where it is
       0 (one root element; nothing left open), and each end tag's region between ``</``
       and ``>`` is bytewise the name of the start tag it closes (the last one opened at its
       depth: the tag before it if that is a start tag, else found by a stable sort of the
       others by depth), which also makes it a valid end tag. An end tag with white space
       before ``>`` is not proven.

    Expat checks exactly these on such a text, so a text that passes is well-formed.
    """
    data = marks.data
    if _SPACED_SHARE * starts.spaced.size > starts.index.size:
        return None  # many tags with attributes (GPX points): expat on the whole is as quick
    if b"&" in data or b"\x7f" in data or not marks.plain():
        return None
    ascii_only = data.isascii()
    if not ascii_only:
        if b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data:  # U+FFFE, U+FFFF
            return None
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if b"]" in data and b"]]>" in data:
        return None
    a = np.frombuffer(data, np.uint8)
    if not _characters(a):
        return None
    lt, end, lead = marks.lt, marks.end, marks.lead
    if int(lt[0]) != (3 if data.startswith(_BOM) else 0):
        return None
    first = 0  # the first tag of the elements
    if lead[0] == ord("?"):
        after = int(end[0]) + 1
        if lt.size < 2 or data[after : int(lt[1])].strip(_WS):
            return None
        if not _declaration(data[:after], ascii_only):
            return None
        first = 1
    if data[int(end[-1]) + 1 :].strip(_WS):
        return None
    d = depth[first:]
    if d[-1] != 0 or d.max() > 250 or (d.size > 1 and d[:-1].min() < 1):
        return None
    words, pairs = _words.words(buffer), _words.sixteens(buffer)
    if not _start_tags(data, starts, words):
        return None
    return _end_tags(marks, starts, words, pairs, selfclosing, depth, first, elements)


def _characters(a: NDArray[np.uint8]) -> bool:
    """No control character but tab, line feed and carriage return (in pieces of 64 kB:
    a temporary of the text's size would cost more in page faults than the test)."""
    for i in range(0, a.size, 1 << 16):
        piece = a[i : i + (1 << 16)]
        low = np.count_nonzero(piece < 32)
        if low and low != sum(np.count_nonzero(piece == c) for c in b"\t\n\r"):
            return False
    return True


def _declaration(head: bytes, ascii_only: bool) -> bool:
    """The first tag (``head``: the text up to its ``>``), a processing instruction: expat's
    verdict on it before an empty root, and an encoding that reads the text as UTF-8 does."""
    if not expat(head + b"<a/>"):
        return False
    found = _ENCODING.search(head)  # (expat has checked the version: it cannot hold one)
    if found is None:
        return True
    name = found.group(1).lower()
    return name == b"utf-8" or (name in _ASCII and ascii_only)


def _start_tags(data: bytes, starts: Starts, words: Words) -> bool:
    """Check 4 of :func:`proven`."""
    spaced = np.zeros(starts.index.size, dtype=bool)
    spaced[starts.spaced] = True
    other = np.flatnonzero(~starts.known & ~spaced)
    if other.size and not _ascii_names(words, starts.name_start[other], starts.name_len[other]):
        return False
    if starts.spaced.size == 0:
        return True
    begin = starts.name_start[starts.spaced] - 1  # their "<"
    stop = starts.region_end[starts.spaced]
    text = memoryview(data)  # (slices of a memoryview: no copies)
    tags = b"/>".join([text[b:e] for b, e in zip(begin.tolist(), stop.tolist(), strict=True)])
    return expat(b"<r>" + tags + b"/></r>")


def _ascii_names(words: Words, start: Int, length: Int) -> bool:
    """Whether each ``length`` bytes at ``start`` (1 to 48) are an ASCII XML name."""
    if (length < 1).any() or (length > 8 * MAX_WORDS).any():
        return False
    todo = np.arange(start.size)
    for k in range(MAX_WORDS):
        left = length[todo] - 8 * k
        mask = MASKS[np.minimum(left, 8)]
        x = words[start[todo] + 8 * k] & mask
        x |= _FILL & ~mask
        if k == 0 and not _NAME_START[(x & np.uint64(0xFF)).astype(np.intp)].all():
            return False
        if (x & HIGHS).any():
            return False  # not ASCII
        t = x | ((x & _BIT6) >> np.uint64(1))  # folded
        t |= HIGHS  # (no borrow between bytes: each byte minus a constant stays >= 0)
        ok = (t - _DEL) & HIGHS
        for lo, hi in _RANGES:
            ok |= (t - lo) & ~(t - hi) & HIGHS
        if (ok != HIGHS).any():
            return False
        todo = todo[left > 8]
        if todo.size == 0:
            return True
    return True


def _end_tags(
    marks: Marks,
    starts: Starts,
    words: Words,
    pairs: NDArray[np.void],
    selfclosing: Bool,
    depth: Int,
    first: int,
    elements: Int,
) -> Int | None:
    """Check 5 of :func:`proven` (the depths already checked); if it passes, the end tag
    of each element ``elements``.

    An end tag right after a start tag closes it (a leaf element: most of a track's): those
    pairs are compared as neighbours in the text, the others after a stable sort by depth of
    what is left (removing a leaf's pair changes neither the depths nor the pairing of the
    others). Few, small temporaries: their memory is paid in page faults at each read.
    """
    lt, end = marks.lt, marks.end
    closing = marks.lead == ord("/")
    opened = ~closing
    opened &= ~selfclosing
    opened[:first] = False  # (the XML declaration)
    # a start tag followed by an end tag with a region of the same size (its name, if it has
    # no attributes: those leaves are left to the sort)
    leaf = np.zeros(closing.size, dtype=bool)  # (the last tag: never)
    np.logical_and(opened[:-1], closing[1:], out=leaf[:-1])
    leaf[starts.index[starts.spaced]] = False  # (not a region of a name alone)
    tag = np.flatnonzero(leaf)
    name = lt[tag]
    name += 1
    length = end[tag]
    length -= name
    other = _tag_name(lt, tag + 1)
    unlike = np.flatnonzero(end[tag + 1] - other != length)
    if unlike.size:  # (left to the sort, which says why)
        leaf[tag[unlike]] = False
        alike = np.flatnonzero(leaf[tag])
        tag, name, length, other = tag[alike], name[alike], length[alike], other[alike]
    if not _same_bytes(marks.data, words, pairs, name, other, length):
        return None
    rest = opened | closing
    rest &= ~leaf
    rest[1:] &= ~leaf[:-1]
    inner = np.flatnonzero(~leaf[elements])  # the elements that are not such leaves
    del leaf, opened, tag, name, length, other
    paired = np.flatnonzero(rest)
    level = depth[paired].astype(np.uint8)  # the depth inside each element (<= 251)
    level += closing[paired]
    order = np.argsort(level, kind="stable")  # (a radix sort of bytes)
    paired = paired[order]
    opens, closes = paired[0::2], paired[1::2]
    if opens.size != closes.size or closing[opens].any() or not closing[closes].all():
        return None
    k = np.searchsorted(starts.index, opens)  # (their start tag numbers)
    length = starts.name_len[k]
    name = _tag_name(lt, closes)
    if ((end[closes] - name) != length).any():
        return None
    if not _same_bytes(marks.data, words, pairs, starts.name_start[k], name, length):
        return None
    # the end tag of each element: the next tag for a leaf; else the one paired with it,
    # found by its (depth, tag number), the order of the opens
    out = elements + 1
    if inner.size:
        key = level[order[0::2]].astype(np.int64) << 32
        key |= opens
        wanted = depth[elements[inner]].astype(np.int64) << 32
        wanted |= elements[inner]
        out[inner] = closes[np.searchsorted(key, wanted)]
    return out


def _tag_name(lt: Int, tags: Int) -> Int:
    """Where the names of end tags ``tags`` start."""
    out = lt[tags]
    out += 2
    return out


def _same_bytes(
    data: bytes, words: Words, pairs: NDArray[np.void], first: Int, second: Int, length: Int
) -> bool:
    """Whether the ``length`` bytes at ``first`` and at ``second`` are the same (1 to 48)."""
    # read as 16 bytes (or up to 48), which the last few tags (the root's end) may not have:
    # those are compared as bytes
    limit = words.size - 8 * MAX_WORDS
    near = np.flatnonzero((second > limit) | (first > limit))
    if near.size:
        for i in near.tolist():
            a, b, n = int(first[i]), int(second[i]), int(length[i])
            if data[a : a + n] != data[b : b + n]:
                return False
        keep = np.flatnonzero((second <= limit) & (first <= limit))
        first, second, length = first[keep], second[keep], length[keep]
    # in blocks: the 16-byte gathers of all the names would be the peak of memory of a read
    # (paid in page faults by the next read)
    for i in range(0, first.size, _BLOCK):
        at = slice(i, i + _BLOCK)
        found = pairs[first[at]].view(np.uint64)  # (a 16-byte gather: as quick as one of 8)
        found ^= pairs[second[at]].view(np.uint64)
        found = found.reshape(-1, 2)
        found &= _rows(MASKS16, np.minimum(length[at], 16))
        if found.any():
            return False
    more = np.flatnonzero(length > 16)
    for w in range(2, MAX_WORDS):  # names of 17 to 48 bytes: word by word
        if more.size == 0:
            return True
        mask = MASKS[np.minimum(length[more] - 8 * w, 8)]
        if ((words[first[more] + 8 * w] ^ words[second[more] + 8 * w]) & mask).any():
            return False
        more = more[length[more] > 8 * (w + 1)]
    return more.size == 0


def _rows(table: NDArray[np.uint64], i: NDArray[Any]) -> NDArray[np.uint64]:
    """``table[i]`` for a table of two words a row, gathered as 16-byte items (a row gather
    of a 2-d array is several times slower)."""
    out: NDArray[np.uint64] = table.view("V16").ravel()[i].view(np.uint64).reshape(-1, 2)
    return out
