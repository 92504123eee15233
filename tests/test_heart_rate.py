"""Keytel et al. (2005): every coefficient's sign and value, a worked example, the blend."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrocalc.heart_rate import estimate_hr, tanaka_hr_max
from retrocalc.models.keytel2005 import keytel2005, keytel2005_vo2max

# Keytel et al. (2005), J Sports Sci 23(3):289-297, doi:10.1080/02640410470001730089 [kJ/min]
PUBLISHED = {
    ("without", 1): {"intercept": -55.0969, "hr": 0.6309, "mass": 0.1988, "age": 0.2017},
    ("without", 0): {"intercept": -20.4022, "hr": 0.4472, "mass": -0.1263, "age": 0.074},
    ("with", 1): {"intercept": -95.7735, "hr": 0.634, "vo2max": 0.404, "mass": 0.394, "age": 0.271},
    ("with", 0): {"intercept": -59.3954, "hr": 0.450, "vo2max": 0.380, "mass": 0.103, "age": 0.274},
}
POINT = {"hr": 140.0, "mass": 70.0, "age": 30.0, "vo2max": 45.0}


def _call(which: str, male: int, **x: float) -> float:
    if which == "with":
        return float(keytel2005_vo2max(x["hr"], x["mass"], x["age"], x["vo2max"], male))
    return float(keytel2005(x["hr"], x["mass"], x["age"], male))


@pytest.mark.parametrize(("which", "male"), list(PUBLISHED))
def test_each_coefficient_value_and_sign(which: str, male: int) -> None:
    coefs = PUBLISHED[(which, male)]
    for name, published in coefs.items():
        if name == "intercept":
            zero = dict.fromkeys(POINT, 0.0)
            got = _call(which, male, **zero)
        else:  # the partial derivative, by a unit step
            up = {**POINT, name: POINT[name] + 1.0}
            got = _call(which, male, **up) - _call(which, male, **POINT)
        assert got == pytest.approx(published, abs=1e-9), (which, male, name)
        assert np.sign(got) == np.sign(published), (which, male, name)


def test_known_sign_bugs_elsewhere_are_not_here() -> None:
    # GoldenCheetah adds the women's weight term, Runalyze subtracts the men's
    heavier = {**POINT, "mass": POINT["mass"] + 10}
    assert _call("without", 0, **heavier) < _call("without", 0, **POINT)
    assert _call("without", 1, **heavier) > _call("without", 1, **POINT)


def test_worked_example() -> None:
    # a 75 kg man of 35 at 150 bpm for 30 min: about 441 kcal (clevercalculator.com's
    # Keytel article; by hand (-55.0969 + 94.635 + 14.91 + 7.0595) / 4.184 x 30 = 441.0)
    r = estimate_hr(heart_rate_bpm=150, mass_kg=75, age_years=35, sex="male", duration_s=1800)
    assert r.hr_energy_gross_kcal == pytest.approx(441.0, abs=0.1)
    assert r.hr_in_range
    assert not r.hr_blended


def test_tanaka() -> None:
    assert tanaka_hr_max(40) == pytest.approx(180.0)  # 208 - 0.7 x 40


@given(
    hr=st.lists(st.floats(35, 200), min_size=2, max_size=20),
    mass=st.floats(47, 120),
    age=st.floats(18, 45),
    male=st.booleans(),
)
def test_never_below_rest_and_monotone_in_heart_rate(
    hr: list[float], mass: float, age: float, male: bool
) -> None:
    h = np.sort(np.asarray(hr))
    r = estimate_hr(heart_rate_bpm=h, mass_kg=mass, age_years=age, sex="male" if male else "f")
    rest = 3.5 * mass * 5.0 * 4.184 / 60.0  # W
    assert np.all(r.hr_power_gross_w >= rest - 1e-9)
    assert np.all(np.diff(r.hr_power_gross_w) >= -1e-9)
    assert np.all(r.hr_power_net_w >= -1e-9)


def test_blend_is_continuous_and_flagged() -> None:
    hr_max = tanaka_hr_max(30)
    edge = 0.57 * hr_max
    r = estimate_hr(
        heart_rate_bpm=[edge - 1e-7, edge + 1e-7, 60.0], mass_kg=70, age_years=30, sex="male"
    )
    assert r.hr_power_gross_w[0] == pytest.approx(r.hr_power_gross_w[1], rel=1e-6)
    assert list(r.hr_blended) == [True, False, True]
    assert list(r.hr_in_range) == [False, True, False]
    rest = 3.5 * 70 * 5.0 * 4.184 / 60.0
    assert r.hr_power_gross_w[2] == pytest.approx(rest)  # at the resting heart rate


def test_validity_flags_and_policies() -> None:
    r = estimate_hr(heart_rate_bpm=140, mass_kg=70, age_years=60, sex="female")
    assert not r.hr_in_range
    with pytest.raises(Exception, match="age_years"):
        estimate_hr(
            heart_rate_bpm=140, mass_kg=70, age_years=60, sex="female", out_of_range="raise"
        )
    nan = estimate_hr(heart_rate_bpm=140, mass_kg=70, age_years=60, sex="f", out_of_range="nan")
    assert np.isnan(nan.hr_power_gross_w)


def test_kinds_frames_and_errors() -> None:
    s = pd.Series([120.0, 150.0], index=[10, 20])
    r = estimate_hr(heart_rate_bpm=s, mass_kg=70, age_years=30, sex="male")
    assert isinstance(r.hr_power_gross_w, pd.Series)
    assert list(r.hr_power_gross_w.index) == [10, 20]
    df = pd.DataFrame({"heart_rate_bpm": [120, 150], "sex": ["male", "female"]})
    out = estimate_hr(df, mass_kg=70, age_years=30, duration_s=60)
    assert {"hr_energy_gross_kcal", "hr_in_range"} <= set(out.columns)
    assert out["hr_model_used"].eq("keytel2005").all()
    with pytest.raises(ValueError, match="sex must be one of"):
        estimate_hr(heart_rate_bpm=120, mass_kg=70, age_years=30, sex="x")
    with pytest.raises(ValueError, match="heart_rate_bpm must be > 0"):
        estimate_hr(heart_rate_bpm=0, mass_kg=70, age_years=30, sex="m")
    with pytest.raises(TypeError, match="needs sex"):
        estimate_hr(heart_rate_bpm=120, mass_kg=70, age_years=30)
    v = estimate_hr(heart_rate_bpm=150, mass_kg=70, age_years=30, sex="m", vo2max_ml_kg_min=50)
    assert v.hr_model_used == "keytel2005_vo2max"
