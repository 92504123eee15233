"""Personal calibration: one multiplicative factor per model family, gait and direction.

People differ: running economy varies by about 20 % between runners (Lacour & Bourdin 2015).
:func:`calibrate` fits, from measured energies (lab VO2, a device's kcal, or energy from heart
rate), one factor :math:`k` per model family (``acsm``, ``lcda2019``, ``minetti2002``,
``pandolf1977``, ``leger1984``), gait and direction, such that measured ≈ k × predicted.

Method
------
Per session :math:`i` (rows grouped by a ``session`` column, else one row one session), the
log ratio :math:`r_i = \\ln(\\text{measured}_i / \\text{predicted}_i)` of the summed energies.
:math:`k` minimises :math:`\\sum_i \\rho\\bigl((r_i - \\ln k)^2\\bigr)` with scipy's
``least_squares(loss="soft_l1", f_scale=0.1, bounds=(0.5, 2))``: residuals up to about 0.1
(10 %) count quadratically, larger ones about linearly, so a few bad sessions (a watch that
lost contact, a wrong mass) cannot drag the factor the way they drag a ratio of sums. A
percentile bootstrap over sessions gives the confidence interval. A group is refused, with
its reason, when it has fewer than ``min_sessions`` sessions of at least
``min_session_minutes`` each.

What is scaled
--------------
``basis="gross"`` (the default: lab VO2, Keytel's heart-rate energy, a device's "total"
calories) compares gross energies and :meth:`Calibration.apply` multiplies the gross rate,
net = k × gross - rest; ``basis="net"`` ("active" calories) compares net energies and
multiplies the net rate, gross = rest + k × net. Keep one calibration per model family and
data source: a factor fitted against heart-rate energy is not one for power-meter energy.

References
----------
.. [1] Lacour J.-R., Bourdin M. (2015). Factors affecting the energy cost of level running at
   submaximal speed. Eur J Appl Physiol 115(4):651-673. :doi:`10.1007/s00421-015-3115-y`
.. [2] Virtanen P. et al. (2020). SciPy 1.0. Nat Methods 17:261-272.
   :doi:`10.1038/s41592-019-0686-2` (``scipy.optimize.least_squares``)
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from .._wrap import pack
from .factors import Calibration, CalibrationError, Factor, FloatArray, model_family

__all__ = [
    "Calibration",
    "CalibrationError",
    "Factor",
    "calibrate",
    "model_family",
]


def calibrate(
    measured: Any,
    predicted: Any = None,
    *,
    source: str = "unspecified",
    basis: Literal["gross", "net"] = "gross",
    measured_column: str = "measured_kcal",
    min_sessions: int = 3,
    min_session_minutes: float = 10.0,
    level: float = 0.95,
    n_bootstrap: int = 400,
    f_scale: float = 0.1,
    bounds: tuple[float, float] = (0.5, 2.0),
    seed: int = 0,
    **options: Any,
) -> Calibration:
    """Fit one multiplicative factor per model family, gait and direction from measured energy.

    Parameters
    ----------
    measured : pandas.DataFrame
        One row per session or per segment: ``measured_kcal`` (or ``measured_column``)
        [kcal], ``duration_s`` [s], optionally ``session`` (rows of one session are summed),
        ``direction``, and either the estimate's columns (``energy_gross_kcal`` or
        ``energy_net_kcal``, ``model_used``, ``gait_used``) or the inputs of
        :func:`retrocalc.estimate` (then it is run with ``options``).
    predicted : pandas.DataFrame, optional
        The estimate for the same rows, if not in ``measured``.
    source : str
        What the measurements are: "lab_vo2", "device", "heart_rate" or your own words.
    basis : {"gross", "net"}, default "gross"
        Whether ``measured`` is total (gross) or active (net) energy.
    min_sessions : int, default 3
        Fewest sessions for a factor.
    min_session_minutes : float [min], default 10
        Sessions shorter than this are left out (and counted in the refusal reason).
    level : float, default 0.95
        Confidence level of the bootstrap interval.
    n_bootstrap : int, default 400
        Bootstrap resamples of sessions.
    f_scale : float, default 0.1
        Soft-L1 scale on log ratios (about 10 %).
    bounds : (float, float), default (0.5, 2)
        Bounds of the factor.
    seed : int, default 0
        Seed of the bootstrap.
    **options
        Keywords for :func:`retrocalc.estimate` when predictions must be computed.

    Returns
    -------
    Calibration

    Raises
    ------
    CalibrationError
        When no group has enough sessions long enough (the reasons are listed).
    ValueError
        Missing or impossible columns.

    Warns
    -----
    UnitWarning
        A factor stopped at a bound: the measurements are most likely in another unit (kJ as
        kcal) or on the other basis; the warning gives their median ratio to the estimate.
    """
    import pandas as pd
    from scipy.optimize import least_squares

    from ..core import estimate

    if not isinstance(measured, pd.DataFrame):
        raise TypeError("measured must be a pandas DataFrame (one row per session or segment)")
    if basis not in ("gross", "net"):
        raise ValueError(f"basis must be 'gross' or 'net', got {basis!r}")
    _check_settings(level, n_bootstrap, f_scale, bounds, min_sessions)
    for name in (measured_column, "duration_s"):
        if name not in measured.columns:
            raise ValueError(f"measured needs a column {name!r}")
    energy_col = f"energy_{basis}_kcal"
    if predicted is None:
        if energy_col in measured.columns and "model_used" in measured.columns:
            predicted = measured
        else:
            predicted = estimate(
                measured.drop(columns=[measured_column]), out_of_range="flag", **options
            )
    if len(predicted) != len(measured):
        raise ValueError(f"predicted has {len(predicted)} rows, measured {len(measured)}")
    # numbers as every input is read: text named with its row, pd.NA missing
    columns = {name: measured[name] for name in (measured_column, "duration_s")}
    m, duration = pack(columns).arrays.values()
    p = np.asarray(predicted[energy_col], dtype=np.float64)
    if np.any(m[np.isfinite(m)] <= 0) or np.any(p[np.isfinite(p)] <= 0):
        raise ValueError(f"measured and predicted {basis} energies must be > 0")
    session = measured["session"].to_numpy() if "session" in measured.columns else np.arange(len(m))
    direction = (
        measured["direction"].astype(str).str.strip().str.lower().to_numpy()
        if "direction" in measured.columns
        else np.full(len(m), "forward", dtype=object)
    )
    table = pd.DataFrame(
        {
            "session": session,
            "family": [model_family(x) for x in np.asarray(predicted["model_used"])],
            "gait": np.asarray(predicted["gait_used"], dtype=object),
            "direction": direction,
            "m": m,
            "p": p,
            "minutes": duration / 60.0,
        }
    )
    table = table[np.isfinite(table["m"]) & np.isfinite(table["p"]) & (table["family"] != "")]
    sessions = table.groupby(["family", "gait", "direction", "session"], sort=True).sum(
        numeric_only=True
    )
    rng = np.random.default_rng(seed)
    factors: list[Factor] = []
    refused: list[tuple[str, str, str, str]] = []
    lo_b, hi_b = bounds

    def fit(r: FloatArray) -> float:
        x0 = float(np.clip(np.exp(np.median(r)), lo_b * 1.0001, hi_b * 0.9999))
        res = least_squares(
            lambda k: r - np.log(k[0]),
            [x0],
            loss="soft_l1",
            f_scale=f_scale,
            bounds=([lo_b], [hi_b]),
        )
        return float(res.x[0])

    for (fam, gait, direction_), group in sessions.groupby(level=[0, 1, 2], sort=True):
        long_enough = group[group["minutes"] >= min_session_minutes]
        short = len(group) - len(long_enough)
        if len(long_enough) < min_sessions:
            refused.append(
                (
                    str(fam),
                    str(gait),
                    str(direction_),
                    f"{len(long_enough)} session(s) of >= {min_session_minutes:g} min, "
                    f"{min_sessions} needed"
                    + (f" ({short} shorter session(s) left out)" if short else ""),
                )
            )
            continue
        r = np.log(long_enough["m"].to_numpy() / long_enough["p"].to_numpy())
        k = fit(r)
        if min(abs(k / lo_b - 1.0), abs(k / hi_b - 1.0)) < 1e-6:
            _at_bound(f"{fam} {gait} {direction_}", k, float(np.exp(np.median(r))), basis)
        n = r.size
        boot = np.array([fit(r[rng.integers(0, n, n)]) for _ in range(n_bootstrap)])
        alpha = (1.0 - level) / 2.0
        ci = np.quantile(boot, [alpha, 1.0 - alpha]) if n_bootstrap else np.array([k, k])
        factors.append(
            Factor(
                family=str(fam),
                gait=str(gait),
                direction=str(direction_),
                k=k,
                ci_low=float(ci[0]),
                ci_high=float(ci[1]),
                sessions=int(n),
                minutes=float(long_enough["minutes"].sum()),
            )
        )
    if not factors:
        detail = "; ".join(f"{f} {g} {d}: {why}" for f, g, d, why in refused) or "no rows"
        raise CalibrationError(f"too little data to calibrate: {detail}")
    return Calibration(
        factors=tuple(factors),
        refused=tuple(refused),
        source=source,
        basis=basis,
        level=level,
        settings={
            "loss": "soft_l1",
            "f_scale": f_scale,
            "bounds": tuple(bounds),
            "n_bootstrap": n_bootstrap,
            "seed": seed,
            "min_sessions": min_sessions,
            "min_session_minutes": min_session_minutes,
        },
    )


def _at_bound(group: str, k: float, ratio: float, basis: str) -> None:
    """Warn that a factor stopped at a bound: the measurements are then not the model's
    quantity (kJ given as kcal is 4.184x, net given as gross about 0.9x the other way...),
    and the factor is the bound, not a fit."""
    import warnings

    from ..exceptions import UnitWarning

    warnings.warn(
        f"calibration factor of {group} stopped at its bound {k:.4g}: the measured energies "
        f"are a median {ratio:.3g}x the predicted {basis} energies (kJ given as kcal is "
        "4.184x; check the unit and the basis), so this factor is the bound, not a fit",
        UnitWarning,
        stacklevel=3,
    )


def _check_settings(
    level: float, n_bootstrap: int, f_scale: float, bounds: tuple[float, float], min_sessions: int
) -> None:
    """The fit's settings, each refused with its name (numpy and scipy said "Quantiles must
    be in the range [0, 1]", or an IndexError for a negative resample count)."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1 (0.95 for 95 %), got {level!r}")
    for name, count, least in (("n_bootstrap", n_bootstrap, 0), ("min_sessions", min_sessions, 1)):
        if isinstance(count, bool) or not isinstance(count, int | np.integer) or count < least:
            raise ValueError(f"{name} must be a whole number >= {least}, got {count!r}")
    if not 0.0 < f_scale < np.inf:
        raise ValueError(f"f_scale must be a finite number > 0, got {f_scale!r}")
    low, high = bounds
    if not 0.0 < low < high < np.inf:
        raise ValueError(f"bounds must be (low, high) with 0 < low < high, got {bounds!r}")
