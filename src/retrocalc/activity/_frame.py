"""A DataFrame of streams made into the columns of an activity's samples table.

The streams are named as :data:`~retrocalc.activity.read.COLUMNS` names them, units in the
names. Other tools name them otherwise (``distance``, ``altitude``, ``heartrate``,
``enhanced_speed``, ``lat``...), and a column under another name is not read: an altitude
left out is level ground, a heart rate left out is no heart rate. So a column whose name is
one of those spellings (or a known stream with another unit, ``distance_km``) is named in a
warning with the name it would be read under, or in the error when no stream is usable.
Numbers are converted as :func:`retrocalc.estimate` converts them (text refused, naming the
column and row); ``elapsed_s`` may be given as durations (timedelta), or as ``elapsed_ms``
[ms]. An ``elapsed_s`` that looks like milliseconds (:func:`millisecond_note`) is flagged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .._frames import frame_kind, frame_to_pandas

__all__ = ["millisecond_note", "stream_columns"]

# an elapsed_s of milliseconds: a median step of this many "seconds" or more...
_MS_STEP = 100.0
# ...over which the distance grows slower than this [m/s] (95 % of the steps: a GPS jump
# aside), ten times below the slowest walk (about 0.5 m/s)...
_FAR_BELOW_WALKING = 0.05
# ...while, read as milliseconds, the mean speed [m/s] is that of someone on foot
_ON_FOOT = (0.3, 12.5)
# an elapsed_ms over which the distance grows faster than this [m/s]: seconds, most likely
_FAR_ABOVE_RUNNING = 100.0
# with a speed alone (no distance to compare): such steps at speeds on foot for longer than
# this [s] without a pause; a logger that records every few minutes for days has positions
_NONSTOP_S = 24 * 3600.0

# other tools' names of the streams -> ours (Strava's streams, fitdecode's record fields,
# gpxpy, runpandas and heartandsole, and plain words)
_OTHER_NAMES = {
    "timestamp": "time",
    "datetime": "time",
    "date_time": "time",
    "elapsed": "elapsed_s",
    "elapsed_time": "elapsed_s",
    "seconds": "elapsed_s",
    "distance": "distance_m",
    "dist": "distance_m",
    "lat": "latitude_deg",
    "latitude": "latitude_deg",
    "position_lat": "latitude_deg",
    "lon": "longitude_deg",
    "lng": "longitude_deg",
    "long": "longitude_deg",
    "longitude": "longitude_deg",
    "position_long": "longitude_deg",
    "altitude": "altitude_m",
    "enhanced_altitude": "altitude_m",
    "alt": "altitude_m",
    "elevation": "altitude_m",
    "ele": "altitude_m",
    "speed": "speed_m_s",
    "enhanced_speed": "speed_m_s",
    "velocity": "speed_m_s",
    "velocity_smooth": "speed_m_s",
    "heart_rate": "heart_rate_bpm",
    "heartrate": "heart_rate_bpm",
    "hr": "heart_rate_bpm",
    "cadence": "cadence_rpm",
    "cad": "cadence_rpm",
}
# a stream's word with a unit of its own: "distance_km", "altitude_ft", "speed_kmh"
_STEM = re.compile(
    r"(distance|altitude|elevation|speed|heart_?rate|cadence|latitude|longitude|elapsed)_"
)
_STEMS = {
    "elapsed": "elapsed_s",
    "distance": "distance_m",
    "altitude": "altitude_m",
    "elevation": "altitude_m",
    "speed": "speed_m_s",
    "heart_rate": "heart_rate_bpm",
    "heartrate": "heart_rate_bpm",
    "cadence": "cadence_rpm",
    "latitude": "latitude_deg",
    "longitude": "longitude_deg",
}
_UNITS = {
    "time": "dates and times",
    "elapsed_s": "s",
    "distance_m": "m",
    "latitude_deg": "deg",
    "longitude_deg": "deg",
    "altitude_m": "m",
    "speed_m_s": "m/s",
    "heart_rate_bpm": "1/min",
    "cadence_rpm": "1/min",
}


def _unread(columns: list[Any], read: tuple[str, ...]) -> dict[str, str]:
    """The columns not read whose name says which stream they hold -> that stream's name."""
    out = {}
    for column in columns:
        if not isinstance(column, str) or column in read:
            continue
        word = column.strip().lower().replace(" ", "_").replace("-", "_")
        ours = _OTHER_NAMES.get(word)
        if ours is None and (m := _STEM.match(word)):
            ours = _STEMS[m.group(1)]
        if ours is not None:
            out[column] = ours
    return out


def _hints(unread: dict[str, str]) -> str:
    return "; ".join(
        f"column {k!r} is not read: name it {v!r} (in {_UNITS[v]})" for k, v in unread.items()
    )


