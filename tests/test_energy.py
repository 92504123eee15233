"""Resting rate and the energy equivalent of oxygen, checked by independent arithmetic."""

from __future__ import annotations

import numpy as np
import pytest

import retrocalc as rc
from retrocalc import energy


def test_default_rest_and_met() -> None:
    r = rc.estimate(speed_m_s=3.0, mass_kg=70, gait="run", duration_s=60)
    assert r.vo2_gross_ml_kg_min - r.vo2_net_ml_kg_min == pytest.approx(3.5)
    assert r.met == pytest.approx(r.vo2_gross_ml_kg_min / 3.5)


def test_measured_rest_keeps_gross_of_a_gross_model() -> None:
    std = rc.estimate(speed_m_s=3.0, mass_kg=70, gait="run", duration_s=600)
    own = rc.estimate(
        speed_m_s=3.0, mass_kg=70, gait="run", duration_s=600, resting_vo2_ml_kg_min=2.6
    )
    assert own.vo2_gross_ml_kg_min == pytest.approx(std.vo2_gross_ml_kg_min)
    assert own.vo2_net_ml_kg_min == pytest.approx(std.vo2_net_ml_kg_min + 0.9)
    assert own.met == pytest.approx(std.vo2_gross_ml_kg_min / 2.6)  # Kozey's corrected MET


@pytest.mark.parametrize(
    ("equation", "sex", "rmr"),
    [
        # independent arithmetic of the published equations for 70 kg, 175 cm, 30 y
        ("mifflin_st_jeor", "male", 10 * 70 + 6.25 * 175 - 5 * 30 + 5),
        ("mifflin_st_jeor", "female", 10 * 70 + 6.25 * 175 - 5 * 30 - 161),
        ("harris_benedict_revised", "male", 88.362 + 13.397 * 70 + 4.799 * 175 - 5.677 * 30),
        ("harris_benedict_revised", "F", 447.593 + 9.247 * 70 + 3.098 * 175 - 4.330 * 30),
    ],
)
def test_rmr_equations(equation: str, sex: str, rmr: float) -> None:
    r = rc.estimate(
        speed_m_s=3.0,
        mass_kg=70,
        gait="run",
        duration_s=600,
        rmr_equation=equation,
        sex=sex,
        age_years=30,
        height_cm=175,
    )
    rest = rmr / 1440 / 5.0 * 1000 / 70  # kcal/day -> l/day -> ml/kg/min
    assert r.vo2_gross_ml_kg_min - r.vo2_net_ml_kg_min == pytest.approx(rest)


def test_rmr_vectorised_by_sex() -> None:
    out = energy.mifflin_st_jeor([70, 60], [175, 165], [30, 40], ["m", "female"])
    np.testing.assert_allclose(
        out, [10 * 70 + 6.25 * 175 - 150 + 5, 10 * 60 + 6.25 * 165 - 200 - 161]
    )


def test_weir_energy_equivalent() -> None:
    assert energy.weir_kcal_per_litre(0.7) == pytest.approx(3.941 + 1.106 * 0.7)
    # same VO2 (ACSM), more energy per litre at a higher RER
    lo = rc.estimate(speed_m_s=3.0, mass_kg=70, gait="run", duration_s=600, rer=0.7)
    hi = rc.estimate(speed_m_s=3.0, mass_kg=70, gait="run", duration_s=600, rer=1.0)
    assert lo.vo2_gross_ml_kg_min == pytest.approx(hi.vo2_gross_ml_kg_min)
    ratio = hi.energy_gross_kcal / lo.energy_gross_kcal
    assert ratio == pytest.approx((3.941 + 1.106) / (3.941 + 1.106 * 0.7))


def test_energy_arithmetic_from_acsm() -> None:
    """3.0 m/s level running: net 0.2*180 = 36 ml/kg/min; backward x1.35; 70 kg for 30 min."""
    r = rc.estimate(speed_m_s=3.0, mass_kg=70, duration_s=1800, gait="run", direction="backward")
    net_l = 36 * 1.35 * 70 * 30 / 1000
    assert r.energy_net_kcal == pytest.approx(net_l * 5.0)
    assert r.energy_gross_kcal == pytest.approx((36 * 1.35 + 3.5) * 70 * 30 / 1000 * 5.0)
    assert r.energy_net_kj == pytest.approx(net_l * 5.0 * 4.184)
    assert r.power_net_w == pytest.approx(net_l * 5.0 * 4184 / 1800)
    assert r.cost_of_transport_j_kg_m == pytest.approx(36 * 1.35 / 1000 * 5.0 * 4184 / 180)


