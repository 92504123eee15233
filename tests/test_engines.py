"""The two engines agree: the plain-float front and the array engine, any block size.

Both call the one composition (:mod:`retrocalc.composition`), so what is tested here is the
evaluation strategy: the plain-float front (Python floats, for one bout) against the array
engine on the same call (a numpy scalar sends a call there), and the array engine with
blocks of 1, 3 and 7 rows against its default block size.

Numbers: the array engine is bit for bit the same whatever the block size. The plain-float
front may differ from it where a non-integer power is computed (Python's ``**`` calls the C
library's ``pow``, numpy its own SIMD routine; each is within an ulp of the true value):
:data:`ULP_BOUND` bounds that, relative to the size of the gross quantities. Warnings and
errors are the same, word for word; labels and flags are identical.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import retrocalc as rc
from retrocalc import engine
from retrocalc.nomenclature import OUTPUTS

#: |plain-float - array| <= ULP_BOUND x the magnitude of the gross quantity of the same kind
#: (a few ulp of pow, carried through a handful of operations; 7.5e-16 measured).
ULP_BOUND = 1e-14

BASE_NAMES = [s.name for s in rc.REGISTRY.base()]
POLICIES = ["warn", "flag", "nan", "raise"]


def _budget(n: int) -> settings:
    return settings(max_examples=max(5, n * settings.default.max_examples // 100), deadline=None)


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


def same_value(a: Any, b: Any, tolerance: float = 0.0) -> bool:
    """Equal kinds, dtypes and shapes; floats bit for bit, or within ``tolerance`` of the
    magnitude when one is given (NaN where NaN)."""
    if isinstance(a, pd.Series):
        if not (isinstance(b, pd.Series) and a.index.equals(b.index) and a.name == b.name):
            return False
        a, b = a.to_numpy(), b.to_numpy()
    if type(a) is not type(b):
        return False
    x, y = np.asarray(a), np.asarray(b)
    if x.dtype != y.dtype or x.shape != y.shape:
        return False
    if x.dtype.kind == "f":
        nan_x, nan_y = np.isnan(x), np.isnan(y)
        if not np.array_equal(nan_x, nan_y):
            return False
        if tolerance:
            x, y = x[~nan_x], y[~nan_y]
            finite = np.isfinite(x) & np.isfinite(y)
            if not np.array_equal(x[~finite], y[~finite]):  # infinities exactly
                return False
            scale = np.maximum(np.abs(x[finite]), 1.0)
            return bool(np.all(np.abs(x[finite] - y[finite]) <= tolerance * scale))
        bits_x, bits_y = x[~nan_x].view(np.int64), y[~nan_y].view(np.int64)
        return bool(np.array_equal(bits_x, bits_y))
    return bool(np.array_equal(x, y))


def assert_same(
    got: tuple[str, Any, Any], want: tuple[str, Any, Any], tolerance: float = 0.0
) -> None:
    assert got[0] == want[0], (got, want)
    assert got[2] == want[2]  # the same warnings, in order, word for word
    if got[0] == "error":
        assert got[1] == want[1]
        return
    assert list(got[1]) == list(want[1])
    for name in got[1]:
        tol = tolerance if name.startswith(("vo2", "met", "power", "energy", "cost")) else 0.0
        a, b = got[1][name], want[1][name]
        net = name.endswith(("net_ml_kg_min", "net_w", "net_kcal", "net_kj"))
        if tolerance and net and isinstance(a, float) and np.isfinite(a):
            # net = gross - rest: compare on the scale of the gross quantity
            scale = max(abs(got[1][name.replace("net", "gross")]), 1.0)
            assert abs(a - b) <= tolerance * scale, (name, a, b)
            continue
        assert same_value(got[1][name], want[1][name], tol), (name, got[1][name], want[1][name])


def on_array_engine(kw: dict[str, Any]) -> dict[str, Any]:
    """The same call, sent to the array engine (a numpy scalar is not a plain float)."""
    return {**kw, "mass_kg": np.float64(kw["mass_kg"])}


def compare_scalar(kw: dict[str, Any]) -> tuple[str, Any, Any]:
    plain = outcome(lambda: rc.estimate(**kw))
    array = outcome(lambda: rc.estimate(**on_array_engine(kw)))
    assert_same(plain, array, ULP_BOUND)
    return plain


def compare_blocks(kw: dict[str, Any], block: int) -> None:
    default = outcome(lambda: rc.estimate(**kw))
    saved = engine.BLOCK_ROWS
    engine.BLOCK_ROWS = block
    try:
        blocked = outcome(lambda: rc.estimate(**kw))
    finally:
        engine.BLOCK_ROWS = saved
    if blocked[0] == default[0] == "error" and blocked[1] != default[1]:
        # blocks stop at the first problem they meet: with two bad rows of different kinds,
        # smaller blocks may meet the other one first. Both are errors of the call.
        assert issubclass(blocked[1][0], ValueError)
        assert issubclass(default[1][0], ValueError)
        return
    assert_same(blocked, default)


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
def test_plain_float_front_matches_array_engine(kw: dict[str, Any], distance: float | None) -> None:
    if distance is not None and "duration_s" not in kw:
        kw["distance_m"] = distance
    kind, data, _ = compare_scalar(kw)
    if kind == "ok":
        for name, value in data.items():
            expected = {"float": float, "bool": bool, "str": str}[OUTPUTS[name].dtype]
            assert type(value) is expected, name


@pytest.mark.parametrize("model", BASE_NAMES)
@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_plain_float_front_takes_every_model(model: str, direction: str) -> None:
    spec = rc.REGISTRY[model]
    speed = 1.2 if "walk" in spec.gaits else 3.0
    kw: dict[str, Any] = {"speed_m_s": speed, "mass_kg": 70.0, "duration_s": 600.0}
    kw.update(grade=0.03, model=model, direction=direction)
    if "load_kg" in spec.inputs:
        kw["load_kg"] = 5.0
    given_ = dict.fromkeys(rc.nomenclature.INPUTS) | kw
    plain = engine.evaluate_scalar(engine.options(policy="flag"), *given_.values())
    assert plain is not None  # the front took it
    array = rc.estimate(**on_array_engine(kw), out_of_range="flag")
    for name, value in plain.items():
        assert type(value) is type(getattr(array, name)), name
    assert_same(("ok", plain, []), ("ok", array.to_dict(), []), ULP_BOUND)


@pytest.mark.parametrize(
    "kw",
    [
        {"speed_m_s": np.float64(3.0)},
        {"gait": "Run"},
        {"rmr_equation": "mifflin_st_jeor", "sex": "male", "age_years": 30, "height_cm": 180},
        {"speed_m_s": float("nan")},
        {"speed_m_s": 20.0},
        {"mass_kg": True},
        {"speed_m_s": 2**60},
        {"grade": 5.0},
        {"speed_m_s": -1.0},
        {"model": "backward_running"},
        {"backward_factor": np.array([1.2]), "direction": "backward"},
    ],
)
def test_plain_float_front_leaves_the_rest_to_the_array_engine(kw: dict[str, Any]) -> None:
    args: dict[str, Any] = {"speed_m_s": 3.0, "mass_kg": 70.0, **kw}
    given_ = dict.fromkeys(rc.nomenclature.INPUTS) | {
        k: v for k, v in args.items() if k in rc.nomenclature.INPUTS
    }
    opts = engine.options(args.get("rmr_equation"), args.get("backward_factor"), "flag")
    assert engine.evaluate_scalar(opts, *given_.values()) is None


def test_estimate_hands_the_front_every_input_in_the_nomenclature_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the front takes the inputs positionally: each keyword must land in its own slot
    seen: list[tuple[Any, ...]] = []

    def spy(opts: Any, *inputs: Any) -> None:
        seen.append(inputs)  # None: the array engine then takes the call

    monkeypatch.setattr(engine, "evaluate_scalar", spy)
    names = list(rc.nomenclature.INPUTS)
    # every input but distance_m (with a duration too, the call skips the front)
    values = {name: None if name == "distance_m" else f"<{name}>" for name in names}
    with pytest.raises((TypeError, ValueError)):
        rc.estimate(**values)  # text everywhere: refused by the array engine afterwards
    assert seen[0] == tuple(values[name] for name in names)


def test_plain_float_front_keeps_each_calls_findings_apart_across_threads() -> None:
    # every call with the same options shares the front's context: a row's findings must be
    # its own (an out-of-range row raises, an in-range one never does, whatever the others do)
    from concurrent.futures import ThreadPoolExecutor

    def call(i: int) -> bool:
        grade = 0.4 if i % 2 else 0.02  # odd calls outside the running model's grade range
        try:
            rc.estimate(speed_m_s=3.0, mass_kg=70.0, grade=grade, out_of_range="raise")
        except rc.OutOfRangeError:
            return True
        return False

    with ThreadPoolExecutor(8) as pool:
        raised = list(pool.map(call, range(4000)))
    assert raised == [bool(i % 2) for i in range(4000)]


@pytest.mark.parametrize("name", ["gait", "direction", "model", "sex"])
def test_plain_float_front_sends_a_number_for_a_label_to_the_array_engine(name: str) -> None:
    # a number where text belongs is a TypeError naming the input (was a bare KeyError)
    with pytest.raises(TypeError, match=name):
        rc.estimate(speed_m_s=3.0, mass_kg=70.0, **{name: 1.0})


def test_plain_float_front_words_range_warnings_like_the_array_engine() -> None:
    kw = {"speed_m_s": 3.0, "mass_kg": 70.0, "grade": -0.2, "direction": "backward"}
    for policy in POLICIES:
        compare_scalar({**kw, "out_of_range": policy})


def test_result_is_read_only_and_prints() -> None:
    r = rc.estimate(speed_m_s=3.0, mass_kg=70.0, duration_s=600.0)
    assert r.to_dict() == rc.EstimateResult(**r.to_dict()).to_dict()
    assert "EstimateResult(" in repr(r)
    with pytest.raises(AttributeError, match="read-only"):
        r.met = 1.0  # type: ignore[misc]


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


@pytest.mark.parametrize(
    "labels",
    [
        {"gait": "run", "direction": "backward"},
        {"gait": "walk", "direction": "forward", "load_kg": 12.0},
        {"gait": "auto", "direction": "backward"},
        {"model": "acsm_running", "direction": "backward"},
        {"rmr_equation": "mifflin_st_jeor", "sex": "female", "age_years": 40.0, "height_cm": 170.0},
    ],
    ids=["run-back", "walk-loaded", "auto", "model", "sex"],
)
def test_a_label_array_of_one_value_is_the_constant(
    labels: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # a block whose label array holds one value takes the composition's constant path: the
    # same bits as the label given once; with small blocks, some blocks hold one value and
    # others two (the label changes inside the array)
    rng = np.random.default_rng(5)
    n = 3000
    kw: dict[str, Any] = {
        "speed_m_s": rng.uniform(0.5, 5.5, n),
        "mass_kg": rng.uniform(45.0, 110.0, n),
        "duration_s": 600.0,
        "grade": rng.uniform(-0.3, 0.3, n),
        "out_of_range": "flag",
    }
    text = [k for k, v in labels.items() if isinstance(v, str) and k != "rmr_equation"]
    arrays = {k: np.full(n, v) if k in text else v for k, v in labels.items()}
    once = rc.estimate(**kw, **labels).to_dict()
    for block in (engine.BLOCK_ROWS, 64):
        monkeypatch.setattr(engine, "BLOCK_ROWS", block)
        got = rc.estimate(**kw, **arrays).to_dict()
        for name, value in once.items():
            want, have = np.asarray(value), np.asarray(got[name])
            if want.dtype.kind == "f":
                assert np.array_equal(want.view(np.uint64), have.view(np.uint64)), name
            else:
                assert np.array_equal(want, have), name
    # the first half one label, the second another: each row as if given alone
    if text:
        name = text[0]
        choices = {"gait": ("walk", "run"), "model": ("minetti2002_running", "acsm_running"),
                   "sex": ("male", "female")}  # fmt: skip
        other = next(c for c in choices[name] if c != labels[name])
        mixed = {**arrays, name: np.where(np.arange(n) < n // 2, labels[name], other)}
        monkeypatch.setattr(engine, "BLOCK_ROWS", 64)
        got = rc.estimate(**kw, **mixed).to_dict()
        second = rc.estimate(**kw, **{**labels, name: other}).to_dict()
        for out_name in ("energy_gross_kcal", "in_range", "model_used"):
            want = np.where(np.arange(n) < n // 2, once[out_name], second[out_name])
            assert np.array_equal(np.asarray(got[out_name]), want), out_name


@given(kw=array_calls(), block=st.sampled_from([1, 3, 7]))
@_budget(400)
def test_any_block_size_gives_the_same_result(kw: dict[str, Any], block: int) -> None:
    compare_blocks(kw, block)


def test_blocks_large_mixed_input() -> None:
    rng = np.random.default_rng(5)
    n = 3 * engine.BLOCK_ROWS + 11
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
        compare_blocks({**kw, "out_of_range": policy}, 1000)


def test_blocks_two_dimensional_broadcast() -> None:
    compare_blocks(
        {
            "speed_m_s": np.linspace(0.5, 4.0, 6)[:, None],
            "mass_kg": 70.0,
            "grade": np.linspace(-0.2, 0.2, 5)[None, :],
            "gait": np.array([["walk"], ["run"]] * 3),
            "direction": np.array(["forward", "backward", "forward", "backward", "forward"]),
            "out_of_range": "warn",
        },
        4,
    )


def test_label_keys_reject_non_latin1() -> None:
    assert engine._keys(np.array(["walk", "rün"])) is not None
    assert engine._keys(np.array(["walk", "r\u0175n"])) is None
    with pytest.raises(ValueError, match=r"gait must be one of .*; got 'r\u0175n' at index 1"):
        rc.estimate(speed_m_s=[1.0, 3.0], mass_kg=70.0, gait=np.array(["walk", "r\u0175n"]))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.characters(max_codepoint=255), max_size=8), min_size=1, max_size=40
    )
)
def test_label_keys_pack_each_text_exactly(texts: list[str]) -> None:
    # any width of 1 to 8 characters (3, 5, 6 and 7 read unaligned words): the key of a text
    # is its Latin-1 bytes as a little-endian integer, computed here in plain Python
    values = np.array(texts)
    keys = engine._keys(values)
    assert keys is not None
    want = [sum(ord(c) << (8 * i) for i, c in enumerate(t)) for t in values.tolist()]
    assert [int(k) for k in keys] == want


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("gait", "run"),
        ("gait", " Run "),
        ("gait", "nan"),
        ("direction", "backward"),
        ("sex", "female"),
        ("model", "acsm_minetti_running"),
    ],
)
@pytest.mark.parametrize("other", [None, 0, 4096, -1])
def test_a_block_of_one_text_codes_as_each_row(name: str, text: str, other: int | None) -> None:
    # one text over a block is coded once (a contiguous comparison finds it); a block with
    # one row different (first, sampled, last) is coded row by row: the same codes
    from retrocalc._wrap import Locator, label_codes

    values = np.full(8192, text)
    if other is not None:
        values = values.astype("<U24")
        values[other] = {"gait": "walk", "direction": "forward", "sex": "male"}.get(
            name, "lcda2019_walking"
        )
    labels = engine._Labels(name, values, Locator(values.shape), values.size)
    got = labels.block(0, values.size)
    want = label_codes(Locator(values.shape), name, values, labels.allowed)
    assert engine._uniform(values) is (other is None)
    np.testing.assert_array_equal(np.broadcast_to(got, want.shape), want)
    assert (type(got) is int) is (other is None)


def test_a_block_of_one_wrong_text_is_refused_at_its_first_row() -> None:
    gait = np.full(70000, "run")
    gait[65536:] = "jog"
    with pytest.raises(ValueError, match=r"gait must be one of .*; got 'jog' at index 65536"):
        rc.estimate(speed_m_s=np.full(70000, 3.0), mass_kg=70.0, gait=gait)


@pytest.mark.parametrize("equation", ["mifflin_st_jeor", "harris_benedict_revised"])
def test_sex_labels_of_every_width_give_the_rmr_of_each_row(equation: Any) -> None:
    # "male"/"female" (6 characters wide) and "m"/"f": the coded equation row by row (sex
    # coefficients by arithmetic where exact, gathered otherwise: the same numbers)
    sex = np.array(["female", "male", "m", "f", "male"])
    r = rc.estimate(
        speed_m_s=1.2,
        mass_kg=70.0,
        sex=sex,
        age_years=40.0,
        height_cm=175.0,
        rmr_equation=equation,
        gait="walk",
    )
    each = [
        rc.estimate(
            speed_m_s=1.2,
            mass_kg=70.0,
            sex=s,
            age_years=40.0,
            height_cm=175.0,
            rmr_equation=equation,
            gait="walk",
        ).vo2_net_ml_kg_min
        for s in sex.tolist()
    ]
    np.testing.assert_array_equal(r.vo2_net_ml_kg_min, each)
    # Mifflin-St Jeor: men's REE is 166 kcal/day above women's at equal size and age
    assert r.vo2_net_ml_kg_min[1] != r.vo2_net_ml_kg_min[0]


def test_empty_arrays_give_empty_results() -> None:
    r = rc.estimate(speed_m_s=np.array([]), mass_kg=70.0)
    assert r.energy_net_kcal.shape == (0,)
    assert r.gait_used.shape == (0,)


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


def test_out_with_every_option_and_for_scalars() -> None:
    # an RMR equation runs on the array engine like everything else; buffers filled
    kw = dict(INPUTS, rmr_equation="mifflin_st_jeor", sex="female", age_years=40, height_cm=165)
    buffers = _buffers((4,))
    r = rc.estimate(**kw, out=buffers)
    assert r.met is buffers["met"]
    np.testing.assert_array_equal(buffers["met"], rc.estimate(**kw).met)
    one = _buffers(())
    s = rc.estimate(speed_m_s=3.0, mass_kg=70.0, duration_s=60.0, out=one)
    assert type(s.energy_net_kcal) is float
    assert one["energy_net_kcal"][()] == s.energy_net_kcal
    assert one["model_used"][()] == rc.DEFAULT_MODELS["run"]


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
