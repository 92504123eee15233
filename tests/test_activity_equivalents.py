"""The activity code's array replicas of pandas operations give pandas' own bits.

Some pandas calls cost more in their Index and Series objects than in their arithmetic
(0.1-0.4 ms each on a 3,600-sample recording); the activity code does the same arithmetic on
the arrays. Each replica is checked here against the pandas expression it replaces.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrocalc.activity.read import elapsed_seconds, seconds_since

_NAT = np.iinfo(np.int64).min


def _index(ticks: list[int], unit: str) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(np.array(ticks, dtype=np.int64).view(f"M8[{unit}]")).tz_localize("UTC")


def _pandas_elapsed(index: pd.DatetimeIndex) -> np.ndarray:
    timed = index[np.asarray(index.notna())]
    if not len(timed):
        return np.full(len(index), np.nan)
    return (index - timed[0]).total_seconds().to_numpy(np.float64)


@settings(max_examples=300, deadline=None)
@given(
    unit=st.sampled_from(["s", "ms", "us", "ns"]),
    base=st.integers(-(2**58), 2**58),
    steps=st.lists(st.one_of(st.integers(-(2**56), 2**56), st.none()), min_size=1, max_size=30),
)
def test_elapsed_seconds_is_total_seconds(unit: str, base: int, steps: list[int | None]) -> None:
    ticks = [_NAT if s is None else base + s for s in steps]
    index = _index(ticks, unit)
    try:
        expected = _pandas_elapsed(index)
    except (OverflowError, pd.errors.OutOfBoundsDatetime, pd.errors.OutOfBoundsTimedelta):
        return
    got = elapsed_seconds(index)
    assert got.dtype == np.float64
    assert got.tobytes() == expected.tobytes()


@pytest.mark.parametrize("units", [("us", "us"), ("ns", "us"), ("us", "ns"), ("s", "us")])
def test_seconds_since_another_index(units: tuple[str, str]) -> None:
    rng = np.random.default_rng(1)
    start = _index(list(1_700_000_000 * 10**6 + rng.integers(-(10**12), 10**12, 20)), "us")
    start = start.as_unit(units[0])
    time = _index([_NAT, *(1_700_000_000 * 10**6 + rng.integers(0, 10**9, 30))], "us")
    time = time.as_unit(units[1])
    timed = np.flatnonzero(~np.isnat(time.to_numpy("datetime64[ns]")))
    expected = np.asarray((start - time[timed[0]]).total_seconds(), dtype=np.float64)
    got = seconds_since(start, time)
    assert got is not None
    assert got.tobytes() == expected.tobytes()
    assert seconds_since(start, _index([_NAT, _NAT], "us")) is None


def test_frame_is_the_constructors_table() -> None:
    from retrocalc.activity._table import frame

    rng = np.random.default_rng(2)
    n = 50
    columns = {
        "time": pd.DatetimeIndex(rng.integers(0, 10**15, n).view("M8[us]"))
        .tz_localize("UTC")
        .array,
        "x": rng.normal(size=n),
        "strided": rng.normal(size=(n, 3))[:, 1],
        "k": rng.integers(0, 9, n),
        "ok": rng.random(n) > 0.5,
        "state": pd.Categorical.from_codes(rng.integers(0, 3, n), categories=["a", "b", "c"]),
        "text": pd.Series(np.array(["run", "walk"], dtype=object)).array.take(
            rng.integers(0, 2, n)
        ),
        "y": rng.normal(size=n),
        "k2": rng.integers(0, 9, n),
    }
    for index in (None, pd.RangeIndex(n), pd.Index(np.arange(n) * 2)):
        expected = pd.DataFrame(columns, index=index)
        got = frame(columns, index)
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
        assert list(got.dtypes) == list(expected.dtypes)
        assert got.columns.equals(expected.columns)
        assert got.columns.dtype == expected.columns.dtype
    # the table holds copies of the numbers
    got = frame(columns)
    got.loc[0, "x"] = 99.0
    assert columns["x"][0] != 99.0
    # anything else: the constructor's own table, or its error
    mixed = {"a": np.array(["x", None] * 5, dtype=object), "b": np.arange(10.0)}
    pd.testing.assert_frame_equal(frame(mixed), pd.DataFrame(mixed))
    with pytest.raises(ValueError, match="same length"):
        frame({"a": np.arange(3.0), "b": np.arange(4.0)})
    assert frame({}).shape == pd.DataFrame({}).shape


def test_frame_tables_do_not_share_their_column_labels() -> None:
    # labels are cached per set of names: naming one table's columns (in place, as
    # ``df.columns.name = ...`` does) must not name another's
    from retrocalc.activity._table import frame

    first = frame({"x": np.arange(3.0), "k": np.arange(3)})
    second = frame({"x": np.arange(3.0), "k": np.arange(3)})
    first.columns.name = "named"
    assert second.columns.name is None
    assert frame({"x": np.arange(2.0), "k": np.arange(2)}).columns.name is None
