"""The data that describes a model in the registry."""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal, TypeVar

import numpy as np

from .._fa import is_scalar

__all__ = ["Bounds", "ModelSpec", "Output", "Spread", "model_function"]

F = TypeVar("F", bound=Callable[..., Any])

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

#: Native output -> gross metabolic power per kg body mass [W/kg], from the native value, the
#: speed [m/s], the body mass [kg], W/kg per ml/kg/min of O2 and the resting rate [W/kg].
#: Plain operators: the same conversion serves a float and a block of rows.
TO_GROSS_W_KG: Mapping[str, Callable[[Any, Any, Any, Any, Any], Any]] = MappingProxyType(
    {
        "vo2_gross_ml_kg_min": lambda native, v, m, w_per_vo2, rest: native * w_per_vo2,
        "power_gross_w_kg": lambda native, v, m, w_per_vo2, rest: native,
        "power_gross_w": lambda native, v, m, w_per_vo2, rest: native / m,
        "cost_net_j_kg_m": lambda native, v, m, w_per_vo2, rest: native * v + rest,
    }
)
#: Every input a base model's kernel or validity rule may read, in the order the composition
#: passes one row of them (:attr:`ModelSpec.inside`, :attr:`ModelSpec.native_row`).
ROW_INPUTS = ("speed_m_s", "grade", "mass_kg", "load_kg", "terrain_factor")
#: What each conversion reads besides the native value: inputs by name, and ``w_per_vo2``
#: (the O2 equivalent) and ``rest`` (the resting rate), which the array engine gathers per
#: row (RER, RMR) only for a model that reads them.
_CONVERSION_READS = {
    "vo2_gross_ml_kg_min": ("w_per_vo2",),
    "power_gross_w_kg": (),
    "power_gross_w": ("mass_kg",),
    "cost_net_j_kg_m": ("speed_m_s", "rest"),
    "net_factor": (),
}


@dataclass(frozen=True)
class Spread:
    """A model's published spread: the standard error of the estimate (or residual SE).

    Attributes
    ----------
    value : float
        The spread, in ``unit``.
    unit : str
        Its unit (``"W/kg"``, ``"ml/kg/min"``, ``"1"`` for a fraction of the net cost).
    basis : str
        What it is: "SEE level walking", "residual SE", "between-person SD"...
    source : str
        Where it is published.
    """

    value: float
    unit: str
    basis: str
    source: str


