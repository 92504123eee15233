"""GPX 1.0/1.1 and TCX (Garmin Training Center v2): a fast path and an incremental XML parser.

A plain document (UTF-8, no DTD, entity or character reference, comment, CDATA section or
processing instruction) that is well-formed (as expat decides; proven by array operations
for the usual files, :mod:`._wellformed`) is read by array operations over its bytes
(:mod:`._scan`; see "the fast path" below). Anything else goes through the
standard library's ``iterparse`` behind defusedxml (entity declarations and external
references are refused: no "billion laughs", no file or network access); each track point is
read when its element ends and then cleared, so memory does not grow with the file's text.
Both read the same values (tested against each other). Heart rate, cadence and speed are
matched by local name under any namespace prefix (``ns3:hr``, ``gpxtpx:hr``, TCX
``HeartRateBpm/Value``, ``RunCadence``, ``ns3:Speed``).
"""

from __future__ import annotations

import io
import re
from typing import IO, Any

import numpy as np
import pandas as pd

from .._extras import load
from . import _scan, _values
from ._table import frame
from .read import (
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

# local element name -> column of the point row
_POINT_FIELDS = {
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
_EMPTY = ["nan"] * len(_NAMES)


def _defused() -> Any:
    return load("activity", "defusedxml.ElementTree", feature="reading GPX and TCX safely")


_TIME, _OTHER = -2, -1


def _code(tag: str) -> int:
    short = tag.rpartition("}")[2]
    if short in ("time", "Time"):
        return _TIME
    return _POINT_FIELDS.get(short, _OTHER)


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
            if short == point_tag:
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
                rows.append(row)
                times.append(when)
                segments.append(segment)
                lap_of.append(lap)
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
        if not rows:
            raise ActivityError(f"{name}: not well-formed XML ({exc})") from None
        notes.append(Fault(f"XML ends early ({exc}): kept the {len(rows)} points read before it"))
    if not rows:
        raise ActivityError(f"{name}: no track points in the {kind.upper()} file")
    if activities > 1:
        text = f"the file holds {activities} activities: the first is read"
        notes.append(Fault(f"{text} (left out: {others} points of the others)"))
    table = _values.float_texts(rows, notes)
    return _build(table, _values.time_texts(times), segments, lap_of, laps, meta, notes, name, kind)


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
    columns: dict[str, Any] = {n: table[:, i] for i, n in enumerate(_NAMES)}
    elapsed = columns["elapsed_s"] = elapsed_seconds(time)  # (here: the laps use it too)
    columns.update(time=time, segment=np.asarray(segments), lap=np.asarray(lap_of))
    samples = make_samples(columns, len(table), copy=False)  # the arrays are this reader's
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


# --- the fast path: plain, well-formed documents -------------------------------------------
#
# A document that is well-formed and holds no DTD, entity or character reference, comment,
# CDATA section or processing instruction has one reading of its markup: every "<" starts a
# tag, an element's text runs to the next "<", and attribute values are quoted without "<".
# Then the tags an estimate needs are found, and the points assembled, with array operations
# over the bytes (``_scan``: no Python work per element). Well-formed means what the C parser
# (expat, no namespace processing) accepts: ``_wellformed.proven`` decides it from the arrays
# the scan makes anyway, exactly for such documents (a fifth of expat's 6 ms a megabyte), and
# expat itself is asked when it cannot tell (many tags with attributes, as a GPX track's
# points; white space in end tags...). Anything else (a truncated file, entities, another
# encoding...) takes the iterparse path above, which also reports what it worked around.

# codes of the tags that are not point fields (those are 0-6, the columns of _NAMES)
_C_TIME, _C_OPEN, _C_CLOSE, _C_SEG, _C_SEG_END, _C_LAP, _C_LAP_END = range(10, 17)
_C_TOTAL, _C_TYPE, _C_ACTIVITY, _C_CREATOR, _C_CREATOR_END, _C_NAME, _C_ROOT = range(17, 24)
_STRUCTURE = (_C_SEG, _C_SEG_END, _C_LAP, _C_LAP_END)
_IS_STRUCTURE = np.zeros(_C_ROOT + 1, dtype=bool)  # by code: the tags _structure reads
_IS_STRUCTURE[[*_STRUCTURE, _C_TOTAL, 3]] = True
_TAGS = {
    "gpx": {"trkpt": _C_OPEN, "trkseg": _C_SEG, "time": _C_TIME, "type": _C_TYPE, "gpx": _C_ROOT},
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
    "gpx": {"trkpt": _C_CLOSE, "trkseg": _C_SEG_END},
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
_STARTS = {k: {f: _POINT_FIELDS[f] for f in _FIELDS[k]} | _TAGS[k]
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


def _plain(data: bytes, kind: str = "gpx") -> _scan.Tags | None:
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


def _read_plain(data: bytes, name: str, kind: str) -> Activity | None:
    """The fast path (see above); None when the document needs the full parser."""
    tags = _plain(data, kind)
    if tags is None or (kind == "tcx" and np.count_nonzero(tags.code == _C_ACTIVITY) > 1):
        return None  # (several TCX activities: the full parser reads the first)
    code, selfclosing = tags.code, tags.selfclosing
    opened = code == _C_OPEN
    closed = (code == _C_CLOSE) | (opened & selfclosing)
    n = int(opened.sum())
    if n == 0 or n != int(closed.sum()):
        return None
    small = tags.text_start.dtype.type  # (int32 for a text under 2 GB: fewer page faults)
    point = _scan.running_sum(opened, small)
    point -= 1  # the point a tag belongs to
    # points open after each tag
    level = _scan.running_sum(opened.view(np.int8) - closed.view(np.int8), small)
    inside = (level > 0) | (opened & ~selfclosing)
    del level
    table = np.full((n, len(_NAMES)), np.nan)
    field = np.flatnonzero(inside & (code < len(_NAMES)) & ~selfclosing)
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
    time = _point_times(tags, timed, point[timed], n)
    if kind == "gpx" and not _lat_lon(tags, np.flatnonzero(opened), table):
        return None
    segments, lap_of, laps = _structure(tags, point, opened, inside, n)
    meta = _meta(tags, kind)
    return _build(table, time, segments, lap_of, laps, meta, [], name, kind)


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


def _point_times(tags: _scan.Tags, timed: _Array, owner: _Array, n: int) -> pd.DatetimeIndex:
    """UTC time of each point (NaT where it has none) from its time element's text."""
    parsed = _values.iso_times(tags, timed)
    if parsed is None:  # another spelling somewhere: pandas parses them all, as iterparse does
        texts: list[str | None] = [None] * n
        for i, p in zip(timed.tolist(), owner.tolist(), strict=True):
            texts[p] = tags.text(i)
        return _values.time_texts(texts)
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
