"""Shared by the plots: grids, styles, labels and the validity-aware curve."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from .. import nomenclature
from .._extras import require
from ..core import estimate
from ..models import REGISTRY
from ..units import m_s_to_kmh

require("plot", feature="retrocalc.plot")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

if TYPE_CHECKING:
    from matplotlib.axes import Axes


Gait = Literal["walk", "run"]
Direction = Literal["forward", "backward"]
FloatArray = NDArray[np.float64]

#: Speed grids [m/s] per gait: wide enough to show where each model stops being valid.
SPEED_GRID: Mapping[str, tuple[float, float]] = {"walk": (0.3, 2.5), "run": (1.2, 6.0)}
#: Grade grid [1]: Minetti et al.'s measured extremes.
GRADE_GRID = (-0.45, 0.45)
#: Speed [m/s] at which grade curves are drawn, per gait.
GRADE_SPEED: Mapping[str, float] = {"walk": 1.3, "run": 3.0}
#: Grade bands of :func:`workout_breakdown`: (label, low, high) with low <= grade < high [1].
GRADE_BANDS: tuple[tuple[str, float, float], ...] = (
    ("downhill (< −2 %)", -np.inf, -0.02),
    ("level (−2 to +2 %)", -0.02, 0.02),
    ("uphill (≥ +2 %)", 0.02, np.inf),
)

_COLORS = {
    ("walk", "forward"): "#1f77b4",
    ("walk", "backward"): "#17becf",
    ("run", "forward"): "#d62728",
    ("run", "backward"): "#ff7f0e",
}
_RATIO_COLORS = {
    ("walk", "gross"): "#17becf",
    ("walk", "net"): "#0b6e78",
    ("run", "gross"): "#ff7f0e",
    ("run", "net"): "#a14c00",
}
_NUMERIC = [name for name, v in nomenclature.OUTPUTS.items() if v.dtype == "float"]
_DASH = (0, (4.0, 2.5))
_SOLID = "in validity range"
_DASHED = "outside: extrapolated"
_N = 241


def axis_label(quantity: str, duration_s: float | None = None) -> str:
    """Axis label of an output quantity, with its unit in brackets.

    Parameters
    ----------
    quantity : str
        A numeric output name of :mod:`retrocalc.nomenclature`, e.g. ``"power_net_w"``.
    duration_s : float, optional [s]
        Duration of the bout, stated in the label of energy quantities.

    Returns
    -------
    str
        For example ``"Net metabolic power [W]"`` or ``"Net energy per 60 min [kcal]"``.
    """
    _check_quantity(quantity)
    var = nomenclature.OUTPUTS[quantity]
    text = var.description.split(" (")[0].rstrip(".")
    if quantity == "met":
        return "Metabolic equivalents [MET]"
    if quantity.startswith("energy_") and duration_s is not None:
        kind = "Gross" if "_gross_" in quantity else "Net"
        text = f"{kind} energy per {duration_s / 60:g} min"
    return f"{text} [{var.unit}]"


def _check_quantity(quantity: str) -> None:
    if quantity not in _NUMERIC:
        raise ValueError(f"quantity must be one of {', '.join(_NUMERIC)}; got {quantity!r}")


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    _, new = plt.subplots(figsize=(8.0, 4.5), layout="constrained")
    return new


def _curve(
    ax: Axes,
    x: FloatArray,
    y: FloatArray,
    in_range: NDArray[np.bool_],
    model_used: Sequence[str],
    label: str,
    color: str,
    extrapolate: bool = True,
    marker: str = "o",
    **style: Any,
) -> float:
    """Draw y(x): solid in range, dashed outside, broken where the model changes.

    Isolated in-range points (a range of one value) get a marker; without ``extrapolate`` only
    the in-range parts are drawn. Returns the lowest in-range y (inf if none).
    """
    segments: list[tuple[int, int, bool]] = []  # [start, stop) and in_range
    start = 0
    for i in range(1, x.size + 1):
        if i == x.size or model_used[i] != model_used[i - 1] or in_range[i] != in_range[i - 1]:
            segments.append((start, i, bool(in_range[start])))
            start = i
    for k, (lo, hi, ok) in enumerate(segments):
        if not ok and not extrapolate:
            continue
        # an extrapolated piece reaches to its valid neighbours of the same model, so the curve
        # is continuous and the solid part covers exactly the in-range points
        if not ok:
            if k > 0 and model_used[lo] == model_used[lo - 1]:
                lo -= 1
            if hi < x.size and model_used[hi] == model_used[hi - 1]:
                hi += 1
        kwargs: dict[str, Any] = {"color": color, **style}
        if hi - lo == 1 and ok:
            ax.plot(
                x[lo:hi],
                y[lo:hi],
                marker=marker,
                linestyle="none",
                markersize=7,
                markerfacecolor="none",
                markeredgewidth=1.5,
                **kwargs,
            )
        else:
            ax.plot(x[lo:hi], y[lo:hi], linestyle="-" if ok else _DASH, **kwargs)
    # the legend entry: a solid line in the curve's colour, whatever the first segment is
    # (a marker too for a model drawn only where valid, which may be a single point)
    proxy: dict[str, Any] = {} if extrapolate else {"marker": marker, "markerfacecolor": "none"}
    ax.plot([], [], color=color, linestyle="-", label=label, **proxy, **style)
    valid = y[np.asarray(in_range, dtype=bool) & np.isfinite(y)]
    return float(valid.min()) if valid.size else np.inf


def _floor(ax: Axes, lowest: float) -> None:
    """Keep extrapolated curves from dragging the y axis below 0 (no negative cost or energy):
    the axis starts at 0, or lower only if an in-range value is negative."""
    bottom, top = ax.get_ylim()
    floor = min(0.0, lowest)
    if bottom < floor:
        ax.set_ylim(floor, top)


def _validity_legend(ax: Axes, title: str | None = None, **kwargs: Any) -> None:
    """Legend with the two line styles explained, last. The explanations are (empty) artists
    of the axes, so a legend the caller rebuilds later keeps them."""
    styles: tuple[tuple[str, Any], ...] = ((_SOLID, "-"), (_DASHED, _DASH))
    for line in list(ax.get_lines()):
        if line.get_label() in (_SOLID, _DASHED):
            line.remove()  # re-added below, after every curve drawn so far
    for text, style in styles:
        ax.add_line(Line2D([], [], color="0.4", linestyle=style, label=text))
    handles, labels = ax.get_legend_handles_labels()
    last = [i for i, t in enumerate(labels) if t in (_SOLID, _DASHED)]
    order = [i for i in range(len(labels)) if i not in last] + last
    handles = [handles[i] for i in order]
    labels = [labels[i] for i in order]
    kwargs.setdefault("loc", "upper left")
    kwargs.setdefault("bbox_to_anchor", (1.01, 1.0))
    ax.legend(handles, labels, title=title, fontsize="small", title_fontsize="small", **kwargs)


def _speed_axes(ax: Axes) -> None:
    ax.set_xlabel("Speed [m/s]")
    if any(getattr(child, "_retrocalc_kmh", False) for child in ax.child_axes):
        return  # a second plot on the same axes: the km/h axis is there already
    top = ax.secondary_xaxis("top", functions=(m_s_to_kmh, lambda v: np.divide(v, 3.6)))
    top.set_xlabel("Speed [km/h]")
    top._retrocalc_kmh = True  # type: ignore[attr-defined]


def _grade_axes(ax: Axes) -> None:
    ax.set_xlabel("Grade [%] (negative downhill)")
    ax.axvline(0.0, color="0.85", linewidth=0.8, zorder=0)


def _grid(name: str, bounds: tuple[float, float], given: Any = None) -> FloatArray:
    """Sorted values of ``name``: ``given``, or a grid over ``bounds`` that includes 0 and
    every registered validity-range end inside it, so curves change style exactly there."""
    if given is not None:
        return np.sort(np.asarray(given, dtype=np.float64).ravel())
    lo, hi = bounds
    ends = [
        b
        for spec in REGISTRY.values()
        for b in spec.ranges.get(name, (None, None))
        if b is not None and lo < b < hi
    ]
    if lo < 0 < hi:
        ends.append(0.0)
    exact = np.unique(np.asarray(ends, dtype=np.float64))
    grid = np.linspace(lo, hi, _N)
    # the range ends go in exactly as registered (80 m/min is 1.333... m/s; a rounded grid
    # point would fall just outside the range and leave the first valid stretch dashed);
    # grid points within a hair of an end give way to it
    if exact.size:
        near = np.abs(grid[:, None] - exact[None, :]).min(axis=1) < 1e-9 * (hi - lo)
        grid = grid[~near]
    return np.unique(np.r_[grid, exact])


def _estimate(**kwargs: Any) -> Any:
    return estimate(out_of_range="flag", **kwargs)


def _context(mass_kg: float, grade: float | None = None, speed: float | None = None) -> str:
    parts = []
    if grade is not None:
        parts.append(f"grade {100 * grade:g} %")
    if speed is not None:
        parts.append(f"{speed:g} m/s")
    parts.append(f"{mass_kg:g} kg")
    return ", ".join(parts)
