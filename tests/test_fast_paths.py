"""The fast paths give the reference path's numbers, warnings and errors.

``estimate()`` has three routes: a plain-float path for single bouts (``retrocalc._scalar``),
blocked evaluation for arrays (``retrocalc._blocked``) and the reference composition in
``retrocalc.core``, which handles everything the fast paths decline. Each property here runs
the same call with a fast path on and off and requires identical results: bit for bit for
numbers, the same warnings (category and text) and the same errors (type and text).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import retrocalc as rc
from retrocalc import _blocked, _scalar
from retrocalc.nomenclature import OUTPUTS

BASE_NAMES = [s.name for s in rc.REGISTRY.base()]
POLICIES = ["warn", "flag", "nan", "raise"]


def _budget(n: int) -> settings:
    return settings(max_examples=max(5, n * settings.default.max_examples // 100), deadline=None)


@contextmanager
def reference_path() -> Iterator[None]:
    """Both fast paths off: the reference composition only."""
    saved = _scalar.ENABLED, _blocked.ENABLED
    _scalar.ENABLED = _blocked.ENABLED = False
    try:
        yield
    finally:
        _scalar.ENABLED, _blocked.ENABLED = saved


def outcome(call: Callable[[], Any]) -> tuple[str, Any, list[tuple[type, str]]]:
    """("ok", result dict, warnings) or ("error", (type, text), warnings)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = call()
        except (ValueError, TypeError, rc.OutOfRangeError) as exc:
            return "error", (type(exc), str(exc)), [(w.category, str(w.message)) for w in caught]
    found = [(w.category, str(w.message)) for w in caught]
    data = result.to_dict() if isinstance(result, rc.EstimateResult) else dict(result)
    return "ok", data, found


def same_value(a: Any, b: Any) -> bool:
    if isinstance(a, pd.Series):
        if not (isinstance(b, pd.Series) and a.index.equals(b.index) and a.name == b.name):
            return False
        a, b = a.to_numpy(), b.to_numpy()
    if type(a) is not type(b):
        return False
    x, y = np.asarray(a), np.asarray(b)
    if x.dtype != y.dtype or x.shape != y.shape:
        return False
    if x.dtype.kind == "f":  # bit for bit (signed zeros too), NaN where NaN
        nan_x, nan_y = np.isnan(x), np.isnan(y)
        bits_x, bits_y = x[~nan_x].view(np.int64), y[~nan_y].view(np.int64)
        return bool(np.array_equal(nan_x, nan_y) and np.array_equal(bits_x, bits_y))
    return bool(np.array_equal(x, y))


def assert_same(fast: tuple[str, Any, Any], ref: tuple[str, Any, Any]) -> None:
    assert fast[0] == ref[0], (fast, ref)
    assert fast[2] == ref[2]  # the same warnings, in order, word for word
    if fast[0] == "error":
        assert fast[1] == ref[1]
        return
    assert list(fast[1]) == list(ref[1])
    for name in fast[1]:
        assert same_value(fast[1][name], ref[1][name]), (name, fast[1][name], ref[1][name])


def compare(kw: dict[str, Any]) -> tuple[str, Any, Any]:
    fast = outcome(lambda: rc.estimate(**kw))
    with reference_path():
        ref = outcome(lambda: rc.estimate(**kw))
    assert_same(fast, ref)
    return fast


# --------------------------------------------------------------------------------------------
# plain-float path
# --------------------------------------------------------------------------------------------

number = st.one_of(
    st.floats(-0.5, 14.0, allow_nan=False),
    st.integers(0, 12),
    st.just(float("nan")),
    st.just(float("inf")),
)
scalar_calls = st.fixed_dictionaries(
    {
        "speed_m_s": st.one_of(st.floats(0.0, 12.0), st.integers(0, 8), number),
        "mass_kg": st.one_of(st.floats(20.0, 150.0), st.integers(30, 120), st.floats(1.0, 30.0)),
    },
    optional={
        "duration_s": st.one_of(st.floats(0.0, 1e5), st.integers(0, 7200), st.none()),
        "grade": st.one_of(st.floats(-0.5, 0.5), st.integers(-1, 1), st.floats(-1.5, 1.5)),
        "gait": st.sampled_from([None, "walk", "run", "auto", "Walk", "jog"]),
        "direction": st.sampled_from([None, "forward", "backward", " Backward", "sideways"]),
        "model": st.sampled_from([None, *BASE_NAMES, "backward_running", "nope"]),
        "load_kg": st.one_of(st.none(), st.just(0.0), st.floats(0.0, 90.0), st.integers(-1, 40)),
        "terrain_factor": st.one_of(st.none(), st.just(1.0), st.floats(0.5, 2.5)),
        "resting_vo2_ml_kg_min": st.one_of(st.none(), st.floats(2.0, 6.0), st.just(0.0)),
        "rer": st.one_of(st.none(), st.floats(0.7, 1.0)),
        "backward_factor": st.one_of(
            st.none(), st.floats(0.5, 2.0), st.just(-1.0), st.just({"run": 1.2})
        ),
        "out_of_range": st.sampled_from(POLICIES),
    },
)


