"""The face of the library: :func:`estimate` and its result.

``estimate()`` checks its options, hands the inputs to an engine (:mod:`retrocalc.engine`:
the plain-float front for one bout of Python numbers, the array engine otherwise) and gives
the results back in the kind of the inputs. It holds no model logic: the rules, models and
checks live in :mod:`retrocalc.composition` (its docstring says how a row is computed).
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import warnings
from collections.abc import Mapping, Sequence
from typing import (
    TYPE_CHECKING,
    Any,
    Generic,
    Literal,
    TypeAlias,
    TypedDict,
    TypeVar,
    Unpack,
    overload,
)

import numpy as np
from numpy.typing import NDArray

from . import _derive, _frames, engine
from ._wrap import MISSING_LABELS, Kind, Locator, is_dataframe, is_series, pandas
from .composition.rules import DEFAULT_MODELS, WALK_RUN_TRANSITION_M_S
from .exceptions import RetrocalcWarning
from .nomenclature import (
    ACTIVITY_TYPE,
    ALIASES,
    INPUTS,
    OUTPUTS,
    convert,
    lookup,
    normalise,
    unknown_name,
)

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl

    from .calibration import Calibration

__all__ = [
    "DEFAULT_MODELS",
    "WALK_RUN_TRANSITION_M_S",
    "Direction",
    "EstimateOptions",
    "EstimateResult",
    "Gait",
    "Labels",
    "Numeric",
    "RangePolicy",
    "RmrEquation",
    "Sex",
    "estimate",
]

RangePolicy = Literal["warn", "flag", "nan", "raise"]
#: The gaits :func:`estimate` takes (a typo such as ``"jog"`` fails type checking).
Gait = Literal["auto", "walk", "run"]
#: The directions of travel.
Direction = Literal["forward", "backward"]
#: Sexes of the resting-metabolic-rate equations.
Sex = Literal["male", "female", "m", "f"]
RmrEquation = Literal["mifflin_st_jeor", "harris_benedict_revised"]
#: A numeric input: a number, a sequence, an ndarray, a pandas or polars Series or a pyarrow
#: ChunkedArray (polars and pyarrow through narwhals).
Numeric: TypeAlias = "float | Sequence[float] | NDArray[Any] | pd.Series[Any] | pl.Series"
#: A text input (model): a string or an array-like of strings.
Labels: TypeAlias = "str | Sequence[str | None] | NDArray[Any] | pd.Series[Any] | pl.Series"
_Many: TypeAlias = "NDArray[Any] | pd.Series[Any] | pl.Series"
_Duration: TypeAlias = "str | _dt.timedelta | float | Sequence[str | _dt.timedelta | float | None]"
_Pace: TypeAlias = "str | float | Sequence[str | float | None]"
#: Numbers for one bout: what gives float results.
_Array: TypeAlias = "float | Sequence[float] | NDArray[Any]"


class _Common(TypedDict, total=False):
    rmr_equation: RmrEquation | None
    backward_factor: float | Mapping[str, float] | None
    out_of_range: RangePolicy
    pace_unit: Literal["km", "mi"] | None
    interval: float | None
    calibration: Calibration | None


# The option sets below differ only in the kinds of values (one per overload of estimate()).
class ScalarOptions(_Common, total=False):
    """Keyword arguments of :func:`estimate` with one bout of plain numbers (float results)."""

    speed_m_s: float
    mass_kg: float
    duration_s: float | None
    distance_m: float | None
    grade: float | None
    load_kg: float | None
    terrain_factor: float | None
    resting_vo2_ml_kg_min: float | None
    age_years: float | None
    height_cm: float | None
    rer: float | None
    gait: Gait | None
    direction: Direction | None
    model: str | None
    sex: Sex | None
    speed_kmh: float
    speed_mph: float
    pace: str
    pace_min_km: float
    pace_min_mi: float
    mass_lb: float
    load_lb: float
    duration: str | _dt.timedelta
    duration_min: float
    duration_h: float
    distance_km: float
    distance_mi: float
    grade_pct: float
    grade_deg: float
    height_in: float


class ArrayOptions(_Common, total=False):
    """Keyword arguments of :func:`estimate` with numbers, lists and ndarrays (ndarray results)."""

    speed_m_s: float | Sequence[float] | NDArray[Any]
    mass_kg: float | Sequence[float] | NDArray[Any]
    duration_s: float | Sequence[float] | NDArray[Any] | None
    distance_m: float | Sequence[float] | NDArray[Any] | None
    grade: float | Sequence[float] | NDArray[Any] | None
    load_kg: float | Sequence[float] | NDArray[Any] | None
    terrain_factor: float | Sequence[float] | NDArray[Any] | None
    resting_vo2_ml_kg_min: float | Sequence[float] | NDArray[Any] | None
    age_years: float | Sequence[float] | NDArray[Any] | None
    height_cm: float | Sequence[float] | NDArray[Any] | None
    rer: float | Sequence[float] | NDArray[Any] | None
    gait: Gait | Sequence[Gait | None] | NDArray[Any] | None
    direction: Direction | Sequence[Direction | None] | NDArray[Any] | None
    model: str | Sequence[str | None] | NDArray[Any] | None
    sex: Sex | Sequence[Sex | None] | NDArray[Any] | None
    speed_kmh: float | Sequence[float] | NDArray[Any]
    speed_mph: float | Sequence[float] | NDArray[Any]
    pace: _Pace | NDArray[Any]
    pace_min_km: float | Sequence[float] | NDArray[Any]
    pace_min_mi: float | Sequence[float] | NDArray[Any]
    mass_lb: float | Sequence[float] | NDArray[Any]
    load_lb: float | Sequence[float] | NDArray[Any]
    duration: _Duration | NDArray[Any]
    duration_min: float | Sequence[float] | NDArray[Any]
    duration_h: float | Sequence[float] | NDArray[Any]
    distance_km: float | Sequence[float] | NDArray[Any]
    distance_mi: float | Sequence[float] | NDArray[Any]
    grade_pct: float | Sequence[float] | NDArray[Any]
    grade_deg: float | Sequence[float] | NDArray[Any]
    height_in: float | Sequence[float] | NDArray[Any]
    out: Mapping[str, NDArray[Any]] | None


class SeriesOptions(_Common, total=False):
    """Keyword arguments of :func:`estimate` with pandas Series and numbers (Series results)."""

    speed_m_s: float | pd.Series[Any]
    mass_kg: float | pd.Series[Any]
    duration_s: float | pd.Series[Any] | None
    distance_m: float | pd.Series[Any] | None
    grade: float | pd.Series[Any] | None
    load_kg: float | pd.Series[Any] | None
    terrain_factor: float | pd.Series[Any] | None
    resting_vo2_ml_kg_min: float | pd.Series[Any] | None
    age_years: float | pd.Series[Any] | None
    height_cm: float | pd.Series[Any] | None
    rer: float | pd.Series[Any] | None
    gait: Gait | pd.Series[Any] | None
    direction: Direction | pd.Series[Any] | None
    model: str | pd.Series[Any] | None
    sex: Sex | pd.Series[Any] | None
    speed_kmh: float | pd.Series[Any]
    speed_mph: float | pd.Series[Any]
    pace: str | pd.Series[Any]
    pace_min_km: float | pd.Series[Any]
    pace_min_mi: float | pd.Series[Any]
    mass_lb: float | pd.Series[Any]
    load_lb: float | pd.Series[Any]
    duration: str | _dt.timedelta | pd.Series[Any]
    duration_min: float | pd.Series[Any]
    duration_h: float | pd.Series[Any]
    distance_km: float | pd.Series[Any]
    distance_mi: float | pd.Series[Any]
    grade_pct: float | pd.Series[Any]
    grade_deg: float | pd.Series[Any]
    height_in: float | pd.Series[Any]
    out: Mapping[str, NDArray[Any]] | None


class PolarsOptions(_Common, total=False):
    """Keyword arguments of :func:`estimate` with polars Series and numbers (polars results)."""

    speed_m_s: float | pl.Series
    mass_kg: float | pl.Series
    duration_s: float | pl.Series | None
    distance_m: float | pl.Series | None
    grade: float | pl.Series | None
    load_kg: float | pl.Series | None
    terrain_factor: float | pl.Series | None
    resting_vo2_ml_kg_min: float | pl.Series | None
    age_years: float | pl.Series | None
    height_cm: float | pl.Series | None
    rer: float | pl.Series | None
    gait: Gait | pl.Series | None
    direction: Direction | pl.Series | None
    model: str | pl.Series | None
    sex: Sex | pl.Series | None
    speed_kmh: float | pl.Series
    speed_mph: float | pl.Series
    pace: str | pl.Series
    pace_min_km: float | pl.Series
    pace_min_mi: float | pl.Series
    mass_lb: float | pl.Series
    load_lb: float | pl.Series
    duration: str | _dt.timedelta | pl.Series
    duration_min: float | pl.Series
    duration_h: float | pl.Series
    distance_km: float | pl.Series
    distance_mi: float | pl.Series
    grade_pct: float | pl.Series
    grade_deg: float | pl.Series
    height_in: float | pl.Series
    out: Mapping[str, NDArray[Any]] | None


class EstimateOptions(_Common, total=False):
    """Keyword arguments of :func:`estimate` of any kind (see its docstring for each); the
    unit aliases of :data:`retrocalc.nomenclature.ALIASES` are keywords too."""

    speed_m_s: Numeric
    mass_kg: Numeric
    duration_s: Numeric | None
    distance_m: Numeric | None
    grade: Numeric | None
    load_kg: Numeric | None
    terrain_factor: Numeric | None
    resting_vo2_ml_kg_min: Numeric | None
    age_years: Numeric | None
    height_cm: Numeric | None
    rer: Numeric | None
    gait: Gait | Sequence[Gait | None] | _Many | None
    direction: Direction | Sequence[Direction | None] | _Many | None
    model: str | Sequence[str | None] | _Many | None
    sex: Sex | Sequence[Sex | None] | _Many | None
    speed_kmh: Numeric
    speed_mph: Numeric
    pace: _Pace | _Many
    pace_min_km: Numeric
    pace_min_mi: Numeric
    mass_lb: Numeric
    load_lb: Numeric
    duration: _Duration | _Many
    duration_min: Numeric
    duration_h: Numeric
    distance_km: Numeric
    distance_mi: Numeric
    grade_pct: Numeric
    grade_deg: Numeric
    height_in: Numeric
    out: Mapping[str, NDArray[Any]] | None


class FrameOptions(EstimateOptions, total=False):
    """Keyword arguments of :func:`estimate` with a DataFrame: ``status`` adds the columns
    ``status`` and ``error`` the command line writes."""

    status: bool


_V = TypeVar("_V")
_FrameT = TypeVar("_FrameT", "pd.DataFrame", "pl.DataFrame", "pl.LazyFrame")


_LABEL_OUTPUTS = ("gait_used", "model_used")


class EstimateResult(Generic[_V]):
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

    vo2_gross_ml_kg_min: _V
    vo2_net_ml_kg_min: _V
    met: _V
    power_gross_w: _V
    power_net_w: _V
    energy_gross_kcal: _V
    energy_net_kcal: _V
    energy_gross_kj: _V
    energy_net_kj: _V
    cost_of_transport_j_kg_m: _V
    in_range: Any
    gait_used: Any
    model_used: Any

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    @classmethod
    def _of(cls, values: dict[str, Any]) -> EstimateResult[Any]:
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

    def with_outputs(self, **extra: Any) -> EstimateResult[_V]:
        """A copy with further outputs (prediction-interval bounds), listed after the others."""
        values = {**self.__dict__, **extra}
        values["_extra"] = (*self.__dict__.get("_extra", ()), *extra)
        return EstimateResult._of(values)

    def replace(self, **changes: Any) -> EstimateResult[_V]:
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
        return json.dumps(self.to_dict(json_safe=True), allow_nan=False, **kwargs)

    def to_frame(self) -> pd.DataFrame:
        """The result as a pandas DataFrame, one row per estimate (imports pandas)."""
        pandas_ = pandas()
        data = self.to_dict()
        index = next((v.index for v in data.values() if isinstance(v, pandas_.Series)), None)
        flat = {k: np.ravel(np.asarray(v)) for k, v in data.items()}
        frame: pd.DataFrame = pandas_.DataFrame(flat, index=index)
        return frame

    def __repr__(self) -> str:
        parts = []
        for name, value in self.to_dict().items():
            text = f"{value:.6g}" if isinstance(value, float) else repr(value)
            if "\n" in text:
                text = f"<{type(value).__name__} shape {np.shape(value)}>"
            parts.append(f"    {name}={text}")
        return "EstimateResult(\n" + ",\n".join(parts) + ",\n)"

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


def _result(columns: engine.Columns, out: Mapping[str, NDArray[Any]] | None) -> EstimateResult[Any]:
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
def estimate(data: _FrameT, /, **options: Unpack[FrameOptions]) -> _FrameT: ...
@overload
def estimate(data: None = None, /, **options: Unpack[ScalarOptions]) -> EstimateResult[float]: ...
@overload
def estimate(
    data: None = None, /, **options: Unpack[ArrayOptions]
) -> EstimateResult[NDArray[np.float64]]: ...
@overload
def estimate(
    data: None = None, /, **options: Unpack[SeriesOptions]
) -> EstimateResult[pd.Series[float]]: ...
@overload
def estimate(
    data: None = None, /, **options: Unpack[PolarsOptions]
) -> EstimateResult[pl.Series]: ...
def estimate(
    data: Any = None,
    /,
    *,
    speed_m_s: Any = None,
    mass_kg: Any = None,
    duration_s: Any = None,
    distance_m: Any = None,
    grade: Any = None,
    gait: Any = None,
    direction: Any = None,
    model: Any = None,
    load_kg: Any = None,
    terrain_factor: Any = None,
    resting_vo2_ml_kg_min: Any = None,
    rmr_equation: RmrEquation | None = None,
    sex: Any = None,
    age_years: Any = None,
    height_cm: Any = None,
    rer: Any = None,
    backward_factor: Any = None,
    out_of_range: RangePolicy = "warn",
    out: Mapping[str, NDArray[Any]] | None = None,
    status: bool = False,
    pace_unit: Literal["km", "mi"] | None = None,
    interval: float | None = None,
    calibration: Calibration | None = None,
    **aliases: Any,
) -> Any:
    """Estimate the metabolic energy of walking or running, forward or backward.

    Parameters
    ----------
    data : DataFrame, optional
        Inputs as columns named as the keywords: canonical names or unit aliases of
        :mod:`retrocalc.nomenclature`, matched ignoring case, blanks and hyphens; other
        columns are kept untouched (a column with the canonical name wins over aliases of
        the same input, e.g. ``speed_m_s`` over ``pace``; two aliases of one input are
        refused). An export's activity type column (``Activity Type``) gives ``gait``
        unless one is given, and ``direction`` unless one is given
        (:func:`retrocalc.activity_types.activity_gait`);
        a row whose type maps to no gait gets no estimate (why: with ``status=True``).
        Keywords supply what the frame lacks. Returns the frame
        plus the result columns, index kept. A pandas DataFrame is the reference; a polars
        DataFrame or LazyFrame or a pyarrow Table gives the same type back (through
        narwhals: ``pip install 'retrocalc[frames]'``). A frame with columns named like
        results is refused (``ValueError``) rather than overwritten, except a frame
        ``estimate()`` made, whose results a re-run replaces.
    speed_m_s : float, array_like or Series [m/s]
        Speed, >= 0. Required, unless both ``duration_s`` and ``distance_m`` are given:
        speed is then distance / duration. Given with both, the distance must agree with
        speed x duration within 5 % (else ``ValueError``) and the energy is power x duration.
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
    status : bool, default False
        With a DataFrame: add the columns ``status`` (``ok``, ``out_of_range``, ``error``)
        and ``error`` (why) that the command line writes. A row with a missing or impossible
        input gets ``error`` and empty results instead of raising; range warnings are not
        emitted (the reasons are in the column).
    pace_unit : {"km", "mi"}, optional
        Distance unit of ``pace`` text written without one (``"5:30"``).
    interval : float, optional
        Confidence level (e.g. 0.95) of a person-to-person prediction interval: adds
        ``<output>_lower`` and ``<output>_upper`` for the power and energy outputs, from the
        model's published spread combined with the direction factor's between-person spread
        (:func:`retrocalc.uncertainty.interval`; which spread each model uses is listed there).
    calibration : Calibration, optional
        A personal calibration (:func:`retrocalc.calibrate`): energy and power outputs scaled
        by the factor fitted for the model family, gait and direction (1 where none was).
    **aliases
        Inputs in other units, by the names of :data:`retrocalc.nomenclature.ALIASES`:
        ``speed_kmh``, ``speed_mph``, ``pace`` (``"5:30/km"``), ``mass_lb``, ``duration``
        (``"1:02:03"``, ``"45:10"``, timedeltas), ``duration_min``, ``distance_km``,
        ``grade_pct``... Another name is a ``TypeError`` with did-you-mean suggestions.

    Returns
    -------
    EstimateResult or pandas.DataFrame
        Attributes in the kind of the inputs (see :class:`EstimateResult`); a DataFrame for a
        DataFrame.

    Raises
    ------
    TypeError
        A required input is missing, text is given where numbers belong, or a keyword is
        unknown (the message suggests close names: ``speed=`` -> ``speed_m_s``).
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
    personal = interval is not None or calibration is not None
    plain = data is None and out is None and not aliases and not status
    if plain and (duration_s is None or distance_m is None):
        # one bout of plain numbers: the composition on Python floats, no numpy (it declines
        # anything else: arrays, Series, numpy scalars...)
        fast = engine.evaluate_scalar(given, opts)
        if fast is not None:
            if not personal:
                return EstimateResult._of(fast)
            one = EstimateResult._of(fast)
            return _personal(one, given, backward_factor, interval, calibration)
    if aliases:
        _add_aliases(given, aliases, pace_unit, "keyword")
    if data is None:
        if status:
            raise TypeError("status=True adds columns to a DataFrame: pass one as data")
        foreign = None
        for value in given.values():
            if value is not None and type(value) not in _PLAIN:  # arrays, Series...
                foreign = _frames.foreign_series(given)
                break
        if (duration_s is not None and distance_m is not None) or aliases:
            _derive.reconcile(given, _locator(given))
        if out is None and foreign is None:
            fast = engine.evaluate_scalar(given, opts)  # aliases given as plain numbers
            if fast is not None:
                one = EstimateResult._of(fast)
                return _personal(one, given, backward_factor, interval, calibration)
        result = _result(engine.evaluate(given, opts, out=out), out)
        if personal:
            result = _personal(result, given, backward_factor, interval, calibration)
        return result if foreign is None else _frames.result_in(result, foreign)
    if is_dataframe(data):
        done = _estimate_frame(data, given, opts, out, status, pace_unit)
        return _personal(done, given, backward_factor, interval, calibration)
    native = _frames.frame_kind(data)
    if native is None:
        raise TypeError(
            "estimate() takes a DataFrame (pandas, polars DataFrame or LazyFrame, pyarrow "
            "Table) as its only positional argument; pass other inputs by keyword (got "
            f"{type(data).__name__})"
        )
    frame, back = _frames.to_pandas(data)
    done = _estimate_frame(frame, given, opts, out, status, pace_unit)
    return back(_personal(done, given, backward_factor, interval, calibration))