def _numbers(name: str, column: pd.Series, source: str) -> Any:
    from .._wrap import Locator, pack
    from .read import ActivityError

    if name in ("elapsed_s", "elapsed_ms") and column.dtype.kind == "m":
        return pd.to_timedelta(column).dt.total_seconds().to_numpy(np.float64)
    try:
        values = pack({name: column}).arrays[name]
    except (TypeError, ValueError) as exc:
        raise ActivityError(f"{source}: {exc}") from None
    if name in ("segment", "lap"):
        ok = np.isfinite(values) & (values == np.round(values))
        if not ok.all():
            i = int(np.flatnonzero(~ok)[0])
            raise ActivityError(
                f"{source}: {name} must hold whole numbers (0, 1, 2...); got "
                f"{values[i]:g} at {Locator(values.shape, column.index)(i)}"
            )
    return values


def stream_columns(
    frame: Any, source: str, read: tuple[str, ...]
) -> tuple[dict[str, Any], list[str]]:
    """The columns ``read`` of a DataFrame of streams as numbers, and the notes about it.

    Parameters
    ----------
    frame : pandas.DataFrame, polars.DataFrame or pyarrow.Table
        The streams (polars and pyarrow through narwhals: ``retrocalc[frames]``).
    source : str
        How errors and notes name the frame.
    read : tuple of str
        The columns read, ``time`` first.

    Returns
    -------
    columns : dict
        ``time`` as UTC times, the others as float64 arrays [units in their names].
    notes : list of str
        A column under another stream's name that is not read.

    Raises
    ------
    ActivityError
        Neither ``time`` nor ``elapsed_s``; none of ``distance_m``, positions or
        ``speed_m_s``; a value that is not a number (text, a date) or a ``segment`` or
        ``lap`` that is not a whole number, naming the column and row; times that are not
        dates and times.
    """
    from .read import ActivityError

    if isinstance(frame, (Mapping, list, tuple)):
        frame = mapping_frame(frame, source)
    elif frame_kind(frame) is not None:
        frame = frame_to_pandas(frame)
    if not isinstance(frame, pd.DataFrame):
        raise ActivityError(
            f"{source}: expected streams (a DataFrame, or a mapping of stream name to "
            f"values), got {type(frame)!r}"
        )
    # elapsed_ms: read as elapsed_s [s] when there is none
    ms = "elapsed_ms" in frame and "elapsed_s" not in frame
    unread = _unread(list(frame.columns), (*read, "elapsed_ms") if ms else read)
    hints = f" ({_hints(unread)})" if unread else ""
    if "time" not in frame and "elapsed_s" not in frame and not ms:
        raise ActivityError(
            f"{source}: the streams need a 'time' or an 'elapsed_s' [s] (or 'elapsed_ms') "
            f"column{hints}"
        )
    if not (
        "distance_m" in frame
        or "speed_m_s" in frame
        or ("latitude_deg" in frame and "longitude_deg" in frame)
    ):
        raise ActivityError(
            f"{source}: the streams need 'distance_m' [m], 'speed_m_s' [m/s] or "
            f"'latitude_deg' and 'longitude_deg' columns{hints}"
        )
    columns: dict[str, Any] = {}
    if "time" in frame:
        columns["time"] = _times(frame["time"], source)
    for name in read[1:]:
        if name in frame:
            columns[name] = _numbers(name, frame[name], source)
    if ms:
        column = frame["elapsed_ms"]
        values = _numbers("elapsed_ms", column, source)
        columns["elapsed_s"] = values if column.dtype.kind == "m" else values / 1000.0
    notes = [_hints({k: v}) for k, v in unread.items()]
    if ms and column.dtype.kind != "m" and (seconds := _seconds_note(columns)) is not None:
        from .read import Fault

        notes.append(Fault(seconds))  # a unit mistake (a UnitWarning, as millisecond_note's)
    return columns, notes


# Strava's stream types -> ours ("time" is seconds from the start there); the types not
# listed (moving, grade_smooth, watts, temp) are not streams retrocalc reads
_STRAVA = {
    "time": "elapsed_s",
    "distance": "distance_m",
    "altitude": "altitude_m",
    "velocity_smooth": "speed_m_s",
    "heartrate": "heart_rate_bpm",
    "cadence": "cadence_rpm",
}
_STRAVA_UNREAD = ("moving", "grade_smooth", "watts", "temp")