def model_function(kernel: F) -> F:
    """Make a model's plain-operator kernel a public function of any input kind.

    The kernel is written with plain operators, so it takes Python floats (fast, no numpy)
    and ndarrays alike; the engines call it as it is (``function.kernel``). The public
    function also takes lists, nested lists and pandas Series and gives back the kind it got
    (float, ndarray of the broadcast shape, Series with the index), through the one
    type-preserving wrapper (:mod:`retrocalc._wrap`).
    """
    from .._wrap import pack

    code = kernel.__code__  # the parameter names, without importing inspect (slow to import)
    names = code.co_varnames[: code.co_argcount]

    @functools.wraps(kernel)
    def public(*args: Any) -> Any:
        if all(is_scalar(a) and type(a) is not bool for a in args):
            return kernel(*(float(a) for a in args))
        packed = pack(dict(zip(names, args, strict=True)))
        with np.errstate(all="ignore"):  # NaN and inf in give NaN or inf out, silently
            value = np.asarray(kernel(*packed.arrays.values()), dtype=np.float64)
        if value.shape != packed.shape:
            value = np.array(np.broadcast_to(value, packed.shape))
        return packed.unpack(value)

    public.kernel = kernel  # type: ignore[attr-defined]
    return public  # type: ignore[return-value]


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
    see : Spread or None
        The published standard error of the estimate (None: none published).
    symbols : tuple of (TeX, meaning, unit)
        Every symbol of the equation in the unit the equation takes it (the docs' model page
        shows them); not always retrocalc's SI (S in m/min for ACSM, G in percent for LCDA).
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
    see: Spread | None = None
    symbols: tuple[tuple[str, str, str], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "ranges", MappingProxyType(dict(self.ranges)))

    @functools.cached_property
    def kernel(self) -> Callable[..., Any]:
        """The plain-operator model function the engines call (floats or ndarrays)."""
        assert self.function is not None, f"{self.name} has no function"
        kernel: Callable[..., Any] = getattr(self.function, "kernel", self.function)
        return kernel

    @functools.cached_property
    def bounds(self) -> Mapping[str, Bounds]:
        """The validity rule: :attr:`ranges`, and for a base model without a load or terrain
        input, load 0 and terrain factor 1 (it describes neither)."""
        bounds = dict(self.ranges)
        if self.kind == "base":
            if "load_kg" not in self.inputs:
                bounds["load_kg"] = (0.0, 0.0)
            if "terrain_factor" not in self.inputs:
                bounds["terrain_factor"] = (1.0, 1.0)
        return MappingProxyType(bounds)

    @functools.cached_property
    def checks(self) -> tuple[tuple[int, str, float, float], ...]:
        """:attr:`bounds` as (position, input, low, high) with -inf/inf for no bound."""
        inf = float("inf")
        return tuple(
            (j, name, -inf if lo is None else lo, inf if hi is None else hi)
            for j, (name, (lo, hi)) in enumerate(self.bounds.items())
        )

    @functools.cached_property
    def inside(self) -> Callable[..., bool]:
        """Predicate on one row of floats, given as :data:`ROW_INPUTS` (positionally or by
        name): inside :attr:`bounds` (NaN is not).

        Built once from the bounds into a single comparison chain: the plain-float front
        checks a row in a fraction of a microsecond.
        """
        terms = [f"{lo!r} <= {name} <= {hi!r}" for _, name, lo, hi in self.checks]
        source = f"lambda {', '.join(ROW_INPUTS)}: " + (" and ".join(terms) or "True")
        predicate: Callable[..., bool] = eval(source, {"inf": float("inf")})
        return predicate

    @functools.cached_property
    def native_row(self) -> Callable[..., Any]:
        """The kernel on one row of floats given as :data:`ROW_INPUTS`: its own inputs picked
        by name, no tuple or mapping in between (the block path uses :attr:`arguments`)."""
        source = f"lambda {', '.join(ROW_INPUTS)}: kernel({', '.join(self.inputs)})"
        row: Callable[..., Any] = eval(source, {"kernel": self.kernel})
        return row

    @functools.cached_property
    def arguments(self) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
        """Picks the model function's positional arguments out of a mapping of inputs."""
        names = self.inputs
        if len(names) == 1:
            name = names[0]
            return lambda values: (values[name],)
        return operator.itemgetter(*names)

    @functools.cached_property
    def reads(self) -> tuple[str, ...]:
        """Every input the model's evaluation reads: its own, its ranges', its conversion's."""
        conversion = (r for r in _CONVERSION_READS[self.output] if r in ROW_INPUTS)
        return tuple(dict.fromkeys((*self.inputs, *self.bounds, *conversion)))

    @property
    def rates_read(self) -> tuple[bool, bool]:
        """Whether the conversion to gross W/kg reads the O2 equivalent and the resting rate
        (a ``None`` passed for one it does not read is fine)."""
        reads = _CONVERSION_READS[self.output]
        return "w_per_vo2" in reads, "rest" in reads

    def to_gross_w_kg(self, native: Any, speed: Any, mass: Any, w_per_vo2: Any, rest: Any) -> Any:
        """The native output as gross metabolic power per kg body mass [W/kg]."""
        return self.to_gross(native, speed, mass, w_per_vo2, rest)

    @functools.cached_property
    def to_gross(self) -> Callable[[Any, Any, Any, Any, Any], Any]:
        """:meth:`to_gross_w_kg` as the conversion function itself (one call less a row)."""
        return TO_GROSS_W_KG[self.output]

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
