"""The result of :func:`retrocalc.estimate`: every output in the kind of the inputs, label
outputs as codes turned into text on first access, JSON and frames on request."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Generic,
)

import numpy as np
from numpy.typing import NDArray

from . import engine
from ._types import Deferred, V
from ._wrap import Kind, ResultMixin, pandas
from .nomenclature import (
    OUTPUTS,
)

if TYPE_CHECKING:
    import pandas as pd
else:  # for typing.get_type_hints(EstimateResult.to_frame), imported then (see Deferred)
    pd = Deferred("pandas")


LABEL_OUTPUTS = ("gait_used", "model_used")
_new = object.__new__
_set = object.__setattr__


class EstimateResult(ResultMixin, Generic[V]):
    """Energy estimate for one bout or many.

    Every attribute has the kind of the inputs: ``float`` (``bool``, ``str``) for scalars,
    ndarray for lists and arrays, Series (same index) for Series (pandas, or polars/pyarrow
    for theirs). Units are in the names. Read-only. For type checkers it is
    ``EstimateResult[float]`` for one bout of plain numbers and ``EstimateResult[ndarray]``
    for lists and arrays.

    Attributes
    ----------
    vo2_gross_ml_kg_min, vo2_net_ml_kg_min : [ml/kg/min]
        Oxygen uptake, total and above rest.
    met : [1]
        Gross VO2 / resting VO2.
    power_gross_w, power_net_w : [W]
        Metabolic power, total and above rest.
    energy_gross_kcal, energy_net_kcal, energy_gross_kj, energy_net_kj : [kcal], [kJ]
        Energy over the bout ("total" and "active" calories); NaN without a duration or distance.
    cost_of_transport_j_kg_m : [J/kg/m]
        Net metabolic energy per kg body mass and metre travelled.
    in_range : bool
        False where an input lies outside a validity range used, or is missing or not finite.
    gait_used : {"walk", "run"}
        Gait applied after resolving ``"auto"`` ("" where no estimate was made). Kept as
        codes and turned into text on first access (categorical in a Series).
    model_used : str
        Base model applied (likewise).
    """

    vo2_gross_ml_kg_min: V
    vo2_net_ml_kg_min: V
    met: V
    power_gross_w: V
    power_net_w: V
    energy_gross_kcal: V
    energy_net_kcal: V
    energy_gross_kj: V
    energy_net_kj: V
    cost_of_transport_j_kg_m: V
    in_range: Any
    gait_used: Any
    model_used: Any

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    @classmethod
    def _of(cls, values: dict[str, Any]) -> EstimateResult[Any]:
        # ``values`` becomes the attribute dict itself (the callers hand over a fresh dict):
        # copying a dozen outputs into a new one was a tenth of a one-bout estimate
        result = _new(cls)
        _set(result, "__dict__", values)
        return result

    def __getattr__(self, name: str) -> Any:
        # the label outputs of an array call: text made from the codes on first access
        columns = self.__dict__.get("_columns")
        if columns is None or name not in LABEL_OUTPUTS:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        value = _labels_in_kind(columns, name)
        self.__dict__[name] = value
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"EstimateResult is read-only: cannot set {name!r}")

    def with_outputs(self, **extra: Any) -> EstimateResult[V]:
        """A copy with further outputs (prediction-interval bounds), listed after the others."""
        values = {**self.__dict__, **extra}
        values["_extra"] = (*self.__dict__.get("_extra", ()), *extra)
        return EstimateResult._of(values)

    def replace(self, **changes: Any) -> EstimateResult[V]:
        """A copy with some outputs replaced (as :func:`dataclasses.replace` would)."""
        unknown = set(changes) - set(OUTPUTS)
        if unknown:
            raise TypeError(f"EstimateResult has no outputs {sorted(unknown)}")
        return EstimateResult._of({**self.to_dict(), **changes})

    def to_dict(self, json_safe: bool = False) -> dict[str, Any]:
        """Attributes as a dict keyed by output name, in the nomenclature's order.

        Parameters
        ----------
        json_safe : bool, default False
            Only plain Python values that :func:`json.dumps` takes and that are valid JSON:
            NaN becomes None (``null``), arrays and Series become lists (a Series' index is
            dropped: the order is the rows'), numpy scalars Python numbers and bools.

        Examples
        --------
        >>> r = estimate(speed_m_s=[1.4, 3.0], mass_kg=70)
        >>> r.to_dict(json_safe=True)["energy_net_kcal"]  # no duration: no energy
        [None, None]
        """
        names = (*OUTPUTS, *self.__dict__.get("_extra", ()))  # then any interval bounds
        values = {name: getattr(self, name) for name in names}
        if not json_safe:
            return values
        return {name: _json_safe(value) for name, value in values.items()}

    def to_json(self, **kwargs: Any) -> str:
        """The result as JSON text (:meth:`to_dict` with ``json_safe=True``): NaN is ``null``.

        Parameters
        ----------
        **kwargs
            Passed to :func:`json.dumps` (``indent=2``...).
        """
        import json  # on request only (import time)

        return json.dumps(self.to_dict(json_safe=True), allow_nan=False, **kwargs)

    def to_frame(self) -> pd.DataFrame:
        """The result as a pandas DataFrame, one row per estimate (imports pandas)."""
        frame: pd.DataFrame = ResultMixin.to_frame(self)
        return frame

    def _repr_html_(self) -> str:
        """HTML table with units, for Jupyter (see :mod:`retrocalc._display`)."""
        from ._display import result_html

        return result_html(self)


def _json_safe(value: Any) -> Any:
    """One output as plain Python: lists for arrays, None for NaN and missing labels."""
    if not isinstance(value, np.ndarray):  # a Series of pandas or polars, an arrow array
        to_list = getattr(value, "to_list", None) or getattr(value, "to_pylist", None)
        if to_list is not None:
            value = np.asarray(to_list(), dtype=object)
    if isinstance(value, np.ndarray):
        return [_json_safe(v) for v in value.tolist()] if value.ndim else _json_safe(value[()])
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if pandas_missing(value):
        return None
    return str(value)


def pandas_missing(value: Any) -> bool:
    """True for pandas' missing markers (NA, NaT) without importing pandas."""
    return type(value).__name__ in ("NAType", "NaTType")


def _labels_in_kind(columns: engine.Columns, name: str) -> Any:
    """A label output in the kind of the inputs: text, or categorical for a Series."""
    packed = columns.packed
    if packed.kind is Kind.SERIES:
        pd = pandas()
        codes = columns.gait_code if name == "gait_used" else columns.model_code
        names = engine.GAIT_NAMES if name == "gait_used" else engine.MODEL_NAMES
        categorical = pd.Categorical.from_codes(codes, categories=list(names))
        return pd.Series(categorical, index=packed.index, name=name, copy=False)
    return packed.unpack(columns.names(name).reshape(packed.shape), name)


def result_of(
    columns: engine.Columns, out: Mapping[str, NDArray[Any]] | None
) -> EstimateResult[Any]:
    packed = columns.packed
    buffers = out or {}
    values: dict[str, Any] = {
        k: packed.unpack(buffers[k] if k in buffers else v.reshape(packed.shape), k)
        for k, v in columns.outputs.items()
    }
    values["_columns"] = columns
    for name in LABEL_OUTPUTS:
        if out is not None and name in out:
            values[name] = packed.unpack(out[name], name)
        elif packed.kind is Kind.SCALAR:
            values[name] = _labels_in_kind(columns, name)
    return EstimateResult._of(values)
