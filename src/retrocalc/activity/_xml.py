"""GPX 1.0/1.1 and TCX (Garmin Training Center v2): a fast path and an incremental XML parser.

A plain document (UTF-8, no DTD, entity or character reference, comment, CDATA section or
processing instruction) that is well-formed (as expat decides; proven by array operations
for the usual files, :mod:`._wellformed`) is read by array operations over its bytes
(:mod:`._fast`). Anything else goes through the standard library's ``iterparse`` behind
defusedxml (entity declarations and external references are refused: no "billion laughs",
no file or network access); each track point is read when its element ends and then
cleared, so memory does not grow with the file's text.
Both read the same values (tested against each other). Heart rate, cadence and speed are
matched by local name under any namespace prefix (``ns3:hr``, ``gpxtpx:hr``, TCX
``HeartRateBpm/Value``, ``RunCadence``, ``ns3:Speed``).
A GPX file without track points but with a route (``<rte>``: route planners export one,
often without times) is read as a track of the route's points, one segment per route; when it
has both, the track is read and a note says that the route was not.
"""

from __future__ import annotations

import io
import re
from typing import IO, Any

import numpy as np
import pandas as pd

from .._extras import load
from . import _fast, _values
from ._fast import NAMES, POINT_FIELDS
from ._table import frame
from .read import (
    UNTIMED_ROUTE,
    Activity,
    ActivityError,
    Fault,
    _empty_laps,
    elapsed_seconds,
    make_samples,
    norm_sport,
    seconds_since,
)

__all__ = ["read_xml"]

_Array = np.ndarray[Any, Any]

_EMPTY = ["nan"] * len(NAMES)


def _defused() -> Any:
    return load("activity", "defusedxml.ElementTree", feature="reading GPX and TCX safely")


_TIME, _OTHER = -2, -1


def _code(tag: str) -> int:
    short = tag.rpartition("}")[2]
    if short in ("time", "Time"):
        return _TIME
    return POINT_FIELDS.get(short, _OTHER)


def _iterparse(stream: IO[bytes], det: Any) -> Any:
    """End events from the C parser when the text cannot hold a DTD, else from defusedxml.

    Entity expansion ("billion laughs") and external entities need a document type
    declaration; a UTF-8/ASCII text without ``<!DOCTYPE`` has none, and the standard
    library's parser (twice as fast as defusedxml's) is safe on it. Anything else (a DTD, or
    an encoding in which the check cannot be made on bytes) goes through defusedxml, which
    refuses entities and external references.
    """
    import xml.etree.ElementTree as ET

    data = stream.getvalue() if isinstance(stream, io.BytesIO) else stream.read()
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    plain = head.startswith(b"<") and b"<!DOCTYPE" not in data and b"<!ENTITY" not in data
    source = io.BytesIO(data)
    if plain:
        return ET.iterparse(source, events=("end",))
    return det.iterparse(source, events=("end",))


