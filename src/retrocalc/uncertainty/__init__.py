"""How sure an estimate is: the published spreads of the models, and a person-to-person interval.

Two different things are easily confused:

* **person-to-person spread** — how far one person's real cost lies from a model's prediction
  for the same inputs. Models publish it as a standard error of the estimate (SEE), a
  residual standard error, or a between-person standard deviation. :func:`interval` turns it
  into a prediction interval for one person.
* **model disagreement** — how far the registered models lie from each other for the same
  inputs. That is :func:`retrocalc.compare.compare_models`; it says nothing about people.

:data:`SPREADS` holds, per registered model name, what its source publishes ("none published"
where that is the truth) and the figure :func:`interval` uses instead when nothing is
published, with its basis named. :data:`DIRECTION_SPREADS` holds the between-person SD of the
backward factors.

The interval
------------
With :math:`G` the point estimate of gross metabolic power per kg, :math:`R` the resting
rate, :math:`f` the direction factor on the net cost (1 forward) and :math:`N = (G - R) / f`
the forward net rate, the prediction variance for one person is (delta method, model error
and direction factor independent)

.. math::
    \\sigma^2 = f^2 \\sigma_m^2 + N^2 \\sigma_f^2

where :math:`\\sigma_m` is the model's person-to-person SD in W/kg (an absolute SEE, or a
relative SD times :math:`N`) and :math:`\\sigma_f` the between-person SD of the factor (0
forward). The bounds are :math:`G \\mp z\\,\\sigma` with :math:`z` the normal quantile of the
level, the lower bound kept at or above rest (no one spends less than resting while moving,
unless the point estimate itself is below rest). Power and energy bounds are the W/kg bounds
times mass (and duration), so they are linear in both, like the estimate.

References
----------
.. [1] Looney D.P. et al. (2019). Med Sci Sports Exerc 51(9):1954-1960.
   :doi:`10.1249/MSS.0000000000002002`
.. [2] Minetti A.E. et al. (2002). J Appl Physiol 93(3):1039-1046.
   :doi:`10.1152/japplphysiol.01177.2001`
.. [3] Lankford D.E., Wu Y., Bartschi J.T., Hathaway J., Gidley A.D. (2020). Development and
   validation of a steep incline and decline metabolic cost equation for steady-state
   walking. Eur J Appl Physiol 120(9):2095-2104. :doi:`10.1007/s00421-020-04428-z`
.. [4] Wright S., Weyand P.G. (2001). J Exp Biol 204(10):1805-1815.
   :doi:`10.1242/jeb.204.10.1805`
.. [5] Hall C., Figueroa A., Fernhall B., Kanaley J.A. (2004). Energy expenditure of walking
   and running: comparison with prediction equations. Med Sci Sports Exerc
   36(12):2128-2134. :doi:`10.1249/01.mss.0000147584.87788.0e`
.. [6] Lacour J.-R., Bourdin M. (2015). Factors affecting the energy cost of level running at
   submaximal speed. Eur J Appl Physiol 115(4):651-673. :doi:`10.1007/s00421-015-3115-y`
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .._wrap import Kind, pack, unpack
from .spreads import DIRECTION_SPREADS, LEVEL_GRADE, SPREADS, DirectionSpread, ModelSpread

if TYPE_CHECKING:
    from numpy.typing import NDArray

    FloatArray = NDArray[np.float64]

__all__ = [
    "DIRECTION_SPREADS",
    "LEVEL_GRADE",
    "SPREADS",
    "DirectionSpread",
    "ModelSpread",
    "interval",
    "interval_columns",
    "person_sd_w_kg",
]


def _z(level: float) -> float:
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be a probability between 0 and 1 (exclusive), got {level}")
    # on first use: statistics imports random and fractions (about 10 ms)
    from statistics import NormalDist

    return NormalDist().inv_cdf(0.5 + level / 2.0)


def person_sd_w_kg(net_forward_w_kg: Any, model_name: Any, grade: Any = 0.0) -> FloatArray:
    """The model's person-to-person SD of gross power per kg [W/kg], before direction.

    Parameters
    ----------
    net_forward_w_kg : array_like [W/kg]
        Forward net metabolic rate (gross minus rest) of the point estimate.
    model_name : str or array_like of str
        Registered base model(s) (:data:`SPREADS`).
    grade : array_like [1]
        Grade, for models whose spread depends on it.

    Returns
    -------
    ndarray [W/kg]
    """
    net = np.asarray(net_forward_w_kg, dtype=np.float64)
    names = np.asarray(model_name, dtype=object)
    g = np.asarray(grade, dtype=np.float64)
    shape = np.broadcast_shapes(net.shape, names.shape, g.shape)
    net, names, g = (np.broadcast_to(a, shape) for a in (net, names, g))
    sd = np.full(shape, np.nan)
    # one vectorised evaluation per distinct model, not per row
    for name in np.unique(names[names != None].astype(str)):  # noqa: E711
        rows = names == name
        if name not in SPREADS:
            raise ValueError(f"no spread recorded for model {name!r}; known: {', '.join(SPREADS)}")
        spread = SPREADS[name]
        if spread.absolute_w_kg is not None:
            level_sd, graded_sd = spread.absolute_w_kg
            sd[rows] = np.where(np.abs(g[rows]) <= LEVEL_GRADE, level_sd, graded_sd)
        else:
            assert spread.relative_net is not None
            grades = [p[0] for p in spread.relative_net]
            rel = [p[1] for p in spread.relative_net]
            sd[rows] = np.interp(g[rows], grades, rel) * np.abs(net[rows])
    return sd


def interval(
    point_gross_w_kg: Any,
    rest_w_kg: Any,
    model_name: Any,
    gait: Any,
    direction: Any,
    level: float = 0.95,
    *,
    grade: Any = 0.0,
    backward_factor: Any = None,
) -> tuple[Any, Any]:
    """Person-to-person prediction interval of gross metabolic power per kg.

    Combines the model's published person-to-person spread (:data:`SPREADS`) with the
    between-person SD of the backward factor (:data:`DIRECTION_SPREADS`); see the module
    docstring for the formula.

    Parameters
    ----------
    point_gross_w_kg : float, array_like or Series [W/kg]
        Point estimate of gross metabolic power per kg body mass.
    rest_w_kg : float, array_like or Series [W/kg]
        Resting metabolic rate per kg used by the estimate.
    model_name : str or array_like of str
        Base model used (``model_used`` of the estimate).
    gait : {"walk", "run"} or array_like of them
        Gait used (``gait_used``).
    direction : {"forward", "backward"} or array_like of them
    level : float, default 0.95
        Confidence level of the two-sided interval.
    grade : float, array_like or Series [1], default 0
        Grade, for models whose spread depends on it.
    backward_factor : float or array_like [1], optional
        Factor on the net cost applied to backward rows; default 1.35 running, 1.5 walking.

    Returns
    -------
    (lower, upper) [W/kg]
        In the kind of the inputs (float, ndarray or Series).

    Examples
    --------
    >>> lo, hi = interval(10.0, 1.22, "acsm_running", "run", "forward")
    >>> lo < 10.0 < hi
    True
    """
    from ..models.direction import BACKWARD_RUNNING_FACTOR, BACKWARD_WALKING_FACTOR

    packed = pack(
        {"point": point_gross_w_kg, "rest": rest_w_kg, "grade": grade},
        {"model": model_name, "gait": gait, "direction": direction},
    )
    shape = packed.shape
    arrays = {k: np.broadcast_to(v, shape) for k, v in packed.arrays.items()}
    point, rest, g = arrays["point"], arrays["rest"], arrays["grade"]
    gait_a = np.char.lower(np.asarray(arrays["gait"], dtype=str))
    dir_a = np.char.lower(np.asarray(arrays["direction"], dtype=str))
    bad_gait = ~np.isin(gait_a, ("walk", "run"))
    if np.any(bad_gait):
        raise ValueError(f"gait must be 'walk' or 'run', got {gait_a[bad_gait].flat[0]!r}")
    bad_dir = ~np.isin(dir_a, ("forward", "backward"))
    if np.any(bad_dir):
        raise ValueError(
            f"direction must be 'forward' or 'backward', got {dir_a[bad_dir].flat[0]!r}"
        )
    backward = dir_a == "backward"
    run = gait_a == "run"
    if backward_factor is None:
        factor = np.where(run, BACKWARD_RUNNING_FACTOR, BACKWARD_WALKING_FACTOR)
    else:
        factor = np.broadcast_to(np.asarray(backward_factor, dtype=np.float64), shape)
    factor = np.where(backward, factor, 1.0)
    factor_sd = np.where(
        backward,
        np.where(run, DIRECTION_SPREADS["run"].factor_sd, DIRECTION_SPREADS["walk"].factor_sd),
        0.0,
    )
    net_fwd = (point - rest) / factor
    sd_model = person_sd_w_kg(net_fwd, arrays["model"], g)
    sd = np.sqrt((factor * sd_model) ** 2 + (net_fwd * factor_sd) ** 2)
    half = _z(level) * sd
    lower = np.maximum(point - half, np.minimum(point, rest))
    upper = point + half
    kind = packed.kind
    return (
        unpack(np.asarray(lower).reshape(shape), kind, packed.index, "lower"),
        unpack(np.asarray(upper).reshape(shape), kind, packed.index, "upper"),
    )


def interval_columns(
    result: Any,
    *,
    mass_kg: Any,
    direction: Any = "forward",
    grade: Any = 0.0,
    duration_s: Any = None,
    level: float = 0.95,
    backward_factor: Any = None,
    which: Literal["gross", "both"] = "both",
) -> dict[str, Any]:
    """Lower and upper bounds of the power and energy outputs of an estimate.

    Parameters
    ----------
    result : EstimateResult or pandas.DataFrame
        Output of :func:`retrocalc.estimate` (a frame needs its result columns).
    mass_kg : float, array_like or Series [kg]
        Body mass given to the estimate.
    direction, grade, backward_factor
        As given to the estimate (a frame's own columns win).
    duration_s : float, array_like or Series [s], optional
        Duration of the bout; energies are bounded only with it (or a frame column).
    level : float, default 0.95
    which : {"gross", "both"}, default "both"
        Bound the gross outputs only, or the net outputs too (net bounds are the gross
        bounds minus rest).

    Returns
    -------
    dict of str to bounds
        ``power_gross_w_lower``, ``power_gross_w_upper``, and where a duration is known
        ``energy_gross_kcal_lower`` ... ``energy_gross_kj_upper``; with ``which="both"`` the
        net ones too. The kind follows the result's.

    Notes
    -----
    Rest per kg is recovered from the estimate as ``(vo2_gross - vo2_net)`` times the
    estimate's W/kg per ml/kg/min; the bounds are linear in mass and duration.
    """
    frame = hasattr(result, "columns")

    def column(name: str, default: Any) -> Any:
        if frame and name in result.columns:
            return result[name]
        return default

    def get(name: str) -> Any:
        return result[name] if frame else getattr(result, name)

    mass = column("mass_kg", mass_kg)
    power_gross = get("power_gross_w")
    vo2_gross = get("vo2_gross_ml_kg_min")
    vo2_net = get("vo2_net_ml_kg_min")
    gross_w_kg = np.asarray(power_gross, dtype=np.float64) / np.asarray(mass, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        w_per_vo2 = gross_w_kg / np.asarray(vo2_gross, dtype=np.float64)
    rest_w_kg = (np.asarray(vo2_gross, dtype=np.float64) - np.asarray(vo2_net)) * w_per_vo2
    # plain text arrays (a 0-d object array would not pass as a label input)
    models = np.asarray(get("model_used"), dtype=object).astype(str)
    gaits = np.asarray(get("gait_used"), dtype=object).astype(str)
    missing = (models == "") | (models == "None")
    models = np.where(missing, "lcda2019_walking", models)
    gaits = np.where(missing, "walk", gaits)
    lower, upper = interval(
        gross_w_kg,
        rest_w_kg,
        models,
        gaits,
        np.asarray(column("direction", direction), dtype=object).astype(str),
        level,
        grade=np.nan_to_num(np.asarray(column("grade", grade), dtype=np.float64)),
        backward_factor=column("backward_factor", backward_factor),
    )
    lower = np.where(missing, np.nan, lower)
    upper = np.where(missing, np.nan, upper)
    m = np.asarray(mass, dtype=np.float64)
    out: dict[str, FloatArray] = {
        "power_gross_w_lower": lower * m,
        "power_gross_w_upper": upper * m,
    }
    if which == "both":
        out["power_net_w_lower"] = (lower - rest_w_kg) * m
        out["power_net_w_upper"] = (upper - rest_w_kg) * m
    duration = column("duration_s", duration_s)
    if duration is not None:
        d = np.asarray(duration, dtype=np.float64)
        for kind in ("gross", "net") if which == "both" else ("gross",):
            for end in ("lower", "upper"):
                kj = out[f"power_{kind}_w_{end}"] * d / 1000.0
                out[f"energy_{kind}_kj_{end}"] = kj
                out[f"energy_{kind}_kcal_{end}"] = kj / 4.184
    # back in the kind of the result
    sample = power_gross
    if frame or _is_series(sample):
        import pandas as pd

        index = result.index if frame else sample.index
        return {
            k: pd.Series(np.asarray(v).reshape(-1), index=index, name=k) for k, v in out.items()
        }
    out_kind = Kind.SCALAR if np.ndim(sample) == 0 else Kind.ARRAY
    return {k: unpack(np.asarray(v), out_kind) for k, v in out.items()}


def _is_series(x: Any) -> bool:
    import sys

    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(x, pd.Series)
