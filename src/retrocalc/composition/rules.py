"""The rules: gaits, directions, the walk-run transition and the default-model table.

Each rule is stated once, as data and one function over a row of floats or a block of rows.
Labels arrive as integer codes (:data:`GAIT_CODES`, :data:`DIRECTION_CODES`, model index in
:data:`BASE`; -1 missing): the engines turn text into codes, the result turns codes back into
names only when asked.

=======================  ========================================================
walking                  ``lcda2019_walking``; ``lcda2019_loaded_walking`` with a
                         load up to its range (30 kg); ``pandolf1977_santee`` with
                         a heavier load or a terrain factor other than 1
running                  ``acsm_minetti_running`` (ACSM level and uphill, Minetti's
                         relative cost downhill: continuous across grade 0)
=======================  ========================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

from ..energy import SEX_CODES
from ..models import REGISTRY, ModelSpec

__all__ = [
    "BASE",
    "BASE_INDEX",
    "DEFAULT_MODELS",
    "DIRECTIONS",
    "DIRECTION_CODES",
    "DIRECTION_SPECS",
    "GAITS",
    "GAIT_CODES",
    "LABELS",
    "MODEL_CODES",
    "WALK_RUN_TRANSITION_M_S",
    "choose_model",
    "resolve_gait",
]

GAITS = ("walk", "run")
DIRECTIONS = ("forward", "backward")
#: Codes of the gait labels; 2 is "auto", resolved by :func:`resolve_gait`.
GAIT_CODES: Mapping[str, int] = MappingProxyType({"walk": 0, "run": 1, "auto": 2})
DIRECTION_CODES: Mapping[str, int] = MappingProxyType({"forward": 0, "backward": 1})

#: Preferred walk-run transition speed [m/s] used by ``gait="auto"``: about 2.0 m/s forward
#: (SCIENCE.md; overground walking and running mix from 1.9 to 3.0 m/s) and 1.63 +/- 0.11 m/s
#: backward (Hreljac et al. 2005, J Sports Sci Med 4:446-454).
WALK_RUN_TRANSITION_M_S: Mapping[str, float] = MappingProxyType({"forward": 2.0, "backward": 1.63})

#: Default base model per gait and condition (evidence in docs/science.md).
DEFAULT_MODELS: Mapping[str, str] = MappingProxyType(
    {
        "walk": "lcda2019_walking",
        # with a load: LCDA's walking part scaled by body mass plus load (Ludlow & Weyand
        # 2017), continuous across grade; Pandolf-Santee beyond its load range or with a
        # terrain factor (the only model with one; it steps by ~7 % at level)
        "walk_loaded": "lcda2019_loaded_walking",
        "walk_terrain": "pandolf1977_santee",
        # one model over every grade: streams cross grade 0 every few seconds, and ACSM
        # then Minetti stepped by 14 % there (docs/science.md, continuity of the defaults)
        "run": "acsm_minetti_running",
        "run_downhill": "acsm_minetti_running",
    }
)

#: The base models in registry order; a model code is an index into this tuple.
BASE: tuple[ModelSpec, ...] = tuple(REGISTRY.base())
BASE_INDEX: Mapping[str, int] = MappingProxyType({s.name: i for i, s in enumerate(BASE)})
#: ``model=`` labels: base models by index; a direction model's name is -2 (refused).
MODEL_CODES: Mapping[str, int] = MappingProxyType(
    {**BASE_INDEX, **{s.name: -2 for s in REGISTRY.values() if s.kind != "base"}}
)
#: The text inputs: their codes and the code of a label not given (the engines read this one
#: table: the array engine per block, the plain-float front in its generated code).
LABELS: Mapping[str, tuple[Mapping[str, int], int]] = MappingProxyType(
    {
        "gait": (GAIT_CODES, GAIT_CODES["auto"]),
        "direction": (DIRECTION_CODES, DIRECTION_CODES["forward"]),
        "model": (MODEL_CODES, -1),
        "sex": (SEX_CODES, -1),
    }
)
#: The direction model (backward factor) of each gait, by gait code.
DIRECTION_SPECS: tuple[ModelSpec, ...] = tuple(
    next(s for s in REGISTRY.values() if s.kind == "direction" and g in s.gaits) for g in GAITS
)

# per base model: its only gait's code (-1 for several), and which gaits it describes
_SINGLE = tuple(GAIT_CODES[s.gaits[0]] if len(s.gaits) == 1 else -1 for s in BASE)
_SINGLE_ARRAY = np.array(_SINGLE, dtype=np.int8)
_SUPPORTS = tuple(tuple(g in s.gaits for g in GAITS) for s in BASE)
_SUPPORTS_ARRAY = np.array(_SUPPORTS, dtype=bool)
_DEFAULTS = tuple(
    BASE_INDEX[DEFAULT_MODELS[k]]
    for k in ("walk", "walk_loaded", "walk_terrain", "run", "run_downhill")
)
#: The heaviest load of the loaded-walking default; heavier loads go to ``walk_terrain``.
_LOADED_UP_TO = float(REGISTRY[DEFAULT_MODELS["walk_loaded"]].ranges["load_kg"][1] or np.inf)
_FORWARD_AT = WALK_RUN_TRANSITION_M_S["forward"]
_BACKWARD_AT = WALK_RUN_TRANSITION_M_S["backward"]


def resolve_gait(gait: Any, speed: Any, backward: Any, model: Any) -> Any:
    """Gait codes with "auto" resolved.

    An explicit gait stays; "auto" becomes the only gait of an explicitly named model, else
    running at or above :data:`WALK_RUN_TRANSITION_M_S` for the direction. Missing stays -1.

    Parameters
    ----------
    gait, backward, model : int or ndarray
        Gait codes, backward flags (bool) and model codes (-1 for the default).
    speed : float or ndarray [m/s]
    """
    if type(gait) is int and type(speed) is float:  # one row
        if gait != 2:
            return gait
        if model >= 0 and _SINGLE[model] >= 0:
            return _SINGLE[model]
        return 1 if speed >= (_BACKWARD_AT if backward else _FORWARD_AT) else 0
    if type(gait) is int and type(model) is int:  # constants over the block
        if gait != 2:
            return gait
        if model >= 0 and _SINGLE[model] >= 0:
            return _SINGLE[model]
    auto = gait == 2
    if not np.any(auto):
        return gait
    # int8 mask arithmetic: several times faster than np.where on these small types
    by_speed = np.asarray(speed >= _FORWARD_AT)
    if np.any(backward):
        by_speed = np.asarray(by_speed | (backward & (speed >= _BACKWARD_AT)))
    if np.any(model >= 0):
        from_model = np.where(model >= 0, _SINGLE_ARRAY[np.maximum(model, 0)], np.int8(-1))
        by_speed = np.where(from_model >= 0, from_model, by_speed)
    by_speed = by_speed.view(np.int8) if by_speed.dtype == bool else by_speed
    return gait - np.asarray(auto).view(np.int8) * (np.int8(2) - by_speed)


def supports(model: Any, gait: Any) -> Any:
    """True where the (explicit) model describes the gait; codes must be >= 0."""
    if type(model) is int and type(gait) is int:
        return _SUPPORTS[model][gait]
    return _SUPPORTS_ARRAY[model, gait]


def choose_model(gait: Any, grade: Any, load: Any, terrain: Any, model: Any) -> Any:
    """Base-model codes: the explicit model, else the default for gait, grade and load.

    Parameters
    ----------
    gait : int or ndarray
        Resolved gait codes (0 walk, 1 run; rows with -1 must be masked by the caller).
    grade : float or ndarray [1]
    load : float or ndarray [kg]
    terrain : float or ndarray [1]
    model : int or ndarray
        Explicit model codes, -1 for the default.
    """
    if type(model) is int and model >= 0:  # one explicit model (a row, or a whole block)
        return model
    walk, walk_loaded, walk_terrain, run, run_downhill = _DEFAULTS
    if type(gait) is int and type(model) is int and gait == 1 and run_downhill == run:
        return run  # one running default across grade 0: no pass over a block's grades
    if type(gait) is int and type(model) is int and type(grade) is float:
        if gait == 1:  # the running default reads only the grade
            return run_downhill if grade < 0.0 else run
        if type(load) is float and type(terrain) is float:  # one row, or walking constants
            if terrain != 1.0 or load > _LOADED_UP_TO:
                return walk_terrain
            return walk_loaded if load != 0.0 else walk
    loaded = np.asarray(load != 0).view(np.int8)
    rough = np.asarray((terrain != 1) | (load > _LOADED_UP_TO)).view(np.int8)
    walk_model = np.int8(walk) + loaded * np.int8(walk_loaded - walk)
    walk_model = walk_model + rough * (np.int8(walk_terrain) - walk_model)
    run8 = np.asarray(gait == 1).view(np.int8)
    down8 = np.asarray(grade < 0).view(np.int8)
    codes = (
        walk_model + run8 * (np.int8(run) - walk_model) + run8 * down8 * np.int8(run_downhill - run)
    )
    return np.where(model >= 0, model, codes) if np.any(model >= 0) else codes
