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

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "Calibration",
    "CalibrationError",
    "Factor",
    "calibrate",
    "model_family",
]

FloatArray = NDArray[np.float64]
_ENERGY_OUTPUTS = ("energy_gross_kcal", "energy_net_kcal", "energy_gross_kj", "energy_net_kj")


_FORMAT = "retrocalc.calibration/1"


def _factor(i: int, data: Any) -> Factor:
    """Factor ``i`` of a stored calibration, checked: its fields, k finite and > 0."""
    if not isinstance(data, Mapping):
        raise TypeError(f"factor {i} must be an object, got {type(data).__name__}")
    try:
        factor = Factor(**data)
    except TypeError as exc:
        raise TypeError(f"factor {i}: {str(exc).removeprefix('Factor.__init__() ')}") from None
    k = factor.k
    if isinstance(k, bool) or not isinstance(k, int | float) or not (np.isfinite(k) and k > 0):
        raise ValueError(f"factor {i}: k must be a finite number > 0, got {k!r}")
    for name in ("family", "gait", "direction"):
        if not isinstance(getattr(factor, name), str):
            raise TypeError(f"factor {i}: {name} must be text, got {getattr(factor, name)!r}")
    return factor


class CalibrationError(ValueError):
    """The data are too few or too short to fit any factor (the message says which)."""


def model_family(model_name: str) -> str:
    """The family of a registered model: its name up to the first underscore.

    >>> model_family("pandolf1977_santee"), model_family("acsm_running")
    ('pandolf1977', 'acsm')
    """
    return str(model_name).split("_", 1)[0]


@dataclass(frozen=True)
class Factor:
    """One fitted factor.

    Attributes
    ----------
    family, gait, direction : str
        What it applies to.
    k : float
        measured ≈ k × predicted.
    ci_low, ci_high : float
        Percentile bootstrap confidence interval of k at ``Calibration.level``.
    sessions : int
        Sessions it rests on.
    minutes : float
        Their total duration [min].
    """

    family: str
    gait: str
    direction: str
    k: float
    ci_low: float
    ci_high: float
    sessions: int
    minutes: float


