"""Which intervals of a recording are moving, and why the others are not.

Interval ``i`` runs from sample ``i - 1`` to sample ``i`` and belongs to sample ``i`` (the
first sample has none). It is a pause, in this order of precedence, when

``timer``    the FIT timer was stopped at its start (a ``stop`` event not yet followed by
             ``start``);
``segment``  it crosses a track segment boundary (GPX ``trkseg``, a second TCX ``Track`` in
             a lap): the recorder was paused;
``gap``      it lasts longer than ``max(gap_s, gap_factor x median interval)`` and the
             distance covered over it is below ``stop_speed_m_s`` (a device that records
             "smart" leaves gaps of up to ~50 s while moving: those stay moving);
``stopped``  the speed is below ``stop_speed_m_s`` (0.5 km/h);
``too_fast`` the speed is above ``max_speed_m_s`` (12.5 m/s, 45 km/h: faster than any human
             on foot): a GPS jump or a ride in a vehicle, which no model of walking or
             running describes (extrapolated, a jump of a few hundred kilometres in a second
             gave thousands of kilocalories). A distance step that fast is left out of
             the distance (:func:`.streams.without_jumps`).

The rules and thresholds are the ones ``SCIENCE.md`` lists (timer events, segments, time
gaps > 5 s or 3x the median interval, speed below ~0.5 km/h). **What energy a pause gets**:
no net energy and no moving time, but resting metabolism still runs, so the gross energy of a
pause is the resting rate times its duration (see :func:`retrocalc.estimate_activity`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["STATES", "PauseSettings", "interval_states"]

#: Interval states, as stored in the ``state`` column of an activity estimate.
STATES = ("moving", "start", "timer", "segment", "gap", "stopped", "too_fast")


@dataclass(frozen=True)
class PauseSettings:
    """Thresholds of the pause rules.

    Attributes
    ----------
    stop_speed_m_s : float [m/s]
        Below this an interval is stopped; default 0.5 km/h.
    gap_s : float [s]
        Shortest interval that is a time gap; default 5.
    gap_factor : float [1]
        ... or this many median intervals, whichever is longer; default 3.
    max_speed_m_s : float [m/s]
        Above this an interval is not on foot; default 12.5, just above the fastest human
        sprint measured (Usain Bolt, 12.3-12.4 m/s between 60 and 80 m of the 2009 world
        record; 12.1 m/s in 2011: Coh et al. 2018, doi:10.26582/k.50.2.10). ``inf``
        turns the rule off.
    """

    stop_speed_m_s: float = 0.5 / 3.6
    gap_s: float = 5.0
    gap_factor: float = 3.0
    max_speed_m_s: float = 12.5

    def __post_init__(self) -> None:
        for name in ("stop_speed_m_s", "gap_s", "gap_factor"):
            value = getattr(self, name)
            if not (np.isfinite(value) and value >= 0):
                raise ValueError(f"{name}: expected a finite number >= 0, got {value!r}")
        if not self.max_speed_m_s > self.stop_speed_m_s:
            raise ValueError(
                "max_speed_m_s: expected a speed above stop_speed_m_s (inf: no limit), got "
                f"{self.max_speed_m_s!r}"
            )

    def to_dict(self) -> dict[str, Any]:
        """The settings, for recording with a result."""
        # (the fields are numbers and text: asdict's recursive deep copy is not needed)
        return {f.name: getattr(self, f.name) for f in fields(self)}


def interval_steps(x: NDArray[Any]) -> NDArray[Any]:
    """The step of ``x`` over each interval, 0 for the first sample (which ends none):
    ``np.diff(x, prepend=x[0])``, the same values without its padding and copying (a third
    of the time; the estimate takes these steps of times and distances a few times)."""
    out = np.empty_like(x)
    out[0] = x[0] - x[0]  # (NaN when x[0] is not finite, as np.diff gives it)
    np.subtract(x[1:], x[:-1], out=out[1:])
    return out


def interval_states(
    elapsed_s: NDArray[np.float64],
    distance_m: NDArray[np.float64],
    speed_m_s: NDArray[np.float64],
    segment: NDArray[np.int64],
    timer_events: tuple[NDArray[np.float64], NDArray[np.bool_]] | None = None,
    settings: PauseSettings | None = None,
) -> NDArray[np.int8]:
    """State code per interval (index into :data:`STATES`).

    Parameters
    ----------
    elapsed_s, distance_m : ndarray [s], [m]
        Times and cumulative distance per sample, finite and non-decreasing.
    speed_m_s : ndarray [m/s]
        Speed over each interval.
    segment : ndarray of int
        Track segment per sample.
    timer_events : (times [s], is_stop), optional
        Timer events sorted by time: ``is_stop`` True for a stop, False for a start.
    settings : PauseSettings, optional
    """
    settings = settings or PauseSettings()
    n = elapsed_s.size
    state = np.zeros(n, np.int8)
    if n == 0:
        return state
    dt = interval_steps(elapsed_s)
    dd = interval_steps(distance_m)
    slow = ~(speed_m_s >= settings.stop_speed_m_s)  # NaN speed counts as stopped
    state[slow] = STATES.index("stopped")
    state[speed_m_s > settings.max_speed_m_s] = STATES.index("too_fast")
    positive = dt[1:][dt[1:] > 0]
    median = float(np.median(positive)) if positive.size else 0.0
    limit = max(settings.gap_s, settings.gap_factor * median)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = (dt > limit) & ~(dd / dt >= settings.stop_speed_m_s)
    state[gap] = STATES.index("gap")
    boundary = np.zeros(n, bool)
    boundary[1:] = segment[1:] != segment[:-1]
    state[boundary] = STATES.index("segment")
    if timer_events is not None and timer_events[0].size:
        times, is_stop = timer_events
        # the last event at or before the start of each interval decides
        last = np.searchsorted(times, elapsed_s[:-1], side="right") - 1
        stopped = np.zeros(n, bool)
        stopped[1:] = (last >= 0) & is_stop[np.clip(last, 0, None)]
        state[stopped] = STATES.index("timer")
    state[0] = STATES.index("start")
    return state
