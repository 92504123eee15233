"""The contract of every registered model function (colour-science's triad, and the kinds).

Each base model is one function written with plain operators; the public function takes a
Python number, a list, an n-dimensional ndarray or a pandas Series and gives back the same
kind. What is checked, for every model the registry holds (a new model is covered by adding
it to the registry):

- a value: the Python-float route and the array route agree (to the ulp bound of
  ``tests/test_engines.py``: Python's ``pow`` and numpy's may differ in the last bit);
- n-d input: a (2, 3, 4) array gives elementwise the same as one call per element;
- NaN and inf: never raise or warn, NaN in gives NaN out;
- kinds: float -> float, list -> ndarray, Series -> Series with the same index and name.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

import retrocalc as rc
from retrocalc.models import _spec

BASE = [s for s in rc.REGISTRY.values() if s.kind == "base"]
ULP_BOUND = 1e-14

# a plausible point for each input (inside most models' ranges)
POINT = {
    "speed_m_s": 1.3,
    "grade": 0.05,
    "mass_kg": 70.0,
    "load_kg": 10.0,
    "terrain_factor": 1.2,
}


def _args(spec: Any, **override: Any) -> list[Any]:
    return [override.get(k, POINT[k]) for k in spec.inputs]


def _grid(spec: Any, shape: tuple[int, ...]) -> list[np.ndarray]:
    rng = np.random.default_rng(len(spec.name))
    spans = {
        "speed_m_s": (0.5, 3.0),
        "grade": (-0.2, 0.2),
        "mass_kg": (40.0, 110.0),
        "load_kg": (0.0, 40.0),
        "terrain_factor": (1.0, 2.0),
    }
    return [rng.uniform(*spans[k], size=shape) for k in spec.inputs]


@pytest.mark.parametrize("spec", BASE, ids=lambda s: s.name)
def test_float_in_float_out_equal_to_the_array_route(spec: Any) -> None:
    f = spec.function
    value = f(*_args(spec))
    assert type(value) is float
    assert math.isfinite(value)
    array = f(*(np.array([x]) for x in _args(spec)))
    assert isinstance(array, np.ndarray)
    assert array.shape == (1,)
    assert abs(array[0] - value) <= ULP_BOUND * max(abs(value), 1.0)
    assert spec.kernel(*_args(spec)) == value  # the engines call the kernel itself


@pytest.mark.parametrize("spec", BASE, ids=lambda s: s.name)
def test_n_dimensional_input_is_elementwise(spec: Any) -> None:
    shape = (2, 3, 4)
    grid = _grid(spec, shape)
    out = spec.function(*grid)
    assert isinstance(out, np.ndarray)
    assert out.shape == shape
    for idx in np.ndindex(*shape):
        one = spec.function(*(float(g[idx]) for g in grid))
        assert abs(out[idx] - one) <= ULP_BOUND * max(abs(one), 1.0), (idx, out[idx], one)


@pytest.mark.parametrize("spec", BASE, ids=lambda s: s.name)
@pytest.mark.parametrize("layout", ["fortran", "zero-d"])
def test_fortran_order_and_zero_d_kernels(spec: Any, layout: str) -> None:
    # the kernels the engines call, on Fortran-ordered blocks and numpy 0-d values (models
    # that treat some rows apart, like the running blend downhill, write through flat views)
    grid = _grid(spec, (3, 4))
    if layout == "fortran":
        args = [np.asfortranarray(g) for g in grid]
        out = np.asarray(spec.kernel(*args))
        for idx in np.ndindex(3, 4):
            one = spec.kernel(*(float(g[idx]) for g in grid))
            assert abs(out[idx] - one) <= ULP_BOUND * max(abs(one), 1.0), (idx, out[idx], one)
    else:
        for idx in [(0, 0), (1, 2), (2, 3)]:
            one = spec.kernel(*(float(g[idx]) for g in grid))
            zero_d = spec.kernel(*(np.array(g[idx]) for g in grid))
            assert np.shape(zero_d) == ()
            assert abs(float(zero_d) - one) <= ULP_BOUND * max(abs(one), 1.0)


@pytest.mark.parametrize("spec", BASE, ids=lambda s: s.name)
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_nan_and_inf_never_raise(spec: Any, bad: float) -> None:
    for name in spec.inputs:
        args = [np.array([POINT[k], bad if k == name else POINT[k]]) for k in spec.inputs]
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no RuntimeWarning either
            out = spec.function(*args)
        assert math.isfinite(out[0])
        if math.isnan(bad):
            assert math.isnan(out[1]), (name, out[1])


@pytest.mark.parametrize("spec", BASE, ids=lambda s: s.name)
def test_kinds_list_and_series(spec: Any) -> None:
    as_list = spec.function(*([x, x] for x in _args(spec)))
    assert isinstance(as_list, np.ndarray)
    assert as_list.shape == (2,)
    index = pd.Index(["a", "b"])
    series = [pd.Series([x, x], index=index) for x in _args(spec)]
    out = spec.function(*series)
    assert isinstance(out, pd.Series)
    assert out.index.equals(index)
    np.testing.assert_array_equal(out.to_numpy(), as_list)


@pytest.mark.parametrize("spec", BASE, ids=lambda s: s.name)
def test_text_is_refused_with_the_parameter_named(spec: Any) -> None:
    args: list[Any] = _args(spec)
    args[0] = ["1.3", "fast"]
    with pytest.raises(TypeError, match=spec.inputs[0].split("_")[0]):
        spec.function(*args)


@pytest.mark.parametrize("output", sorted(_spec.TO_GROSS_W_KG))
def test_conversions_read_only_the_rates_they_declare(output: str) -> None:
    # the array engine passes None for a per-row rate a conversion does not declare reading
    reads = _spec._CONVERSION_READS[output]
    reads_o2, reads_rest = "w_per_vo2" in reads, "rest" in reads
    convert = _spec.TO_GROSS_W_KG[output]
    native, speed, mass, w_per_vo2, rest = 2.0, 3.0, 70.0, 0.35, 1.2
    full = convert(native, speed, mass, w_per_vo2, rest)
    assert (
        convert(native, speed, mass, w_per_vo2 if reads_o2 else None, rest if reads_rest else None)
        == full
    )
    for declared, args in (
        (reads_o2, (native, speed, mass, 0.7, rest)),
        (reads_rest, (native, speed, mass, w_per_vo2, 2.4)),
    ):
        # a declared rate changes the result (so it is read); an undeclared one must not
        assert (convert(*args) != full) == declared
