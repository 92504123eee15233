"""Rich display in Jupyter: results and the registry as HTML tables with units, escaped."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import retrocalc as rc
from retrocalc import _display
from retrocalc.models import Registry
from retrocalc.nomenclature import OUTPUTS


def test_scalar_result_one_row_per_quantity() -> None:
    r = rc.estimate(speed_m_s=3.0, mass_kg=70, duration_s=1800, gait="run", direction="backward")
    html = r._repr_html_()
    assert html.startswith("<table>")
    for name, var in OUTPUTS.items():
        assert f">{name}<" in html
        assert var.description.replace("'", "&#x27;") in html
    assert ">kcal<" in html
    assert ">ml/kg/min<" in html
    assert ">510.3<" in html  # the README's value, 4 significant digits


def test_array_result_units_under_names_and_truncation() -> None:
    speeds = np.linspace(1.0, 4.0, 25)
    r = rc.estimate(speed_m_s=speeds, mass_kg=70, duration_s=3600, out_of_range="flag")
    html = r._repr_html_()
    assert "energy_<wbr>net_<wbr>kcal<br><small>[kcal]</small>" in html
    assert "cost_<wbr>of_<wbr>transport_<wbr>j_<wbr>kg_<wbr>m<br><small>[J/kg/m]</small>" in html
    assert "in_range<br>" not in html  # no unit for flags
    assert "EstimateResult: 25 estimates" in html
    assert html.count("<tr>") == 1 + _display.MAX_ROWS + 1  # header, rows, the ellipsis
    assert "…" in html
    assert ">24<" in html  # the last position is shown


def test_series_result_keeps_index_and_escapes() -> None:
    index = pd.Index(["<b>mon</b>", "tue & wed"], name="day<")
    speed = pd.Series([1.2, 3.0], index=index)
    r = rc.estimate(speed_m_s=speed, mass_kg=70, duration_s=600)
    html = r._repr_html_()
    assert "&lt;b&gt;mon&lt;/b&gt;" in html
    assert "tue &amp; wed" in html
    assert "day&lt;" in html
    assert "<b>" not in html
    assert "2 of 2 in range" in html


def test_two_dimensional_result() -> None:
    r = rc.estimate(speed_m_s=[[1.0, 1.2], [2.5, 3.0]], mass_kg=70, out_of_range="flag")
    html = r._repr_html_()
    assert "shape (2, 2)" in html
    assert "(1, 1)" in html


def test_registry_table() -> None:
    html = rc.models()._repr_html_()
    for name, spec in rc.REGISTRY.items():
        assert f"<code>{name}</code>" in html
        if spec.doi:
            assert f'href="https://doi.org/{spec.doi}"' in html
    assert "speed_m_s 0 to 1.96 m/s" in html  # LCDA, unit from the nomenclature
    assert "grade -0.4 to 0.45 (-40 to 45 %)" in html
    assert "×1.35 on net cost" in html
    assert f"{len(rc.REGISTRY)} registered models" in html


def test_registry_escapes_text() -> None:
    spec = rc.get_model("acsm_running")
    from dataclasses import replace

    evil = replace(spec, name="x<y", title="<script>alert(1)</script>", doi='10.1/"x"')
    html = Registry((evil,))._repr_html_()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "x&lt;y" in html
    assert 'href="https://doi.org/10.1/&quot;x&quot;"' in html


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (float("nan"), "NaN"),
        (12345.6, "12,346"),
        (0.123456, "0.1235"),
        (True, "True"),
        (np.bool_(False), "False"),
        ("walk", "walk"),
        (float("inf"), "inf"),
    ],
)
def test_format_value(value: object, text: str) -> None:
    assert _display.format_value(value) == text


def test_describe_range_unbounded() -> None:
    assert _display.describe_range("grade", (0.0, None)) == "grade 0 to ∞ (0 to ∞ %)"
    assert _display.describe_range("load_kg", (None, 70.0)) == "load_kg −∞ to 70 kg"
    assert _display.describe_range("other", (1.0, 2.0)) == "other 1 to 2"


def _unbreakable_runs(html: str) -> list[str]:
    """Text runs of the header cells that a browser cannot wrap (no blank, <br> or <wbr>)."""
    head = re.search(r"<thead>(.*)</thead>", html)
    assert head is not None
    text = re.sub(r"<(br|wbr)>", " ", head.group(1))
    text = re.sub(r"<[^>]+>", " ", text)
    return text.split()


def test_array_result_fits_a_notebook_width() -> None:
    r = rc.estimate(speed_m_s=np.linspace(1.0, 4.0, 25), mass_kg=70, out_of_range="flag")
    html = r._repr_html_()
    # a box no wider than the notebook, scrolling, around the table
    assert html.startswith(f'<div style="{_display.SCROLL_STYLE}"><table>')
    assert html.endswith("</table></div>")
    assert "max-width:100%" in _display.SCROLL_STYLE
    assert "overflow:auto" in _display.SCROLL_STYLE
    # every column name can wrap: no run longer than a unit such as [ml/kg/min]
    runs = _unbreakable_runs(html)
    assert max(len(run) for run in runs) <= 12, max(runs, key=len)
    assert "cost_<wbr>of_<wbr>transport_<wbr>j_<wbr>kg_<wbr>m" in html
    # the rows are capped, and the caption says so
    assert "first 5 and last 5 shown" in html
    assert html.count("<tr>") == 1 + _display.MAX_ROWS + 1


def test_short_array_result_says_nothing_is_hidden() -> None:
    r = rc.estimate(speed_m_s=[1.0, 1.2], mass_kg=70)
    assert "shown" not in r._repr_html_()


def test_registry_table_scrolls_too() -> None:
    assert rc.models()._repr_html_().startswith(f'<div style="{_display.SCROLL_STYLE}">')
