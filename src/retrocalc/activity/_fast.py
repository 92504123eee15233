"""The fast path of the GPX/TCX reader: plain, well-formed documents, read by array operations.

A document that is well-formed and holds no DTD, entity or character reference, comment,
CDATA section or processing instruction has one reading of its markup: every "<" starts a
tag, an element's text runs to the next "<", and attribute values are quoted without "<".
Then the tags an estimate needs are found, and the points assembled, with array operations
over the bytes (:mod:`._scan`: no Python work per element). Well-formed means what the C
parser (expat, no namespace processing) accepts: :func:`._wellformed.proven` decides it from
the arrays the scan makes anyway, exactly for such documents (a fifth of expat's 6 ms a
megabyte), and expat itself is asked when it cannot tell (many tags with attributes, as a
GPX track's points; white space in end tags...). Anything else (a truncated file, entities,
another encoding...) takes the iterparse path of :mod:`._xml`, which also reports what it
worked around; :func:`read` gives the parts of the activity that :mod:`._xml` builds.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import numpy as np
import pandas as pd

from . import _scan, _values

__all__ = ["NAMES", "POINT_FIELDS", "Parts", "plain", "read"]

_Array = np.ndarray[Any, Any]
#: What :func:`read` gives: point table, times, segment and lap of each point, laps, sport
#: and device
Parts = tuple[
    _Array, pd.DatetimeIndex, _Array, _Array, list[tuple[Any, ...]], dict[str, Any], list[str]
]

# local element name -> column of the point row
POINT_FIELDS = {
    "ele": 0,
    "AltitudeMeters": 0,
    "LatitudeDegrees": 1,
    "LongitudeDegrees": 2,
    "DistanceMeters": 3,
    "distance": 3,
    "speed": 4,
    "Speed": 4,
    "hr": 5,
    "heartrate": 5,
    "Value": 5,  # TCX HeartRateBpm/Value, the only Value inside a Trackpoint
    "cad": 6,
    "cadence": 6,
    "Cadence": 6,
    "RunCadence": 6,
}
_NAMES = ("altitude_m", "latitude_deg", "longitude_deg", "distance_m", "speed_m_s",
          "heart_rate_bpm", "cadence_rpm")  # fmt: skip
NAMES = ("altitude_m", "latitude_deg", "longitude_deg", "distance_m", "speed_m_s",
         "heart_rate_bpm", "cadence_rpm")  # fmt: skip

# codes of the tags that are not point fields (those are 0-6, the columns of NAMES)
_C_TIME, _C_OPEN, _C_CLOSE, _C_SEG, _C_SEG_END, _C_LAP, _C_LAP_END = range(10, 17)
_C_TOTAL, _C_TYPE, _C_ACTIVITY, _C_CREATOR, _C_CREATOR_END, _C_NAME, _C_ROOT = range(17, 24)
# a GPX route's points and routes (read as a track's points and segments when the file has
# no track point), and a code no one reads
_C_RTEPT, _C_RTEPT_END, _C_RTE, _C_RTE_END, _C_UNUSED = range(24, 29)
_STRUCTURE = (_C_SEG, _C_SEG_END, _C_LAP, _C_LAP_END)
_IS_STRUCTURE = np.zeros(_C_UNUSED + 1, dtype=bool)  # by code: the tags _structure reads
_IS_STRUCTURE[[*_STRUCTURE, _C_TOTAL, 3]] = True
# by code: the codes of a GPX route read as a track (its trksegs, without points, unread)
_ROUTE_AS_TRACK = np.arange(_C_UNUSED + 1, dtype=np.int8)
_ROUTE_AS_TRACK[[_C_RTEPT, _C_RTEPT_END, _C_RTE, _C_RTE_END]] = (_C_OPEN, _C_CLOSE, _C_SEG,
                                                                 _C_SEG_END)  # fmt: skip
_ROUTE_AS_TRACK[[_C_SEG, _C_SEG_END]] = _C_UNUSED
_TAGS = {
    "gpx": {
        "trkpt": _C_OPEN,
        "trkseg": _C_SEG,
        "time": _C_TIME,
        "type": _C_TYPE,
        "gpx": _C_ROOT,
        "rtept": _C_RTEPT,
        "rte": _C_RTE,
    },
    "tcx": {
        "Trackpoint": _C_OPEN,
        "Track": _C_SEG,
        "Lap": _C_LAP,
        "Time": _C_TIME,
        "TotalTimeSeconds": _C_TOTAL,
        "Activity": _C_ACTIVITY,
        "Creator": _C_CREATOR,
        "Name": _C_NAME,
    },
}
_ENDS = {
    "gpx": {"trkpt": _C_CLOSE, "trkseg": _C_SEG_END, "rtept": _C_RTEPT_END, "rte": _C_RTE_END},
    "tcx": {"Trackpoint": _C_CLOSE, "Track": _C_SEG_END, "Lap": _C_LAP_END,
            "Creator": _C_CREATOR_END},
}  # fmt: skip
_FIELDS = {
    "gpx": ("ele", "distance", "speed", "Speed", "hr", "heartrate", "cad", "cadence", "Cadence"),
    "tcx": ("AltitudeMeters", "LatitudeDegrees", "LongitudeDegrees", "DistanceMeters", "Speed",
            "speed", "Value", "Cadence", "RunCadence"),
}  # fmt: skip
# not wanted, but in every point of common files: known, they need no search for a prefix
_COMMON = {"gpx": ("extensions",), "tcx": ("Position", "HeartRateBpm", "Extensions")}
_STARTS = {k: {f: POINT_FIELDS[f] for f in _FIELDS[k]} | _TAGS[k]
           | dict.fromkeys(_COMMON[k], _scan.SKIP) for k in _TAGS}  # fmt: skip
_DECL_ENCODING = re.compile(r"""^<\?xml[^>]*\bencoding\s*=\s*["']([^"']*)""")
_LAT_LON = {
    key: re.compile(rf"""(?:^|[\s\0]){key}\s*=\s*["']([^"']*)["']""") for key in ("lat", "lon")
}


def _attribute(attrs: str, key: str) -> str | None:
    found = re.search(rf"""(?:^|\s){key}\s*=\s*(?:"([^"]*)"|'([^']*)')""", attrs)
    return (
        None
        if found is None
        else (found.group(1) if found.group(1) is not None else found.group(2))
    )


def plain(data: bytes, kind: str = "gpx") -> _scan.Tags | None:
    """The wanted tags (of a ``kind`` file) when the fast path applies to the document,
    else None (the scan refuses a document that is not well-formed)."""
    head = data[:200].lstrip(b"\xef\xbb\xbf")
    if not head.startswith(b"<") or b"&" in data:
        return None  # character or entity references
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
    declared = _DECL_ENCODING.match(head.decode("utf-8", "replace"))
    if declared and declared.group(1).lower() not in ("utf-8", "utf8", "us-ascii", "ascii"):
        return None
    marks = _scan.marks(data)
    if marks is None or not marks.plain():
        return None  # comments, CDATA, DTDs, processing instructions
    if marks.lead[0] == ord("?") and not head.startswith(b"<?xml"):
        return None
    return _scan.scan(marks, _STARTS[kind], _ENDS[kind])  # (None if not well-formed)


def read(data: bytes, kind: str) -> Parts | None:
    """The parts of the activity (:data:`Parts`: the arguments of ``._xml._build`` up to
    its notes); None when the document needs the full parser."""
    tags = plain(data, kind)
    if tags is None or (kind == "tcx" and np.count_nonzero(tags.code == _C_ACTIVITY) > 1):
        return None  # (several TCX activities: the full parser reads the first)
    route: dict[str, Any] = {}
    if kind == "gpx":
        tags, route = _route(tags)
    code, selfclosing = tags.code, tags.selfclosing
    opened = code == _C_OPEN
    closed = (code == _C_CLOSE) | (opened & selfclosing)
    n = int(opened.sum())
    if n == 0 or n != int(closed.sum()):
        return None
    point = _scan.running_sum(opened)  # (int64: an index, below)
    point -= 1  # the point a tag belongs to
    # points open after each tag (int32 for a text under 2 GB: less memory, paid in page
    # faults by the next read)
    level = _scan.running_sum(
        opened.view(np.int8) - closed.view(np.int8), tags.text_start.dtype.type
    )
    inside = (level > 0) | (opened & ~selfclosing)
    del level
    table = np.full((n, len(NAMES)), np.nan)
    field = np.flatnonzero(inside & (code < len(NAMES)) & ~selfclosing)
    if field.size:
        read = _values.decimals(tags, field)
        if read is None:
            return None  # a number that does not read: the full parser notes it
        numbers, blank = read
        field, numbers = field[~blank], numbers[~blank]  # empty elements: left out
        table[point[field], code[field]] = numbers  # the last of repeated elements wins
        del field, numbers, blank, read
    timed = np.flatnonzero(inside & (code == _C_TIME) & ~selfclosing)
    if timed.size:  # the last time element of a point counts
        timed = timed[np.append(point[timed][1:] != point[timed][:-1], True)]
    notes: list[str] = []
    time = _point_times(tags, timed, point[timed], n, notes)
    if kind == "gpx" and not _lat_lon(tags, np.flatnonzero(opened), table):
        return None
    segments, lap_of, laps = _structure(tags, point, opened, inside, n)
    meta = _meta(tags, kind) | route
    return table, time, segments, lap_of, laps, meta, notes


def _route(tags: _scan.Tags) -> tuple[_scan.Tags, dict[str, Any]]:
    """The tags with a GPX route's points and routes as a track's points and segments when
    the file has route points and no track point, and what the route was (``route_points``,
    ``route_read``: the meta :func:`._xml._build` words a note from); the tags as they are
    otherwise (a track wins over a route)."""
    routed = int(np.count_nonzero(tags.code == _C_RTEPT))
    if routed == 0:
        return tags, {}
    if np.count_nonzero(tags.code == _C_OPEN):
        return tags, {"route_points": routed, "route_read": False}
    code = _ROUTE_AS_TRACK[tags.code]
    return dataclasses.replace(tags, code=code), {"route_points": routed, "route_read": True}


def _lat_lon(tags: _scan.Tags, opens: _Array, table: _Array) -> bool:
    """Latitude and longitude of the GPX points (attributes of their start tags) into the
    table; False when a point lacks one that others have, or a value does not read."""
    found = _values.attribute_decimals(tags, opens, ("lat", "lon"))
    if found is not None:
        for column, key in ((1, "lat"), (2, "lon")):
            if found[key] is not None:
                table[:, column] = found[key]
        return True
    joined = "\0".join(tags.all_attributes(opens))  # written otherwise: by regular expression
    for column, key in ((1, "lat"), (2, "lon")):
        values = _LAT_LON[key].findall(joined)
        if values and len(values) != opens.size:
            return False  # some points lack the attribute: the full parser places them
        if values:
            try:
                table[:, column] = np.array(values, dtype=np.float64)
            except ValueError:
                return False
    return True


def _point_times(
    tags: _scan.Tags, timed: _Array, owner: _Array, n: int, notes: list[str]
) -> pd.DatetimeIndex:
    """UTC time of each point (NaT where it has none) from its time element's text (a text
    that does not read is noted, as the full parser notes it)."""
    parsed = _values.iso_times(tags, timed)
    if parsed is None:  # another spelling somewhere: pandas parses them all, as iterparse does
        texts: list[str | None] = [None] * n
        for i, p in zip(timed.tolist(), owner.tolist(), strict=True):
            texts[p] = tags.text(i)
        return _values.time_texts(texts, notes)
    ns, unit = parsed
    values = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)  # NaT
    values[owner] = ns
    if ns.size == 0:
        unit = "s"  # pandas' choice when there is no time at all
    return pd.DatetimeIndex(values.view("M8[ns]").astype(f"M8[{unit}]")).tz_localize("UTC")


