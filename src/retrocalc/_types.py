"""The types of :func:`retrocalc.estimate`'s inputs and options: labels as ``Literal``s,
numeric kinds, and one set of keyword options per kind of input (for the overloads)."""

from __future__ import annotations

import datetime as _dt
import importlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ForwardRef, Literal, TypeAlias, TypedDict, TypeVar

from numpy.typing import NDArray


class Deferred:
    """A module that annotations name, imported when one of them is evaluated.

    The annotations stay strings at run time (postponed evaluation). What they name from
    pandas, polars and :mod:`retrocalc.calibration` is imported for type checkers only; at
    run time those names are a ``Deferred``, so that :func:`typing.get_type_hints` resolves
    them (importing the module then) while ``import retrocalc`` imports none of them.

    Parameters
    ----------
    name : str
        Absolute name of the module (``"pandas"``, ``"retrocalc.calibration"``).
    """

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("_"):  # probes (copy, inspect, doctest's finder) import nothing
            raise AttributeError(attr)
        return getattr(importlib.import_module(self._name), attr)

    def __repr__(self) -> str:
        return f"<module {self._name!r}, imported when an annotation is evaluated>"


# the annotations of the option sets stay strings at run time (postponed evaluation): what
# they name is imported for type checkers only, and deferred at run time
if TYPE_CHECKING:
    import pandas as pd
    import polars as pl

    from . import calibration
else:
    pd, pl = Deferred("pandas"), Deferred("polars")
    calibration = Deferred(f"{__package__}.calibration")


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

if not TYPE_CHECKING:
    # at run time the aliases are forward references evaluated here (a plain string would
    # not take "Numeric | None"); pandas' Series takes a type parameter in pandas-stubs only,
    # so there it is the class itself
    Numeric, Labels, _Many, _Duration, _Pace = (
        ForwardRef(text.replace("pd.Series[Any]", "pd.Series"), module=__name__)
        for text in (Numeric, Labels, _Many, _Duration, _Pace)
    )


class _Common(TypedDict, total=False):
    rmr_equation: RmrEquation | None
    backward_factor: float | Mapping[str, float] | None
    out_of_range: RangePolicy
    pace_unit: Literal["km", "mi"] | None
    interval: float | None
    calibration: calibration.Calibration | None


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


# One option set per kind of input, each naming the kinds of values estimate()'s overload for
# that kind takes. They are only ever read by type checkers: at run time they appear in the
# overloads' annotations, which stay strings (postponed evaluation), so they are plain
# EstimateOptions there. Building them would cost every `import retrocalc` about 3 ms (a
# TypedDict compiles each of its 31 string annotations).
if TYPE_CHECKING:

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
        """Keyword arguments of :func:`estimate` with numbers, lists and ndarrays (ndarrays out)."""

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

else:
    ScalarOptions = ArrayOptions = SeriesOptions = PolarsOptions = EstimateOptions


V = TypeVar("V")
FrameT = TypeVar("FrameT", "pd.DataFrame", "pl.DataFrame", "pl.LazyFrame")
