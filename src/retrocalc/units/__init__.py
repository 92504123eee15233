"""Unit conversions at the edges: everything inside retrocalc is SI.

All functions are vectorised. The numeric ones (``units.convert``) are plain
numpy expressions, so a Python scalar gives a float, an ndarray an ndarray and a pandas
Series a Series with its index. The pace and duration texts (``units.text``)
go through retrocalc's type-preserving wrapper and parse each distinct text once, so a
million rows with a few hundred distinct paces cost a few hundred parses.

Exact definitions: 1 mile = 1609.344 m (international mile), 1 lb = 0.45359237 kg,
1 kcal = 4.184 kJ (thermochemical calorie).

Examples
--------
>>> from retrocalc import units
>>> units.kmh_to_m_s(18.0)
5.0
>>> units.speed_to_pace(units.pace_to_speed("8:00/mi"), unit="mi")
'8:00/mi'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import convert as _convert
from .convert import *  # noqa: F403 (its __all__: the numeric conversions and constants)

if TYPE_CHECKING:
    from .text import _is_plain_number as _is_plain_number
    from .text import _unit_name as _unit_name
    from .text import (
        pace_to_speed,
        parse_duration_texts,
        parse_durations,
        parse_paces,
        speed_to_pace,
    )

# the constants again under their public names, with their documentation (read by Sphinx here)
#: Metres in one international mile.
MILE_M = _convert.MILE_M
#: Kilograms in one avoirdupois pound.
LB_TO_KG = _convert.LB_TO_KG
#: Kilojoules in one thermochemical kilocalorie.
KCAL_TO_KJ = _convert.KCAL_TO_KJ

__all__ = [
    "pace_to_speed",
    "parse_duration_texts",
    "parse_durations",
    "parse_paces",
    "speed_to_pace",
]
__all__ += _convert.__all__  # (the constants and numeric conversions, listed there)

# The names of units.text, imported on first use of any of them: no text is parsed while
# retrocalc is imported. (The batch and the nomenclature read the two helpers as
# units._is_plain_number and units._unit_name.)
_TEXT = (
    "_is_plain_number",
    "_unit_name",
    "pace_to_speed",
    "parse_duration_texts",
    "parse_durations",
    "parse_paces",
    "speed_to_pace",
)


def __getattr__(name: str) -> Any:
    if name in _TEXT:
        from . import text

        globals().update({n: getattr(text, n) for n in _TEXT})  # once: plain attributes after
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_TEXT})
