"""From a recording to energy: per-sample estimates and a summary.

Per sample, in order: distance (the device's, else haversine between positions within a
segment, else the device speed integrated), times for untimed points (interpolated over
distance), speed (the device's, else distance over time on a 5-interval window), pauses
(:mod:`.pauses`), grade (:mod:`.grade`), gait (:mod:`.gait`), then **one** vectorised call of
:func:`retrocalc.estimate` for every interval with its duration. The energy of an interval is
the library's; a pause gets no net energy and the resting rate as gross energy (rest is still
gross energy), with the resting rate that :func:`retrocalc.estimate` used (gross - net).
"""

from __future__ import annotations

import math
import numbers
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from .._frames import frame_kind
from ..composition.validate import stacklevel, unit_findings
from ..exceptions import ActivityWarning, UnitWarning
from ._energy import call_estimate, from_heart_rate, rest_for_pauses
from ._table import frame
from ._text import Coded
from .gait import GAIT_BANDS_M_S, running
from .grade import GradeSettings, filtered_grade, finite, raw_grade
from .pauses import STATES, PauseSettings, interval_states, interval_steps
from .read import Activity, ActivityError, Fault, norm_sport, read_activity
from .streams import distance_of, speed_of, times_of, without_jumps

__all__ = ["NOT_ON_FOOT", "ActivityResult", "estimate_activity", "not_on_foot"]

FloatArray = NDArray[np.float64]
#: Sports (FIT profile names, after :func:`~retrocalc.activity.read.norm_sport`) that are not
#: done on foot: their recordings get a warning. Unknown or free-text sports (a GPX ``type``
#: may hold anything) and ``generic`` do not.
NOT_ON_FOOT = frozenset(
    {
        "cycling", "e_biking", "swimming", "rowing", "paddling", "stand_up_paddleboarding",
        "kayaking", "rafting", "sailing", "surfing", "windsurfing", "kitesurfing",
        "wakeboarding", "water_skiing", "alpine_skiing", "snowboarding",
        "cross_country_skiing", "inline_skating", "ice_skating", "motorcycling", "driving",
        "flying", "horseback_riding", "hang_gliding", "snowmobiling", "wheelchair_push_run",
        "wheelchair_push_walk",
    }
)  # fmt: skip
_ENERGY = ("energy_gross_kcal", "energy_net_kcal", "energy_gross_kj", "energy_net_kj")


@dataclass
class ActivityResult:
    """Energy of one recording.

    Attributes
    ----------
    samples : pandas.DataFrame
        The recording's columns plus ``dt_s`` [s] (the interval ending at the sample),
        ``state`` (moving or why not, :data:`retrocalc.activity.pauses.STATES`),
        ``speed_used_m_s``, ``grade`` (filtered, limited to +-``GradeSettings.max_grade``),
        ``grade_raw``, ``altitude_filtered_m``,
        ``gait``, ``direction`` and every output of :func:`retrocalc.estimate` for the
        interval (energies over ``dt_s``; a pause has net 0 and the resting rate as gross).
    summary : dict
        Totals: ``moving_s``, ``elapsed_s``, ``paused_s``, ``distance_m``, ``untimed_m`` (the
        distance before the first and after the last time of a track whose points are only
        partly timed: it has no duration and no energy), ``gain_m``,
        ``loss_m``, gross/net kcal and kJ (gross includes rest during pauses, also given as
        ``pause_gross_kcal``), ``out_of_range_share`` (moving samples out of a model's
        validity range), ``models``, per gait and direction time and energy
        (``run_forward_s``, ``run_forward_net_kcal``...), metadata and ``warnings``.
    splits_km, splits_lap : pandas.DataFrame
        Per kilometre of distance and per lap: distance, moving and elapsed time, gain,
        loss, gross and net kcal.
    by_gait : pandas.DataFrame
        Time, distance and energy per gait and direction (pauses as gait ``"pause"``); one
        row per pair that has time.
    settings : dict
        Everything used: grade filter, pause rules, gait band, mass, direction, options.
    warnings : list of str
        Notes on the recording and the estimate; those saying the data were damaged are
        :class:`~retrocalc.activity.Fault` (a ``str``).
    """

    samples: pd.DataFrame
    summary: dict[str, Any]
    splits_km: pd.DataFrame
    splits_lap: pd.DataFrame
    by_gait: pd.DataFrame
    settings: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"ActivityResult({s['source']!r}: {s['distance_m'] / 1000:.2f} km, "
            f"moving {s['moving_s'] / 60:.1f} min, gross {s['energy_gross_kcal']:.0f} kcal, "
            f"net {s['energy_net_kcal']:.0f} kcal)"
        )

    def _repr_html_(self) -> str:
        """Totals with units, by gait, first splits and warnings, for Jupyter."""
        from .._display import activity_result_html

        return activity_result_html(self)


