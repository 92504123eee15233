"""A set of workouts: energy by direction and gait, stacked by grade band."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.ticker import StrMethodFormatter
from numpy.typing import NDArray

from .. import nomenclature
from ..core import estimate
from ._base import GRADE_BANDS, FloatArray, _axes, _check_quantity

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes


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
