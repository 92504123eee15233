"""The vectorised bracketed root: the speed for a target where no closed form exists.

The speed range is scanned on a grid of :data:`SCAN_POINTS` speeds (one estimate call per grid
speed over all rows), the first sign change brackets the lowest speed reaching the target, and
bisection (one call per step over all rows still open) narrows it to :data:`SPEED_TOL_M_S`. No
per-row Python loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..models import REGISTRY
from .status import _ABOVE, _BELOW, _INVALID, _NO_ROOT, _OK

if TYPE_CHECKING:
    from numpy.typing import NDArray

    FloatArray = NDArray[np.float64]

#: Grid speeds scanned per row to bracket a root (models without a closed form).
SCAN_POINTS = 48
#: Bisection stops when the bracket is narrower than this [m/s].
SPEED_TOL_M_S = 1e-9


def _speed_bounds(
    models: NDArray[Any], within_range: bool, max_speed: float
) -> tuple[FloatArray, FloatArray]:
    lo = np.zeros(models.size)
    hi = np.full(models.size, max_speed)
    if not within_range:
        return lo, hi
    for name in np.unique(models[models != ""]):
        low, high = REGISTRY[str(name)].ranges.get("speed_m_s", (None, None))
        rows = models == name
        lo[rows] = 0.0 if low is None else low
        hi[rows] = max_speed if high is None else min(high, max_speed)
    return lo, hi


def _bracketed_root(
    power_w_kg: Any, goal: FloatArray, lo: FloatArray, hi: FloatArray, rows: NDArray[np.intp]
) -> tuple[FloatArray, NDArray[np.int64]]:
    """Lowest speed in [lo, hi] where power reaches goal, per row: grid scan then bisection.

    Every estimate call covers all open rows at once.
    """
    g = goal[rows]
    a = lo[rows].copy()
    b = hi[rows]
    m = rows.size
    left = np.full(m, np.nan)
    right = np.full(m, np.nan)
    prev_speed = a.copy()
    prev_f, _ = power_w_kg(prev_speed, rows)
    prev_f = prev_f - g
    first_f = prev_f.copy()
    exact = prev_f == 0
    left[exact] = right[exact] = prev_speed[exact]
    for k in range(1, SCAN_POINTS + 1):
        todo = np.isnan(left)
        if not np.any(todo):
            break
        s = a + (b - a) * (k / SCAN_POINTS)
        f, _ = power_w_kg(s, rows)
        f = f - g
        crossed = todo & (prev_f < 0) & (f >= 0)
        left = np.where(crossed, prev_speed, left)
        right = np.where(crossed, s, right)
        prev_speed, prev_f = s, f
    last_f = prev_f
    found = np.isfinite(left)
    # bisection on the bracketed rows, all at once
    idx = np.flatnonzero(found & (left < right))
    lo_s, hi_s = left[idx], right[idx]
    while idx.size and np.max(hi_s - lo_s) > SPEED_TOL_M_S:
        mid = 0.5 * (lo_s + hi_s)
        f, _ = power_w_kg(mid, rows[idx])
        below = f - g[idx] < 0
        lo_s = np.where(below, mid, lo_s)
        hi_s = np.where(below, hi_s, mid)
    speed = np.where(found, left, np.nan)
    speed[idx] = 0.5 * (lo_s + hi_s)
    status = np.full(m, _OK, dtype=np.int64)
    status[~found & (first_f > 0)] = _BELOW
    status[~found & (first_f <= 0) & (last_f < 0)] = _ABOVE
    status[~found & ~np.isfinite(first_f)] = _INVALID
    status[~found & (status == _OK)] = _NO_ROOT
    return speed, status
