"""calibrate(): synthetic people of known factor, outliers, refusals, JSON, apply."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import retrocalc as rc
from retrocalc.calibration import Calibration, CalibrationError, calibrate


def _person(k: float, n: int, seed: int, outliers: int = 0, gait: str = "run") -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    speed = rng.uniform(2.5, 4.0, n) if gait == "run" else rng.uniform(1.0, 1.7, n)
    frame = pd.DataFrame(
        {
            "speed_m_s": speed,
            "mass_kg": 70.0,
            "duration_s": rng.uniform(20, 60, n) * 60,
            "gait": gait,
            "session": np.arange(n),
        }
    )
    # outliers: long sessions where the device read 3x too high (lost contact, wrong mass)
    frame.loc[: outliers - 1, "duration_s"] = 120 * 60.0
    pred = rc.estimate(frame.drop(columns=["session"]))["energy_gross_kcal"].to_numpy()
    measured = pred * k * np.exp(rng.normal(0.0, 0.03, n))
    measured[:outliers] *= 3.0
    frame["measured_kcal"] = measured
    return frame


def test_robust_fit_recovers_the_factor_where_a_ratio_of_sums_does_not() -> None:
    frame = _person(1.15, 14, seed=3, outliers=2)
    pred = rc.estimate(frame.drop(columns=["session", "measured_kcal"]))["energy_gross_kcal"]
    ratio_of_sums = frame["measured_kcal"].sum() / pred.sum()
    cal = calibrate(frame, source="synthetic")
    f = cal.factor("acsm_running", "run")
    assert f is not None
    assert f.k == pytest.approx(1.15, abs=0.05)
    assert abs(ratio_of_sums - 1.15) > 0.3
    assert f.sessions == 14


@settings(max_examples=10)
@given(k=st.floats(0.75, 1.35), seed=st.integers(0, 1000))
def test_clean_people_factor_inside_its_interval(k: float, seed: int) -> None:
    cal = calibrate(_person(k, 10, seed), n_bootstrap=200)
    f = cal.factors[0]
    assert f.k == pytest.approx(k, rel=0.04)
    assert f.ci_low <= f.k <= f.ci_high


def test_refusals_name_the_reason() -> None:
    frame = _person(1.1, 2, seed=1)
    with pytest.raises(CalibrationError, match="2 session"):
        calibrate(frame)
    short = _person(1.1, 5, seed=1)
    short["duration_s"] = 300.0
    with pytest.raises(CalibrationError, match="shorter session"):
        calibrate(short)
    # one group fitted, the other refused and recorded
    both = pd.concat([_person(1.1, 6, seed=2), _person(0.9, 2, seed=4, gait="walk")])
    both["session"] = np.arange(len(both))
    cal = calibrate(both)
    assert [f.gait for f in cal.factors] == ["run"]
    assert cal.refused[0][:2] == ("lcda2019", "walk")


def test_json_round_trip_and_immutability() -> None:
    cal = calibrate(_person(1.2, 6, seed=5), source="lab_vo2", n_bootstrap=50)
    again = Calibration.from_json(cal.to_json())
    assert again == cal
    assert "lab_vo2" in again.describe()
    with pytest.raises(AttributeError):
        cal.source = "x"  # type: ignore[misc]
    with pytest.raises(ValueError, match="not a retrocalc calibration"):
        Calibration.from_json("{}")


def test_apply_scales_gross_or_net() -> None:
    from retrocalc.calibration import Factor

    f = Factor("acsm", "run", "forward", 1.2, 1.1, 1.3, 5, 200.0)
    r = rc.estimate(speed_m_s=3.0, mass_kg=70, duration_s=3600, gait="run")
    gross = Calibration(factors=(f,), basis="gross").apply(r)
    assert gross.energy_gross_kcal == pytest.approx(1.2 * r.energy_gross_kcal)
    rest_kcal = r.energy_gross_kcal - r.energy_net_kcal
    assert gross.energy_net_kcal == pytest.approx(1.2 * r.energy_gross_kcal - rest_kcal)
    net = Calibration(factors=(f,), basis="net").apply(r)
    assert net.energy_net_kcal == pytest.approx(1.2 * r.energy_net_kcal)
    assert net.energy_gross_kcal == pytest.approx(rest_kcal + 1.2 * r.energy_net_kcal)
    # rows without a factor (walking, backward) stay as they are
    frame = rc.estimate(
        pd.DataFrame(
            {"speed_m_s": [3.0, 1.2, 3.0], "direction": ["forward", "forward", "backward"]}
        ),
        mass_kg=70,
        duration_s=600,
    )
    out = Calibration(factors=(f,)).apply(frame)
    ratio = out["energy_gross_kcal"] / frame["energy_gross_kcal"]
    assert list(np.round(ratio, 12)) == [1.2, 1.0, 1.0]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"level": 2.0}, r"^level must be between 0 and 1"),  # numpy: "Quantiles must be..."
        ({"level": float("nan")}, r"^level must be between 0 and 1"),
        ({"n_bootstrap": -1}, r"^n_bootstrap must be a whole number >= 0"),  # an IndexError
        ({"min_sessions": 0}, r"^min_sessions must be a whole number >= 1"),
        ({"bounds": (2.0, 0.5)}, r"^bounds must be \(low, high\) with 0 < low < high"),
        ({"f_scale": 0.0}, r"^f_scale must be a finite number > 0"),
    ],
)
def test_settings_are_refused_by_name(settings: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        calibrate(_person(1.1, 4, seed=1), **settings)  # type: ignore[arg-type]


def test_measured_text_is_named_with_its_row() -> None:
    # numpy's "could not convert string to float: 'x'" named neither column nor row
    frame = _person(1.1, 4, seed=1)
    frame["measured_kcal"] = frame["measured_kcal"].astype(object)
    frame.loc[2, "measured_kcal"] = "x"
    with pytest.raises(TypeError, match=r"^measured_kcal must be numeric; got 'x' at index 2$"):
        calibrate(frame)


def test_a_factor_at_its_bound_is_said_with_the_ratio_behind_it() -> None:
    # a device's kJ typed as kcal: measured 4.184x the energy, beyond the bound 2
    frame = _person(1.0, 10, seed=5)
    frame["measured_kcal"] *= 4.184
    with pytest.warns(
        rc.UnitWarning, match=r"stopped at its bound 2: .* a median 4\.1\dx the predicted"
    ):
        cal = calibrate(frame, n_bootstrap=20)
    assert cal.factors[0].k == pytest.approx(2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        calibrate(_person(1.2, 10, seed=5), n_bootstrap=20)  # inside the bounds: quiet