def _personal(
    result: Any,
    given: Mapping[str, Any],
    backward_factor: Any,
    interval: float | None,
    calibration: Calibration | None,
) -> Any:
    """A calibration applied, then prediction-interval bounds added (a result or a frame)."""
    if interval is None and calibration is None:
        return result
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


def _locator(given: Mapping[str, Any]) -> Locator:
    index = next((v.index for v in given.values() if is_series(v)), None)
    size = max((np.size(v) for v in given.values() if v is not None), default=1)
    return Locator((size,), index)


def _add_aliases(
    given: dict[str, Any], aliases: Mapping[str, Any], pace_unit: str | None, what: str
) -> None:
    """Put values given under unit aliases into ``given``, in canonical units.

    ``what`` is "keyword" or "column", for messages.
    """
    for name, value in aliases.items():
        found = lookup(name) if what == "column" else _keyword(name)
        if found is None:
            if what == "keyword":
                raise TypeError(unknown_name(name, "estimate() got an unexpected keyword argument"))
            continue
        canonical, alias = found
        if given.get(canonical) is not None:
            raise ValueError(
                f"{canonical} is given twice (as {name!r} and as {canonical} or another of its "
                f"aliases: {', '.join(a for a, s in ALIASES.items() if s.canonical == canonical)})"
                "; give it once"
            )
        if value is None:
            continue
        given[canonical] = value if alias is None else _converted(alias, value, pace_unit, name)


