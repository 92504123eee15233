"""Plan the columns: which file column (or constant) gives each input, and in what unit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import units
from ..nomenclature import ALIASES, INPUTS
from .types import _DURATION_INPUTS, _REQUIRED, LABEL_CHOICES, RESULT_COLUMNS, BatchError, Source

if TYPE_CHECKING:
    pass


def _normalise(name: str) -> str:
    return name.strip().lower()


def _known(name: str) -> tuple[str, str | None]:
    """(canonical, alias) for a canonical or alias name; BatchError otherwise."""
    key = _normalise(name)
    if key in INPUTS:
        return key, None
    if key in ALIASES:
        return ALIASES[key].canonical, key
    raise BatchError(
        f"{name!r} is not an input: expected one of {', '.join(INPUTS)} "
        f"or a unit alias ({', '.join(ALIASES)})"
    )


def resolve_columns(
    header: Sequence[str],
    columns: Mapping[str, str] | None = None,
    constants: Mapping[str, Any] | None = None,
    *,
    rmr_equation: str | None = None,
    where: str = "input",
) -> dict[str, Source]:
    """Find each input of :func:`retrocalc.estimate` in a file's header.

    Parameters
    ----------
    header : sequence of str
        Column names of the file.
    columns : mapping, optional
        Explicit ``{input or alias: file column}`` (``--column speed_kmh=Velocity``).
    constants : mapping, optional
        ``{input or alias: value}`` for inputs the file lacks (``--mass-kg 70``).
    rmr_equation : str, optional
        When given, ``sex``, ``age_years`` and ``height_cm`` are required too.
    where : str
        Name of the file, for messages.

    Returns
    -------
    dict
        ``{canonical input: Source}``.

    Raises
    ------
    BatchError
        A required input is neither a column nor a constant (the message lists the columns
        found), an input is given twice, or a mapped column does not exist.

    Examples
    --------
    >>> plan = resolve_columns(["Pace", "mass_lb", "duration_min"])
    >>> plan["speed_m_s"].describe()
    "speed_m_s <- column 'Pace' [text]"
    """
    found = ", ".join(map(repr, header)) or "none"
    plan: dict[str, Source] = {}

    def add(source: Source, how: str) -> None:
        if source.canonical in plan:
            raise BatchError(
                f"{where}: {source.canonical} is given twice: {plan[source.canonical].describe()}"
                f" and {source.describe()} ({how}); keep one"
            )
        plan[source.canonical] = source

    mapped = set()
    for name, column in (columns or {}).items():
        canonical, alias = _known(name)
        if column not in header:
            raise BatchError(
                f"{where}: --column {name}={column}: no column {column!r}; columns found: {found}"
            )
        mapped.add(column)
        add(Source(canonical, column=column, alias=alias), "--column")
    for column in header:
        if column in mapped:
            continue
        key = _normalise(column)
        if key in INPUTS:
            add(Source(key, column=column), "by name")
        elif key in ALIASES:
            add(Source(ALIASES[key].canonical, column=column, alias=key), "by name")
    for name, value in (constants or {}).items():
        if value is None:
            continue
        canonical, alias = _known(name)
        add(Source(canonical, constant=_constant(name, canonical, alias, value)), "constant")

    clashes = [c for c in header if _normalise(c) in RESULT_COLUMNS]
    if clashes:
        raise BatchError(
            f"{where}: columns {clashes} have the names of result columns; rename or drop them"
        )
    required = list(_REQUIRED)
    if rmr_equation is not None:
        required += ["sex", "age_years", "height_cm"]
    for name in required:
        if name not in plan:
            raise BatchError(_missing_message(where, name, found))
    if not any(name in plan for name in _DURATION_INPUTS):
        raise BatchError(_missing_message(where, "duration_s", found, "distance_m"))
    if all(name in plan for name in _DURATION_INPUTS):
        raise BatchError(f"{where}: give duration_s or distance_m, not both")
    return plan


def _missing_message(where: str, name: str, found: str, other: str | None = None) -> str:
    names = [name, *(a for a, spec in ALIASES.items() if spec.canonical == name)]
    if other is not None:
        names += [other, *(a for a, spec in ALIASES.items() if spec.canonical == other)]
    option = "--" + name.replace("_", "-")
    return (
        f"{where}: required column {name} is missing ({INPUTS[name].description}) and no "
        f"constant was given: name a column {' or '.join(names)}, map one with "
        f"--column {name}=COLUMN, or pass {option}. Columns found: {found}"
    )


def _constant(name: str, canonical: str, alias: str | None, value: Any) -> Any:
    """A constant checked like a column value: a number in range, or an allowed label."""
    var = INPUTS[canonical]
    if var.dtype == "str":
        text = str(value).strip().lower()
        if text not in LABEL_CHOICES[canonical]:
            choices = ", ".join(map(repr, LABEL_CHOICES[canonical]))
            raise BatchError(f"constant {name}={value!r}: expected one of {choices}")
        return text
    try:
        if alias == "pace":
            number = float(units.pace_to_speed(str(value)))
        else:
            number = float(value)
            if alias is not None:
                number = float(getattr(units, ALIASES[alias].convert)(number))
    except (TypeError, ValueError) as exc:
        raise BatchError(f"constant {name}={value!r}: {exc}") from None
    if not np.isfinite(number) or var.impossible(number):
        raise BatchError(
            f"constant {name}={value!r} is impossible: expected a finite number "
            f"{var.bound} ({var.expected})"
        )
    return number
