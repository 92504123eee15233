"""The question as the solvers see it: the target as gross metabolic power per kg, and the
factor the direction puts on the net forward cost of each row."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from .._wrap import Locator, label_codes
from ..models.direction import BACKWARD_RUNNING_FACTOR, BACKWARD_WALKING_FACTOR
from ..units import KCAL_TO_KJ

if TYPE_CHECKING:
    from numpy.typing import NDArray

    FloatArray = NDArray[np.float64]


def _factors(
    flat: Mapping[str, Any], gait_code: Any, given: Any, mapping: Any, n: int
) -> FloatArray:
    """The factor on the net forward cost per row (1 forward), as estimate() applies it."""
    direction = flat["direction"]
    dir_code = label_codes(
        Locator((n,)),
        "direction",
        np.asarray(direction, dtype=object),
        {"forward": 0, "backward": 1},
        (n,),
    )
    run = gait_code == 1
    if mapping is not None:
        back = np.where(
            run,
            float(mapping.get("run", BACKWARD_RUNNING_FACTOR)),
            float(mapping.get("walk", BACKWARD_WALKING_FACTOR)),
        )
    elif given is not None:
        back = np.asarray(flat["backward_factor"], dtype=np.float64)
    else:
        back = np.where(run, BACKWARD_RUNNING_FACTOR, BACKWARD_WALKING_FACTOR)
    return np.where(dir_code == 1, back, 1.0)


def _gross_w_kg(
    quantity: str,
    target: FloatArray,
    mass: FloatArray,
    rest: FloatArray,
    w_per_vo2: FloatArray,
    duration: FloatArray | None,
) -> FloatArray:
    """Target as gross metabolic power per kg body mass [W/kg]."""
    if quantity.startswith("energy_"):
        assert duration is not None
        joules = target * (KCAL_TO_KJ * 1000.0 if quantity.endswith("_kcal") else 1000.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            per_kg = joules / np.asarray(duration, dtype=np.float64) / mass
        return per_kg + rest if "_net_" in quantity else per_kg
    if quantity == "met":
        return target * rest
    if quantity == "vo2_gross_ml_kg_min":
        return target * w_per_vo2
    if quantity.endswith("kcal_per_h"):
        per_kg = target * KCAL_TO_KJ * 1000.0 / 3600.0 / mass
        return per_kg + rest if quantity.startswith("net_") else per_kg
    per_kg = target / mass
    return per_kg + rest if quantity == "power_net_w" else per_kg