@given(kw=scalar_calls, distance=st.one_of(st.none(), st.floats(0.0, 5e4)))
@_budget(400)
def test_scalar_path_matches_reference(kw: dict[str, Any], distance: float | None) -> None:
    if distance is not None and "duration_s" not in kw:
        kw["distance_m"] = distance
    kind, data, _ = compare(kw)
    if kind == "ok":
        for name, value in data.items():
            expected = {"float": float, "bool": bool, "str": str}[OUTPUTS[name].dtype]
            assert type(value) is expected, name


@pytest.mark.parametrize("model", BASE_NAMES)
@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_scalar_path_taken_for_every_model(model: str, direction: str) -> None:
    spec = rc.REGISTRY[model]
    speed = 1.2 if "walk" in spec.gaits else 3.0
    args: dict[str, Any] = {"speed_m_s": speed, "mass_kg": 70.0, "duration_s": 600.0}
    args.update(grade=0.03, model=model)
    args.update(direction=direction, load_kg=5.0 if "load_kg" in spec.inputs else None)
    fast = _scalar.estimate_scalar(
        *(args.get(k) for k in ("speed_m_s", "mass_kg", "duration_s")),
        None, 0.03, None, direction, model, args["load_kg"], None, None,
        None, None, None, None, None, None, "flag",
    )  # fmt: skip
    assert fast is not None
    kw = {k: v for k, v in args.items() if v is not None}
    with reference_path():
        ref = rc.estimate(
            **{k: [v] if k != "model" else v for k, v in kw.items()}, out_of_range="flag"
        )
    for name, value in fast.to_dict().items():
        expected = np.asarray(getattr(ref, name))
        assert same_value(np.array([value], dtype=expected.dtype), expected), name


@pytest.mark.parametrize(
    "kw",
    [
        {"speed_m_s": np.float64(3.0)},
        {"gait": "Run"},
        {"rmr_equation": "mifflin_st_jeor", "sex": "male", "age_years": 30, "height_cm": 180},
        {"speed_m_s": float("nan")},
        {"speed_m_s": 20.0},
        {"mass_kg": True},
        {"backward_factor": {"run": 1.2}, "direction": "backward"},
        {"grade": -0.2, "direction": "backward", "out_of_range": "warn"},
        {"speed_m_s": 2**60},
    ],
)
def test_scalar_path_declines_unusual_calls(kw: dict[str, Any]) -> None:
    args: dict[str, Any] = {"speed_m_s": 3.0, "mass_kg": 70.0, "out_of_range": "flag", **kw}
    order = ["speed_m_s", "mass_kg", "duration_s", "distance_m", "grade", "gait", "direction",
             "model", "load_kg", "terrain_factor", "resting_vo2_ml_kg_min", "rmr_equation", "sex",
             "age_years", "height_cm", "rer", "backward_factor", "out_of_range"]  # fmt: skip
    assert _scalar.estimate_scalar(*(args.get(k) for k in order)) is None
    compare(args)


def test_scalar_result_is_a_normal_result() -> None:
    r = rc.estimate(speed_m_s=3.0, mass_kg=70.0, duration_s=600.0)
    assert r == rc.EstimateResult(**r.to_dict())
    assert "EstimateResult(" in repr(r)
    with pytest.raises(AttributeError):
        r.met = 1.0  # type: ignore[misc]


def test_scalar_models_cover_the_registry() -> None:
    assert set(_scalar.SCALAR_MODELS) == set(BASE_NAMES)


# --------------------------------------------------------------------------------------------
# blocked array path
# --------------------------------------------------------------------------------------------

GAITS = ["walk", "run", "auto", "Walk", " run", None, ""]
DIRECTIONS = ["forward", "backward", "BACKWARD", None]


