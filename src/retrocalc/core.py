"""The face of the library: :func:`estimate` and its result.

``estimate()`` checks its options, hands the inputs to an engine (:mod:`retrocalc.engine`:
the plain-float front for one bout of Python numbers, the array engine otherwise) and gives
the results back in the kind of the inputs. It holds no model logic: the rules, models and
checks live in :mod:`retrocalc.composition` (its docstring says how a row is computed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    Unpack,
    overload,
)

import numpy as np
from numpy.typing import NDArray

from . import engine
from ._types import (
    ArrayOptions,
    Deferred,
    Direction,
    EstimateOptions,
    FrameOptions,
    FrameT,
    Gait,
    Labels,
    Numeric,
    PolarsOptions,
    RangePolicy,
    RmrEquation,
    ScalarOptions,
    SeriesOptions,
    Sex,
)
from ._wrap import is_dataframe
from .composition.rules import DEFAULT_MODELS, WALK_RUN_TRANSITION_M_S
from .models import ModelSpec
from .result import EstimateResult, result_of

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl

    from . import calibration
else:  # for typing.get_type_hints(estimate), not imported before (see Deferred)
    calibration = Deferred(f"{__package__}.calibration")


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


@overload
def estimate(data: FrameT, /, **options: Unpack[FrameOptions]) -> FrameT: ...
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
    calibration: calibration.Calibration | None = None,
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
    model : str, ModelSpec or array_like of str, optional
        A registered base model (:func:`retrocalc.models`), by name or as its spec
        (:func:`retrocalc.get_model`); default per gait and grade.
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
    if interval is not None and not 0.0 < interval < 1.0:
        raise ValueError(
            f"interval must be a confidence level in (0, 1), e.g. 0.95; got {interval!r}"
        )
    personal = interval is not None or calibration is not None
    fast = None
    if (
        data is None
        and out is None
        and not aliases
        and not status
        and (duration_s is None or distance_m is None)
    ):
        # one bout of plain numbers: the composition on Python floats, no numpy (it declines
        # anything else: arrays, Series, numpy scalars...); the inputs in the order of
        # nomenclature.INPUTS (tests/test_engines.py checks it)
        fast = engine.evaluate_scalar(
            opts,
            speed_m_s,
            mass_kg,
            duration_s,
            distance_m,
            grade,
            gait,
            direction,
            model,
            load_kg,
            terrain_factor,
            resting_vo2_ml_kg_min,
            sex,
            age_years,
            height_cm,
            rer,
        )
        if fast is not None and not personal:
            return EstimateResult._of(fast)
    given: dict[str, Any] = {
        "speed_m_s": speed_m_s,
        "mass_kg": mass_kg,
        "duration_s": duration_s,
        "distance_m": distance_m,
        "grade": grade,
        "gait": gait,
        "direction": direction,
        # a model given as the registry's spec (rc.get_model(...)) is its name (after the
        # plain-float path: one isinstance there would cost every single-bout call)
        "model": model.name if isinstance(model, ModelSpec) else model,
        "load_kg": load_kg,
        "terrain_factor": terrain_factor,
        "resting_vo2_ml_kg_min": resting_vo2_ml_kg_min,
        "sex": sex,
        "age_years": age_years,
        "height_cm": height_cm,
        "rer": rer,
    }
    if fast is not None:
        return _personal(EstimateResult._of(fast), given, backward_factor, interval, calibration)
    # everything but one bout of plain numbers: aliases, arrays, frames (imported on first use)
    from . import _derive, _frames
    from ._frame_face import PLAIN_TYPES, add_aliases, estimate_frame, locator_of

    if aliases:
        add_aliases(given, aliases, pace_unit, "keyword")
    if data is None:
        if status:
            raise TypeError("status=True adds columns to a DataFrame: pass one as data")
        foreign = None
        for value in given.values():
            if value is not None and type(value) not in PLAIN_TYPES:  # arrays, Series...
                foreign = _frames.foreign_series(given)
                break
        if (duration_s is not None and distance_m is not None) or aliases:
            _derive.reconcile(given, locator_of(given))
        if out is None and foreign is None:
            # aliases given as plain numbers
            fast = engine.evaluate_scalar(opts, *given.values())
            if fast is not None:
                one = EstimateResult._of(fast)
                return _personal(one, given, backward_factor, interval, calibration)
        result = result_of(engine.evaluate(given, opts, out=out), out)
        if personal:
            result = _personal(result, given, backward_factor, interval, calibration)
        return result if foreign is None else _frames.result_in(result, foreign)
    if is_dataframe(data):
        done = estimate_frame(data, given, opts, out, status, pace_unit)
        return _personal(done, given, backward_factor, interval, calibration)
    native = _frames.frame_kind(data)
    if native is None:
        raise TypeError(
            "estimate() takes a DataFrame (pandas, polars DataFrame or LazyFrame, pyarrow "
            "Table) as its only positional argument; pass other inputs by keyword (got "
            f"{type(data).__name__})"
        )
    frame, back = _frames.to_pandas(data)
    done = estimate_frame(frame, given, opts, out, status, pace_unit)
    return back(_personal(done, given, backward_factor, interval, calibration))


def _personal(
    result: Any,
    given: Mapping[str, Any],
    backward_factor: Any,
    interval: float | None,
    calibration: calibration.Calibration | None,
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
