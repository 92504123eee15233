"""speed_for and equivalent_speed: published closed forms, round trips both ways, no-answer rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy.optimize import brentq

import retrocalc as rc
from retrocalc.inverse import InverseResult, NoSolutionWarning, equivalent_speed, speed_for

# Minetti et al. (2002) running polynomial, typed from the paper's Fig. 1 caption [J/kg/m]
_MINETTI_RUN = (155.4, -30.4, -43.3, 46.3, 19.5, 3.6)


def minetti_run(i: float) -> float:
    return float(np.polyval(_MINETTI_RUN, i))


# every base model with a gait and a point inside its validity ranges
CASES = [
    ("acsm_running", "run", 3.0, 0.05),
    ("acsm_walking", "walk", 1.3, 0.05),
    ("minetti2002_running", "run", 3.0, -0.1),
    ("minetti2002_walking", "walk", 1.2, 0.1),
    ("leger1984_treadmill", "run", 3.5, 0.0),
    ("leger1984_track", "run", 3.5, 0.0),
    ("lcda2019_walking", "walk", 1.4, -0.05),
    ("pandolf1977", "walk", 1.3, 0.05),
    ("pandolf1977_santee", "walk", 1.3, -0.05),
]


def test_acsm_running_vo2_example() -> None:
    # ACSM running: 3.5 + 0.2 x 180 m/min = 39.5 ml/kg/min at 3.0 m/s, level
    v = speed_for(39.5, quantity="vo2_gross_ml_kg_min", mass_kg=70, gait="run")
    assert v == pytest.approx(3.0, abs=1e-12)


def test_acsm_closed_form_matches_an_independent_root() -> None:
    target = 900.0  # W
    v = speed_for(target, mass_kg=70, gait="run", grade=0.04)

    def f(s: float) -> float:
        r = rc.estimate(speed_m_s=s, mass_kg=70, gait="run", grade=0.04, out_of_range="flag")
        return float(r.power_gross_w) - target

    assert v == pytest.approx(brentq(f, 0.5, 8.0, xtol=1e-13), abs=1e-9)


@pytest.mark.parametrize(("model", "gait", "speed", "grade"), CASES)
@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_every_solver_round_trips(
    model: str, gait: str, speed: float, grade: float, direction: str
) -> None:
    r = rc.estimate(
        speed_m_s=speed,
        mass_kg=70,
        grade=grade,
        gait=gait,
        direction=direction,
        model=model,
        out_of_range="flag",
    )
    for quantity, value in (
        ("power_gross_w", r.power_gross_w),
        ("power_net_w", r.power_net_w),
        ("met", r.met),
        ("kcal_per_h", r.power_gross_w * 3.6 / 4.184),
    ):
        v = speed_for(
            value,
            quantity=quantity,
            mass_kg=70,
            grade=grade,
            gait=gait,
            direction=direction,
            model=model,
            within_range=False,
        )
        assert v == pytest.approx(speed, abs=1e-7), quantity


@given(
    speed=st.floats(2.3, 6.0),
    grade=st.floats(-0.3, 0.3),
    mass=st.floats(45, 120),
    backward=st.booleans(),
)
def test_round_trip_speed_to_energy_to_speed(
    speed: float, grade: float, mass: float, backward: bool
) -> None:
    direction = "backward" if backward else "forward"
    e = rc.estimate(
        speed_m_s=speed,
        mass_kg=mass,
        grade=grade,
        gait="run",
        direction=direction,
        duration_s=1800,
        out_of_range="flag",
    ).energy_gross_kcal
    v = speed_for(
        e,
        quantity="energy_gross_kcal",
        duration_s=1800,
        mass_kg=mass,
        grade=grade,
        gait="run",
        direction=direction,
        within_range=False,
    )
    assert v == pytest.approx(speed, abs=1e-7)


@given(target=st.floats(200, 600), grade=st.floats(-0.2, 0.2))
def test_round_trip_target_to_speed_to_target_walking(target: float, grade: float) -> None:
    # LCDA has no closed form: the bracketed root
    res = speed_for(
        target,
        quantity="power_gross_w",
        mass_kg=70,
        grade=grade,
        gait="walk",
        full_output=True,
    )
    if res.status == "ok":
        back = rc.estimate(speed_m_s=res.speed_m_s, mass_kg=70, grade=grade, gait="walk")
        assert back.power_gross_w == pytest.approx(target, rel=1e-8)
    else:  # no valid speed reaches it: the target lies outside the cost at 0 or 1.96 m/s
        lo, hi = (
            rc.estimate(speed_m_s=s, mass_kg=70, grade=grade, gait="walk").power_gross_w
            for s in (0.0, 1.96)
        )
        assert not lo <= target <= hi


def test_unreachable_targets_are_nan_with_a_reason() -> None:
    with pytest.warns(NoSolutionWarning, match="index 1"):
        v = speed_for([300.0, 5000.0], mass_kg=70, gait="walk")
    assert np.isfinite(v[0])
    assert np.isnan(v[1])
    res = speed_for([300.0, 5000.0, 10.0], mass_kg=70, gait="walk", full_output=True)
    assert list(res.status) == ["ok", "above_range", "below_range"]
    assert "1.96" in res.reason[1]
    assert res.reason[0] == ""


def test_kinds_are_preserved() -> None:
    assert isinstance(speed_for(10.0, quantity="met", mass_kg=70), float)
    arr = speed_for(np.array([8.0, 10.0]), quantity="met", mass_kg=70)
    assert isinstance(arr, np.ndarray)
    s = pd.Series([8.0, 10.0], index=["a", "b"])
    out = speed_for(s, quantity="met", mass_kg=70)
    assert isinstance(out, pd.Series)
    assert list(out.index) == ["a", "b"]
    res = speed_for(s, quantity="met", mass_kg=70, full_output=True)
    assert isinstance(res, InverseResult)
    assert isinstance(res.status, pd.Series)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="quantity must be one of"):
        speed_for(1.0, quantity="watts", mass_kg=70)
    with pytest.raises(TypeError, match="needs duration_s"):
        speed_for(100.0, quantity="energy_gross_kcal", mass_kg=70)
    with pytest.raises(ValueError, match="gait must be one of"):
        speed_for(100.0, mass_kg=70, gait="auto")


def test_a_negative_duration_is_impossible_as_in_estimate() -> None:
    # it was answered below_range (a negative energy rate), as if a speed might be slower
    with pytest.raises(ValueError, match=r"duration_s must be >= 0 .* got -1 at index 1$"):
        speed_for([100.0, 100.0], quantity="energy_gross_kcal", duration_s=[60.0, -1.0], mass_kg=70)


def test_a_bad_model_is_said_where_the_caller_put_it() -> None:
    # the solver's flat rows were named: "at index 0" for one value, numbers for a Series
    with pytest.raises(ValueError, match=r"got 'nonexistent' at the scalar input$"):
        speed_for(600.0, quantity="kcal_per_h", mass_kg=70, model="nonexistent")
    with pytest.raises(ValueError, match=r"gait is 'run' at the scalar input$"):
        speed_for(600.0, quantity="kcal_per_h", mass_kg=70, model="acsm_walking", gait="run")
    models = pd.Series(["acsm_running", "x"], index=["a", "b"])
    with pytest.raises(ValueError, match=r"got 'x' at index 'b'$"):
        speed_for(600.0, quantity="kcal_per_h", mass_kg=70, model=models)


def test_a_negative_target_is_a_value_error_naming_it() -> None:
    # it was answered "below_range", as if a slower speed might have reached it
    with pytest.raises(ValueError, match=r"target must be >= 0 .* got -5 at the scalar input"):
        speed_for(-5.0, quantity="kcal_per_h", mass_kg=70)
    with pytest.raises(ValueError, match=r"got -3 at index 'c'"):
        speed_for(pd.Series([600.0, np.nan, -3.0], index=list("abc")), mass_kg=70)
    # a missing target stays a row's answer, "invalid"
    res = speed_for([600.0, np.nan], quantity="kcal_per_h", mass_kg=70, full_output=True)
    assert list(res.status) == ["ok", "invalid"]


def test_an_equivalent_of_a_negative_power_is_still_a_row_answer() -> None:
    # ACSM running extrapolated down 50 %: 0.2 v + 0.9 v (-0.5) < -3.5 ml/kg/min at 3 m/s
    # (180 m/min): a negative gross power, computed, not the caller's target
    res = equivalent_speed(
        [1.0, 3.0], grade=-0.5, model="acsm_running", full_output=True, mass_kg=70.0
    )
    assert list(res.status) == ["below_range", "below_range"]


@given(speed=st.floats(2.3, 4.5), grade=st.floats(0.0, 0.10))
def test_acsm_gap_is_the_published_linear_form(speed: float, grade: float) -> None:
    # ACSM: 0.2 S = 0.2 S' + 0.9 S' G  =>  S = S' (1 + 4.5 G) on the level (the running
    # default is ACSM uphill), inside ACSM's speeds (<= 5 m/s)
    assume(speed * (1 + 4.5 * grade) <= 5.0)
    assert equivalent_speed(speed, grade=grade) == pytest.approx(speed * (1 + 4.5 * grade))


@given(speed=st.floats(1.0, 3.0), grade=st.floats(-0.4, 0.25))
def test_minetti_gap_is_the_cost_ratio(speed: float, grade: float) -> None:
    # same power: C(i) v = C(0) v0, rest cancels
    gap = equivalent_speed(speed, grade=grade, model="minetti2002_running", within_range=False)
    # speeds come back rounded to 1e-9 m/s (documented): a small gap can be off by 5e-10 m/s,
    # more than rel=1e-9 of it
    want = speed * minetti_run(grade) / minetti_run(0.0)
    assert gap == pytest.approx(want, rel=1e-9, abs=1e-9)


@given(speed=st.floats(2.3, 4.0), grade=st.floats(0.0, 0.2), walk=st.booleans())
def test_backward_equivalent_round_trips(speed: float, grade: float, walk: bool) -> None:
    gait = "walk" if walk else "run"
    speed = speed / 2.5 if walk else speed
    kw = {"gait": gait, "within_range": False}
    back = equivalent_speed(speed, grade=grade, to_grade=grade, to_direction="backward", **kw)
    fwd = equivalent_speed(
        back, grade=grade, direction="backward", to_grade=grade, to_direction="forward", **kw
    )
    assert back < speed  # backward costs more: the same cost comes at a lower speed
    assert fwd == pytest.approx(speed, abs=1e-7)


def test_a_flagged_speed_names_the_range_it_leaves() -> None:
    # the reason named only the base model ("outside a validity range of
    # acsm_minetti_running") where the speed found leaves the backward model's range
    low, high = rc.models.get_model("backward_running").ranges["speed_m_s"]
    # ACSM running gross VO2 = 3.5 + 0.2 S (S in m/min), backward net x 1.35 (an independent
    # solve, at 5 kcal per litre O2, for a speed above the backward range)
    speed = high + 0.5
    vo2 = 3.5 + 0.2 * speed * 60 * 1.35
    kcal_h = vo2 * 70 * 60 / 1000 * 5
    r = rc.speed_for(
        kcal_h, quantity="kcal_per_h", mass_kg=70, gait="run", direction="backward",
        full_output=True,
    )  # fmt: skip
    assert r.speed_m_s == pytest.approx(speed)
    assert (r.status, bool(r.in_range)) == ("out_of_range", False)
    assert r.reason == (
        f"speed_m_s outside [{low:.4g}, {high:.4g}] of backward_running (computed and flagged)"
    )
    inside = rc.speed_for(
        (3.5 + 0.2 * 3.0 * 60 * 1.35) * 70 * 60 / 1000 * 5, quantity="kcal_per_h", mass_kg=70,
        gait="run", direction="backward", full_output=True,
    )  # fmt: skip
    assert (inside.status, inside.reason) == ("ok", "")


@pytest.mark.parametrize(
    ("speed", "gait", "grade"), [(3.0, "run", 0.0), (1.2, "walk", 0.0), (2.7, "run", 0.05)]
)
def test_a_round_trip_gives_back_the_speed_it_started_from(
    speed: float, gait: str, grade: float
) -> None:
    # the same conditions on both sides: 2.999999999999999 (closed form) and
    # 1.2000000000558797 (bisection) came back; speeds are given to the solver's 1e-9 m/s
    assert equivalent_speed(speed, gait=gait, grade=grade, to_grade=grade) == speed