def _keyword(name: str) -> tuple[str, str | None] | None:
    """A keyword is an alias spelled exactly (keywords are identifiers: no case games)."""
    return (ALIASES[name].canonical, name) if name in ALIASES else None


def _converted(alias: str, value: Any, pace_unit: str | None, name: str) -> Any:
    native = _frames.series_kind(value)
    try:
        if native is not None:
            return native(convert(alias, _frames.series_numpy(value), pace_unit=pace_unit))
        return convert(alias, value, pace_unit=pace_unit)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{name}: {exc}") from None


def _estimate_frame(
    data: pd.DataFrame,
    given: dict[str, Any],
    opts: engine.Options,
    out: Mapping[str, NDArray[Any]] | None,
    status: bool,
    pace_unit: str | None,
) -> pd.DataFrame:
    """estimate() of a pandas DataFrame: its columns by the nomenclature's resolver."""
    pd = pandas()  # registers df.retro too
    result_names = [*OUTPUTS, "status", "error"]
    clashes = [c for c in data.columns if isinstance(c, str) and c in result_names]
    previous = set(OUTPUTS) <= set(clashes)  # a frame estimate() made: a re-run replaces them
    if clashes and not previous:
        raise ValueError(
            f"the DataFrame has columns named like results {clashes}: estimate() would "
            f"overwrite them; rename them first (df.rename(columns=...)) or drop them"
        )
    if previous:
        data = data.drop(columns=clashes)
    found: dict[str, str] = {}
    # a column with the canonical name wins over unit aliases of the same input (a frame
    # often keeps the "pace" its "speed_m_s" was computed from); two aliases are ambiguous
    canonical_columns = {c for c in data.columns if isinstance(c, str) and c in INPUTS}
    for column in data.columns:
        match = lookup(column) if isinstance(column, str) else None
        if match is None or (match[0] in canonical_columns and column != match[0]):
            continue
        canonical = match[0]
        if canonical in found:
            raise ValueError(
                f"columns {found[canonical]!r} and {column!r} both give {canonical}; keep one"
            )
        if given[canonical] is not None:
            raise ValueError(
                f"{canonical} is both a column of the DataFrame ({column!r}) and a keyword; "
                "give it once"
            )
        found[canonical] = column
    for canonical, column in found.items():
        alias = lookup(column)[1]  # type: ignore[index]
        given[canonical] = (
            data[column] if alias is None else _converted(alias, data[column], pace_unit, column)
        )
    extra = _activity(data, given)
    skip = {"gait", "direction"} if extra is not None else set()  # the type's reason instead
    derived = given["speed_m_s"] is None
    if given["duration_s"] is not None and given["distance_m"] is not None:
        if derived and status:  # a missing speed is a missing distance or duration
            for name in ("duration_s", "distance_m"):
                extra = _join(extra, _missing_reasons({name: given[name]}, len(data)))
        _derive.reconcile(given, Locator((len(data),), data.index))
    else:
        derived = False
    n = len(data)
    frame = data.copy()
    if status:
        if derived:
            skip.add("speed_m_s")  # the missing distance or duration instead
        columns, texts, state = _with_status(given, opts, data.index, n, extra, skip)
    else:
        columns = engine.evaluate(given, opts, index=data.index, out=out)
    for name, value in columns.outputs.items():
        frame[name] = np.broadcast_to(value, (n,)) if value.size != n else value
    for name in _LABEL_OUTPUTS:
        codes = columns.gait_code if name == "gait_used" else columns.model_code
        names = engine.GAIT_NAMES if name == "gait_used" else engine.MODEL_NAMES
        frame[name] = pd.Categorical.from_codes(
            np.broadcast_to(codes, (n,)), categories=list(names)
        )
    if status:
        frame["status"] = pd.Categorical.from_codes(state, categories=list(_STATUS))
        frame["error"] = pd.Series(texts, index=data.index, dtype=object)
    return frame


