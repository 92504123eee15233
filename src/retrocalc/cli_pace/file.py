"""``retrocalc pace --input FILE``: every row of a CSV answered, a bad cell its row's answer."""

from __future__ import annotations

import warnings
from typing import Any

import click
import numpy as np

from .._csv import delimiter_of
from ..inverse import TARGET_RULE, equivalent_speed, speed_for
from ..nomenclature import convert
from ..units import speed_to_pace
from .text import _DIRECTIONS, _GAITS, _label, _option, _read_paces, _say_units, _write_atomic


def _answer_file(path: str, output: str, given: dict[str, Any], opts: dict[str, Any]) -> None:
    import pandas as pd

    from ..nomenclature import INPUTS

    try:
        # a blank line is a row (an empty cell of a one-column sheet): no question is dropped;
        # a spreadsheet's semicolons (and decimal commas) read as the batch reads them
        sep = delimiter_of(path)
        frame = pd.read_csv(
            path, skip_blank_lines=False, sep=sep, decimal="," if sep == ";" else "."
        )
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"cannot read {path}: {exc}") from None

    n = len(frame)
    # a cell that is not a number (or not a pace) is that row's answer, "invalid" with the
    # column and the value, as a bad cell of `retrocalc estimate` is: never the whole file
    cells = np.full(n, "", dtype=object)

    def bad_cells(mask: Any, raw: Any, say: Any) -> None:
        """``say(value)`` added to the answer of each row in ``mask``: each distinct value
        worded once (a column of text is not a Python step per row)."""
        rows = np.flatnonzero(mask)
        if rows.size:
            codes, uniques = pd.factorize(raw.iloc[rows])
            texts = np.array([say(u) for u in uniques], dtype=object)[codes]
            old = cells[rows]
            cells[rows] = np.where(old == "", texts, old + "; " + texts)

    # the columns of each input: its canonical name or a unit alias (speed_kmh, pace,
    # mass_lb, grade_pct...), matched as `retrocalc estimate` matches them
    source = _sources(path, frame.columns)
    numbers: dict[str, Any] = {}
    for name in ("target", "speed_m_s", "mass_kg", "grade", "to_grade"):
        if name in source and source[name][1] != "pace":
            column, alias = source[name]
            raw = frame[column]
            values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
            wrong = raw.notna().to_numpy() & np.isnan(values)
            bad_cells(
                wrong, raw, lambda value, column=column: f"{column}: {value!r} is not a number"
            )
            if alias is not None:
                values = np.asarray(convert(alias, values), dtype=float)
            var = INPUTS.get("grade" if name == "to_grade" else name)
            impossible = np.asarray(var.impossible(values), dtype=bool) if var else None
            if name == "target" and (values < TARGET_RULE[1]).any():
                below = values < TARGET_RULE[1]
                rule = "{} {:g} ({})".format(*TARGET_RULE)
                bad_cells(
                    below,
                    raw,
                    lambda value, rule=rule: (
                        f"target: {str(value)!r} is impossible: must be {rule}"
                    ),
                )
                values = np.where(below, np.nan, values)
            if var is not None and impossible is not None and impossible.any():
                # (the library would refuse the whole column for one such cell)
                bad_cells(
                    impossible,
                    raw,
                    lambda value, column=column, var=var: (
                        f"{column}: {str(value)!r} is impossible: must be {var.bound} "
                        f"({var.expected})"
                    ),
                )
                values = np.where(impossible, np.nan, values)
            numbers[name] = values

    # a label the solver does not know is its row's answer too (the solver refuses the
    # whole column for one): each distinct cell read as the library reads labels (case,
    # blanks, missing-value texts); a missing cell takes the option's label, as a missing
    # column does, and a bad one is solved with it, then said invalid
    for name, choices in (("gait", _GAITS), ("direction", _DIRECTIONS),
                          ("to_direction", _DIRECTIONS)):  # fmt: skip
        if name in source:
            raw = frame[source[name][0]]
            codes, uniques = pd.factorize(raw)  # (a missing cell: -1)
            read = np.array([_label(name, v, choices) for v in uniques.tolist()] + [-1])
            cell = read[codes]  # -1 missing, -2 not a label the solver takes
            if (cell < 0).any():
                wrong = cell == -2
                bad_cells(
                    wrong,
                    raw,
                    lambda value, name=name, choices=choices: (
                        f"{name}: {str(value)!r} is not one of {', '.join(map(repr, choices))}"
                    ),
                )
                stand_in = opts["gait"] if name == "gait" else opts["direction"]
                numbers[name] = np.where(cell < 0, stand_in, raw.to_numpy(dtype=object))

    def col(name: str, default: Any) -> Any:
        if name in numbers:
            return numbers[name]
        return frame[source[name][0]].to_numpy() if name in source else default

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if "target" in source or given["target"] is not None:
            result = speed_for(
                np.broadcast_to(np.asarray(col("target", given["target"]), dtype=float), (n,)),
                quantity=opts["quantity"],
                mass_kg=col("mass_kg", opts["mass_kg"]),
                grade=col("grade", opts["grade"]),
                gait=col("gait", opts["gait"]),
                direction=col("direction", opts["direction"]),
                model=opts["model"],
                duration_s=None if opts["duration_min"] is None else opts["duration_min"] * 60.0,
                full_output=True,
            )
        else:
            if "speed_m_s" not in source:
                raise click.ClickException(
                    f"{path} needs a column target, or a speed: speed_m_s, speed_kmh, "
                    "speed_mph, pace (5:30/km), pace_min_km or pace_min_mi (or give --target)"
                )
            if source["speed_m_s"][1] == "pace":  # text: each distinct pace read once
                codes, uniques = pd.factorize(frame[source["speed_m_s"][0]])  # (missing: -1)
                speeds, faults = _read_paces(np.asarray(uniques, dtype=object), opts["unit"])
                v = np.where(codes >= 0, speeds[codes], np.nan)
                if faults:
                    bad_cells(
                        np.isin(codes, list(faults)),
                        pd.Series(codes),
                        lambda code: faults[code],
                    )
            else:
                v = numbers["speed_m_s"]
            result = equivalent_speed(
                v,
                grade=col("grade", opts["grade"]),
                direction=col("direction", opts["direction"]),
                gait=col("gait", opts["gait"]),
                to_grade=col("to_grade", 0.0 if opts["to_grade"] is None else opts["to_grade"]),
                to_direction=col(
                    "to_direction",
                    opts["direction"] if opts["to_direction"] is None else opts["to_direction"],
                ),
                mass_kg=col("mass_kg", opts["mass_kg"]),
                model=opts["model"],
                full_output=True,
            )
    del caught  # said in the file's columns and the options' names:
    asked_speed = "target" not in source and given["target"] is None
    _say_units(
        [
            *([(source["speed_m_s"][0], "speed_m_s", v, source["speed_m_s"][1] is None)]
              if asked_speed else []),
            *[
                (source[name][0], canonical, numbers[name], source[name][1] is None)
                if name in source
                else (_option(option, opts[name]), canonical, opts[name], True)
                for name, canonical, option in (
                    ("mass_kg", "mass_kg", "--mass-kg"),
                    ("grade", "grade", "--grade"),
                    ("to_grade", "grade", "--to-grade"),
                )
            ],
        ]
    )  # fmt: skip
    out = frame.copy()
    # a row with a bad cell has no answer (a bad label's row was solved with a stand-in)
    speed = np.where(cells != "", np.nan, np.asarray(result.speed_m_s, dtype=float))
    out["speed_m_s_out"] = speed
    finite = np.isfinite(speed)
    paces = np.full(n, "", dtype=object)
    if np.any(finite):
        paces[finite] = np.asarray(speed_to_pace(speed[finite], opts["unit"]), dtype=object)
    out["pace_out"] = paces
    status = np.broadcast_to(np.asarray(result.status, dtype=object), (n,))
    reason = np.broadcast_to(np.asarray(result.reason, dtype=object), (n,))
    out["status"] = np.where(cells != "", "invalid", status)
    out["reason"] = np.where(cells != "", cells, reason)
    _write_atomic(out, output, path)


