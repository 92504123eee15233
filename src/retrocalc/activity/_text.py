"""Text columns of an activity estimate as a few labels and one integer code per sample.

A column of text built per sample costs a conversion of every value (0.17 ms per 3,600
samples in pandas 3, where object arrays of text become ``str`` columns); the frames get a
Categorical of the few labels and the codes instead (as :func:`retrocalc.estimate` gives its
label columns), and the summaries group by the codes directly.
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
        """The column as a pandas Categorical of ``names`` (in their order) and the codes,
        as :func:`retrocalc.estimate` gives its label columns in frames: no text per
        sample is made."""
        # (the codes are this module's own, within the names: not checked again)
        return pd.Categorical.from_codes(self.codes, dtype=_dtype(self.names), validate=False)

    def objects(self) -> NDArray[Any]:
        """The texts as an object array."""
        out: NDArray[Any] = np.array(self.names, dtype=object).take(self.codes)
        return out


@functools.lru_cache(maxsize=64)
def _dtype(names: tuple[str, ...]) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(list(names))


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
