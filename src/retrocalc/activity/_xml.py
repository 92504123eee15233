"""GPX 1.0/1.1 and TCX (Garmin Training Center v2) through an incremental XML parser.

The standard library's ``iterparse`` behind defusedxml (entity declarations and external
references are refused: no "billion laughs", no file or network access). Each track point is
read when its element ends and then cleared, so memory does not grow with the file's text;
numbers and times stay text until one vectorised conversion at the end. Heart rate, cadence
and speed are matched by local name under any namespace prefix (``ns3:hr``,
``gpxtpx:hr``, TCX ``HeartRateBpm/Value``, ``RunCadence``, ``ns3:Speed``).
"""

from __future__ import annotations

import io
from typing import IO, Any

import numpy as np
import pandas as pd

from .read import Activity, ActivityError, _empty_laps, make_samples, norm_sport

__all__ = ["read_xml"]

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
    try:
        import defusedxml.ElementTree as det  # noqa: N813
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError(
            "reading GPX and TCX safely needs defusedxml: pip install 'retrocalc[activity]'"
        ) from None
    return det


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

    point_tag = "trkpt" if kind == "gpx" else "Trackpoint"
    segment_tag = "trkseg" if kind == "gpx" else "Track"
    rows: list[list[str]] = []
    times: list[str | None] = []
    segments: list[int] = []
    lap_of: list[int] = []
    laps: list[tuple[Any, ...]] = []
    meta: dict[str, Any] = {}
    notes: list[str] = []
    local: dict[str, str] = {}  # tag -> local name (namespaces are few: cache them)
    code: dict[str, int] = {}  # tag -> column, _TIME or _OTHER
    segment = lap = tracks_in_lap = 0
    try:
        for _event, elem in _iterparse(stream, det):
            tag = elem.tag
            short = local.get(tag)
            if short is None:
                short = local[tag] = tag.rpartition("}")[2]
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
            elif short == "Creator":
                texts = [c.text for c in elem.iter() if local.get(c.tag, c.tag).endswith("Name")]
                meta.setdefault("device", texts[0] if texts else None)
            elif short == "gpx":
                meta.setdefault("device", elem.attrib.get("creator"))
    except DefusedXmlException as exc:
        raise ActivityError(f"{name}: refused unsafe XML ({type(exc).__name__}: {exc})") from None
    except (det.ParseError, SyntaxError) as exc:
        if not rows:
            raise ActivityError(f"{name}: not well-formed XML ({exc})") from None
        notes.append(f"XML ends early ({exc}): kept the {len(rows)} points read before it")
    if not rows:
        raise ActivityError(f"{name}: no track points in the {kind.upper()} file")
    return _build(rows, times, segments, lap_of, laps, meta, notes, name, kind)


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


def _floats(texts: list[list[str]], notes: list[str]) -> np.ndarray[Any, np.dtype[np.float64]]:
    try:
        out: np.ndarray[Any, np.dtype[np.float64]] = np.array(texts, dtype=np.float64)
    except ValueError:
        table = pd.DataFrame(texts).apply(pd.to_numeric, errors="coerce")
        notes.append("some numbers could not be read and were left empty")
        out = table.to_numpy(dtype=np.float64)
    return out


def _build(
    rows: list[list[str]],
    times: list[str | None],
    segments: list[int],
    lap_of: list[int],
    laps: list[tuple[Any, ...]],
    meta: dict[str, Any],
    notes: list[str],
    name: str,
    kind: str,
) -> Activity:
    table = _floats(rows, notes)
    time = pd.DatetimeIndex(
        pd.to_datetime(pd.Series(times, dtype=object), utc=True, format="ISO8601", errors="coerce")
    )
    columns: dict[str, Any] = {n: table[:, i] for i, n in enumerate(_NAMES)}
    columns.update(time=time, segment=np.asarray(segments), lap=np.asarray(lap_of))
    samples = make_samples(columns, len(rows))
    lap_frame = _empty_laps()
    if laps:
        start = pd.DatetimeIndex(
            pd.to_datetime([s for s, *_ in laps], utc=True, format="ISO8601", errors="coerce")
        )
        first = samples["time"].dropna()
        start_s = (
            (start - first.iloc[0]).total_seconds()
            if not first.empty
            else np.full(len(laps), np.nan)
        )
        lap_frame = pd.DataFrame(
            {
                "start_time": start,
                "start_s": start_s,
                "elapsed_s": pd.to_numeric(pd.Series([e for _, e, _ in laps]), errors="coerce"),
                "timer_s": pd.to_numeric(pd.Series([e for _, e, _ in laps]), errors="coerce"),
                "distance_m": pd.to_numeric(pd.Series([d for *_, d in laps]), errors="coerce"),
            }
        )
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
