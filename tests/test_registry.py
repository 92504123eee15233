"""The registry: one description of every model, complete and consistent."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest

import retrocalc as rc
from retrocalc.nomenclature import INPUTS

SPECS = list(rc.REGISTRY.values())


def test_models_returns_the_registry() -> None:
    reg = rc.models()
    assert reg is rc.REGISTRY
    assert len(reg) == len(SPECS) >= 11
    assert set(reg) >= {
        "acsm_walking",
        "acsm_running",
        "minetti2002_walking",
        "minetti2002_running",
        "lcda2019_walking",
        "pandolf1977",
        "pandolf1977_santee",
        "leger1984_treadmill",
        "leger1984_track",
        "backward_running",
        "backward_walking",
    }


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_spec_is_complete(spec: rc.ModelSpec) -> None:
    assert re.fullmatch(r"10\.\d{4,}/\S+", spec.doi), spec.doi
    assert spec.doi_url == f"https://doi.org/{spec.doi}"
    assert re.search(r"\(\d{4}\)", spec.citation)
    assert set(spec.inputs) <= set(INPUTS)
    assert set(spec.ranges) <= set(INPUTS)
    assert set(spec.gaits) <= {"walk", "run"}
    assert spec.gaits
    for lo, hi in spec.ranges.values():
        assert lo is None or hi is None or lo <= hi
    if spec.kind == "base":
        assert callable(spec.function)
        assert set(spec.ranges) <= set(spec.inputs) | {"speed_m_s", "grade"}
        doc = spec.function.__doc__ or ""
        for section in ("Parameters", "Returns", "References"):
            assert section in doc, (spec.name, section)
        assert spec.doi in doc or spec.doi in (sys.modules[spec.function.__module__].__doc__ or "")
        assert "[" in doc  # units in brackets
    else:
        assert spec.value is not None
        assert spec.value > 1
        assert spec.directions == ("backward",)


def test_unknown_model_lists_names() -> None:
    with pytest.raises(KeyError, match="registered models: lcda2019_walking"):
        rc.get_model("nope")


def test_registry_views() -> None:
    text = str(rc.models())
    for spec in SPECS:
        assert spec.name in text
        assert spec.doi in text
    assert repr(rc.models()).startswith("Registry(")
    frame = rc.models().to_frame()
    assert list(frame.index) == [s.name for s in SPECS]
    assert {"citation", "doi", "ranges", "gaits"} <= set(frame.columns)
    json.dumps(rc.models().records())  # plain data
    assert [s.name for s in rc.REGISTRY.base("run")] == [
        s.name for s in SPECS if s.kind == "base" and "run" in s.gaits
    ]


def test_duplicate_names_rejected() -> None:
    spec = SPECS[0]
    with pytest.raises(ValueError, match="registered twice"):
        rc.Registry((spec, spec))


def test_defaults_are_registered_base_models() -> None:
    for name in rc.DEFAULT_MODELS.values():
        assert rc.get_model(name).kind == "base"


def test_import_loads_neither_pandas_nor_scipy_nor_matplotlib() -> None:
    code = (
        "import sys, retrocalc as rc; rc.estimate(speed_m_s=3.0, mass_kg=70, duration_s=60);"
        "print(sorted(m for m in ('pandas','scipy','matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_model_functions_accept_series_and_scalars() -> None:
    import pandas as pd

    s = pd.Series([0.0, 0.1], index=["a", "b"])
    out = rc.models()["minetti2002_running"].function(s)  # type: ignore[misc]
    assert isinstance(out, pd.Series)
    assert out.index.equals(s.index)


def test_models_is_callable_and_the_subpackage() -> None:
    import retrocalc.models as models_module
    from retrocalc.models import lcda2019_walking

    assert models_module is rc.models
    assert rc.models.lcda2019_walking is lcda2019_walking  # type: ignore[attr-defined]
    assert models_module() is rc.REGISTRY


def test_input_bounds_from_the_nomenclature() -> None:
    import math

    import numpy as np

    from retrocalc.nomenclature import INPUTS

    assert INPUTS["grade"].bound == ""
    assert INPUTS["grade"].impossible(-5.0) is False  # no lower bound: nothing is impossible
    assert INPUTS["mass_kg"].bound == "> 0"
    assert INPUTS["speed_m_s"].bound == ">= 0"
    for var in INPUTS.values():
        if var.lower is None:
            continue
        assert var.impossible(var.lower) == var.lower_open
        assert not var.impossible(var.lower + 1.0)
        assert var.impossible(var.lower - 1.0)
        assert not var.impossible(math.nan)  # missing, not impossible
        np.testing.assert_array_equal(
            var.impossible(np.array([var.lower - 1.0, np.nan, var.lower + 1.0])),
            [True, False, False],
        )


def test_a_model_given_as_its_spec_is_the_model_of_that_name() -> None:
    spec = rc.get_model("acsm_running")
    speeds = np.array([2.5, 3.0, 3.5])
    by_name = rc.estimate(speed_m_s=speeds, mass_kg=70, duration_s=600, model="acsm_running")
    by_spec = rc.estimate(speed_m_s=speeds, mass_kg=70, duration_s=600, model=spec)
    np.testing.assert_array_equal(by_spec.energy_gross_kcal, by_name.energy_gross_kcal)
    assert list(by_spec.model_used) == ["acsm_running"] * 3
    # one bout: ACSM running, 3 m/s on the level: VO2 = 3.5 + 0.2 * 180 = 39.5 ml/kg/min
    one = rc.estimate(speed_m_s=3.0, mass_kg=70, duration_s=600, model=spec)
    assert one.vo2_gross_ml_kg_min == pytest.approx(39.5)
