"""Plots of the models and of workouts (matplotlib: ``pip install 'retrocalc[plot]'``).

Every function takes ``ax=None`` (a new figure when None) and returns the
:class:`matplotlib.axes.Axes` it drew on. Axis labels carry units in brackets, grades are
shown in percent, speeds in m/s with km/h on the top axis.

**Validity is always visible.** A curve is solid where every input lies inside the validity
ranges of the models used (``in_range`` of :func:`retrocalc.estimate`) and dashed where it
extrapolates; the legend says so. A curve is also broken where the model changes (for example
running at grade 0, where the default switches from ACSM uphill to Minetti downhill), so no line
ever joins two models.

``import retrocalc`` does not import this module (nor matplotlib); ``import retrocalc.plot``
or ``retrocalc.plot`` does.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from . import _wrap, nomenclature
from ._extras import require
from .core import estimate
from .models import REGISTRY
from .units import m_s_to_kmh

require("plot", feature="retrocalc.plot")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import StrMethodFormatter  # noqa: E402

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = [
    "GRADE_BANDS",
    "axis_label",
    "compare_models",
    "ratio_vs_grade",
    "ratio_vs_speed",
    "vs_grade",
    "vs_speed",
    "workout_breakdown",
]

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


def vs_speed(
    quantity: str = "cost_of_transport_j_kg_m",
    *,
    gaits: Sequence[Gait] = ("walk", "run"),
    directions: Sequence[Direction] = ("forward", "backward"),
    mass_kg: float = 70.0,
    grade: float = 0.0,
    speed_m_s: Any = None,
    duration_s: float = 3600.0,
    model: str | None = None,
    ax: Axes | None = None,
    **options: Any,
) -> Axes:
    """Energy or cost against speed, one curve per gait and direction.

    Parameters
    ----------
    quantity : str, default "cost_of_transport_j_kg_m"
        Any numeric output of :func:`retrocalc.estimate`, e.g. ``"power_net_w"``,
        ``"vo2_gross_ml_kg_min"``, ``"energy_net_kcal"``.
    gaits : sequence of {"walk", "run"}
        Gaits to draw. Each is forced (no ``"auto"``), over its own speed grid.
    directions : sequence of {"forward", "backward"}
    mass_kg : float [kg], default 70
    grade : float [1], default 0
        Gradient as a fraction.
    speed_m_s : array_like [m/s], optional
        Speeds; default 0.3-2.5 m/s walking, 1.2-6.0 m/s running.
    duration_s : float [s], default 3600
        Bout duration for energy quantities.
    model : str, optional
        A registered base model instead of the default for each gait.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.
    **options
        Further keywords for :func:`retrocalc.estimate` (``load_kg``, ``rer``...).

    Returns
    -------
    matplotlib.axes.Axes
        Solid where in every validity range, dashed outside.
    """
    _check_quantity(quantity)
    ax = _axes(ax)

    def along_speed(gait: str) -> tuple[FloatArray, dict[str, Any], str]:
        x = _grid("speed_m_s", SPEED_GRID[gait], speed_m_s)
        return x, {"speed_m_s": x, "grade": grade}, ""

    lowest = _families(
        ax,
        quantity,
        gaits,
        directions,
        along_speed,
        mass_kg=mass_kg,
        duration_s=duration_s,
        model=model,
        **options,
    )
    _floor(ax, lowest)
    _speed_axes(ax)
    ax.set_ylabel(axis_label(quantity, duration_s))
    _validity_legend(ax, _context(mass_kg, grade=grade))
    return ax


def vs_grade(
    quantity: str = "cost_of_transport_j_kg_m",
    *,
    gaits: Sequence[Gait] = ("walk", "run"),
    directions: Sequence[Direction] = ("forward", "backward"),
    mass_kg: float = 70.0,
    speed_m_s: float | Mapping[str, float] | None = None,
    grade: Any = None,
    duration_s: float = 3600.0,
    model: str | None = None,
    ax: Axes | None = None,
    **options: Any,
) -> Axes:
    """Energy or cost against grade, one curve per gait and direction.

    With the default models, running switches from ACSM (grade >= 0) to Minetti et al. 2002
    (grade < 0): the curve is broken at 0 rather than joined across two models.

    Parameters
    ----------
    quantity : str, default "cost_of_transport_j_kg_m"
        Any numeric output of :func:`retrocalc.estimate`.
    gaits : sequence of {"walk", "run"}
    directions : sequence of {"forward", "backward"}
    mass_kg : float [kg], default 70
    speed_m_s : float or mapping {"walk": float, "run": float} [m/s], optional
        Speed per gait; default 1.3 m/s walking, 3.0 m/s running.
    grade : array_like [1], optional
        Grades as fractions; default -0.45 to +0.45.
    duration_s : float [s], default 3600
        Bout duration for energy quantities.
    model : str, optional
        A registered base model instead of the default.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.
    **options
        Further keywords for :func:`retrocalc.estimate`.

    Returns
    -------
    matplotlib.axes.Axes
        x in percent grade; solid in range, dashed outside.
    """
    _check_quantity(quantity)
    ax = _axes(ax)
    x = _grid("grade", GRADE_GRID, grade)
    speeds = _per_gait(speed_m_s, GRADE_SPEED)

    def along_grade(gait: str) -> tuple[FloatArray, dict[str, Any], str]:
        return 100 * x, {"speed_m_s": speeds[gait], "grade": x}, f", {speeds[gait]:g} m/s"

    lowest = _families(
        ax,
        quantity,
        gaits,
        directions,
        along_grade,
        mass_kg=mass_kg,
        duration_s=duration_s,
        model=model,
        **options,
    )
    _floor(ax, lowest)
    _grade_axes(ax)
    ax.set_ylabel(axis_label(quantity, duration_s))
    _validity_legend(ax, f"{mass_kg:g} kg")
    return ax


def _families(
    ax: Axes,
    quantity: str,
    gaits: Sequence[str],
    directions: Sequence[str],
    along: Callable[[str], tuple[FloatArray, dict[str, Any], str]],
    **common: Any,
) -> float:
    """One curve per gait and direction; ``along(gait)`` gives the x drawn, the inputs that
    vary and a label suffix. Returns the lowest y drawn."""
    lowest = np.inf
    for gait in gaits:
        x, inputs, suffix = along(gait)
        for direction in directions:
            r = _estimate(gait=gait, direction=direction, **inputs, **common)
            low = _curve(
                ax,
                x,
                getattr(r, quantity),
                r.in_range,
                r.model_used,
                f"{direction} {gait}{suffix}",
                _COLORS[gait, direction],
            )
            lowest = min(lowest, low)
    return float(lowest)


def _per_gait(value: float | Mapping[str, float] | None, default: Mapping[str, float]) -> Any:
    if value is None:
        return dict(default)
    if isinstance(value, Mapping):
        return {**default, **value}
    return dict.fromkeys(default, float(value))


def _ratio(basis: str, **kwargs: Any) -> tuple[FloatArray, NDArray[np.bool_], Any]:
    quantity = {"gross": "power_gross_w", "net": "power_net_w"}.get(basis)
    if quantity is None:
        raise ValueError(f"basis must be 'gross' or 'net', got {basis!r}")
    fwd = _estimate(direction="forward", **kwargs)
    bwd = _estimate(direction="backward", **kwargs)
    ratio = np.asarray(getattr(bwd, quantity)) / np.asarray(getattr(fwd, quantity))
    return ratio, np.asarray(bwd.in_range) & np.asarray(fwd.in_range), bwd.model_used


def _ratio_label(ax: Axes, basis: str) -> None:
    label = f"Backward / forward {basis} metabolic rate [1]"
    previous = ax.get_ylabel()
    if previous.startswith("Backward / forward") and previous != label:
        label = "Backward / forward metabolic rate [1]"  # gross and net on one axes
    ax.set_ylabel(label)


def ratio_vs_speed(
    *,
    gaits: Sequence[Gait] = ("walk", "run"),
    basis: Literal["gross", "net"] = "gross",
    grade: float = 0.0,
    speed_m_s: Any = None,
    mass_kg: float = 70.0,
    ax: Axes | None = None,
    **options: Any,
) -> Axes:
    """The backward premium: backward / forward metabolic rate against speed.

    retrocalc multiplies the **net** forward rate by a constant factor (1.35 running, 1.5
    walking), so the net ratio is flat and the gross ratio, diluted by rest, is lower and
    rises with speed.

    Parameters
    ----------
    gaits : sequence of {"walk", "run"}
    basis : {"gross", "net"}, default "gross"
        Ratio of gross (total) or net (above rest) metabolic rate.
    grade : float [1], default 0
    speed_m_s : array_like [m/s], optional
        Default 0.3-2.5 m/s walking, 1.2-6.0 m/s running.
    mass_kg : float [kg], default 70
        Irrelevant to the ratio; needed to estimate.
    ax : matplotlib.axes.Axes, optional
    **options
        Further keywords for :func:`retrocalc.estimate` (``backward_factor``...).

    Returns
    -------
    matplotlib.axes.Axes
        Solid where both directions are in range, dashed outside (the backward factors are
        measured only from 1.75 to 3.5 m/s running and 0.9 to 1.8 m/s walking).

    References
    ----------
    .. [1] Wright S., Weyand P.G. (2001). J Exp Biol 204(10):1805-1815.
       :doi:`10.1242/jeb.204.10.1805`
    .. [2] Ainsworth B.E. et al. (2011). Med Sci Sports Exerc 43(8):1575-1581.
       :doi:`10.1249/MSS.0b013e31821ece12`
    """
    ax = _axes(ax)
    for gait in gaits:
        x = _grid("speed_m_s", SPEED_GRID[gait], speed_m_s)
        ratio, ok, models = _ratio(
            basis, speed_m_s=x, mass_kg=mass_kg, grade=grade, gait=gait, **options
        )
        _curve(ax, x, ratio, ok, models, f"{gait}, {basis}", _RATIO_COLORS[gait, basis])
    _speed_axes(ax)
    _ratio_label(ax, basis)
    _validity_legend(ax, f"grade {100 * grade:g} %")
    return ax


def ratio_vs_grade(
    *,
    gaits: Sequence[Gait] = ("walk", "run"),
    basis: Literal["gross", "net"] = "gross",
    speed_m_s: float | Mapping[str, float] | None = None,
    grade: Any = None,
    mass_kg: float = 70.0,
    ax: Axes | None = None,
    **options: Any,
) -> Axes:
    """The backward premium: backward / forward metabolic rate against grade.

    No study has measured backward locomotion downhill: every negative grade is dashed.

    Parameters
    ----------
    gaits : sequence of {"walk", "run"}
    basis : {"gross", "net"}, default "gross"
    speed_m_s : float or mapping {"walk": float, "run": float} [m/s], optional
        Default 1.3 m/s walking, 3.0 m/s running.
    grade : array_like [1], optional
        Default -0.45 to +0.45.
    mass_kg : float [kg], default 70
    ax : matplotlib.axes.Axes, optional
    **options
        Further keywords for :func:`retrocalc.estimate`.

    Returns
    -------
    matplotlib.axes.Axes

    References
    ----------
    .. [1] Rasica L., Porcelli S., Minetti A.E., Pavei G. (2020). Eur J Appl Physiol
       120:2507-2515. :doi:`10.1007/s00421-020-04474-7`
    .. [2] Ainsworth B.E. et al. (2011). Med Sci Sports Exerc 43(8):1575-1581.
       :doi:`10.1249/MSS.0b013e31821ece12`
    """
    ax = _axes(ax)
    x = _grid("grade", GRADE_GRID, grade)
    speeds = _per_gait(speed_m_s, GRADE_SPEED)
    for gait in gaits:
        ratio, ok, models = _ratio(
            basis, speed_m_s=speeds[gait], mass_kg=mass_kg, grade=x, gait=gait, **options
        )
        label = f"{gait}, {basis}, {speeds[gait]:g} m/s"
        _curve(ax, 100 * x, ratio, ok, models, label, _RATIO_COLORS[gait, basis])
    _grade_axes(ax)
    _ratio_label(ax, basis)
    _validity_legend(ax)
    return ax


def _measured_sets(measured: Any) -> list[Mapping[str, Any]]:
    if measured is None:
        return []
    if isinstance(measured, Mapping) or hasattr(measured, "columns"):
        return [measured]
    return list(measured)


def compare_models(
    gait: Gait = "run",
    *,
    x: Literal["grade", "speed_m_s"] = "grade",
    quantity: str = "cost_of_transport_j_kg_m",
    models: Sequence[str] | None = None,
    measured: Any = None,
    speed_m_s: float | None = None,
    grade: float = 0.0,
    mass_kg: float = 70.0,
    direction: Direction = "forward",
    ax: Axes | None = None,
    **options: Any,
) -> Axes:
    """Registered models side by side, optionally with published measured points.

    A model is drawn solid inside its validity ranges and dashed outside; when ``x`` is not
    one of a model's inputs (Léger & Mercier against grade), only its valid part is drawn.

    Parameters
    ----------
    gait : {"walk", "run"}, default "run"
    x : {"grade", "speed_m_s"}, default "grade"
        Variable on the x axis (grade shown in percent).
    quantity : str, default "cost_of_transport_j_kg_m"
        Any numeric output of :func:`retrocalc.estimate`.
    models : sequence of str, optional
        Registered base models; default every base model for the gait.
    measured : mapping, DataFrame or sequence of them, optional
        Published points: ``"x"`` (grade as a fraction or speed [m/s]), ``"y"`` (in the unit
        of ``quantity``), optional ``"yerr"`` and ``"label"`` (a str).
    speed_m_s : float [m/s], optional
        Speed when ``x="grade"``; default 1.3 walking, 3.0 running.
    grade : float [1], default 0
        Grade when ``x="speed_m_s"``.
    mass_kg : float [kg], default 70
    direction : {"forward", "backward"}, default "forward"
    ax : matplotlib.axes.Axes, optional
    **options
        Further keywords for :func:`retrocalc.estimate`.

    Returns
    -------
    matplotlib.axes.Axes

    References
    ----------
    .. [1] Minetti A.E. et al. (2002). J Appl Physiol 93(3):1039-1046.
       :doi:`10.1152/japplphysiol.01177.2001`
    """
    _check_quantity(quantity)
    if x not in ("grade", "speed_m_s"):
        raise ValueError(f"x must be 'grade' or 'speed_m_s', got {x!r}")
    ax = _axes(ax)
    names = list(models) if models is not None else [s.name for s in REGISTRY.base(gait)]
    speed = GRADE_SPEED[gait] if speed_m_s is None else speed_m_s
    xs = _grid(x, GRADE_GRID if x == "grade" else SPEED_GRID[gait])
    scale = 100.0 if x == "grade" else 1.0
    cycle = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    markers = "osD^vP*X"
    lowest = np.inf
    for i, name in enumerate(names):
        spec = REGISTRY[name]
        inputs: dict[str, Any] = (
            {"grade": xs, "speed_m_s": speed} if x == "grade" else {"speed_m_s": xs, "grade": grade}
        )
        r = _estimate(
            mass_kg=mass_kg, gait=gait, direction=direction, model=name, **inputs, **options
        )
        low = _curve(
            ax,
            scale * xs,
            getattr(r, quantity),
            r.in_range,
            r.model_used,
            name,
            cycle[i % len(cycle)],
            extrapolate=x in spec.inputs,
            marker=markers[i % len(markers)],
        )
        lowest = min(lowest, low)
    for points in _measured_sets(measured):
        ax.errorbar(
            scale * np.asarray(points["x"], dtype=np.float64),
            np.asarray(points["y"], dtype=np.float64),
            yerr=None if "yerr" not in points else np.asarray(points["yerr"], dtype=np.float64),
            fmt="o",
            color="black",
            markersize=4,
            capsize=3,
            label=str(points["label"]) if "label" in points else "measured",
            zorder=5,
        )
    _floor(ax, lowest)
    if x == "grade":
        _grade_axes(ax)
        title = f"{direction} {gait}, {_context(mass_kg, speed=speed)}"
    else:
        _speed_axes(ax)
        title = f"{direction} {gait}, {_context(mass_kg, grade=grade)}"
    ax.set_ylabel(axis_label(quantity))
    _validity_legend(ax, title)
    return ax


def _bands(grade: FloatArray, bands: Sequence[tuple[str, float, float]]) -> NDArray[np.int64]:
    code = np.full(grade.shape, -1, dtype=np.int64)
    for k, (_, lo, hi) in enumerate(bands):
        code[(grade >= lo) & (grade < hi)] = k
    return code


def _breakdown_label(energy: str) -> str:
    """x label of :func:`workout_breakdown`. In retrocalc's vocabulary *total* means *gross*
    (rest included) and *active* means *net*, so the sum of net energies is never "total"."""
    unit = nomenclature.OUTPUTS[energy].unit
    if "_gross_" in energy:
        return f"Gross energy (total, rest included), all workouts [{unit}]"
    return f"Net energy (active, above rest), all workouts [{unit}]"


def workout_breakdown(
    workouts: pd.DataFrame,
    *,
    energy: str = "energy_net_kcal",
    bands: Sequence[tuple[str, float, float]] = GRADE_BANDS,
    ax: Axes | None = None,
    **options: Any,
) -> Axes:
    """Energy of a set of workouts summed by direction and gait, stacked by grade band.

    The sum is of net (active) energy by default, or of gross (total, rest included) energy
    with ``energy="energy_gross_kcal"``; the axis label says which.

    Parameters
    ----------
    workouts : pandas.DataFrame
        Workouts with canonical columns. If ``energy`` is not a column yet, the frame is first
        passed to :func:`retrocalc.estimate` with ``options``.
    energy : str, default "energy_net_kcal"
        Energy column to sum: ``energy_{net,gross}_{kcal,kj}``.
    bands : sequence of (label, low, high), default :data:`GRADE_BANDS`
        Grade bands, ``low <= grade < high`` as fractions. A missing grade counts as level (0).
    ax : matplotlib.axes.Axes, optional
    **options
        Keywords for :func:`retrocalc.estimate` when the frame has no results yet.

    Returns
    -------
    matplotlib.axes.Axes
        Horizontal stacked bars, one per direction and gait, with the bar's sum at its end.
    """
    if not energy.startswith("energy_"):
        raise ValueError(
            f"energy must be an energy column such as 'energy_net_kcal', got {energy!r}"
        )
    _check_quantity(energy)
    frame = workouts if energy in workouts.columns else estimate(workouts, **options)
    n = len(frame)
    values = np.nan_to_num(frame[energy].to_numpy(dtype=np.float64, na_value=np.nan))
    grade = (
        frame["grade"].to_numpy(dtype=np.float64, na_value=np.nan)
        if "grade" in frame.columns
        else np.zeros(n)
    )
    band = _bands(np.nan_to_num(grade), bands)
    direction = (
        frame["direction"].astype(str).str.strip().str.lower().to_numpy()
        if "direction" in frame.columns
        else np.full(n, "forward")
    )
    gait = frame["gait_used"].astype(str).to_numpy()
    groups = [(d, g) for d in ("forward", "backward") for g in ("walk", "run")]
    totals = np.zeros((len(groups), len(bands)))
    for i, (d, g) in enumerate(groups):
        for k in range(len(bands)):
            totals[i, k] = values[(direction == d) & (gait == g) & (band == k)].sum()

    ax = _axes(ax)
    y = np.arange(len(groups))[::-1]
    left = np.zeros(len(groups))
    colors = ("#4c9a2a", "#9e9e9e", "#a0522d", "#6a3d9a", "#1f78b4")
    for k, (label, _, _) in enumerate(bands):
        ax.barh(y, totals[:, k], left=left, color=colors[k % len(colors)], label=label)
        left += totals[:, k]
    for yi, total in zip(y, left, strict=True):
        ax.annotate(
            f"{total:,.0f}",
            (total, yi),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize="small",
        )
    ax.set_yticks(y, [f"{d} {g}" for d, g in groups])
    ax.set_xlabel(_breakdown_label(energy))
    ax.set_xlim(0.0, 1.15 * float(left.max()) if left.max() > 0 else 1.0)
    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.legend(
        title="grade band",
        fontsize="small",
        title_fontsize="small",
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
    )
    return ax


def model_disagreement(
    gait: Gait = "run",
    *,
    x: Literal["grade", "speed_m_s"] = "speed_m_s",
    quantity: str = "power_gross_w",
    speed_m_s: float | None = None,
    grade: float = 0.0,
    mass_kg: float = 70.0,
    direction: Direction = "forward",
    in_range_only: bool = True,
    ax: Axes | None = None,
    **options: Any,
) -> Axes:
    """Model disagreement: every registered model for a gait, with the band between them.

    Draws :func:`retrocalc.compare.compare_models` over a grid of speeds or grades: one line
    per model (only where it is valid, with ``in_range_only``) and the min-max band shaded
    and labelled "model disagreement". The band is the spread between published models, not
    a person-to-person interval (see :mod:`retrocalc.uncertainty`).

    Parameters
    ----------
    gait : {"walk", "run"}, default "run"
    x : {"speed_m_s", "grade"}, default "speed_m_s"
        Variable on the x axis (grade shown in percent).
    quantity : str, default "power_gross_w"
        A numeric output of :func:`retrocalc.estimate`.
    speed_m_s : float [m/s], optional
        Speed when ``x="grade"``; default 1.3 walking, 3.0 running.
    grade : float [1], default 0
        Grade when ``x="speed_m_s"``.
    mass_kg : float [kg], default 70
    direction : {"forward", "backward"}, default "forward"
    in_range_only : bool, default True
        Leave out each model where it is outside its validity ranges.
    ax : matplotlib.axes.Axes, optional
    **options
        Further keywords for :func:`retrocalc.estimate`.

    Returns
    -------
    matplotlib.axes.Axes
    """
    from .compare import DISAGREEMENT_COLUMNS, compare_models

    _check_quantity(quantity)
    if x not in ("grade", "speed_m_s"):
        raise ValueError(f"x must be 'grade' or 'speed_m_s', got {x!r}")
    ax = _axes(ax)
    xs = _grid(x, GRADE_GRID if x == "grade" else SPEED_GRID[gait])
    inputs: dict[str, Any] = (
        {"grade": xs, "speed_m_s": GRADE_SPEED[gait] if speed_m_s is None else speed_m_s}
        if x == "grade"
        else {"speed_m_s": xs, "grade": grade}
    )
    table = compare_models(
        quantity=quantity,
        mass_kg=mass_kg,
        gait=gait,
        direction=direction,
        in_range_only=in_range_only,
        **inputs,
        **options,
    )
    scale = 100.0 if x == "grade" else 1.0
    cycle = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    band = table["n_models"].to_numpy() >= 2
    ax.fill_between(
        scale * xs,
        table["min"].to_numpy(dtype=np.float64),
        table["max"].to_numpy(dtype=np.float64),
        where=band,
        color="0.8",
        alpha=0.6,
        linewidth=0,
        label="model disagreement (min–max)",
    )
    for i, name in enumerate(c for c in table.columns if c not in DISAGREEMENT_COLUMNS):
        y = table[name].to_numpy(dtype=np.float64)
        if np.isfinite(y).any():
            ax.plot(scale * xs, y, color=cycle[i % len(cycle)], label=name)
    if x == "grade":
        _grade_axes(ax)
        title = f"{direction} {gait}, {_context(mass_kg, speed=inputs['speed_m_s'])}"
    else:
        _speed_axes(ax)
        title = f"{direction} {gait}, {_context(mass_kg, grade=grade)}"
    ax.set_ylabel(axis_label(quantity))
    ax.legend(
        title=title,
        fontsize="small",
        title_fontsize="small",
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
    )
    return ax


__all__ += ["model_disagreement"]


if "pandas" in sys.modules:  # df.retro.plot forwards here: make df.retro exist
    _wrap.pandas()
