"""Float-or-array helpers: one expression serves a Python float and an ndarray block.

The models and the composition are written with plain operators (``+ - * / **``), which mean
the same IEEE operations on Python floats and on ndarrays. The few things operators cannot say
alike for both (a conditional, "any", "not", finiteness) are here. A Python ``bool`` or
``float`` takes the plain-Python branch (no numpy call: a numpy call on a scalar costs about a
microsecond); anything else is treated as an ndarray.

Numbers are identical on both routes except where a non-integer power is computed: Python's
``**`` on floats calls the C library's ``pow`` and numpy uses its own (SIMD) routine; the two
differ by at most one unit in the last place for a few per cent of arguments (see
``tests/test_composition.py``, which bounds the scalar/array difference).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["any_", "finite", "horner", "is_scalar", "lookup", "lowest", "not_", "power_of", "where"]

_SCALARS = (bool, float, int)


def is_scalar(x: Any) -> bool:
    """True for a Python number or bool (the plain-float route)."""
    return type(x) in _SCALARS


def where(condition: Any, a: Any, b: Any) -> Any:
    """``a`` where ``condition`` holds, else ``b`` (``a if condition else b`` for a bool)."""
    if type(condition) is bool:
        return a if condition else b
    return np.where(condition, a, b)


def any_(condition: Any) -> bool:
    """True if the condition holds anywhere."""
    if type(condition) is bool:
        return condition
    return bool(np.any(condition))


def not_(condition: Any) -> Any:
    """Logical not of a bool or a boolean array."""
    if type(condition) is bool:
        return not condition
    return ~condition


def finite(x: Any) -> Any:
    """True where ``x`` is finite."""
    if type(x) is float or type(x) is int:
        return math.isfinite(x)
    return np.isfinite(x)


def lowest(x: Any) -> float:
    """The smallest value, NaN ignored (NaN if all are NaN)."""
    if type(x) is float or type(x) is int:
        return float(x)
    return float(np.fmin.reduce(x)) if x.size else math.inf


def lookup(table: tuple[float, ...], index: Any) -> Any:
    """``table[index]`` for an int, or gathered for an integer array."""
    if type(index) is int:
        return table[index]
    return np.take(np.asarray(table), index)


def horner(coefs: tuple[float, ...], x: Any) -> Any:
    """The polynomial with ``coefs`` (highest power first) at ``x``, by Horner's rule."""
    acc: Any = coefs[0]
    for c in coefs[1:]:
        acc = acc * x + c
    return acc


def power_of(base: float, x: Any) -> Any:
    """``base ** x`` for a number ``base``: with an array ``x``, the base is an array of its
    shape, as numpy's SIMD power reads a broadcast scalar about half as fast (each element
    goes through the same routine: the same numbers)."""
    if type(x) is float:  # one row: no numpy call
        return base**x
    if isinstance(x, np.ndarray) and x.ndim:
        bases = np.full(x.shape, base)
        return np.power(bases, x, out=bases)
    return base**x