def read_xml(stream: IO[bytes], name: str, kind: str) -> Activity:
    """Read the track points, segments, laps, sport and device of a GPX or TCX file."""
    det = _defused()
    from defusedxml import DefusedXmlException

    data = stream.getvalue() if isinstance(stream, io.BytesIO) else stream.read()
    fast = _read_plain(data, name, kind)
    if fast is not None:
        return fast
    data, undeclared = _declare_prefixes(data)
    stream = io.BytesIO(data)

    point_tag = "trkpt" if kind == "gpx" else "Trackpoint"
    segment_tag = "trkseg" if kind == "gpx" else "Track"
    rows: list[list[str]] = []
    times: list[str | None] = []
    segments: list[int] = []
    lap_of: list[int] = []
    laps: list[tuple[Any, ...]] = []
    meta: dict[str, Any] = {}
    notes = [f"namespace prefixes used but not declared: {', '.join(undeclared)}"] * bool(
        undeclared
    )
    local: dict[str, str] = {}  # tag -> local name (namespaces are few: cache them)
    code: dict[str, int] = {}  # tag -> column, _TIME or _OTHER
    segment = lap = tracks_in_lap = 0
    activities = others = 0  # TCX activities ended; points of the later ones left out
    # a GPX route's points (rows, times, route of each): the points when there is no track
    # point (a track wins, and routes come before tracks in a GPX file)
    route: tuple[list[list[str]], list[str | None], list[int]] = ([], [], [])
    routes = 0
    try:
        for _event, elem in _iterparse(stream, det):
            tag = elem.tag
            short = local.get(tag)
            if short is None:
                short = local[tag] = tag.rpartition("}")[2]
            if activities and short in ("Trackpoint", "Lap", "Track"):
                # a TCX of several activities (a history export): one recording is the
                # first; the others' points would join it after an hour's "pause"
                others += short == "Trackpoint"
                elem.clear()
                continue
            if short == point_tag or (short == "rtept" and kind == "gpx"):
                row = _EMPTY.copy()
                when = None
                attrib = elem.attrib
                if "lat" in attrib:
                    row[1] = attrib["lat"]
                    row[2] = attrib.get("lon", "nan")
                for child in elem.iter():
                    j = code.get(child.tag)
                    if j is None:
                        j = code[child.tag] = _code(child.tag)
                    if j >= 0:
                        text = child.text
                        if text and text.strip():
                            row[j] = text
                    elif j == _TIME:
                        when = child.text
                if short == "rtept":
                    route[0].append(row)
                    route[1].append(when)
                    route[2].append(routes)
                else:
                    rows.append(row)
                    times.append(when)
                    segments.append(segment)
                    lap_of.append(lap)
                elem.clear()
            elif short == "rte" and kind == "gpx":
                if route[2] and route[2][-1] == routes:  # (a route without points: none)
                    routes += 1
                elem.clear()
            elif short == segment_tag:
                # a new GPX trkseg, or a second TCX Track inside one Lap, follows a pause
                if segments and segments[-1] == segment:
                    segment += 1
                    tracks_in_lap += 1
                elem.clear()
            elif short == "Lap":
                laps.append(_tcx_lap(elem, local))
                lap += 1
                if tracks_in_lap:  # a TCX lap starts a new Track without a pause
                    segment -= 1
                tracks_in_lap = 0
                elem.clear()
            elif short == "type" and kind == "gpx" and "/" not in (elem.text or "/"):
                meta.setdefault("sport", elem.text)  # trk/type (link/type is a MIME type)
            elif short == "Activity":
                meta.setdefault("sport", elem.attrib.get("Sport"))
                activities += 1
            elif short == "Creator":
                texts = [c.text for c in elem.iter() if local.get(c.tag, c.tag).endswith("Name")]
                meta.setdefault("device", texts[0] if texts else None)
            elif short == "gpx":
                meta.setdefault("device", elem.attrib.get("creator"))
    except DefusedXmlException as exc:
        raise ActivityError(f"{name}: refused unsafe XML ({type(exc).__name__}: {exc})") from None
    except LookupError as exc:  # the declaration names an encoding Python does not know
        raise ActivityError(f"{name}: cannot read the XML ({exc})") from None
    except (det.ParseError, SyntaxError) as exc:
        kept = len(rows) or len(route[0])
        if not kept:
            raise ActivityError(f"{name}: not well-formed XML ({exc})") from None
        notes.append(Fault(f"XML ends early ({exc}): kept the {kept} points read before it"))
    if route[0]:
        meta.update(route_points=len(route[0]), route_read=not rows)
        if not rows:  # a route alone: its points are the track's, each route a segment
            rows, times, segments = route
            lap_of = [0] * len(rows)
    if not rows:
        raise ActivityError(f"{name}: no track points in the {kind.upper()} file")
    if activities > 1:
        text = f"the file holds {activities} activities: the first is read"
        notes.append(Fault(f"{text} (left out: {others} points of the others)"))
    table = _values.float_texts(rows, notes)
    time = _values.time_texts(times, notes)
    return _build(table, time, segments, lap_of, laps, meta, notes, name, kind)


_PREFIX_USED = re.compile(rb"[<\s/]([A-Za-z_][\w.\-]*):[A-Za-z_]")
_PREFIX_DECLARED = re.compile(rb"xmlns:([A-Za-z_][\w.\-]*)\s*=")
_ROOT = re.compile(rb"<!--.*?-->|<(?![?!])[A-Za-z_][\w.\-:]*", re.DOTALL)  # comments skipped


