"""The energy of every interval of a recording: one vectorised call of the estimate, rest
for the pauses, and the energy from heart rate kept apart (for :mod:`.estimate`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ..nomenclature import OUTPUTS
from ..units.convert import KCAL_TO_KJ
from ._text import Coded

__all__ = ["call_estimate", "from_heart_rate", "rest_for_pauses"]

FloatArray = NDArray[np.float64]


def call_estimate(
    estimate: Any,
    v: FloatArray,
    mass_kg: float,
    dt: FloatArray,
    g: FloatArray,
    gaits: Any,
    dirs: Any,
    options: dict[str, Any],
) -> dict[str, Any]:
    """The one vectorised call of :func:`retrocalc.estimate` for every interval.

    The label outputs stay the engine's codes (:class:`._text.Coded`) instead of an object
    per sample: an array call keeps them with its result and makes text only on request.
    """
    from ..engine import GAIT_NAMES, MODEL_NAMES

    out = estimate(
        speed_m_s=v,
        mass_kg=mass_kg,
        duration_s=dt,
        grade=g,
        gait=gaits,
        direction=dirs,
        out_of_range="flag",
        **options,
    )
    names = (*OUTPUTS, *out.__dict__.get("_extra", ()))  # then any interval bounds
    columns = out.__dict__.get("_columns")
    values: dict[str, Any] = {}
    for name in names:
        if name == "gait_used" and columns is not None:
            values[name] = Coded(GAIT_NAMES, columns.gait_code.astype(np.intp))
        elif name == "model_used" and columns is not None:
            values[name] = Coded(MODEL_NAMES, columns.model_code.astype(np.intp))
        else:
            values[name] = getattr(out, name)
    return values


def from_heart_rate(
    s: Mapping[Any, pd.Series],
    mass_kg: float,
    dt: FloatArray,
    options: dict[str, Any],
    notes: list[str],
) -> dict[str, Any]:
    """Energy from the recorded heart rate (Keytel et al. 2005), kept apart from the motion
    estimate: ``hr_`` columns, when the recording has heart rate and ``age_years`` and ``sex``
    are given (the equations need both)."""
    if "heart_rate_bpm" not in s:
        return {}
    hr = np.asarray(s["heart_rate_bpm"], dtype=np.float64)
    if not np.isfinite(hr).any():
        return {}
    age, sex = options.get("age_years"), options.get("sex")
    if age is None or sex is None:
        notes.append("heart rate recorded: give age_years and sex for energy from heart rate")
        return {}
    from ..heart_rate import estimate_hr

    h = estimate_hr(
        heart_rate_bpm=np.where(hr > 0, hr, np.nan),
        mass_kg=mass_kg,
        age_years=age,
        sex=sex,
        duration_s=dt,
        out_of_range="flag",
    )
    return {
        "hr_energy_gross_kcal": np.asarray(h.hr_energy_gross_kcal, dtype=np.float64),
        "hr_in_range": np.asarray(h.hr_in_range, dtype=bool),
    }


def rest_for_pauses(result: dict[str, Any], moving: NDArray[np.bool_], dt: FloatArray) -> None:
    """Pauses: net 0, gross = the resting rate the estimate used (gross - net)."""
    rest = ~moving
    rest_vo2 = result["vo2_gross_ml_kg_min"] - result["vo2_net_ml_kg_min"]
    rest_w = result["power_gross_w"] - result["power_net_w"]
    result["vo2_gross_ml_kg_min"] = np.where(rest, rest_vo2, result["vo2_gross_ml_kg_min"])
    result["met"] = np.where(rest, 1.0, result["met"])
    result["power_gross_w"] = np.where(rest, rest_w, result["power_gross_w"])
    for name in ("vo2_net_ml_kg_min", "power_net_w", "energy_net_kcal", "energy_net_kj"):
        result[name] = np.where(rest, 0.0, result[name])
    kcal = rest_w * dt / 4184.0
    result["energy_gross_kcal"] = np.where(rest, kcal, result["energy_gross_kcal"])
    result["energy_gross_kj"] = np.where(rest, kcal * KCAL_TO_KJ, result["energy_gross_kj"])
    result["cost_of_transport_j_kg_m"] = np.where(rest, np.nan, result["cost_of_transport_j_kg_m"])
    result["in_range"] = np.where(rest, True, result["in_range"])
    model = result["model_used"]
    if isinstance(model, Coded):  # "rest" as one more label
        names = model.names if "rest" in model.names else (*model.names, "rest")
        result["model_used"] = Coded(names, np.where(rest, names.index("rest"), model.codes))
    else:
        result["model_used"] = np.where(rest, "rest", model).astype(object)
    # prediction-interval bounds (estimate(interval=...)): a pause is rest, no model spread
    for name in [k for k in result if k.endswith(("_lower", "_upper"))]:
        result[name] = np.where(rest, result[name.rsplit("_", 1)[0]], result[name])
