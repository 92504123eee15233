"""Multisport recordings: one :class:`~retrocalc.activity.read.Activity` per FIT session.

A triathlon or a brick (run-bike-run) is one FIT file with one ``session`` message per leg.
Read whole, it is one activity of the first leg's sport: the ride would be estimated as a run
at riding speeds. Split, each leg is estimated with its own sport (a ride or a swim gets the
not-on-foot warning, a run is a run).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .read import Activity, norm_sport

__all__ = ["lap_of", "session_note", "sessions_note", "split_sessions"]


def _sports(sessions: pd.DataFrame) -> str:
    return ", ".join(norm_sport(s) or "unknown" for s in sessions["sport"])


def sessions_note(sessions: pd.DataFrame) -> str | None:
    """The note of a recording with several sessions (None for 0 or 1 session)."""
    n = len(sessions)
    if n < 2:
        return None
    if not np.isfinite(sessions["start_s"].to_numpy(np.float64)).all():
        return (
            f"multisport: the file holds {n} sessions ({_sports(sessions)}), some without a "
            "start time: read and estimated as one activity of the first session's sport"
        )
    return (
        f"multisport: the file holds {n} sessions ({_sports(sessions)}); read as one activity "
        "of the first session's sport: Activity.split_sessions() and `retrocalc activity` "
        "estimate each session with its own sport"
    )


def session_note(index: int, count: int, sport: str | None) -> str:
    """The note of session ``index`` (0-based) of ``count``, split from its file."""
    return (
        f"session {index} (0-based) of the {count} in the file, sport {sport or 'unknown'}: "
        "elapsed_s from the session's start"
    )


def split_sessions(act: Activity) -> list[Activity]:
    """One activity per session of ``act`` (see :meth:`Activity.split_sessions`)."""
    table = act.sessions
    starts = table["start_s"].to_numpy(np.float64)
    elapsed = act.samples["elapsed_s"].to_numpy(np.float64)
    if len(table) < 2 or not np.isfinite(starts).all() or not np.isfinite(elapsed).any():
        return [act]
    # a sample without a time goes with the timed sample before it (after it, at the start)
    when = pd.Series(elapsed).ffill().bfill().to_numpy()
    n = len(table)
    # closed spans from one start to the next: the sample at a boundary is in both sessions,
    # so the interval before it is the first's and the one after it the second's
    lo = np.concatenate(([-np.inf], starts[1:]))
    hi = np.concatenate((starts[1:], [np.inf]))
    drop = sessions_note(table)
    notes = [w for w in act.warnings if w != drop]
    ev = act.timer_events.sort_values("elapsed_s", kind="stable", ignore_index=True)
    ev_t = ev["elapsed_s"].to_numpy(np.float64)
    ev_what = ev["event"].to_numpy(object)
    lap_t = act.laps["start_s"].to_numpy(np.float64)
    distance = act.samples["distance_m"].to_numpy(np.float64)
    out = []
    for i in range(n):
        keep = _without_restart((when >= lo[i]) & (when <= hi[i]), when, distance, lo[i], hi[i])
        samples = act.samples.loc[keep].reset_index(drop=True)
        leg_elapsed = elapsed[keep]
        timed = leg_elapsed[np.isfinite(leg_elapsed)]
        # from the session's start; never below 0 (samples before the first session's start)
        base = min(starts[i], timed[0]) if timed.size else starts[i]
        laps = act.laps.loc[(lap_t >= lo[i]) & (lap_t < hi[i])].reset_index(drop=True)
        laps["start_s"] = laps["start_s"] - base
        samples["elapsed_s"] = leg_elapsed - base
        samples["lap"] = lap_of(laps["start_s"].to_numpy(np.float64), leg_elapsed - base)
        inside = (ev_t >= lo[i]) & (ev_t <= hi[i])
        ev_at, ev_kind = ev_t[inside], ev_what[inside]
        before = np.flatnonzero(ev_t < lo[i])
        if before.size and ev_what[before[-1]] == "stop":
            # the timer was stopped before the session began and is not started yet
            ev_at, ev_kind = np.append(lo[i], ev_at), np.append("stop", ev_kind)
        events = pd.DataFrame({"elapsed_s": ev_at - base, "event": ev_kind.astype(object)})
        row = table.iloc[[i]].reset_index(drop=True)
        row["start_s"] = row["start_s"] - base
        # (a table built by hand may hold NaN for a missing sport)
        sport = norm_sport(table["sport"].iloc[i])
        sub: Any = table["sub_sport"].iloc[i]
        sub_sport = None if pd.isna(sub) else str(sub)
        leg_notes = [*notes, session_note(i, n, sport)]
        if gap := _after_end(table, i, timed):
            leg_notes.append(gap)
        out.append(
            Activity(
                samples=samples,
                source=act.source,
                format=act.format,
                sport=sport,
                sub_sport=sub_sport,
                device=act.device,
                laps=laps,
                timer_events=events,
                warnings=leg_notes,
                sessions=row,
            )
        )
    return out


def _after_end(table: pd.DataFrame, i: int, timed: np.ndarray[Any, Any]) -> str | None:
    """The note of a session whose samples go on past its end (its start plus its elapsed
    time) before the next session starts: that stretch, between two legs, is counted with
    this one (no session claims it). None without such a stretch."""
    if i + 1 >= len(table) or not timed.size:
        return None
    end = float(table["start_s"].iloc[i]) + float(table["elapsed_s"].iloc[i])
    if not np.isfinite(end):
        return None
    extra = float(timed[-1]) - end
    if extra <= _GAP_TOLERANCE_S:
        return None
    return (
        f"session {i}: {extra:.0f} s of recording after the session's end (before session "
        f"{i + 1} starts) belong to no session; counted with session {i}"
    )


_GAP_TOLERANCE_S = 1.0  # a session's recorded elapsed time may stop a sample short


def _without_restart(
    keep: np.ndarray[Any, Any],
    when: np.ndarray[Any, Any],
    distance: np.ndarray[Any, Any],
    lo: float,
    hi: float,
) -> np.ndarray[Any, Any]:
    """``keep`` without a boundary sample whose distance steps back within the session.

    A device may restart its distance counter with each session: the sample at the
    boundary then reads the next session's distance (0) at the end of this one, or this
    session's at the start of the next; kept, it would be a counter going back (a fault)."""
    index = np.flatnonzero(keep)
    if index.size < 3:
        return keep
    d = distance[index]
    if when[index[-1]] == hi and d[-1] < d[-2]:
        keep[index[-1]] = False
    if when[index[0]] == lo and d[0] > d[1]:
        keep[index[0]] = False
    return keep


def lap_of(starts: np.ndarray[Any, Any], elapsed: np.ndarray[Any, Any]) -> Any:
    """The lap of each sample: the last lap started at or before it (the first for samples
    before every start; 0 throughout without two laps)."""
    if starts.size < 2:
        return np.zeros(elapsed.size, np.int64)
    return np.clip(np.searchsorted(starts, elapsed, side="right") - 1, 0, None)