def _structure(
    tags: _scan.Tags, point: _Array, opened: _Array, inside: _Array, n: int
) -> tuple[_Array, _Array, list[tuple[Any, ...]]]:
    """Segment and lap of each point, and the TCX laps, as the iterparse path counts them.

    ``point``: the point each tag belongs to (the last opened). A loop over the segment and
    lap tags only (a handful per file), not over points.
    """
    code = tags.code
    segment_of = np.zeros(n, np.int64)
    lap_of = np.zeros(n, np.int64)
    laps: list[tuple[Any, ...]] = []
    segment = lap = tracks_in_lap = done = 0
    track_depth = 0
    lap_start: str | None = None
    totals: dict[int, str] = {}
    marks = np.flatnonzero(_IS_STRUCTURE[code] & ~inside)  # (a table: np.isin costs 10x)
    for i in marks.tolist():
        c = int(code[i])
        upto = int(point[i]) + 1 - int(opened[i])  # points opened before the tag
        if upto > done:
            segment_of[done:upto] = segment
            lap_of[done:upto] = lap
            done = upto
        if c == _C_SEG:
            track_depth += 1
            if tags.selfclosing[i]:
                track_depth -= 1  # an empty segment: no points, nothing to count
        elif c == _C_SEG_END:
            track_depth -= 1
            if done and segment_of[done - 1] == segment:
                segment += 1
                tracks_in_lap += 1
        elif c == _C_LAP:
            lap_start, totals = _attribute(tags.attributes(i), "StartTime"), {}
        elif c in (_C_TOTAL, 3) and track_depth == 0 and lap_start is not None:
            totals.setdefault(c, tags.text(i))
        elif c == _C_LAP_END:
            laps.append((lap_start, totals.get(_C_TOTAL), totals.get(3)))
            lap += 1
            if tracks_in_lap:
                segment -= 1
            tracks_in_lap = 0
            lap_start = None
    segment_of[done:] = segment
    lap_of[done:] = lap
    return segment_of, lap_of, laps


def _meta(tags: _scan.Tags, kind: str) -> dict[str, Any]:
    """Sport and device as the iterparse path finds them."""
    code, selfclosing = tags.code, tags.selfclosing
    meta: dict[str, Any] = {}
    if kind == "gpx":
        for i in np.flatnonzero((code == _C_TYPE) & ~selfclosing).tolist():
            text = tags.text(i)
            if text and "/" not in text:
                meta["sport"] = text  # trk/type (link/type is a MIME type)
                break
        root = np.flatnonzero(code == _C_ROOT)
        if root.size:
            meta["device"] = _attribute(tags.attributes(int(root[0])), "creator")
        return meta
    activity = np.flatnonzero(code == _C_ACTIVITY)
    if activity.size:
        meta["sport"] = _attribute(tags.attributes(int(activity[0])), "Sport")
    creator = np.flatnonzero(code == _C_CREATOR)
    if creator.size:
        start = int(creator[0])
        ends = np.flatnonzero(code[start:] == _C_CREATOR_END)
        stop = start + int(ends[0]) if ends.size else code.size
        names = np.flatnonzero(code[start:stop] == _C_NAME).tolist()
        meta["device"] = tags.text(start + names[0]) if names else None
    return meta
