"""The face of the library: :func:`estimate` and its result.

``estimate()`` checks its options, hands the inputs to an engine (:mod:`retrocalc.engine`:
the plain-float front for one bout of Python numbers, the array engine otherwise) and gives
the results back in the kind of the inputs. It holds no model logic: the rules, models and
checks live in :mod:`retrocalc.composition` (its docstring says how a row is computed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, TypedDict, Unpack, cast, overload

import numpy as np
from numpy.typing import NDArray

from . import engine
from ._display import ResultDisplay
from ._wrap import Kind, is_dataframe, pandas
from .composition.rules import DEFAULT_MODELS, WALK_RUN_TRANSITION_M_S
from .nomenclature import INPUTS, OUTPUTS

if TYPE_CHECKING:
    import pandas as pd

    from .calibration import Calibration

__all__ = [
    "DEFAULT_MODELS",
    "WALK_RUN_TRANSITION_M_S",
    "EstimateOptions",
    "EstimateResult",
    "Labels",
    "Numeric",
    "RangePolicy",
    "estimate",
]

RangePolicy = Literal["warn", "flag", "nan", "raise"]
#: A numeric input: a number, a sequence, an ndarray or a pandas Series.
Numeric: TypeAlias = "float | Sequence[float] | NDArray[Any] | pd.Series[Any]"
#: A text input (gait, direction, model, sex): a string or an array-like of strings.
Labels: TypeAlias = "str | Sequence[str | None] | NDArray[Any] | pd.Series[Any]"


class EstimateOptions(TypedDict, total=False):
    """Keyword arguments of :func:`estimate` (see its docstring for each)."""

    speed_m_s: Numeric
    mass_kg: Numeric
    duration_s: Numeric | None
    distance_m: Numeric | None
    grade: Numeric | None
    gait: Labels | None
    direction: Labels | None
    model: Labels | None
    load_kg: Numeric | None
    terrain_factor: Numeric | None
    resting_vo2_ml_kg_min: Numeric | None
    rmr_equation: Literal["mifflin_st_jeor", "harris_benedict_revised"] | None
    sex: Labels | None
    age_years: Numeric | None
    height_cm: Numeric | None
    rer: Numeric | None
    backward_factor: Numeric | Mapping[str, float] | None
    out_of_range: RangePolicy
    out: Mapping[str, NDArray[Any]] | None
    interval: float | None
    calibration: Calibration | None


_LABEL_OUTPUTS = ("gait_used", "model_used")


class EstimateResult(ResultDisplay):
    """Energy estimate for one bout or many.

    Every attribute has the kind of the inputs: ``float`` (``bool``, ``str``) for scalars,
    ndarray for lists and arrays, Series (same index) for Series. Units are in the names.
    Read-only.

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

    vo2_gross_ml_kg_min: Any
    vo2_net_ml_kg_min: Any
    met: Any
    power_gross_w: Any
    power_net_w: Any
    energy_gross_kcal: Any
    energy_net_kcal: Any
    energy_gross_kj: Any
    energy_net_kj: Any
    cost_of_transport_j_kg_m: Any
    in_range: Any
    gait_used: Any
    model_used: Any

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    @classmethod
    def _of(cls, values: dict[str, Any]) -> EstimateResult:
        result = cls.__new__(cls)
        result.__dict__.update(values)
        return result

    def __getattr__(self, name: str) -> Any:
        # the label outputs of an array call: text made from the codes on first access
        columns = self.__dict__.get("_columns")
        if columns is None or name not in _LABEL_OUTPUTS:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        value = _labels_in_kind(columns, name)
        self.__dict__[name] = value
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"EstimateResult is read-only: cannot set {name!r}")

    def with_outputs(self, **extra: Any) -> EstimateResult:
        """A copy with further outputs (prediction-interval bounds), listed after the others."""
        values = {**self.__dict__, **extra}
        values["_extra"] = (*self.__dict__.get("_extra", ()), *extra)
        return EstimateResult._of(values)

    def replace(self, **changes: Any) -> EstimateResult:
        """A copy with some outputs replaced (as :func:`dataclasses.replace` would)."""
        unknown = set(changes) - set(OUTPUTS)
        if unknown:
            raise TypeError(f"EstimateResult has no outputs {sorted(unknown)}")
        return EstimateResult._of({**self.to_dict(), **changes})

    def to_dict(self) -> dict[str, Any]:
        """Attributes as a dict keyed by output name, in the nomenclature's order (then any
        interval bounds)."""
        names = (*OUTPUTS, *self.__dict__.get("_extra", ()))
        return {name: getattr(self, name) for name in names}

    def to_frame(self) -> pd.DataFrame:
        """The result as a pandas DataFrame, one row per estimate (imports pandas)."""
        frame: pd.DataFrame = ResultDisplay.to_frame(self)
        return frame

    def _repr_html_(self) -> str:
        """HTML table with units, for Jupyter (see :mod:`retrocalc._display`)."""
        from ._display import result_html

        return result_html(self)


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