def test_distance_form() -> None:
    a = rc.estimate(speed_m_s=2.5, mass_kg=70, distance_m=5000, gait="run")
    b = rc.estimate(speed_m_s=2.5, mass_kg=70, duration_s=2000, gait="run")
    assert a.energy_gross_kcal == pytest.approx(b.energy_gross_kcal)


def test_no_duration_gives_rates_but_no_energy() -> None:
    r = rc.estimate(speed_m_s=1.4, mass_kg=70)
    assert np.isnan(r.energy_net_kcal)
    assert np.isfinite(r.met)
    assert r.in_range is True


def test_backward_factor_override() -> None:
    fwd = rc.estimate(speed_m_s=3.0, mass_kg=70, gait="run")
    mapped = rc.estimate(
        speed_m_s=3.0, mass_kg=70, gait="run", direction="backward", backward_factor={"run": 1.2}
    )
    plain = rc.estimate(
        speed_m_s=3.0, mass_kg=70, gait="run", direction="backward", backward_factor=1.2
    )
    assert mapped.vo2_net_ml_kg_min == pytest.approx(1.2 * fwd.vo2_net_ml_kg_min)
    assert plain.vo2_net_ml_kg_min == pytest.approx(mapped.vo2_net_ml_kg_min)


def test_auto_gait_and_explicit_single_gait_model() -> None:
    r = rc.estimate(
        speed_m_s=[1.8, 1.8, 2.0], mass_kg=70, direction=["forward", "backward", "forward"]
    )
    assert list(r.gait_used) == ["walk", "run", "run"]
    # a single-gait model fixes the gait that "auto" would otherwise choose
    m = rc.estimate(speed_m_s=2.1, mass_kg=70, model="acsm_walking", out_of_range="flag")
    assert m.gait_used == "walk"


def test_defaults_per_gait_and_grade() -> None:
    r = rc.estimate(
        speed_m_s=[1.3, 1.3, 3.0, 3.0, 1.3, 1.3],
        grade=[0.0, 0.0, 0.02, -0.02, 0.0, 0.0],
        load_kg=[0.0, 15.0, 0.0, 0.0, 40.0, 15.0],
        terrain_factor=[1.0, 1.0, 1.0, 1.0, 1.0, 1.2],
        mass_kg=70,
    )
    assert list(r.model_used) == [
        "lcda2019_walking",
        "lcda2019_loaded_walking",  # continuous across grade (docs/science.md)
        "acsm_minetti_running",  # one running model over every grade (continuity)
        "acsm_minetti_running",
        "pandolf1977_santee",  # beyond the loaded LCDA's 30 kg
        "pandolf1977_santee",  # the only model with a terrain factor
    ]
    # which is ACSM uphill and Minetti's relative cost downhill
    acsm = rc.models.acsm_running(3.0, 0.02)  # type: ignore[attr-defined]
    assert r.vo2_gross_ml_kg_min[2] == pytest.approx(acsm, rel=1e-12)
    c_r = rc.models.minetti2002_running  # type: ignore[attr-defined]
    downhill = 3.5 + 0.2 * 180.0 * c_r(-0.02) / c_r(0.0)
    assert r.vo2_gross_ml_kg_min[3] == pytest.approx(downhill, rel=1e-12)


def test_models_per_row() -> None:
    r = rc.estimate(
        speed_m_s=3.0, mass_kg=70, model=["acsm_running", "leger1984_track", ""], gait="run"
    )
    assert list(r.model_used) == ["acsm_running", "leger1984_track", rc.DEFAULT_MODELS["run"]]


def test_rmr_missing_sex_is_nan_not_an_error() -> None:
    out = energy.harris_benedict_revised([70, 70], [175, 175], [30, 30], ["M", None])
    assert out[0] == pytest.approx(88.362 + 13.397 * 70 + 4.799 * 175 - 5.677 * 30)
    assert np.isnan(out[1])
    r = rc.estimate(
        speed_m_s=[3.0, 3.0],
        mass_kg=70,
        gait="run",
        rmr_equation="mifflin_st_jeor",
        sex=["female", None],
        age_years=30,
        height_cm=165,
    )
    assert list(r.in_range) == [True, False]
    assert np.isnan(r.met[1])
