"""The model registry: every published model retrocalc implements, described as data.

Dispatch in :func:`retrocalc.estimate`, :func:`retrocalc.models`, the docs' model table and the
tests' parametrisation all read :data:`REGISTRY`; nothing else lists the models.

This module is callable: ``retrocalc.models()`` returns :data:`REGISTRY`, while
``retrocalc.models.lcda2019_walking`` and ``import retrocalc.models`` reach the model functions.
The public API asks for ``rc.models()``; the layout puts the models in ``retrocalc/models/``; a
callable module gives both without a function shadowing the package.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from . import acsm as _acsm
from . import blend as _blend
from . import direction as _direction
from . import lankford2020 as _lankford2020
from . import lcda2019 as _lcda2019
from . import leger1984 as _leger1984
from . import minetti2002 as _minetti2002
from . import pandolf1977 as _pandolf1977
from ._spec import Bounds, ModelSpec, Output
from .acsm import acsm_running, acsm_walking
from .blend import acsm_minetti_running
from .lankford2020 import lankford2020_walking
from .lcda2019 import lcda2019_loaded_walking, lcda2019_walking
from .leger1984 import leger1984_track, leger1984_treadmill
from .minetti2002 import minetti2002_running, minetti2002_walking
from .pandolf1977 import TERRAIN_FACTORS, pandolf1977, pandolf1977_santee, santee_correction

__all__ = [
    "REGISTRY",
    "TERRAIN_FACTORS",
    "Bounds",
    "ModelSpec",
    "Output",
    "Registry",
    "acsm_minetti_running",
    "acsm_running",
    "acsm_walking",
    "get_model",
    "lankford2020_walking",
    "lcda2019_loaded_walking",
    "lcda2019_walking",
    "leger1984_track",
    "leger1984_treadmill",
    "minetti2002_running",
    "minetti2002_walking",
    "pandolf1977",
    "pandolf1977_santee",
    "santee_correction",
]


#: Presentation of the registry, registered by the faces (``"html"``: Jupyter's table).
PRESENTERS: dict[str, Callable[[Registry], str]] = {}


class Registry(Mapping[str, ModelSpec]):
    """Read-only mapping of model name to :class:`ModelSpec`, in registration order.

    Printing it gives a table; :meth:`to_frame` gives a pandas DataFrame.
    """

    def __init__(self, specs: tuple[ModelSpec, ...]) -> None:
        names = [s.name for s in specs]
        duplicated = {n for n in names if names.count(n) > 1}
        if duplicated:
            raise ValueError(f"model names registered twice: {sorted(duplicated)}")
        self._specs = {s.name: s for s in specs}

    def __getitem__(self, name: str) -> ModelSpec:
        try:
            return self._specs[name]
        except KeyError:
            raise KeyError(
                f"unknown model {name!r}; registered models: {', '.join(self._specs)}"
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def base(self, gait: str | None = None) -> list[ModelSpec]:
        """Base models, optionally only those for one gait ("walk" or "run")."""
        return [
            s
            for s in self._specs.values()
            if s.kind == "base" and (gait is None or gait in s.gaits)
        ]

    def records(self) -> list[dict[str, Any]]:
        """One plain dict per model: name, kind, gaits, directions, inputs, ranges, citation."""
        return [
            {
                "name": s.name,
                "title": s.title,
                "kind": s.kind,
                "gaits": list(s.gaits),
                "directions": list(s.directions),
                "inputs": list(s.inputs),
                "output": s.output,
                "ranges": {k: list(v) for k, v in s.ranges.items()},
                "factor": s.value,
                "citation": s.citation,
                "doi": s.doi,
                "notes": s.notes,
            }
            for s in self._specs.values()
        ]

    def to_frame(self) -> Any:
        """The registry as a pandas DataFrame indexed by model name (imports pandas)."""
        from .._wrap import pandas

        pd = pandas()
        rows = self.records()
        for row in rows:
            spec = self._specs[row["name"]]
            row["gaits"] = ", ".join(spec.gaits)
            row["directions"] = ", ".join(spec.directions)
            row["inputs"] = ", ".join(spec.inputs)
            row["ranges"] = spec.describe_ranges()
        return pd.DataFrame(rows).set_index("name")

    def __str__(self) -> str:
        lines = []
        for s in self._specs.values():
            factor = f" x{s.value:g} on net cost" if s.value is not None else ""
            lines.append(
                f"{s.name} ({s.kind}; {'/'.join(s.gaits)}{factor})\n"
                f"    valid: {s.describe_ranges()}\n"
                f"    {s.citation}. doi:{s.doi}"
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"Registry({', '.join(self._specs)})"

    def _repr_html_(self) -> str | None:
        """HTML table with validity ranges, units and sources, for Jupyter.

        Drawn by :mod:`retrocalc._display` (a face), which registers itself in
        :data:`PRESENTERS` when retrocalc is imported: the model layer holds no presentation.
        """
        html = PRESENTERS.get("html")
        return html(self) if html is not None else None


#: Every model retrocalc implements.
REGISTRY = Registry(
    (
        *_lcda2019.SPECS,
        *_acsm.SPECS,
        *_blend.SPECS,
        *_minetti2002.SPECS,
        *_pandolf1977.SPECS,
        *_leger1984.SPECS,
        *_lankford2020.SPECS,
        *_direction.SPECS,
    )
)


def get_model(name: str) -> ModelSpec:
    """Look up a model by name; the KeyError lists the registered names."""
    return REGISTRY[name]


class _RegistryModule(types.ModuleType):
    """``retrocalc.models`` itself: calling it returns the registry."""

    def __call__(self) -> Registry:
        """The model registry (see :class:`Registry`)."""
        return REGISTRY


sys.modules[__name__].__class__ = _RegistryModule