def mapping_frame(streams: Any, source: str) -> pd.DataFrame:
    """A DataFrame of streams given as a mapping of stream name to values, or as the Strava
    API gives them: a list of ``{"type": ..., "data": [...]}`` objects, or (``key_by_type``)
    a mapping of type to such an object.

    Strava's types are read under their meaning there: ``time`` is seconds from the start
    (``elapsed_s``), ``latlng`` pairs are the positions, ``velocity_smooth`` the speed;
    ``moving``, ``grade_smooth``, ``watts`` and ``temp`` are not read (the grade comes from
    the altitude, filtered as for a recording). A plain mapping's ``latlng`` (Strava's data
    by type, ``{s["type"]: s["data"] ...}``) is read as those pairs too.

    Raises
    ------
    ActivityError
        Streams of different lengths (each named with its length), a stream that is not a
        sequence of values, an object without ``type`` or ``data``.
    """
    from .read import ActivityError

    if not streams:  # (Strava's answer for an activity recorded without GPS or a sensor)
        raise ActivityError(f"{source}: no streams (an empty {type(streams).__name__})")
    strava = isinstance(streams, (list, tuple)) or (
        bool(streams) and all(isinstance(v, Mapping) for v in streams.values())
    )
    named: dict[str, Any] = {}
    if not strava:
        named = dict(streams)
        if "latlng" in named and "latitude_deg" not in named:  # Strava's data by type
            pairs = _pairs(named.pop("latlng"), source)
            named["latitude_deg"], named["longitude_deg"] = pairs[:, 0], pairs[:, 1]
    else:
        items = streams if isinstance(streams, (list, tuple)) else [
            {"type": k, **v} for k, v in streams.items()
        ]  # fmt: skip
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if not isinstance(item, Mapping) or "type" not in item or "data" not in item:
                raise ActivityError(
                    f"{source}: stream {i} is not a Strava stream (an object with 'type' "
                    "and 'data')"
                )
            kind, data = str(item["type"]), item["data"]
            if kind in seen:  # (one would silently replace the other)
                raise ActivityError(
                    f"{source}: two streams of type {kind!r} (streams {seen[kind]} and {i})"
                )
            seen[kind] = i
            if kind == "latlng":
                pairs = _pairs(data, source)
                named["latitude_deg"], named["longitude_deg"] = pairs[:, 0], pairs[:, 1]
            elif kind not in _STRAVA_UNREAD:
                named[_STRAVA.get(kind, kind)] = data
    lengths = {}
    for name, values in named.items():
        if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
            raise ActivityError(
                f"{source}: stream {name!r} is {type(values).__name__}, not a sequence of values"
            )
        if getattr(values, "ndim", 1) != 1:  # a 2-D array or a DataFrame: not one stream
            raise ActivityError(
                f"{source}: stream {name!r} has shape {values.shape}; expected one value per sample"
            )
        lengths[name] = len(values)
    if len(set(lengths.values())) > 1:
        said = ", ".join(f"{k}: {n}" for k, n in lengths.items())
        raise ActivityError(f"{source}: the streams differ in length ({said})")
    # (a Series' own index is not the samples' order: its values, as a list's)
    return pd.DataFrame(
        {k: v.to_numpy() if isinstance(v, pd.Series) else v for k, v in named.items()}
    )


def _pairs(data: Any, source: str) -> Any:
    """Strava's ``latlng`` stream as an (n, 2) array; a missing fix (None) is NaN, NaN."""
    from .read import ActivityError

    if isinstance(data, (str, bytes)) or not hasattr(data, "__len__"):
        raise ActivityError(
            f"{source}: stream 'latlng' is {type(data).__name__}; expected a list of "
            "[latitude, longitude] pairs [deg]"
        )
    try:  # the usual case, pairs of numbers throughout: one conversion, no Python loop
        whole = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError):  # a null fix, or an item of another shape: pair by pair
        whole = np.empty(0)
    if whole.ndim == 2 and whole.shape[1] == 2:
        return whole
    pairs = np.full((len(data), 2), np.nan)
    for i, pair in enumerate(data):
        if pair is None:
            continue
        try:
            values = np.asarray(pair, dtype=np.float64)
        except (TypeError, ValueError):
            values = np.empty(0)
        if values.shape != (2,):
            raise ActivityError(
                f"{source}: stream 'latlng' holds {pair!r} at index {i}; expected a "
                "[latitude, longitude] pair of numbers [deg] (or null: no fix)"
            )
        pairs[i] = values
    return pairs