def _activity(data: pd.DataFrame, given: dict[str, Any]) -> NDArray[Any] | None:
    """An export's activity type column as gait (unless one is given) and direction (unless
    one is given); why each row's type gives none (``""`` where it does), or None."""
    column = next(
        (c for c in data.columns if isinstance(c, str) and normalise(c) == ACTIVITY_TYPE), None
    )
    if column is None or given["gait"] is not None:  # a given gait wins, as in the batch
        return None
    from .activity_types import activity_gait

    gait, direction, why = activity_gait(data[column])
    given["gait"] = gait
    if given["direction"] is None:  # a given direction wins over the type's
        given["direction"] = direction
    reasons = np.asarray(why, dtype=object)
    prefix = np.full(reasons.shape, f"{column}: ", dtype=object)
    out: NDArray[Any] = np.where(reasons != "", prefix + reasons, "")
    return out


_STATUS = ("ok", "out_of_range", "error")
_PLAIN = frozenset({float, int, str, bool})


def _with_status(
    given: dict[str, Any],
    opts: engine.Options,
    index: Any,
    n: int,
    extra: NDArray[Any] | None = None,
    skip: frozenset[str] | set[str] = frozenset(),
) -> tuple[engine.Columns, NDArray[Any], NDArray[np.int8]]:
    """The engine with the batch's per-row status: why each row is flagged (its
    ``row_reasons``), and rows it rejects marked ``error`` instead of raising.

    A row the engine rejects (an impossible value) is isolated by evaluating the rows one
    block at a time and bisecting only the blocks that fail, as the batch does.
    """
    for name in ("speed_m_s", "mass_kg"):
        if given.get(name) is None:
            raise TypeError(f"estimate() needs {name} ({INPUTS[name].description})")
    arrays = {k: (v.to_numpy() if is_series(v) else v) for k, v in given.items() if v is not None}
    arrays = {
        k: np.broadcast_to(np.asarray(v), (n,)) if np.ndim(np.asarray(v)) else v
        for k, v in arrays.items()
    }
    reasons = np.full(n, None, dtype=object)
    bad = np.zeros(n, dtype=bool)
    why = engine.RowReasons(n)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RetrocalcWarning)  # reported per row instead
            columns = engine.evaluate(arrays, opts, row_reasons=why)
    except (ValueError, TypeError):  # some rows are rejected: find them, estimate the rest
        _bisect(arrays, opts, np.arange(n), reasons, bad)
        clean = {k: (np.where(bad, _blank(v), v) if np.ndim(v) else v) for k, v in arrays.items()}
        why = engine.RowReasons(n)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RetrocalcWarning)
            columns = engine.evaluate(clean, opts, row_reasons=why)
    # reasons found before (activity type, a distance or duration the speed came from)
    # replace the "missing value" of what was made from them
    missing = _join(extra, _missing_reasons({k: v for k, v in arrays.items() if k not in skip}, n))
    if missing is not None:  # a missing input is an error, as in the command line's output
        has = missing != ""
        reasons = np.where(has & bad, missing + "; " + reasons.astype(str), reasons)
        reasons = np.where(has & ~bad, missing, reasons)
        bad = bad | has
    flagged = why.codes >= 0
    texts = np.array([*why.texts, None], dtype=object)[np.where(flagged, why.codes, len(why.texts))]
    texts = np.where(bad, reasons, texts)
    in_range = np.broadcast_to(columns.outputs["in_range"], (n,)) & ~bad
    state = np.where(bad, 2, np.where(in_range, 0, 1)).astype(np.int8)
    for name, value in columns.outputs.items():
        if name == "in_range":
            columns.outputs[name] = in_range
        elif value.dtype.kind == "f" and bad.any():
            columns.outputs[name] = np.where(bad, np.nan, np.broadcast_to(value, (n,)))
    return columns, texts, state


