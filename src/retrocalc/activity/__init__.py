"""Activities: GPX, TCX and FIT recordings and per-second streams to energy.

>>> import retrocalc as rc
>>> from retrocalc.data import example_path
>>> result = rc.estimate_activity(example_path("example_activity.gpx"), mass_kg=70)
>>> round(result.summary["distance_m"] / 1000, 1)
5.0

Modules: :mod:`.read` (files to :class:`Activity`), :mod:`.grade` (grade from altitude),
:mod:`.pauses` (moving or not), :mod:`.gait` (auto gait with hysteresis), :mod:`.estimate`
(:func:`estimate_activity`), :mod:`.many` (:func:`estimate_activities`, many files in
parallel) and :mod:`.cli` (``retrocalc activity``). Needs the ``activity`` extra
(``pip install 'retrocalc[activity]'``: fitdecode and defusedxml).
"""

from __future__ import annotations

from .estimate import ActivityResult, estimate_activity
from .grade import GradeSettings
from .many import estimate_activities
from .pauses import PauseSettings
from .read import Activity, ActivityError, Fault, read_activity

__all__ = [
    "Activity",
    "ActivityError",
    "ActivityResult",
    "Fault",
    "GradeSettings",
    "PauseSettings",
    "estimate_activities",
    "estimate_activity",
    "read_activity",
]
