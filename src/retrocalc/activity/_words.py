"""Bytes as words: the SWAR primitives the GPX/TCX fast path shares (:mod:`._scan` finds the
tags with them, :mod:`._wellformed` checks the names and pairs the tags).

A text is read as the 8 (or 16) bytes starting at every offset, little-endian, through one
unaligned view of its buffer; a name of ``k`` bytes is its words masked to their ``k`` low
bytes.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["HIGHS", "MASKS", "MASKS16", "MAX_WORDS", "ONES", "Bool", "Int", "Words",
           "sixteens", "words"]  # fmt: skip

Int = NDArray[np.int64]
Bool = NDArray[np.bool_]
Words = NDArray[np.uint64]

#: A byte of 1 in each of a word's 8 bytes (times ``c``: ``c`` in each byte).
ONES = np.uint64(0x0101010101010101)
#: The high bit of each byte.
HIGHS = ONES * np.uint64(0x80)
#: ``MASKS[k]``: the ``k`` low bytes of a word (0 to 8).
MASKS = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype=np.uint64)
#: ``MASKS16[k]``: the ``k`` low bytes of two words (16 bytes; 0 to 16).
MASKS16 = np.stack(
    [MASKS[np.minimum(np.arange(17), 8)], MASKS[np.clip(np.arange(17) - 8, 0, 8)]], 1
)
#: Tag names (prefix included) of more than this many words, 48 bytes: not for the fast path.
MAX_WORDS = 6


def words(buffer: bytes) -> Words:
    """The 8 bytes starting at each offset of ``buffer`` as a little-endian integer (a view)."""
    return np.ndarray((len(buffer) - 7,), dtype="<u8", buffer=buffer, strides=(1,))


def sixteens(buffer: bytes) -> NDArray[np.void]:
    """The 16 bytes starting at each offset of ``buffer`` (a view)."""
    return np.ndarray((len(buffer) - 15,), dtype="V16", buffer=buffer, strides=(1,))
