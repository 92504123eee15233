"""retrocalc: energy cost of walking and running, forward and backward, from published models.

>>> import retrocalc as rc
>>> r = rc.estimate(speed_m_s=3.0, mass_kg=70, duration_s=1800, gait="run", direction="backward")
>>> r.in_range
True

``import retrocalc`` loads numpy only: pandas is imported when a pandas object comes in,
matplotlib when ``retrocalc.plot`` is first used. The ``df.retro`` pandas accessor is
registered as soon as pandas is involved (see :func:`register_accessor`).
"""

from __future__ import annotations

import sys as _sys
from typing import TYPE_CHECKING, Any

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
    "estimate_activities",
    "estimate_activity",
    "estimate_file",
    "get_model",
    "models",
    "nomenclature",
    "pace_to_speed",
    "read_activity",
    "register_accessor",
    "speed_to_pace",
    "units",
]


if TYPE_CHECKING:
    from .activity import estimate_activities, estimate_activity, read_activity
    from .batch import estimate_file

    def models() -> Registry:
        """The model registry: name, gaits, directions, inputs, validity ranges, citation, DOI."""
        ...

else:
    # the callable module: rc.models() is the registry, rc.models.<function> the models
    from . import models


def register_accessor() -> None:
    """Register the ``df.retro`` pandas accessor (imports pandas; safe to call again).

    ``df.retro.estimate(**options)`` forwards to :func:`estimate` and ``df.retro.plot(...)`` to
    :func:`retrocalc.plot.workout_breakdown`. retrocalc registers it by itself when it is
    imported after pandas, when :func:`estimate` receives a DataFrame, when a ``to_frame()``
    imports pandas and when :mod:`retrocalc.plot` is imported; call this only if you imported
    retrocalc before pandas and want ``df.retro`` before any of those.
    """
    from ._accessor import register_accessor as _register

    _register()


if "pandas" in _sys.modules:
    register_accessor()


def __getattr__(name: str) -> Any:
    # retrocalc.plot on first use, so that `import retrocalc` does not import matplotlib
    if name == "plot":
        import importlib

        return importlib.import_module(f"{__name__}.plot")
    # the batch face on first use: it needs the cli extra (polars, pyarrow)
    if name == "estimate_file":
        from .batch import estimate_file

        return estimate_file
    # activities on first use: they need the activity extra (fitdecode, defusedxml)
    if name in ("read_activity", "estimate_activity", "estimate_activities"):
        from . import activity

        return getattr(activity, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
