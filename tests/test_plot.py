"""retrocalc.plot: every function returns its Axes, labels carry units, validity is visible."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

mpl = pytest.importorskip("matplotlib")
mpl.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

import retrocalc as rc  # noqa: E402
from retrocalc import plot  # noqa: E402
from retrocalc.data import example_path  # noqa: E402

MINETTI_RUN = {
    "x": [-0.45, -0.2, 0.0, 0.45],
    "y": [3.92, 1.73, 3.40, 18.93],
    "yerr": [0.81, 0.36, 0.24, 1.74],
    "label": "Minetti et al. 2002",
}


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture
def workouts() -> pd.DataFrame:
    return pd.read_csv(example_path())


PLOTS: dict[str, Callable[..., Axes]] = {
    "vs_speed": plot.vs_speed,
    "vs_grade": plot.vs_grade,
    "ratio_vs_speed": plot.ratio_vs_speed,
    "ratio_vs_grade": plot.ratio_vs_grade,
    "compare_models": plot.compare_models,
}


def _lines(ax: Axes) -> list[Any]:
    """Drawn lines (not the empty legend proxies)."""
    return [line for line in ax.get_lines() if len(line.get_xdata())]


def _has_unit(label: str) -> bool:
    return re.search(r"\[[^\]]+\]", label) is not None


@pytest.mark.parametrize("name", PLOTS)
def test_returns_axes_with_units(name: str) -> None:
    ax = PLOTS[name]()
    assert isinstance(ax, Axes)
    assert _has_unit(ax.get_xlabel())
    assert _has_unit(ax.get_ylabel())
    assert ax.get_legend() is not None


@pytest.mark.parametrize("name", PLOTS)
def test_draws_on_the_given_axes(name: str) -> None:
    fig, ax = plt.subplots()
    assert PLOTS[name](ax=ax) is ax
    assert _lines(ax)
    assert plt.get_fignums() == [fig.number]  # no new figure


@pytest.mark.parametrize("name", PLOTS)
def test_validity_visible(name: str) -> None:
    ax = PLOTS[name]()
    styles = {line.get_linestyle() for line in _lines(ax)}
    assert "-" in styles  # inside the validity ranges
    assert "--" in styles  # outside: extrapolated
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "in validity range" in legend
    assert "outside: extrapolated" in legend


def test_solid_exactly_inside_the_range() -> None:
    ax = plot.vs_speed(gaits=["run"], directions=["backward"])
    solid = [line for line in _lines(ax) if line.get_linestyle() == "-"]
    assert len(solid) == 1
    x = solid[0].get_xdata()
    assert x.min() == pytest.approx(1.75)  # Wright & Weyand's lowest speed
    assert x.max() == pytest.approx(3.5)  # and highest


def test_running_default_is_one_curve_across_level() -> None:
    # one running model over every grade (continuity): its valid stretch crosses 0 %
    ax = plot.vs_grade(gaits=["run"], directions=["forward"])
    solid = [np.asarray(ln.get_xdata()) for ln in _lines(ax) if ln.get_linestyle() == "-"]
    assert any(x.min() < 0 < x.max() for x in solid)


def test_explicit_grids_and_options() -> None:
    ax = plot.vs_speed(
        "energy_net_kcal",
        gaits=["walk"],
        directions=["forward"],
        speed_m_s=[1.0, 1.5, 1.2],
        duration_s=1800,
        load_kg=10.0,
    )
    assert ax.get_ylabel() == "Net energy per 30 min [kcal]"
    assert list(_lines(ax)[0].get_xdata()) == [1.0, 1.2, 1.5]
    ax = plot.vs_grade(
        "met", gaits=["run"], directions=["forward"], speed_m_s={"run": 2.5}, grade=[0, 0.1]
    )
    assert ax.get_ylabel() == "Metabolic equivalents [MET]"
    assert list(_lines(ax)[0].get_xdata()) == [0.0, 10.0]  # percent
    ax = plot.vs_grade(speed_m_s=1.5, gaits=["walk"], directions=["forward"])
    assert "1.5 m/s" in ax.get_legend().get_texts()[0].get_text()


def test_y_axis_not_dragged_below_zero_by_extrapolation() -> None:
    # ACSM walking extrapolated downhill goes negative; the axis stays at 0
    ax = plot.compare_models("walk", models=["acsm_walking", "lcda2019_walking"])
    assert ax.get_ylim()[0] == 0.0


def test_ratio_net_is_the_factor() -> None:
    ax = plot.ratio_vs_speed(gaits=["run"], basis="net")
    solid = [line for line in _lines(ax) if line.get_linestyle() == "-"]
    np.testing.assert_allclose(solid[0].get_ydata(), 1.35)
    assert "net" in ax.get_ylabel()
    ax = plot.ratio_vs_grade(gaits=["walk"], basis="net", speed_m_s={"walk": 1.2})
    solid = [line for line in _lines(ax) if line.get_linestyle() == "-"]
    np.testing.assert_allclose(solid[0].get_ydata(), 1.5)
    with pytest.raises(ValueError, match="basis"):
        plot.ratio_vs_speed(basis="total")  # type: ignore[arg-type]


def test_compare_models_with_measured_points() -> None:
    ax = plot.compare_models("run", measured=MINETTI_RUN)
    assert len(ax.containers) == 1  # the error bars
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Minetti et al. 2002" in labels
    assert {"acsm_running", "minetti2002_running", "leger1984_track"} <= set(labels)
    # Léger & Mercier do not take a grade: only their level point, as a marker
    markers = [line for line in _lines(ax) if line.get_markerfacecolor() == "none"]
    assert markers
    assert all(list(line.get_xdata()) == [0.0] for line in markers)


def test_compare_models_against_speed_and_several_point_sets() -> None:
    unlabelled = pd.DataFrame({"x": [3.0], "y": [40.0]})
    ax = plot.compare_models(
        "run",
        x="speed_m_s",
        quantity="vo2_gross_ml_kg_min",
        models=["acsm_running", "leger1984_treadmill"],
        measured=[unlabelled, {"x": [2.5], "y": [35.0], "label": "b"}],
    )
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"measured", "b"} <= set(labels)
    assert len(ax.containers) == 2
    assert ax.get_ylabel() == "Gross oxygen uptake [ml/kg/min]"


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="quantity must be one of"):
        plot.vs_speed("gait_used")
    with pytest.raises(ValueError, match="x must be"):
        plot.compare_models(x="load_kg")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="energy column"):
        plot.workout_breakdown(pd.DataFrame(), energy="power_net_w")


def test_breakdown_totals(workouts: pd.DataFrame) -> None:
    done = rc.estimate(workouts, out_of_range="flag")
    ax = plot.workout_breakdown(done)
    widths = sum(p.get_width() for p in ax.patches)
    assert widths == pytest.approx(done["energy_net_kcal"].sum())
    assert _has_unit(ax.get_xlabel())
    assert sorted(t.get_text() for t in ax.get_yticklabels()) == [
        "backward run",
        "backward walk",
        "forward run",
        "forward walk",
    ]
    assert len(ax.get_legend().get_texts()) == len(plot.GRADE_BANDS)


def test_breakdown_estimates_when_needed(workouts: pd.DataFrame) -> None:
    _fig, ax = plt.subplots()
    frame = workouts.drop(columns=["grade", "direction"])
    out = plot.workout_breakdown(frame, energy="energy_gross_kj", ax=ax, out_of_range="flag")
    assert out is ax
    assert "[kJ]" in ax.get_xlabel()
    expected = rc.estimate(frame, out_of_range="flag")["energy_gross_kj"].sum()
    assert sum(p.get_width() for p in ax.patches) == pytest.approx(expected)


def test_breakdown_of_nothing() -> None:
    frame = pd.DataFrame({"energy_net_kcal": [], "gait_used": []})
    ax = plot.workout_breakdown(frame)
    assert ax.get_xlim() == (0.0, 1.0)


def test_axis_label() -> None:
    assert plot.axis_label("power_net_w") == "Net metabolic power [W]"
    assert plot.axis_label("energy_gross_kcal") == "Gross energy over the bout [kcal]"
    assert plot.axis_label("energy_gross_kcal", 3600) == "Gross energy per 60 min [kcal]"


def test_lazy_attribute_and_light_import() -> None:
    code = (
        "import sys, retrocalc as rc\n"
        "assert 'matplotlib' not in sys.modules and 'pandas' not in sys.modules\n"
        "assert rc.plot.vs_speed is not None\n"
        "assert 'matplotlib' in sys.modules\n"
        "try:\n"
        "    rc.no_such_thing\n"
        "except AttributeError as e:\n"
        "    assert 'no_such_thing' in str(e)\n"
        "else:\n"
        "    raise SystemExit('no AttributeError')\n"
    )
    subprocess.run(
        [sys.executable, "-c", code], check=True, env={**os.environ, "MPLBACKEND": "Agg"}
    )


def test_missing_matplotlib_names_the_extra() -> None:
    code = (
        "import sys\n"
        "sys.modules['matplotlib'] = None\n"
        "try:\n"
        "    import retrocalc.plot\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert "pip install 'retrocalc[plot]'" in out.stdout


def test_two_plots_on_one_axes() -> None:
    # gross and net ratios together: one km/h axis, a neutral label, explanations once and last
    ax = plot.ratio_vs_speed(basis="gross")
    assert plot.ratio_vs_speed(basis="net", ax=ax) is ax
    assert len(ax.child_axes) == 1
    assert ax.get_ylabel() == "Backward / forward metabolic rate [1]"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[-2:] == ["in validity range", "outside: extrapolated"]
    assert labels.count("in validity range") == 1
    assert "run, net" in labels
    assert "run, gross" in labels


def test_module_getattr_in_process() -> None:
    assert rc.__getattr__("plot") is plot
    with pytest.raises(AttributeError, match="no_such_thing"):
        rc.__getattr__("no_such_thing")


def _solid_and_dashed(ax: Axes) -> tuple[list[Any], list[Any]]:
    # curves only: not the vertical line marking grade 0
    lines = [ln for ln in _lines(ax) if np.ptp(np.asarray(ln.get_xdata(), dtype=float)) > 0]
    return (
        [ln for ln in lines if ln.get_linestyle() == "-"],
        [ln for ln in lines if ln.get_linestyle() == "--"],
    )


def test_dashed_beyond_a_finite_upper_speed() -> None:
    # the running default's speeds: ACSM's 80 m/min to 5.0 m/s
    ax = plot.vs_speed(gaits=["run"], directions=["forward"], grade=0.05)
    solid, dashed = _solid_and_dashed(ax)
    assert len(solid) == 1
    x = solid[0].get_xdata()
    assert x.min() == 80 / 60  # the bounds themselves are grid points, not rounded
    assert x.max() == 5.0
    above = [ln for ln in dashed if max(ln.get_xdata()) > 5.0]
    assert len(above) == 1
    assert min(above[0].get_xdata()) == 5.0  # continuous with the solid part
    assert max(above[0].get_xdata()) == pytest.approx(plot.SPEED_GRID["run"][1])


def test_dashed_beyond_a_finite_upper_grade() -> None:
    # the running default's grades: Minetti's -45 % to ACSM's +10 %
    ax = plot.vs_grade(gaits=["run"], directions=["forward"])
    solid, dashed = _solid_and_dashed(ax)
    assert len(solid) == 1
    assert min(solid[0].get_xdata()) == pytest.approx(-45.0)
    assert max(solid[0].get_xdata()) == pytest.approx(10.0)  # percent on the axis
    steep = [ln for ln in dashed if max(ln.get_xdata()) > 10.0]
    assert len(steep) == 1
    assert min(steep[0].get_xdata()) == pytest.approx(10.0)
    assert max(steep[0].get_xdata()) == pytest.approx(45.0)


def test_compare_models_dashes_beyond_finite_bounds() -> None:
    ax = plot.compare_models("run", x="speed_m_s", models=["acsm_running"])
    solid, dashed = _solid_and_dashed(ax)
    assert max(solid[0].get_xdata()) == 5.0
    assert any(max(ln.get_xdata()) > 5.0 for ln in dashed)


def test_range_ends_are_exact_grid_points() -> None:
    # 80 m/min is 1.333... m/s: a rounded grid point would fall just outside the range and
    # leave the first valid stretch dashed
    grid = plot._grid("speed_m_s", (1.2, 6.0))
    for spec in rc.REGISTRY.values():
        for end in spec.ranges.get("speed_m_s", (None, None)):
            if end is not None and 1.2 < end < 6.0:
                assert end in grid, (spec.name, end)
    assert np.all(np.diff(grid) > 1e-9)  # sorted, no near-duplicates


def test_breakdown_wording_gross_and_net(workouts: pd.DataFrame) -> None:
    # "total" means gross (rest included) everywhere in retrocalc: a net axis never says it
    done = rc.estimate(workouts, out_of_range="flag")
    net = plot.workout_breakdown(done).get_xlabel()
    assert net == "Net energy (active, above rest), all workouts [kcal]"
    assert "total" not in net.lower()
    plt.close("all")
    gross = plot.workout_breakdown(done, energy="energy_gross_kj").get_xlabel()
    assert gross == "Gross energy (total, rest included), all workouts [kJ]"


# --- one recording: rc.plot.activity ----------------------------------------------------------

_PAUSED = {"timer", "segment", "gap", "stopped"}


def _streams(altitude: bool = True) -> pd.DataFrame:
    """3 m/s with two stops (samples 100-129, 300-319) and a 40 m jump in 1 s (sample 450)."""
    t = np.arange(600, dtype=float)
    v = np.full(600, 3.0)
    v[[0, *range(100, 130), *range(300, 320)]] = 0.0
    v[450] = 40.0
    frame = pd.DataFrame({"elapsed_s": t, "distance_m": np.cumsum(v)})
    if altitude:
        frame["altitude_m"] = 100.0 + 0.03 * frame["distance_m"]
    return frame


def _runs_of(states: list[str], kinds: set[str]) -> list[tuple[int, int]]:
    """(first, last) sample of each run of the given states: a plain loop, apart from the
    plot's numpy."""
    runs: list[tuple[int, int]] = []
    for i, state in enumerate(states):
        if state in kinds:
            if runs and runs[-1][1] == i - 1:
                runs[-1] = (runs[-1][0], i)
            else:
                runs.append((i, i))
    return runs


