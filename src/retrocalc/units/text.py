"""Paces and durations as text: read (``"5:30/km"``, ``"1:02:03"``) and written (``"5:30/km"``).

The pace and duration functions go through retrocalc's type-preserving wrapper and parse each
distinct text once, so a million rows with a few hundred distinct paces cost a few hundred
parses. Texts are parsed by hand with str methods, in time linear in their length.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from .._wrap import MISSING_LABELS, Locator, as_label_array, kind_of, unpack
from .convert import MILE_M

if TYPE_CHECKING:
    from typing import Literal

    from numpy.typing import NDArray

    PaceUnit = Literal["km", "mi"]

__all__ = [
    "pace_to_speed",
    "parse_duration_texts",
    "parse_durations",
    "parse_paces",
    "speed_to_pace",
]

_UNIT_M = {"km": 1000.0, "mi": MILE_M}
_UNIT_ALIASES: dict[str, PaceUnit] = {
    "km": "km",
    "kilometer": "km",
    "kilometre": "km",
    "mi": "mi",
    "mile": "mi",
}
# the unit words a pace string may end with ("5:30/km", "8:45 min/miles")
_PACE_UNIT_WORDS: dict[str, PaceUnit] = {
    **_UNIT_ALIASES,
    "kilometers": "km",
    "kilometres": "km",
    "miles": "mi",
}
# Pace and duration texts are parsed by hand with str methods (strip, partition, split), each
# a single pass: the time is linear in the text's length whatever the text. (A regular
# expression with optional blanks on both sides of an optional group, as this module used
# before, backtracks quadratically on a pace followed by many blanks and a stray letter.)
_SHOWN = 40  # characters of a bad text quoted in an error message


def _shown(text: str) -> str:
    return repr(text if len(text) <= _SHOWN else text[:_SHOWN] + "...")


def _seconds_field(field: str) -> float | None:
    """``"SS"`` or ``"SS.fff"`` (one or two digits before the point) as seconds, else None."""
    whole, point, fraction = field.partition(".")
    if not (1 <= len(whole) <= 2 and whole.isdecimal()):
        return None
    if point and fraction and not fraction.isdecimal():
        return None
    return float(field)


def _clock(text: str) -> tuple[int, int, float, int] | None:
    """``"M:SS"`` or ``"H:MM:SS"`` (seconds may have decimals) as (hours, minutes, seconds,
    number of fields), or None when the text is not a clock."""
    fields = text.split(":", 3)
    if len(fields) not in (2, 3):
        return None
    *whole, last = fields
    if not all(f.isdecimal() for f in whole):
        return None
    seconds = _seconds_field(last)
    if seconds is None:
        return None
    hours = int(whole[0]) if len(whole) == 2 else 0
    return hours, int(whole[-1]), seconds, len(fields)


def _unit_name(unit: str | None) -> PaceUnit | None:
    if unit is None:
        return None
    key = unit.strip().lower().removeprefix("min").strip().lstrip("/").strip().rstrip("s")
    if key not in _UNIT_ALIASES:
        raise ValueError(f"pace unit must be 'km' or 'mi' (or 'min/km', 'min/mi'), got {unit!r}")
    return _UNIT_ALIASES[key]


def _parse_pace(text: str, unit: PaceUnit | None) -> float:
    """Seconds per metre of one pace; raises ValueError with the text on failure.

    Accepts ``"5:30/km"``, ``"5:30 /km"``, ``"5:30 min/km"``, ``"1:02:03/mi"``,
    ``"5:30.5 min/mile"`` and ``"5:30"`` (with ``unit``); blanks around the text and its parts
    are ignored, letters in any case.
    """
    stripped = text.strip()
    if stripped.lower() in MISSING_LABELS:
        return np.nan
    bad = ValueError(
        f"pace {_shown(text)} is not of the form 'M:SS/km', 'M:SS/mi', 'M:SS min/km' or "
        "'H:MM:SS/mi'"
    )
    clock_text, slash, unit_text = stripped.partition("/")
    clock_text = clock_text.rstrip()
    found_unit: PaceUnit | None = None
    if slash:
        if clock_text[-3:].lower() == "min":
            clock_text = clock_text[:-3].rstrip()
        found_unit = _PACE_UNIT_WORDS.get(unit_text.strip().lower())
        if found_unit is None:
            raise bad
    clock = _clock(clock_text)
    if clock is None:
        raise bad
    if found_unit is None and unit is None:
        raise ValueError(f"pace {_shown(text)} has no unit: write '/km' or '/mi', or pass unit=")
    if found_unit is not None and unit is not None and found_unit != unit:
        raise ValueError(f"pace {_shown(text)} says /{found_unit} but unit={unit!r} was passed")
    hours, minutes, seconds, _ = clock
    if seconds >= 60.0:
        raise ValueError(f"pace {_shown(text)} has {seconds:g} seconds; expected fewer than 60")
    total = hours * 3600.0 + minutes * 60.0 + seconds
    chosen = found_unit if found_unit is not None else unit
    assert chosen is not None  # both None was rejected above
    return total / _UNIT_M[chosen]


def pace_to_speed(pace: Any, unit: str | None = None) -> Any:
    """Convert pace to speed.

    Parameters
    ----------
    pace : str, float, sequence, ndarray or Series
        Pace strings such as ``"5:30/km"``, ``"8:45/mi"``, ``"5:30 min/km"`` or
        ``"1:02:30/mi"``; or numbers of minutes per ``unit``.
    unit : {"km", "mi", "min/km", "min/mi"}, optional
        Distance unit for strings without one and for numbers.

    Returns
    -------
    speed_m_s : float, ndarray or Series
        Speed [m/s]; NaN for missing paces (None, NaN); ``inf`` for a zero pace.

    Raises
    ------
    ValueError
        Naming the first malformed pace and its position.

    Examples
    --------
    >>> round(pace_to_speed("5:00/km"), 4)
    3.3333
    """
    norm_unit = _unit_name(unit)
    kind, index = kind_of(pace)
    raw = pace if index is None else pace.to_numpy()
    arr = np.asarray(raw)
    if arr.dtype.kind in "iuf":
        s_per_m = _numeric_pace(arr.astype(np.float64), norm_unit)
    else:
        # missing values ("", NaN, None) give NaN
        s_per_m = _parse_texts(
            raw, lambda item: _parse_pace(item, norm_unit), Locator(arr.shape, index)
        )
    with np.errstate(divide="ignore"):
        speed = 1.0 / s_per_m
    return unpack(speed, kind, index, "speed_m_s")


def _numeric_pace(minutes: NDArray[np.float64], unit: PaceUnit | None) -> NDArray[np.float64]:
    if unit is None:
        raise ValueError("a numeric pace needs a unit: pace_to_speed(..., unit='km' or 'mi')")
    return minutes * 60.0 / _UNIT_M[unit]


def parse_paces(texts: Any, unit: str | None = None) -> tuple[NDArray[np.float64], list[str]]:
    """Parse distinct pace strings one by one, keeping each failure instead of raising.

    Parameters
    ----------
    texts : sequence of str
        Distinct pace strings (see :func:`pace_to_speed`).
    unit : {"km", "mi"}, optional
        Distance unit for strings without one.

    Returns
    -------
    speed_m_s : ndarray [m/s]
        NaN for missing and malformed paces.
    errors : list of str
        ``""`` where the text parsed (or is missing), else why it did not.
    """
    norm_unit = _unit_name(unit)
    speeds = np.empty(len(texts), dtype=np.float64)
    errors: list[str] = []
    for j, text in enumerate(texts):
        try:
            s_per_m = _parse_pace(str(text), norm_unit)
        except ValueError as exc:
            speeds[j] = np.nan
            errors.append(str(exc))
            continue
        with np.errstate(divide="ignore"):
            speeds[j] = np.float64(1.0) / s_per_m
        errors.append("")
    return speeds, errors


def _parse_duration(text: str, numbers: bool = True) -> float:
    """Seconds of one duration text; raises ValueError with the text on failure (said
    without "or a number of seconds" where ``numbers`` is False: the caller refuses them).

    ``"H:MM:SS"``, ``"MM:SS"``, either with decimal seconds, a leading day count as Python
    (``"1 day, 2:03:04"``) and pandas (``"0 days 00:45:10"``) write them, or a plain number
    of seconds.
    """
    stripped = text.strip()
    if stripped.lower() in MISSING_LABELS:
        return np.nan
    days = 0
    clock_text = stripped
    head, day, tail = stripped.partition("day")
    if day:
        if not head.strip().isdecimal():
            raise _bad_duration(text, numbers)
        days = int(head)
        clock_text = tail.removeprefix("s").lstrip().removeprefix(",").lstrip()
    elif _is_plain_number(stripped):
        return float(stripped)
    clock = _clock(clock_text)
    if clock is None:
        raise _bad_duration(text, numbers)
    hours, minutes, seconds, fields = clock
    if days and fields != 3:
        raise _bad_duration(text, numbers)  # after a day count comes H:MM:SS, as Python writes it
    if seconds >= 60.0:
        raise ValueError(f"duration {_shown(text)} has {seconds:g} seconds; expected fewer than 60")
    if fields == 3 and minutes >= 60:
        raise ValueError(
            f"duration {_shown(text)} has {minutes} minutes after the hours; expected fewer than 60"
        )
    return days * 86400.0 + hours * 3600.0 + minutes * 60.0 + seconds


def _is_plain_number(text: str) -> bool:
    """``"1800"``, ``"1800.5"``, ``".5"``: digits with at most one decimal point."""
    whole, _, fraction = text.partition(".")
    return (
        (whole == "" or whole.isdecimal())
        and (fraction == "" or fraction.isdecimal())
        and (whole + fraction) != ""
    )


def _bad_duration(text: str, numbers: bool = True) -> ValueError:
    return ValueError(
        f"duration {_shown(text)} is not of the form 'H:MM:SS', 'MM:SS' or 'H:MM:SS.s'"
        + (" (or a number of seconds)" if numbers else "")
    )


def parse_durations(durations: Any) -> Any:
    """Convert durations to seconds.

    Parameters
    ----------
    durations : str, timedelta, number, sequence, ndarray or Series
        Any of

        - text: ``"1:02:03"`` (H:MM:SS), ``"45:10"`` (MM:SS, minutes may exceed 59),
          ``"0:45:10.5"`` (decimal seconds), ``"1 day, 2:03:04"`` (Python's
          ``str(timedelta)``), ``"0 days 00:45:10"`` (pandas), or a number of seconds such as
          ``"1800"``;
        - :class:`datetime.timedelta` (also :class:`pandas.Timedelta`);
        - numpy ``timedelta64`` values and pandas timedelta Series;
        - numbers, taken as seconds.

        Missing values (None, NaN, NaT and the texts retrocalc reads as missing, such as
        ``""`` and ``"n/a"``) give NaN.

    Returns
    -------
    duration_s : float, ndarray or Series
        Duration [s]; a float for one value, an ndarray of the same shape for a sequence or
        ndarray, a Series with the same index for a Series.

    Raises
    ------
    ValueError
        Naming the first malformed or negative duration and its position.
    TypeError
        For dates and times of day (``datetime64``), which are not durations, and booleans.

    Notes
    -----
    Timedelta arrays are converted by one numpy division; text is parsed once per distinct
    value (a column of a million rows with a few thousand distinct times costs a few thousand
    parses), by hand rather than with a regular expression, in time linear in its length.

    Examples
    --------
    >>> parse_durations("1:02:03")
    3723.0
    >>> parse_durations(["45:10", "0:00:30.5", None]).tolist()
    [2710.0, 30.5, nan]
    """
    return _seconds(durations, numbers=True)


def durations_of_text(durations: Any) -> Any:
    """:func:`parse_durations` for the ``duration`` input, whose caller refuses plain
    numbers (ambiguous: seconds or minutes?): a malformed text's reason does not offer
    them."""
    return _seconds(durations, numbers=False)


def _seconds(durations: Any, numbers: bool) -> Any:
    if isinstance(durations, _dt.timedelta):
        return _checked_seconds(np.asarray(durations.total_seconds()), durations)
    kind, index = kind_of(durations)
    raw = durations if index is None else durations.to_numpy()
    arr = np.asarray(raw)
    where = Locator(arr.shape, index)
    if arr.dtype.kind == "b":
        raise TypeError("durations must be times or numbers of seconds, got booleans")
    if arr.dtype.kind == "M":
        raise TypeError(
            "durations must be times such as '1:02:03' or timedeltas, got dates/times of day "
            "(datetime64); subtract the start time first"
        )
    if arr.dtype.kind == "m":
        seconds = arr / np.timedelta64(1, "s")  # NaT gives NaN
    elif arr.dtype.kind in "iuf":
        seconds = arr.astype(np.float64)
    else:
        # timedelta objects become their str(), which parses
        seconds = _parse_texts(raw, lambda text: _parse_duration(text, numbers), where)
    return unpack(_checked_seconds(seconds, durations, where), kind, index, "duration_s")


def _parse_texts(raw: Any, parse: Callable[[str], float], where: Locator) -> NDArray[np.float64]:
    """``parse`` applied once per distinct text of ``raw`` (a column of a million rows holds a
    few thousand distinct times), laid back in its shape; a ValueError names the first row
    holding the bad text."""
    text = as_label_array(raw).astype(str)
    uniq, inverse = np.unique(text, return_inverse=True)
    inverse = inverse.reshape(-1)
    parsed = np.empty(uniq.shape, dtype=np.float64)
    for j, item in enumerate(uniq.tolist()):
        try:
            parsed[j] = parse(item)
        except ValueError as exc:
            i = int(np.flatnonzero(inverse == j)[0])
            raise ValueError(f"{exc} (at {where(i)})") from None
    return parsed[inverse].reshape(text.shape)


def _checked_seconds(seconds: NDArray[np.float64], given: Any, where: Locator | None = None) -> Any:
    negative = np.flatnonzero(np.asarray(seconds).reshape(-1) < 0)
    if negative.size:
        i = int(negative[0])
        at = f" at {where(i)}" if where is not None else ""
        raise ValueError(f"durations must not be negative; got {seconds.reshape(-1)[i]:g} s{at}")
    if np.ndim(seconds) == 0 and isinstance(given, _dt.timedelta):
        return float(seconds)
    return seconds


def parse_duration_texts(
    texts: Any, *, numbers: bool = True
) -> tuple[NDArray[np.float64], list[str]]:
    """Parse distinct duration texts one by one, keeping each failure instead of raising.

    Parameters
    ----------
    texts : sequence of str
        Distinct duration texts (see :func:`parse_durations`).
    numbers : bool, default True
        Whether the caller takes a plain number as seconds: if not (it refuses them, with
        its own reason), a malformed text's reason does not offer them.

    Returns
    -------
    duration_s : ndarray [s]
        NaN for missing and malformed durations.
    errors : list of str
        ``""`` where the text parsed (or is missing), else why it did not.
    """
    seconds = np.empty(len(texts), dtype=np.float64)
    errors: list[str] = []
    for j, text in enumerate(texts):
        try:
            seconds[j] = _parse_duration(str(text), numbers)
        except ValueError as exc:
            seconds[j] = np.nan
            errors.append(str(exc))
            continue
        errors.append("")
    return seconds, errors


def speed_to_pace(speed_m_s: Any, unit: str = "km") -> Any:
    """Convert speed to a pace string ``"M:SS/km"`` (or ``"H:MM:SS/mi"`` above an hour).

    Parameters
    ----------
    speed_m_s : float, sequence, ndarray or Series
        Speed [m/s].
    unit : {"km", "mi"}
        Distance unit of the pace.

    Returns
    -------
    pace : str, ndarray of str or Series of str
        Pace rounded to the nearest second; ``""`` where the speed is not positive and finite,
        or so fast (over 2 km/s) that the pace rounds to 0 s.

    Examples
    --------
    >>> speed_to_pace(1000 / 330)
    '5:30/km'
    """
    norm_unit = _unit_name(unit)
    assert norm_unit is not None
    kind, index = kind_of(speed_m_s)
    raw = speed_m_s if index is None else speed_m_s.to_numpy()
    speed: NDArray[np.float64] = np.asarray(raw, dtype=np.float64)
    ok = np.isfinite(speed) & (speed > 0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        total = np.where(ok, np.rint(_UNIT_M[norm_unit] / np.where(ok, speed, 1.0)), 0)
    ok &= total < 2.0**53  # a crawl of 1e-300 m/s: no pace in whole seconds (nor an int64)
    ok &= total > 0  # "0:00/km" would read back as an infinite speed (pace_to_speed)
    total_i = np.where(ok, total, 0).astype(np.int64)
    hours, rem = np.divmod(total_i, 3600)
    minutes, seconds = np.divmod(rem, 60)
    suffix = f"/{norm_unit}"
    mm_ss = np.char.add(np.char.add(":", np.char.zfill(seconds.astype(str), 2)), suffix)
    short = np.char.add(minutes.astype(str), mm_ss)  # used only below an hour
    long_ = np.char.add(
        np.char.add(hours.astype(str), ":"),
        np.char.add(np.char.zfill(minutes.astype(str), 2), mm_ss),
    )
    text = np.where(hours > 0, long_, short)
    result = np.where(ok, text, "").astype(object)
    return unpack(result, kind, index, "pace")
