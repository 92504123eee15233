"""Energy, power and ratios against speed and grade, per gait and direction."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from ._base import (
    _COLORS,
    _RATIO_COLORS,
    GRADE_GRID,
    GRADE_SPEED,
    SPEED_GRID,
    Direction,
    FloatArray,
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
