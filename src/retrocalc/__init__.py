"""retrocalc: energy cost of walking and running, forward and backward, from published models.

>>> import retrocalc as rc
>>> r = rc.estimate(speed_m_s=3.0, mass_kg=70, duration_s=1800, gait="run", direction="backward")
>>> r.in_range
True

``import retrocalc`` loads numpy only: pandas is imported when a pandas object comes in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import energy, nomenclature, units
from ._version import __version__
from .core import (
    DEFAULT_MODELS,
    WALK_RUN_TRANSITION_M_S,
    EstimateOptions,
    EstimateResult,
    Labels,
    Numeric,
    RangePolicy,
    estimate,
)
from .exceptions import OutOfRangeError, RangeWarning, RetrocalcWarning, UnitWarning
from .models import REGISTRY, ModelSpec, Registry, get_model
from .units import pace_to_speed, speed_to_pace

__all__ = [
    "DEFAULT_MODELS",
    "REGISTRY",
    "WALK_RUN_TRANSITION_M_S",
    "EstimateOptions",
    "EstimateResult",
    "Labels",
    "ModelSpec",
    "Numeric",
    "OutOfRangeError",
    "RangePolicy",
    "RangeWarning",
    "Registry",
    "RetrocalcWarning",
    "UnitWarning",
    "__version__",
    "energy",
    "estimate",
    "get_model",
    "models",
    "nomenclature",
    "pace_to_speed",
    "speed_to_pace",
    "units",
]


if TYPE_CHECKING:

    def models() -> Registry:
        """The model registry: name, gaits, directions, inputs, validity ranges, citation, DOI."""
        ...

else:
    # the callable module: rc.models() is the registry, rc.models.<function> the models
    from . import models
