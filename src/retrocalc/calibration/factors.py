"""The stored calibration: :class:`Factor`, :class:`Calibration` (applied to an estimate,
kept as JSON) and :func:`model_family`; :func:`retrocalc.calibration.calibrate` fits them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

__all__ = ["Calibration", "CalibrationError", "Factor", "model_family"]

FloatArray = NDArray[np.float64]


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
        from .._wrap import pandas

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
