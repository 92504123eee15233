"""Plan the columns: which file column (or constant) gives each input, and in what unit."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import units
from ..activity_types import user_table
from ..nomenclature import (
    ACTIVITY_TYPE,
    ALIASES,
    BARE_DURATION,
    HEART_RATE_NAMES,
    INPUTS,
    lookup,
    normalise,
    suggest,
    unknown_name,
)
from .types import (
    _DURATION_INPUTS,
    _REQUIRED,
    HR_COLUMNS,
    HR_PERSON,
    LABEL_CHOICES,
    RESULT_COLUMNS,
    BatchError,
    Source,
)

#: The canonical name of the heart rate, an input of the batch but not of estimate().
HEART_RATE = "heart_rate_bpm"

#: Options of the plan passed among the constants of :func:`retrocalc.estimate_file`
#: (``pace_unit="km"``, ``activity_map={"Fartlek": "run"}``): they say how to read columns.
READING_OPTIONS = ("pace_unit", "activity_map")


@dataclass(frozen=True)
class ReadSource(Source):
    """A :class:`~retrocalc.batch.Source` that needs reading options: pace text without a
    unit (``pace_unit``), an export's activity type column (gives gait and direction), or
    numbers in a file separated by semicolons (``decimal_comma``: ``3,154`` is 3.154, the
    spreadsheet convention of the locales that use a semicolon, not 3154)."""

    pace_unit: str | None = None
    activity_map: tuple[tuple[str, Any], ...] = ()
    gives_direction: bool = True
    decimal_comma: bool = False

    def describe(self) -> str:
        if self.alias == ACTIVITY_TYPE:
            gives = "gait, direction" if self.gives_direction else "gait"
            return f"{gives} <- activity type column {self.column!r}"
        text = super().describe()
        if self.decimal_comma:
            text += " (decimal comma)"
        return text + (f" (pace per {self.pace_unit})" if self.pace_unit else "")


def _known(name: str) -> tuple[str, str | None]:
    """(canonical, alias) for a canonical, alias, heart-rate or ``activity_type`` name;
    BatchError with did-you-mean suggestions otherwise."""
    if normalise(name) == ACTIVITY_TYPE:
        return "gait", ACTIVITY_TYPE
    if _is_heart_rate(name):
        return HEART_RATE, None
    found = lookup(name)
    if found is None:
        raise BatchError(
            unknown_name(name, "not an input:", [*INPUTS, *ALIASES, HEART_RATE, ACTIVITY_TYPE])
            + f" (inputs: {', '.join(INPUTS)}; unit aliases: {', '.join(ALIASES)}; "
            f"and {HEART_RATE}, {ACTIVITY_TYPE})"
        )
    return found


def _is_heart_rate(name: str) -> bool:
    """A name read as the heart rate (:data:`retrocalc.nomenclature.HEART_RATE_NAMES`)."""
    return normalise(name) in HEART_RATE_NAMES


_CLIMB_WORDS = ("gain", "ascent", "climb", "elevation", "descent", "loss")


def _is_climb(column: str) -> bool:
    """A column named like an elevation gain or loss (Garmin's ``Elevation Gain``, Strava's
    ``Elevation Gain``, ``Total Ascent``)."""
    words = normalise(column).split("_")
    return any(w in words for w in _CLIMB_WORDS) and "grade" not in words


def _find_column(header: Sequence[str], column: str) -> str | None:
    """The header's column for a ``--column`` name: exact, else matched like headers are
    (case, blanks, hyphens); None when absent or ambiguous."""
    if column in header:
        return column
    matches = [c for c in header if normalise(c) == normalise(column)]
    return matches[0] if len(matches) == 1 else None


def _reading_options(constants: Mapping[str, Any] | None) -> tuple[str | None, Any]:
    options = constants or {}
    pace_unit = options.get("pace_unit")
    if pace_unit is not None:
        try:
            pace_unit = units._unit_name(str(pace_unit))
        except ValueError as exc:
            raise BatchError(f"--pace-unit: {exc}") from None
    try:
        # checked once, before any row; kept as (type key, (gait, direction)) pairs
        table = user_table(options.get("activity_map"))
    except ValueError as exc:
        raise BatchError(f"--activity-map: {exc}") from None
    items = tuple(table.items())
    return pace_unit, items


def resolve_columns(
    header: Sequence[str],
    columns: Mapping[str, str] | None = None,
    constants: Mapping[str, Any] | None = None,
    *,
    rmr_equation: str | None = None,
    where: str = "input",
    decimal_comma: bool = False,
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
    decimal_comma : bool
        The file's numbers use the decimal comma where a comma could be either (``3,154``):
        a file separated by semicolons (see :class:`ReadSource`).

    Returns
    -------
    dict
        ``{canonical input: Source}``; with ``heart_rate_bpm`` when the file has a heart rate
        (mapped with ``columns``, or one column named as in
        :data:`retrocalc.nomenclature.HEART_RATE_NAMES`) and age and sex are given.

    Raises
    ------
    BatchError
        A required input is neither a column nor a constant (the message lists the columns
        found), an input is given twice, a mapped column does not exist, or a heart rate is
        mapped without age and sex.

    Examples
    --------
    >>> plan = resolve_columns(["Pace", "mass_lb", "duration_min"])
    >>> plan["speed_m_s"].describe()
    "speed_m_s <- column 'Pace' [text]"
    """
    found = ", ".join(map(repr, header)) or "none"
    twice = sorted({c for c in header if list(header).count(c) > 1})
    if twice:
        # (Strava's full activities.csv repeats Distance, Elapsed Time... in other units)
        raise BatchError(
            f"{where}: columns {', '.join(map(repr, twice))} appear more than once in the "
            "header; the batch needs unique column names (rename the repeats, e.g. 'Distance' "
            "-> 'Distance (m)')"
        )
    plan: dict[str, Source] = {}
    pace_unit, activity_map = _reading_options(constants)
    constants = {k: v for k, v in (constants or {}).items() if k not in READING_OPTIONS}

    def source(canonical: str, alias: str | None, **where: Any) -> Source:
        if alias == ACTIVITY_TYPE:
            return ReadSource(canonical, alias=alias, activity_map=activity_map, **where)
        if alias == "pace" and pace_unit is not None:
            return ReadSource(canonical, alias=alias, pace_unit=pace_unit, **where)
        if decimal_comma and "column" in where:
            return ReadSource(canonical, alias=alias, decimal_comma=True, **where)
        return Source(canonical, alias=alias, **where)

    def add(source: Source, how: str) -> None:
        if source.canonical in plan:
            raise BatchError(
                f"{where}: {source.canonical} is given twice: {plan[source.canonical].describe()}"
                f" and {source.describe()}{'' if how == 'constant' else f' ({how})'}; keep one"
            )
        plan[source.canonical] = source

    mapped = set()
    heart_rates: list[str] = []  # columns named like a heart rate
    for name, column in (columns or {}).items():
        canonical, alias = _known(name)
        in_file = _find_column(header, column)
        if in_file is None:
            raise BatchError(
                f"{where}: --column {name}={column}: "
                + unknown_name(column, "no column", header)
                + f"; columns found: {found}"
            )
        mapped.add(in_file)
        add(source(canonical, alias, column=in_file), "--column")
    by_name_activity = None
    for column in header:
        if column in mapped:
            continue
        if normalise(column) == ACTIVITY_TYPE:
            by_name_activity = column
            continue
        if _is_heart_rate(column):
            heart_rates.append(column)
            continue
        match = lookup(column)
        if match is not None:
            add(source(match[0], match[1], column=column), "by name")
    for name, value in constants.items():
        if value is None:
            continue
        canonical, alias = _known(name)
        if alias == ACTIVITY_TYPE:
            raise BatchError(f"{name} is a column of exports, not a constant: use --gait")
        if canonical == HEART_RATE:
            raise BatchError(
                f"{name} is read from a column (a heart rate per row), not given as a constant: "
                f"map one with --column {HEART_RATE}=COLUMN"
            )
        number = _constant(name, canonical, alias, value, pace_unit)
        # (describe() says "constant"; a unit alias is named as given: speed_kmh=10)
        how = "constant" if alias is None else f"{name}={value!r}"
        add(Source(canonical, constant=number), how)
    # an export's activity type column found by name gives the gait unless a gait is given
    # (a column or a constant wins); a given direction wins over the type's direction
    if by_name_activity is not None and "gait" not in plan:
        add(source("gait", ACTIVITY_TYPE, column=by_name_activity), "by name")
    activity = plan.get("gait")
    if isinstance(activity, ReadSource) and "direction" in plan:
        plan["gait"] = dataclasses.replace(activity, gives_direction=False)

    grade = plan.get("grade")
    if grade is not None and grade.column is not None and _is_climb(grade.column):
        raise BatchError(
            f"{where}: {grade.describe()}: {grade.column!r} looks like an elevation gain (metres "
            "climbed), which is not a grade: the grade of a route is its net climb over its "
            "distance (zero for an out-and-back route however hilly). Leave it out (the "
            "estimate is then for level ground) or estimate from the activity files with "
            "'retrocalc activity', which uses each stretch's own grade"
        )

    _plan_heart_rate(plan, heart_rates, where)
    check_result_names(
        header, (*RESULT_COLUMNS, *(HR_COLUMNS if HEART_RATE in plan else ())), where
    )
    required = list(_REQUIRED)
    if all(name in plan for name in _DURATION_INPUTS):
        required.remove("speed_m_s")  # speed = distance / duration, row by row
    if rmr_equation is not None:
        required += ["sex", "age_years", "height_cm"]
    for name in required:
        if name not in plan:
            raise BatchError(_missing_message(where, name, found, header=header))
    if not any(name in plan for name in _DURATION_INPUTS):
        raise BatchError(_missing_message(where, "duration_s", found, "distance_m", header))
    return plan