@st.composite
def array_calls(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(1, 30))
    special = st.sampled_from([np.nan, np.inf, -np.inf])

    def numbers(lo: float, hi: float, scalar_ok: bool = True) -> Any:
        element = (
            st.one_of(st.floats(lo, hi), special) if draw(st.booleans()) else st.floats(lo, hi)
        )
        if scalar_ok and draw(st.booleans()):
            return draw(st.floats(lo, hi))
        return np.array(draw(st.lists(element, min_size=n, max_size=n)))

    kw: dict[str, Any] = {
        "speed_m_s": numbers(0.0, 4.5, scalar_ok=False),
        "mass_kg": numbers(40.0, 100.0),
        "grade": numbers(-0.3, 0.3),
        "out_of_range": draw(st.sampled_from(POLICIES)),
    }
    if draw(st.booleans()):
        kw["duration_s"] = numbers(0.0, 4000.0)
    elif draw(st.booleans()):
        kw["distance_m"] = numbers(0.0, 10000.0)
    if draw(st.booleans()):
        labels = st.sampled_from(GAITS if draw(st.booleans()) else ["walk", "run"])
        kw["gait"] = np.array(draw(st.lists(labels, min_size=n, max_size=n)), dtype=object)
        if all(isinstance(x, str) for x in kw["gait"]) and draw(st.booleans()):
            kw["gait"] = kw["gait"].astype(str)
    if draw(st.booleans()):
        labels = st.sampled_from(DIRECTIONS if draw(st.booleans()) else ["forward", "backward"])
        kw["direction"] = np.array(draw(st.lists(labels, min_size=n, max_size=n)), dtype=object)
        if all(isinstance(x, str) for x in kw["direction"]) and draw(st.booleans()):
            kw["direction"] = kw["direction"].astype(str)
    else:
        kw["direction"] = draw(st.sampled_from(["forward", "backward"]))
    if draw(st.integers(0, 3)) == 0:
        choices = st.sampled_from([*BASE_NAMES, None])
        kw["model"] = np.array(draw(st.lists(choices, min_size=n, max_size=n)), dtype=object)
    if draw(st.booleans()):
        kw["load_kg"] = numbers(0.0, 30.0) if draw(st.booleans()) else 0.0
    if draw(st.integers(0, 3)) == 0:
        kw["terrain_factor"] = numbers(1.0, 2.0)
    if draw(st.integers(0, 3)) == 0:
        kw["resting_vo2_ml_kg_min"] = numbers(2.5, 5.0)
    if draw(st.integers(0, 3)) == 0:
        kw["rer"] = numbers(0.7, 1.0)
    if draw(st.integers(0, 3)) == 0:
        kw["backward_factor"] = draw(
            st.sampled_from([1.2, {"walk": 1.4}, {"run": 1.1, "walk": 1.3}, "array", -1.0])
        )
        if kw["backward_factor"] == "array":
            kw["backward_factor"] = numbers(0.5, 2.0, scalar_ok=False)
    if draw(st.integers(0, 4)) == 0:  # a few impossible or unit-suspicious values
        name = draw(st.sampled_from(["speed_m_s", "mass_kg", "grade"]))
        value = draw(st.sampled_from([-1.0, 15.0, 5.0, 2.0]))
        if isinstance(kw[name], np.ndarray):
            kw[name] = kw[name].copy()
            kw[name][draw(st.integers(0, n - 1))] = value
    if draw(st.integers(0, 4)) == 0:
        index = pd.Index([f"r{i}" for i in range(n)])
        kw["speed_m_s"] = pd.Series(kw["speed_m_s"], index=index)
    return kw


@given(kw=array_calls(), block=st.sampled_from([1, 3, 7, _blocked.BLOCK_ROWS]))
@_budget(400)
def test_blocked_path_matches_reference(kw: dict[str, Any], block: int) -> None:
    saved = _blocked.BLOCK_ROWS
    _blocked.BLOCK_ROWS = block
    try:
        compare(kw)
    finally:
        _blocked.BLOCK_ROWS = saved


def test_blocked_path_large_mixed_input() -> None:
    rng = np.random.default_rng(5)
    n = 3 * _blocked.BLOCK_ROWS + 11
    run = rng.random(n) < 0.5
    kw = {
        "speed_m_s": np.where(run, rng.uniform(1.5, 4.5, n), rng.uniform(0.5, 2.1, n)),
        "mass_kg": rng.uniform(40, 100, n),
        "duration_s": rng.uniform(0, 4000, n),
        "grade": rng.uniform(-0.5, 0.5, n),
        "gait": np.where(run, "run", "walk"),
        "direction": np.where(rng.random(n) < 0.4, "backward", "forward"),
    }
    kw["speed_m_s"][[5, n - 2]] = np.nan
    for policy in POLICIES:
        compare({**kw, "out_of_range": policy})


def test_blocked_path_two_dimensional_broadcast() -> None:
    compare(
        {
            "speed_m_s": np.linspace(0.5, 4.0, 6)[:, None],
            "mass_kg": 70.0,
            "grade": np.linspace(-0.2, 0.2, 5)[None, :],
            "gait": np.array([["walk"], ["run"]] * 3),
            "direction": np.array(["forward", "backward", "forward", "backward", "forward"]),
            "out_of_range": "warn",
        }
    )


def test_label_keys_reject_non_latin1() -> None:
    assert _blocked._keys(np.array(["walk", "rün"])) is not None
    assert _blocked._keys(np.array(["walk", "r\u0175n"])) is None
    compare({"speed_m_s": [1.0, 3.0], "mass_kg": 70.0, "gait": np.array(["walk", "r\u0175n"])})


