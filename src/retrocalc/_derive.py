"""Speed, duration and distance: two of them give the third.

A workout export has a distance and a time and often no speed (or a pace that is just their
ratio). :func:`reconcile` derives speed from distance and duration when no speed is given, so
the estimate needs no hand-made column; with all three it keeps speed and duration and checks
the distance against them. The energy is then power x duration either way.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["TOLERANCE", "inconsistent", "reconcile"]

#: Largest relative difference between a distance and speed x duration taken as the same:
#: a pace rounded to the second at 3:00/km is 0.3 % off and a distance rounded to 10 m over
#: 1 km 1 %, while a moving time taken for an elapsed time (a stop) is usually far more.
TOLERANCE = 0.05


def _numbers(value: Any) -> Any:
    """Lists to arrays; a Series or ndarray as it is (arithmetic keeps its kind)."""
    return np.asarray(value, dtype=np.float64) if isinstance(value, list | tuple) else value


def inconsistent(speed: Any, duration: Any, distance: Any) -> NDArray[np.bool_]:
    """True where a distance differs from speed x duration by more than :data:`TOLERANCE`.

    Missing values (NaN) are not inconsistent: they are reported as missing elsewhere.
    """
    s = np.asarray(speed, dtype=np.float64)
    t = np.asarray(duration, dtype=np.float64)
    d = np.asarray(distance, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        gap = np.abs(s * t - d)
        bad = gap > TOLERANCE * np.maximum(d, s * t)
    return np.asarray(bad & np.isfinite(gap), dtype=bool)


def derived_speed(duration: Any, distance: Any) -> Any:
    """distance / duration [m/s], NaN where the duration is not positive (no speed)."""
    t = _numbers(duration)
    d = _numbers(distance)
    with np.errstate(invalid="ignore", divide="ignore"):
        speed = d / np.where(np.asarray(t) > 0, t, np.nan)
    if isinstance(speed, np.ndarray) and speed.ndim == 0:
        return float(speed)
    return speed


def reconcile(given: dict[str, Any], where: Any = None) -> None:
    """Make ``given`` hold at most one of ``duration_s`` and ``distance_m`` (in place).

    - duration and distance without speed: speed = distance / duration, distance dropped;
    - all three: distance dropped after checking it (``ValueError`` naming the first row
      where it differs from speed x duration by more than :data:`TOLERANCE`);
    - otherwise nothing changes.

    Parameters
    ----------
    given : dict
        Canonical inputs, None for "not given".
    where : callable, optional
        Names a flat position for messages (a :class:`retrocalc._wrap.Locator`).
    """
    duration, distance = given.get("duration_s"), given.get("distance_m")
    if duration is None or distance is None:
        return
    speed = given.get("speed_m_s")
    if speed is None:
        given["speed_m_s"] = derived_speed(duration, distance)
    else:
        s, t, d = (
            a.reshape(-1)
            for a in np.broadcast_arrays(
                *(np.asarray(v, dtype=np.float64) for v in (speed, duration, distance))
            )
        )
        bad = np.flatnonzero(inconsistent(s, t, d))
        if bad.size:
            i = int(bad[0])
            at = f" at {where(i)}" if where is not None and s.size > 1 else ""
            raise ValueError(
                f"distance_m {d[i]:g} m differs from speed_m_s x duration_s = {s[i] * t[i]:g} m "
                f"by more than {TOLERANCE:.0%}{at}: give two of speed, duration and distance"
            )
    given["distance_m"] = None