def _bands(ax: Axes, gid: str) -> list[tuple[float, float]]:
    found = [c for c in ax.collections if c.get_gid() == gid]
    if not found:
        return []
    (bands,) = found
    return [
        (float(p.vertices[:, 0].min()), float(p.vertices[:, 0].max())) for p in bands.get_paths()
    ]


@pytest.fixture(scope="module")
def example_activity() -> Any:
    return rc.estimate_activity(example_path("example_activity.gpx"), mass_kg=70)


def test_activity_panels_units_and_x(example_activity: Any) -> None:
    s = example_activity.samples
    for x, column, scale, label in (
        ("distance", "distance_m", 1e-3, "Distance [km]"),
        ("time", "elapsed_s", 1 / 60, "Elapsed time [min]"),
    ):
        axes = plot.activity(example_activity, x=x)
        assert len(axes) == 4
        assert len({id(a.figure) for a in axes}) == 1
        assert [a.get_ylabel() for a in axes] == [
            "Altitude [m]",
            "Grade [%]",
            "Speed [m/s]",
            "Metabolic power [W]",
        ]
        assert axes[-1].get_xlabel() == label
        assert axes[0].get_shared_x_axes().joined(axes[0], axes[3])
        expected = s[column].to_numpy() * scale
        altitude = axes[0].get_lines()[0]
        np.testing.assert_allclose(altitude.get_xdata(), expected)
        np.testing.assert_allclose(altitude.get_ydata(), s["altitude_m"])
        filtered = axes[0].get_lines()[1]
        np.testing.assert_allclose(filtered.get_ydata(), s["altitude_filtered_m"])
        grade = [line for line in axes[1].get_lines() if "used" in str(line.get_label())]
        np.testing.assert_allclose(grade[0].get_ydata(), 100 * s["grade"])
        gross = [line for line in axes[3].get_lines() if line.get_label() == "gross (total)"]
        np.testing.assert_allclose(gross[0].get_ydata(), s["power_gross_w"])  # all in range
        plt.close("all")


