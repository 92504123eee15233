"""Type round-trip: the kind that goes in is the kind that comes out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import retrocalc as rc
from retrocalc.nomenclature import INPUTS, OUTPUTS

NUMERIC_OUTPUTS = [name for name, v in OUTPUTS.items() if v.dtype == "float"]


def scalar(speed: float, mass: float = 70.0, **kw: object) -> rc.EstimateResult:
    return rc.estimate(speed_m_s=speed, mass_kg=mass, duration_s=600.0, **kw)


def test_scalars_give_python_scalars() -> None:
    r = scalar(3.0, gait="run")
    for name in NUMERIC_OUTPUTS:
        assert type(getattr(r, name)) is float, name
    assert type(r.in_range) is bool
    assert r.gait_used == "run"
    assert r.model_used == rc.DEFAULT_MODELS["run"]


def test_numpy_scalars_count_as_scalars() -> None:
    r = rc.estimate(speed_m_s=np.float64(3.0), mass_kg=np.int64(70), duration_s=600)
    assert type(r.energy_net_kcal) is float


def test_list_gives_ndarray_matching_scalars() -> None:
    speeds = [1.0, 1.4, 2.5, 3.5]
    r = rc.estimate(speed_m_s=speeds, mass_kg=70, duration_s=600.0)
    assert isinstance(r.energy_net_kcal, np.ndarray)
    assert r.energy_net_kcal.shape == (4,)
    assert r.in_range.dtype == bool
    for i, v in enumerate(speeds):
        one = scalar(v)
        for name in NUMERIC_OUTPUTS:
            assert getattr(r, name)[i] == pytest.approx(getattr(one, name), rel=1e-12)
        assert r.gait_used[i] == one.gait_used
        assert r.model_used[i] == one.model_used


def test_2d_broadcasting() -> None:
    speed = np.array([[1.0], [1.5], [3.0]])
    mass = np.array([[60.0, 80.0]])
    r = rc.estimate(speed_m_s=speed, mass_kg=mass, duration_s=60.0)
    assert r.energy_gross_kj.shape == (3, 2)
    assert r.model_used.shape == (3, 2)
    assert r.energy_gross_kj[2, 1] == pytest.approx(scalar(3.0, 80.0).energy_gross_kj / 10)
    # energy scales with mass column-wise
    np.testing.assert_allclose(
        r.energy_gross_kj[:, 1] / r.energy_gross_kj[:, 0], 80.0 / 60.0, rtol=1e-12
    )


def test_0d_array_gives_0d_array() -> None:
    r = rc.estimate(speed_m_s=np.array(3.0), mass_kg=70, duration_s=60)
    assert isinstance(r.met, np.ndarray)
    assert r.met.shape == ()


def test_series_keep_index_and_name() -> None:
    idx = pd.Index(["mon", "wed", "fri"], name="day")
    speed = pd.Series([1.2, 2.8, 3.3], index=idx)
    r = rc.estimate(speed_m_s=speed, mass_kg=pd.Series(70.0, index=idx), duration_s=1200)
    for name in OUTPUTS:
        value = getattr(r, name)
        assert isinstance(value, pd.Series), name
        assert value.index.equals(idx)
        assert value.name == name
    assert r.energy_net_kcal["wed"] == pytest.approx(scalar(2.8).energy_net_kcal * 2)


def test_series_with_other_index_raises() -> None:
    a = pd.Series([1.0, 2.0], index=[0, 1])
    b = pd.Series([70.0, 80.0], index=[1, 2])
    with pytest.raises(ValueError, match=r"index of mass_kg differs from that of speed_m_s"):
        rc.estimate(speed_m_s=a, mass_kg=b)


def test_series_with_labels_series() -> None:
    idx = pd.RangeIndex(10, 13)
    r = rc.estimate(
        speed_m_s=pd.Series([1.2, 2.5, 3.0], index=idx),
        mass_kg=70,
        direction=pd.Series(["forward", "backward", "backward"], index=idx),
        duration_s=60,
    )
    assert list(r.gait_used) == ["walk", "run", "run"]
    assert r.met.index.equals(idx)


def test_dataframe_in_dataframe_out() -> None:
    df = pd.DataFrame(
        {
            "athlete": ["ann", "bo", "cy"],
            "speed_m_s": [1.3, 2.6, 3.1],
            "grade": [0.0, 0.02, -0.05],
            "direction": ["forward", "backward", "forward"],
        },
        index=pd.Index([7, 3, 9], name="row"),
    )
    out = rc.estimate(df, mass_kg=65, duration_s=900)
    assert isinstance(out, pd.DataFrame)
    assert out.index.equals(df.index)
    assert list(out.columns[: len(df.columns)]) == list(df.columns)
    pd.testing.assert_frame_equal(out[df.columns], df)
    assert list(out.columns[len(df.columns) :]) == list(OUTPUTS)
    assert out.loc[3, "gait_used"] == "run"
    one = rc.estimate(speed_m_s=2.6, grade=0.02, direction="backward", mass_kg=65, duration_s=900)
    assert out.loc[3, "energy_net_kcal"] == pytest.approx(one.energy_net_kcal)
    assert "energy_net_kcal" not in df.columns  # the input is not modified


def test_dataframe_with_constants_only_broadcasts() -> None:
    df = pd.DataFrame({"note": ["a", "b"]})
    out = rc.estimate(df, speed_m_s=1.4, mass_kg=70, duration_s=60)
    assert len(out) == 2
    assert out["energy_net_kcal"].iloc[0] == out["energy_net_kcal"].iloc[1]


def test_dataframe_rerun_overwrites_results() -> None:
    df = pd.DataFrame({"speed_m_s": [1.4, 3.0], "mass_kg": [70, 70], "duration_s": 60})
    once = rc.estimate(df)
    twice = rc.estimate(once)
    pd.testing.assert_frame_equal(once, twice)


def test_dataframe_column_and_keyword_conflict() -> None:
    df = pd.DataFrame({"speed_m_s": [1.4], "mass_kg": [70.0]})
    with pytest.raises(ValueError, match="mass_kg is both a column"):
        rc.estimate(df, mass_kg=60)


def test_positional_non_dataframe_rejected() -> None:
    with pytest.raises(TypeError, match="only positional argument"):
        rc.estimate([1.0, 2.0])  # type: ignore[arg-type]


def test_empty_inputs() -> None:
    r = rc.estimate(speed_m_s=[], mass_kg=70)
    assert r.energy_net_kcal.shape == (0,)
    out = rc.estimate(pd.DataFrame({"speed_m_s": [], "mass_kg": []}))
    assert len(out) == 0
    assert "met" in out.columns


def test_result_helpers() -> None:
    r = rc.estimate(speed_m_s=[1.4, 3.0], mass_kg=70, duration_s=60)
    d = r.to_dict()
    assert list(d) == list(OUTPUTS)
    frame = r.to_frame()
    assert list(frame.columns) == list(OUTPUTS)
    assert len(frame) == 2
    assert "EstimateResult(" in repr(r)
    assert "met=" in repr(scalar(3.0))
    s = rc.estimate(speed_m_s=pd.Series([1.4], index=["x"]), mass_kg=70)
    assert list(s.to_frame().index) == ["x"]


def test_every_canonical_input_is_a_keyword() -> None:
    import inspect

    params = inspect.signature(rc.estimate).parameters
    for name in INPUTS:
        assert name in params, name
        assert params[name].kind is inspect.Parameter.KEYWORD_ONLY


def test_pandas_nullable_dtypes_are_missing_not_errors() -> None:
    df = pd.DataFrame(
        {
            "speed_m_s": pd.array([1.4, None, 3.0, 3.0], dtype="Float64"),
            "mass_kg": pd.array([70, 80, None, 70], dtype="Int64"),
            "direction": pd.array(["forward", "forward", "forward", None], dtype="string"),
            "gait": pd.Categorical(["walk", "walk", "run", "run"]),
        }
    )
    out = rc.estimate(df, duration_s=60)
    assert list(out["in_range"]) == [True, False, False, False]
    assert np.isfinite(out["energy_net_kcal"].iloc[0])
    assert out["energy_net_kcal"].iloc[1:].isna().all()
    assert list(out["gait_used"]) == ["walk", "", "", ""]
    mixed = rc.estimate(speed_m_s=[1.4, pd.NA], mass_kg=70, gait=["walk", pd.NA])
    assert list(mixed.in_range) == [True, False]


def test_2d_labels_broadcast_like_numbers() -> None:
    r = rc.estimate(
        speed_m_s=[[1.2, 1.4, 3.0]], mass_kg=70, gait=[["walk"], ["run"]], out_of_range="flag"
    )
    assert r.gait_used.shape == (2, 3)
    assert r.gait_used.tolist() == [["walk"] * 3, ["run"] * 3]
    walk = rc.estimate(speed_m_s=1.4, mass_kg=70, gait="walk")
    assert r.met[0, 1] == pytest.approx(walk.met)
