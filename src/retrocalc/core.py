"""Composition: gait, base model, direction factor, resting rate, then every output quantity.

How a row is computed
---------------------
1. **Gait.** ``"walk"`` or ``"run"``; ``"auto"`` runs at or above the preferred walk-run
   transition speed, 2.0 m/s forward and 1.63 m/s backward (Hreljac et al. 2005).
2. **Base model** (forward): ``model=`` names one from the registry; otherwise the default for
   the gait and grade (:data:`DEFAULT_MODELS`):

   ======================  ========================================================
   walking                 ``lcda2019_walking``; ``pandolf1977_santee`` with a load
                           or a terrain factor other than 1
   running, grade >= 0     ``acsm_running``
   running, grade < 0      ``minetti2002_running``
   ======================  ========================================================

3. **Direction.** Backward multiplies the **net** forward rate by the factor for the gait
   (1.35 running, 1.5 walking; ``backward_factor=`` overrides).
4. **Rest.** ``net = gross - rest``; a model that publishes net cost (Minetti) gets
   ``gross = net + rest``. Rest is 3.5 ml/kg/min unless a measured value or an RMR equation
   is given; METs are gross VO2 / rest (Kozey's corrected METs with a personal rest).
5. **Energy.** VO2 and power convert at 5.0 kcal per litre O2, or Weir's 3.941 + 1.106 RER.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, TypedDict, Unpack, overload

import numpy as np
from numpy.typing import NDArray

from . import _blocked, energy
from ._scalar import estimate_scalar
from ._wrap import Kind, Locator, Packed, is_dataframe, label_codes, pack
from .exceptions import OutOfRangeError, RangeWarning, UnitWarning
from .models import REGISTRY, ModelSpec
from .nomenclature import INPUTS, OUTPUTS
from .units import KCAL_TO_KJ

if TYPE_CHECKING:
    import pandas as pd

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

FloatArray = NDArray[np.float64]
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


GAITS = ("walk", "run")
DIRECTIONS = ("forward", "backward")
_GAIT_CODES = {"walk": 0, "run": 1, "auto": 2}
_DIRECTION_CODES = {"forward": 0, "backward": 1}

#: Preferred walk-run transition speed [m/s] used by ``gait="auto"``: about 2.0 m/s forward
#: (SCIENCE.md; overground walking and running mix from 1.9 to 3.0 m/s) and 1.63 +/- 0.11 m/s
#: backward (Hreljac et al. 2005, J Sports Sci Med 4:446-454).
WALK_RUN_TRANSITION_M_S: Mapping[str, float] = {"forward": 2.0, "backward": 1.63}

#: Default base model per gait (see the module docstring for the evidence).
DEFAULT_MODELS: Mapping[str, str] = {
    "walk": "lcda2019_walking",
    "walk_loaded": "pandolf1977_santee",
    "run": "acsm_running",
    "run_downhill": "minetti2002_running",
}

# A speed above this looks like km/h, a grade above this like percent, a mass below this wrong.
_UNIT_LIMITS = {"speed_m_s": 12.0, "grade": 1.0, "mass_kg": 20.0}
_J_PER_ML_PER_KCAL_L = KCAL_TO_KJ  # 1 kcal/l O2 = 4.184 J/ml O2

_BASE = tuple(REGISTRY.base())
_BASE_INDEX = {s.name: i for i, s in enumerate(_BASE)}
_DIRECTION_SPECS = {
    gait: next(s for s in REGISTRY.values() if s.kind == "direction" and gait in s.gaits)
    for gait in GAITS
}


@dataclass(frozen=True, repr=False)
class EstimateResult:
    """Energy estimate for one bout or many.

    Every attribute has the kind of the inputs: ``float`` (``bool``, ``str``) for scalars,
    ndarray for lists and arrays, Series (same index) for Series. Units are in the names.

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
        Gait applied after resolving ``"auto"``.
    model_used : str
        Base model applied.
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

    def to_dict(self) -> dict[str, Any]:
        """Attributes as a dict keyed by output name, in the nomenclature's order."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def to_frame(self) -> pd.DataFrame:
        """The result as a pandas DataFrame, one row per estimate (imports pandas)."""
        import pandas as pd

        _register_accessor()
        data = self.to_dict()
        index = next((v.index for v in data.values() if isinstance(v, pd.Series)), None)
        flat = {k: np.ravel(np.asarray(v)) for k, v in data.items()}
        return pd.DataFrame(flat, index=index)

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


assert [f.name for f in fields(EstimateResult)] == list(OUTPUTS), "nomenclature out of sync"


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
    if data is None and out is None:
        # plain numbers: a few microseconds in Python arithmetic (None: take the array path)
        fast = estimate_scalar(
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
            rmr_equation,
            sex,
            age_years,
            height_cm,
            rer,
            backward_factor,
            out_of_range,
        )
        if fast is not None:
            return fast
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
    if data is None:
        return _estimate(given, rmr_equation, backward_factor, out_of_range, out=out)
    if not is_dataframe(data):
        raise TypeError(
            "estimate() takes a pandas DataFrame as its only positional argument; pass "
            f"other inputs by keyword (got {type(data).__name__})"
        )
    _register_accessor()  # pandas is loaded: make df.retro available
    for name in INPUTS:
        if name in data.columns:
            if given[name] is not None:
                raise ValueError(
                    f"{name} is both a column of the DataFrame and a keyword; give it once"
                )
            given[name] = data[name]
    n = len(data)
    result = _estimate(
        given, rmr_equation, backward_factor, out_of_range, index=data.index, out=out
    )
    frame = data.copy()
    for name, value in result.to_dict().items():
        frame[name] = np.broadcast_to(np.asarray(value), (n,)) if np.ndim(value) == 0 else value
    return frame


def _estimate(
    given: dict[str, Any],
    rmr_equation: str | None,
    backward_factor: Any,
    policy: str,
    index: Any = None,
    row_reasons: RowReasons | None = None,
    out: Mapping[str, NDArray[Any]] | None = None,
) -> EstimateResult:
    """The composition; ``row_reasons`` gets why each flagged row is flagged.

    ``out`` maps output names to buffers the results are written into.
    """
    if policy not in ("warn", "flag", "nan", "raise"):
        raise ValueError(f"out_of_range must be 'warn', 'flag', 'nan' or 'raise', got {policy!r}")
    for name in ("speed_m_s", "mass_kg"):
        if given[name] is None:
            raise TypeError(f"estimate() needs {name} ({INPUTS[name].description})")
    if given["duration_s"] is not None and given["distance_m"] is not None:
        raise ValueError("give duration_s or distance_m, not both")
    if rmr_equation is not None and given["resting_vo2_ml_kg_min"] is not None:
        raise ValueError("give resting_vo2_ml_kg_min or rmr_equation, not both")

    factors: Mapping[str, Any] = {}
    if isinstance(backward_factor, Mapping):
        unknown = set(backward_factor) - set(GAITS)
        if unknown:
            raise ValueError(f"backward_factor keys must be 'walk' and/or 'run', got {unknown}")
        factors = backward_factor
        backward_factor = None

    numeric = {
        k: given[k] for k, var in INPUTS.items() if var.dtype == "float" and given[k] is not None
    }
    if backward_factor is not None:
        numeric["backward_factor"] = backward_factor
    labels = {
        k: given[k] for k, var in INPUTS.items() if var.dtype == "str" and given[k] is not None
    }
    packed = pack(numeric, labels)
    if index is not None and packed.kind is Kind.SCALAR:
        packed = Packed(packed.arrays, packed.kind, packed.shape, index)
    shape = packed.shape
    size = int(np.prod(shape))
    buffers = _blocked.validate_out(out, shape) if out is not None else {}
    # arrays: the same operations on cache-sized blocks (None: this path words an error)
    blocked = _blocked.evaluate(packed, factors, policy, row_reasons, buffers)
    if blocked is not None:
        return EstimateResult(
            **{k: packed.unpack(buffers.get(k, v.reshape(shape)), k) for k, v in blocked.items()}
        )

    # a non-finite input (NaN, +-inf) is missing: its row gives NaN and is flagged, never raises
    invalid = np.zeros(size, dtype=bool)

    def flat(name: str, default: float | None = None, required: bool = True) -> FloatArray:
        nonlocal invalid
        arr = packed.arrays.get(name)
        if arr is None:
            return np.full(size, np.nan if default is None else default)
        values = np.broadcast_to(arr, shape).reshape(-1)
        bad = ~np.isfinite(values)
        if np.any(bad):
            values = np.where(bad, np.nan, values)
            if required:
                invalid |= bad
        return values

    where = Locator(shape, packed.index if packed.kind is Kind.SERIES else None)
    speed = flat("speed_m_s")
    mass = flat("mass_kg")
    grade = flat("grade", 0.0)
    load = flat("load_kg", 0.0)
    terrain = flat("terrain_factor", 1.0)
    _check(where, "speed_m_s", speed)
    _check(where, "mass_kg", mass)
    _check(where, "load_kg", load)
    _check(where, "terrain_factor", terrain)
    _warn_units(where, speed, grade, mass)

    duration = _duration(where, packed, flat, speed)
    has_duration = "duration_s" in packed.arrays or "distance_m" in packed.arrays
    kcal_per_l = _kcal_per_litre(where, packed, flat)
    rest_vo2 = _resting_vo2(where, packed, flat, mass, kcal_per_l, rmr_equation, size)

    gait_code = _labels(where, packed, "gait", _GAIT_CODES, _GAIT_CODES["auto"])
    dir_code = _labels(where, packed, "direction", _DIRECTION_CODES, _DIRECTION_CODES["forward"])
    model_code = _model_codes(where, packed)

    # gait: explicit, else the only gait of an explicitly named model, else by speed
    backward = dir_code == 1
    threshold = np.where(
        backward,
        WALK_RUN_TRANSITION_M_S["backward"],
        WALK_RUN_TRANSITION_M_S["forward"],
    )
    auto = gait_code == 2
    if np.any(auto):
        by_speed = np.where(speed >= threshold, 1, 0)
        single = np.array([_GAIT_CODES[s.gaits[0]] if len(s.gaits) == 1 else -1 for s in _BASE])
        from_model = np.where(model_code >= 0, single[np.maximum(model_code, 0)], -1)
        gait_code = np.where(auto, np.where(from_model >= 0, from_model, by_speed), gait_code)
    missing = invalid | (gait_code < 0) | (dir_code < 0)
    run = gait_code == 1

    # model: explicit (checked against the gait), else the default for gait and grade
    explicit = model_code >= 0
    if np.any(explicit):
        supports = np.array(
            [[g in s.gaits for g in GAITS] for s in _BASE], dtype=bool
        )  # [model, gait]
        bad = explicit & ~missing & ~supports[np.maximum(model_code, 0), np.maximum(gait_code, 0)]
        if np.any(bad):
            i = int(np.flatnonzero(bad)[0])
            spec = _BASE[model_code[i]]
            raise ValueError(
                f"model {spec.name!r} describes {'/'.join(spec.gaits)}, but gait is "
                f"{GAITS[gait_code[i]]!r} at {where(i)}"
            )
    loaded = (load != 0) | (terrain != 1)
    default = np.where(
        run,
        np.where(
            grade < 0,
            _BASE_INDEX[DEFAULT_MODELS["run_downhill"]],
            _BASE_INDEX[DEFAULT_MODELS["run"]],
        ),
        np.where(
            loaded,
            _BASE_INDEX[DEFAULT_MODELS["walk_loaded"]],
            _BASE_INDEX[DEFAULT_MODELS["walk"]],
        ),
    )
    # missing rows get no model: they are neither computed nor range-checked
    model_code = np.where(missing, -1, np.where(explicit, model_code, default))

    inputs = {
        "speed_m_s": speed,
        "grade": grade,
        "mass_kg": mass,
        "load_kg": load,
        "terrain_factor": terrain,
    }
    j_per_ml = kcal_per_l * _J_PER_ML_PER_KCAL_L
    w_per_vo2 = j_per_ml / 60.0  # W/kg per ml/kg/min
    rest_w_kg = rest_vo2 * w_per_vo2

    gross_fwd = np.full(size, np.nan)
    out_of_range = np.zeros(size, dtype=bool)
    reasons: list[_Reason] = []
    counts = np.bincount(model_code + 1, minlength=len(_BASE) + 1)[1:]
    for code in np.flatnonzero(counts):
        spec = _BASE[int(code)]
        rows = slice(None) if counts[code] == size else np.flatnonzero(model_code == code)
        sub = {k: v[rows] for k, v in inputs.items()}
        native = np.asarray(spec.function(*(sub[k] for k in spec.inputs)), dtype=np.float64)  # type: ignore[misc]
        gross_fwd[rows] = _to_gross_w_kg(spec, native, sub, w_per_vo2[rows], rest_w_kg[rows])
        out_of_range[rows] |= _range_check(spec, sub, rows, where, reasons, row_reasons)

    # direction: the factor scales the net (above-rest) part
    factor = np.ones(size)
    if np.any(backward):
        override = flat("backward_factor") if "backward_factor" in packed.arrays else None
        for g, gait_name in enumerate(GAITS):
            spec = _DIRECTION_SPECS[gait_name]
            sel = backward & (gait_code == g) & ~missing
            if not np.any(sel):
                continue
            rows_idx = np.flatnonzero(sel)
            if gait_name in factors:
                value: Any = float(factors[gait_name])
            elif override is not None:
                value = override[rows_idx]
            else:
                value = spec.value
            factor[rows_idx] = value
            sub = {k: v[rows_idx] for k, v in inputs.items()}
            out_of_range[rows_idx] |= _range_check(spec, sub, rows_idx, where, reasons, row_reasons)
        _check(where, "backward_factor", factor, ">", 0.0, "a positive multiplier")

    net_w_kg = (gross_fwd - rest_w_kg) * factor
    gross_w_kg = net_w_kg + rest_w_kg

    if policy != "flag" and reasons:
        _apply_policy(policy, reasons, int(np.count_nonzero(out_of_range)), size)
    no_energy = np.isnan(duration) if has_duration else False
    in_range = ~(missing | out_of_range | no_energy | ~np.isfinite(gross_w_kg))
    if policy == "nan":
        gross_w_kg = np.where(out_of_range, np.nan, gross_w_kg)
        net_w_kg = np.where(out_of_range, np.nan, net_w_kg)

    power_gross = gross_w_kg * mass
    power_net = net_w_kg * mass
    # a vanishing speed makes duration (from distance) and cost per metre overflow to inf
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        energy_gross_kj = power_gross * duration / 1000.0
        energy_net_kj = power_net * duration / 1000.0
        cot = np.where(speed > 0, net_w_kg / np.where(speed > 0, speed, 1.0), np.nan)
    vo2_gross = gross_w_kg / w_per_vo2

    gait_names = np.array([*GAITS, ""], dtype=object)
    model_names = np.array([s.name for s in _BASE], dtype=object)
    columns = {
        "vo2_gross_ml_kg_min": vo2_gross,
        "vo2_net_ml_kg_min": net_w_kg / w_per_vo2,
        "met": vo2_gross / rest_vo2,
        "power_gross_w": power_gross,
        "power_net_w": power_net,
        "energy_gross_kcal": energy_gross_kj / KCAL_TO_KJ,
        "energy_net_kcal": energy_net_kj / KCAL_TO_KJ,
        "energy_gross_kj": energy_gross_kj,
        "energy_net_kj": energy_net_kj,
        "cost_of_transport_j_kg_m": cot,
        "in_range": in_range,
        "gait_used": np.where(missing, "", gait_names[np.where(gait_code >= 0, gait_code, 2)]),
        "model_used": np.where(missing, "", model_names[np.maximum(model_code, 0)]),
    }
    for name, buffer in buffers.items():
        np.copyto(buffer, np.asarray(columns[name]).reshape(shape))
    return EstimateResult(
        **{
            k: packed.unpack(buffers.get(k, np.asarray(v).reshape(shape)), k)
            for k, v in columns.items()
        }
    )


def _register_accessor() -> None:
    """Register ``df.retro`` once pandas is loaded (see :mod:`retrocalc._accessor`)."""
    from ._accessor import register_accessor

    register_accessor()


class RowReasons:
    """Why each flagged row is flagged: ``texts[codes[i]]``, code -1 for none (the batch's
    per-row status). Integer codes keep this as cheap as the range check itself."""

    def __init__(self, size: int) -> None:
        self.codes = np.full(size, -1, dtype=np.int32)
        self.texts: list[str] = []
        self._code: dict[str, int] = {}

    def add(self, rows: NDArray[np.intp], text: str) -> None:
        rows = rows[self.codes[rows] < 0]  # a row keeps its first reason
        if rows.size == 0:
            return
        code = self._code.setdefault(text, len(self.texts))
        if code == len(self.texts):  # each text once, however many blocks repeat it
            self.texts.append(text)
        self.codes[rows] = code


@dataclass(frozen=True)
class _Reason:
    model: str
    name: str
    count: int
    first: str
    value: float
    bounds: tuple[float | None, float | None]


def _check(
    where: Locator,
    name: str,
    values: FloatArray,
    op: str | None = None,
    bound: float = 0.0,
    what: str = "",
) -> None:
    """Raise ValueError for impossible values; NaN passes (it becomes NaN out).

    Without ``op`` the bound is the input's own, from the nomenclature.
    """
    if op is None:
        var = INPUTS[name]
        bad, rule, what = var.impossible(values), var.bound, var.expected
    else:
        bad, rule = (values < bound if op == ">=" else values <= bound), f"{op} {bound:g}"
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        count = int(np.count_nonzero(bad))
        more = f" ({count} values in all)" if count > 1 else ""
        raise ValueError(f"{name} must be {rule} ({what}); got {values[i]:g} at {where(i)}{more}")


def _warn_units(where: Locator, speed: FloatArray, grade: FloatArray, mass: FloatArray) -> None:
    checks = (
        (
            "speed_m_s",
            speed > _UNIT_LIMITS["speed_m_s"],
            "looks like km/h; convert with retrocalc.units.kmh_to_m_s",
        ),
        (
            "grade",
            np.abs(grade) > _UNIT_LIMITS["grade"],
            "looks like percent; grade is a "
            "fraction (0.05 = 5 %), see retrocalc.units.percent_to_grade",
        ),
        ("mass_kg", mass < _UNIT_LIMITS["mass_kg"], "is an implausible body mass in kg"),
    )
    for name, bad, advice in checks:
        if np.any(bad):
            i = int(np.flatnonzero(bad)[0])
            values = {"speed_m_s": speed, "grade": grade, "mass_kg": mass}[name]
            warnings.warn(
                f"{name}={values[i]:g} at {where(i)} {advice} "
                f"({int(np.count_nonzero(bad))} such values)",
                UnitWarning,
                stacklevel=4,
            )


def _duration(
    where: Locator, packed: Packed, flat: Callable[..., FloatArray], speed: FloatArray
) -> FloatArray:
    if "duration_s" in packed.arrays:
        duration = flat("duration_s", required=False)
        _check(where, "duration_s", duration)
        return duration
    if "distance_m" in packed.arrays:
        distance = flat("distance_m", required=False)
        _check(where, "distance_m", distance)
        _check(where, "speed_m_s", speed, ">", 0.0, "needed to turn distance_m into a duration")
        with np.errstate(over="ignore"):  # a subnormal speed gives an infinite duration
            return distance / speed
    return flat("duration_s")  # all NaN: no energy without a duration


def _kcal_per_litre(where: Locator, packed: Packed, flat: Callable[..., FloatArray]) -> Any:
    if "rer" not in packed.arrays:
        return np.full(int(np.prod(packed.shape)), energy.KCAL_PER_LITRE_O2)
    rer = flat("rer")
    _check(where, "rer", rer)
    return energy.weir_kcal_per_litre(rer)


def _resting_vo2(
    where: Locator,
    packed: Packed,
    flat: Callable[..., FloatArray],
    mass: FloatArray,
    kcal_per_l: FloatArray,
    equation: str | None,
    size: int,
) -> FloatArray:
    if "resting_vo2_ml_kg_min" in packed.arrays:
        rest = flat("resting_vo2_ml_kg_min")
        _check(where, "resting_vo2_ml_kg_min", rest)
        return rest
    if equation is None:
        return np.full(size, energy.RESTING_VO2_ML_KG_MIN)
    if equation not in energy.RMR_EQUATIONS:
        raise ValueError(
            f"rmr_equation must be one of {', '.join(map(repr, energy.RMR_EQUATIONS))}, "
            f"got {equation!r}"
        )
    for name in ("sex", "age_years", "height_cm"):
        if name not in packed.arrays:
            raise TypeError(f"rmr_equation={equation!r} needs {name}")
    age = flat("age_years")
    height = flat("height_cm")
    _check(where, "age_years", age)
    _check(where, "height_cm", height)
    male = label_codes(where, "sex", packed.arrays["sex"], energy.SEX_CODES, packed.shape)
    rmr = energy.RMR_EQUATIONS[equation](mass, height, age, male)
    from_rmr: FloatArray = energy.rmr_to_vo2(rmr, mass, kcal_per_l)
    _check(where, "resting rate from rmr_equation", from_rmr, ">", 0.0, "a positive rate")
    return from_rmr


def _labels(
    where: Locator, packed: Packed, name: str, allowed: Mapping[str, int], default: int
) -> NDArray[np.int64]:
    """Flat codes of a text input (``default`` where it was not given)."""
    values = packed.arrays.get(name)
    if values is None:
        return np.full(int(np.prod(packed.shape)), default, dtype=np.int64)
    return label_codes(where, name, values, allowed, packed.shape)


def _model_codes(where: Locator, packed: Packed) -> NDArray[np.int64]:
    """Base-model index per row, -1 where the default applies."""
    direction_models = {s.name: -2 for s in REGISTRY.values() if s.kind != "base"}
    codes = _labels(where, packed, "model", {**_BASE_INDEX, **direction_models}, -1)
    if np.any(codes == -2):
        i = int(np.flatnonzero(codes == -2)[0])
        raise ValueError(
            f"model at {where(i)} names a direction factor, not a base model; "
            "use direction='backward' instead"
        )
    return codes


def _to_gross_w_kg(
    spec: ModelSpec,
    native: FloatArray,
    sub: Mapping[str, FloatArray],
    w_per_vo2: FloatArray,
    rest_w_kg: FloatArray,
) -> FloatArray:
    """Convert a model's native output to gross metabolic power per kg body mass [W/kg]."""
    if spec.output == "vo2_gross_ml_kg_min":
        return native * w_per_vo2
    if spec.output == "power_gross_w_kg":
        return native
    if spec.output == "power_gross_w":
        return native / sub["mass_kg"]
    if spec.output == "cost_net_j_kg_m":
        return native * sub["speed_m_s"] + rest_w_kg
    raise AssertionError(f"unhandled model output {spec.output!r}")  # pragma: no cover


