"""``estimate(interval=..., calibration=...)``: the person-to-person interval and a personal
calibration, on scalars, arrays and frames (issue 13).

The bounds themselves are tested in ``tests/test_uncertainty.py`` (the spreads and the formula)
and the calibration in ``tests/test_calibration.py``; here: that estimate() wires them, with the
properties the issue names (contains the estimate, widens with the level, linear in mass and
duration like the estimate) and the same numbers as the building blocks called by hand.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import retrocalc as rc
from retrocalc.calibration import Calibration, Factor
from retrocalc.uncertainty import interval_columns

BOUNDED = ("power_gross_w", "power_net_w", "energy_gross_kcal", "energy_net_kcal")


@given(
    speed=st.floats(1.0, 4.5),
    grade=st.floats(-0.1, 0.1),
    mass=st.floats(45.0, 110.0),
    duration=st.floats(60.0, 7200.0),
    direction=st.sampled_from(["forward", "backward"]),
    level=st.floats(0.5, 0.99),
)
def test_interval_contains_the_estimate_and_widens(
    speed: float, grade: float, mass: float, duration: float, direction: str, level: float
) -> None:
    kw = {"speed_m_s": speed, "grade": grade, "mass_kg": mass, "duration_s": duration,
          "direction": direction, "out_of_range": "flag"}  # fmt: skip
    narrow = rc.estimate(**kw, interval=level)
    wide = rc.estimate(**kw, interval=min(level + 0.009, 0.999))
    for name in BOUNDED:
        value = getattr(narrow, name)
        lo, hi = getattr(narrow, f"{name}_lower"), getattr(narrow, f"{name}_upper")
        assert lo <= value <= hi, name
        assert getattr(wide, f"{name}_lower") <= lo + 1e-9 * abs(lo)
        assert getattr(wide, f"{name}_upper") >= hi - 1e-9 * abs(hi)


@given(mass=st.floats(45.0, 110.0), duration=st.floats(60.0, 7200.0), k=st.floats(1.5, 3.0))
def test_bounds_linear_in_mass_and_duration(mass: float, duration: float, k: float) -> None:
    kw = {"speed_m_s": 3.0, "gait": "run", "direction": "backward", "interval": 0.95}
    one = rc.estimate(mass_kg=mass, duration_s=duration, **kw)
    heavy = rc.estimate(mass_kg=k * mass, duration_s=duration, **kw)
    long = rc.estimate(mass_kg=mass, duration_s=k * duration, **kw)
    for end in ("lower", "upper"):
        name = f"energy_gross_kcal_{end}"
        assert getattr(heavy, name) == pytest.approx(k * getattr(one, name), rel=1e-9)
        assert getattr(long, name) == pytest.approx(k * getattr(one, name), rel=1e-9)


def test_interval_equals_the_building_block() -> None:
    kw = {"speed_m_s": [1.3, 3.0, 2.5], "mass_kg": 70.0, "duration_s": 1800.0,
          "direction": ["forward", "backward", "backward"], "grade": 0.02}  # fmt: skip
    plain = rc.estimate(**kw)
    by_hand = interval_columns(
        plain, mass_kg=70.0, direction=kw["direction"], grade=0.02, duration_s=1800.0, level=0.9
    )
    wired = rc.estimate(**kw, interval=0.9)
    for name, value in by_hand.items():
        np.testing.assert_allclose(getattr(wired, name), value, rtol=1e-12)
    assert list(wired.to_dict())[: len(rc.nomenclature.OUTPUTS)] == list(rc.nomenclature.OUTPUTS)
    assert "energy_net_kcal_upper" in wired.to_dict()


def test_interval_with_a_distance_and_on_frames() -> None:
    by_distance = rc.estimate(speed_m_s=2.5, mass_kg=70, distance_m=5000, interval=0.95)
    by_time = rc.estimate(speed_m_s=2.5, mass_kg=70, duration_s=2000, interval=0.95)
    assert by_distance.energy_gross_kcal_upper == pytest.approx(by_time.energy_gross_kcal_upper)
    frame = pd.DataFrame({"speed_m_s": [1.4, 3.0], "mass_kg": [70.0, 80.0]}, index=["a", "b"])
    out = rc.estimate(frame, duration_s=600.0, interval=0.95)
    assert list(out.index) == ["a", "b"]
    assert (out["energy_gross_kcal_lower"] < out["energy_gross_kcal"]).all()
    assert (out["energy_gross_kcal"] < out["energy_gross_kcal_upper"]).all()


@pytest.mark.parametrize("level", [0.0, 1.0, 95, -0.5])
def test_interval_level_must_be_a_probability(level: float) -> None:
    with pytest.raises(ValueError, match="interval must be a confidence level"):
        rc.estimate(speed_m_s=3.0, mass_kg=70, interval=level)


def test_calibration_scales_the_matching_rows_only() -> None:
    run = Factor("acsm", "run", "forward", 1.2, 1.1, 1.3, 5, 200.0)
    cal = Calibration(factors=(run,), basis="gross")
    kw = {"speed_m_s": [3.0, 1.3, 3.0], "mass_kg": 70.0, "duration_s": 600.0,
          "direction": ["forward", "forward", "backward"]}  # fmt: skip
    plain = rc.estimate(**kw)
    calibrated = rc.estimate(**kw, calibration=cal)
    ratio = calibrated.energy_gross_kcal / plain.energy_gross_kcal
    np.testing.assert_allclose(ratio, [1.2, 1.0, 1.0], rtol=1e-12)
    # and the interval is taken around the calibrated estimate
    both = rc.estimate(**kw, calibration=cal, interval=0.95)
    assert both.energy_gross_kcal_lower[0] < calibrated.energy_gross_kcal[0]
    assert both.energy_gross_kcal_upper[0] > calibrated.energy_gross_kcal[0]


def test_activity_carries_the_interval() -> None:
    pytest.importorskip("defusedxml", reason="the activity extra is not installed")
    from retrocalc.data import example_path

    r = rc.estimate_activity(example_path("example_activity.gpx"), mass_kg=70, interval=0.95)
    s, samples = r.summary, r.samples
    assert s["energy_gross_kcal_lower"] < s["energy_gross_kcal"] < s["energy_gross_kcal_upper"]
    assert s["energy_gross_kcal_upper"] == pytest.approx(
        np.nan_to_num(samples["energy_gross_kcal_upper"]).sum()
    )
    paused = (samples["model_used"] == "rest").to_numpy()
    if paused.any():  # a pause is rest: no model spread
        np.testing.assert_array_equal(
            samples["energy_gross_kcal_upper"][paused], samples["energy_gross_kcal"][paused]
        )


def test_activity_energy_from_heart_rate_is_a_separate_output() -> None:
    pytest.importorskip("defusedxml", reason="the activity extra is not installed")
    n = 600  # 10 minutes at 1 Hz, 3 m/s on the level, heart rate 150
    streams = pd.DataFrame(
        {
            "elapsed_s": np.arange(n, dtype=float),
            "distance_m": 3.0 * np.arange(n, dtype=float),
            "altitude_m": np.full(n, 100.0),
            "heart_rate_bpm": np.full(n, 150.0),
        }
    )
    plain = rc.estimate_activity(streams, mass_kg=70)
    assert "hr_energy_gross_kcal" not in plain.summary
    assert "give age_years and sex" in plain.summary["warnings"]
    with_hr = rc.estimate_activity(streams, mass_kg=70, age_years=30, sex="male")
    # Keytel et al. 2005, men without VO2max, kJ/min, independent of retrocalc's code
    kj_min = -55.0969 + 0.6309 * 150 + 0.1988 * 70 + 0.2017 * 30
    expected = kj_min / 4.184 * (with_hr.samples["dt_s"].sum() / 60.0)
    assert with_hr.summary["hr_energy_gross_kcal"] == pytest.approx(expected, rel=1e-9)
    # the motion estimate is unchanged by the heart rate
    assert with_hr.summary["energy_gross_kcal"] == pytest.approx(plain.summary["energy_gross_kcal"])


def test_batch_carries_the_interval(tmp_path: Path) -> None:
    pytest.importorskip("polars", reason="the cli extra is not installed")
    from click.testing import CliRunner

    from retrocalc.cli import cli

    src = tmp_path / "w.csv"
    src.write_text(
        "speed_m_s,mass_kg,duration_s,direction\n"
        "3.0,70,1800,backward\n1.3,60,600,forward\nfast,70,600,forward\n"
    )
    out = tmp_path / "o.csv"
    result = CliRunner().invoke(cli, ["estimate", str(src), "-o", str(out), "--interval", "0.9"])
    assert result.exit_code == 0, result.output
    got = pd.read_csv(out)
    want = rc.estimate(
        speed_m_s=np.array([3.0, 1.3]),
        mass_kg=np.array([70.0, 60.0]),
        duration_s=np.array([1800.0, 600.0]),
        direction=np.array(["backward", "forward"]),
        interval=0.9,
        out_of_range="flag",
    )
    for name in ("energy_gross_kcal_lower", "energy_net_kcal_upper", "power_gross_w_upper"):
        np.testing.assert_allclose(got[name][:2], getattr(want, name), rtol=1e-9)
    assert got["status"][2] == "error"
    assert np.isnan(got["energy_gross_kcal_upper"][2])  # no estimate, no bounds
    # a bad level is a usage error before any work
    bad = CliRunner().invoke(cli, ["estimate", str(src), "-o", str(out), "--interval", "95"])
    assert bad.exit_code == 2
    assert "interval must be a confidence level" in bad.output