def _result(columns: engine.Columns, out: Mapping[str, NDArray[Any]] | None) -> EstimateResult:
    packed = columns.packed
    buffers = out or {}
    values: dict[str, Any] = {
        k: packed.unpack(buffers[k] if k in buffers else v.reshape(packed.shape), k)
        for k, v in columns.outputs.items()
    }
    values["_columns"] = columns
    for name in _LABEL_OUTPUTS:
        if out is not None and name in out:
            values[name] = packed.unpack(out[name], name)
        elif packed.kind is Kind.SCALAR:
            values[name] = _labels_in_kind(columns, name)
    return EstimateResult._of(values)


@overload
def estimate(data: pd.DataFrame, /, **options: Unpack[EstimateOptions]) -> pd.DataFrame: ...
@overload
def estimate(data: None = None, /, **options: Unpack[EstimateOptions]) -> EstimateResult: ...
def estimate(
    data: pd.DataFrame | None = None,
    /,
    *,
    speed_m_s: Numeric | None = None,
    mass_kg: Numeric | None = None,
    duration_s: Numeric | None = None,
    distance_m: Numeric | None = None,
    grade: Numeric | None = None,
    gait: Labels | None = None,
    direction: Labels | None = None,
    model: Labels | None = None,
    load_kg: Numeric | None = None,
    terrain_factor: Numeric | None = None,
    resting_vo2_ml_kg_min: Numeric | None = None,
    rmr_equation: Literal["mifflin_st_jeor", "harris_benedict_revised"] | None = None,
    sex: Labels | None = None,
    age_years: Numeric | None = None,
    height_cm: Numeric | None = None,
    rer: Numeric | None = None,
    backward_factor: Numeric | Mapping[str, float] | None = None,
    out_of_range: RangePolicy = "warn",
    out: Mapping[str, NDArray[Any]] | None = None,
    interval: float | None = None,
    calibration: Calibration | None = None,
) -> EstimateResult | pd.DataFrame:
    """Estimate the metabolic energy of walking or running, forward or backward.

    Parameters
    ----------
    data : pandas.DataFrame, optional
        Inputs as columns with canonical names (see :mod:`retrocalc.nomenclature`); keywords
        supply what the frame lacks. Returns the frame plus the result columns, index kept.
    speed_m_s : float, array_like or Series [m/s]
        Speed, >= 0. Required.
    mass_kg : float, array_like or Series [kg]
        Body mass, > 0. Required.
    duration_s : float, array_like or Series [s], optional
        Duration of the bout, >= 0.
    distance_m : float, array_like or Series [m], optional
        Distance instead of duration (needs speed > 0). Without either, energies are NaN.
    grade : float, array_like or Series [1], default 0
        Gradient as a fraction rise/run, negative downhill.
    gait : {"auto", "walk", "run"} or array_like of them, default "auto"
        ``"auto"`` runs at or above :data:`WALK_RUN_TRANSITION_M_S` for the direction.
    direction : {"forward", "backward"} or array_like of them, default "forward"
    model : str or array_like of str, optional
        A registered base model (:func:`retrocalc.models`); default per gait and grade.
    load_kg : float, array_like or Series [kg], default 0
        Carried load; only Pandolf's models take it (others flag a load as out of range).
    terrain_factor : float, array_like or Series [1], default 1
        Pandolf terrain coefficient (:data:`retrocalc.models.TERRAIN_FACTORS`).
    resting_vo2_ml_kg_min : float, array_like or Series [ml/kg/min], optional
        Measured resting VO2. Default 3.5 (1 MET).
    rmr_equation : {"mifflin_st_jeor", "harris_benedict_revised"}, optional
        Resting rate from an equation with ``sex``, ``age_years`` and ``height_cm``.
    sex : {"male", "female"} or array_like of them, optional
    age_years : float, array_like or Series [year], optional
    height_cm : float, array_like or Series [cm], optional
    rer : float, array_like or Series [1], optional
        Respiratory exchange ratio: energy per litre O2 by Weir instead of 5.0 kcal/l.
    backward_factor : float, array_like, Series or mapping {"walk": f, "run": f}, optional
        Replaces the factor on the net forward cost for backward rows.
    out_of_range : {"warn", "flag", "nan", "raise"}, default "warn"
        Inputs outside a validity range: warn (:class:`~retrocalc.RangeWarning`), only flag
        (``in_range`` False), give NaN, or raise :class:`~retrocalc.OutOfRangeError`.
    out : mapping of str to ndarray, optional
        Buffers to write results into instead of allocating them, by output name (any
        subset): C-contiguous, writeable, of the broadcast input shape, float64 for numbers,
        bool for ``in_range``, object for ``gait_used`` and ``model_used``. The results are
        these arrays (wrapped in Series for Series inputs). Saves allocating fresh memory when
        estimating many arrays of one size; the contents are unspecified after an error.
    interval : float, optional
        Confidence level (e.g. 0.95) of a person-to-person prediction interval: adds
        ``<output>_lower`` and ``<output>_upper`` for the power and energy outputs, from the
        model's published spread combined with the direction factor's between-person spread
        (:func:`retrocalc.uncertainty.interval`; which spread each model uses is listed there).
    calibration : Calibration, optional
        A personal calibration (:func:`retrocalc.calibrate`): energy and power outputs scaled
        by the factor fitted for the model family, gait and direction (1 where none was).

    Returns
    -------
    EstimateResult or pandas.DataFrame
        Attributes in the kind of the inputs (see :class:`EstimateResult`); a DataFrame for a
        DataFrame.

    Raises
    ------
    TypeError
        A required input is missing, or text is given where numbers belong.
    ValueError
        A value is impossible (mass <= 0, negative speed, unknown gait...): the message names
        the parameter, the value, its position and what was expected.

    References
    ----------
    .. [1] Wright S., Weyand P.G. (2001). J Exp Biol 204(10):1805-1815.
       :doi:`10.1242/jeb.204.10.1805`
    .. [2] Hreljac A. et al. (2005). J Sports Sci Med 4(4):446-454.

    Examples
    --------
    >>> r = estimate(speed_m_s=3.0, mass_kg=70, duration_s=1800, gait="run",
    ...              direction="backward")
    >>> round(r.energy_net_kcal, 1)
    510.3
    """
    opts = engine.options(rmr_equation, backward_factor, out_of_range)
    given: dict[str, Any] = {
        "speed_m_s": speed_m_s,
        "mass_kg": mass_kg,
        "duration_s": duration_s,
        "distance_m": distance_m,
        "grade": grade,
        "gait": gait,
        "direction": direction,
        "model": model,
        "load_kg": load_kg,
        "terrain_factor": terrain_factor,
        "resting_vo2_ml_kg_min": resting_vo2_ml_kg_min,
        "sex": sex,
        "age_years": age_years,
        "height_cm": height_cm,
        "rer": rer,
    }
    if interval is not None and not 0.0 < interval < 1.0:
        raise ValueError(
            f"interval must be a confidence level in (0, 1), e.g. 0.95; got {interval!r}"
        )
    if data is None:
        result: EstimateResult | None = None
        if out is None:
            # one bout of plain numbers: the composition on Python floats, no numpy
            fast = engine.evaluate_scalar(given, opts)
            if fast is not None:
                result = EstimateResult._of(fast)
        if result is None:
            result = _result(engine.evaluate(given, opts, out=out), out)
        if interval is None and calibration is None:
            return result
        return cast(
            EstimateResult, _personal(result, given, backward_factor, interval, calibration)
        )
    if not is_dataframe(data):
        raise TypeError(
            "estimate() takes a pandas DataFrame as its only positional argument; pass "
            f"other inputs by keyword (got {type(data).__name__})"
        )
    pandas_ = pandas()  # registers df.retro too
    for name in INPUTS:
        if name in data.columns:
            if given[name] is not None:
                raise ValueError(
                    f"{name} is both a column of the DataFrame and a keyword; give it once"
                )
            given[name] = data[name]
    n = len(data)
    columns = engine.evaluate(given, opts, index=data.index, out=out)
    frame = data.copy()
    for name, value in columns.outputs.items():
        frame[name] = np.broadcast_to(value, (n,)) if value.size != n else value
    for name in _LABEL_OUTPUTS:
        codes = columns.gait_code if name == "gait_used" else columns.model_code
        names = engine.GAIT_NAMES if name == "gait_used" else engine.MODEL_NAMES
        frame[name] = pandas_.Categorical.from_codes(
            np.broadcast_to(codes, (n,)), categories=list(names)
        )
    if interval is None and calibration is None:
        return frame
    return cast("pd.DataFrame", _personal(frame, given, backward_factor, interval, calibration))


def _personal(
    result: Any,
    given: Mapping[str, Any],
    backward_factor: Any,
    interval: float | None,
    calibration: Calibration | None,
) -> Any:
    """A calibration applied, then prediction-interval bounds added (result or frame)."""
    direction = given["direction"] if given["direction"] is not None else "forward"
    if calibration is not None:
        result = calibration.apply(result, direction=direction)
    if interval is None:
        return result
    from .uncertainty import interval_columns

    frame = hasattr(result, "columns")

    def get(name: str) -> Any:
        return np.asarray(result[name] if frame else getattr(result, name), dtype=np.float64)

    with np.errstate(divide="ignore", invalid="ignore"):
        # the bout's duration as the estimate used it (given, or from a distance)
        duration = get("energy_gross_kj") * 1000.0 / get("power_gross_w")
    bounds = interval_columns(
        result,
        mass_kg=given["mass_kg"],
        direction=direction,
        grade=given["grade"] if given["grade"] is not None else 0.0,
        duration_s=duration,
        level=interval,
        backward_factor=None if isinstance(backward_factor, Mapping) else backward_factor,
    )
    if frame:
        out = result.copy()
        for name, value in bounds.items():
            out[name] = np.asarray(value)
        return out
    return result.with_outputs(**bounds)
