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

from . import _wrap, energy, nomenclature, units
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
from .exceptions import (
    ActivityWarning,
    OutOfRangeError,
    RangeWarning,
    RetrocalcWarning,
    UnitWarning,
)
from .models import PRESENTERS as _PRESENTERS
from .models import REGISTRY, ModelSpec, Registry, get_model

__all__ = [
    "DEFAULT_MODELS",
    "REGISTRY",
    "WALK_RUN_TRANSITION_M_S",
    "ActivityWarning",
    "Calibration",
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
    "calibrate",
    "compare_models",
    "energy",
    "equivalent_speed",
    "estimate",
    "estimate_activities",
    "estimate_activity",
    "estimate_file",
    "estimate_hr",
    "get_model",
    "interval",
    "models",
    "nomenclature",
    "pace_to_speed",
    "read_activity",
    "register_accessor",
    "speed_for",
    "speed_to_pace",
    "units",
]

# name -> module of the public names imported on first use (see __getattr__)
_LAZY = {
    "estimate_activities": "activity",
    "estimate_activity": "activity",
    "read_activity": "activity",
    "Calibration": "calibration",
    "calibrate": "calibration",
    "compare_models": "compare",
    "equivalent_speed": "inverse",
    "estimate_hr": "heart_rate",
    "interval": "uncertainty",
    "pace_to_speed": "units",
    "speed_for": "inverse",
    "speed_to_pace": "units",
}


if TYPE_CHECKING:
    from . import activity_types as activity_types
    from . import plot as plot
    from .activity import estimate_activities, estimate_activity, read_activity
    from .batch import estimate_file
    from .calibration import Calibration, calibrate
    from .compare import compare_models
    from .heart_rate import estimate_hr
    from .inverse import equivalent_speed, speed_for
    from .uncertainty import interval
    from .units import pace_to_speed, speed_to_pace

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


_wrap.PANDAS_HOOKS.append(register_accessor)


def _registry_html(registry: Registry) -> str:
    # the registry's HTML table for Jupyter, drawn by _display (imported on first display)
    from ._display import registry_html

    return registry_html(registry)


_PRESENTERS.setdefault("html", _registry_html)
if "pandas" in _sys.modules:
    _wrap.pandas()


#: Names reached on first use (see ``__getattr__``): submodules with optional or heavier
#: imports, so that ``import retrocalc`` stays light.
_LAZY_MODULES = ("activity_types", "plot")


def __getattr__(name: str) -> Any:
    # retrocalc.plot on first use, so that `import retrocalc` does not import matplotlib
    if name in _LAZY_MODULES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    # the batch face on first use; calling it without the cli extra (polars, pyarrow) raises an
    # ImportError that names the extra
    if name == "estimate_file":
        from ._extras import needs
        from .batch import estimate_file as run

        checked = needs("cli", "tqdm", "pyarrow", "polars", feature="rc.estimate_file")(run)
        globals()["estimate_file"] = checked  # once: the same object on every access
        return checked
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    # the public API only: not the typing helpers and submodules imported along the way
    return sorted({*__all__, *_LAZY_MODULES, *_LAZY})