def _missing_reasons(arrays: Mapping[str, Any], n: int) -> NDArray[Any] | None:
    """``"name: missing value"`` for each missing input of each row, joined by ``"; "``
    (``""`` for a complete row); None when no row misses anything."""
    out = np.full(n, "", dtype=object)
    for name, values in arrays.items():
        if not np.ndim(values) or name == "model":  # no model is the default model
            continue
        if INPUTS[name].dtype == "float":
            mask = np.isnan(np.asarray(values, dtype=np.float64))
        else:  # each distinct label once: a column has a handful of them
            text = np.asarray(values, dtype=object).astype(str)
            uniq, inverse = np.unique(text, return_inverse=True)
            empty = np.array([u.strip().lower() in MISSING_LABELS for u in uniq.tolist()])
            mask = empty[inverse.reshape(-1)] if uniq.size else np.zeros(n, dtype=bool)
        if mask.any():
            label = f"{name}: missing value"
            out = np.where(mask & (out != ""), out + "; " + label, np.where(mask, label, out))
    return out if (out != "").any() else None


def _join(a: NDArray[Any] | None, b: NDArray[Any] | None) -> NDArray[Any] | None:
    """Two arrays of reasons joined row by row with ``"; "`` (``""`` is no reason)."""
    if a is None or not (a != "").any():
        return b
    if b is None or not (b != "").any():
        return a
    joined: NDArray[Any] = np.where((a != "") & (b != ""), a + "; " + b, np.where(a != "", a, b))
    return joined


def _blank(values: NDArray[Any]) -> Any:
    return "" if values.dtype.kind in "UOS" else np.nan


def _bisect(
    arrays: Mapping[str, Any],
    opts: engine.Options,
    rows: NDArray[np.intp],
    reasons: NDArray[Any],
    bad: NDArray[np.bool_],
) -> None:
    part = {k: (v[rows] if np.ndim(v) else v) for k, v in arrays.items()}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RetrocalcWarning)
            engine.evaluate(part, opts)
    except (ValueError, TypeError) as exc:
        if rows.size == 1:
            bad[rows] = True
            reasons[rows] = str(exc).replace(" at index 0", "").replace(" (at index 0)", "")
            return
        half = rows.size // 2
        _bisect(arrays, opts, rows[:half], reasons, bad)
        _bisect(arrays, opts, rows[half:], reasons, bad)
