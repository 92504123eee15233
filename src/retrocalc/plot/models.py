"""Models side by side: against published measurements, and their disagreement."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import matplotlib.pyplot as plt
import numpy as np

from ..models import REGISTRY
from ._base import (
    GRADE_GRID,
    GRADE_SPEED,
    SPEED_GRID,
    Direction,
    Gait,
    _axes,
    _check_quantity,
    _context,
    _curve,
    _estimate,
    _floor,
    _grade_axes,
    _grid,
    _speed_axes,
    _validity_legend,
    axis_label,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes


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
    from ..compare import DISAGREEMENT_COLUMNS, compare_models

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