#: The inputs a question file may give, by the name of their column: the canonical names and
#: unit aliases of :data:`retrocalc.nomenclature.ALIASES` for speed, mass and grade (and
#: ``to_`` and the grade's, ``to_grade_pct``); the solver's own names for the rest.
_READ = ("speed_m_s", "mass_kg", "grade")
_OWN = ("target", "to_grade", "gait", "direction", "to_direction")


def _sources(path: str, columns: Any) -> dict[str, tuple[str, str | None]]:
    """``{input: (column, alias or None)}`` of a question file, names matched as
    `retrocalc estimate` matches them (case, blanks and hyphens aside).

    Raises
    ------
    click.ClickException
        Two columns for one input (``speed_kmh`` and ``pace``), naming both.
    """
    from ..nomenclature import lookup, normalise

    found: dict[str, tuple[str, str | None]] = {}
    for column in columns:
        key = normalise(str(column))
        named = (key, None) if key in _OWN else lookup(key)
        if named is None and key.startswith("to_") and (aimed := lookup(key[3:])) is not None:
            # the grade aimed at, in a unit of its own as the grade's (to_grade_pct)
            named = ("to_grade", aimed[1]) if aimed[0] == "grade" else None
        if named is None or named[0] not in (*_OWN, *_READ):
            continue
        if named[0] in found:
            raise click.ClickException(
                f"{path}: columns {found[named[0]][0]!r} and {column!r} both give {named[0]}; "
                "keep one"
            )
        found[named[0]] = (str(column), named[1])
    return found
