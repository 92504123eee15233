"""Read one recording (FIT, GPX, TCX or a DataFrame of streams) into an :class:`Activity`.

The per-sample table has one row per recorded point, in file order, with these columns
(NaN or NaT where the file has no value):

=================  ==========================================================================
``time``           UTC time (``datetime64[ns, UTC]``); NaT when the file has none
``elapsed_s``      seconds since the first timed sample [s]
``distance_m``     the device's cumulative distance [m] (NaN where the file has none)
``latitude_deg``   WGS84 latitude [deg]
``longitude_deg``  WGS84 longitude [deg]
``altitude_m``     altitude [m]; FIT ``enhanced_altitude`` when present
``speed_m_s``      the device's speed [m/s]; FIT ``enhanced_speed`` when present
``heart_rate_bpm`` heart rate [1/min]
``cadence_rpm``    cadence as the device writes it [1/min] (one foot for running)
``segment``        track segment (GPX ``trkseg``, TCX ``Track``), from 0
``lap``            lap (FIT ``lap`` messages, TCX ``Lap``), from 0
=================  ==========================================================================

Problems that can be worked around (a truncated FIT, undefined messages, points without time)
give an :class:`~retrocalc.exceptions.ActivityWarning` and are kept in
:attr:`Activity.warnings`; a file that cannot be read at all raises :class:`ActivityError`
naming the file.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import io
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ..composition.validate import stacklevel
from ..exceptions import ActivityWarning, UnitWarning

__all__ = ["COLUMNS", "Activity", "ActivityError", "Fault", "read_activity"]

#: Columns of :attr:`Activity.samples`, in order.
COLUMNS = (
    "time",
    "elapsed_s",
    "distance_m",
    "latitude_deg",
    "longitude_deg",
    "altitude_m",
    "speed_m_s",
    "heart_rate_bpm",
    "cadence_rpm",
    "segment",
    "lap",
)

#: Sport names as the files write them -> retrocalc's lower-case names.
_SPORTS = {
    "running": "running",
    "run": "running",
    "trail_running": "running",
    "walking": "walking",
    "walk": "walking",
    "hiking": "hiking",
    "hike": "hiking",
    "cycling": "cycling",
    "biking": "cycling",
    "ride": "cycling",
}


#: How an activity's note starts when its file is a GPX route without times (the estimate's
#: error then says so).
UNTIMED_ROUTE = "the file is a GPX route without times"


class ActivityError(ValueError):
    """An activity file or stream that cannot be read or estimated; the message names it."""


class Fault(str):
    """A note (one of an activity's ``warnings``) saying that the data were damaged and
    repaired or cut short (a truncated or corrupt file, records dropped, a GPS jump), or
    that an input given for the whole recording looks like another unit (a body mass of
    700: lb?). The totals are then not to be trusted as they stand; the batch marks such a
    row ``status="warning"`` with the faults as its reason. Other notes (heart rate unused,
    altitude spikes smoothed, level ground assumed) are plain text."""

    __slots__ = ()


@dataclass
class Activity:
    """One recording: per-sample streams and the metadata an estimate needs.

    Attributes
    ----------
    samples : pandas.DataFrame
        One row per recorded point, columns :data:`COLUMNS` (units in the names).
    source : str
        File name (or ``"<DataFrame>"``).
    format : {"fit", "gpx", "tcx", "frame"}
    sport, sub_sport : str or None
        Normalised sport (``"running"``, ``"walking"``, ``"hiking"``, ``"cycling"`` or the
        file's own word in lower case) and the FIT sub-sport (``"treadmill"``, ``"trail"``...).
    device : str or None
        Maker and product, or the GPX ``creator``.
    laps : pandas.DataFrame
        One row per lap: ``start_time``, ``start_s`` (elapsed at its start) [s],
        ``elapsed_s``, ``timer_s`` [s], ``distance_m`` [m] as the file states them.
    timer_events : pandas.DataFrame
        FIT timer events: ``elapsed_s`` [s] and ``event`` (``"start"`` or ``"stop"``).
    sessions : pandas.DataFrame
        FIT sessions (the legs of a multisport file: swim, bike, run...), in time order: one
        row per session with ``start_time``, ``start_s`` (elapsed at its start) [s],
        ``elapsed_s``, ``timer_s`` [s], ``distance_m`` [m] as the file states them, and its
        normalised ``sport`` and ``sub_sport``. Empty for GPX, TCX, streams and FIT files
        without session messages. With several sessions, :attr:`sport` is the first's and
        :meth:`split_sessions` gives one activity per session.
    warnings : list of str
        Every problem worked around while reading.
    """

    samples: pd.DataFrame
    source: str = "<DataFrame>"
    format: str = "frame"
    sport: str | None = None
    sub_sport: str | None = None
    device: str | None = None
    laps: pd.DataFrame = field(default_factory=lambda: _empty_laps())
    timer_events: pd.DataFrame = field(default_factory=lambda: _empty_events())
    warnings: list[str] = field(default_factory=list)
    sessions: pd.DataFrame = field(default_factory=lambda: _empty_sessions())

    @property
    def start_time(self) -> pd.Timestamp | None:
        """UTC time of the first timed sample, or None."""
        times = self.samples["time"].to_numpy("datetime64[ns]")  # UTC, no Timestamp objects
        timed = np.flatnonzero(~np.isnat(times))
        return None if timed.size == 0 else pd.Timestamp(times[timed[0]], tz="UTC")

    def split_sessions(self) -> list[Activity]:
        """One activity per session of a multisport recording (a triathlon, a brick).

        Session *i* holds the samples timed from its start to the next session's start (the
        sample at that instant is in both, so no interval is lost, unless its distance steps
        back in one: a counter restarted by the session; samples before the first session
        are in the first, samples after the last start in the last), the laps that
        start in that span, and the timer events in it (a timer stopped before its start
        stays stopped: a stop event at its start). Its ``elapsed_s`` (samples, laps, timer
        events) runs from the session's start [s]; ``sport`` and ``sub_sport`` are the
        session's; ``source`` is the file's, and a note says which session it is. The file's
        other notes (and :class:`Fault` notes) are kept.

        Returns
        -------
        list of Activity
            One per row of :attr:`sessions`, in time order; ``[self]`` when the recording
            has fewer than two sessions or a session has no start time.
        """
        from ._sessions import split_sessions

        return split_sessions(self)

    def __repr__(self) -> str:
        return (
            f"Activity({self.source!r}, format={self.format!r}, sport={self.sport!r}, "
            f"samples={len(self.samples)}, laps={len(self.laps)}, warnings={len(self.warnings)})"
        )

    @property
    def untimed_route(self) -> bool:
        """Whether the file is a GPX route without times (its reader's note says so)."""
        return any(w.startswith(UNTIMED_ROUTE) for w in self.warnings)

    def _repr_html_(self) -> str:
        """Source, format, sport, device, start, samples, duration, laps, streams and
        warnings, for Jupyter."""
        from .._display import activity_html

        return activity_html(self)

    @classmethod
    def from_frame(
        cls, frame: Any, *, sport: str | None = None, source: str = "<DataFrame>"
    ) -> Activity:
        """An activity from streams: a DataFrame, a mapping, or the Strava API's streams.

        Parameters
        ----------
        frame : pandas.DataFrame, polars.DataFrame, pyarrow.Table, mapping or list
            Columns by the names of :data:`COLUMNS` (any subset), or a mapping of those names
            to values, or the Strava API's streams as they come (a list of ``{"type": ...,
            "data": [...]}`` objects, or keyed by type: ``time`` is seconds from the start
            there, ``latlng`` the positions). It needs ``time`` or ``elapsed_s`` [s] (numbers
            or timedeltas; or ``elapsed_ms`` [ms]), and ``distance_m`` [m], ``speed_m_s``
            [m/s] or positions. A column named as other tools name a stream
            (``distance``, ``altitude``, ``heartrate``, ``distance_km``...) is not read and
            is named in a warning (polars and pyarrow: ``retrocalc[frames]``).
        sport : str, optional
            The sport, used as the prior of ``gait="auto"``.

        Raises
        ------
        ActivityError
            No time, no distance, speed or positions (naming the columns not read that
            would be), a value that is not a number, naming the column and row.

        Warns
        -----
        ActivityWarning
            A column not read whose name says it holds a stream.
        UnitWarning
            ``elapsed_s`` looks like milliseconds (a sample every ~1,000 s, each far slower
            than walking); the note is a :class:`Fault`.
        """
        from ._frame import millisecond_note, stream_columns

        columns, notes = stream_columns(frame, source, COLUMNS)
        for note in notes:  # (a Fault: an elapsed_ms that looks like seconds)
            kind = UnitWarning if isinstance(note, Fault) else ActivityWarning
            warnings.warn(f"{source}: {note}", kind, stacklevel=stacklevel())
        unit = millisecond_note(columns)
        if unit is not None:  # a unit mistake: a Fault (a batch row's status is a warning)
            notes.append(Fault(unit))
            warnings.warn(f"{source}: {unit}", UnitWarning, stacklevel=stacklevel())
        return cls(
            # (the length of a column: a LazyFrame has none of its own)
            samples=make_samples(columns, len(next(iter(columns.values())))),
            source=source,
            sport=norm_sport(sport),
            warnings=notes,
        )


def _empty_laps() -> pd.DataFrame:
    """A laps table without rows (a copy of one built once: building it costs 0.15 ms)."""
    return _no_rows(()).copy()


def _empty_sessions() -> pd.DataFrame:
    """A sessions table without rows (a copy of one built once, as :func:`_empty_laps`)."""
    return _no_rows(("sport", "sub_sport")).copy()


@functools.cache
def _no_rows(labels: tuple[str, ...]) -> pd.DataFrame:
    """The laps table (or the sessions', with its ``labels`` columns) without rows, in one
    constructor (columns added one by one leave blocks whose copy costs 5x)."""
    columns = ("start_s", "elapsed_s", "timer_s", "distance_m")
    return pd.DataFrame(
        {
            "start_time": pd.DatetimeIndex([], tz="UTC"),
            **{k: np.empty(0) for k in columns},
            **{k: np.empty(0, dtype=object) for k in labels},
        }
    )


def _empty_events() -> pd.DataFrame:
    """A timer-events table without rows (a copy of one built once, as :func:`_empty_laps`:
    every GPX and TCX read needs one)."""
    return _no_events().copy()


@functools.cache
def _no_events() -> pd.DataFrame:
    return pd.DataFrame({"elapsed_s": [], "event": []})


def norm_sport(sport: Any) -> str | None:
    """Lower-case sport name, with the common spellings merged (``Biking`` -> ``cycling``)."""
    if sport is None or (isinstance(sport, float) and np.isnan(sport)):
        return None
    text = str(sport).strip().lower().replace(" ", "_")
    return _SPORTS.get(text, text) or None


def make_samples(columns: dict[str, Any], n: int, *, copy: bool = True) -> pd.DataFrame:
    """The samples table with every column of :data:`COLUMNS` (missing ones NaN / NaT / 0).

    ``copy=False`` lets the table hold the given times (for a reader's own only); the
    numbers are copied into the table's blocks either way.
    """
    from ._table import frame

    data: dict[str, Any] = {}
    time = columns.get("time")
    if time is None:
        time = pd.DatetimeIndex(np.full(n, np.datetime64("NaT"), "datetime64[ns]"), tz="UTC")
    if isinstance(time, pd.DatetimeIndex):
        data["time"] = time.array.copy() if copy else time.array
    else:
        data["time"] = time
    elapsed = columns.get("elapsed_s")
    if elapsed is None:
        elapsed = elapsed_seconds(pd.DatetimeIndex(time))
    data["elapsed_s"] = np.asarray(elapsed, dtype=np.float64)
    for name in COLUMNS[2:9]:
        value = columns.get(name)
        data[name] = np.full(n, np.nan) if value is None else np.asarray(value, dtype=np.float64)
    for name in ("segment", "lap"):
        value = columns.get(name)
        data[name] = np.zeros(n, np.int64) if value is None else np.asarray(value, np.int64)
    return frame(data)  # in the order of COLUMNS


_PER_SECOND = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}
_NAT = np.iinfo(np.int64).min


def seconds_since(
    time: pd.DatetimeIndex, origin: pd.DatetimeIndex | None = None
) -> NDArray[np.float64] | None:
    """``(time - origin[first timed]).total_seconds()`` as an array (NaN where NaT), with
    ``origin`` ``time`` itself by default; None when ``origin`` has no time.

    The ticks' arithmetic of pandas (whole seconds and the rest divided apart, then added),
    so the same bits, without its Index objects (0.35 ms -> 0.04 ms for 3,600 samples).
    Two resolutions, or a span over 2**53 ticks (where pandas nudges some values off a
    whole second), go through pandas itself.
    """
    origin = time if origin is None else origin
    base = origin.asi8
    timed = np.flatnonzero(base != _NAT)
    if timed.size == 0:
        return None
    first = int(base[timed[0]])
    ticks = time.asi8
    nat = ticks == _NAT
    kept = ticks[~nat]
    pps = _PER_SECOND.get(str(time.unit))
    if (
        pps is None
        or time.unit != origin.unit
        or (kept.size and max(int(kept.max()) - first, first - int(kept.min())) > 2**53)
    ):
        delta = time - origin[int(timed[0])]
        return np.asarray(delta.total_seconds(), dtype=np.float64)
    whole, rest = np.divmod(np.where(nat, first, ticks) - first, pps)
    out: NDArray[np.float64] = whole + rest / pps
    out[nat] = np.nan
    return out


def elapsed_seconds(time: pd.DatetimeIndex) -> NDArray[np.float64]:
    """Seconds since the first timed sample (NaN where NaT; all NaN without a time)."""
    out = seconds_since(time)
    return np.full(len(time), np.nan) if out is None else out


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a reader creates many small objects.

    Decoding allocates tens of thousands of tuples and lists that all stay alive until the
    end; each allocation burst triggers collections that walk every live object of the
    process (pandas and numpy alone hold hundreds of thousands), which measured as a third
    to a half of the reading time of a 1-hour file. No reference cycle is created meanwhile;
    the collector is enabled again (if it was) when the block ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_activity(
    source: str | os.PathLike[str] | IO[bytes] | bytes | bytearray | memoryview,
    *,
    format: str | None = None,
) -> Activity:
    """Read a FIT, GPX or TCX recording.

    Parameters
    ----------
    source : str, path, binary file object or bytes
        The file (or its content, e.g. an upload's); its format is recognised from the
        content (the extension is a fallback). Gzip-compressed content (``.fit.gz``,
        ``.gpx.gz``, ``.tcx.gz``, as in Strava's bulk export) is decompressed first; a
        UTF-16 GPX or TCX text (with a byte order mark) is decoded.
    format : {"fit", "gpx", "tcx"}, optional
        Force the format.

    Returns
    -------
    Activity
        Per-sample streams (:data:`COLUMNS`) and metadata.

    Raises
    ------
    ActivityError
        The file does not exist, is empty, is not an activity, is hostile XML (entities,
        external references), is damaged gzip or expands beyond
        512 MiB, or holds no track point (a GPX route's points are read when there is no
        track point). The message names the file.

    Warns
    -----
    ActivityWarning
        For each problem worked around (truncated FIT, undefined FIT message, points without
        time, all-identical timestamps...). The same texts are in :attr:`Activity.warnings`.

    Examples
    --------
    >>> from retrocalc.data import example_path
    >>> act = read_activity(example_path("example_activity.gpx"))
    >>> act.sport, len(act.samples) > 100
    ('running', True)
    """
    if isinstance(source, str | os.PathLike):
        name = os.fspath(source)
        try:
            data = Path(name).read_bytes()
        except OSError as exc:
            raise ActivityError(f"{name}: cannot read the file ({exc.strerror or exc})") from None
    elif isinstance(source, bytes | bytearray | memoryview):  # an upload's content
        name, data = "<bytes>", bytes(source)
    elif callable(getattr(source, "read", None)):
        name = str(getattr(source, "name", "<file>"))
        read: Any = source.read()
        if isinstance(read, str):  # (a FIT file is binary; an XML text's encoding is its own)
            raise ActivityError(
                f"{name}: a file opened as text; open it in binary mode ('rb') or give its path"
            )
        data = read
    else:
        many = isinstance(source, (list, tuple))
        raise TypeError(
            "read_activity: expected a path, a binary file object or bytes, got "
            f"{type(source).__name__}"
            + (" (many files: retrocalc.estimate_activities)" if many else "")
        )
    if not data:
        raise ActivityError(f"{name}: the file is empty")
    from ._content import format_of, unzipped, utf8

    data = utf8(unzipped(data, name), name)
    kind = format.lower() if format else format_of(data[:512], name)
    if kind == "fit":
        from ._fit import read_fit

        with no_gc():
            activity = read_fit(io.BytesIO(data), name)
    elif kind in ("gpx", "tcx"):
        from ._xml import read_xml

        with no_gc():
            activity = read_xml(io.BytesIO(data), name, kind)
    else:
        raise ActivityError(f"{name}: unknown format {format!r}; expected fit, gpx or tcx")
    check_times(activity)
    for text in activity.warnings:
        warnings.warn(f"{name}: {text}", ActivityWarning, stacklevel=stacklevel())
    return activity


def check_times(activity: Activity) -> None:
    """Warn about points without time and recordings of zero duration."""
    samples = activity.samples
    if samples.empty:
        raise ActivityError(f"{activity.source}: no track points in the file")
    # the arrays, not Series (isna on a Series costs 3x)
    elapsed = samples["elapsed_s"].to_numpy(np.float64)
    untimed = int(pd.isna(samples["time"].array).sum()) if activity.format != "fit" else 0
    untimed = untimed or int(np.isnan(elapsed).sum())
    route = activity.untimed_route  # (its own note says it has no time)
    if untimed == len(samples) and not route:
        activity.warnings.append(
            f"none of the {len(samples)} points has a time: distance and climb are read, but "
            "energy needs times (a speed)"
        )
    elif untimed and not route:
        activity.warnings.append(
            f"{untimed} of {len(samples)} points have no time (times are interpolated "
            "over distance between the timed points when estimating)"
        )
    finite = elapsed[np.isfinite(elapsed)]
    if finite.size and np.ptp(finite) < 1.0 and len(samples) > 1:
        activity.warnings.append(
            "all points carry the same time (zero duration, under 1 s): no speed can be derived"
        )
