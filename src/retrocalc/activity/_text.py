"""Text columns of an activity estimate as a few labels and one integer code per sample.

A column of text built per sample costs a conversion of every value (0.17 ms per 3,600
samples in pandas 3, where object arrays of text become ``str`` columns); built from its
few labels and the codes it costs a ``take``. The summaries group by the codes directly.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

__all__ = ["Coded", "sorted_labels"]


@dataclass(frozen=True)
class Coded:
    """A text column: ``names[codes[i]]`` for sample ``i`` (``names`` distinct texts)."""

    names: tuple[str, ...]
    codes: NDArray[np.intp]

    def column(self) -> Any:
        """The column as the DataFrame constructor makes it from the object array of texts
        (``str`` in pandas 3, object before): the labels are converted, then taken."""
        return _labels(self.names).take(self.codes)

    def objects(self) -> NDArray[Any]:
        """The texts as an object array."""
        out: NDArray[Any] = np.array(self.names, dtype=object).take(self.codes)
        return out


_PANDAS_3 = int(pd.__version__.split(".")[0]) >= 3


def _labels(names: tuple[str, ...]) -> Any:
    """``names`` as pandas converts an object array of texts (0.06 ms: made once per set of
    labels and pandas' text setting; never handed out, only taken from)."""
    # the text setting (fixed from pandas 3 on, where asking for it warns)
    return _converted(names, None if _PANDAS_3 else pd.get_option("future.infer_string"))


@functools.lru_cache(maxsize=64)
def _converted(names: tuple[str, ...], setting: Any) -> Any:  # setting: part of the key
    return pd.Series(np.array(names, dtype=object), copy=False).array


def sorted_labels(values: Any) -> tuple[list[str], NDArray[np.intp]]:
    """Sorted distinct texts of ``values`` and the code of each, as
    ``np.unique(np.asarray(values).astype(str), return_inverse=True)`` gives them.

    ``values`` is a :class:`Coded` column (grouped by its codes: no text per sample) or an
    array of texts.
    """
    if isinstance(values, Coded):
        present = np.flatnonzero(np.bincount(values.codes, minlength=len(values.names)))
        order = sorted(present.tolist(), key=values.names.__getitem__)
        remap = np.zeros(len(values.names), dtype=np.intp)
        remap[order] = np.arange(len(order))
        return [values.names[k] for k in order], remap[values.codes]
    array = np.asarray(values)
    if array.dtype == object:
        codes, names = pd.factorize(array, sort=True)  # hashing: no text conversion
        if (codes >= 0).all() and all(type(x) is str for x in names):
            return list(names), codes
    names, inverse = np.unique(array.astype(str), return_inverse=True)
    return names.tolist(), inverse
