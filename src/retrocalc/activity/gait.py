"""``gait="auto"`` for streams: walk or run per sample, with hysteresis and the sport as prior.

Rule
----
The speed is smoothed by a centred rolling median over ``smooth_samples`` moving samples.
Above the upper edge of the band the gait is run, below the lower edge walk; inside the band
the gait stays what it was (hysteresis), so speed noise around the transition does not flip
it every second. Before the first decisive sample the file's sport decides (``running`` ->
run; ``walking``/``hiking`` -> walk), else the side of the transition speed.

The forward band is 1.9-2.1 m/s: 1.9 m/s is where overground walking and running begin to
mix, and 2.1 m/s the energetically optimal transition on the level (``SCIENCE.md``,
"Walk-run transition"; the preferred transition, 2.0 m/s, lies inside). Backward, where only
the preferred transition is published (1.63 m/s, Hreljac et al. 2005), the same band is scaled
by 1.63/2.0: 1.55-1.71 m/s (an assumption, not a measurement).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from numpy.typing import NDArray

__all__ = ["GAIT_BANDS_M_S", "auto_gait"]

#: Hysteresis band (walk below, run above) per direction [m/s].
GAIT_BANDS_M_S: Mapping[str, tuple[float, float]] = {
    "forward": (1.9, 2.1),
    "backward": (1.9 * 1.63 / 2.0, 2.1 * 1.63 / 2.0),
}
_PRIORS = {"running": 1.0, "walking": 0.0, "hiking": 0.0}


def auto_gait(
    speed_m_s: NDArray[np.float64],
    moving: NDArray[np.bool_],
    *,
    backward: NDArray[np.bool_] | None = None,
    sport: str | None = None,
    smooth_samples: int = 9,
    bands: Mapping[str, tuple[float, float]] = GAIT_BANDS_M_S,
) -> NDArray[np.str_]:
    """Walk or run per sample (``"walk"``/``"run"``); pauses take the gait around them.

    Parameters
    ----------
    speed_m_s : ndarray [m/s]
        Speed per sample.
    moving : ndarray of bool
        Samples whose interval is moving; the others neither decide nor smooth.
    backward : ndarray of bool, optional
        Backward samples use the backward band.
    sport : str, optional
        Normalised sport of the file: the prior.
    smooth_samples : int
        Width of the rolling median over moving samples.
    bands : mapping
        (lower, upper) [m/s] for "forward" and "backward".
    """
    run = running(
        speed_m_s,
        moving,
        backward=backward,
        sport=sport,
        smooth_samples=smooth_samples,
        bands=bands,
    )
    return np.where(run, "run", "walk")


def running(
    speed_m_s: NDArray[np.float64],
    moving: NDArray[np.bool_],
    *,
    backward: NDArray[np.bool_] | None = None,
    sport: str | None = None,
    smooth_samples: int = 9,
    bands: Mapping[str, tuple[float, float]] = GAIT_BANDS_M_S,
) -> NDArray[np.bool_]:
    """:func:`auto_gait` as True for run, False for walk (no text per sample: the caller
    makes a text column from two labels)."""
    n = speed_m_s.size
    if backward is None:
        backward = np.zeros(n, bool)
    lower = np.where(backward, bands["backward"][0], bands["forward"][0])
    upper = np.where(backward, bands["backward"][1], bands["forward"][1])
    speed = np.where(moving, speed_m_s, np.nan)
    kept = np.flatnonzero(~np.isnan(speed))
    v = np.full(n, np.nan)
    v[kept] = _rolling_median(speed[kept], max(1, smooth_samples))
    decided = np.where(v > upper, 1.0, np.where(v < lower, 0.0, np.nan))
    prior = _PRIORS.get(sport or "")
    if prior is None:
        first = np.flatnonzero(np.isfinite(v))
        middle = (lower + upper) / 2
        prior = float(v[first[0]] >= middle[first[0]]) if first.size else 0.0
    # hysteresis: carry the last decisive state forward (forward fill by index)
    known = ~np.isnan(decided)
    last = np.maximum.accumulate(np.where(known, np.arange(n), -1))
    filled = np.where(last >= 0, decided[np.maximum(last, 0)], prior)
    run: NDArray[np.bool_] = filled > 0.5
    return run


def _rolling_median(x: NDArray[np.float64], width: int) -> NDArray[np.float64]:
    """Centred rolling median over ``width`` values, fewer at the ends (pandas'
    ``rolling(width, center=True, min_periods=1).median()``, NaN-free input).

    An odd width: the middle value of each full window (scipy's running median: the same
    order statistic as a partition of each window, a third of the time; of a window's equal
    zeros it may return the other sign, which the gait bands' comparisons do not see), the
    median of the values of each truncated window at the ends; even widths through pandas.
    """
    n = x.size
    half = width // 2
    if width % 2 == 0 or n <= 2 * half or half == 0:
        out: NDArray[np.float64] = (
            pd.Series(x).rolling(width, center=True, min_periods=1).median().to_numpy(np.float64)
        )
        return out
    from scipy.ndimage import median_filter

    result = np.empty(n)
    result[half : n - half] = median_filter(x, size=width, mode="nearest")[half : n - half]
    ends = np.concatenate([x[: 2 * half], x[n - 2 * half :]])
    if not np.isfinite(ends).all():  # pandas' own handling of infinities
        series = pd.Series(ends)
        head = series.iloc[: 2 * half].rolling(width, center=True, min_periods=1).median()
        tail = series.iloc[2 * half :].rolling(width, center=True, min_periods=1).median()
        result[:half] = head.to_numpy(np.float64)[:half]
        result[n - half :] = tail.to_numpy(np.float64)[half:]
        return result
    # the truncated windows (half + 1 ... 2 half values) as rows padded with NaN, then the
    # median of each row's values (pandas for two ends costs 0.25 ms of Python overhead)
    # (both ends as one block: the rows are independent)
    rows = np.concatenate([np.arange(half), np.arange(n - half, n)])
    at = rows[:, None] + np.arange(-half, half + 1)
    inside = (at >= 0) & (at < n)
    result[rows] = _median_rows(np.where(inside, x[np.clip(at, 0, n - 1)], np.nan))
    return result


def _median_rows(block: NDArray[np.float64]) -> NDArray[np.float64]:
    """Median of the values (not NaN, all finite) of each row: the middle one, or the mean
    of the two middle ones, as pandas' rolling median gives it."""
    ordered = np.sort(block, axis=1)  # NaN last
    count = np.count_nonzero(~np.isnan(block), axis=1)
    high = count // 2
    low = np.where(count % 2 == 1, high, high - 1)
    rows = np.arange(block.shape[0])
    median: NDArray[np.float64] = (ordered[rows, low] + ordered[rows, high]) / 2.0
    return median
