"""typing.get_type_hints resolves the annotations of the public API at run time.

The annotations stay strings (postponed evaluation) and name pandas, polars and the
calibration only for type checkers; tools that read them at run time (documentation,
validators, IDEs) must still get types, and ``import retrocalc`` must not import more.
"""

from __future__ import annotations

import inspect
import subprocess
import sys
import types
import typing
from collections.abc import Iterator
from typing import Any

import pytest

import retrocalc as rc
import retrocalc.activity


def _public_callables() -> Iterator[tuple[str, Any]]:
    """Functions, classes (and their own public methods) and callable modules exported."""
    for module in (rc, retrocalc.activity):
        for name in module.__all__:
            obj = getattr(module, name)
            if not (
                inspect.isroutine(obj)
                or inspect.isclass(obj)
                or (isinstance(obj, types.ModuleType) and callable(obj))
            ):
                continue  # data and type aliases (REGISTRY, RangePolicy, Numeric)
            yield f"{module.__name__}.{name}", obj
            if not inspect.isclass(obj):
                continue
            for attr, member in inspect.getmembers(obj):
                if attr.startswith("_") and attr != "__init__":
                    continue
                func = member.fget if isinstance(member, property) else member
                func = getattr(func, "__func__", func)
                if inspect.isfunction(func) and func.__module__.startswith("retrocalc"):
                    yield f"{module.__name__}.{name}.{attr}", func


CALLABLES = list(_public_callables())


def test_the_public_callables_are_found() -> None:
    names = {name for name, _ in CALLABLES}
    assert {
        "retrocalc.estimate",
        "retrocalc.estimate_file",
        "retrocalc.EstimateOptions",
        "retrocalc.EstimateResult.to_frame",
        "retrocalc.Calibration",
        "retrocalc.activity.read_activity",
    } <= names


@pytest.mark.parametrize(("name", "obj"), CALLABLES, ids=[name for name, _ in CALLABLES])
def test_get_type_hints_of_every_public_callable(name: str, obj: Any) -> None:
    typing.get_type_hints(obj)


def test_get_type_hints_resolve_the_names_imported_for_type_checkers() -> None:
    from retrocalc.calibration import Calibration

    assert typing.get_type_hints(rc.estimate)["calibration"] == Calibration | None
    hints = typing.get_type_hints(rc.EstimateOptions)
    assert hints["calibration"] == Calibration | None
    assert type(None) in typing.get_args(hints["duration_s"])
    import pandas as pd

    assert pd.Series in typing.get_args(hints["speed_m_s"])
    assert typing.get_type_hints(rc.EstimateResult.to_frame)["return"] is pd.DataFrame


def test_get_type_hints_import_only_on_demand() -> None:
    # a fresh interpreter: `import retrocalc` imports neither pandas nor the calibration,
    # the annotations import what they name when they are evaluated
    code = (
        "import sys, typing\n"
        "import retrocalc as rc\n"
        "assert 'pandas' not in sys.modules and 'polars' not in sys.modules\n"
        "assert 'retrocalc.calibration' not in sys.modules\n"
        "typing.get_type_hints(rc.estimate)\n"
        "assert 'retrocalc.calibration' in sys.modules and 'pandas' not in sys.modules\n"
        "typing.get_type_hints(rc.EstimateOptions)\n"
        "assert 'pandas' in sys.modules and 'polars' in sys.modules\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
