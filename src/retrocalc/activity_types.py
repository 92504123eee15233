"""Activity types of fitness exports (Garmin Connect, Strava, ...) to gait and direction.

An export's ``Activity Type`` column says ``Running``, ``Trail Running``, ``Treadmill Running``,
``Walking``, ``Hiking`` (Garmin Connect), ``Run``, ``TrailRun``, ``Walk``, ``Hike`` (Strava) or
``trail_running`` (Garmin's type keys). :func:`activity_gait` maps such texts to the ``gait`` and
``direction`` that :func:`retrocalc.estimate` takes:

- matching ignores case, spaces, hyphens and underscores (``"Trail Running"``,
  ``"trail_running"`` and ``"TRAIL-RUNNING"`` are one type) and a leading
  ``HKWorkoutActivityType`` (Apple Health);
- a type that says ``backward``, ``backwards``, ``retro`` or ``reverse`` before a known type is
  that type done backward (``"Backward Running"``, ``"Retro Walk"``, ``"Reverse treadmill
  running"``);
- a type it does not know, or one that is not walking or running (``"Cycling"``), comes back
  missing (``None``) with a reason, never an error, so a batch keeps its other rows;
- ``activity_map=`` adds or overrides types (``{"Fartlek": "run", "Retro": ("run",
  "backward")}``).

The table is :data:`ACTIVITY_TYPES`; the documentation prints it (``retrocalc-activity-types``).
Only the type is mapped: a hike's rough ground (``terrain_factor``) or a treadmill's incline
(``grade``) are not guessed from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import numpy as np
from numpy.typing import NDArray

from ._wrap import MISSING_LABELS, Kind, as_label_array, kind_of, unpack

__all__ = [
    "ACTIVITY_TYPES",
    "BACKWARD_WORDS",
    "ActivityType",
    "GaitDirection",
    "activity_gait",
    "normalise",
    "user_table",
]

Gait = Literal["walk", "run"]
Direction = Literal["forward", "backward"]


@dataclass(frozen=True)
class ActivityType:
    """One row of the table: an export's name for an activity and the gait it means.

    Attributes
    ----------
    name : str
        The type as the export writes it (matched ignoring case, spaces, ``-`` and ``_``).
    gait : {"walk", "run"}
    direction : {"forward", "backward"}
    source : str
        Where the name is used (``"Garmin Connect"``, ``"Strava"``, ``"generic"``...).
    """

    name: str
    gait: Gait
    direction: Direction
    source: str


_G = "Garmin Connect"
_S = "Strava"
_A = "Apple Health"
_X = "generic"

#: The known activity types, in the order the documentation lists them.
ACTIVITY_TYPES: tuple[ActivityType, ...] = (
    ActivityType("Running", "run", "forward", f"{_G}, {_A}, FIT sport"),
    ActivityType("Trail Running", "run", "forward", _G),
    ActivityType("Treadmill Running", "run", "forward", _G),
    ActivityType("Track Running", "run", "forward", _G),
    ActivityType("Street Running", "run", "forward", _G),
    ActivityType("Indoor Running", "run", "forward", _G),
    ActivityType("Virtual Run", "run", "forward", f"{_G}; {_S} (VirtualRun)"),
    ActivityType("Ultra Run", "run", "forward", _G),
    ActivityType("Run", "run", "forward", _S),
    ActivityType("TrailRun", "run", "forward", _S),
    ActivityType("Jogging", "run", "forward", _X),
    ActivityType("Jog", "run", "forward", _X),
    ActivityType("Walking", "walk", "forward", f"{_G}, {_A}, FIT sport"),
    ActivityType("Casual Walking", "walk", "forward", _G),
    ActivityType("Speed Walking", "walk", "forward", _G),
    ActivityType("Indoor Walking", "walk", "forward", _G),
    ActivityType("Treadmill Walking", "walk", "forward", _X),
    ActivityType("Hiking", "walk", "forward", f"{_G}, {_A}, FIT sport"),
    ActivityType("Walk", "walk", "forward", _S),
    ActivityType("Hike", "walk", "forward", _S),
    ActivityType("Backward Running", "run", "backward", _X),
    ActivityType("Backward Walking", "walk", "backward", _X),
    ActivityType("Retro Running", "run", "backward", _X),
    ActivityType("Retro Walking", "walk", "backward", _X),
)

#: Words before a type that make it backward ("Backward Running", "Retro Walk").
BACKWARD_WORDS: tuple[str, ...] = ("backwards", "backward", "retro", "reverse")

_APPLE_PREFIX = "hkworkoutactivitytype"

#: Types that are on foot but outside every model, with why (normalised name -> reason).
_NOT_MODELLED: Mapping[str, str] = {
    "nordicwalking": "Nordic walking (with poles) is not modelled: poles change its cost",
    "snowshoe": "snowshoeing is not modelled: snow changes the cost of walking",
    "snowshoeing": "snowshoeing is not modelled: snow changes the cost of walking",
    "stairclimbing": "stair climbing is not modelled: the models are for slopes, not stairs",
    "stairstepper": "stair stepping is not modelled: the models are for slopes, not stairs",
    "elliptical": "elliptical trainers are not modelled: not walking or running",
}


def normalise(text: str) -> str:
    """The matching key of an activity type: lower case, letters and digits only.

    >>> normalise("Trail Running"), normalise("trail_running"), normalise("TrailRun")
    ('trailrunning', 'trailrunning', 'trailrun')
    """
    key = "".join(ch for ch in text.lower() if ch.isalnum())
    return key.removeprefix(_APPLE_PREFIX) if key != _APPLE_PREFIX else key


_TABLE: dict[str, tuple[Gait, Direction]] = {
    normalise(t.name): (t.gait, t.direction) for t in ACTIVITY_TYPES
}


class GaitDirection(NamedTuple):
    """What :func:`activity_gait` returns: three values of the input's kind.

    ``gait`` and ``direction`` are None where the type is not mapped; ``reason`` is ``""``
    where it is, else why not.
    """

    gait: Any
    direction: Any
    reason: Any


def user_table(activity_map: Mapping[str, Any] | None) -> dict[str, tuple[Gait, Direction]]:
    """A user's ``--activity-map`` (type -> "gait[:direction]") as table entries, checked."""
    table: dict[str, tuple[Gait, Direction]] = {}
    for name, value in (activity_map or {}).items():
        gait: Any
        direction: Any
        if isinstance(value, str):
            gait, direction = value, "forward"
        elif isinstance(value, Mapping):
            gait, direction = value.get("gait"), value.get("direction", "forward")
        elif isinstance(value, tuple | list) and len(value) == 2:
            gait, direction = value
        else:
            raise ValueError(
                f"activity_map[{name!r}] must be a gait ('walk' or 'run'), a (gait, direction) "
                f"pair or a mapping with 'gait' and 'direction'; got {value!r}"
            )
        gait_s = str(gait).strip().lower()
        direction_s = str(direction).strip().lower()
        if gait_s not in ("walk", "run"):
            raise ValueError(f"activity_map[{name!r}]: gait must be 'walk' or 'run', got {gait!r}")
        if direction_s not in ("forward", "backward"):
            raise ValueError(
                f"activity_map[{name!r}]: direction must be 'forward' or 'backward', "
                f"got {direction!r}"
            )
        key = normalise(str(name))
        if not key:
            raise ValueError(f"activity_map has a name without letters or digits: {name!r}")
        table[key] = (gait_s, direction_s)  # type: ignore[assignment]
    return table


