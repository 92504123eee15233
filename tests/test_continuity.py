"""The default models must be continuous across grade 0 (issue 11): streams cross it often.

Property: where the default changes model inside the valid ranges, the energy on either side
of the switch differs by no more than 1 %. Today the running default steps from ACSM to
Minetti by ~14 % and loaded walking by ~7 % (Santee); the lead flips this test when the
defaults are continuous.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import retrocalc as rc

EPS = 1e-6


@pytest.mark.xfail(strict=True, reason="defaults not yet continuous")
@given(
    speed=st.floats(2.3, 5.0),
    gait=st.sampled_from(["walk", "run"]),
    load=st.sampled_from([0.0, 20.0]),
)
def test_no_step_larger_than_one_percent_across_grade_zero(
    speed: float, gait: str, load: float
) -> None:
    if gait == "walk":
        speed = min(speed, 1.9)
    kw = {"speed_m_s": speed, "mass_kg": 70.0, "duration_s": 60.0, "gait": gait,
          "out_of_range": "flag"}  # fmt: skip
    if load:
        kw["load_kg"] = load
    up = rc.estimate(grade=EPS, **kw).energy_gross_kcal
    down = rc.estimate(grade=-EPS, **kw).energy_gross_kcal
    assert abs(up / down - 1) <= 0.01
