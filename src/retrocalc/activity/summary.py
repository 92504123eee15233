"""Totals, splits per km and per lap, and time and energy per gait and direction."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ..units.convert import KCAL_TO_KJ
from ._table import frame
from ._text import Coded, sorted_labels
from .estimate import ActivityResult, not_on_foot
from .grade import GradeProfile, finite, unique_inverse
from .pauses import interval_steps
from .read import Activity

__all__ = ["summarise"]


def _split_columns(
    cols: dict[str, Any], moving: np.ndarray[Any, Any], profile: GradeProfile
) -> dict[str, Any]:
    """The per-sample values the splits sum (the same for every key: made once)."""
    dt = cols["dt_s"]
    # gain and loss from the profile between its significant extrema, as the totals
    z = profile.climb_m if profile.climb_m is not None else np.zeros(dt.size)
    dz = finite(interval_steps(z))
    distance = cols["distance_m"]
    return {
        "distance_m": interval_steps(distance),
        "moving_s": np.where(moving, dt, 0.0),
        "elapsed_s": dt,
        "gain_m": np.clip(dz, 0, None),
        "loss_m": np.clip(-dz, 0, None),
        "energy_gross_kcal": finite(cols["energy_gross_kcal"]),
        "energy_net_kcal": finite(cols["energy_net_kcal"]),
    }


def _splits(columns: dict[str, Any], key: np.ndarray[Any, Any], name: str) -> pd.DataFrame:
    """Sums per integer key (km or lap) with bincount: no per-group Python work."""
    codes, index = unique_inverse(key)
    sums = {k: np.bincount(index, v, codes.size) for k, v in columns.items()}
    with np.errstate(divide="ignore", invalid="ignore"):
        pace = sums["moving_s"] / (sums["distance_m"] / 1000.0)
    return frame({name: codes, **sums, "pace_s_per_km": pace})


def _small_unique(codes: np.ndarray[Any, Any]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """``np.unique(codes, return_inverse=True)`` for small codes >= 0 (a few labels), by
    counting instead of sorting (a third of the time on 3,600 samples)."""
    keys = np.flatnonzero(np.bincount(codes))
    remap = np.zeros(int(keys[-1]) + 1, dtype=np.intp)
    remap[keys] = np.arange(keys.size)
    return keys, remap[codes]


def _moving(values: Any, moving: np.ndarray[Any, Any]) -> Any:
    if isinstance(values, Coded):
        return Coded(values.names, values.codes[moving])
    return np.asarray(values, dtype=object)[moving]


def identity(act: Activity, off_foot: list[str] | None = None) -> dict[str, Any]:
    """What a summary says of the recording itself: format, sport (and whether it is done on
    foot), sub-sport, device, start time.

    ``off_foot``: :func:`.estimate.not_on_foot` of the recording when the caller has it.
    """
    if off_foot is None:
        off_foot = not_on_foot(act)
    start = act.start_time
    return {
        "format": act.format,
        "sport": act.sport,
        "foot_sport": not off_foot,
        "sub_sport": act.sub_sport,
        "device": act.device,
        "start_time": None if start is None else start.isoformat(),
    }


def summarise(
    act: Activity,
    table: pd.DataFrame,
    cols: dict[str, Any],
    profile: GradeProfile,
    settings: dict[str, Any],
    notes: list[str],
    share: float,
    untimed_m: float = 0.0,
    off_foot: list[str] | None = None,
) -> ActivityResult:
    """Build the :class:`ActivityResult` from the per-sample columns (numpy arrays)."""
    moving = cols["moving"]
    dt = cols["dt_s"]
    distance = cols["distance_m"]
    per_sample = _split_columns(cols, moving, profile)
    dd = per_sample["distance_m"]
    km = np.floor(distance / 1000.0).astype(np.int64)
    splits_km = _splits(per_sample, km, "km")
    splits_lap = _splits(per_sample, np.asarray(cols["lap"]), "lap")

    # (gait, direction) pairs as integer codes: no per-sample string concatenation
    gait_names, gait_code = sorted_labels(cols["gait"])
    dir_names, dir_code = sorted_labels(cols["direction"])
    nd = len(dir_names)
    keys, index = _small_unique(gait_code * nd + dir_code)
    pairs = [(gait_names[k // nd], dir_names[k % nd]) for k in keys.tolist()]
    gross_s = per_sample["energy_gross_kcal"]
    net_s = per_sample["energy_net_kcal"]
    per_gait = {
        "time_s": np.bincount(index, dt, len(pairs)),
        "distance_m": np.bincount(index, np.where(moving, dd, 0.0), len(pairs)),
        "energy_gross_kcal": np.bincount(index, gross_s, len(pairs)),
        "energy_net_kcal": np.bincount(index, net_s, len(pairs)),
    }
    # a pair without time is no row (the first sample, which ends no interval, is "pause")
    timed = per_gait["time_s"] > 0.0
    if not timed.all():
        keys = keys[timed]
        pairs = [pair for pair, t in zip(pairs, timed.tolist(), strict=True) if t]
        per_gait = {k: v[timed] for k, v in per_gait.items()}
    by_gait = frame(
        {
            "gait": Coded(tuple(gait_names), keys // nd).column(),  # a handful of pairs
            "direction": Coded(tuple(dir_names), keys % nd).column(),
            **per_gait,
        }
    )

    gross = float(gross_s.sum())
    net = float(net_s.sum())
    summary: dict[str, Any] = {
        "source": act.source,
        **identity(act, off_foot),
        "samples": int(dt.size),
        "elapsed_s": float(dt.sum()),
        "moving_s": float(dt[moving].sum()),
        "paused_s": float(dt[~moving].sum()),
        "distance_m": float(distance[-1] - distance[0]),
        "untimed_m": untimed_m,
        # (the sums of the splits' gain and loss)
        "gain_m": float(per_sample["gain_m"].sum()),
        "loss_m": float(per_sample["loss_m"].sum()),
        "energy_gross_kcal": gross,
        "energy_net_kcal": net,
        "energy_gross_kj": gross * KCAL_TO_KJ,
        "energy_net_kj": net * KCAL_TO_KJ,
        "pause_gross_kcal": float(gross_s[~moving].sum()),
        "out_of_range_share": share,
        "models": ",".join(sorted_labels(_moving(cols["model_used"], moving))[0]),
    }
    for i, (gait, direction) in enumerate(pairs):  # at most 5 (gait x direction + pause)
        if gait == "pause":
            continue  # paused_s and pause_gross_kcal above
        key = f"{gait}_{direction}"
        summary[f"{key}_s"] = float(per_gait["time_s"][i])
        summary[f"{key}_net_kcal"] = float(per_gait["energy_net_kcal"][i])
        summary[f"{key}_gross_kcal"] = float(per_gait["energy_gross_kcal"][i])
    if "hr_energy_gross_kcal" in cols:  # from heart rate, apart from the motion estimate
        hr = np.asarray(cols["hr_energy_gross_kcal"], dtype=np.float64)
        summary["hr_energy_gross_kcal"] = float(np.nansum(hr))
        summary["hr_share"] = float(np.isfinite(hr).mean())
    for kind in ("gross", "net"):  # with estimate(interval=...): the bounds of the totals
        for end in ("lower", "upper"):
            name = f"energy_{kind}_kcal_{end}"
            if name in cols:
                # the person-to-person spread is systematic over a session: bounds add up
                summary[name] = float(finite(cols[name]).sum())
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