def _declare_prefixes(data: bytes) -> tuple[bytes, list[str]]:
    """The text with the namespace prefixes it uses but never declares (``<gpxtpx:hr>``
    without ``xmlns:gpxtpx``: some apps write them) declared on the root element, and their
    names. The full parser refuses an unbound prefix; the fast path, like most readers, reads
    such a file by its local names, and so does this one now (a prefix seen only in text
    gets a declaration too: harmless)."""
    used = set(_PREFIX_USED.findall(data)) - set(_PREFIX_DECLARED.findall(data))
    used -= {b"xml", b"xmlns"}
    root = next((m for m in _ROOT.finditer(data) if not m.group().startswith(b"<!")), None)
    if not used or root is None:
        return data, []
    names = sorted(used)
    extra = b"".join(b' xmlns:%s="urn:retrocalc:undeclared:%s"' % (p, p) for p in names)
    return data[: root.end()] + extra + data[root.end() :], [p.decode() for p in names]


def _tcx_lap(elem: Any, local: dict[str, str]) -> tuple[Any, ...]:
    values: dict[str, Any] = {}
    for child in elem:  # direct children only: the lap's own totals
        short = local.get(child.tag) or child.tag.rpartition("}")[2]
        if short in ("TotalTimeSeconds", "DistanceMeters"):
            values[short] = child.text
    return (
        elem.attrib.get("StartTime"),
        values.get("TotalTimeSeconds"),
        values.get("DistanceMeters"),
    )


def _build(
    table: np.ndarray[Any, np.dtype[np.float64]],
    time: pd.DatetimeIndex,
    segments: Any,
    lap_of: Any,
    laps: list[tuple[Any, ...]],
    meta: dict[str, Any],
    notes: list[str],
    name: str,
    kind: str,
) -> Activity:
    columns: dict[str, Any] = {n: table[:, i] for i, n in enumerate(NAMES)}
    elapsed = columns["elapsed_s"] = elapsed_seconds(time)  # (here: the laps use it too)
    columns.update(time=time, segment=np.asarray(segments), lap=np.asarray(lap_of))
    samples = make_samples(columns, len(table), copy=False)  # the arrays are this reader's
    if meta.get("route_points"):
        notes.append(_route_note(meta["route_points"], meta["route_read"], time))
    lap_frame = _empty_laps() if not laps else _lap_frame(laps, time, elapsed)
    sport = meta.get("sport")
    return Activity(
        samples=samples,
        source=name,
        format=kind,
        sport=norm_sport(sport.strip() if isinstance(sport, str) else sport),
        device=meta.get("device"),
        laps=lap_frame,
        warnings=notes,
    )


def _route_note(points: int, read: bool, time: pd.DatetimeIndex) -> str:
    """What the activity's points are when the GPX file holds a route (``<rte>``): route
    planners export one, often without times."""
    if not read:
        return f"the file also holds a GPX route (<rte>, {points} points): not read, its track is"
    if time.isna().all():
        return (
            f"{UNTIMED_ROUTE} (<rte>, {points} points, a planned course): its distance and "
            "climb are read, but energy needs times (a speed), and a route has none"
        )
    return f"the file is a GPX route (<rte>, {points} points): read as the recording's track"


def _lap_frame(
    laps: list[tuple[Any, ...]], time: pd.DatetimeIndex, elapsed: _Array
) -> pd.DataFrame:
    """The TCX laps: start (time and elapsed), elapsed and timer time, distance."""
    start = _values.time_texts([s for s, *_ in laps])
    start_s = seconds_since(start, time)
    if start_s is None:
        start_s = np.full(len(laps), np.nan)
    # TotalTimeSeconds is the lap's timer time (pauses excluded); its elapsed time runs
    # from its start to the next lap's start (the last lap: to the last timed point)
    timed = elapsed[~np.isnan(elapsed)]
    end_s = float(timed.max()) if timed.size else np.nan  # Series.max: NaN skipped
    return frame(
        {
            "start_time": start.array,
            "start_s": start_s,
            "elapsed_s": np.diff(np.append(start_s, end_s)),
            "timer_s": _numbers([e for _, e, _ in laps]),
            "distance_m": _numbers([d for *_, d in laps]),
        }
    )


def _numbers(texts: list[Any]) -> Any:
    """``pd.to_numeric(pd.Series(texts), errors="coerce")`` as an array: the same conversion
    of the same objects (a ``str`` Series is converted through its objects), without the
    Series nor aligning its index in the laps table (0.3 ms -> 0.01 ms)."""
    values = np.empty(len(texts), dtype=object)
    values[:] = texts
    return pd.to_numeric(values, errors="coerce")


def _read_plain(data: bytes, name: str, kind: str) -> Activity | None:
    """The fast path (:mod:`._fast`); None when the document needs the full parser."""
    parts = _fast.read(data, kind)
    return None if parts is None else _build(*parts, name, kind)
