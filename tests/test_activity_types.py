"""Export activity types to gait and direction: the table, matching, kinds, unknown types."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrocalc import activity_types as at
from retrocalc.activity_types import activity_gait

# Names as the exports write them (Garmin Connect's CSV "Activity Type" column, its API type
# keys, Strava's sport types), with the gait a person doing them uses.
EXPORT_NAMES = [
    ("Running", "run", "forward"),
    ("Trail Running", "run", "forward"),
    ("Treadmill Running", "run", "forward"),
    ("Track Running", "run", "forward"),
    ("trail_running", "run", "forward"),
    ("treadmill_running", "run", "forward"),
    ("Walking", "walk", "forward"),
    ("Hiking", "walk", "forward"),
    ("Indoor Walking", "walk", "forward"),
    ("speed_walking", "walk", "forward"),
    ("Run", "run", "forward"),
    ("TrailRun", "run", "forward"),
    ("VirtualRun", "run", "forward"),
    ("Walk", "walk", "forward"),
    ("Hike", "walk", "forward"),
    ("HKWorkoutActivityTypeRunning", "run", "forward"),
    ("Backward Running", "run", "backward"),
    ("Retro Walking", "walk", "backward"),
    ("backwards treadmill running", "run", "backward"),
    ("Retro-Run", "run", "backward"),
    ("reverse walk", "walk", "backward"),
]


@pytest.mark.parametrize(("name", "gait", "direction"), EXPORT_NAMES)
def test_export_names(name: str, gait: str, direction: str) -> None:
    assert activity_gait(name) == (gait, direction, "")


@pytest.mark.parametrize("spelling", ["TRAIL RUNNING", "  trail running ", "Trail-Running"])
def test_case_and_separators_do_not_matter(spelling: str) -> None:
    assert activity_gait(spelling) == ("run", "forward", "")


def test_every_table_row_maps_to_itself() -> None:
    for row in at.ACTIVITY_TYPES:
        assert activity_gait(row.name) == (row.gait, row.direction, ""), row.name
        assert row.gait in ("walk", "run")
        assert row.direction in ("forward", "backward")
        # the direction is stated in the name exactly when it is backward
        says_backward = any(w in row.name.lower() for w in at.BACKWARD_WORDS)
        assert says_backward == (row.direction == "backward"), row.name


def test_table_names_do_not_collide() -> None:
    keys = [at.normalise(row.name) for row in at.ACTIVITY_TYPES]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("name", ["Cycling", "Swim", "Strength Training", "Yoga", "Running2"])
def test_unknown_types_are_missing_with_a_reason(name: str) -> None:
    gait, direction, reason = activity_gait(name)
    assert gait is None
    assert direction is None
    assert repr(name) in reason
    assert "activity_map" in reason


def test_on_foot_but_not_modelled_says_why() -> None:
    gait, _, reason = activity_gait("Nordic Walking")
    assert gait is None
    assert "poles" in reason
    assert activity_gait("Elliptical").gait is None


@pytest.mark.parametrize("missing", [None, float("nan"), "", "  ", "NaN", "n/a"])
def test_missing_type(missing: object) -> None:
    assert activity_gait(missing) == (None, None, "no activity type")


def test_array_keeps_shape_and_order() -> None:
    types = np.array([["Run", "Cycling"], ["Hike", "Backward Running"]])
    out = activity_gait(types)
    assert out.gait.shape == (2, 2)
    assert out.gait.tolist() == [["run", None], ["walk", "run"]]
    assert out.direction.tolist() == [["forward", None], ["forward", "backward"]]
    assert out.reason[0, 1].startswith("activity type 'Cycling'")
    assert out.reason[1, 1] == ""


def test_series_keeps_index() -> None:
    s = pd.Series(["Walking", None, "Trail Running"], index=[10, 20, 30], name="Activity Type")
    out = activity_gait(s)
    for part in out:
        assert isinstance(part, pd.Series)
        assert part.index.equals(s.index)
    assert out.gait[30] == "run"
    assert out.reason[20] == "no activity type"
    assert pd.isna(out.gait[20])


def test_empty() -> None:
    out = activity_gait([])
    assert out.gait.shape == (0,)


def test_activity_map_adds_and_overrides() -> None:
    mapping = {"Fartlek": "run", "Hiking": ("walk", "backward"), "RETRO T": {"gait": "Run"}}
    out = activity_gait(["fartlek", "Hiking", "retro-t", "Walking"], activity_map=mapping)
    assert out.gait.tolist() == ["run", "walk", "run", "walk"]
    assert out.direction.tolist() == ["forward", "backward", "forward", "forward"]


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"x": "jog"}, r"activity_map\['x'\]: gait must be 'walk' or 'run', got 'jog'"),
        ({"x": ("run", "sideways")}, r"direction must be 'forward' or 'backward'"),
        ({"x": 3}, r"must be a gait"),
        ({"--": "run"}, r"without letters or digits"),
    ],
)
def test_bad_activity_map(mapping: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        activity_gait("Run", activity_map=mapping)


def test_each_distinct_type_is_looked_up_once(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    lookup = at._lookup

    def counting(text: str, table: object) -> object:
        seen.append(text)
        return lookup(text, table)  # type: ignore[arg-type]

    monkeypatch.setattr(at, "_lookup", counting)
    types = np.array(["Run", "Walk", "Cycling"] * 10_000)
    out = activity_gait(types)
    assert sorted(seen) == ["Cycling", "Run", "Walk"]
    assert (out.gait[::3] == "run").all()


@given(st.lists(st.sampled_from([r.name for r in at.ACTIVITY_TYPES] + ["Bike", ""]), max_size=30))
def test_vectorised_equals_one_by_one(names: list[str]) -> None:
    out = activity_gait(names)
    for i, name in enumerate(names):
        assert (out.gait[i], out.direction[i], out.reason[i]) == tuple(activity_gait(name))
