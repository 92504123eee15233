"""Rich display of recordings: an ActivityResult and an Activity as HTML for Jupyter.

The figures shown are checked against values computed here from ``result.samples`` (not
read back from the summary), text from files is escaped, and faults are marked.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import retrocalc as rc
from retrocalc import _display
from retrocalc.activity import Activity, Fault
from retrocalc.data import example_path

HOSTILE = "<script>alert('x')</script>&.gpx"


def _number(x: float) -> str:
    """A number as the display writes it (4 significant digits, thousands whole)."""
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4g}"


def _clock(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def _cells(html: str) -> list[str]:
    return re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", html)


def streams(n: int = 600, *, altitude: bool = True, jump: bool = True) -> pd.DataFrame:
    """3 m/s with two stops (samples 100-129, 300-319) and a 40 m jump in 1 s (sample 450)."""
    t = np.arange(n, dtype=float)
    v = np.full(n, 3.0)
    v[0] = 0.0
    v[100:130] = 0.0
    v[300:320] = 0.0
    if jump:
        v[450] = 40.0
    d = np.cumsum(v)
    frame = pd.DataFrame({"elapsed_s": t, "distance_m": d})
    if altitude:
        frame["altitude_m"] = 100.0 + 0.03 * d
    return frame


@pytest.fixture(scope="module")
def example() -> rc.activity.ActivityResult:
    return rc.estimate_activity(example_path("example_activity.gpx"), mass_kg=70)


def test_totals_are_the_samples_sums(example: rc.activity.ActivityResult) -> None:
    html = example._repr_html_()
    cells = _cells(html)
    s = example.samples
    moving = (s["state"] == "moving").to_numpy()
    dt = s["dt_s"].to_numpy()
    distance = s["distance_m"].to_numpy()
    expected = {
        "distance": (_number((distance[-1] - distance[0]) / 1000), "km"),
        "moving time": (_clock(dt[moving].sum()), "h:mm:ss"),
        "elapsed time": (_clock(dt.sum()), "h:mm:ss"),
        "paused time": (_clock(dt[~moving].sum()), "h:mm:ss"),
        "gross energy (total, rest included)": (_number(s["energy_gross_kcal"].sum()), "kcal"),
        "net energy (active, above rest)": (_number(s["energy_net_kcal"].sum()), "kcal"),
    }
    for name, (value, unit) in expected.items():
        i = cells.index(name)
        assert cells[i + 1 : i + 3] == [value, unit], name
    outside = (~s["in_range"].to_numpy() & moving).sum() / moving.sum()
    i = cells.index("out of validity range")
    assert cells[i + 1 : i + 3] == [_number(100 * outside), "% of moving"]
    # gain and loss count climbs past a threshold of the filtered profile (see .grade): as
    # the summary states them
    for name in ("gain", "loss"):
        i = cells.index(name)
        assert cells[i + 1 : i + 3] == [_number(example.summary[f"{name}_m"]), "m"]
    assert "70 kg" in html
    assert "running" in html


def test_by_gait_and_first_splits(example: rc.activity.ActivityResult) -> None:
    html = example._repr_html_()
    s = example.samples
    table = re.search(r"By gait and direction.*?</table>", html)
    assert table is not None
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(0))[1:]
    shown = {tuple(_cells(r)[:2]): _cells(r)[2:] for r in rows}
    for (gait, direction), group in s.groupby(["gait", "direction"]):
        time, km, gross, net = shown[(gait, direction)]
        assert time == _clock(group["dt_s"].sum())
        assert gross == _number(group["energy_gross_kcal"].sum())
        assert net == _number(group["energy_net_kcal"].sum())
    assert len(shown) == s.groupby(["gait", "direction"]).ngroups
    # splits per km: the first one's net energy, summed here from the samples
    km = np.floor(s["distance_m"].to_numpy() / 1000)
    first = s.loc[km == 0, "energy_net_kcal"].sum()
    splits = re.search(r"Splits per km.*?</table>", html)
    assert splits is not None
    assert _number(first) in _cells(re.findall(r"<tr>(.*?)</tr>", splits.group(0))[1])
    assert "pace_<wbr>s_<wbr>per_<wbr>km<br><small>[min/km]</small>" in html


def test_only_the_first_splits_are_shown() -> None:
    frame = pd.DataFrame({"elapsed_s": np.arange(3001.0), "distance_m": 3.0 * np.arange(3001.0)})
    result = rc.estimate_activity(frame, mass_kg=70)
    assert len(result.splits_km) == 10
    html = result._repr_html_()
    splits = re.search(r"Splits per km.*?</table>", html)
    assert splits is not None
    assert splits.group(0).count("<tr>") == 1 + _display.SPLIT_ROWS
    assert "Splits per km: 10, the first 5 shown (all in result.splits_km)" in html


def test_hostile_source_and_sport_are_escaped() -> None:
    act = Activity.from_frame(streams(), source=HOSTILE, sport="<img src=x onerror=alert(1)>")
    result = rc.estimate_activity(act, mass_kg=70)
    for html in (result._repr_html_(), act._repr_html_()):
        assert "<script>" not in html
        assert "<img" not in html
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&amp;.gpx" in html
        assert "&lt;img_src=x_onerror=alert(1)&gt;" in html


def test_faults_are_marked() -> None:
    result = rc.estimate_activity(streams(), mass_kg=70)
    faults = [w for w in result.warnings if isinstance(w, Fault)]
    notes = [w for w in result.warnings if not isinstance(w, Fault)]
    assert faults  # the 40 m jump in one second
    html = result._repr_html_()
    marked = re.findall(
        rf'<li style="{_display.FAULT_STYLE}"><strong>Fault:</strong> (.*?)</li>', html
    )
    assert marked == [_escaped(f) for f in faults]
    assert html.count("<li") == len(result.warnings)
    for note in notes:
        assert f"<li>{_escaped(note)}</li>" in html
    assert f"{len(result.warnings)} warning(s), {len(faults)} fault(s)" in html


def test_notes_that_are_not_faults_are_plain(example: rc.activity.ActivityResult) -> None:
    assert example.warnings
    assert not any(isinstance(w, Fault) for w in example.warnings)
    html = example._repr_html_()
    assert "Fault" not in html
    assert f"<li>{_escaped(example.warnings[0])}</li>" in html


def _escaped(text: str) -> str:
    from html import escape

    return escape(text)


def test_activity_html() -> None:
    act = rc.read_activity(example_path("example_activity.gpx"))
    html = act._repr_html_()
    cells = _cells(html)
    elapsed = act.samples["elapsed_s"].to_numpy()
    rows = {cells[i]: cells[i + 1] for i in range(3, len(cells) - 2, 3)}
    assert rows["format"] == "gpx"
    assert rows["sport"] == "running"
    assert rows["device"] == act.device
    assert rows["start"] == str(act.samples["time"].iloc[0].isoformat())
    assert rows["samples"] == f"{len(act.samples):,}"
    assert rows["duration"] == _clock(np.nanmax(elapsed) - np.nanmin(elapsed))
    assert rows["laps"] == "0"
    assert rows["streams"] == "positions, altitude, heart rate"
    assert "No warnings." in html


def test_activity_html_marks_faults_and_missing_values() -> None:
    act = Activity.from_frame(streams(altitude=False))
    act.warnings = [Fault("records dropped <here>"), "a plain note"]
    html = act._repr_html_()
    mark = f'<li style="{_display.FAULT_STYLE}"><strong>Fault:</strong>'
    assert f"{mark} records dropped &lt;here&gt;</li>" in html
    assert "<li>a plain note</li>" in html
    rows = _cells(html)
    assert rows[rows.index("start") + 1] == "—"  # no times, only elapsed seconds
    assert rows[rows.index("streams") + 1] == "distance"
    assert rows[rows.index("device") + 1] == "—"


def test_clock() -> None:
    assert _display.clock(3725.4) == "1:02:05"
    assert _display.clock(59.6) == "0:01:00"
    assert _display.clock(math.nan) == "—"


def test_display_imports_no_pandas() -> None:
    code = "import sys, retrocalc._display; assert 'pandas' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
