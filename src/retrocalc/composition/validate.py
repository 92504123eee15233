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

import os
import sys
import warnings
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from .._fa import lowest
from .._wrap import Locator
from ..exceptions import OutOfRangeError, RangeWarning, UnitWarning
from ..models import ModelSpec
from ..nomenclature import INPUTS, counted
from .plausible import UNIT_LIMITS, Plausible

__all__ = [
    "NOT_FINITE",
    "POLICIES",
    "Flags",
    "ImpossibleValueError",
    "RowReasons",
    "UnitSuspect",
    "check",
    "stacklevel",
    "unit_findings",
    "unit_suspects",
]

POLICIES = ("warn", "flag", "nan", "raise")

#: The reason of a row whose results are not finite.
NOT_FINITE = (
    "result is not finite: an input is too large or too small (check the units of "
    "mass_kg, duration_s, distance_m and speed_m_s)"
)


# lower bounds of the inputs that have one: (bound, True when the bound itself is impossible)
_LOWER = {
    name: (var.lower, var.lower_open) for name, var in INPUTS.items() if var.lower is not None
}
_GENERAL = {rule.name: rule for rule in UNIT_LIMITS if rule.gait is None}
#: per-gait rules by (input, gait code)
_BY_GAIT = {
    (rule.name, {"walk": 0, "run": 1}[rule.gait]): rule for rule in UNIT_LIMITS if rule.gait
}
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def stacklevel() -> int:
    """The stack level of the first frame outside retrocalc (a warning points at the caller)."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


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

    def mask(self, values: Any) -> Any:
        """Where ``values`` break this error's rule (non-finite values are missing, not
        impossible)."""
        op, bound = self.rule.split(" ")
        low = float(bound)
        return np.isfinite(values) & (values <= low if op == ">" else values < low)

    def recount(self, values: Any) -> ImpossibleValueError:
        """The same error with the count taken over ``values`` (the whole input)."""
        bad = self.mask(values)
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
        Gets the first reason of each flagged row (the batch's per-row status): a range
        left or a unit that looks wrong.
    errors : RowReasons, optional
        Gets rows with no usable result (not finite: the batch's status ``error``).
    """

    __slots__ = (
        "errors",
        "flagged",
        "nonfinite",
        "ranges",
        "row_reasons",
        "suspect",
        "units",
        "where",
    )

    def __init__(
        self,
        where: Locator,
        row_reasons: RowReasons | None = None,
        errors: RowReasons | None = None,
    ) -> None:
        self.where = where
        self.row_reasons = row_reasons
        self.errors = errors
        self.nonfinite: list[int] | None = None
        # (phase, model code, bound) -> [count, first position, value, bounds, model, input]
        self.ranges: dict[tuple[int, int, int], list[Any]] = {}
        self.units: dict[tuple[Plausible, str], list[Any]] = {}
        self.flagged = 0
        # the current block's rows with a value that looks like another unit (False: none):
        # they are not in range (computed as given, in case the value is real, and flagged)
        self.suspect: Any = False

    def outside(
        self,
        key: tuple[int, int],
        spec: ModelSpec,
        values: dict[str, Any],
        n: int = 1,
        rows: Any = None,
        offset: int = 0,
        spans: Mapping[str, list[Any]] | None = None,
    ) -> Any:
        """Rows outside ``spec``'s validity (False, True or a bool array over the block).

        ``key`` orders the reasons in the message (phase, model code); ``values`` holds the
        inputs of the selected rows; ``n`` is the block's length, ``rows`` the selected
        positions in it (None: all of it); ``offset`` the block's first flat position;
        ``spans`` the smallest and largest value of inputs over the whole block (NaN
        ignored; NaN never leaves a range), used when all rows are selected.
        """
        bad_any: Any = False
        if type(values["speed_m_s"]) is float:  # one row, found outside by spec.inside
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
            span = spans.get(name) if spans is not None and rows is None else None
            if span is not None and span[0] == span[0]:
                low, high = span
            elif x.strides[0] == 0:  # a broadcast scalar
                low = high = x[0]
            else:
                low, high = x.min(), x.max()
            if (lo is None or low >= lo) and (hi is None or high <= hi):
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
        self,
        name: str,
        values: Any,
        n: int = 1,
        offset: int = 0,
        span: list[Any] | None = None,
    ) -> None:
        """Record values of ``name`` that look like another unit (see :data:`UNIT_LIMITS`);
        ``n`` rows in the block (a constant stands for all of them).

        ``span``, when known, is the smallest and largest value (NaN ignored): a block whose
        span is plausible needs no pass over its values.
        """
        rule = _GENERAL.get(name)
        if rule is None:
            return
        if span is not None and span[0] == span[0] and type(values) is not float:
            lo, hi = span
            if (rule.low is None or lo >= rule.low) and (rule.high is None or hi <= rule.high):
                return
        self._suspect(rule, values, True, n, offset)

    def units_of_gait(
        self,
        name: str,
        values: Any,
        gait: Any,
        n: int,
        offset: int = 0,
        span: list[Any] | None = None,
    ) -> None:
        """Record values of ``name`` that look like another unit for their gait (codes);
        ``span`` as in :meth:`units_of`."""
        for (rule_name, code), rule in _BY_GAIT.items():
            if rule_name != name:
                continue
            if span is not None and span[0] == span[0] and type(values) is not float:
                lo, hi = span
                if (rule.low is None or lo >= rule.low) and (rule.high is None or hi <= rule.high):
                    continue
            if np.any(gait == code):
                self._suspect(rule, values, gait == code, n, offset)

    def _suspect(self, rule: Plausible, values: Any, rows: Any, n: int, offset: int) -> None:
        for side, limit in (("low", rule.low), ("high", rule.high)):
            if limit is None:
                continue
            with np.errstate(invalid="ignore"):
                bad = values < limit if side == "low" else values > limit
            if rows is not True:
                bad = bad & rows
            if not np.any(bad):
                continue
            rows_bad = np.broadcast_to(bad, (n,))
            if rule.warns:  # (a batch-only rule, such as a long duration, leaves it in range)
                self.suspect = rows_bad if self.suspect is False else self.suspect | rows_bad
            positions = np.flatnonzero(rows_bad)
            value = values if np.ndim(values) == 0 else values[positions[0]]
            if rule.warns:
                self._unit(rule, side, positions.size, offset + int(positions[0]), value)
            if self.row_reasons is not None:
                self.row_reasons.add(positions + offset, rule.reason(side))

    def _unit(self, rule: Plausible, side: str, count: int, first: int, value: Any) -> None:
        key = (rule, side)
        entry = self.units.get(key)
        if entry is None:
            self.units[key] = [count, first, float(value)]
        else:
            entry[0] += count

    def not_finite(self, bad: Any, offset: int = 0) -> None:
        """Record rows whose results are not finite (inputs too large for float64)."""
        positions = np.flatnonzero(bad)
        if not positions.size:
            return
        if self.nonfinite is None:
            self.nonfinite = [0, offset + int(positions[0])]
        self.nonfinite[0] += positions.size
        if self.errors is not None:
            self.errors.add(positions + offset, NOT_FINITE)

    def unit_suspects(self) -> list[UnitSuspect]:
        """The values found to look like another unit, in the order of :data:`UNIT_LIMITS`."""
        found = []
        for rule in UNIT_LIMITS:
            for side in ("low", "high"):
                entry = self.units.get((rule, side))
                if entry is not None:
                    count, first, value = entry
                    found.append(UnitSuspect(rule, side, count, first, value))
        return found

    def unit_texts(self) -> list[str]:
        """The UnitWarning texts of the values found to look like another unit."""
        texts = []
        # one number given (a body mass for a whole recording): no position, no count
        scalar = getattr(self.where, "shape", None) == ()
        for rule, side, count, first, value in self.unit_suspects():
            who = f" (gait {rule.gait})" if rule.gait else ""
            at = "" if scalar else f" at {self.where(first)}"
            many = "" if scalar else f" ({counted(count, 'such value')})"
            texts.append(f"{rule.name}={value:g}{who}{at} {rule.hint(side)}; {rule.advice}{many}")
        return texts

    def finish(self, policy: str, size: int) -> None:
        """Emit the warnings (or raise) for everything found in the call."""
        for text in self.unit_texts():
            warnings.warn(text, UnitWarning, stacklevel=stacklevel())
        if self.nonfinite is not None and policy != "flag":
            count, first = self.nonfinite
            message = (
                f"{count} of {size} estimates are not finite (first at {self.where(first)}): "
                "an input is too large or too small for float64 arithmetic (check the units "
                "of mass_kg, duration_s, distance_m and speed_m_s); they are flagged "
                "in_range=False"
            )
            if policy == "raise":
                raise OutOfRangeError(message)
            warnings.warn(message, RangeWarning, stacklevel=stacklevel())
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


