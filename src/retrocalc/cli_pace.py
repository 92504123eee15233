"""``retrocalc pace``: the speed for a target, or an equivalent speed, for a value or a file.

Two questions, chosen by the options given:

* ``--target 600 --quantity kcal_per_h``: the speed that reaches the target
  (:func:`retrocalc.inverse.speed_for`);
* ``--pace 5:00/km`` (or ``--speed-kmh``, ``--speed-m-s``) with ``--to-grade`` and/or
  ``--to-direction``: the equivalent speed (:func:`retrocalc.inverse.equivalent_speed`),
  e.g. grade-adjusted pace or the backward pace that costs the same.

With ``--input FILE`` (CSV) every row is answered; columns of the same names as the options
(``target``, ``speed_m_s``, ``pace``, ``grade``, ``mass_kg``, ``gait``, ``direction``,
``to_grade``, ``to_direction``) override the constants. The output CSV is the input plus
``speed_m_s_out``, ``pace_out``, ``status`` and ``reason``, written atomically.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

import click
import numpy as np
from numpy.typing import NDArray

from ._cli_checks import number
from ._wrap import Locator, label_code
from .composition import rules
from .inverse import QUANTITIES, TARGET_RULE, equivalent_speed, speed_for
from .units import kmh_to_m_s, pace_to_speed, speed_to_pace

__all__ = ["pace"]

_GRADE = "a finite grade, a fraction (0.05 = 5 %)"


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
    from .composition.validate import unit_suspects
    from .nomenclature import INPUTS, counted

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
                text = f"{subject} is {_number(value, 3)} {unit}{tail}: {rule.why}"
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
    from .batch.types import OutputError
    from .batch.write import atomic_output, same_file

    if same_file(source, output):
        raise click.ClickException(f"output {output!r} is the input; refusing to overwrite it")
    try:
        with atomic_output(output) as handle:
            frame.to_csv(handle, index=False)
    except OutputError as exc:
        raise click.ClickException(f"{exc} (no output written)") from None


@click.command("pace")
@click.option(
    "--target",
    type=float,
    default=None,
    callback=number("a finite target value, 0 or more (see --quantity)", low=TARGET_RULE[1]),
    help="Target value (see --quantity).",
)
@click.option(
    "--quantity",
    type=click.Choice(list(QUANTITIES)),
    default="kcal_per_h",
    show_default=True,
    help="What --target is.",
)
@click.option(
    "--duration-min",
    type=float,
    default=None,
    callback=number("a finite duration in minutes above 0", low=0.0, low_open=True),
    help="Bout duration for energy targets.",
)
@click.option("--pace", "pace_text", default=None, help="Given pace, e.g. 5:00/km or 8:00/mi.")
@click.option(
    "--speed-kmh",
    type=float,
    default=None,
    callback=number("a finite speed in km/h, 0 or more", low=0.0),
    help="Given speed [km/h].",
)
@click.option(
    "--speed-m-s",
    type=float,
    default=None,
    callback=number("a finite speed in m/s, 0 or more", low=0.0),
    help="Given speed [m/s].",
)
@click.option(
    "--mass-kg",
    type=float,
    default=70.0,
    show_default=True,
    callback=number("a finite body mass in kg above 0", low=0.0, low_open=True),
)
@click.option(
    "--grade",
    type=float,
    default=0.0,
    show_default=True,
    callback=number(_GRADE),
    help="Fraction, 0.05 = 5 %.",
)
@click.option("--gait", type=click.Choice(["walk", "run"]), default="run", show_default=True)
@click.option(
    "--direction", type=click.Choice(["forward", "backward"]), default="forward", show_default=True
)
@click.option("--model", default=None, help="Registered base model (default as estimate).")
@click.option(
    "--to-grade",
    type=float,
    default=None,
    callback=number(_GRADE),
    help="Grade of the equivalent speed (default 0).",
)
@click.option(
    "--to-direction",
    type=click.Choice(["forward", "backward"]),
    default=None,
    help="Direction of the equivalent speed.",
)
@click.option(
    "--unit",
    type=click.Choice(["km", "mi"]),
    default="km",
    show_default=True,
    help="Distance unit of the paces written, and of a given pace without one (5:00).",
)
@click.option("-i", "--input", "input_path", default=None, help="CSV with one question per row.")
@click.option("-o", "--output", default="-", show_default=True, help="Output CSV ('-': stdout).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable answer for one value.")
def pace(
    target: float | None,
    quantity: str,
    duration_min: float | None,
    pace_text: str | None,
    speed_kmh: float | None,
    speed_m_s: float | None,
    mass_kg: float,
    grade: float,
    gait: str,
    direction: str,
    model: str | None,
    to_grade: float | None,
    to_direction: str | None,
    unit: str,
    input_path: str | None,
    output: str,
    as_json: bool,
) -> None:
    """Speed for a target (kcal/h, W, MET, energy) or the equivalent speed elsewhere.

    \b
    retrocalc pace --target 600 --quantity kcal_per_h --mass-kg 70
    retrocalc pace --pace 5:00/km --grade 0.08              # grade-adjusted pace
    retrocalc pace --pace 5:00/km --to-direction backward   # backward pace, same cost
    """
    given = {
        "target": target,
        "pace": pace_text,
        "speed_kmh": speed_kmh,
        "speed_m_s": speed_m_s,
    }
    if (
        quantity.startswith("energy_")
        and duration_min is None
        and (target is not None or input_path is not None)
    ):
        raise click.UsageError(f"--quantity {quantity} needs --duration-min (the bout's duration)")
    try:
        if input_path is not None:
            _answer_file(input_path, output, given, locals())
            return
        speeds = [k for k in ("pace", "speed_kmh", "speed_m_s") if given[k] is not None]
        if (target is None) == (not speeds) or len(speeds) > 1:
            raise click.UsageError(
                "give either --target (speed for a target) or one of --pace, --speed-kmh, "
                "--speed-m-s (equivalent speed), or --input FILE"
            )
        common: dict[str, Any] = {"mass_kg": mass_kg, "model": model}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if target is not None:
                result = speed_for(
                    target,
                    quantity=quantity,
                    grade=grade,
                    gait=gait,
                    direction=direction,
                    duration_s=None if duration_min is None else duration_min * 60.0,
                    full_output=True,
                    **common,
                )
                what = QUANTITIES[quantity]
                if quantity.startswith("energy_"):  # gross or net, over the bout given
                    kind = quantity.split("_")[1]
                    what = what.replace("over duration_s", f"({kind}) in {duration_min:g} min")
                question = f"{target:g} {what}, {direction} {gait}"
            else:
                v = (
                    _read_pace(pace_text, unit)
                    if pace_text is not None
                    else float(kmh_to_m_s(speed_kmh))
                    if speed_kmh is not None
                    else float(speed_m_s)  # type: ignore[arg-type]
                )
                if not np.isfinite(v):  # "nan", "" or "0:00/km"
                    raise click.BadParameter(
                        f"{pace_text}: expected a pace such as 5:00/km or 8:00/mi",
                        param_hint="'--pace'",
                    )
                result = equivalent_speed(
                    v,
                    grade=grade,
                    direction=direction,
                    gait=gait,
                    to_grade=0.0 if to_grade is None else to_grade,
                    to_direction=direction if to_direction is None else to_direction,
                    mass_kg=mass_kg,
                    model=model,
                    full_output=True,
                )
                question = (
                    f"{_speed_text(v, unit)} {direction} at grade {grade:g} -> "
                    f"{to_direction or direction} at grade {to_grade or 0.0:g}"
                )
    except (ValueError, TypeError) as exc:
        raise click.ClickException(str(exc)) from None
    del caught  # the library's UnitWarnings name its arguments: said here in the options'
    speed = next((k for k in ("pace", "speed_kmh", "speed_m_s") if given[k] is not None), None)
    _say_units(
        [
            *([(_option(f"--{speed.replace('_', '-')}", given[speed]), "speed_m_s", v,
                speed == "speed_m_s")] if speed and target is None else []),
            (_option("--mass-kg", mass_kg), "mass_kg", mass_kg, True),
            (_option("--grade", grade), "grade", grade, True),
            (_option("--to-grade", to_grade), "grade", to_grade, True),
        ]
    )  # fmt: skip
    answer = float(result.speed_m_s)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "speed_m_s": answer if np.isfinite(answer) else None,
                    "pace": speed_to_pace(answer, unit) if np.isfinite(answer) else None,
                    "status": result.status,
                    "reason": result.reason,
                    "model_used": result.model_used,
                    "in_range": bool(result.in_range),
                }
            )
        )
        return
    # no model is named where none was chosen (an invalid input): only the status then
    found = ", ".join(part for part in (result.model_used, result.status) if part)
    click.echo(f"{question}: {_speed_text(answer, unit)} ({found})")
    if result.reason:
        click.echo(f"  {result.reason}")


def _answer_file(path: str, output: str, given: dict[str, Any], opts: dict[str, Any]) -> None:
    import pandas as pd

    from .nomenclature import INPUTS

    try:
        # a blank line is a row (an empty cell of a one-column sheet): no question is dropped
        frame = pd.read_csv(path, skip_blank_lines=False)
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
