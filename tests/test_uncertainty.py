"""Person-to-person intervals: published figures, and the properties the issue asks for."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import retrocalc as rc
from retrocalc.uncertainty import DIRECTION_SPREADS, SPREADS, interval, interval_columns


def test_every_registered_base_model_has_a_spread() -> None:
    assert {s.name for s in rc.REGISTRY.base()} <= set(SPREADS)


def test_wright_weyand_sem_is_an_sd_of_12_points() -> None:
    # +35 +/- 6 % is a SEM of n = 4: SD = 6 x sqrt(4) = 12 percentage points
    assert DIRECTION_SPREADS["run"].factor_sd == pytest.approx(0.06 * np.sqrt(4))


def test_lcda_level_interval_is_its_published_see() -> None:
    # forward, level: half-width = 1.96 x 0.20 W/kg (Looney et al. 2019)
    lo, hi = interval(4.0, 1.2, "lcda2019_walking", "walk", "forward")
    assert (hi - lo) / 2 == pytest.approx(1.959964 * 0.20, rel=1e-6)
    lo, hi = interval(4.0, 1.2, "lcda2019_walking", "walk", "forward", grade=0.1)
    assert (hi - lo) / 2 == pytest.approx(1.959964 * 0.42, rel=1e-6)


def _result(speed: float, mass: float, duration: float, gait: str, direction: str) -> object:
    return rc.estimate(
        speed_m_s=speed,
        mass_kg=mass,
        duration_s=duration,
        gait=gait,
        direction=direction,
        out_of_range="flag",
    )


@given(
    speed=st.floats(0.5, 5.0),
    mass=st.floats(40, 130),
    duration=st.floats(60, 7200),
    backward=st.booleans(),
    level=st.floats(0.5, 0.98),
)
def test_contains_the_estimate_and_widens_with_level(
    speed: float, mass: float, duration: float, backward: bool, level: float
) -> None:
    gait = "run" if speed >= 2.0 else "walk"
    direction = "backward" if backward else "forward"
    r = _result(speed, mass, duration, gait, direction)
    b = interval_columns(r, mass_kg=mass, direction=direction, duration_s=duration, level=level)
    wider = interval_columns(
        r, mass_kg=mass, direction=direction, duration_s=duration, level=min(level + 0.01, 0.99)
    )
    for q in ("power_gross_w", "energy_gross_kcal", "energy_net_kj"):
        point = getattr(r, q)
        assert b[f"{q}_lower"] <= point + 1e-9 <= b[f"{q}_upper"] + 2e-9
        assert wider[f"{q}_upper"] >= b[f"{q}_upper"] - 1e-9
        assert wider[f"{q}_lower"] <= b[f"{q}_lower"] + 1e-9


@given(mass=st.floats(40, 120), duration=st.floats(60, 3600), factor=st.floats(1.1, 3.0))
def test_linear_in_mass_and_duration(mass: float, duration: float, factor: float) -> None:
    r1 = _result(3.0, mass, duration, "run", "backward")
    r2 = _result(3.0, mass * factor, duration * factor, "run", "backward")
    b1 = interval_columns(r1, mass_kg=mass, direction="backward", duration_s=duration)
    b2 = interval_columns(
        r2, mass_kg=mass * factor, direction="backward", duration_s=duration * factor
    )
    for end in ("lower", "upper"):
        assert b2[f"energy_gross_kcal_{end}"] == pytest.approx(
            factor**2 * b1[f"energy_gross_kcal_{end}"], rel=1e-9
        )


def test_backward_is_wider_than_forward_and_arrays_work() -> None:
    r = rc.estimate(
        speed_m_s=[3.0, 3.0],
        mass_kg=70,
        gait="run",
        direction=["forward", "backward"],
        duration_s=3600,
    )
    b = interval_columns(
        r, mass_kg=70, direction=np.array(["forward", "backward"]), duration_s=3600
    )
    rel = (b["energy_gross_kcal_upper"] - b["energy_gross_kcal_lower"]) / r.energy_gross_kcal
    assert rel[1] > rel[0]
    with pytest.raises(ValueError, match="level"):
        interval(4.0, 1.2, "lcda2019_walking", "walk", "forward", level=1.0)