def not_on_foot(act: Activity) -> list[str]:
    """The sports of the recording, and of its sessions, that are not done on foot."""
    sports = [act.sport, *(norm_sport(s) for s in act.sessions["sport"])]
    return sorted({s for s in sports if s in NOT_ON_FOOT})


def _timer_events(act: Activity) -> tuple[FloatArray, NDArray[np.bool_]] | None:
    ev = act.timer_events
    if ev.empty:
        return None
    ev = ev.sort_values("elapsed_s", kind="stable")
    return ev["elapsed_s"].to_numpy(np.float64), (ev["event"] == "stop").to_numpy()


def estimate_activity(
    activity: Activity
    | pd.DataFrame
    | Mapping[str, Any]
    | list[Mapping[str, Any]]
    | str
    | os.PathLike[str]
    | IO[bytes]
    | bytes
    | bytearray,
    *,
    mass_kg: float,
    direction: str | Any = "forward",
    gait: Literal["auto", "walk", "run"] | Any = "auto",
    grade: Literal["filtered", "raw", "level"] = "filtered",
    grade_settings: GradeSettings | None = None,
    pause_settings: PauseSettings | None = None,
    device_speed: bool = True,
    out_of_range: Literal["flag", "warn"] = "flag",
    **options: Any,
) -> ActivityResult:
    """Per-sample and total energy of a recording.

    Parameters
    ----------
    activity : Activity, DataFrame, mapping, list, path, binary file object or bytes
        A recording (:func:`retrocalc.read_activity`), a file (or its content) to read,
        or streams: a pandas or polars DataFrame or pyarrow Table (``time`` or
        ``elapsed_s`` [s], ``distance_m`` [m], ``altitude_m`` [m], optional ``speed_m_s``
        [m/s], ``heart_rate_bpm``... see :meth:`Activity.from_frame`), a mapping of those
        names to values, or the Strava API's streams as they come (a list of
        ``{"type", "data"}`` objects, or keyed by type).
    mass_kg : float [kg]
        Body mass.
    direction : {"forward", "backward"} or array_like of them per sample
    gait : {"auto", "walk", "run"} or array_like per sample
        ``"auto"``: walk or run per sample with hysteresis and the sport as prior
        (:mod:`retrocalc.activity.gait`).
    grade : {"filtered", "raw", "level"}
        Filtered grade (default; :mod:`retrocalc.activity.grade`), the naive per-sample
        grade (for comparison only: it inflates energy), or level ground.
    grade_settings : GradeSettings, optional
        Filter parameters (defaults and evidence in :mod:`retrocalc.activity.grade`).
    pause_settings : PauseSettings, optional
        Pause rules (:mod:`retrocalc.activity.pauses`).
    device_speed : bool
        Use the device's speed where recorded (default) rather than distance over time.
    out_of_range : {"flag", "warn"}
        Samples outside a model's validity range keep their estimate and are flagged
        (``in_range`` False, ``out_of_range_share`` in the summary); ``"warn"`` also emits
        one :class:`~retrocalc.exceptions.ActivityWarning` with the share.
    **options
        Passed to :func:`retrocalc.estimate`: ``model``, ``load_kg``, ``terrain_factor``,
        ``resting_vo2_ml_kg_min``, ``rmr_equation``, ``sex``, ``age_years``, ``height_cm``,
        ``rer``, ``backward_factor``.

    Returns
    -------
    ActivityResult

    Raises
    ------
    ActivityError
        No usable time (fewer than two timed points, or zero duration), or no distance,
        positions or speed; the message names the file.
    ValueError
        A per-sample ``direction`` or ``gait`` of the wrong length or with a missing label
        (the first named), or ``mass_kg`` NaN.

    Warns
    -----
    ActivityWarning
        The recording's sport is not a walk or a run (cycling, swimming...): it is estimated
        as walking or running at the recorded speeds, which is not the energy of that sport.
        ``summary["foot_sport"]`` is then False.

    Examples
    --------
    >>> import retrocalc as rc
    >>> from retrocalc.data import example_path
    >>> r = rc.estimate_activity(example_path("example_activity.gpx"), mass_kg=70)
    >>> s = r.summary
    >>> s["distance_m"] > 1000, s["energy_gross_kcal"] > s["energy_net_kcal"]
    (True, True)
    """
    from .. import estimate

    own = {"direction": direction, "gait": gait, "grade": grade, "out_of_range": out_of_range}
    check_arguments("estimate_activity", {**options, **own})
    if isinstance(gait, str) and gait.strip().lower() == "auto":
        gait = "auto"  # (any spelling: the hysteresis below, not rc.estimate's per-row rule)
    check_mass(mass_kg)
    if isinstance(activity, Mapping) or (
        isinstance(activity, (list, tuple)) and (not activity or isinstance(activity[0], Mapping))
    ):  # streams by name, or as Strava's API gives them
        activity = Activity.from_frame(activity, source="<streams>")
    elif isinstance(activity, pd.DataFrame) or frame_kind(activity) is not None:
        activity = Activity.from_frame(activity)
    elif not isinstance(activity, Activity):
        activity = read_activity(activity)  # (a list of paths: said there)
    act = activity
    notes = list(act.warnings)
    off_foot = not_on_foot(act)
    if act.sport in NOT_ON_FOOT:
        # the models are of walking and running: a ride at 8 m/s is not a run at 8 m/s
        text = (
            f"the recording's sport is {act.sport!r}, not walking or running: the energy is "
            "that of walking or running at the recorded speeds, not of this sport"
        )
        notes.append(text)
        warnings.warn(f"{act.source}: {text}", ActivityWarning, stacklevel=stacklevel())
    elif off_foot:
        # a multisport file read whole: its ride would be estimated as a run
        text = (
            f"the recording holds sessions not on foot ({', '.join(off_foot)}): estimated "
            "whole, their energy is that of walking or running at their speeds; "
            "split_sessions() estimates each session with its own sport"
        )
        notes.append(text)
        warnings.warn(f"{act.source}: {text}", ActivityWarning, stacklevel=stacklevel())
    grade_settings = grade_settings or GradeSettings()
    pause_settings = pause_settings or PauseSettings()
    n = len(act.samples)
    if n < 2:
        raise ActivityError(f"{act.source}: {n} sample(s): at least two are needed")

    # each column looked up once (a lookup by name costs ~12 us in pandas 3)
    s: dict[Any, pd.Series] = dict(act.samples.items())
    provisional = s["elapsed_s"].to_numpy(np.float64)
    distance = distance_of(act, s, provisional, notes)
    elapsed, untimed_m, held = times_of(act, s, np.maximum.accumulate(distance), notes)
    device = s["speed_m_s"].to_numpy(np.float64) if device_speed else None
    distance, jump_speed, dropped_m = without_jumps(
        distance, elapsed, held, device, pause_settings, notes
    )
    dt = interval_steps(elapsed)
    speed, rule_speed = speed_of(s, elapsed, distance, jump_speed, device_speed, pause_settings)
    segment = s["segment"].to_numpy(np.int64)
    events = _timer_events(act)
    state = interval_states(elapsed, distance, rule_speed, segment, events, pause_settings)
    moving = state == 0
    fast = int(np.count_nonzero(state == STATES.index("too_fast")))
    if fast:
        notes.append(
            Fault(
                f"{fast} interval(s) faster than {pause_settings.max_speed_m_s:g} m/s (GPS jumps "
                "or a vehicle, not on foot): counted at rest, like pauses"
                + (f"; {dropped_m:.0f} m of jumps left out of the distance" if dropped_m else "")
            )
        )

    altitude = s["altitude_m"].to_numpy(np.float64)
    profile = filtered_grade(distance, altitude, grade_settings)
    if not np.isfinite(altitude).any():
        notes.append("no altitude in the recording: level ground assumed")
    elif profile.spikes:
        notes.append(f"altitude: {profile.spikes} spike(s) replaced by the local median")
    g_raw = raw_grade(distance, altitude)
    g = {"filtered": profile.grade, "raw": g_raw, "level": np.zeros(n)}[grade]
    # steeper than the models' data: an altitude fault (or terrain no model describes),
    # estimated at the limit and flagged (extrapolated, the polynomials go negative)
    limit = grade_settings.max_grade
    steep = moving & (np.abs(g) > limit)
    if steep.any():
        g = np.clip(g, -limit, limit)
        # (a note, not a Fault: the samples are flagged, and out_of_range_share counts them)
        notes.append(
            f"{int(steep.sum())} moving sample(s) with a grade steeper than +-{limit:.0%}: "
            f"estimated at +-{limit:.0%} and flagged out of range (altitude faults?)"
        )

    # fixed-width text (not objects): label matching in rc.estimate is then vectorised
    dirs = _labels(direction, n, "direction")
    backward = dirs == "backward"
    # the text columns as labels and codes where they are known (see ._text)
    if isinstance(direction, str):
        direction_column: Any = Coded((direction,), np.zeros(n, dtype=np.intp))
    else:
        direction_column = dirs.astype(object)
    if isinstance(gait, str) and gait == "auto":
        run = running(speed, moving, backward=backward, sport=act.sport)
        gaits = np.where(run, "run", "walk")
        gait_column: Any = Coded(("run", "walk", "pause"), np.where(moving, 1 - run, 2))
    else:
        gaits = _labels(gait, n, "gait")
        gait_column = np.where(moving, gaits, "pause").astype(object)

    # the inputs given once for the recording (a body mass of 700: lb?) are checked here:
    # the streams' own glitches (15 m/s, a raw grade of 150 %) are flagged per sample below
    person = {"mass_kg": mass_kg, **{k: v for k, v in options.items() if k in _PERSON}}
    for text in unit_findings(person):
        notes.append(Fault(text))
        warnings.warn(f"{act.source}: {text}", UnitWarning, stacklevel=stacklevel())

    # one vectorised call for every interval; pauses at rest speed on level ground
    v = np.where(moving, finite(speed), 0.0)
    with warnings.catch_warnings():
        # a GPS glitch of 15 m/s or a raw grade of 150 % is not a unit mix-up: such samples
        # are flagged out of range instead
        warnings.simplefilter("ignore", UnitWarning)
        result = call_estimate(
            estimate, v, mass_kg, dt, np.where(moving, g, 0.0), gaits, dirs, options
        )
    rest_for_pauses(result, moving, dt)
    if steep.any():
        result["in_range"] = np.asarray(result["in_range"], dtype=bool) & ~steep
    result.update(from_heart_rate(s, mass_kg, dt, options, notes))

    # the recording's columns, which the table does not share memory with: frame() (like
    # pd.DataFrame of a dict) copies numpy-backed columns into its blocks, and takes an
    # extension array as it is, so those (the UTC times) are copied here; .array keeps the
    # times as one datetime block (to_numpy would make Timestamps)
    columns: dict[str, Any] = {}
    for name, series in s.items():
        array = series.array
        plain = isinstance(array, pd.arrays.NumpyExtensionArray)
        columns[name] = array if plain else array.copy()
    columns.update(
        elapsed_s=elapsed,
        distance_m=distance,
        dt_s=dt,
        state=Coded(STATES, state.astype(np.intp)).column(),  # (codes not checked again)
        speed_used_m_s=v,
        grade=g,
        grade_raw=g_raw,
        altitude_filtered_m=profile.altitude_m,
        gait=gait_column,
        direction=direction_column,
        **result,
    )
    table = frame(
        {k: c.column() if isinstance(c, Coded) else c for k, c in columns.items()},
        act.samples.index,
    )
    in_range = np.asarray(result["in_range"], dtype=bool)

    share = float((~in_range & moving).sum() / max(moving.sum(), 1))
    if share > 0 and out_of_range == "warn":
        warnings.warn(
            f"{act.source}: {share:.1%} of the moving samples lie outside a model's validity "
            "range (estimated anyway, flagged in_range=False)",
            ActivityWarning,
            stacklevel=stacklevel(),
        )
    settings = {
        "mass_kg": mass_kg,
        "direction": direction if isinstance(direction, str) else "per sample",
        "gait": gait if isinstance(gait, str) else "per sample",
        "grade": grade,
        "grade_settings": grade_settings.to_dict(),
        "pause_settings": pause_settings.to_dict(),
        "gait_bands_m_s": dict(GAIT_BANDS_M_S),
        "device_speed": device_speed,
        **{k: v for k, v in options.items() if np.ndim(v) == 0},
    }
    from .summary import summarise

    columns["moving"] = moving
    return summarise(act, table, columns, profile, settings, notes, share, untimed_m, off_foot)


