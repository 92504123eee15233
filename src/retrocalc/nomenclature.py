"""One nomenclature: every input and output name of retrocalc with its unit and meaning.

The names carry their unit (``speed_m_s``, ``energy_net_kcal``), following MetPy's and
pvlib's practice, so a column or keyword never leaves its unit to guesswork. The DataFrame
face, the docs and the naming tests all read :data:`INPUTS` and :data:`OUTPUTS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["INPUTS", "OUTPUTS", "Variable"]


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
    """

    name: str
    unit: str
    description: str
    dtype: Literal["float", "str", "bool"] = "float"


def _table(*variables: Variable) -> dict[str, Variable]:
    return {v.name: v for v in variables}


#: Canonical inputs of :func:`retrocalc.estimate`.
INPUTS: dict[str, Variable] = _table(
    Variable("speed_m_s", "m/s", "Speed of travel over the ground (or belt speed)."),
    Variable("mass_kg", "kg", "Body mass, without the carried load."),
    Variable("duration_s", "s", "Duration of the bout."),
    Variable("distance_m", "m", "Distance of the bout (alternative to duration_s)."),
    Variable("grade", "1", "Gradient as a fraction rise/run; negative downhill (0.05 = 5 %)."),
    Variable("gait", "", "'walk', 'run' or 'auto' (chosen from speed).", "str"),
    Variable("direction", "", "'forward' or 'backward' (retro locomotion).", "str"),
    Variable("model", "", "Name of a registered model; empty for the default.", "str"),
    Variable("load_kg", "kg", "Mass of the carried load (pack)."),
    Variable("terrain_factor", "1", "Pandolf terrain coefficient eta (1.0 treadmill/paved)."),
    Variable("resting_vo2_ml_kg_min", "ml/kg/min", "Measured or assumed resting VO2."),
    Variable("sex", "", "'male' or 'female' (for resting-metabolic-rate equations).", "str"),
    Variable("age_years", "year", "Age (for resting-metabolic-rate equations)."),
    Variable("height_cm", "cm", "Height (for resting-metabolic-rate equations)."),
    Variable("rer", "1", "Respiratory exchange ratio for Weir's energy equivalent of O2."),
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
