"""The data that describes a model in the registry."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

__all__ = ["Bounds", "ModelSpec", "Output"]

#: What a base model's function returns (its native, published quantity).
Output = Literal[
    "vo2_gross_ml_kg_min",  # gross oxygen uptake [ml/kg/min]
    "power_gross_w_kg",  # gross metabolic power per kg body mass [W/kg]
    "power_gross_w",  # gross metabolic power of the whole person [W]
    "cost_net_j_kg_m",  # net metabolic cost per kg and metre [J/kg/m]
    "net_factor",  # direction models: multiplier on the net forward cost [1]
]

#: Inclusive bounds; None is unbounded on that side.
Bounds = tuple[float | None, float | None]


@dataclass(frozen=True)
class ModelSpec:
    """A registered model: its function, what it covers, and where it comes from.

    Attributes
    ----------
    name : str
        Registry key, ``model=`` value.
    title : str
        Short human-readable title.
    kind : {"base", "direction"}
        A base model gives the forward cost; a direction model scales its net part.
    gaits : tuple of {"walk", "run"}
        Gaits the model describes.
    directions : tuple of {"forward", "backward"}
        Directions it can be applied to (base models reach "backward" through a direction model).
    inputs : tuple of str
        Canonical input names (see :mod:`retrocalc.nomenclature`), in the order the function
        takes them positionally.
    output : str
        The native quantity the function returns (see :data:`Output`).
    ranges : mapping of str to (low, high)
        Validity range of each input in canonical units, inclusive, None unbounded.
    citation : str
        Full reference.
    doi : str
        DOI of the primary source (empty when none exists).
    function : callable or None
        The vectorised model function (None for a constant direction factor).
    value : float or None
        The factor of a direction model.
    notes : str
        Provenance of coefficients and ranges, caveats.
    """

    name: str
    title: str
    kind: Literal["base", "direction"]
    gaits: tuple[str, ...]
    directions: tuple[str, ...]
    inputs: tuple[str, ...]
    output: Output
    ranges: Mapping[str, Bounds]
    citation: str
    doi: str
    function: Callable[..., Any] | None = None
    value: float | None = None
    notes: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "ranges", MappingProxyType(dict(self.ranges)))

    @property
    def doi_url(self) -> str:
        """``https://doi.org/`` link of the DOI, or an empty string."""
        return f"https://doi.org/{self.doi}" if self.doi else ""

    def describe_ranges(self) -> str:
        """Validity ranges as text, e.g. ``"speed_m_s in [0, 1.96]; grade in [-0.4, 0.45]"``."""
        parts = []
        for name, (lo, hi) in self.ranges.items():
            lo_s = "-inf" if lo is None else f"{lo:g}"
            hi_s = "inf" if hi is None else f"{hi:g}"
            parts.append(f"{name} in [{lo_s}, {hi_s}]")
        return "; ".join(parts)
