"""The words and readings of ``retrocalc pace``: speeds and paces as text, values that look
like another unit, a given pace or a column of them, a cell's label, the atomic answer file."""

from __future__ import annotations

from typing import Any

import click
import numpy as np
from numpy.typing import NDArray

from .._wrap import Locator, label_code
from ..composition import rules
from ..units import pace_to_speed, speed_to_pace


def _number(value: float, decimals: int) -> str:
    # fixed decimals for a speed, significant digits (1e+30, 2e-07) for a value that would
    # print a wall of digits or nothing but zeros that way
    if value == 0 or 10.0**-decimals <= abs(value) < 1e6:
        return f"{value:.{decimals}f}"
    return f"{value:.4g}"


def _speed_text(v: float, unit: str) -> str:
    if not np.isfinite(v):
        return "no speed"
    pace = speed_to_pace(v, unit) or "no pace"  # "" for a standstill or a crawl
    return f"{_number(v, 3)} m/s = {_number(v * 3.6, 2)} km/h = {pace}"


#: What to type instead, for a value of an option (or column) that looks like another unit
_RETYPE = {
    ("--speed-m-s", "high"): "for km/h give --speed-kmh",
    **{
        (key, side): f"a grade is a fraction: {sign}0.05 for {sign}5 %"
        for key in ("--grade", "--to-grade", "grade", "to_grade")
        for side, sign in (("low", "-"), ("high", ""))
    },
}


def _say_units(checks: list[tuple[str, str, Any, bool]]) -> None:
    """Say on standard error, in the command's words, which value looks like another unit
    (the library's rules and findings: :func:`retrocalc.composition.validate.unit_suspects`).

    ``checks``: (what: an option and its value as typed, ``"--speed-kmh 60"``, or a column
    of the input file; the input; its value or column in the input's unit; whether ``what``
    is in that unit) each. A column's rows are counted from 1, as in the file.
    """
    from ..composition.validate import unit_suspects
    from ..nomenclature import INPUTS, counted

    for what, name, values, same_unit in checks:
        if values is None:
            continue
        for rule, side, many, first, value in unit_suspects({name: values}):
            if np.ndim(values):
                subject = f"{what}={value:g}" if same_unit else what
                subject = f"{subject} in row {first + 1}"
                tail = f" ({counted(many, 'such value')})"
            else:
                subject, tail = what, ""
            if same_unit:
                text = f"{subject} {rule.hint(side)}{tail}"
            else:  # given in another unit (km/h, a pace): its own unit is not the question
                unit = INPUTS[name].unit
                # a grade is a fraction (unit 1): "is 5.000 1" read as a typo
                said = (
                    f"a {name} of {_number(value, 3)}"
                    if unit == "1"
                    else f"{_number(value, 3)} {unit}"
                )
                text = f"{subject} is {said}{tail}: {rule.why}"
            retype = _RETYPE.get((what.split(" ")[0], side))
            click.echo(f"Warning: {text}{'; ' + retype if retype else ''}", err=True)


def _read_pace(text: str, unit: str) -> float:
    """A given pace [m/s]: in its own unit when it says one (``8:00/mi`` with the default
    ``--unit km``), else in ``unit`` (``5:00``)."""
    try:
        return float(pace_to_speed(text))
    except ValueError:  # no unit of its own (or malformed: said by the second try)
        return float(pace_to_speed(text, unit))


_CELL = Locator(())  # (the position is the row's: said by the answer's row)
#: The labels the solver takes (``gait="auto"`` has no speed to decide by).
_GAITS = ("walk", "run")
_DIRECTIONS = tuple(rules.DIRECTION_CODES)


def _label(name: str, value: Any, choices: tuple[str, ...]) -> int:
    """A cell's label code as the library reads labels; -1 missing, -2 not in ``choices``."""
    try:
        code = label_code(_CELL, name, value, rules.LABELS[name.removeprefix("to_")][0], 0)
    except ValueError:
        return -2
    if code < 0:
        return -1
    return code if str(value).strip().lower() in choices else -2


def _read_paces(texts: NDArray[Any], unit: str) -> tuple[NDArray[np.float64], dict[int, str]]:
    """Distinct paces of a column [m/s] (as :func:`_read_pace`), and the fault of each that
    does not read, by position: one vectorised reading when they agree on their units (the
    usual case), one per distinct pace only when they do not."""
    for default in (unit, None):  # all without a unit (or in unit's), or all with their own
        try:
            return np.asarray(pace_to_speed(texts, default), dtype=np.float64), {}
        except ValueError:
            pass
    speeds = np.full(texts.size, np.nan)
    faults: dict[int, str] = {}
    for k, text in enumerate(texts.tolist()):
        try:
            speeds[k] = (
                _read_pace(text, unit)
                if isinstance(text, str)
                else float(pace_to_speed(text, unit))  # minutes per unit
            )
        except ValueError as exc:
            faults[k] = str(exc).removesuffix(" (at the scalar input)")
    return speeds, faults


def _option(option: str, value: Any) -> str:
    """An option with its value as typed (a number as click read it)."""
    return f"{option} {value:g}" if isinstance(value, float) else f"{option} {value}"


def _write_atomic(frame: Any, output: str, source: str) -> None:
    """The answers to standard output, or to ``output`` by the batch's atomic writer (a new
    file gets the usual permissions, a folder or a missing folder is an error naming it);
    never over the input file ``source``."""
    if output == "-":
        click.echo(frame.to_csv(index=False), nl=False)
        return
    from ..batch.types import OutputError
    from ..batch.write import atomic_output, same_file

    if same_file(source, output):
        raise click.ClickException(f"output {output!r} is the input; refusing to overwrite it")
    try:
        with atomic_output(output) as handle:
            frame.to_csv(handle, index=False)
    except OutputError as exc:
        raise click.ClickException(f"{exc} (no output written)") from None