class UnitSuspect(NamedTuple):
    """Values of an input past one plausibility rule: the rule, the side (``"low"`` or
    ``"high"``), how many, the position of the first and its value."""

    rule: Plausible
    side: str
    many: int
    first: int
    value: float


def unit_suspects(given: Mapping[str, Any]) -> list[UnitSuspect]:
    """The values of ``given`` (inputs by name: numbers or equal-length arrays) that look
    like another unit, for callers that word them in their own terms (the command line)."""
    return _unit_flags(given, None).unit_suspects()


def _unit_flags(given: Mapping[str, Any], where: Locator | None) -> Flags:
    flags = Flags(where or Locator(()))
    for name, value in given.items():
        if value is not None:
            values = np.asarray(value, dtype=np.float64)
            flags.units_of(name, values if values.ndim else float(values), values.size)
    return flags


def unit_findings(given: Mapping[str, Any], where: Locator | None = None) -> list[str]:
    """The UnitWarning texts :func:`retrocalc.estimate` would give for ``given`` (inputs by
    name: numbers or equal-length arrays, positions named by ``where``), for callers whose
    own estimates silence those warnings: they pass streams whose glitches they flag
    otherwise (:func:`retrocalc.estimate_activity`), or try speeds themselves
    (:func:`retrocalc.speed_for`)."""
    return _unit_flags(given, where).unit_texts()
