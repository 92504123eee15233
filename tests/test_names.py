"""The same names everywhere: one resolver for estimate() keywords, DataFrame columns and
the batch's file columns; did-you-mean for unknown names.

Unit conversions in the expectations are exact definitions written here (1 km/h = 1/3.6 m/s,
1 lb = 0.45359237 kg, 1 mi = 1609.344 m), not the library's functions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import retrocalc as rc
from retrocalc.nomenclature import ALIASES, INPUTS, counted, lookup, normalise, suggest

LB = 0.45359237
MILE = 1609.344


def energy(**kwargs: Any) -> float:
    return float(rc.estimate(**kwargs).energy_net_kcal)


@pytest.mark.parametrize(
    ("alias", "value", "canonical", "same"),
    [
        ("speed_kmh", 10.8, "speed_m_s", 3.0),
        ("speed_mph", 6.0, "speed_m_s", 6.0 * MILE / 3600),
        ("pace", "5:00/km", "speed_m_s", 1000 / 300),
        ("pace_min_mi", 8.0, "speed_m_s", MILE / 480),
        ("mass_lb", 154.0, "mass_kg", 154.0 * LB),
        ("duration", "1:02:03", "duration_s", 3723.0),
        ("duration", dt.timedelta(minutes=45, seconds=10), "duration_s", 2710.0),
        ("duration_min", 30.0, "duration_s", 1800.0),
        ("distance_km", 5.0, "distance_m", 5000.0),
        ("distance_mi", 2.0, "distance_m", 2 * MILE),
        ("grade_pct", 5.0, "grade", 0.05),
    ],
)
def test_aliases_are_estimate_keywords(alias: str, value: Any, canonical: str, same: float) -> None:
    base: dict[str, Any] = {"speed_m_s": 2.5, "mass_kg": 70.0, "duration_s": 600.0}
    base.pop(canonical, None)
    if canonical == "distance_m":
        base.pop("duration_s")  # distance instead of duration
    got = energy(**base, **{alias: value}, out_of_range="flag")
    want = energy(**base, **{canonical: same}, out_of_range="flag")
    assert got == pytest.approx(want, rel=1e-12)


def test_aliases_keep_the_input_kind() -> None:
    speeds = pd.Series([5.4, 10.8], index=["a", "b"])
    r = rc.estimate(speed_kmh=speeds, mass_kg=70.0)
    assert list(r.met.index) == ["a", "b"]
    r = rc.estimate(speed_kmh=[5.4, 10.8], mass_lb=[154.0, 176.0], duration=["30:00", "1:00:00"])
    assert isinstance(r.energy_net_kcal, np.ndarray)
    want = rc.estimate(
        speed_m_s=np.array([1.5, 3.0]), mass_kg=np.array([154.0, 176.0]) * LB,
        duration_s=np.array([1800.0, 3600.0]),
    )  # fmt: skip
    np.testing.assert_allclose(r.energy_net_kcal, want.energy_net_kcal)


def test_pace_unit_keyword_reads_pace_without_unit() -> None:
    assert energy(pace="5:00", pace_unit="km", mass_kg=70, duration_s=600) == pytest.approx(
        energy(speed_m_s=1000 / 300, mass_kg=70, duration_s=600)
    )
    with pytest.raises(ValueError, match="pace: pace '5:00' has no unit"):
        rc.estimate(pace="5:00", mass_kg=70)


@pytest.mark.parametrize(
    ("keyword", "suggestions"),
    [
        ("speed", "'speed_m_s' or 'speed_kmh' or 'speed_mph'"),
        ("weight_kg", "'mass_kg'"),
        ("incline", "'grade'"),
        ("massKg", "'mass_kg'"),
        ("time", "'duration'"),
    ],
)
def test_unknown_keywords_suggest_names(keyword: str, suggestions: str) -> None:
    kwargs: dict[str, Any] = {"speed_m_s": 1.4, "mass_kg": 70.0, keyword: 1.0}
    if keyword in ("speed", "weight_kg", "massKg"):
        kwargs.pop("speed_m_s" if keyword == "speed" else "mass_kg")
    with pytest.raises(TypeError, match=f"unexpected keyword argument '{keyword}'") as info:
        rc.estimate(**kwargs)
    assert f"did you mean {suggestions}" in str(info.value)


def test_an_input_given_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="speed_m_s is given twice"):
        rc.estimate(speed_m_s=1.4, speed_kmh=5.0, mass_kg=70)
    frame = pd.DataFrame({"speed_kmh": [5.0], "Pace": ["12:00/km"], "mass_kg": [70.0]})
    with pytest.raises(ValueError, match="'speed_kmh' and 'Pace' both give speed_m_s"):
        rc.estimate(frame)
    # the canonical column wins over the pace it was computed from
    kept = rc.estimate(frame.assign(speed_m_s=2.0).drop(columns="speed_kmh"))
    want = rc.estimate(speed_m_s=2.0, mass_kg=70.0)
    assert kept["met"].iloc[0] == pytest.approx(want.met)


def test_aliases_are_dataframe_columns_matched_like_headers() -> None:
    frame = pd.DataFrame(
        {
            "Speed KMH": [5.4, 10.8],
            "Mass_LB": [154.0, 154.0],
            "duration": ["30:00", "0:45:00"],
            "Grade-Pct": [0.0, 2.0],
            "note": ["x", "y"],
        },
        index=[10, 20],
    )
    out = rc.estimate(frame)
    want = rc.estimate(
        speed_m_s=pd.Series([1.5, 3.0], index=[10, 20]),
        mass_kg=154.0 * LB,
        duration_s=np.array([1800.0, 2700.0]),
        grade=np.array([0.0, 0.02]),
    )
    np.testing.assert_allclose(out["energy_net_kcal"], want.energy_net_kcal)
    assert list(out.columns[:5]) == list(frame.columns)  # the frame's columns untouched


def test_speed_from_distance_and_duration() -> None:
    r = rc.estimate(distance_km=10.0, duration="50:00", mass_kg=70)
    assert r.energy_net_kcal == pytest.approx(
        energy(speed_m_s=10000 / 3000, duration_s=3000, mass_kg=70)
    )
    frame = pd.DataFrame(
        {"distance_m": [1000.0, 1000.0], "duration_s": [500.0, 1000.0], "speed_m_s": 2.0},
        index=["ok", "stop"],
    )
    with pytest.raises(ValueError, match="at index 'stop'"):
        rc.estimate(frame, mass_kg=70)


def test_one_resolver_for_every_face() -> None:
    from retrocalc.batch import resolve_columns

    for name in [*INPUTS, *ALIASES]:
        if INPUTS.get(name) is not None and INPUTS[name].dtype == "str":
            continue
        found = lookup(name)
        assert found is not None
        header = [name.upper(), "mass_kg", "speed_m_s", "duration_s"]
        header = list(dict.fromkeys(header))
        canonical = found[0]
        if canonical in ("mass_kg", "speed_m_s", "duration_s") and found[1] is None:
            continue
        if canonical in ("mass_kg", "speed_m_s", "duration_s"):
            header.remove(canonical)
        plan = resolve_columns(header)
        assert plan[canonical].column == name.upper()


@given(
    st.sampled_from([*INPUTS, *ALIASES]),
    st.lists(st.sampled_from(["upper", "hyphen", "blank", "pad"]), max_size=4),
)
def test_name_variants_resolve_alike(name: str, changes: list[str]) -> None:
    variant = name
    for change in changes:
        if change == "upper":
            variant = variant.upper()
        elif change == "hyphen":
            variant = variant.replace("_", "-")
        elif change == "blank":
            variant = variant.replace("_", " ")
        else:
            variant = f"  {variant} "
    assert normalise(variant) == name
    assert lookup(variant) == lookup(name)


def test_suggestions_and_counts() -> None:
    assert "speed_m_s" not in suggest("speed_m_s")  # never the name itself
    assert suggest("zzz") == []
    assert counted(1, "row") == "1 row"
    assert counted(0, "row") == "0 rows"
    assert counted(1234, "row") == "1,234 rows"


def test_range_warning_says_one_row() -> None:
    with pytest.warns(rc.RangeWarning) as caught:
        rc.estimate(speed_m_s=[1.0, 1.2], mass_kg=70, grade=[0.0, 0.5], gait="walk")
    text = str(caught[0].message)
    assert "(1 row)" in text
    assert "1 rows" not in text


def test_timedelta_durations_in_frames() -> None:
    seconds = np.array([1800.0, 3600.0])
    want = rc.estimate(speed_m_s=np.array([2.0, 3.0]), mass_kg=70.0, duration_s=seconds)
    frame = pd.DataFrame(
        {"speed_m_s": [2.0, 3.0], "mass_kg": 70.0, "duration": pd.to_timedelta(seconds, "s")}
    )
    np.testing.assert_allclose(rc.estimate(frame)["energy_net_kcal"], want.energy_net_kcal)
    one = rc.estimate(speed_m_s=2.0, mass_kg=70.0, duration=dt.timedelta(minutes=30))
    assert one.energy_net_kcal == pytest.approx(want.energy_net_kcal[0])
    pl = pytest.importorskip("polars")
    pytest.importorskip("narwhals")
    frame_pl = pl.DataFrame(
        {
            "speed_m_s": [2.0, 3.0],
            "mass_kg": [70.0, 70.0],
            "duration": [dt.timedelta(seconds=1800), dt.timedelta(seconds=3600)],
        }
    )
    got = rc.estimate(frame_pl)["energy_net_kcal"].to_numpy()
    np.testing.assert_allclose(got, want.energy_net_kcal)


def test_an_alias_reads_numbers_as_every_input_does() -> None:
    # text in a unit alias was parsed from a list ("5" km/h) and failed inside pandas for a
    # column ("operation 'truediv' not supported for dtype 'str'"): now named as for speed_m_s
    with pytest.raises(TypeError, match=r"^speed_kmh must be numeric; got '5' at index 0$"):
        rc.estimate(speed_kmh=["5", "6"], mass_kg=70.0)
    with pytest.raises(TypeError, match=r"^mass_lb must be numeric; got 'x' at index 1$"):
        rc.estimate(pd.DataFrame({"mass_lb": [150.0, "x"], "speed_m_s": 1.4}))
    with pytest.raises(TypeError, match=r"speed_kmh must be numeric; got '5' at index 0"):
        rc.estimate(speed_kmh=pd.Series(["5", None], dtype="string"), mass_kg=70.0)
    # None and pd.NA in an object column are missing values, the rest numbers: 18 km/h is 5 m/s
    speeds = pd.Series([18.0, None, pd.NA], dtype=object, index=list("abc"))
    out = rc.estimate(speed_kmh=speeds, mass_kg=70.0, out_of_range="flag")
    plain = rc.estimate(
        speed_m_s=np.array([5.0, np.nan, np.nan]), mass_kg=70.0, out_of_range="flag"
    )
    assert out.power_gross_w.dtype == np.float64
    np.testing.assert_array_equal(out.power_gross_w.to_numpy(), plain.power_gross_w)
