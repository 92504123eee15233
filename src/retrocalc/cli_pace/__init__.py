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

from .._cli_checks import number
from ..batch.types import LABEL_CHOICES
from ..inverse import QUANTITIES, TARGET_RULE, equivalent_speed, speed_for
from ..units import kmh_to_m_s, speed_to_pace
from .file import _answer_file
from .text import _option, _read_pace, _say_units, _speed_text

__all__ = ["pace"]

_GRADE = "a finite grade, a fraction (0.05 = 5 %)"


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
@click.option(
    "--model",
    type=click.Choice(LABEL_CHOICES["model"], case_sensitive=False),
    default=None,
    help="Registered base model (default as estimate).",
)
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
                try:
                    v = (
                        _read_pace(pace_text, unit)
                        if pace_text is not None
                        else float(kmh_to_m_s(speed_kmh))
                        if speed_kmh is not None
                        else float(speed_m_s)  # type: ignore[arg-type]
                    )
                except ValueError as exc:  # a usage error naming the option, as "nan" is
                    text = str(exc).removesuffix(" (at the scalar input)")
                    raise click.BadParameter(text, param_hint="'--pace'") from None
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
