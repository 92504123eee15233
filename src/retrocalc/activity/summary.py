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


def _splits(table: pd.DataFrame, key: Any, name: str) -> pd.DataFrame:
    moving = table["state"] == "moving"
    z = table["altitude_filtered_m"]
    dz = z.diff().fillna(0.0)
    frame = pd.DataFrame(
        {
            name: key,
            "distance_m": table["distance_m"].diff().fillna(0.0),
            "moving_s": table["dt_s"].where(moving, 0.0),
            "elapsed_s": table["dt_s"],
            "gain_m": dz.clip(lower=0),
            "loss_m": (-dz).clip(lower=0),
            "energy_gross_kcal": table["energy_gross_kcal"],
            "energy_net_kcal": table["energy_net_kcal"],
        }
    )
    out = frame.groupby(name, sort=True).sum(min_count=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["pace_s_per_km"] = out["moving_s"] / (out["distance_m"] / 1000.0)
    return out.reset_index()


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
