"""Columns about the person, after the results of a block: a calibration's factor (the
results scaled by it), prediction-interval bounds, and energy from heart rate.

Each mirrors a face of the library: :meth:`retrocalc.Calibration.apply` (as
``estimate(..., calibration=)`` applies it), :func:`retrocalc.uncertainty.interval_columns`
(``estimate(..., interval=)``) and :func:`retrocalc.estimate_hr` (the ``hr_`` columns of
activities). The heart-rate outputs are separate columns, never mixed into the results.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .. import engine as evaluation
from .._wrap import pandas
from .parse import _Reasons, load_polars
from .types import HR_COLUMNS

if TYPE_CHECKING:
    import polars as pl

FloatArray = NDArray[np.float64]


def _floats(value: Any, n: int) -> FloatArray:
    """An input as ``n`` floats (NaN where none was given)."""
    if value is None:
        return np.full(n, np.nan)
    return np.broadcast_to(np.asarray(value, dtype=np.float64), (n,))


def calibrate(
    results: dict[str, Any], given: Mapping[str, Any], calibration: Any, n: int
) -> FloatArray:
    """Scale the energy and power results of a block by a calibration, in place, as
    ``estimate(..., calibration=)`` does: by the factor of each row's model family, gait and
    direction (1 where none was fitted). Returns the factors."""
    direction = given.get("direction")
    k = calibration.row_factors(
        results["model_used"], results["gait_used"], "forward" if direction is None else direction
    )
    scales = calibration.scales(results["vo2_gross_ml_kg_min"], results["vo2_net_ml_kg_min"], k)
    for name, scale in scales.items():
        results[name] = np.broadcast_to(results[name], (n,)) * scale
    factors: FloatArray = k
    return factors


def interval_columns(
    results: Mapping[str, Any],
    given: Mapping[str, Any],
    bad: NDArray[np.bool_],
    options: evaluation.Options,
    n: int,
) -> dict[str, Any]:
    """Prediction-interval bounds of power and energy (``retrocalc.uncertainty``), empty where
    a row has no estimate."""
    from ..uncertainty import interval_columns

    pl = load_polars()
    pd = pandas()
    names = ("power_gross_w", "vo2_gross_ml_kg_min", "vo2_net_ml_kg_min")
    frame = pd.DataFrame({k: np.broadcast_to(results[k], (n,)) for k in names})
    for k in ("model_used", "gait_used"):
        frame[k] = np.asarray(results[k], dtype=object).astype(str)
    for k, default in (("mass_kg", np.nan), ("grade", 0.0), ("direction", "forward")):
        value = given.get(k)
        frame[k] = np.broadcast_to(np.asarray(default if value is None else value), (n,))
    # a blank direction (a row without an estimate, or none given) counts as forward
    frame["direction"] = np.where(frame["direction"] == "backward", "backward", "forward")
    duration = _duration(given, n)
    factor = options.backward_factor
    bounds = interval_columns(
        frame,
        mass_kg=frame["mass_kg"],
        duration_s=duration,
        level=float(options.interval),  # type: ignore[arg-type]
        backward_factor=None if isinstance(factor, Mapping) else factor,
    )
    out: dict[str, Any] = {}
    for name, value in bounds.items():
        number = np.where(bad, np.nan, np.asarray(value, dtype=np.float64))
        out[name] = pl.Series(name, number, nan_to_null=True)
    return out


def _duration(given: Mapping[str, Any], n: int) -> FloatArray:
    """Each row's duration [s]: given, or distance / speed (as the estimate takes it)."""
    if given.get("duration_s") is not None:
        return _floats(given["duration_s"], n)
    distance, speed = _floats(given.get("distance_m"), n), _floats(given.get("speed_m_s"), n)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(speed > 0, distance / speed, np.nan)


def heart_rate_columns(
    heart_rate: NDArray[np.float64],
    values: pl.Series,
    column: str,
    given: Mapping[str, Any],
    bad: NDArray[np.bool_],
    policy: str,
) -> tuple[dict[str, Any], _Reasons]:
    """Energy from heart rate (Keytel et al. 2005, :func:`retrocalc.estimate_hr`) for a
    block, and why rows with a heart rate got none.

    ``heart_rate`` is the parsed column (NaN where missing or bad), ``values`` the column as
    read (for messages), ``given`` the block's other inputs.

    A row gets the ``hr_`` outputs when it has a heart rate (above 0: 0 is no reading, as
    in activities) and no error; a missing heart rate leaves them empty and is no reason. A
    heart rate above :data:`retrocalc.heart_rate.MAX_PLAUSIBLE_HR_BPM`, or an age the
    equations cannot take, is a reason (the row is then ``out_of_range``, its motion
    estimate kept) and empty ``hr_`` outputs. ``policy`` is the batch's ``out_of_range``.
    """
    from ..heart_rate import MAX_PLAUSIBLE_HR_BPM, estimable_age, estimate_hr

    pl = load_polars()
    n = len(bad)
    label = column if column == "heart_rate_bpm" else f"{column} (heart_rate_bpm)"
    hr = np.asarray(heart_rate, dtype=np.float64).reshape(-1)
    age = _floats(given.get("age_years"), n)
    reasons = _Reasons(n)
    with np.errstate(invalid="ignore"):
        reading = ~bad & (hr > 0)  # NaN (missing) compares False
        implausible = reading & (hr > MAX_PLAUSIBLE_HR_BPM)
        no_age = reading & ~implausible & ~estimable_age(age)
    reasons.add(
        pl.Series(implausible),
        pl.format(
            "{}: '{}' is not a plausible heart rate (above {} bpm): no energy from heart rate",
            pl.lit(label),
            pl.lit(values.cast(pl.String)),
            pl.lit(f"{MAX_PLAUSIBLE_HR_BPM:g}"),
        ),
    )
    reasons.add(
        pl.Series(no_age),
        pl.format(
            "age_years: {} gives no energy from heart rate (the equations need an age above 0 "
            "with an age-predicted maximal heart rate, 208 - 0.7 x age, above rest)",
            pl.lit(pl.Series(np.round(age, 6))),
        ),
    )
    usable = reading & ~implausible & ~no_age
    with np.errstate(all="ignore"):
        result = estimate_hr(
            heart_rate_bpm=np.where(usable, hr, np.nan),
            mass_kg=np.where(usable, _floats(given.get("mass_kg"), n), np.nan),
            age_years=np.where(usable, age, np.nan),
            sex=given["sex"],  # checked labels (or "" in a bad row, which gets no estimate)
            duration_s=np.where(usable, _duration(given, n), np.nan),
            out_of_range=policy,  # type: ignore[arg-type]
        ).to_dict()
    columns: dict[str, Any] = {}
    for name in HR_COLUMNS:
        value = np.asarray(result[name])
        if value.dtype == bool:
            columns[name] = pl.Series(name, value & usable)
        elif value.dtype.kind == "f":
            columns[name] = pl.Series(name, np.where(usable, value, np.nan), nan_to_null=True)
        else:  # the model's name (one per call); empty without an estimate
            model = str(value.flat[0]) if value.size else ""
            columns[name] = pl.select(
                pl.when(pl.lit(pl.Series(usable))).then(pl.lit(model)).alias(name)
            ).to_series()
    return columns, reasons
