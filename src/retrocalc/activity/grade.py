"""Grade from recorded altitude: despike, resample on distance, low-pass, difference, map back.

Why each step
-------------
GPS and barometric altitude carry noise of a few metres per sample and occasional spikes
(one fixture starts with an 87 m jump over three samples). Differencing it sample by sample
over 1-3 m of travel gives grades of +-100 % and inflates energy, because the cost of
walking and running is convex in grade. So:

1. **Despike** (Hampel filter over samples): a point further than ``despike_sigma`` robust
   standard deviations (1.4826 x MAD) and at least ``despike_min_m`` from the median of its
   ``2 x despike_half_window + 1`` neighbours is replaced by that median. The median of a
   steady climb is its centre point, so real slopes are not touched.
2. **Resample on distance** every ``resample_m`` metres (samples at one distance, when
   standing, are averaged first): the filter then works in metres, whatever the sampling rate
   or the speed.
3. **Low-pass** over ``window_m`` metres: a centred moving average (``method="boxcar"``) or a
   Savitzky-Golay filter of order 2 (``method="savgol"``).
4. **Difference** (central differences on the grid) and **map back** to each sample's
   distance by linear interpolation.

Defaults and their evidence
---------------------------
No filter is validated head to head for running energy (``SCIENCE.md``, "Grade from GPS or
barometric altitude"). The defaults follow the two published choices: resampling every 5 m
as pandas-xyz (after NREL TP-5400-61109, Wood et al. 2014) and a 60 m boxcar as kcals for
ordinary runs (Crowell, bioRxiv 2021, doi:10.1101/2021.04.03.438339, the only one checked,
indirectly, against race results; 200 m for rugged trails). The settings are recorded with
every result. Filtered gain and loss are summed from the filtered profile between its
extrema more prominent than ``gain_threshold_m`` (5 m, pandas-xyz's threshold).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from .pauses import interval_steps

__all__ = ["GradeProfile", "GradeSettings", "despike", "filtered_grade", "raw_grade"]

FloatArray = NDArray[np.float64]

#: Longest step between two samples the grid follows [m] (longer ones: see filtered_grade)
_MAX_STEP_M = 1000.0


@dataclass(frozen=True)
class GradeSettings:
    """How grade is derived from altitude (see the module docstring for the evidence).

    Attributes
    ----------
    resample_m : float [m]
        Step of the distance grid, default 5.
    window_m : float [m]
        Width of the low-pass filter over distance, default 60.
    method : {"boxcar", "savgol"}
        Moving average, or Savitzky-Golay of order 2.
    despike_half_window : int [samples]
        Half-width of the Hampel window, default 15.
    despike_sigma : float [1]
        Threshold in robust standard deviations, default 3.
    despike_min_m : float [m]
        Smallest deviation ever treated as a spike, default 5.
    gain_threshold_m : float [m]
        Gain and loss count only rises and falls between extrema of the filtered profile
        more prominent than this (pandas-xyz's 5 m; Runalyze uses 3 m); 0 sums every step.
        Grade, and so energy, does not depend on it.
    max_grade : float [1]
        The steepest grade the energy is computed at, default 0.45: the span of the
        measured data behind the defaults (Minetti et al. 2002, -45 to +45 %; GoldenCheetah
        caps at +-40 %). A recording's steeper grade is an altitude fault, or terrain no model
        describes: the sample is estimated at +-``max_grade`` and flagged out of range (the
        models' polynomials, extrapolated to a fault's grade of -700 %, give negative
        energy).
    """

    resample_m: float = 5.0
    window_m: float = 60.0
    method: Literal["boxcar", "savgol"] = "boxcar"
    despike_half_window: int = 15
    despike_sigma: float = 3.0
    despike_min_m: float = 5.0
    gain_threshold_m: float = 5.0
    max_grade: float = 0.45

    def __post_init__(self) -> None:
        if not self.resample_m > 0:
            raise ValueError(f"resample_m: expected a step > 0 m, got {self.resample_m!r}")
        if not self.window_m >= 0:
            raise ValueError(f"window_m: expected a width >= 0 m, got {self.window_m!r}")
        if self.method not in ("boxcar", "savgol"):
            raise ValueError(f"method: expected 'boxcar' or 'savgol', got {self.method!r}")
        if self.despike_half_window < 0:
            raise ValueError("despike_half_window: expected >= 0 samples")
        if not self.max_grade > 0:
            raise ValueError(f"max_grade: expected a grade > 0, got {self.max_grade!r}")

    def to_dict(self) -> dict[str, Any]:
        """The settings, for recording with a result."""
        # (the fields are numbers and text: asdict's recursive deep copy is not needed)
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class GradeProfile:
    """Grade per sample and the filtered profile.

    Attributes
    ----------
    grade : ndarray [1]
        Filtered grade (rise/run) at each sample; 0 where there is no altitude.
    altitude_m : ndarray [m]
        Filtered altitude at each sample.
    gain_m, loss_m : float [m]
        Sums of the rises and of the falls of the filtered profile between its extrema more
        prominent than ``GradeSettings.gain_threshold_m`` (loss positive).
    spikes : int
        Samples replaced by the despiking.
    climb_m : ndarray [m] or None
        At each sample, the filtered profile made monotone between those extrema (see
        :func:`_monotone_between`): its rises and falls over any stretch are that stretch's
        gain and loss (they add up to ``gain_m`` and ``loss_m`` unless samples lie farther
        apart than the extrema).
    """

    grade: FloatArray
    altitude_m: FloatArray
    gain_m: float
    loss_m: float
    spikes: int
    climb_m: FloatArray | None = None


def despike(altitude: FloatArray, settings: GradeSettings) -> tuple[FloatArray, int]:
    """Hampel filter: replace outliers by the median of their neighbours (NaN kept)."""
    k = settings.despike_half_window
    n = altitude.size
    if k == 0 or n < 3:
        return altitude, 0
    padded = np.concatenate([np.full(k, np.nan), altitude, np.full(k, np.nan)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * k + 1)
    median = _window_median(altitude, windows)
    deviation = np.abs(altitude - median)
    # the limit is at least despike_min_m: the spread (MAD) is needed only beyond it (a few
    # samples); NaN compares False
    candidates = np.flatnonzero(deviation > settings.despike_min_m)
    spikes = np.zeros(n, dtype=bool)
    if candidates.size:
        _, mad = _window_median_mad(windows[candidates])
        limit = np.maximum(settings.despike_sigma * 1.4826 * mad, settings.despike_min_m)
        spikes[candidates] = deviation[candidates] > limit
    return np.where(spikes, median, altitude), int(spikes.sum())


def _window_median(
    altitude: FloatArray, windows: np.ndarray[Any, np.dtype[np.float64]]
) -> FloatArray:
    """Median of each window (NaN ignored), as :func:`_window_median_mad` gives it.

    Without NaN in the altitude the full windows take scipy's running median (the middle
    value of each window, as the partition gives it); the others go through
    :func:`_window_median_mad`.
    """
    n, width = windows.shape
    k = width // 2
    if n <= 2 * k or np.isnan(altitude).any():
        return _window_median_mad(windows, with_mad=False)[0]
    from scipy.ndimage import median_filter

    median = np.empty(n)
    median[k : n - k] = median_filter(altitude, size=width, mode="nearest")[k : n - k]
    ends = np.concatenate([np.arange(k), np.arange(n - k, n)])
    median[ends] = _window_median_mad(windows[ends], with_mad=False)[0]
    return median


def _window_median_mad(
    windows: np.ndarray[Any, np.dtype[np.float64]], with_mad: bool = True
) -> tuple[FloatArray, FloatArray]:
    """Median of each window and median absolute deviation from it, NaN ignored
    (``with_mad=False``: the deviation left NaN, for callers that need only the median).

    Windows without NaN (all but the ends and the neighbours of missing altitudes) take a
    partition (the middle of an odd count is the median: no sort, no masked arrays); the
    others, few, take ``nanmedian``. Same values as ``nanmedian`` on every window.
    """
    n, width = windows.shape
    median = np.full(n, np.nan)
    mad = np.full(n, np.nan)
    full = ~np.isnan(windows).any(axis=1)
    if full.any():
        block = windows[full]
        mid = width // 2
        m = np.partition(block, mid, axis=1)[:, mid]
        median[full] = m
        if with_mad:
            mad[full] = np.partition(np.abs(block - m[:, None]), mid, axis=1)[:, mid]
    rest = ~full & np.isfinite(windows).any(axis=1)
    if rest.any():
        block = windows[rest]
        m = _nanmedian_rows(block)
        median[rest] = m
        if with_mad:
            mad[rest] = _nanmedian_rows(np.abs(block - m[:, None]))
    return median, mad


def _nanmedian_rows(block: np.ndarray[Any, np.dtype[np.float64]]) -> FloatArray:
    """``np.nanmedian(block, axis=1)`` for rows with a finite value: sort (NaN last), then
    the middle value, or the mean of the two middle ones, as numpy computes it for short
    rows ((low + high) / 2). Rows with an infinity go through numpy itself."""
    if np.isinf(block).any():
        out: FloatArray = np.nanmedian(block, axis=1)
        return out
    ordered = np.sort(block, axis=1)
    count = np.count_nonzero(~np.isnan(block), axis=1)
    high = count // 2
    low = np.where(count % 2 == 1, high, high - 1)
    rows = np.arange(block.shape[0])
    median: FloatArray = (ordered[rows, low] + ordered[rows, high]) / 2.0
    return median


def _low_pass(profile: FloatArray, settings: GradeSettings) -> FloatArray:
    width = round(settings.window_m / settings.resample_m)
    width += 1 - width % 2  # odd: centred
    if width < 3 or profile.size < 3:
        return profile
    width = min(width, profile.size - (1 - profile.size % 2))
    if settings.method == "savgol":
        from scipy.signal import savgol_filter

        filtered: FloatArray = np.asarray(
            savgol_filter(profile, width, 2, mode="interp"), np.float64
        )
        return filtered
    from scipy.ndimage import uniform_filter1d

    # odd reflection at both ends keeps a steady slope steady up to the first and last metre
    # (an even or "nearest" padding flattens the grade there)
    half = width // 2
    padded = np.concatenate(
        [
            2 * profile[0] - profile[half:0:-1],
            profile,
            2 * profile[-1] - profile[-2 : -half - 2 : -1],
        ]
    )
    smooth: FloatArray = np.asarray(uniform_filter1d(padded, width, mode="nearest"), np.float64)
    return smooth[half : half + profile.size]


def _significant(profile: FloatArray, threshold: float) -> NDArray[np.intp]:
    """Indices of the profile's ends and of its extrema more prominent than ``threshold``
    [m], in order."""
    if threshold <= 0 or profile.size < 3:
        return np.arange(profile.size)
    from scipy.signal import find_peaks

    if np.isfinite(profile).all():
        peaks, troughs = _turning_peaks(profile, threshold)
    else:  # scipy's own handling of NaN and infinities
        peaks, _ = find_peaks(profile, prominence=threshold)
        troughs, _ = find_peaks(-profile, prominence=threshold)
    return np.unique(np.concatenate([[0, profile.size - 1], peaks, troughs])).astype(np.intp)


def _monotone_between(z: FloatArray, keep: NDArray[np.intp]) -> FloatArray:
    """``z`` made monotone between consecutive indices of ``keep`` (its significant
    extrema): on a rise, the running maximum since the trough, capped at the peak; on a
    fall, the running minimum. Each stretch keeps its ends, so it still rises or falls by
    exactly the step between them.

    One running maximum for all stretches: each stretch's values, measured from its start
    (0 up to its step), are lifted by its index times more than any step, so the maximum
    starts afresh at every stretch.
    """
    stretch = np.minimum(np.searchsorted(keep, np.arange(z.size), side="right") - 1, keep.size - 2)
    lo, hi = z[keep[stretch]], z[keep[stretch + 1]]
    rising = hi >= lo
    low, high = np.minimum(lo, hi), np.maximum(lo, hi)
    v = np.clip(z, low, high)
    u = np.where(rising, v - low, high - v)  # 0 at the stretch's start, its step at its end
    lift = stretch * (float(np.ptp(z)) + 1.0)
    r = np.maximum.accumulate(u + lift) - lift
    out: FloatArray = np.where(rising, low + r, high - r)
    return out


def _turning_peaks(x: FloatArray, threshold: float) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """``find_peaks(x, prominence=threshold)[0]`` and the same of ``-x``, for finite ``x``,
    from the turning points of ``x`` only.

    scipy scans from each local maximum to the nearest higher sample on each side (samples x
    peaks steps). The runs of equal samples that are neither a maximum nor a minimum of
    their neighbouring runs change no prominence: the lowest sample between a peak and the
    nearest higher one lies on a minimum run (or is the peak), and a run dropped between a
    higher sample and the peak lies on a monotone stretch that is higher than the peak
    throughout or ends at a kept run. So scipy runs on the turning runs (first, last, maxima,
    minima: 40 % of a smoothed profile's samples) and each peak found is put back at the
    middle of its run (rounded down), where scipy puts a flat peak.
    """
    start = np.flatnonzero(np.concatenate([[True], x[1:] != x[:-1]]))  # runs of equal samples
    middle = (start + np.append(start[1:], x.size) - 1) // 2
    v = x[start]
    turning = np.ones(v.size, dtype=bool)
    turning[1:-1] = (v[1:-1] > v[:-2]) != (v[2:] > v[1:-1])
    kept = np.flatnonzero(turning)
    from scipy.signal import find_peaks

    peaks, _ = find_peaks(v[kept], prominence=threshold)
    troughs, _ = find_peaks(-v[kept], prominence=threshold)
    return middle[kept[peaks]], middle[kept[troughs]]


def filtered_grade(
    distance_m: FloatArray, altitude_m: FloatArray, settings: GradeSettings | None = None
) -> GradeProfile:
    """Grade per sample from cumulative distance and altitude.

    Parameters
    ----------
    distance_m : ndarray [m]
        Cumulative distance, non-decreasing (NaN where unknown).
    altitude_m : ndarray [m]
        Altitude (NaN where unknown).
    settings : GradeSettings, optional

    Returns
    -------
    GradeProfile
        Grade 0 and NaN altitude everywhere when fewer than two samples have both values or
        the distance covered is shorter than one resampling step.
    """
    settings = settings or GradeSettings()
    n = distance_m.size
    clean, spikes = despike(np.asarray(altitude_m, dtype=np.float64), settings)
    ok = np.isfinite(distance_m) & np.isfinite(clean)
    d, z = distance_m[ok], clean[ok]
    if d.size < 2 or d[-1] - d[0] < settings.resample_m:
        return GradeProfile(np.zeros(n), np.full(n, np.nan), 0.0, 0.0, spikes)
    # samples at one distance (standing) become their mean altitude
    unique, inverse = unique_inverse(d)
    mean_z = np.bincount(inverse, weights=z) / np.bincount(inverse)
    where = finite(distance_m, nan=unique[0])  # each sample on the grid's axis
    long = np.diff(unique) > _MAX_STEP_M
    if long.any():
        # a longer step between two samples is ground no filter can follow (a GPS jump, a
        # vehicle; a corrupt file's kilometres): the grid spans it as _MAX_STEP_M, so that a
        # fault cannot ask for a grid of billions of points
        axis = unique[0] + np.concatenate(
            [[0.0], np.cumsum(np.minimum(np.diff(unique), _MAX_STEP_M))]
        )
        where = np.interp(where, unique, axis)
        unique = axis
    # a uniform grid from the first to the last distance, step at most resample_m
    count = int(np.ceil((unique[-1] - unique[0]) / settings.resample_m)) + 1
    grid = np.linspace(unique[0], unique[-1], max(count, 2))
    smooth = _low_pass(np.interp(grid, unique, mean_z), settings)
    slope = np.gradient(smooth, grid)
    keep = _significant(smooth, settings.gain_threshold_m)
    steps = np.diff(smooth[keep])
    grade = np.interp(where, grid, slope)
    altitude = np.interp(where, grid, smooth)
    # per sample, the profile made monotone between its significant extrema: its rises and
    # falls are the gain and loss of any stretch (a split), without the ripples below the
    # threshold that raw differences of the filtered profile add up (a flat km "climbing"
    # 10 m), and where the climbing happens (a straight line between the extrema would
    # spread a climb over the flat before it)
    climb = np.interp(where, grid, _monotone_between(smooth, keep))
    return GradeProfile(
        grade=grade,
        altitude_m=altitude,
        gain_m=float(steps[steps > 0].sum()),
        loss_m=float(-steps[steps < 0].sum()),
        spikes=spikes,
        climb_m=climb,
    )


def unique_inverse(x: Any) -> tuple[np.ndarray[Any, Any], NDArray[np.intp]]:
    """``np.unique(x, return_inverse=True)``, in one pass when ``x`` is non-decreasing (the
    distances, kilometres and laps of a recording); a sort otherwise."""
    x = np.asarray(x)
    if x.size and x.dtype.kind in "iuf" and (x[1:] >= x[:-1]).all():
        new = np.concatenate([[True], x[1:] != x[:-1]])
        return x[new], np.cumsum(new) - 1
    unique, inverse = np.unique(x, return_inverse=True)
    return unique, inverse


def finite(x: FloatArray, **replace: float) -> FloatArray:
    """``np.nan_to_num(x, **replace)``; ``x`` itself when every value is finite (the usual
    case: one check instead of nan_to_num's three passes and copy). Read it, do not write."""
    if np.isfinite(x).all():
        return x
    out: FloatArray = np.nan_to_num(x, **replace)  # type: ignore[call-overload]
    return out


def raw_grade(distance_m: FloatArray, altitude_m: FloatArray) -> FloatArray:
    """Naive per-sample grade: altitude step / distance step (0 where the distance is still).

    What a hand-made per-second estimate uses; kept for comparison (``grade_raw`` column).
    """
    # (the first sample's step is 0 or NaN: its grade is 0 either way)
    dz = interval_steps(altitude_m)
    dd = interval_steps(distance_m)
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.where(dd > 0, dz / dd, 0.0)
    return finite(g, nan=0.0, posinf=0.0, neginf=0.0)
