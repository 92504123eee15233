"""FIT files through fitdecode (MIT): only the messages and fields an estimate needs.

Values are decoded without fitdecode's data processor (no datetime objects per record): the
times stay FIT seconds and are converted in one vectorised step. A FIT time below
0x10000000 is relative to the device's clock (FIT profile, ``date_time``); such files get
elapsed times but no UTC time.
"""

from __future__ import annotations

import io
import warnings
from typing import IO, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from .._extras import load
from ._sessions import lap_of, sessions_note
from .read import Activity, ActivityError, Fault, _empty_sessions, make_samples, norm_sport

__all__ = ["read_fit"]

#: Seconds from the Unix epoch to the FIT epoch, 1989-12-31T00:00:00Z.
FIT_EPOCH_S = 631065600
#: FIT times below this are seconds of the device's clock, not UTC (FIT profile, date_time).
_MIN_ABSOLUTE = 0x10000000
#: Semicircles to degrees: 180 / 2**31 (FIT profile).
SEMICIRCLE_DEG = 180.0 / 2**31

_RECORD_FIELDS = (
    "timestamp",
    "position_lat",
    "position_long",
    "distance",
    "enhanced_altitude",
    "altitude",
    "enhanced_speed",
    "speed",
    "heart_rate",
    "cadence",
    "fractional_cadence",
)
#: A record further than this from the file's median time is corrupt [s].
_WILD_S = 7 * 86400.0
_INDEX = {name: i for i, name in enumerate(_RECORD_FIELDS)}
_NAN_ROW = [np.nan] * len(_RECORD_FIELDS)


def _import_fitdecode() -> Any:
    return load("activity", "fitdecode", feature="reading FIT files")


def _value(message: Any, name: str) -> Any:
    try:
        return message.get_value(name, fallback=None)
    except Exception:  # a field fitdecode cannot resolve is treated as absent
        return None


def read_fit(stream: IO[bytes], name: str) -> Activity:
    """Decode the records, laps, timer events, sport and device of a FIT file."""
    fitdecode = _import_fitdecode()
    data = stream.getvalue() if isinstance(stream, io.BytesIO) else stream.read()
    stream = io.BytesIO(data)
    data_frame = fitdecode.FIT_FRAME_DATA
    rows: list[list[Any]] = []
    laps: list[tuple[Any, Any, Any, Any]] = []
    sessions: list[tuple[Any, ...]] = []
    events: list[tuple[Any, str]] = []
    meta: dict[str, Any] = {}
    notes: list[str] = []
    plans: dict[tuple[Any, int], list[tuple[int, int]]] = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            # no data processor (raw values, no per-field callbacks) and no CRC in fitdecode:
            # its per-byte CRC loop was a third of the decoding time; _crc_notes checks the
            # same checksums with a table per byte
            reader = fitdecode.FitReader(
                stream,
                processor=None,
                check_crc=fitdecode.CrcCheck.DISABLED,
                error_handling=fitdecode.ErrorHandling.WARN,
            )
            for frame in reader:
                if frame.frame_type != data_frame:
                    continue
                kind = frame.name
                if kind == "record":
                    fields = frame.fields
                    # which positions of this definition hold the wanted fields: computed
                    # once per definition (plus its length: compressed timestamps append one)
                    key = (frame.def_mesg, len(fields))  # the dict keeps it alive
                    plan = plans.get(key)
                    if plan is None:
                        plan = plans[key] = [
                            (i, _INDEX[f.name]) for i, f in enumerate(fields) if f.name in _INDEX
                        ]
                    row = _NAN_ROW.copy()
                    for i, j in plan:
                        value = fields[i].value
                        if value is not None:
                            row[j] = value
                    rows.append(row)
                elif kind == "event":
                    if _value(frame, "event") == "timer":
                        etype = str(_value(frame, "event_type") or "")
                        state = "start" if etype == "start" else "stop" if "stop" in etype else ""
                        if state:
                            events.append((_value(frame, "timestamp"), state))
                elif kind == "lap":
                    laps.append(_totals(frame))
                elif kind in ("sport", "session"):
                    sport, sub_sport = (
                        v if isinstance(v, str | int) else None  # (corrupt: an array...)
                        for v in (_value(frame, "sport"), _value(frame, "sub_sport"))
                    )
                    meta.setdefault("sport", sport)
                    meta.setdefault("sub_sport", sub_sport)
                    if kind == "session":  # each leg of a multisport file is a session
                        sessions.append((*_totals(frame), sport, sub_sport))
                elif kind == "file_id":
                    maker = _value(frame, "manufacturer")
                    product = _value(frame, "garmin_product") or _value(frame, "product")
                    parts = [str(p) for p in (maker, product) if p is not None]
                    meta["device"] = " ".join(parts) or None
        except fitdecode.FitHeaderError as exc:
            if not rows:
                raise ActivityError(f"{name}: not a readable FIT file ({exc})") from None
            notes.append(Fault(f"FIT header error after {len(rows)} records ({exc}); kept them"))
        except fitdecode.FitEOFError:
            notes.append(
                Fault(f"truncated FIT file: kept the {len(rows)} records read before its end")
            )
        except fitdecode.FitError as exc:
            notes.append(
                Fault(f"FIT decoding stopped ({exc}); kept the {len(rows)} records read before it")
            )
        except Exception as exc:
            # fitdecode meets corrupt bytes with other errors too (ValueError('size'),
            # AssertionError, struct.error...): what was read before them is kept, as above
            notes.append(
                Fault(
                    f"FIT decoding stopped (corrupt data: {type(exc).__name__}: {exc}); kept "
                    f"the {len(rows)} records read before it"
                )
            )
    for w in caught:
        text = str(w.message)
        if "CRC" in text.upper():
            text = Fault("FIT checksum mismatch (file altered or truncated): " + text)
        notes.append(text)
    if not rows:
        raise ActivityError(f"{name}: the FIT file holds no record messages")
    notes.extend(_crc_notes(data))
    return _build(rows, laps, sessions, events, meta, notes, name)