@dataclass(frozen=True)
class Calibration:
    """Fitted factors, immutable, with what they were fitted on.

    Use :meth:`apply` on an estimate, :meth:`to_json` / :meth:`from_json` to store it.

    Attributes
    ----------
    factors : tuple of Factor
    refused : tuple of (family, gait, direction, reason)
        Groups that had too little data, and why.
    source : str
        What the measured energies were ("lab_vo2", "device", "heart_rate" or free text).
    basis : {"gross", "net"}
    level : float
        Confidence level of the intervals.
    settings : mapping
        loss, f_scale, bounds, bootstrap resamples, seed, minimum sessions and minutes.
    """

    factors: tuple[Factor, ...]
    refused: tuple[tuple[str, str, str, str], ...] = ()
    source: str = "unspecified"
    basis: Literal["gross", "net"] = "gross"
    level: float = 0.95
    settings: Mapping[str, Any] = field(default_factory=dict)

    def factor(self, family: str, gait: str, direction: str = "forward") -> Factor | None:
        """The factor for a family (or a model name), gait and direction, or None."""
        fam = model_family(family)
        for f in self.factors:
            if (f.family, f.gait, f.direction) == (fam, gait, direction):
                return f
        return None

    def describe(self) -> str:
        """What the calibration was fitted on, in words."""
        lines = [f"calibration on {self.source} ({self.basis} energy), {self.level:.0%} CI:"]
        for f in self.factors:
            lines.append(
                f"  {f.family} {f.gait} {f.direction}: k = {f.k:.3f} "
                f"[{f.ci_low:.3f}, {f.ci_high:.3f}] from {f.sessions} sessions, "
                f"{f.minutes:.0f} min"
            )
        for fam, gait, direction, reason in self.refused:
            lines.append(f"  {fam} {gait} {direction}: not fitted ({reason})")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready)."""
        data = asdict(self)
        data["factors"] = [asdict(f) for f in self.factors]
        data["refused"] = [list(r) for r in self.refused]
        data["settings"] = dict(self.settings)
        data["format"] = _FORMAT
        return data

    def to_json(self, **kwargs: Any) -> str:
        """JSON text; :meth:`from_json` reads it back."""
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Calibration:
        """Rebuild from :meth:`to_dict`'s output.

        Raises
        ------
        ValueError
            Not a calibration (no ``format`` ``"retrocalc.calibration/1"``), or one whose
            factors, basis or level are malformed (the message says which).
        """
        if not isinstance(data, Mapping) or data.get("format") != _FORMAT:
            raise ValueError(f"not a retrocalc calibration (missing format {_FORMAT!r})")
        basis = data.get("basis", "gross")
        if basis not in ("gross", "net"):
            raise ValueError(f"calibration: basis must be 'gross' or 'net', got {basis!r}")
        try:
            settings = dict(data.get("settings", {}))
            if "bounds" in settings:
                settings["bounds"] = tuple(settings["bounds"])
            factors = data["factors"]
            if not isinstance(factors, list | tuple):
                raise TypeError(f"'factors' must be a list, got {type(factors).__name__}")
            fitted = tuple(_factor(i, f) for i, f in enumerate(factors))
            refused = tuple(
                (str(a), str(b), str(c), str(d)) for a, b, c, d in data.get("refused", ())
            )
            level = float(data.get("level", 0.95))
        except (KeyError, TypeError, ValueError) as exc:
            what = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
            raise ValueError(f"calibration: malformed ({what})") from None
        return cls(
            factors=fitted,
            refused=refused,
            source=str(data.get("source", "unspecified")),
            basis=basis,
            level=level,
            settings=settings,
        )

    @classmethod
    def from_json(cls, text: str) -> Calibration:
        """Read :meth:`to_json`'s output (``ValueError`` for text that is not one)."""
        return cls.from_dict(json.loads(text))

    def row_factors(
        self, model_used: Any, gait_used: Any, direction: Any = "forward"
    ) -> FloatArray:
        """The factor k of each row (1 where none was fitted), flat.

        Parameters
        ----------
        model_used, gait_used : array_like of str
            The estimate's outputs (a row without an estimate, ``""``, gets 1).
        direction : str or array_like of str
            Direction of each row, or one for all.
        """
        from ._wrap import pandas

        pd = pandas()
        models = np.asarray(model_used, dtype=object).reshape(-1)
        gaits = np.asarray(gait_used, dtype=object).reshape(-1)
        dirs = np.broadcast_to(np.asarray(direction, dtype=object).reshape(-1), models.shape)
        # few distinct labels in many rows: each distinct one looked at once (pandas'
        # factorize is a hash table; a missing label gets code -1, the last slot: k = 1)
        (m_codes, m_names), (g_codes, g_names), (d_codes, d_names) = (
            pd.factorize(values) for values in (models, gaits, dirs)
        )
        fitted = {(f.family, f.gait, f.direction): f.k for f in self.factors}
        table = np.ones((len(m_names) + 1, len(g_names) + 1, len(d_names) + 1))
        for i, m in enumerate(m_names):
            for j, g in enumerate(g_names):
                for h, d in enumerate(d_names):
                    key = (model_family(str(m)), str(g), str(d).strip().lower())
                    table[i, j, h] = fitted.get(key, 1.0)
        k: FloatArray = table[m_codes, g_codes, d_codes]
        return k

    def scales(self, vo2_gross: Any, vo2_net: Any, k: FloatArray) -> dict[str, FloatArray]:
        """What each energy and power output is multiplied by, per row, for factors ``k``.

        ``basis="gross"``: gross x k, net = new gross - rest; ``basis="net"``: net x k,
        gross = rest + new net (rest = gross - net of the estimate).
        """
        gross = np.asarray(vo2_gross, dtype=np.float64).reshape(-1)
        net = np.asarray(vo2_net, dtype=np.float64).reshape(-1)
        rest = gross - net
        if self.basis == "gross":
            new_gross = k * gross
            new_net = new_gross - rest
        else:
            new_net = k * net
            new_gross = rest + new_net
        with np.errstate(invalid="ignore", divide="ignore"):
            s_gross = np.where(gross != 0, new_gross / gross, k)
            s_net = np.where(net != 0, new_net / net, k)
        return {
            "vo2_gross_ml_kg_min": s_gross,
            "vo2_net_ml_kg_min": s_net,
            "met": s_gross,
            "power_gross_w": s_gross,
            "power_net_w": s_net,
            "energy_gross_kcal": s_gross,
            "energy_net_kcal": s_net,
            "energy_gross_kj": s_gross,
            "energy_net_kj": s_net,
            "cost_of_transport_j_kg_m": s_net,
        }

    def apply(self, result: Any, *, direction: Any = None) -> Any:
        """Scale the energy and power outputs of an estimate by the fitted factors.

        Parameters
        ----------
        result : EstimateResult or pandas.DataFrame
            Output of :func:`retrocalc.estimate`.
        direction : str or array_like, optional
            Direction of each row; a frame's ``direction`` column wins; default "forward".

        Returns
        -------
        EstimateResult or pandas.DataFrame
            A new object of the same kind: vo2, MET, power, energy and cost of transport
            scaled; rows without a fitted factor unchanged (factor 1).
        """
        frame = hasattr(result, "columns")

        def get(name: str) -> Any:
            return result[name] if frame else getattr(result, name)

        if frame and "direction" in result.columns:
            direction = np.asarray(result["direction"], dtype=object)
        k = self.row_factors(
            get("model_used"), get("gait_used"), "forward" if direction is None else direction
        )
        scale = self.scales(get("vo2_gross_ml_kg_min"), get("vo2_net_ml_kg_min"), k)
        if frame:
            out = result.copy()
            for name, s in scale.items():
                if name in out.columns:
                    out[name] = out[name].to_numpy(dtype=np.float64) * s
            return out

        changes: dict[str, Any] = {}
        for name, s in scale.items():
            value = getattr(result, name)
            if np.ndim(value) == 0:
                changes[name] = float(value * s[0])
            elif hasattr(value, "index"):
                changes[name] = value * s
            else:
                changes[name] = np.asarray(value) * s.reshape(np.shape(value))
        return result.replace(**changes)


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
    """
    import pandas as pd
    from scipy.optimize import least_squares

    from .core import estimate

    if not isinstance(measured, pd.DataFrame):
        raise TypeError("measured must be a pandas DataFrame (one row per session or segment)")
    if basis not in ("gross", "net"):
        raise ValueError(f"basis must be 'gross' or 'net', got {basis!r}")
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
    m = measured[measured_column].to_numpy(dtype=np.float64)
    p = np.asarray(predicted[energy_col], dtype=np.float64)
    duration = measured["duration_s"].to_numpy(dtype=np.float64)
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
