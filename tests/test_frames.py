"""The data types people use: polars and pyarrow in, the same type out; JSON; status.

pandas is the reference: every polars or pyarrow result is compared with ``rc.estimate`` on
the same numbers as a pandas DataFrame or as plain arrays.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import retrocalc as rc

pl = pytest.importorskip("polars")
pa = pytest.importorskip("pyarrow")
pytest.importorskip("narwhals")

DATA = {
    "speed_m_s": [1.4, 3.0, 2.2],
    "mass_kg": [70.0, 80.0, 65.0],
    "duration_s": [1800.0, 3600.0, 600.0],
}


def reference() -> pd.DataFrame:
    return rc.estimate(pd.DataFrame(DATA))


def test_polars_dataframe_in_polars_dataframe_out() -> None:
    frame = pl.DataFrame({**DATA, "note": ["a", "b", "c"]})
    out = rc.estimate(frame)
    assert isinstance(out, pl.DataFrame)
    assert out.columns[:4] == ["speed_m_s", "mass_kg", "duration_s", "note"]
    ref = reference()
    for name in rc.nomenclature.OUTPUTS:
        if rc.nomenclature.OUTPUTS[name].dtype == "float":
            np.testing.assert_allclose(out[name].to_numpy(), ref[name].to_numpy())
        else:
            assert out[name].to_list() == ref[name].astype(object).tolist()
    assert out["gait_used"].dtype == pl.String


def test_polars_lazyframe_stays_lazy() -> None:
    out = rc.estimate(pl.DataFrame(DATA).lazy())
    assert isinstance(out, pl.LazyFrame)
    np.testing.assert_allclose(
        out.collect()["energy_net_kcal"].to_numpy(), reference()["energy_net_kcal"]
    )


def test_pyarrow_table_in_table_out() -> None:
    out = rc.estimate(pa.table(DATA))
    assert isinstance(out, pa.Table)
    np.testing.assert_allclose(
        out["energy_net_kcal"].to_numpy(), reference()["energy_net_kcal"].to_numpy()
    )


def test_polars_missing_values_are_null() -> None:
    frame = pl.DataFrame({"speed_m_s": [1.4, None], "mass_kg": [70.0, 70.0]})
    out = rc.estimate(frame, out_of_range="flag")
    assert out["energy_net_kcal"].null_count() == 2  # no duration: no energy, as null
    assert out["met"].null_count() == 1


def test_polars_and_arrow_series_keywords() -> None:
    speeds = pl.Series("v", DATA["speed_m_s"])
    r = rc.estimate(speed_m_s=speeds, mass_kg=70.0)
    assert isinstance(r.met, pl.Series)
    assert isinstance(r.gait_used, pl.Series)
    want = rc.estimate(speed_m_s=np.array(DATA["speed_m_s"]), mass_kg=70.0)
    np.testing.assert_allclose(r.met.to_numpy(), want.met)
    assert r.gait_used.to_list() == list(want.gait_used)
    r = rc.estimate(speed_m_s=pa.chunked_array([DATA["speed_m_s"]]), mass_kg=70.0)
    assert isinstance(r.met, pa.ChunkedArray)
    np.testing.assert_allclose(r.met.to_numpy(), want.met)


def test_polars_frame_with_aliases_and_status() -> None:
    frame = pl.DataFrame({"Speed_KMH": [5.4, 10.8], "mass_kg": [70.0, -1.0]})
    out = rc.estimate(frame, status=True)
    assert out["status"].to_list() == ["ok", "error"]
    assert out["error"].to_list()[1].startswith("mass_kg must be > 0")


def test_other_positional_types_are_refused() -> None:
    with pytest.raises(TypeError, match=r"polars DataFrame or LazyFrame, pyarrow Table"):
        rc.estimate({"speed_m_s": [1.4]})  # type: ignore[call-overload]


# -- JSON --------------------------------------------------------------------------------------
def test_json_safe_dict_of_arrays() -> None:
    r = rc.estimate(speed_m_s=[1.4, float("nan")], mass_kg=70.0, out_of_range="flag")
    data = r.to_dict(json_safe=True)
    assert data["energy_net_kcal"] == [None, None]  # no duration
    assert data["met"][1] is None
    assert isinstance(data["met"][0], float)
    assert data["in_range"] == [True, False]
    assert data["gait_used"][0] == "walk"
    text = r.to_json()
    assert "NaN" not in text
    assert json.loads(text) == data


def test_json_safe_scalar_and_series() -> None:
    r = rc.estimate(speed_m_s=3.0, mass_kg=70.0, duration_s=1800)
    data = r.to_dict(json_safe=True)
    assert type(data["in_range"]) is bool
    assert data["energy_net_kcal"] == pytest.approx(r.energy_net_kcal)
    s = rc.estimate(speed_m_s=pd.Series([1.4, 3.0], index=["x", "y"]), mass_kg=70.0)
    assert s.to_dict(json_safe=True)["gait_used"] == ["walk", "run"]
    assert json.loads(s.to_json(indent=2))["met"] == pytest.approx(list(s.met))
    assert all(math.isfinite(v) for v in json.loads(s.to_json())["met"])
    for speeds in (pl.Series([1.4, 3.0]), pa.chunked_array([[1.4, 3.0]])):
        other = json.loads(rc.estimate(speed_m_s=speeds, mass_kg=70.0).to_json())
        assert other["met"] == pytest.approx(list(s.met))
        assert other["gait_used"] == ["walk", "run"]


# -- status columns ----------------------------------------------------------------------------
def test_status_columns_match_the_command_line() -> None:
    frame = pd.DataFrame(
        {
            "speed_m_s": [1.4, 1.2, 3.0, 2.0],
            "mass_kg": [70.0, 70.0, -5.0, float("nan")],
            "grade": [0.0, 0.5, 0.0, 0.0],  # 50 %: outside every walking model's range
            "gait": ["walk", "walk", "run", "run"],
        },
        index=["a", "b", "c", "d"],
    )
    out = rc.estimate(frame, status=True)
    assert list(out["status"].astype(str)) == ["ok", "out_of_range", "error", "error"]
    assert out.loc["a", "error"] is None
    assert "grade outside" in out.loc["b", "error"]
    assert out.loc["c", "error"] == "mass_kg must be > 0 (a body mass in kg); got -5"
    assert out.loc["d", "error"] == "mass_kg: missing value"  # as the command line says
    assert np.isnan(out.loc["c", "met"])
    assert not out.loc["c", "in_range"]
    assert np.isfinite(out.loc["b", "met"])  # flagged rows keep their estimate
    assert list(out.index) == ["a", "b", "c", "d"]


def test_status_marks_text_in_a_numeric_column_per_row() -> None:
    # a column pandas read as text (a stray word, numbers kept as text) is refused cell by
    # cell: those rows are errors naming the value, the others are estimated, no exception
    frame = pd.DataFrame(
        {
            "speed_m_s": [3.0, "x", None, "4"],
            "mass_kg": [70.0, 70.0, 70.0, 70.0],
            "duration_s": [60.0, 60.0, 60.0, 60.0],
        },
        index=["a", "b", "c", "d"],
    )
    out = rc.estimate(frame, status=True)
    assert list(out["status"].astype(str)) == ["ok", "error", "error", "error"]
    assert list(out["error"]) == [
        None,
        "speed_m_s must be numeric; got 'x'",
        "speed_m_s: missing value",
        "speed_m_s must be numeric; got '4'",
    ]
    # ACSM running at 180 m/min: net VO2 0.2 * 180 = 36 ml/kg/min; 36 * 70 kg * 1 min
    # = 2.52 l of O2, at 5 kcal/l: 12.6 kcal
    assert out.loc["a", "energy_net_kcal"] == pytest.approx(12.6)
    assert out.loc[["b", "c", "d"], "energy_net_kcal"].isna().all()


def test_status_never_says_ok_beside_a_reason() -> None:
    # a duration that looks like milliseconds (a rule of the batch alone) came out
    # status "ok", in_range True, with the reason "duration_s > 86400 s looks like ..."
    frame = pd.DataFrame(
        {"speed_m_s": [3.0, 3.0], "mass_kg": [70.0, 70.0], "duration_s": [3.6e6, 1800.0]}
    )
    out = rc.estimate(frame, status=True)
    assert list(out["status"].astype(str)) == ["out_of_range", "ok"]
    assert out["error"][0] == "duration_s > 86400 s looks like milliseconds"
    assert list(out["in_range"]) == [False, True]
    # computed as given (1000 h), in case it is real: 36 ml/kg/min net x 70 kg x 60000 min
    assert out["energy_net_kcal"][0] == pytest.approx(36 * 70 * 60000 / 1000 * 5)


def test_status_makes_a_result_that_is_not_finite_an_error(tmp_path: Path) -> None:
    # an overflow (a mass of 1e308, a duration of 1e307 s) came out out_of_range with an
    # infinite energy beside a unit reason; the command line says error, with no result
    text = "speed_m_s,mass_kg,duration_s\n3,1e308,1800\n2.5,70,1e307\n3,70,1800\n"
    src = tmp_path / "in.csv"
    src.write_text(text)
    rc.estimate_file(src, tmp_path / "out.csv", progress=False)
    cli = pd.read_csv(tmp_path / "out.csv")
    out = rc.estimate(pd.read_csv(src), status=True)
    assert list(out["status"].astype(str)) == ["error", "error", "ok"]
    assert list(out["status"].astype(str)) == list(cli["status"])
    assert list(out["error"][:2]) == list(cli["error"][:2])
    assert out["error"][0].startswith("result is not finite")
    assert out["energy_net_kcal"][:2].isna().all()
    assert not out["in_range"][:2].any()


@pytest.mark.parametrize("policy", ["flag", "nan"])
def test_an_overflow_inside_a_model_is_an_error_in_both_faces(tmp_path: Path, policy: str) -> None:
    # a speed of 1e308 overflows inside the running model as inf * 0 (NaN, no infinity):
    # it came out out_of_range with empty results beside a unit reason. Under "nan" an
    # out-of-range row is blank by the policy: out_of_range stays its status.
    text = "speed_m_s,mass_kg,duration_s,grade\n1e308,70,60,0\n3,70,60,0\n1e30,70,60,0\n"
    src = tmp_path / "in.csv"
    src.write_text(text)
    rc.estimate_file(src, tmp_path / "out.csv", progress=False, out_of_range=policy)
    cli = pd.read_csv(tmp_path / "out.csv")
    out = rc.estimate(pd.read_csv(src), status=True, out_of_range=policy)
    first = "error" if policy == "flag" else "out_of_range"
    assert list(cli["status"]) == [first, "ok", "out_of_range"]
    assert list(out["status"].astype(str)) == list(cli["status"])
    assert [out["error"][0], out["error"][2]] == [cli["error"][0], cli["error"][2]]
    if policy == "flag":
        assert out["error"][0].startswith("result is not finite")
        # 1e30 m/s still has a (finite) estimate: ACSM running, 0.2 ml/kg/min per m/min
        # plus 3.5 resting: (0.2 * 60e30 + 3.5) / 3.5 MET
        assert out["met"][2] == pytest.approx(12e30 / 3.5, rel=1e-12)
    assert out["energy_net_kcal"][:1].isna().all()


def test_status_needs_a_dataframe() -> None:
    with pytest.raises(TypeError, match="status=True"):
        rc.estimate(speed_m_s=1.4, mass_kg=70, status=True)  # type: ignore[call-overload]


def test_result_columns_are_not_overwritten_silently() -> None:
    frame = pd.DataFrame({"speed_m_s": [1.4], "mass_kg": [70.0], "met": [4.2]})
    with pytest.raises(ValueError, match=r"columns named like results \['met'\]"):
        rc.estimate(frame)
    once = rc.estimate(frame.drop(columns="met"), status=True)
    again = rc.estimate(once, status=True)  # a re-run replaces its own results
    pd.testing.assert_frame_equal(once, again)


def test_polars_export_frame_with_activity_type() -> None:
    frame = pl.DataFrame(
        {
            "Activity Type": ["Walking", "Cycling"],
            "Distance": [3.2, 30.0],
            "Time": ["00:40:00", "01:00:00"],
        }
    )
    out = rc.estimate(
        frame,
        duration=frame["Time"],
        distance_km=frame["Distance"],
        mass_kg=70.0,
        status=True,
    )
    assert out["status"].to_list() == ["ok", "error"]
    assert out["gait_used"].to_list() == ["walk", None]
    want = rc.estimate(speed_m_s=3200 / 2400, mass_kg=70.0, duration_s=2400, gait="walk")
    assert out["energy_net_kcal"][0] == pytest.approx(want.energy_net_kcal)


def test_status_names_a_missing_gait_without_activity_type() -> None:
    frame = pd.DataFrame(
        {"distance_m": [1000.0, np.nan], "duration_s": [600.0, 600.0], "gait": [None, "walk"]}
    )
    out = rc.estimate(frame, mass_kg=70.0, status=True)
    # speed came from distance / duration: the missing distance is named, not the speed
    assert list(out["error"]) == ["gait: missing value", "distance_m: missing value"]
