"""Totals, splits per km and per lap, and time and energy per gait and direction."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .estimate import ActivityResult
from .grade import GradeProfile
from .read import Activity

__all__ = ["summarise"]

_KCAL = ["energy_gross_kcal", "energy_net_kcal"]


def _splits(table: pd.DataFrame, key: np.ndarray[Any, Any], name: str) -> pd.DataFrame:
    """Sums per integer key (km or lap) with bincount: no per-group Python work."""
    moving = (table["state"] == "moving").to_numpy()
    dt = table["dt_s"].to_numpy(np.float64)
    z = table["altitude_filtered_m"].to_numpy(np.float64)
    dz = np.nan_to_num(np.diff(z, prepend=z[0]))
    distance = table["distance_m"].to_numpy(np.float64)
    codes, index = np.unique(key, return_inverse=True)
    columns = {
        "distance_m": np.diff(distance, prepend=distance[0]),
        "moving_s": np.where(moving, dt, 0.0),
        "elapsed_s": dt,
        "gain_m": np.clip(dz, 0, None),
        "loss_m": np.clip(-dz, 0, None),
        "energy_gross_kcal": np.nan_to_num(table["energy_gross_kcal"].to_numpy(np.float64)),
        "energy_net_kcal": np.nan_to_num(table["energy_net_kcal"].to_numpy(np.float64)),
    }
    out = pd.DataFrame(
        {name: codes, **{k: np.bincount(index, v, codes.size) for k, v in columns.items()}}
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        out["pace_s_per_km"] = out["moving_s"] / (out["distance_m"] / 1000.0)
    return out


def summarise(
    act: Activity,
    table: pd.DataFrame,
    profile: GradeProfile,
    settings: dict[str, Any],
    notes: list[str],
    share: float,
) -> ActivityResult:
    """Build the :class:`ActivityResult` of an estimated table."""
    moving = (table["state"] == "moving").to_numpy()
    dt = table["dt_s"].to_numpy(np.float64)
    distance = table["distance_m"].to_numpy(np.float64)
    dd = np.diff(distance, prepend=distance[0])
    km = np.floor(distance / 1000.0).astype(np.int64)
    splits_km = _splits(table, km, "km")
    splits_lap = _splits(table, table["lap"].to_numpy(), "lap")

    frame = pd.DataFrame(
        {
            "gait": table["gait"].to_numpy(object),
            "direction": table["direction"].to_numpy(object),
            "time_s": dt,
            "distance_m": np.where(moving, dd, 0.0),
            "energy_gross_kcal": table["energy_gross_kcal"].to_numpy(np.float64),
            "energy_net_kcal": table["energy_net_kcal"].to_numpy(np.float64),
        }
    )
    by_gait = frame.groupby(["gait", "direction"], sort=True).sum().reset_index()

    gross = float(np.nansum(table["energy_gross_kcal"]))
    net = float(np.nansum(table["energy_net_kcal"]))
    start = act.start_time
    summary: dict[str, Any] = {
        "source": act.source,
        "format": act.format,
        "sport": act.sport,
        "sub_sport": act.sub_sport,
        "device": act.device,
        "start_time": None if start is None else start.isoformat(),
        "samples": len(table),
        "elapsed_s": float(dt.sum()),
        "moving_s": float(dt[moving].sum()),
        "paused_s": float(dt[~moving].sum()),
        "distance_m": float(distance[-1] - distance[0]),
        "gain_m": profile.gain_m,
        "loss_m": profile.loss_m,
        "energy_gross_kcal": gross,
        "energy_net_kcal": net,
        "energy_gross_kj": gross * 4.184,
        "energy_net_kj": net * 4.184,
        "pause_gross_kcal": float(np.nansum(table["energy_gross_kcal"].to_numpy()[~moving])),
        "out_of_range_share": share,
        "models": ",".join(sorted(set(table["model_used"][moving].astype(str)))),
    }
    for rec in by_gait.to_dict("records"):  # at most 5 rows (gait x direction + pause)
        if rec["gait"] == "pause":
            continue  # paused_s and pause_gross_kcal above
        key = f"{rec['gait']}_{rec['direction']}"
        summary[f"{key}_s"] = float(rec["time_s"])
        summary[f"{key}_net_kcal"] = float(rec["energy_net_kcal"])
        summary[f"{key}_gross_kcal"] = float(rec["energy_gross_kcal"])
    summary["warnings"] = "; ".join(notes)
    return ActivityResult(
        samples=table,
        summary=summary,
        splits_km=splits_km,
        splits_lap=splits_lap,
        by_gait=by_gait,
        settings=settings,
        warnings=notes,
    )