def _totals(message: Any) -> tuple[Any, Any, Any, Any]:
    """Start time, elapsed and timer time, distance of a lap or session message (None for
    a value that is not a number: a corrupt definition makes a field an array or text)."""
    names = ("start_time", "total_elapsed_time", "total_timer_time", "total_distance")
    values = [_value(message, name) for name in names]
    return tuple(v if _is_number(v) else None for v in values)  # type: ignore[return-value]


def _is_number(value: Any) -> bool:
    """A decoded value that is a number (a corrupt definition gives arrays or text)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _crc_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return table


#: CRC-16 of the FIT protocol (polynomial 0xA001 reflected, start 0), one entry per byte.
_CRC = _crc_table()


def fit_crc(data: bytes) -> int:
    """The FIT CRC-16 of ``data``; 0 over a header or file followed by its own CRC."""
    crc = 0
    table = _CRC
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


def _crc_notes(data: bytes) -> list[str]:
    """Checksum mismatches of every FIT file in ``data`` (chained files follow each other).

    A file cut short has no CRC to check (the reader already reports the truncation).
    """
    notes: list[str] = []
    start = 0
    while start + 12 <= len(data) and data[start + 8 : start + 12] == b".FIT":
        size = data[start]
        end = start + size + int.from_bytes(data[start + 4 : start + 8], "little")
        header_crc = size >= 14 and data[start + 12 : start + 14] != b"\0\0"  # 0: not set
        if header_crc and fit_crc(data[start : start + 14]) != 0:
            notes.append(Fault("FIT checksum mismatch in a file header (file altered)"))
        if end + 2 > len(data):
            break
        if fit_crc(data[start : end + 2]) != 0:
            notes.append(Fault("FIT checksum mismatch (file altered or truncated): values kept"))
        start = end + 2
    return notes


def _fit_times(raw: Any) -> tuple[pd.DatetimeIndex, np.ndarray[Any, Any], bool]:
    """FIT seconds -> (UTC times, elapsed seconds, whether the times are absolute)."""
    secs = np.asarray(raw, dtype=np.float64)
    finite = secs[np.isfinite(secs)]
    absolute = bool(finite.size) and bool(finite.min() >= _MIN_ABSOLUTE)
    if absolute:
        unix = secs + FIT_EPOCH_S
        time = pd.to_datetime(unix, unit="s", utc=True)
    else:
        time = pd.DatetimeIndex(
            np.full(secs.size, np.datetime64("NaT"), "datetime64[ns]"), tz="UTC"
        )
    return time, secs, absolute


def _numeric(rows: list[list[Any]], notes: list[str]) -> NDArray[np.float64]:
    """The records' values as one float table; a value that is not a number (a corrupt
    definition turns a field into an array or text) is left empty, with a note."""
    try:
        return np.array(rows, dtype=np.float64)
    except (TypeError, ValueError):
        pass
    table = np.full((len(rows), len(_RECORD_FIELDS)), np.nan)
    odd = 0
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if _is_number(value):
                table[i, j] = value
            else:
                odd += 1
    notes.append(Fault(f"{odd} record value(s) not numbers (corrupt definitions): left empty"))
    return table


def _build(
    rows: list[list[Any]],
    laps: list[tuple[Any, Any, Any, Any]],
    sessions: list[tuple[Any, ...]],
    events: list[tuple[Any, str]],
    meta: dict[str, Any],
    notes: list[str],
    name: str,
) -> Activity:
    table = _clean(_numeric(rows, notes), notes)
    col = {n: table[:, i] for n, i in _INDEX.items()}
    time, secs, absolute = _fit_times(col["timestamp"])
    if not absolute and np.isfinite(secs).any():
        notes.append("FIT times are relative to the device's clock: no UTC time")
    t0 = secs[np.isfinite(secs)][0] if np.isfinite(secs).any() else np.nan
    altitude = np.where(
        np.isnan(col["enhanced_altitude"]), col["altitude"], col["enhanced_altitude"]
    )
    speed = np.where(np.isnan(col["enhanced_speed"]), col["speed"], col["enhanced_speed"])
    cadence = col["cadence"] + np.nan_to_num(col["fractional_cadence"])
    lap_frame = _lap_frame(laps, t0)
    lap_index = lap_of(lap_frame["start_s"].to_numpy(np.float64), secs - t0)
    samples = make_samples(
        {
            "time": time,
            "elapsed_s": secs - t0,
            "distance_m": col["distance"],
            "latitude_deg": col["position_lat"] * SEMICIRCLE_DEG,
            "longitude_deg": col["position_long"] * SEMICIRCLE_DEG,
            "altitude_m": altitude,
            "speed_m_s": speed,
            "heart_rate_bpm": col["heart_rate"],
            "cadence_rpm": cadence,
            "lap": lap_index,
        },
        len(table),
    )
    ev = [(float(t) - t0, e) for t, e in events if isinstance(t, int | float)]
    session_frame = _empty_sessions()
    if sessions:
        session_frame = _lap_frame(
            [s[:4] for s in sessions],
            t0,
            sport=[norm_sport(s[4]) for s in sessions],
            sub_sport=[None if s[5] is None else str(s[5]) for s in sessions],
        )
        text = sessions_note(session_frame)
        if text:
            notes.append(text)  # a note, not a Fault: each session is estimable on its own
    return Activity(
        samples=samples,
        source=name,
        format="fit",
        sport=norm_sport(meta.get("sport")),
        sub_sport=None if meta.get("sub_sport") is None else str(meta["sub_sport"]),
        device=meta.get("device"),
        laps=lap_frame,
        timer_events=pd.DataFrame(ev, columns=["elapsed_s", "event"]),
        warnings=notes,
        sessions=session_frame,
    )


def _clean(table: np.ndarray[Any, Any], notes: list[str]) -> np.ndarray[Any, Any]:
    """Merge records split over one timestamp; drop records with impossible times."""
    ts = table[:, 0]
    finite = np.isfinite(ts)
    if finite.any():
        # a corrupt record decodes to a time years away (strava-android fixture: 2085)
        wild = finite & (np.abs(ts - np.median(ts[finite])) > _WILD_S)
        if wild.any():
            notes.append(Fault(f"dropped {int(wild.sum())} records with an impossible time"))
            table, ts = table[~wild], ts[~wild]
    same = np.zeros(len(ts), bool)
    same[1:] = ts[1:] == ts[:-1]
    if same.any():
        # some apps write position and distance as two records of one second (Strava)
        group = np.cumsum(~same)
        table = pd.DataFrame(table).groupby(group, sort=False).first().to_numpy(np.float64)
    return table


def _lap_frame(
    laps: list[tuple[Any, Any, Any, Any]], t0: float, **labels: list[str | None]
) -> pd.DataFrame:
    """Laps (or sessions, with their ``labels`` columns: sport...) in time order."""
    start = np.array([np.nan if s is None else s for s, *_ in laps], dtype=np.float64)
    time, _, absolute = _fit_times(start)
    return pd.DataFrame(
        {
            "start_time": time if absolute else pd.NaT,
            "start_s": start - t0,
            "elapsed_s": np.array([np.nan if e is None else e for _, e, _, _ in laps], float),
            "timer_s": np.array([np.nan if e is None else e for _, _, e, _ in laps], float),
            "distance_m": np.array([np.nan if e is None else e for *_, e in laps], float),
            **{k: pd.Series(v, dtype=object) for k, v in labels.items()},
        }
    ).sort_values("start_s", kind="stable", ignore_index=True)
