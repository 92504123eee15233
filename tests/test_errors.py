"""Bad input: clear errors naming the parameter; NaN and out-of-range handled, never hidden."""

from __future__ import annotations

import datetime
import math
import warnings

import numpy as np
import pandas as pd
import pytest

import retrocalc as rc

BASE_MODELS = [s.name for s in rc.REGISTRY.base()]


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"mass_kg": 0.0}, r"mass_kg must be > 0 .*got 0 at the scalar input"),
        ({"mass_kg": [70, 60, -5]}, r"mass_kg must be > 0 .*got -5 at index 2"),
        ({"speed_m_s": [1.0, -1.0]}, r"speed_m_s must be >= 0 .*got -1 at index 1"),
        ({"duration_s": -60}, r"duration_s must be >= 0"),
        ({"distance_m": -1.0}, r"distance_m must be >= 0"),
        ({"load_kg": -2.0}, r"load_kg must be >= 0"),
        ({"terrain_factor": 0.0}, r"terrain_factor must be > 0"),
        ({"rer": 0.0}, r"rer must be > 0"),
        ({"resting_vo2_ml_kg_min": -3.5}, r"resting_vo2_ml_kg_min must be > 0"),
        ({"backward_factor": -1.0, "direction": "backward"}, r"backward_factor must be > 0"),
        ({"distance_m": 100.0, "speed_m_s": 0.0}, r"speed_m_s must be > 0 .*distance_m"),
    ],
)
def test_impossible_values_raise_value_error(kwargs: dict[str, object], pattern: str) -> None:
    base: dict[str, object] = {"speed_m_s": 1.4, "mass_kg": 70.0}
    base.update(kwargs)
    with pytest.raises(ValueError, match=pattern):
        rc.estimate(**base)  # type: ignore[arg-type]


def test_error_names_series_label() -> None:
    mass = pd.Series([70.0, -1.0], index=["ann", "bo"])
    with pytest.raises(ValueError, match=r"mass_kg .* at index 'bo'"):
        rc.estimate(speed_m_s=1.4, mass_kg=mass)


def test_error_names_2d_position() -> None:
    with pytest.raises(ValueError, match=r"position \(1, 0\)"):
        rc.estimate(speed_m_s=[[1.0, 1.0], [-1.0, 1.0]], mass_kg=70)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"gait": "jog"}, r"gait must be one of 'walk', 'run', 'auto'; got 'jog'"),
        ({"gait": ["walk", "hop"]}, r"got 'hop' at index 1"),
        ({"direction": "sideways"}, r"direction must be one of 'forward', 'backward'"),
        ({"model": "acsm"}, r"model must be one of .*got 'acsm'"),
        ({"model": "backward_running"}, r"names a direction factor, not a base model"),
        ({"model": "acsm_walking", "gait": "run"}, r"'acsm_walking' describes walk, .*'run'"),
        # speed 1.4 m/s for 1 s is 1.4 m, not 1 m: two of the three disagree
        ({"duration_s": 1.0, "distance_m": 1.0}, r"differs from speed_m_s x duration_s"),
        ({"out_of_range": "ignore"}, r"out_of_range must be"),
        ({"backward_factor": {"crawl": 2.0}}, r"backward_factor keys"),
        ({"rmr_equation": "katch", "sex": "m", "age_years": 30, "height_cm": 180}, "rmr_eq"),
        (
            {"rmr_equation": "mifflin_st_jeor", "resting_vo2_ml_kg_min": 3.0},
            r"resting_vo2_ml_kg_min or rmr_equation",
        ),
        (
            {"rmr_equation": "mifflin_st_jeor", "sex": "x", "age_years": 30, "height_cm": 180},
            r"sex must be one of 'male', 'm', 'female', 'f'; got 'x' at the scalar input",
        ),
        (
            {"rmr_equation": "mifflin_st_jeor", "sex": "f", "age_years": -1, "height_cm": 160},
            r"age_years must be >= 0",
        ),
    ],
)
def test_bad_options_raise(kwargs: dict[str, object], pattern: str) -> None:
    base: dict[str, object] = {"speed_m_s": 1.4, "mass_kg": 70.0}
    base.update(kwargs)
    with pytest.raises(ValueError, match=pattern):
        rc.estimate(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"speed_m_s": "fast"}, r"speed_m_s must be numeric, got the text 'fast'"),
        ({"mass_kg": [70, "seventy"]}, r"mass_kg must be numeric; got 'seventy' at index 1"),
        ({"mass_kg": True}, r"mass_kg must be numeric, got booleans"),
        ({"grade": 1j}, r"grade must be real"),
        ({"speed_m_s": None}, r"needs speed_m_s"),
        ({"mass_kg": None}, r"needs mass_kg"),
        ({"duration_s": pd.DataFrame({"a": [1]})}, r"duration_s must be .* got a DataFrame"),
        ({"rmr_equation": "mifflin_st_jeor"}, r"needs sex"),
    ],
)
def test_wrong_types_raise_type_error(kwargs: dict[str, object], pattern: str) -> None:
    base: dict[str, object] = {"speed_m_s": 1.4, "mass_kg": 70.0}
    base.update(kwargs)
    with pytest.raises(TypeError, match=pattern):
        rc.estimate(**base)  # type: ignore[arg-type]


