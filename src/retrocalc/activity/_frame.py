"""A DataFrame of streams made into the columns of an activity's samples table.

The streams are named as :data:`~retrocalc.activity.read.COLUMNS` names them, units in the
names. Other tools name them otherwise (``distance``, ``altitude``, ``heartrate``,
``enhanced_speed``, ``lat``...), and a column under another name is not read: an altitude
left out is level ground, a heart rate left out is no heart rate. So a column whose name is
one of those spellings (or a known stream with another unit, ``distance_km``) is named in a
warning with the name it would be read under, or in the error when no stream is usable.
Numbers are converted as :func:`retrocalc.estimate` converts them (text refused, naming the
column and row); ``elapsed_s`` may be given as durations (timedelta).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from .._frames import frame_kind, frame_to_pandas

__all__ = ["stream_columns"]

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
_STEM = re.compile(r"(distance|altitude|elevation|speed|heart_?rate|cadence|latitude|longitude)_")
_STEMS = {
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

    if name == "elapsed_s" and column.dtype.kind == "m":
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

    if frame_kind(frame) is not None:
        frame = frame_to_pandas(frame)
    if not isinstance(frame, pd.DataFrame):
        raise ActivityError(f"{source}: expected a pandas DataFrame, got {type(frame)!r}")
    unread = _unread(list(frame.columns), read)
    hints = f" ({_hints(unread)})" if unread else ""
    if "time" not in frame and "elapsed_s" not in frame:
        raise ActivityError(f"{source}: the streams need a 'time' or an 'elapsed_s' column{hints}")
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
    return columns, [_hints({k: v}) for k, v in unread.items()]


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