def test_activity_speed_coloured_by_gait(example_activity: Any) -> None:
    from retrocalc.plot._base import _COLORS

    s = example_activity.samples
    axes = plot.activity(example_activity)
    (speed,) = [c for c in axes[2].collections if c.get_gid() is None]
    segments = speed.get_segments()
    assert len(segments) == len(s) - 1
    np.testing.assert_allclose([seg[1][1] for seg in segments], s["speed_used_m_s"].iloc[1:])
    colors = speed.get_colors()
    gait = s["gait"].to_numpy()[1:]
    for name in ("run", "walk"):
        expected = mpl.colors.to_rgba(_COLORS[(name, "forward")])
        drawn = np.all(np.isclose(colors, expected), axis=1)
        assert (drawn == (gait == name)).all(), name
    labels = {line.get_label() for line in axes[2].get_lines()}
    assert {"run forward", "walk forward", "pause"} <= labels


@pytest.mark.parametrize("x", ["distance", "time"])
def test_activity_pauses_shaded_where_the_samples_say(x: str) -> None:
    result = rc.estimate_activity(_streams(), mass_kg=70)
    states = [str(v) for v in result.samples["state"]]
    column, scale = {"distance": ("distance_m", 1e-3), "time": ("elapsed_s", 1 / 60)}[x]
    xs = result.samples[column].to_numpy() * scale
    axes = plot.activity(result, x=x)
    for gid, kinds in (("pauses", _PAUSED), ("too_fast", {"too_fast"})):
        runs = _runs_of(states, kinds)
        assert runs  # the fixture has both
        expected = [(xs[first - 1], xs[last]) for first, last in runs]
        for ax in axes:
            np.testing.assert_allclose(_bands(ax, gid), expected)
    assert len(_runs_of(states, _PAUSED)) == 2
    legend = [t.get_text() for t in axes[3].get_legend().get_texts()]
    assert "paused (rest energy only)" in legend
    assert "too fast: not on foot (rest only)" in legend


