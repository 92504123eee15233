"""Model disagreement: every applicable registered model side by side for the same inputs.

This is **not** a person-to-person interval (:mod:`retrocalc.uncertainty` is): it shows how
far the published models lie from one another for the same speed, grade and person. A wide
spread says the literature itself is unsure there; a narrow one says nothing about how far
one person may lie from all of them.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ._wrap import is_dataframe
from .core import estimate
from .exceptions import UnitWarning
from .models import REGISTRY

__all__ = ["DISAGREEMENT_COLUMNS", "compare_models"]

#: The summary columns added after the model columns.
DISAGREEMENT_COLUMNS = ("min", "max", "spread", "relative_spread", "n_models")


def compare_models(
    data: Any = None,
    /,
    *,
    quantity: str = "power_gross_w",
    models: Any = None,
    in_range_only: bool = True,
    **inputs: Any,
) -> Any:
    """Every applicable registered base model for the same inputs, and their disagreement.

    Parameters
    ----------
    data : pandas.DataFrame, optional
        Inputs as columns (as for :func:`retrocalc.estimate`); the result keeps its index.
    quantity : str, default "power_gross_w"
        A numeric output of :func:`retrocalc.estimate`.
    models : sequence of str, optional
        Registered base models to compare; default every base model for each row's gait.
    in_range_only : bool, default True
        Leave out (NaN) a model's value where its inputs lie outside its validity ranges.
    **inputs
        Keywords of :func:`retrocalc.estimate` (speed_m_s, mass_kg, grade, gait,
        direction, ...); scalars, arrays or Series.

    Returns
    -------
    pandas.DataFrame
        One row per input row (one row for scalars), one column per model (NaN where the
        model does not apply to the row's gait or, with ``in_range_only``, is out of range),
        then ``min``, ``max``, ``spread`` (max - min), ``relative_spread`` (spread / mean
        of the models) and ``n_models``. ``frame.columns.name`` is
        ``"model disagreement: <quantity>"``; ``frame.attrs`` holds the quantity.

    Examples
    --------
    >>> t = compare_models(speed_m_s=3.0, mass_kg=70, gait="run")
    >>> list(t.columns[:2])
    ['acsm_running', 'acsm_minetti_running']
    """
    import pandas as pd

    from . import nomenclature

    if quantity not in nomenclature.OUTPUTS or nomenclature.OUTPUTS[quantity].dtype != "float":
        numeric = [n for n, v in nomenclature.OUTPUTS.items() if v.dtype == "float"]
        raise ValueError(f"quantity must be one of {', '.join(numeric)}; got {quantity!r}")
    if "model" in inputs:
        raise TypeError("compare_models() runs every model itself; pass models=[...] instead")
    index = None
    if data is not None:
        if not is_dataframe(data):
            raise TypeError("compare_models() takes a DataFrame as its only positional argument")
        index = data.index
    inputs.pop("out_of_range", None)
    # the gait of each row (resolving "auto") from one default estimate
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnitWarning)
        base = estimate(data, out_of_range="flag", **inputs)

    def get(name: str, result: Any = base) -> Any:
        return result[name] if data is not None else getattr(result, name)

    gait_used = np.asarray(get("gait_used"), dtype=object).reshape(-1)
    if index is None:
        sample = get(quantity)
        index = sample.index if isinstance(sample, pd.Series) else None
    n = gait_used.size
    specs = (
        [REGISTRY[m] for m in models]
        if models is not None
        else [s for s in REGISTRY.base() if any(g in s.gaits for g in set(gait_used))]
    )
    if data is not None and "gait" in data.columns:
        data = data.drop(columns=["gait"])
    kw = {k: v for k, v in inputs.items() if k != "gait"}
    columns: dict[str, Any] = {}
    for spec in specs:
        if spec.kind != "base":
            raise ValueError(f"{spec.name!r} is not a base model")
        applies = np.isin(gait_used, spec.gaits)
        values = np.full(n, np.nan)
        if np.any(applies):
            gait = np.where(applies, gait_used, spec.gaits[0])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UnitWarning)
                r = estimate(data, gait=gait, model=spec.name, out_of_range="flag", **kw)
            v = np.asarray(get(quantity, r), dtype=np.float64).reshape(-1)
            ok = np.asarray(get("in_range", r), dtype=np.bool_).reshape(-1)
            keep = applies & ok if in_range_only else applies
            values = np.where(keep, np.broadcast_to(v, (n,)), np.nan)
        columns[spec.name] = values
    frame = pd.DataFrame(columns, index=index)
    block = frame.to_numpy(dtype=np.float64)
    counted = np.isfinite(block).sum(axis=1)
    with warnings.catch_warnings(), np.errstate(invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows give NaN
        lo = np.nanmin(block, axis=1) if block.shape[1] else np.full(n, np.nan)
        hi = np.nanmax(block, axis=1) if block.shape[1] else np.full(n, np.nan)
        mean = np.nanmean(block, axis=1) if block.shape[1] else np.full(n, np.nan)
    frame["min"] = lo
    frame["max"] = hi
    frame["spread"] = hi - lo
    frame["relative_spread"] = (hi - lo) / mean
    frame["n_models"] = counted
    frame.columns.name = f"model disagreement: {quantity}"
    frame.attrs["quantity"] = quantity
    return frame