def _lookup(text: str, table: Mapping[str, tuple[Gait, Direction]]) -> tuple[Any, Any, str]:
    """Gait, direction and reason of one activity type text."""
    if text.strip().lower() in MISSING_LABELS:
        return None, None, "no activity type"
    key = normalise(text)
    if key in table:
        return (*table[key], "")
    for word in BACKWARD_WORDS:
        rest = key.removeprefix(word)
        if rest != key and rest in table:
            return table[rest][0], "backward", ""
    if key in _NOT_MODELLED:
        return None, None, f"activity type {text!r}: {_NOT_MODELLED[key]}"
    return (
        None,
        None,
        f"activity type {text!r} is not a known walking or running type; "
        "map it with activity_map (--activity-map) if it is one",
    )


def activity_gait(types: Any, activity_map: Mapping[str, Any] | None = None) -> GaitDirection:
    """Gait and direction of export activity types.

    Parameters
    ----------
    types : str, sequence, ndarray or Series of str
        Activity types as an export writes them (``"Trail Running"``, ``"Run"``...). Missing
        values (None, NaN, ``""``) give a missing gait with the reason ``"no activity type"``.
    activity_map : mapping of str to gait or (gait, direction), optional
        More types, or other meanings for known ones: ``{"Fartlek": "run",
        "Retro treadmill": ("run", "backward")}``. Names match like the table's.

    Returns
    -------
    GaitDirection
        ``(gait, direction, reason)``, each a str (or None) for a str in, an object ndarray of
        the same shape for a sequence or ndarray, a Series with the same index for a Series.
        Each distinct text is looked up once, so a million rows of a few types cost a few
        look-ups.

    Raises
    ------
    ValueError
        When ``activity_map`` holds something other than walk/run and forward/backward.

    Examples
    --------
    >>> activity_gait("Trail Running")
    GaitDirection(gait='run', direction='forward', reason='')
    >>> activity_gait(["Walk", "Backward Running", "Cycling"]).direction.tolist()
    ['forward', 'backward', None]
    """
    table = {**_TABLE, **user_table(activity_map)}
    kind, index = kind_of(types)
    # a lone value goes in as a one-element list (as_label_array trips on 0-d object arrays)
    labels = as_label_array([types]).reshape(()) if kind is Kind.SCALAR else as_label_array(types)
    text = labels.astype(str) if labels.dtype.kind != "U" else labels
    # each distinct text once: a batch has millions of rows but a handful of types
    uniq, inverse = np.unique(text, return_inverse=True)
    found = [_lookup(str(u), table) for u in uniq]
    gait: NDArray[Any] = np.array([f[0] for f in found] or [None], dtype=object)
    direction: NDArray[Any] = np.array([f[1] for f in found] or [None], dtype=object)
    reason: NDArray[Any] = np.array([f[2] for f in found] or [""], dtype=object)
    flat = inverse.reshape(-1)
    return GaitDirection(
        *(
            unpack(values[flat].reshape(text.shape), kind, index, name)
            for values, name in ((gait, "gait"), (direction, "direction"), (reason, "reason"))
        )
    )