def _range_check(
    spec: ModelSpec,
    sub: Mapping[str, FloatArray],
    rows: Any,
    where: Locator,
    reasons: list[_Reason],
    row_reasons: RowReasons | None = None,
) -> NDArray[np.bool_]:
    """Rows outside the spec's validity ranges (NaN is not out of range: it is missing)."""
    bounds = dict(spec.ranges)
    # a model that does not take a load or terrain is valid only without them
    if "load_kg" not in spec.inputs and spec.kind == "base":
        bounds["load_kg"] = (0.0, 0.0)
    if "terrain_factor" not in spec.inputs and spec.kind == "base":
        bounds["terrain_factor"] = (1.0, 1.0)
    bad_any = np.zeros(len(next(iter(sub.values()))), dtype=bool)
    positions = np.arange(bad_any.size) if isinstance(rows, slice) else rows
    for name, (lo, hi) in bounds.items():
        x = sub[name]
        bad = np.zeros(x.shape, dtype=bool)
        if lo is not None:
            bad |= x < lo
        if hi is not None:
            bad |= x > hi
        if np.any(bad):
            k = int(np.flatnonzero(bad)[0])
            reasons.append(
                _Reason(
                    spec.name,
                    name,
                    int(np.count_nonzero(bad)),
                    where(int(positions[k])),
                    float(x[k]),
                    (lo, hi),
                )
            )
            bad_any |= bad
            if row_reasons is not None:
                row_reasons.add(
                    positions[bad],
                    f"{name} outside [{_fmt(lo, '-inf')}, {_fmt(hi, 'inf')}] of {spec.name}",
                )
    return bad_any


def _apply_policy(policy: str, reasons: list[_Reason], count: int, size: int) -> None:
    details = "; ".join(
        f"{r.name}={r.value:g} at {r.first} outside "
        f"[{_fmt(r.bounds[0], '-inf')}, {_fmt(r.bounds[1], 'inf')}] "
        f"of {r.model} ({r.count} rows)"
        for r in reasons
    )
    message = (
        f"{count} of {size} estimates use inputs outside a model's validity range: {details}. "
        "They are computed, not clamped, and flagged in_range=False."
    )
    if policy == "raise":
        raise OutOfRangeError(message)
    if policy == "warn":
        warnings.warn(message, RangeWarning, stacklevel=4)


def _fmt(x: float | None, unbounded: str) -> str:
    return unbounded if x is None else f"{x:.4g}"