def test_text_in_series_names_label() -> None:
    speed = pd.Series([1.0, "x"], index=["a", "b"], dtype=object)
    with pytest.raises(TypeError, match=r"got 'x' at index 'b'"):
        rc.estimate(speed_m_s=speed, mass_kg=70)


def test_object_inputs_of_numbers_and_missing_values() -> None:
    # every kind of number an object column holds, with None and pd.NA (missing: NaN)
    from decimal import Decimal
    from fractions import Fraction

    cells = [Decimal("1.5"), None, Fraction(3, 2), np.float32(1.25), 2, pd.NA, np.int8(1)]
    speed = pd.Series(cells, index=list("abcdefg"), dtype=object)
    out = rc.estimate(speed_m_s=speed, mass_kg=70, gait="walk", out_of_range="flag")
    plain = rc.estimate(
        speed_m_s=np.array([1.5, np.nan, 1.5, 1.25, 2.0, np.nan, 1.0]),
        mass_kg=70,
        gait="walk",
        out_of_range="flag",
    )
    np.testing.assert_array_equal(out.power_gross_w.to_numpy(), plain.power_gross_w)
    assert list(out.power_gross_w.index) == list("abcdefg")
    # a number beside text is still refused, naming the text and where it is
    with pytest.raises(TypeError, match=r"got '2' at index 2"):
        rc.estimate(speed_m_s=np.array([1.0, None, "2"], dtype=object), mass_kg=70)
    with pytest.raises(TypeError, match=r"got True at index 1"):
        rc.estimate(speed_m_s=np.array([1.0, True], dtype=object), mass_kg=70)


def test_an_object_array_is_converted_in_one_pass() -> None:
    # it was converted element by element in Python (about 1 s for 300K values, where a
    # float array takes a millisecond); the bound leaves a wide margin for a busy machine
    import time

    from retrocalc._wrap import _to_float

    values = np.array([1.0, 2.0, None] * 100_000, dtype=object)
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        out = _to_float("speed_m_s", values, None)
        best = min(best, time.perf_counter() - start)
    assert np.isnan(out[2::3]).all()
    assert (out[1::3] == 2.0).all()
    assert best < 0.3, best


def test_incompatible_shapes() -> None:
    with pytest.raises(ValueError, match=r"cannot be broadcast"):
        rc.estimate(speed_m_s=[1.0, 2.0], mass_kg=[60.0, 70.0, 80.0])


@pytest.mark.parametrize("model", BASE_MODELS)
@pytest.mark.parametrize("field", ["speed_m_s", "grade", "mass_kg", "duration_s"])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_inf_grid(model: str, field: str, bad: float) -> None:
    """Non-finite inputs never raise; the row is flagged and the others are unaffected."""
    spec = rc.get_model(model)
    lo, hi = spec.ranges.get("speed_m_s", (None, None))
    speed = 1.2 if "walk" in spec.gaits else 3.0
    inputs: dict[str, object] = {
        "speed_m_s": speed,
        "grade": 0.0,
        "mass_kg": 70.0,
        "duration_s": 600.0,
    }
    if field in ("speed_m_s", "mass_kg") and bad < 0:
        bad = np.nan  # negative speed or mass is an error, tested elsewhere
    inputs[field] = [inputs[field], bad]
    r = rc.estimate(model=model, out_of_range="flag", **inputs)  # type: ignore[arg-type]
    assert bool(r.in_range[0]) is True
    assert bool(r.in_range[1]) is False
    assert np.isfinite(r.energy_net_kcal[0])
    if field == "duration_s":
        assert not np.isfinite(r.energy_net_kcal[1])
        assert np.isfinite(r.met[1])
    elif not (field == "grade" and "grade" not in spec.inputs):
        assert not np.isfinite(r.vo2_gross_ml_kg_min[1])
    del lo, hi