def check_result_names(header: Sequence[str], names: Sequence[str], where: str = "input") -> None:
    """Refuse header columns named like columns the run adds (``names``: with a calibration
    or an interval there are more than :data:`RESULT_COLUMNS`)."""
    added = set(names)
    clashes = [c for c in header if normalise(c) in added]
    if clashes:
        raise BatchError(
            f"{where}: columns {clashes} have the names of result columns; rename or drop them"
        )


def _plan_heart_rate(plan: dict[str, Source], named: Sequence[str], where: str) -> None:
    """The heart rate for energy from heart rate: a column mapped with ``--column`` (which
    then needs age and sex: an error without them), else the one column named like a heart
    rate when age and sex are given (without them, or with several such columns, none: the
    summary says why, :func:`heart_rate_note`)."""
    missing = [name for name in HR_PERSON if name not in plan]
    source = plan.get(HEART_RATE)
    if source is not None:
        if missing:
            wanted = " and ".join(
                f"{name} (a column {name} or --{name.replace('_', '-')})" for name in missing
            )
            raise BatchError(
                f"{where}: {source.describe()}: energy from heart rate (Keytel et al. 2005) "
                f"needs age_years and sex; missing: {wanted}"
            )
        return
    if len(named) == 1 and not missing:
        plan[HEART_RATE] = Source(HEART_RATE, column=named[0])


