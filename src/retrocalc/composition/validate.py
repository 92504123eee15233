"""Validation, worded once: impossible values raise; ranges and units are flagged.

- **Impossible** values (a negative speed, a zero mass: :attr:`Variable.impossible`) raise
  ``ValueError`` naming the parameter, the value, its position and what was expected.
- **Out of a model's range** (:attr:`ModelSpec.bounds`): flagged per row, with the reason;
  at the end of a call one :class:`RangeWarning` (or :class:`OutOfRangeError`) sums them up.
- **Looks like the wrong unit** (:data:`UNIT_LIMITS`): one :class:`UnitWarning` per input.

:class:`Flags` accumulates across the blocks of one call, so a call of any size words each
problem once, with its count and first position.
"""

from __future__ import annotations

import math
import os
import sys
import warnings
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._fa import lowest
from .._wrap import Locator
from ..exceptions import OutOfRangeError, RangeWarning, UnitWarning
from ..models import ModelSpec
from ..nomenclature import INPUTS, counted

__all__ = [
    "PLAIN_SPANS",
    "POLICIES",
    "UNIT_LIMITS",
    "Flags",
    "ImpossibleValueError",
    "RowReasons",
    "check",
    "plain",
    "stacklevel",
]

POLICIES = ("warn", "flag", "nan", "raise")

#: Values that look like another unit: (input, test, advice). A speed above 12 m/s looks like
#: km/h, a grade beyond +-1 like percent, a body mass under 20 kg is implausible.
UNIT_LIMITS: tuple[tuple[str, str, float, str], ...] = (
    ("speed_m_s", ">", 12.0, "looks like km/h; convert with retrocalc.units.kmh_to_m_s"),
    (
        "grade",
        "|>|",
        1.0,
        "looks like percent; grade is a fraction (0.05 = 5 %), see "
        "retrocalc.units.percent_to_grade",
    ),
    ("mass_kg", "<", 20.0, "is an implausible body mass in kg"),
)