def test_missing_labels_give_nan_flagged() -> None:
    r = rc.estimate(
        speed_m_s=[1.4, 1.4, 1.4], mass_kg=70, gait=["walk", None, np.nan], duration_s=60
    )
    assert list(r.in_range) == [True, False, False]
    assert np.isnan(r.energy_net_kcal[1:]).all()
    assert list(r.gait_used) == ["walk", "", ""]


def test_range_warning_names_model_input_and_position() -> None:
    with pytest.warns(rc.RangeWarning, match=r"speed_m_s=2.5 at index 1 .* of lcda2019_walking"):
        r = rc.estimate(speed_m_s=[1.4, 2.5], mass_kg=70, gait="walk")
    assert list(r.in_range) == [True, False]
    assert np.isfinite(r.met).all()  # computed, not clamped or dropped


def test_out_of_range_is_not_clamped() -> None:
    inside = rc.estimate(speed_m_s=1.96, mass_kg=70, gait="walk").met
    with pytest.warns(rc.RangeWarning):
        outside = rc.estimate(speed_m_s=2.2, mass_kg=70, gait="walk").met
    assert outside > inside


def test_range_policies() -> None:
    kwargs = {"speed_m_s": [1.4, 2.5], "mass_kg": 70, "gait": "walk", "duration_s": 60}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        flagged = rc.estimate(**kwargs, out_of_range="flag")  # type: ignore[arg-type]
    assert list(flagged.in_range) == [True, False]
    nan = rc.estimate(**kwargs, out_of_range="nan")  # type: ignore[arg-type]
    assert np.isfinite(nan.energy_net_kcal[0])
    assert np.isnan(nan.energy_net_kcal[1])
    assert np.isnan(nan.met[1])
    with pytest.raises(rc.OutOfRangeError, match="lcda2019_walking"):
        rc.estimate(**kwargs, out_of_range="raise")  # type: ignore[arg-type]
    assert issubclass(rc.OutOfRangeError, ValueError)


def test_backward_downhill_is_flagged() -> None:
    with pytest.warns(rc.RangeWarning, match=r"grade=-0.05 .* of backward_running"):
        r = rc.estimate(speed_m_s=3.0, mass_kg=70, grade=-0.05, direction="backward")
    assert r.in_range is False
    assert r.energy_net_kcal != r.energy_net_kcal or np.isfinite(r.met)


def test_model_without_load_flags_a_load() -> None:
    with pytest.warns(rc.RangeWarning, match=r"load_kg=10 .* of lcda2019_walking"):
        r = rc.estimate(speed_m_s=1.3, mass_kg=70, load_kg=10, model="lcda2019_walking")
    assert r.in_range is False
    with pytest.warns(rc.RangeWarning, match=r"terrain_factor=1.5 .* of acsm_minetti_running"):
        rc.estimate(speed_m_s=3.0, mass_kg=70, terrain_factor=1.5, gait="run")


def test_acsm_downhill_is_out_of_range() -> None:
    with pytest.warns(rc.RangeWarning, match=r"grade=-0.02 .* \[0, 0.1\] of acsm_running"):
        rc.estimate(speed_m_s=3.0, mass_kg=70, grade=-0.02, model="acsm_running")


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        # one number: no position nor count ("at the scalar input ... (1 such value)")
        (
            {"speed_m_s": 15.0},
            r"^speed_m_s=15 looks like km/h; .*speed_kmh: a keyword or a column\)$",
        ),
        ({"grade": 5.0}, r"^grade=5 looks like percent; "),
        ({"mass_kg": 12.0}, r"^mass_kg=12 is an implausible body mass"),
    ],
)
def test_unit_warnings(kwargs: dict[str, object], pattern: str) -> None:
    base: dict[str, object] = {"speed_m_s": 1.4, "mass_kg": 70.0, "out_of_range": "flag"}
    base.update(kwargs)
    with pytest.warns(rc.UnitWarning, match=pattern):
        rc.estimate(**base)  # type: ignore[arg-type]
    # arrays keep the position of the first and the count
    arrays = {k: np.array([v, v]) for k, v in kwargs.items()}
    with pytest.warns(rc.UnitWarning, match=r" at index 0 .*\(2 such values\)$"):
        rc.estimate(**{**base, **arrays})  # type: ignore[arg-type]


