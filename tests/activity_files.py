"""Writers of small GPX, TCX and FIT files with known geometry, for the activity tests.

A track is given as arrays (seconds, metres along a straight line due east, altitude):
positions follow from the distance exactly, so the true distance, grade and duration of
every file are known independently of retrocalc.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

START = datetime(2024, 5, 1, 7, 0, 0, tzinfo=UTC)
LAT0, LON0 = 46.0, 7.0
R = 6_371_008.8


@dataclass
class Track:
    t: np.ndarray  # elapsed [s]
    d: np.ndarray  # distance [m]
    z: np.ndarray  # altitude [m]
    hr: np.ndarray | None = None
    segment: np.ndarray = field(default_factory=lambda: np.zeros(0, int))

    def __post_init__(self) -> None:
        if self.segment.size == 0:
            self.segment = np.zeros(self.t.size, int)

    @property
    def lon(self) -> np.ndarray:
        return LON0 + np.degrees(self.d / (R * math.cos(math.radians(LAT0))))


def steady(speed: float, seconds: int, grade: float = 0.0, z0: float = 100.0) -> Track:
    t = np.arange(seconds + 1, dtype=float)
    d = speed * t
    return Track(t, d, z0 + grade * d)


def bouts(*parts: tuple[float, int], z0: float = 100.0) -> Track:
    """Steady bouts one after the other on level ground: (speed [m/s], seconds) each, a
    sample every second (the sample at a change of speed ends one bout and starts the next)."""
    t = np.arange(sum(s for _, s in parts) + 1, dtype=float)
    ends = np.cumsum([0] + [s for _, s in parts])
    d = np.interp(t, ends, np.concatenate(([0.0], np.cumsum([v * s for v, s in parts]))))
    return Track(t, d, np.full(t.size, z0))


def _iso(t: float) -> str:
    return (START + timedelta(seconds=float(t))).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def write_gpx(track: Track, path: Path, *, sport: str = "running", prefix: str = "ns3") -> Path:
    segs = []
    for s in np.unique(track.segment):
        pts = []
        for i in np.flatnonzero(track.segment == s):
            ext = ""
            if track.hr is not None:
                ext = (
                    f"<extensions><{prefix}:TrackPointExtension><{prefix}:hr>{int(track.hr[i])}"
                    f"</{prefix}:hr></{prefix}:TrackPointExtension></extensions>"
                )
            pts.append(
                f'<trkpt lat="{LAT0:.8f}" lon="{track.lon[i]:.8f}"><ele>{track.z[i]:.2f}'
                f"</ele><time>{_iso(track.t[i])}</time>{ext}</trkpt>"
            )
        segs.append("<trkseg>" + "\n".join(pts) + "</trkseg>")
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="tests" '
        'xmlns="http://www.topografix.com/GPX/1/1" '
        f'xmlns:{prefix}="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"<trk><type>{sport}</type>" + "".join(segs) + "</trk></gpx>",
        encoding="utf-8",
    )
    return path


def write_tcx(track: Track, path: Path, *, sport: str = "Running") -> Path:
    pts = []
    for i in range(track.t.size):
        hr = (
            ""
            if track.hr is None
            else f"<HeartRateBpm><Value>{int(track.hr[i])}</Value></HeartRateBpm>"
        )
        pts.append(
            f"<Trackpoint><Time>{_iso(track.t[i])}</Time><Position><LatitudeDegrees>{LAT0}"
            f"</LatitudeDegrees><LongitudeDegrees>{track.lon[i]:.8f}</LongitudeDegrees></Position>"
            f"<AltitudeMeters>{track.z[i]:.2f}</AltitudeMeters><DistanceMeters>{track.d[i]:.2f}"
            f"</DistanceMeters>{hr}</Trackpoint>"
        )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<TrainingCenterDatabase '
        'xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        f'<Activities><Activity Sport="{sport}"><Id>{_iso(0)}</Id>'
        f'<Lap StartTime="{_iso(0)}"><TotalTimeSeconds>{track.t[-1]}</TotalTimeSeconds>'
        f"<DistanceMeters>{track.d[-1]}</DistanceMeters><Track>"
        + "".join(pts)
        + "</Track></Lap><Creator><Name>test device</Name></Creator></Activity></Activities>"
        "</TrainingCenterDatabase>",
        encoding="utf-8",
    )
    return path


def write_fit(
    track: Track,
    path: Path,
    *,
    stops: list[tuple[float, float]] = (),
    sessions: list[tuple[float, float, str] | tuple[float, float, str, str]] = (),
) -> Path:
    """A FIT activity (fit-tool); ``stops`` are (stop, start) timer events [s].

    ``sessions`` are (start, end [s], sport[, sub_sport]) with FIT profile names
    (``"running"``, ``"cycling"``, ``"swimming"``, ``"transition"``; ``"road"``...): a
    multisport file as a watch writes it, a session and a lap message after each leg's last
    record, the file's sport message that of the first leg. None: one sport message
    (running), no session and no lap (as before).
    """
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.event_message import EventMessage
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.lap_message import LapMessage
    from fit_tool.profile.messages.record_message import RecordMessage
    from fit_tool.profile.messages.session_message import SessionMessage
    from fit_tool.profile.messages.sport_message import SportMessage
    from fit_tool.profile.profile_type import (
        Event,
        EventType,
        FileType,
        Manufacturer,
        Sport,
        SubSport,
    )

    ms0 = round(START.timestamp() * 1000)
    builder = FitFileBuilder(auto_define=True, min_string_size=50)
    msg = FileIdMessage()
    msg.type = FileType.ACTIVITY
    msg.manufacturer = Manufacturer.DEVELOPMENT.value
    msg.product = 0
    msg.time_created = ms0
    builder.add(msg)
    sport = SportMessage()
    sport.sport = Sport[sessions[0][2].upper()] if sessions else Sport.RUNNING
    builder.add(sport)

    def event(t: float, kind: EventType) -> None:
        e = EventMessage()
        e.event = Event.TIMER
        e.event_type = kind
        e.timestamp = ms0 + round(t * 1000)
        builder.add(e)

    def leg(index: int, start: float, end: float, name: str, sub: str | None) -> None:
        # timer time: the elapsed time less the stops inside the leg
        stopped = sum(max(0.0, min(b, end) - max(a, start)) for a, b in stops)
        for message in (LapMessage(), SessionMessage()):
            message.message_index = index
            message.timestamp = ms0 + round(end * 1000)
            message.start_time = ms0 + round(start * 1000)
            message.total_elapsed_time = end - start
            message.total_timer_time = end - start - stopped
            # the distance covered (a counter restarting with the session steps back: skipped)
            steps = np.diff(track.d[(track.t >= start) & (track.t <= end)])
            message.total_distance = float(steps[steps > 0].sum())
            message.sport = Sport[name.upper()]
            if sub is not None:
                message.sub_sport = SubSport[sub.upper()]
            builder.add(message)

    event(track.t[0], EventType.START)
    pending = sorted(stops)
    legs = [(i, *s[:3], s[3] if len(s) > 3 else None) for i, s in enumerate(sessions)]
    for i in range(track.t.size):
        while pending and pending[0][0] < track.t[i]:
            stop, start = pending.pop(0)
            event(stop, EventType.STOP_ALL)
            event(start, EventType.START)
        r = RecordMessage()
        r.timestamp = ms0 + round(track.t[i] * 1000)
        if np.isfinite(track.d[i]):  # NaN: no distance and no position (a pool swim)
            r.position_lat = LAT0
            r.position_long = float(track.lon[i])
            r.distance = float(track.d[i])
        r.altitude = float(track.z[i])
        if track.hr is not None:
            r.heart_rate = int(track.hr[i])
        builder.add(r)
        while legs and (legs[0][2] <= track.t[i] or i == track.t.size - 1):
            leg(*legs.pop(0))
    event(track.t[-1], EventType.STOP_ALL)
    builder.build().to_file(str(path))
    return path


def read_noting_path(source: Any, monkeypatch: Any, *, fast: bool = True) -> tuple[Any, bool]:
    """``rc.read_activity(source)`` (its ActivityWarnings silenced), and whether the GPX/TCX
    fast path read it; ``fast=False`` turns the fast path off (the full parser reads)."""
    import warnings

    import retrocalc as rc
    from retrocalc.activity import _xml
    from retrocalc.exceptions import ActivityWarning

    taken = []
    original = _xml._read_plain

    def spy(*args: Any) -> Any:
        out = original(*args) if fast else None
        taken.append(out is not None)
        return out

    with monkeypatch.context() as m:
        m.setattr(_xml, "_read_plain", spy)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ActivityWarning)
            return rc.read_activity(source), any(taken)