def heart_rate_note(header: Sequence[str], plan: Mapping[str, Source]) -> str | None:
    """Why a column named like a heart rate gives no energy from heart rate, or None."""
    if HEART_RATE in plan:
        return None
    used = {s.column for s in plan.values()}
    named = [c for c in header if _is_heart_rate(c) and c not in used]
    if not named:
        return None
    if len(named) > 1:
        return (
            f"columns {', '.join(map(repr, named))} all look like a heart rate: map one with "
            f"--column {HEART_RATE}=COLUMN (and give age_years and sex) for energy from heart rate"
        )
    missing = " and ".join(f"--{name.replace('_', '-')}" for name in HR_PERSON if name not in plan)
    return (
        f"column {named[0]!r} looks like a heart rate: give {missing} (or such columns) for "
        "energy from heart rate (hr_ columns, Keytel et al. 2005)"
    )


def _close_columns(header: Sequence[str], canonical: str) -> list[str]:
    """Header columns whose name is close to a name of ``canonical`` (for hints)."""
    names = [canonical, *(a for a, spec in ALIASES.items() if spec.canonical == canonical)]
    found = []
    for column in header:
        key = normalise(column)
        if lookup(column) is not None:
            continue  # already an input by name
        close = suggest(column, names)
        if close or any(n.startswith(key + "_") for n in names):
            found.append(column)
    return found


def _missing_message(
    where: str, name: str, found: str, other: str | None = None, header: Sequence[str] = ()
) -> str:
    names = [name, *(a for a, spec in ALIASES.items() if spec.canonical == name)]
    if other is not None:
        names += [other, *(a for a, spec in ALIASES.items() if spec.canonical == other)]
    looks = [(c, _close_columns(header, c)) for c in (name, other) if c is not None]
    if name == "speed_m_s":  # speed may come from these two
        looks += [(c, _close_columns(header, c)) for c in _DURATION_INPUTS]
    hint = "; ".join(
        f"{', '.join(map(repr, columns))} may be {c} (map it with --column)"
        for c, columns in looks
        if columns
    )
    hint = f". {hint[0].upper()}{hint[1:]}" if hint else ""
    option = "--" + name.replace("_", "-")
    derive = (
        " (or give both a distance and a duration: speed is then distance / duration)"
        if name == "speed_m_s"
        else ""
    )
    return (
        f"{where}: required column {name} is missing ({INPUTS[name].description}) and no "
        f"constant was given: name a column {' or '.join(names)}, map one with "
        f"--column {name}=COLUMN, or pass {option}{derive}. Columns found: {found}{hint}"
    )


def _constant(
    name: str, canonical: str, alias: str | None, value: Any, pace_unit: str | None = None
) -> Any:
    """A constant checked like a column value: a number in range, or an allowed label."""
    var = INPUTS[canonical]
    if var.dtype == "str":
        text = str(value).strip().lower()
        if text not in LABEL_CHOICES[canonical]:
            choices = ", ".join(map(repr, LABEL_CHOICES[canonical]))
            raise BatchError(f"constant {name}={value!r}: expected one of {choices}")
        return text
    try:
        if alias in ("pace", "duration"):  # text, parsed as the column's cells are
            numbers, errors = (
                units.parse_paces([str(value)], unit=pace_unit)
                if alias == "pace"
                else units.parse_duration_texts([str(value)], numbers=False)
            )
            if alias == "duration" and units._is_plain_number(str(value).strip()):
                raise ValueError(f"{str(value).strip()!r} {BARE_DURATION}")
            if errors[0]:
                raise ValueError(errors[0].replace("pass unit=", "pass --pace-unit"))
            number = float(numbers[0])
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