def test_activity_without_pauses_has_no_bands() -> None:
    frame = pd.DataFrame({"elapsed_s": np.arange(300.0), "distance_m": 3.0 * np.arange(300.0)})
    axes = plot.activity(rc.estimate_activity(frame, mass_kg=70))
    assert not any(_bands(ax, "pauses") or _bands(ax, "too_fast") for ax in axes)


def test_activity_without_altitude() -> None:
    result = rc.estimate_activity(_streams(altitude=False), mass_kg=70)
    axes = plot.activity(result, x="time")
    assert [t.get_text() for t in axes[0].texts] == ["no altitude recorded: level ground assumed"]
    assert not axes[0].get_lines()
    labels = [line.get_label() for line in axes[1].get_lines()]
    assert "used (level: no altitude)" in labels
    assert _bands(axes[0], "pauses")  # shaded all the same


def test_activity_out_of_range_dashed_and_kcal_per_hour() -> None:
    frame = pd.DataFrame({"elapsed_s": np.arange(300.0), "distance_m": 4.5 * np.arange(300.0)})
    result = rc.estimate_activity(frame, mass_kg=70, direction="backward", gait="run")
    in_range = result.samples["in_range"].to_numpy()
    assert not in_range[1:].any()  # backward running was measured up to 3.5 m/s
    axes = plot.activity(result, rate="kcal/h")
    assert axes[3].get_ylabel() == "Metabolic power [kcal/h]"
    dashed = [line for line in axes[3].get_lines() if line.get_linestyle() == "--"]
    assert dashed
    gross_kcal_h = result.samples["power_gross_w"].to_numpy() * 3600 / 4184
    drawn = np.nanmax([np.nanmax(line.get_ydata()) for line in dashed if len(line.get_ydata())])
    assert drawn == pytest.approx(gross_kcal_h.max())
    legend = [t.get_text() for t in axes[3].get_legend().get_texts()]
    assert "outside validity: extrapolated" in legend


def test_activity_on_given_axes(example_activity: Any) -> None:
    _, given = plt.subplots(4, 1, sharex=True)
    axes = plot.activity(example_activity, ax=given)
    assert list(axes) == list(given)
    with pytest.raises(ValueError, match=r"ax: expected 4 Axes .* got 1"):
        plot.activity(example_activity, ax=given[0])


def test_activity_bad_arguments(example_activity: Any) -> None:
    with pytest.raises(ValueError, match="x must be 'distance' or 'time'; got 'speed'"):
        plot.activity(example_activity, x="speed")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rate must be 'W' or 'kcal/h'; got 'kJ'"):
        plot.activity(example_activity, rate="kJ")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="estimate_activity"):
        plot.activity(example_activity.samples)
    with pytest.raises(TypeError, match="got Activity: estimate the recording first"):
        plot.activity(rc.read_activity(example_path("example_activity.gpx")))
    assert not plt.get_fignums()  # refused before drawing


def test_activity_docstring_example() -> None:
    import doctest
    import importlib

    module = importlib.import_module("retrocalc.plot.activity")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
