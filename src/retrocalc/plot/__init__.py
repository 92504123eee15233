"""Plots of the models and of workouts (matplotlib: ``pip install 'retrocalc[plot]'``).

Every function takes ``ax=None`` (a new figure when None) and returns the
:class:`matplotlib.axes.Axes` it drew on (:func:`activity` draws four panels: four Axes). Axis
labels carry units in brackets, grades are shown in percent, speeds in m/s with km/h on the
top axis.

**Validity is always visible.** A curve is solid where every input lies inside the validity
ranges of the models used (``in_range`` of :func:`retrocalc.estimate`) and dashed where it
extrapolates; the legend says so. A curve is also broken where the model changes (for example
loaded walking on a grid that crosses from one model's range to another's), so no line ever
joins two models.

``import retrocalc`` does not import this package (nor matplotlib); ``import retrocalc.plot``
or ``retrocalc.plot`` does. Modules: :mod:`._base` (grids, styles, the validity-aware curve),
:mod:`.curves` (against speed and grade, ratios), :mod:`.models` (models side by side, their
disagreement), :mod:`.workouts` (a set of workouts), and :func:`activity` (one recording,
sample by sample, from :func:`retrocalc.estimate_activity`; its module is
``retrocalc.plot.activity``, whose name the function takes in this package).
"""

from __future__ import annotations

import sys

from .. import _wrap
from ._base import GRADE_BANDS, GRADE_GRID, GRADE_SPEED, SPEED_GRID, axis_label
from ._base import _grid as _grid  # the grid of a curve (tests: range ends are grid points)
from .activity import activity  # the function: retrocalc.plot.activity(result)
from .curves import ratio_vs_grade, ratio_vs_speed, vs_grade, vs_speed
from .models import compare_models, model_disagreement
from .workouts import workout_breakdown

__all__ = [
    "GRADE_BANDS",
    "GRADE_GRID",
    "GRADE_SPEED",
    "SPEED_GRID",
    "activity",
    "axis_label",
    "compare_models",
    "model_disagreement",
    "ratio_vs_grade",
    "ratio_vs_speed",
    "vs_grade",
    "vs_speed",
    "workout_breakdown",
]

if "pandas" in sys.modules:  # df.retro.plot forwards here: make df.retro exist
    _wrap.pandas()