# lower bounds of the inputs that have one: (bound, True when the bound itself is impossible)
_LOWER = {
    name: (var.lower, var.lower_open) for name, var in INPUTS.items() if var.lower is not None
}
_UNIT_TESTS = {name: (op, limit) for name, op, limit, _ in UNIT_LIMITS}
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def stacklevel() -> int:
    """The stack level of the first frame outside retrocalc (a warning points at the caller)."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


# per input: the plain range, where a value is neither impossible nor a suspect unit
_PLAIN: dict[str, tuple[float, float, bool]] = {}
for _name, _var in INPUTS.items():
    if _var.dtype == "float":
        _low = -math.inf if _var.lower is None else _var.lower
        _PLAIN[_name] = (_low, math.inf, _var.lower_open)
for _name, _op, _limit, _ in UNIT_LIMITS:
    _low, _high, _open = _PLAIN[_name]
    if _op in (">", "|>|"):
        _high = _limit
    if _op in ("<", "|>|"):
        _low, _open = max(_low, -_limit if _op == "|>|" else _limit), False
    _PLAIN[_name] = (_low, _high, _open)


#: The plain ranges as one closed interval per input, ``low <= x <= high`` (an impossible
#: bound moved to the next float; magnitudes above 1e6 left to the array engine, where
#: numpy's overflow gives inf instead of Python's OverflowError).
PLAIN_SPANS: dict[str, tuple[float, float]] = {
    name: (
        max(math.nextafter(low, math.inf) if strict else low, -1e6),
        min(high, 1e6),
    )
    for name, (low, high, strict) in _PLAIN.items()
}


def plain(name: str, x: float) -> bool:
    """True when ``x`` (finite) needs no error and no unit warning: the plain-float front
    takes it; anything else goes to the array engine, which words the error or warning."""
    low, high, strict = _PLAIN[name]
    return low < x <= high if strict else low <= x <= high


class ImpossibleValueError(ValueError):
    """An impossible input value: the message names the parameter, value, position and rule.

    ``count`` is how many values break the rule where it was found (one block); an engine
    that sees the whole input calls :meth:`recount` so the message speaks of all of it.
    """

    def __init__(self, name: str, rule: str, what: str, value: float, at: str, count: int):
        self.name, self.rule, self.what, self.value, self.at = name, rule, what, value, at
        self.count = count
        super().__init__(self._message())

    def _message(self) -> str:
        more = f" ({self.count} values in all)" if self.count > 1 else ""
        return (
            f"{self.name} must be {self.rule} ({self.what}); got {self.value:g} at {self.at}{more}"
        )

    def recount(self, values: Any) -> ImpossibleValueError:
        """The same error with the count taken over ``values`` (the whole input)."""
        op, bound = self.rule.split(" ")
        low = float(bound)
        # non-finite values are missing, not impossible
        bad = np.isfinite(values) & (values <= low if op == ">" else values < low)
        return ImpossibleValueError(
            self.name, self.rule, self.what, self.value, self.at, int(np.count_nonzero(bad))
        )


def check(
    where: Locator,
    name: str,
    values: Any,
    offset: int = 0,
    rule: tuple[str, float, str] | None = None,
    low: float | None = None,
) -> None:
    """Raise ValueError where ``values`` are impossible; NaN passes (it becomes NaN out).

    Without ``rule`` the bound is the input's own (:data:`retrocalc.nomenclature.INPUTS`);
    ``rule`` is ``(op, bound, what)`` with op ``">"`` or ``">="``. ``low``, when known, is
    the smallest value (NaN ignored), which spares a pass over a block.
    """
    if type(values) is float:  # one row: two comparisons (NaN compares False: it passes)
        bound, strict = _LOWER[name] if rule is None else (rule[1], rule[0] == ">")
        if not (values < bound or (strict and values == bound)):
            return
        low = None
    if low is not None and low == low:
        bound, strict = _LOWER[name] if rule is None else (rule[1], rule[0] == ">")
        if not (low < bound or (strict and low == bound)):
            return
    if rule is None:
        var = INPUTS[name]
        low = lowest(values)
        if not var.impossible(low):
            return
        bad, text, what = var.impossible(values), var.bound, var.expected
    else:
        op, bound, what = rule
        low = lowest(values)
        if not (low <= bound if op == ">" else low < bound):
            return
        bad, text = (values <= bound if op == ">" else values < bound), f"{op} {bound:g}"
    if type(values) is float or type(values) is int:
        i, value, count = 0, values, 1
    else:
        positions = np.flatnonzero(bad)
        i, value, count = int(positions[0]), values[positions[0]], positions.size
    raise ImpossibleValueError(name, text, what, float(value), where(offset + i), count)


class RowReasons:
    """Why each flagged row is flagged: ``texts[codes[i]]``, code -1 for none (the batch's
    per-row status). Integer codes keep this as cheap as the range check itself."""

    def __init__(self, size: int) -> None:
        self.codes = np.full(size, -1, dtype=np.int32)
        self.texts: list[str] = []
        self._code: dict[str, int] = {}

    def add(self, rows: NDArray[np.intp], text: str) -> None:
        rows = rows[self.codes[rows] < 0]  # a row keeps its first reason
        if rows.size == 0:
            return
        code = self._code.setdefault(text, len(self.texts))
        if code == len(self.texts):  # each text once, however many blocks repeat it
            self.texts.append(text)
        self.codes[rows] = code


def _fmt(x: float | None, unbounded: str) -> str:
    return unbounded if x is None else f"{x:.4g}"


def range_text(name: str, lo: float | None, hi: float | None, model: str) -> str:
    """The reason of a flagged row, e.g. ``grade outside [0, 0.25] of backward_running``."""
    return f"{name} outside [{_fmt(lo, '-inf')}, {_fmt(hi, 'inf')}] of {model}"


class Flags:
    """Range and unit findings of one call, accumulated over its blocks.

    Parameters
    ----------
    where : Locator
        Names a flat position in the caller's terms.
    row_reasons : RowReasons, optional
        Gets the first reason of each flagged row (the batch's per-row status).
    """

    __slots__ = ("flagged", "ranges", "row_reasons", "units", "where")

    def __init__(self, where: Locator, row_reasons: RowReasons | None = None) -> None:
        self.where = where
        self.row_reasons = row_reasons
        # (phase, model code, bound) -> [count, first position, value, bounds, model, input]
        self.ranges: dict[tuple[int, int, int], list[Any]] = {}
        self.units: dict[str, list[Any]] = {}
        self.flagged = 0

    def outside(
        self,
        key: tuple[int, int],
        spec: ModelSpec,
        values: dict[str, Any],
        n: int = 1,
        rows: Any = None,
        offset: int = 0,
    ) -> Any:
        """Rows outside ``spec``'s validity (False, True or a bool array over the block).

        ``key`` orders the reasons in the message (phase, model code); ``values`` holds the
        inputs of the selected rows; ``n`` is the block's length, ``rows`` the selected
        positions in it (None: all of it); ``offset`` the block's first flat position.
        """
        bad_any: Any = False
        if type(values["speed_m_s"]) is float:  # one row
            if spec.inside(values):
                return False
            for j, name, low, high in spec.checks:
                x = values[name]
                if x < low or x > high:
                    lo, hi = spec.bounds[name]
                    self._range((*key, j), spec.name, name, 1, offset, x, lo, hi)
                    bad_any = True
            return bad_any
        for j, name, _, _ in spec.checks:
            x = values[name]
            lo, hi = spec.bounds[name]
            constant = x.strides[0] == 0  # a broadcast scalar
            if (lo is None or (x[0] if constant else x.min()) >= lo) and (
                hi is None or (x[0] if constant else x.max()) <= hi
            ):
                continue
            bad = np.zeros(x.shape, dtype=bool)
            if lo is not None:
                bad |= x < lo
            if hi is not None:
                bad |= x > hi
            local = np.flatnonzero(bad)
            positions = local if rows is None else rows[local]
            first = offset + int(positions[0])
            self._range((*key, j), spec.name, name, local.size, first, x[local[0]], lo, hi)
            if self.row_reasons is not None:
                self.row_reasons.add(positions + offset, range_text(name, lo, hi, spec.name))
            if bad_any is False:
                bad_any = np.zeros(n, dtype=bool)
            bad_any[positions] = True
        return bad_any

    def _range(
        self,
        key: tuple[int, int, int],
        model: str,
        name: str,
        count: int,
        first: int,
        value: Any,
        lo: float | None,
        hi: float | None,
    ) -> None:
        entry = self.ranges.get(key)
        if entry is None:
            self.ranges[key] = [count, first, float(value), (lo, hi), model, name]
        else:
            entry[0] += count

    def units_of(
        self, name: str, values: Any, offset: int = 0, span: list[Any] | None = None
    ) -> None:
        """Record values of ``name`` that look like another unit (see :data:`UNIT_LIMITS`).

        ``span``, when known, is the smallest and largest value (NaN ignored): a block whose
        span is plausible needs no pass over its values.
        """
        op, limit = _UNIT_TESTS[name]
        if span is not None and span[0] == span[0] and type(values) is not float:
            lo, hi = span
            if (
                (hi <= limit)
                if op == ">"
                else (lo >= limit)
                if op == "<"
                else (-limit <= lo and hi <= limit)
            ):
                return
        if type(values) is float:
            if (
                values > limit
                if op == ">"
                else values < limit
                if op == "<"
                else (values > limit or values < -limit)
            ):
                self._unit(name, 1, offset, values)
            return
        bad = values > limit if op == ">" else values < limit if op == "<" else abs(values) > limit
        if np.any(bad):
            positions = np.flatnonzero(bad)
            self._unit(name, positions.size, offset + int(positions[0]), values[positions[0]])

    def _unit(self, name: str, count: int, first: int, value: Any) -> None:
        entry = self.units.get(name)
        if entry is None:
            self.units[name] = [count, first, float(value)]
        else:
            entry[0] += count

    def finish(self, policy: str, size: int) -> None:
        """Emit the warnings (or raise) for everything found in the call."""
        for name, _, _, advice in UNIT_LIMITS:
            entry = self.units.get(name)
            if entry is not None:
                count, first, value = entry
                warnings.warn(
                    f"{name}={value:g} at {self.where(first)} {advice} "
                    f"({counted(count, 'such value')})",
                    UnitWarning,
                    stacklevel=stacklevel(),
                )
        if policy == "flag" or not self.ranges:
            return
        details = "; ".join(
            f"{name}={value:g} at {self.where(first)} outside "
            f"[{_fmt(bounds[0], '-inf')}, {_fmt(bounds[1], 'inf')}] of {model} "
            f"({counted(count, 'row')})"
            for _, (count, first, value, bounds, model, name) in sorted(self.ranges.items())
        )
        message = (
            f"{self.flagged} of {size} estimates use inputs outside a model's validity range: "
            f"{details}. They are computed, not clamped, and flagged in_range=False."
        )
        if policy == "raise":
            raise OutOfRangeError(message)
        if policy == "warn":
            warnings.warn(message, RangeWarning, stacklevel=stacklevel())