def test_warning_hierarchy_and_stacklevel() -> None:
    assert issubclass(rc.RangeWarning, rc.RetrocalcWarning)
    assert issubclass(rc.UnitWarning, rc.RetrocalcWarning)
    assert issubclass(rc.RetrocalcWarning, UserWarning)
    with pytest.warns(rc.UnitWarning) as record:
        rc.estimate(speed_m_s=1.4, mass_kg=10.0)
    assert record[0].filename == __file__  # points at the caller, not at retrocalc
    with pytest.warns(rc.RangeWarning) as record:
        rc.estimate(speed_m_s=2.5, mass_kg=70.0, gait="walk")
    assert record[0].filename == __file__
    # the array engine too, and through a DataFrame
    with pytest.warns(rc.RangeWarning) as record:
        rc.estimate(speed_m_s=[1.0, 2.5], mass_kg=70.0, gait="walk")
    assert record[0].filename == __file__
    import pandas as pd

    with pytest.warns(rc.RangeWarning) as record:
        rc.estimate(pd.DataFrame({"speed_m_s": [1.0, 2.5]}), mass_kg=70.0, gait="walk")
    assert record[0].filename == __file__


def test_missing_rows_are_not_range_checked() -> None:
    """A row with no gait is missing, not 'walking at 3 m/s': no RangeWarning for it."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = rc.estimate(
            speed_m_s=[3.0, 3.0], mass_kg=70, gait=["run", None], direction=["backward", None]
        )
    assert list(r.in_range) == [True, False]
    assert list(r.model_used) == [rc.DEFAULT_MODELS["run"], ""]
    assert np.isnan(r.met[1])


@pytest.mark.parametrize(
    "value",
    [
        datetime.timedelta(minutes=30),
        pd.to_timedelta(["30min", "1h"]),
        pd.Series(pd.to_timedelta(["30min", "1h"])),
        np.array([1800, 3600], dtype="timedelta64[s]"),
        [1800.0, pd.Timedelta(minutes=3)],
    ],
)
def test_a_timedelta_as_duration_s_says_where_durations_go(value: object) -> None:
    # "duration_s must be numeric; got np.timedelta64(1800000000,'us') at index 0": the
    # duration input takes timedeltas, duration_s numbers of seconds
    with pytest.raises(TypeError, match=r"duration_s must be numeric, got durations \(timedelta\); give a timedelta .* as duration="):  # fmt: skip  # noqa: E501
        rc.estimate(speed_m_s=3.0, mass_kg=70, duration_s=value)
    # and as duration= it is read: 30 min at 3 m/s, ACSM running net 0.2 x 180 m/min
    assert rc.estimate(
        speed_m_s=3.0, mass_kg=70, duration=datetime.timedelta(minutes=30)
    ).energy_net_kcal == pytest.approx(0.2 * 180 * 70 * 30 / 1000 * 5)


def test_dates_are_not_numbers() -> None:
    with pytest.raises(TypeError, match=r"speed_m_s must be numeric, got dates or times of day"):
        rc.estimate(speed_m_s=pd.Series(pd.to_datetime(["2024-01-01"])), mass_kg=70)


def test_a_masked_value_is_a_missing_value() -> None:
    # np.asarray drops the mask: the number under it was estimated as if it were given
    speed = np.ma.masked_array([1.2, 1.4], mask=[False, True])
    out = rc.estimate(speed_m_s=speed, mass_kg=70.0)
    plain = rc.estimate(speed_m_s=np.array([1.2, np.nan]), mass_kg=70.0)
    np.testing.assert_array_equal(out.power_gross_w, plain.power_gross_w)
    assert np.isnan(out.power_gross_w[1])
    # text under the mask of an object array is no value either
    text = np.ma.masked_array(np.array([1.2, "x"], dtype=object), mask=[False, True])
    assert np.isnan(rc.estimate(speed_m_s=text, mass_kg=70.0).power_gross_w[1])
    assert speed.data[1] == 1.4  # the caller's array is untouched


def test_pd_na_as_one_value_gives_floats_as_none_and_nan_do() -> None:
    # it came out as 0-d arrays, where a scalar input gives floats
    out = rc.estimate(speed_m_s=1.4, mass_kg=70.0, grade=pd.NA)
    assert type(out.power_gross_w) is float
    assert math.isnan(out.power_gross_w)
    assert type(rc.estimate(speed_m_s=pd.NA, mass_kg=70.0).met) is float


def test_a_multiindex_label_is_named_as_written() -> None:
    # it read "at index ('a', np.int64(2))" under numpy 2
    index = pd.MultiIndex.from_tuples([("a", 1), ("a", 2)])
    speed = pd.Series([1.4, "x"], index=index, dtype=object)
    with pytest.raises(TypeError, match=r"got 'x' at index \('a', 2\)$"):
        rc.estimate(speed_m_s=speed, mass_kg=70.0)
