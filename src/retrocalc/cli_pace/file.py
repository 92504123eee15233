"""``retrocalc pace --input FILE``: every row of a CSV answered, a bad cell its row's answer."""

from __future__ import annotations

import warnings
from typing import Any

import click
import numpy as np

from .._csv import delimiter_of
from ..inverse import TARGET_RULE, equivalent_speed, speed_for
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

    numbers: dict[str, Any] = {}
    for name in ("target", "speed_m_s", "mass_kg", "grade", "to_grade"):
        if name in frame.columns:
            raw = frame[name]
            values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
            wrong = raw.notna().to_numpy() & np.isnan(values)
            bad_cells(wrong, raw, lambda value, name=name: f"{name}: {value!r} is not a number")
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
                    lambda value, name=name, var=var: (
                        f"{name}: {str(value)!r} is impossible: must be {var.bound} "
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
        if name in frame.columns:
            raw = frame[name]
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
        return frame[name].to_numpy() if name in frame.columns else default

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if "target" in frame.columns or given["target"] is not None:
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
            if "speed_m_s" in frame.columns:
                v = numbers["speed_m_s"]
            elif "pace" in frame.columns:
                codes, uniques = pd.factorize(frame["pace"])  # (missing: -1)
                speeds, faults = _read_paces(np.asarray(uniques, dtype=object), opts["unit"])
                v = np.where(codes >= 0, speeds[codes], np.nan)
                if faults:
                    bad_cells(
                        np.isin(codes, list(faults)),
                        pd.Series(codes),
                        lambda code: faults[code],
                    )
            else:
                raise click.ClickException(
                    f"{path} needs a column target, speed_m_s or pace (or give --target)"
                )
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
    columns = frame.columns
    speed_column = next((c for c in ("speed_m_s", "pace") if c in columns), None)
    _say_units(
        [
            *([(speed_column, "speed_m_s", v, speed_column == "speed_m_s")]
              if "target" not in columns and given["target"] is None and speed_column else []),
            *[
                (name, canonical, col(name, None), True)
                if name in columns
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
