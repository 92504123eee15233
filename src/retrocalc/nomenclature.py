"""One nomenclature: every input and output name of retrocalc with its unit and meaning.

The names carry their unit (``speed_m_s``, ``energy_net_kcal``), following MetPy's and
pvlib's practice, so a column or keyword never leaves its unit to guesswork. The DataFrame
face, the docs and the naming tests all read :data:`INPUTS` and :data:`OUTPUTS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["ALIASES", "INPUTS", "OUTPUTS", "Alias", "Variable"]


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
        (``"pace_to_speed"`` takes text such as ``"5:30/km"``).
    """

    name: str
    canonical: str
    unit: str
    convert: str


#: Column names with their unit, accepted by the batch command line and
#: :func:`retrocalc.estimate_file` besides the canonical :data:`INPUTS`.
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
        Alias("duration_min", "duration_s", "min", "minutes_to_s"),
        Alias("duration_h", "duration_s", "h", "hours_to_s"),
        Alias("distance_km", "distance_m", "km", "km_to_m"),
        Alias("distance_mi", "distance_m", "mi", "mi_to_m"),
        Alias("grade_pct", "grade", "%", "percent_to_grade"),
        Alias("grade_deg", "grade", "deg", "degrees_to_grade"),
        Alias("height_in", "height_cm", "in", "inches_to_cm"),
    )
}