_PASSED = frozenset(
    {
        "interval",
        "calibration",
        "model",
        "load_kg",
        "terrain_factor",
        "resting_vo2_ml_kg_min",
        "rmr_equation",
        "sex",
        "age_years",
        "height_cm",
        "rer",
        "backward_factor",
    }
)


def check_arguments(caller: str, given: Mapping[str, Any]) -> None:
    """Refuse at once what every sample would refuse: a keyword :func:`estimate_activity`
    does not take, a ``grade`` or ``out_of_range`` choice, a ``direction`` or ``gait``
    label. ``given``: the keywords as passed (defaults need not be there);
    :func:`retrocalc.estimate_activities` calls it before its first file.

    Raises
    ------
    TypeError
        An unknown keyword, named with ``caller``.
    ValueError
        A choice or label that is not one, naming the argument and the choices.
    """
    from .._wrap import Locator, label_code
    from ..composition.rules import LABELS

    bad = set(given) - _PASSED - _OWN
    if bad:
        raise TypeError(f"{caller}() got unexpected keyword(s): {', '.join(sorted(bad))}")
    out_of_range, grade = given.get("out_of_range", "flag"), given.get("grade", "filtered")
    if out_of_range not in ("flag", "warn"):
        raise ValueError(f"out_of_range: expected 'flag' or 'warn', got {out_of_range!r}")
    if grade not in ("filtered", "raw", "level"):
        raise ValueError(f"grade: expected 'filtered', 'raw' or 'level', got {grade!r}")
    for name in ("direction", "gait"):
        if isinstance(given.get(name), str):
            label_code(Locator(()), name, given[name], LABELS[name][0], 0)


