"""A recording: altitude, grade, speed by gait and metabolic power, against distance or time."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import to_rgba_array
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from numpy.typing import NDArray

from ..units.convert import KCAL_TO_KJ
from ._base import _COLORS, _DASH, FloatArray

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..activity import ActivityResult

__all__ = ["PANELS", "activity"]

#: The panels of :func:`activity`, top to bottom.
PANELS = ("altitude", "grade", "speed", "power")
#: x of :func:`activity`: the column, its scale to the axis unit, and the axis label.
_X = {
    "distance": ("distance_m", 1e-3, "Distance [km]"),
    "time": ("elapsed_s", 1 / 60, "Elapsed time [min]"),
}
#: Shading of the intervals that are not moving: the states (of
#: :data:`retrocalc.activity.pauses.STATES`) each covers, colour and legend label.
_SHADES = (
    ("pauses", ("timer", "segment", "gap", "stopped"), "0.82", "paused (rest energy only)"),
    ("too_fast", ("too_fast",), "#f4a3a3", "too fast: not on foot (rest only)"),
)
_PAUSE_COLOR = "0.55"
#: Units of the power panel: factor from W.
_RATES = {"W": 1.0, "kcal/h": 3600.0 / (1000.0 * KCAL_TO_KJ)}  # 1 W = 0.86 kcal/h


def activity(
    result: ActivityResult,
    x: Literal["distance", "time"] = "distance",
    *,
    rate: Literal["W", "kcal/h"] = "W",
    ax: Sequence[Axes] | None = None,
) -> NDArray[Any]:
    """A recording's estimate, sample by sample, in four panels sharing x.

    From top to bottom: altitude (as recorded, and the filtered profile the grade comes
    from) [m]; grade (the one used, and the naive per-sample grade) [%]; the speed used
    [m/s], coloured by gait and direction; gross and net metabolic power [W] or [kcal/h],
    solid where the models are valid and dashed where they extrapolate. Intervals that are
    not moving are shaded on every panel: pauses (timer, track segment, time gap, stopped)
    in grey, intervals too fast to be on foot (GPS jumps, a vehicle) in red; both get the
    resting rate only.

    Parameters
    ----------
    result : ActivityResult
        From :func:`retrocalc.estimate_activity`.
    x : {"distance", "time"}
        Distance [km] or elapsed time [min] on the x axis. Along distance a pause has no
        width: its shading is a thin band.
    rate : {"W", "kcal/h"}
        Unit of the metabolic power (energy rate) panel.
    ax : sequence of 4 matplotlib.axes.Axes, optional
        The panels to draw on, top to bottom (a new figure when None).

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
        The four panels, :data:`PANELS` in order.

    Raises
    ------
    ValueError
        ``x`` is not ``"distance"`` or ``"time"``, ``rate`` not ``"W"`` or ``"kcal/h"``, or
        ``ax`` does not hold four Axes.

    Examples
    --------
    >>> import retrocalc as rc
    >>> from retrocalc.data import example_path
    >>> result = rc.estimate_activity(example_path("example_activity.gpx"), mass_kg=70)
    >>> axes = rc.plot.activity(result, x="time")
    >>> [a.get_ylabel() for a in axes]
    ['Altitude [m]', 'Grade [%]', 'Speed [m/s]', 'Metabolic power [W]']
    """
    if x not in _X:
        raise ValueError(f"x must be 'distance' or 'time'; got {x!r}")
    if rate not in _RATES:
        raise ValueError(f"rate must be 'W' or 'kcal/h'; got {rate!r}")
    samples = getattr(result, "samples", None)
    if samples is None or "state" not in samples.columns:
        raise TypeError(
            "expected the result of rc.estimate_activity() (an ActivityResult), got "
            f"{type(result).__name__}: estimate the recording first"
        )
    axes = _panels(ax)
    column, scale, xlabel = _X[x]
    xs = samples[column].to_numpy(np.float64) * scale

    def values(name: str) -> FloatArray:
        out: FloatArray = samples[name].to_numpy(np.float64)
        return out

    altitude = values("altitude_m")
    _altitude(axes[0], xs, altitude, values("altitude_filtered_m"))
    kind = result.settings.get("grade") if np.isfinite(altitude).any() else "level: no altitude"
    _grade(axes[1], xs, values("grade"), values("grade_raw"), kind)
    _speed(axes[2], xs, values("speed_used_m_s"), samples)
    in_range = samples["in_range"].to_numpy(bool)
    factor = _RATES[rate]
    gross, net = factor * values("power_gross_w"), factor * values("power_net_w")
    _power(axes[3], xs, gross, net, in_range, rate)
    state = np.asarray(samples["state"], dtype=object)
    shades = []
    for gid, states, color, label in _SHADES:
        if _shade(axes, xs, np.isin(state, states), gid, color):
            shades.append(Patch(facecolor=color, label=label))
    handles, labels = axes[3].get_legend_handles_labels()
    axes[3].legend(
        [*handles, *shades],
        [*labels, *(p.get_label() for p in shades)],
        fontsize="small",
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
    )
    axes[3].set_xlabel(xlabel)
    s = result.summary
    axes[0].set_title(
        f"{os.path.basename(str(s['source']))}: {s['distance_m'] / 1000:.2f} km, "
        f"gross {s['energy_gross_kcal']:.0f} kcal, net {s['energy_net_kcal']:.0f} kcal",
        fontsize="medium",
    )
    return axes


def _panels(ax: Sequence[Axes] | None) -> NDArray[Any]:
    if ax is None:
        _, new = plt.subplots(
            len(PANELS),
            1,
            sharex=True,
            figsize=(8.0, 8.5),
            layout="constrained",
            height_ratios=(1.0, 0.8, 1.0, 1.2),
        )
        return np.asarray(new, dtype=object)
    axes = np.asarray(ax, dtype=object).ravel()
    if axes.size != len(PANELS):
        raise ValueError(
            f"ax: expected {len(PANELS)} Axes ({', '.join(PANELS)}, top to bottom), got {axes.size}"
        )
    return axes


def _legend(ax: Axes) -> None:
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))


def _altitude(ax: Axes, x: FloatArray, raw: FloatArray, smooth: FloatArray) -> None:
    ax.set_ylabel("Altitude [m]")
    if not np.isfinite(raw).any():
        ax.text(
            0.5,
            0.5,
            "no altitude recorded: level ground assumed",
            transform=ax.transAxes,
            ha="center",
            va="center",
            color="0.4",
        )
        ax.set_yticks([])
        return
    ax.plot(x, raw, color="0.65", linewidth=0.8, label="recorded")
    if np.isfinite(smooth).any():
        ax.plot(x, smooth, color="#4c9a2a", linewidth=1.4, label="filtered (for grade)")
    _legend(ax)


def _grade(ax: Axes, x: FloatArray, used: FloatArray, raw: FloatArray, kind: Any) -> None:
    used_pct, raw_pct = 100.0 * used, 100.0 * raw
    ax.axhline(0.0, color="0.85", linewidth=0.8, zorder=0)
    ax.plot(x, raw_pct, color="0.75", linewidth=0.5, label="raw (per sample)")
    ax.plot(x, used_pct, color="#a0522d", linewidth=1.2, label=f"used ({kind or 'filtered'})")
    ax.set_ylabel("Grade [%]")
    finite = used_pct[np.isfinite(used_pct)]
    if finite.size:
        # the raw grade of a noisy altitude reaches +-100 % and more: the axis follows the
        # grade used, and the raw line is cut at its edges
        lo, hi = float(min(finite.min(), 0.0)), float(max(finite.max(), 0.0))
        pad = max(2.0, 0.25 * (hi - lo))
        ax.set_ylim(lo - pad, hi + pad)
    _legend(ax)


def _speed(ax: Axes, x: FloatArray, speed: FloatArray, samples: Any) -> None:
    """The speed of each interval (sample i-1 to i) in the colour of sample i's gait and
    direction: one LineCollection, no loop over samples."""
    gait = samples["gait"].to_numpy(dtype=str)
    direction = samples["direction"].to_numpy(dtype=str)
    label = np.where(gait == "pause", "pause", np.char.add(np.char.add(gait, " "), direction))
    names, codes = np.unique(label, return_inverse=True)
    palette = np.array(
        [
            _PAUSE_COLOR if name == "pause" else _COLORS.get(tuple(name.split(" ")), "k")
            for name in names.tolist()  # a handful of (gait, direction) pairs
        ],
        dtype=object,
    )
    points = np.column_stack([x, speed])
    segments = np.stack([points[:-1], points[1:]], axis=1)
    rgba = to_rgba_array(list(palette))[codes[1:]]
    # (an array of segments: matplotlib's stubs say a sequence)
    lines = LineCollection(segments, colors=rgba, linewidths=1.2)  # type: ignore[arg-type]
    ax.add_collection(lines)
    ax.autoscale_view()
    for name, color in zip(names.tolist(), palette.tolist(), strict=True):
        ax.add_line(Line2D([], [], color=color, label=name))
    ax.set_ylabel("Speed [m/s]")
    ax.set_ylim(bottom=0.0)
    _legend(ax)


def _power(
    ax: Axes,
    x: FloatArray,
    gross: FloatArray,
    net: FloatArray,
    in_range: NDArray[np.bool_],
    unit: str,
) -> None:
    """Gross and net power, solid in range and dashed out of it (each dashed piece reaches
    its neighbours, so the curve stays whole)."""
    out = ~in_range
    near = out | np.r_[out[1:], False] | np.r_[False, out[:-1]]
    for values, color, label in (
        (gross, "#d62728", "gross (total)"),
        (net, "#1f77b4", "net (active)"),
    ):
        ax.plot(x, np.where(in_range, values, np.nan), color=color, linewidth=1.0, label=label)
        if out.any():
            ax.plot(x, np.where(near, values, np.nan), color=color, linewidth=1.0, linestyle=_DASH)
    if out.any():
        ax.plot([], [], color="0.4", linestyle=_DASH, label="outside validity: extrapolated")
    ax.set_ylabel(f"Metabolic power [{unit}]")
    ax.set_ylim(bottom=0.0)


def _runs(mask: NDArray[np.bool_]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """First and last sample of each run of True in ``mask`` (found with numpy)."""
    edges = np.diff(np.r_[False, mask, False].astype(np.int8))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1


def _shade(axes: NDArray[Any], x: FloatArray, mask: NDArray[np.bool_], gid: str, color: str) -> int:
    """Shade the intervals of ``mask`` on every panel, one band per run (interval i runs from
    sample i-1 to sample i): one PolyCollection per panel. Returns the number of bands."""
    first, last = _runs(mask)
    x0, x1 = x[np.maximum(first - 1, 0)], x[last]
    keep = np.isfinite(x0) & np.isfinite(x1)
    x0, x1 = x0[keep], x1[keep]
    if not x0.size:
        return 0
    y0, y1 = np.zeros_like(x0), np.ones_like(x0)
    verts = np.stack([np.column_stack(p) for p in ((x0, y0), (x0, y1), (x1, y1), (x1, y0))], axis=1)
    for ax in axes:
        # an edge in the face colour keeps a band of no width (a pause along distance) visible
        bands = PolyCollection(
            verts,  # type: ignore[arg-type]
            transform=ax.get_xaxis_transform(),
            facecolors=color,
            edgecolors=color,
            linewidths=0.8,
            zorder=0,
        )
        bands.set_gid(gid)
        ax.add_collection(bands, autolim=False)
    return int(x0.size)