def test_empty_arrays_take_the_reference_path() -> None:
    compare({"speed_m_s": np.array([]), "mass_kg": 70.0})


# --------------------------------------------------------------------------------------------
# out=
# --------------------------------------------------------------------------------------------


def _buffers(shape: tuple[int, ...]) -> dict[str, np.ndarray]:
    kinds = {"float": np.float64, "bool": np.bool_, "str": object}
    return {k: np.empty(shape, dtype=kinds[v.dtype]) for k, v in OUTPUTS.items()}


INPUTS = {
    "speed_m_s": np.array([1.2, 3.0, 2.5, 0.9]),
    "mass_kg": 70.0,
    "duration_s": 600.0,
    "grade": np.array([0.0, 0.05, -0.05, 0.1]),
    "direction": np.array(["forward", "backward", "forward", "backward"]),
}


@pytest.mark.parametrize("names", [list(OUTPUTS), ["energy_net_kcal"], ["in_range", "model_used"]])
def test_out_writes_into_the_buffers(names: list[str]) -> None:
    expected = rc.estimate(**INPUTS)
    buffers = {k: v for k, v in _buffers((4,)).items() if k in names}
    r = rc.estimate(**INPUTS, out=buffers)
    for name in OUTPUTS:
        value = getattr(r, name)
        if name in buffers:
            assert value is buffers[name]
        assert same_value(value, getattr(expected, name)), name


def test_out_on_the_reference_path_and_for_scalars() -> None:
    # an RMR equation takes the reference path; the buffers are filled all the same
    kw = dict(INPUTS, rmr_equation="mifflin_st_jeor", sex="female", age_years=40, height_cm=165)
    buffers = _buffers((4,))
    r = rc.estimate(**kw, out=buffers)
    assert r.met is buffers["met"]
    np.testing.assert_array_equal(buffers["met"], rc.estimate(**kw).met)
    one = _buffers(())
    s = rc.estimate(speed_m_s=3.0, mass_kg=70.0, duration_s=60.0, out=one)
    assert type(s.energy_net_kcal) is float
    assert one["energy_net_kcal"][()] == s.energy_net_kcal
    assert one["model_used"][()] == "acsm_running"


def test_out_with_series_and_dataframe() -> None:
    index = pd.Index([10, 11, 12, 13])
    speed = pd.Series(INPUTS["speed_m_s"], index=index)
    buffers = {"energy_net_kcal": np.empty(4)}
    r = rc.estimate(**{**INPUTS, "speed_m_s": speed}, out=buffers)
    assert r.energy_net_kcal.index.equals(index)
    np.testing.assert_array_equal(r.energy_net_kcal.to_numpy(), buffers["energy_net_kcal"])
    frame = pd.DataFrame({"speed_m_s": INPUTS["speed_m_s"], "grade": INPUTS["grade"]})
    out_frame = rc.estimate(frame, mass_kg=70.0, duration_s=600.0, out={"met": np.empty(4)})
    assert isinstance(out_frame, pd.DataFrame)
    assert "met" in out_frame


@pytest.mark.parametrize(
    ("out", "error", "match"),
    [
        ([np.empty(4)], TypeError, "out must be a mapping"),
        ({"energy": np.empty(4)}, ValueError, "out has unknown output name 'energy'"),
        ({"met": [0.0] * 4}, TypeError, r"out\['met'\] must be a numpy ndarray"),
        ({"met": np.empty(4, dtype=np.float32)}, TypeError, r"out\['met'\] must have dtype float"),
        ({"in_range": np.empty(4)}, TypeError, r"out\['in_range'\] must have dtype bool"),
        ({"gait_used": np.empty(4, dtype="U9")}, TypeError, r"out\['gait_used'\] must have dt"),
        ({"met": np.empty(5)}, ValueError, r"out\['met'\] must have the broadcast shape .*\(4,\)"),
        ({"met": np.empty((4, 2))[:, 0]}, ValueError, r"out\['met'\] must be C-contiguous"),
        ({"met": np.empty(4), "power_net_w": None}, TypeError, r"out\['power_net_w'\]"),
    ],
)  # fmt: skip
def test_out_errors_name_the_parameter(out: Any, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        rc.estimate(**INPUTS, out=out)


def test_out_rejects_one_buffer_for_two_outputs() -> None:
    buf = np.empty(4)
    with pytest.raises(ValueError, match=r"out\['met'\] is the buffer of another output"):
        rc.estimate(**INPUTS, out={"power_net_w": buf, "met": buf})
    frozen = np.empty(4)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="writeable"):
        rc.estimate(**INPUTS, out={"met": frozen})