def check_mass(mass_kg: Any) -> None:
    """Refuse a body mass that is not one number above 0 kg, once, before any file is read
    (NaN would give NaN per sample and totals of 0 kcal; -70 was refused "at index 0" of
    the samples, once per file in a batch).

    Raises
    ------
    ValueError
        Naming ``mass_kg`` and the value.
    """
    if isinstance(mass_kg, bool) or not (
        isinstance(mass_kg, numbers.Real) and 0 < float(mass_kg) < math.inf
    ):
        raise ValueError(f"mass_kg: expected a body mass in kg above 0, got {mass_kg!r}")


# estimate_activity's own keywords (the others go on to rc.estimate: _PASSED)
_OWN = frozenset(
    (
        "direction",
        "gait",
        "grade",
        "grade_settings",
        "pause_settings",
        "device_speed",
        "out_of_range",
    )
)


#: Inputs given once for a whole recording, checked for a unit mistake before the estimate
_PERSON = ("load_kg", "resting_vo2_ml_kg_min", "age_years", "height_cm", "rer")


def _labels(value: Any, n: int, name: str) -> NDArray[Any]:
    """One label or one per sample, as an array of ``n``.

    A single text becomes fixed-width text (label matching in :func:`retrocalc.estimate` is
    then one comparison per label); per-sample values stay as given (objects), so that a
    missing value stays missing instead of becoming the text ``"None"``.
    """
    if isinstance(value, str):
        return np.full(n, value)
    array = np.asarray(value, dtype=object)
    if array.ndim != 1 or array.size != n:
        raise ValueError(
            f"{name}: expected one label or one per sample ({n}), got an array of shape "
            f"{array.shape}"
        )
    # a missing label would give a sample without energy, silently missing from the totals
    missing = pd.isna(array)
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        raise ValueError(
            f"{name}: expected a label for every sample; {int(missing.sum())} missing, the "
            f"first at sample {i}"
        )
    return array
