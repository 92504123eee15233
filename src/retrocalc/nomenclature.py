"""One nomenclature: every input and output name of retrocalc with its unit and meaning.

The names carry their unit (``speed_m_s``, ``energy_net_kcal``), following MetPy's and
pvlib's practice, so a column or keyword never leaves its unit to guesswork. The DataFrame
face, the docs and the naming tests all read :data:`INPUTS` and :data:`OUTPUTS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

__all__ = [
    "ACTIVITY_TYPE",
    "ALIASES",
    "HEART_RATE_NAMES",
    "HR_INPUTS",
    "INPUTS",
    "OUTPUTS",
    "Alias",
    "Variable",
    "convert",
    "counted",
    "lookup",
    "normalise",
    "suggest",
    "unknown_name",
]


@dataclass(frozen=True)
class Variable:
    """A named quantity.

    Parameters
    ----------
    name : str
        Canonical name (keyword argument and DataFrame column).
    unit : str
        Unit in brackets-free SI notation, ``"1"`` for dimensionless, ``""`` for labels.
    description : str
        One-line meaning.
    dtype : {"float", "str", "bool"}
        Kind of values.
    lower : float, optional
        Smallest possible value (an impossible value raises ``ValueError``).
    lower_open : bool
        True when ``lower`` itself is impossible too (``> lower`` rather than ``>= lower``).
    expected : str
        What a valid value is, for error messages.
    """

    name: str
    unit: str
    description: str
    dtype: Literal["float", "str", "bool"] = "float"
    lower: float | None = None
    lower_open: bool = False
    expected: str = ""

    @property
    def bound(self) -> str:
        """The lower bound as a rule, e.g. ``"> 0"`` (``""`` without one)."""
        if self.lower is None:
            return ""
        return f"{'>' if self.lower_open else '>='} {self.lower:g}"

    def impossible(self, values: Any) -> Any:
        """True where a value breaks the lower bound; NaN does not (it is missing).

        Works on floats and arrays alike (the comparison is the array's own); plain
        ``False`` for a quantity without a lower bound.
        """
        if self.lower is None:
            return False
        return values <= self.lower if self.lower_open else values < self.lower


def _table(*variables: Variable) -> dict[str, Variable]:
    return {v.name: v for v in variables}


#: Canonical inputs of :func:`retrocalc.estimate`.
INPUTS: dict[str, Variable] = _table(
    Variable(
        "speed_m_s",
        "m/s",
        "Speed of travel over the ground (or belt speed).",
        lower=0.0,
        expected="a speed in m/s",
    ),
    Variable(
        "mass_kg",
        "kg",
        "Body mass, without the carried load.",
        lower=0.0,
        lower_open=True,
        expected="a body mass in kg",
    ),
    Variable("duration_s", "s", "Duration of the bout.", lower=0.0, expected="a duration in s"),
    Variable(
        "distance_m",
        "m",
        "Distance of the bout (alternative to duration_s).",
        lower=0.0,
        expected="a distance in m",
    ),
    Variable("grade", "1", "Gradient as a fraction rise/run; negative downhill (0.05 = 5 %)."),
    Variable("gait", "", "'walk', 'run' or 'auto' (chosen from speed).", "str"),
    Variable("direction", "", "'forward' or 'backward' (retro locomotion).", "str"),
    Variable("model", "", "Name of a registered model; empty for the default.", "str"),
    Variable(
        "load_kg",
        "kg",
        "Mass of the carried load (pack).",
        lower=0.0,
        expected="a carried load in kg",
    ),
    Variable(
        "terrain_factor",
        "1",
        "Pandolf terrain coefficient eta (1.0 treadmill/paved).",
        lower=0.0,
        lower_open=True,
        expected="a terrain coefficient (1.0 = paved)",
    ),
    Variable(
        "resting_vo2_ml_kg_min",
        "ml/kg/min",
        "Measured or assumed resting VO2.",
        lower=0.0,
        lower_open=True,
        expected="a resting VO2 in ml/kg/min",
    ),
    Variable("sex", "", "'male' or 'female' (for resting-metabolic-rate equations).", "str"),
    Variable(
        "age_years",
        "year",
        "Age (for resting-metabolic-rate equations).",
        lower=0.0,
        expected="an age in years",
    ),
    Variable(
        "height_cm",
        "cm",
        "Height (for resting-metabolic-rate equations).",
        lower=0.0,
        lower_open=True,
        expected="a height in cm",
    ),
    Variable(
        "rer",
        "1",
        "Respiratory exchange ratio for Weir's energy equivalent of O2.",
        lower=0.0,
        lower_open=True,
        expected="a respiratory exchange ratio, about 0.7-1.0",
    ),
)

#: Outputs of :func:`retrocalc.estimate` (attributes of the result, DataFrame columns).
OUTPUTS: dict[str, Variable] = _table(
    Variable("vo2_gross_ml_kg_min", "ml/kg/min", "Gross oxygen uptake (resting included)."),
    Variable("vo2_net_ml_kg_min", "ml/kg/min", "Net oxygen uptake (above the resting rate)."),
    Variable("met", "1", "Metabolic equivalents: gross VO2 / resting VO2."),
    Variable("power_gross_w", "W", "Gross metabolic power (total)."),
    Variable("power_net_w", "W", "Net metabolic power (above rest, 'active')."),
    Variable("energy_gross_kcal", "kcal", "Gross energy over the bout ('total calories')."),
    Variable("energy_net_kcal", "kcal", "Net energy over the bout ('active calories')."),
    Variable("energy_gross_kj", "kJ", "Gross energy over the bout."),
    Variable("energy_net_kj", "kJ", "Net energy over the bout."),
    Variable("cost_of_transport_j_kg_m", "J/kg/m", "Net metabolic energy per kg and metre."),
    Variable("in_range", "", "True when every input lies inside the validity ranges used.", "bool"),
    Variable("gait_used", "", "Gait applied ('walk' or 'run') after resolving 'auto'.", "str"),
    Variable("model_used", "", "Name of the base model applied to the row.", "str"),
)


#: Inputs read by the batch besides those of :func:`retrocalc.estimate`: the heart rate for
#: :func:`retrocalc.estimate_hr` (Keytel et al. 2005), whose outputs are separate ``hr_``
#: columns. Not keywords of :func:`retrocalc.estimate`.
HR_INPUTS: dict[str, Variable] = _table(
    Variable(
        "heart_rate_bpm",
        "1/min",
        "Heart rate of the bout, for energy from heart rate (separate hr_ outputs); 0 is no "
        "reading (what a device records without a strap).",
        lower=0.0,
        expected="a heart rate in beats per minute",
    ),
)

#: Column names the batch reads as ``heart_rate_bpm`` (matched as every name is, by
#: :func:`normalise`): the canonical name and the names exports use for a bout's heart rate
#: (Garmin Connect's ``Avg HR``, Strava's ``Average Heart Rate``). All in beats per minute.
HEART_RATE_NAMES: tuple[str, ...] = (
    "heart_rate_bpm",
    "heart_rate",
    "hr",
    "hr_bpm",
    "avg_hr",
    "average_hr",
    "avg_heart_rate",
    "average_heart_rate",
)


@dataclass(frozen=True)
class Alias:
    """A column name that carries another unit than its canonical input.

    Parameters
    ----------
    name : str
        Column name as found in files (matched case-insensitively).
    canonical : str
        The input of :data:`INPUTS` it stands for.
    unit : str
        Its unit.
    convert : str
        Name of the function in :mod:`retrocalc.units` that turns it into the canonical unit
        (``"pace_to_speed"`` takes text such as ``"5:30/km"``, ``"parse_durations"`` text
        such as ``"1:02:03"`` and timedeltas).
    """

    name: str
    canonical: str
    unit: str
    convert: str


#: Names with their unit, accepted besides the canonical :data:`INPUTS` everywhere: as
#: keywords of :func:`retrocalc.estimate`, as DataFrame columns, as file columns of the batch
#: command line and :func:`retrocalc.estimate_file`. ``unit == "text"`` marks the aliases whose
#: values are text (``pace``: ``"5:30/km"``; ``duration``: ``"1:02:03"`` or timedeltas).
ALIASES: dict[str, Alias] = {
    a.name: a
    for a in (
        Alias("speed_kmh", "speed_m_s", "km/h", "kmh_to_m_s"),
        Alias("speed_mph", "speed_m_s", "mi/h", "mph_to_m_s"),
        Alias("pace", "speed_m_s", "text", "pace_to_speed"),
        Alias("pace_min_km", "speed_m_s", "min/km", "pace_min_km_to_speed"),
        Alias("pace_min_mi", "speed_m_s", "min/mi", "pace_min_mi_to_speed"),
        Alias("mass_lb", "mass_kg", "lb", "lb_to_kg"),
        Alias("load_lb", "load_kg", "lb", "lb_to_kg"),
        Alias("duration", "duration_s", "text", "parse_durations"),
        Alias("duration_min", "duration_s", "min", "minutes_to_s"),
        Alias("duration_h", "duration_s", "h", "hours_to_s"),
        Alias("distance_km", "distance_m", "km", "km_to_m"),
        Alias("distance_mi", "distance_m", "mi", "mi_to_m"),
        Alias("grade_pct", "grade", "%", "percent_to_grade"),
        Alias("grade_deg", "grade", "deg", "degrees_to_grade"),
        Alias("height_in", "height_cm", "in", "inches_to_cm"),
    )
}


#: The batch's name for an export's activity type column (``Activity Type`` in Garmin Connect
#: and Strava exports): it gives ``gait`` and ``direction`` through
#: :func:`retrocalc.activity_types.activity_gait`. Not a keyword of :func:`retrocalc.estimate`.
ACTIVITY_TYPE = "activity_type"

# words people use for an input, mapped to the word of its name (for suggestions only)
_SYNONYMS: dict[str, str] = {
    "weight": "mass",
    "bodyweight": "mass",
    "body_mass": "mass",
    "incline": "grade",
    "slope": "grade",
    "gradient": "grade",
    "velocity": "speed",
    "time": "duration",
    "elapsed": "duration",
    "dist": "distance",
    "length": "distance",
    "pack": "load",
    "backpack": "load",
    "terrain": "terrain_factor",
    "age": "age_years",
    "height": "height_cm",
    "vo2": "resting_vo2_ml_kg_min",
}


def normalise(name: str) -> str:
    """The matching key of a name: stripped, lower case, blanks and hyphens as ``_``.

    Headers, ``--column`` names, DataFrame columns and keywords are matched by this key, so
    ``"Speed_KMH"``, ``" speed-kmh "`` and ``"speed kmh"`` are one name.

    >>> normalise(" Activity Type "), normalise("Speed-KMH")
    ('activity_type', 'speed_kmh')
    """
    return "_".join(name.strip().lower().replace("-", " ").split())


def lookup(name: str) -> tuple[str, str | None] | None:
    """``(canonical input, alias or None)`` of a canonical or alias name, else None.

    The one resolver of names: :func:`retrocalc.estimate` keywords and DataFrame columns and
    the batch's file columns all go through it (matching by :func:`normalise`).

    >>> lookup("speed_m_s"), lookup("Speed_KMH"), lookup("speed")
    (('speed_m_s', None), ('speed_m_s', 'speed_kmh'), None)
    """
    key = normalise(name)
    if key in INPUTS:
        return key, None
    if key in ALIASES:
        return ALIASES[key].canonical, key
    return None


def suggest(name: str, choices: Any = None) -> list[str]:
    """Names close to an unknown ``name``, best first (at most 4), for "did you mean".

    Parameters
    ----------
    name : str
        The unknown name.
    choices : iterable of str, optional
        Candidates; default every input and alias name.

    Examples
    --------
    >>> suggest("speed")
    ['speed_m_s', 'speed_kmh', 'speed_mph']
    >>> suggest("weight_kg")
    ['mass_kg', 'mass_lb']
    >>> suggest("incline")
    ['grade', 'grade_pct', 'grade_deg']
    """
    candidates = list(choices) if choices is not None else [*INPUTS, *ALIASES]
    by_key = {normalise(c): c for c in candidates}
    key = normalise(name)
    words = key.split("_")
    keys = [key, "_".join(_SYNONYMS.get(w, w) for w in words)]
    if key in _SYNONYMS:
        keys.append(_SYNONYMS[key])
    if len(words) > 1:  # "Moving Time": a word that is a name or a synonym of one
        keys += [_SYNONYMS.get(w, w) for w in words if len(w) >= 4 or w in _SYNONYMS]
    found: list[str] = []
    for k in keys:
        if k in by_key:
            found.append(by_key[k])
        # a name that is the start of some names ("speed" -> speed_m_s, speed_kmh...)
        found += [c for ck, c in by_key.items() if ck.startswith(k + "_")]
        import difflib  # on a miss only (import time)

        found += [by_key[c] for c in difflib.get_close_matches(k, by_key, n=4, cutoff=0.7)]
    return list(dict.fromkeys(f for f in found if normalise(f) != key))[:4]


def unknown_name(name: str, what: str, choices: Any = None) -> str:
    """A message for an unknown name with did-you-mean suggestions.

    >>> unknown_name("incline", "unknown input")
    "unknown input 'incline'; did you mean 'grade' or 'grade_pct' or 'grade_deg'?"
    """
    close = suggest(name, choices)
    if not close:
        return f"{what} {name!r}"
    return f"{what} {name!r}; did you mean {' or '.join(map(repr, close))}?"


def convert(alias: str, values: Any, *, pace_unit: str | None = None) -> Any:
    """Values given under an alias, in the canonical unit of its input.

    Parameters
    ----------
    alias : str
        A key of :data:`ALIASES`.
    values : float, str, sequence, ndarray or Series
        Values in the alias's unit (text for ``pace`` and ``duration``).
    pace_unit : {"km", "mi"}, optional
        Distance unit of paces written without one (``"5:30"``).

    Returns
    -------
    float, ndarray or Series
        In the canonical unit; a Series stays a Series, a list becomes an ndarray.

    Examples
    --------
    >>> convert("speed_kmh", 36.0)
    10.0
    >>> convert("duration", "1:00:30")
    3630.0
    """
    from . import units

    spec = ALIASES[alias]
    function = getattr(units, spec.convert)
    if spec.convert == "pace_to_speed":
        return function(values, unit=pace_unit)
    if spec.unit == "text":
        if alias == "duration":
            _refuse_bare_numbers(values)
            return units.text.durations_of_text(values)
        return function(values)
    if isinstance(values, list | tuple):
        values = np.asarray(values, dtype=np.float64)
    result = function(values)
    return float(result) if isinstance(result, np.floating) else result


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``"1 row"``, ``"3 rows"``, ``"1,234 rows"``: a count with its noun in the right number.

    >>> counted(1, "row"), counted(2, "row"), counted(1, "such value", "such values")
    ('1 row', '2 rows', '1 such value')
    """
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


#: Why a bare number is not a ``duration``: the name does not say its unit.
BARE_DURATION = (
    "is a number without a unit: 'duration' takes times such as '1:02:03' or '45:10' (or "
    "timedeltas); name a number of seconds, minutes or hours duration_s, duration_min or "
    "duration_h"
)


def _refuse_bare_numbers(values: Any) -> None:
    """A ``duration`` of plain numbers (or number texts such as ``"1800"``) could be seconds
    or minutes: refuse it rather than guess."""
    from . import units

    raw = values.to_numpy() if hasattr(values, "to_numpy") else values
    array = np.asarray(raw)
    if array.dtype.kind in "iuf":
        finite = array[np.isfinite(array)] if array.dtype.kind == "f" else array
        if finite.size:
            raise ValueError(f"{finite.reshape(-1)[0].item()!r} {BARE_DURATION}")
        return
    if array.dtype.kind in "OU":
        texts = {str(v).strip() for v in np.unique(array.astype(str))}
        bare = sorted(t for t in texts if units._is_plain_number(t))
        if bare:
            raise ValueError(f"{bare[0]!r} {BARE_DURATION}")