def millisecond_note(columns: dict[str, Any]) -> str | None:
    """What is wrong when the streams' ``elapsed_s`` looks like milliseconds, else None.

    Read as seconds, a millisecond clock makes a 1 Hz recording a sample every 1,000 s, each
    a few metres on: standing still for 1,000 times as long (rest energy only, and nothing
    looks wrong). Physics tells: a median step of :data:`_MS_STEP` s or more over which
    the distance (the streams' own, else between positions) grows far slower than any walk
    at nearly every step, while read as milliseconds the mean speed is one on foot. A slow
    walk of 1 s samples, or a recording with a few long pauses, has a median step of about
    a second; a logger writing every few minutes records metres per minute.
    """
    elapsed = columns.get("elapsed_s")
    if elapsed is None:
        return None
    distance = _distance(columns)
    if distance is None:
        return _speed_only(elapsed, columns.get("speed_m_s"))
    ok = np.isfinite(elapsed) & np.isfinite(distance)
    dt, dd = np.diff(elapsed[ok]), np.diff(distance[ok])
    dt, dd = dt[dt > 0], dd[dt > 0]
    if dt.size < 3 or (step := float(np.median(dt))) < _MS_STEP:
        return None
    mean = float(dd.sum() / dt.sum())  # [m/s]
    low, high = _ON_FOOT
    if np.percentile(dd / dt, 95) >= _FAR_BELOW_WALKING or not low <= 1000 * mean <= high:
        return None
    return (
        f"elapsed_s looks like milliseconds: a sample every {step:g} s (the median step), "
        f"{float(np.median(dd)):.3g} m apart: {mean:.2g} m/s on average, far below walking "
        f"({1000 * mean:.3g} m/s if the steps are milliseconds); divide it by 1000 or name "
        "the column elapsed_ms"
    )


def _distance(columns: dict[str, Any]) -> Any:
    """The streams' distance [m]: their own, else between positions; None without both."""
    distance = columns.get("distance_m")
    if distance is None or np.count_nonzero(np.isfinite(distance)) < 2:
        lat, lon = columns.get("latitude_deg"), columns.get("longitude_deg")
        if lat is None or lon is None:
            return None
        from .streams import haversine_distance

        segment = columns.get("segment")
        segment = np.zeros(lat.size, np.int64) if segment is None else segment.astype(np.int64)
        distance = haversine_distance(lat, lon, segment)
    return distance


def _seconds_note(columns: dict[str, Any]) -> str | None:
    """What is wrong when an ``elapsed_ms`` (read /1000 as ``elapsed_s``) looks like
    seconds: its distance covered at far above any run (:data:`_FAR_ABOVE_RUNNING`), on
    foot if the steps are seconds (a 1 h walk read as 3.6 s: no energy, nothing said)."""
    elapsed, distance = columns.get("elapsed_s"), _distance(columns)
    if elapsed is None or distance is None:
        return None
    ok = np.isfinite(elapsed) & np.isfinite(distance)
    if np.count_nonzero(ok) < 2:
        return None
    span, covered = float(np.ptp(elapsed[ok])), float(np.ptp(distance[ok]))
    if not span > 0 or (mean := float(covered / span)) < _FAR_ABOVE_RUNNING:
        return None
    if not _ON_FOOT[0] <= mean / 1000 <= _ON_FOOT[1]:
        return None
    return (
        f"elapsed_ms looks like seconds: {covered:.4g} m in {1000 * span:g} ms, {mean:.3g} m/s, "
        f"far above running ({mean / 1000:.3g} m/s if the steps are seconds); name the column "
        "elapsed_s"
    )


def _speed_only(elapsed: Any, speed: Any) -> str | None:
    """:func:`millisecond_note` for streams of a speed alone (no distance: it is integrated
    from the speed over the steps): the steps of :data:`_MS_STEP` or more at speeds on foot
    span days (:data:`_NONSTOP_S`), minutes if they are milliseconds."""
    if speed is None:
        return None
    ok = np.isfinite(elapsed) & np.isfinite(speed)
    dt = np.diff(elapsed[ok])
    dt = dt[dt > 0]
    if dt.size < 3 or (step := float(np.median(dt))) < _MS_STEP:
        return None
    span, pace = float(dt.sum()), float(np.median(speed[ok]))
    if span < _NONSTOP_S or not _ON_FOOT[0] <= pace <= _ON_FOOT[1]:
        return None
    return (
        f"elapsed_s looks like milliseconds: a sample every {step:g} s (the median step) "
        f"at {pace:.3g} m/s, {span / 3600:.3g} h mostly on foot ({span / 60000:.3g} "
        "min if the steps are milliseconds); divide it by 1000 or name the column elapsed_ms"
    )


def _times(times: pd.Series, source: str) -> pd.DatetimeIndex:
    import warnings

    from .read import ActivityError

    if times.dtype.kind in "iuf":
        # integers would be nanoseconds since 1970: seconds meant, most likely
        raise ActivityError(
            f"{source}: 'time' holds numbers; give seconds from the start as "
            "'elapsed_s', or 'time' as dates and times"
        )
    try:
        with warnings.catch_warnings():
            # texts of mixed formats are read one by one, as they should be
            warnings.filterwarnings("ignore", "Could not infer format", UserWarning)
            return pd.to_datetime(times.to_numpy(), utc=True)
    except (ValueError, TypeError, OverflowError) as exc:
        raise ActivityError(
            f"{source}: 'time' must hold dates and times (ISO 8601 text such as "
            f"2024-05-01T07:00:00Z, or datetimes): {exc}"
        ) from None
