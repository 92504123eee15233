"""A recording's streams made usable: distance, times and speed per sample.

The distance is the device's, else haversine between positions within a segment, else the
device speed integrated; faulty steps (jumps, readings going back) are mended or left out
(:func:`without_jumps`). Points without a time get one interpolated over distance. The speed
is the device's, else distance over time on a 5-interval window.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ..exceptions import ActivityWarning
from .pauses import PauseSettings, interval_steps
from .read import UNTIMED_ROUTE, Activity, ActivityError, Fault

__all__ = [
    "EARTH_RADIUS_M",
    "distance_of",
    "haversine_distance",
    "speed_of",
    "times_of",
    "without_jumps",
]

FloatArray = NDArray[np.float64]
#: Mean Earth radius [m] (IUGG), for the haversine distance.
EARTH_RADIUS_M = 6_371_008.8
_SPEED_WINDOW = 5  # intervals in the derived-speed window


def haversine_distance(lat: FloatArray, lon: FloatArray, segment: NDArray[np.int64]) -> FloatArray:
    """Cumulative great-circle distance [m], not counted across segments or missing fixes."""
    ok = np.isfinite(lat) & np.isfinite(lon)
    idx = np.flatnonzero(ok)
    out = np.full(lat.size, np.nan)
    if idx.size == 0:
        return out
    p, q = np.radians(lat[idx]), np.radians(lon[idx])
    a = np.sin(np.diff(p) / 2) ** 2 + np.cos(p[:-1]) * np.cos(p[1:]) * np.sin(np.diff(q) / 2) ** 2
    step = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
    step[segment[idx][1:] != segment[idx][:-1]] = 0.0  # the jump across a pause is not run
    out[idx] = np.concatenate([[0.0], np.cumsum(step)])
    return out


def _fixes(lat: FloatArray, lon: FloatArray, notes: list[str]) -> tuple[FloatArray, FloatArray]:
    """The positions that are fixes: a latitude beyond +-90 deg or a longitude beyond
    +-180 deg (a corrupt value; a Fault) and latitude and longitude both exactly 0 (what some
    devices write before a fix) are left out, as a point without a position. Left in, each
    would be two jumps of thousands of km, at rest as ``too_fast`` with their intervals."""
    impossible = (np.abs(lat) > 90) | (np.abs(lon) > 180)  # (NaN compares False)
    zeros = (lat == 0) & (lon == 0)
    if not (impossible.any() or zeros.any()):
        return lat, lon
    if impossible.any():
        i = int(np.flatnonzero(impossible)[0])
        notes.append(
            Fault(
                f"{int(impossible.sum())} point(s) with an impossible position (the first: "
                f"latitude {lat[i]:g}, longitude {lon[i]:g}): left out of the distance"
            )
        )
    if zeros.any():
        notes.append(
            f"{int(zeros.sum())} point(s) at latitude 0, longitude 0 (no GPS fix yet): left "
            "out of the distance"
        )
    off = impossible | zeros
    return np.where(off, np.nan, lat), np.where(off, np.nan, lon)


def _fill_gaps(values: FloatArray) -> FloatArray:
    """Fill gaps (interpolate inside, hold at the ends); the order is checked later
    (:func:`without_jumps`)."""
    if np.isfinite(values).all():
        return values
    # an infinite reading is a gap too (interpolate fills NaN only)
    values = np.where(np.isfinite(values), values, np.nan)
    s = pd.Series(values).interpolate(limit_area="inside").ffill().bfill()
    return np.asarray(s.to_numpy(np.float64), dtype=np.float64)


def without_jumps(
    distance: FloatArray,
    elapsed: FloatArray,
    held: NDArray[np.bool_],
    device: FloatArray | None,
    rules: PauseSettings,
    notes: list[str],
) -> tuple[FloatArray, FloatArray | None, float]:
    """The distance without its faults.

    An increment faster than ``rules.max_speed_m_s`` (a GPS jump, a corrupt reading) or
    negative (the reading coming back from a jump, a counter reset) is replaced by the
    distance the device's speed gives over the interval (``device``: where recorded and
    not too fast itself, the interval is estimated at that speed anyway), else by none.
    Every other increment counts as recorded. Holding the largest reading instead (a
    running maximum) would turn everything after a jump that comes back into standing
    still, and everything after a counter reset until the old total is passed. The points
    without a time before the first or after the last (``held``) are not judged: their
    stretch counts as recorded.

    Returns
    -------
    distance : ndarray [m]
        Non-decreasing; the input itself when it has no such increment.
    jump_speed : ndarray [m/s] or None
        The recorded speed of each too-fast interval without a device speed (inf when no
        time passed: its state is then ``too_fast``), NaN elsewhere; None without such.
    dropped : float [m]
        The length of those jumps, left out.
    """
    dd = interval_steps(distance)
    dt = interval_steps(elapsed)
    # (a distance step within one clock tick is allowed what a second allows; the track
    # before the first or after the last time has no time to judge it by)
    reach = rules.max_speed_m_s * np.maximum(dt, 1.0)
    fast = dd > reach
    fast[held] = fast[1:][held[:-1]] = False
    back = dd < 0
    if not (fast.any() or back.any()):
        return distance, None, 0.0
    ok = np.zeros(dd.size, dtype=bool)
    instead: Any = 0.0
    if device is not None:
        ok = (device >= 0) & (device <= rules.max_speed_m_s)  # (False for NaN)
        instead = np.where(ok, device, 0.0) * dt
    repaired = int(np.count_nonzero((fast | back) & ok))
    if repaired:
        notes.append(
            f"{repaired} distance step(s) faster than {rules.max_speed_m_s:g} m/s or going "
            "back: the device's speed over the interval counted instead"
        )
    # a step back within what the speed limit allows is the reading's rounding or jitter
    # (no distance counted, a plain note); a longer one is a fault
    lost_back = int(np.count_nonzero(back & ~ok & (-dd > reach)))
    jitter = int(np.count_nonzero(back & ~ok & (-dd <= reach)))
    if lost_back:
        notes.append(
            Fault(
                f"the distance goes back at {lost_back} point(s) (a reading coming back from "
                "a jump, or a counter reset): no distance counted there"
            )
        )
    if jitter:
        notes.append(
            f"the distance goes back a little at {jitter} point(s) (rounding or jitter): no "
            "distance counted there"
        )
    lost = fast & ~ok
    jump_speed = None
    if lost.any():
        with np.errstate(divide="ignore", invalid="ignore"):
            jump_speed = np.where(lost, dd / np.where(dt > 0, dt, 0.0), np.nan)
    distance = distance[0] + np.cumsum(np.where(fast | back, instead, dd))
    return distance, jump_speed, float(dd[lost].sum())


def distance_of(
    act: Activity, s: Mapping[Any, pd.Series], elapsed: FloatArray, notes: list[str]
) -> FloatArray:
    device = s["distance_m"].to_numpy(np.float64)
    if np.isfinite(device).sum() >= 2:
        return _fill_gaps(device)
    lat, lon = s["latitude_deg"].to_numpy(np.float64), s["longitude_deg"].to_numpy(np.float64)
    lat, lon = _fixes(lat, lon, notes)
    seg = s["segment"].to_numpy(np.int64)
    if (np.isfinite(lat) & np.isfinite(lon)).sum() >= 2:
        return _fill_gaps(haversine_distance(lat, lon, seg))
    speed = s["speed_m_s"].to_numpy(np.float64)
    if np.isfinite(speed).sum() >= 2 and np.isfinite(elapsed).sum() >= 2:
        notes.append("no distance or positions: distance integrated from the device speed")
        dt = np.diff(np.nan_to_num(elapsed), prepend=0.0)
        v = np.nan_to_num(speed, nan=0.0, posinf=0.0, neginf=0.0)  # a fault is no speed
        return np.cumsum(np.clip(v, 0, None) * np.clip(dt, 0, None))
    raise ActivityError(f"{act.source}: no distance, positions or speed to estimate from")


def times_of(
    act: Activity, s: Mapping[Any, pd.Series], distance: FloatArray, notes: list[str]
) -> tuple[FloatArray, float, NDArray[np.bool_]]:
    """Elapsed time of every point [s], the track length without a time [m], and which
    points lie before the first or after the last time (held at it)."""
    elapsed = s["elapsed_s"].to_numpy(np.float64).copy()
    timed = np.isfinite(elapsed)
    if timed.sum() < 2 or np.ptp(elapsed[timed]) < 1.0:
        if act.untimed_route:
            raise ActivityError(
                f"{act.source}: {UNTIMED_ROUTE} (a planned course, not a recording): no "
                "speed, so no energy (record the walk or run, or estimate the route's "
                "distance at a chosen speed with retrocalc.estimate)"
            )
        raise ActivityError(
            f"{act.source}: {int(timed.sum())} of {elapsed.size} points have a time and they "
            "span less than 1 s: no speed, so no energy (give the streams' times)"
        )
    untimed = 0.0
    held = np.zeros(elapsed.size, dtype=bool)
    if not timed.all():
        elapsed[~timed] = np.interp(distance[~timed], distance[timed], elapsed[timed])
        # before the first and after the last time nothing can be interpolated: those points
        # keep the nearest time, so their stretch of track gets no duration and no energy
        first, last = np.flatnonzero(timed)[[0, -1]]
        held[:first] = held[last + 1 :] = True
        untimed = float((distance[first] - distance[0]) + (distance[-1] - distance[last]))
        if first > 0 or last < elapsed.size - 1:
            text = (
                f"{first + elapsed.size - 1 - last} points before the first or after the last "
                f"time ({untimed:.0f} m of track) have no time: no duration and no energy "
                "for that stretch (distance_m includes it, untimed_m is its length)"
            )
            notes.append(text)
            # energy missing for part of the track: said now, not only in the result
            warnings.warn(f"{act.source}: {text}", ActivityWarning, stacklevel=3)
    backwards = np.diff(elapsed) < 0
    if backwards.any():
        notes.append(Fault(f"time goes backwards at {int(backwards.sum())} points: held"))
        elapsed = np.maximum.accumulate(elapsed)
    return elapsed, untimed, held


def speed_of(
    s: Mapping[Any, pd.Series],
    elapsed: FloatArray,
    distance: FloatArray,
    jump_speed: FloatArray | None,
    use_device: bool,
    rules: PauseSettings,
) -> tuple[FloatArray, FloatArray]:
    """(speed for the energy, speed for the pause rules) per interval [m/s]; a jump left
    out of the distance keeps its recorded speed (so that its interval is ``too_fast``)."""
    dt = interval_steps(elapsed)
    dd = interval_steps(distance)
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.where(dt > 0, dd / dt, 0.0)
    if jump_speed is not None:
        step = np.where(jump_speed == jump_speed, jump_speed, step)
    # ratio of sums over a centred window (GPS distance steps are noisy second by second),
    # leaving out still intervals so that a stop does not slow its neighbours, and intervals
    # too fast for a person so that a GPS jump does not speed them up
    still = (step < rules.stop_speed_m_s) | (step > rules.max_speed_m_s)
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = _window_sums(np.where(still, 0, dd)) / _window_sums(np.where(still, 0, dt))
    derived = np.where(still | ~np.isfinite(derived), step, derived)
    device = s["speed_m_s"].to_numpy(np.float64)
    if use_device:
        ok = np.isfinite(device)
        return np.where(ok, device, derived), np.where(ok, device, step)
    return derived, step


def _window_sums(values: FloatArray) -> FloatArray:
    """Sums over the centred window of :data:`_SPEED_WINDOW` samples (fewer at the ends)."""
    kernel = np.ones(_SPEED_WINDOW)
    if values.size >= _SPEED_WINDOW:
        return np.convolve(values, kernel, "same")
    # "same" gives the kernel's length when the recording is shorter than the kernel
    half = (_SPEED_WINDOW - 1) // 2
    return np.convolve(values, kernel, "full")[half : half + values.size]
