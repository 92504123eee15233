"""retrocalc pace: one value, a file, errors without a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from retrocalc.cli import cli


def test_speed_for_a_target() -> None:
    out = CliRunner().invoke(cli, ["pace", "--target", "600", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    # ACSM, 70 kg: 600 kcal/h = 9.962 W/kg = 28.57 ml/kg/min -> (28.57 - 3.5) / 0.2 m/min
    assert data["speed_m_s"] == pytest.approx(
        (600 * 4184 / 3600 / 70 / (5 * 4184 / 60000) - 3.5) / 0.2 / 60
    )
    assert data["status"] == "ok"


def test_grade_adjusted_pace_text() -> None:
    out = CliRunner().invoke(cli, ["pace", "--pace", "5:00/km", "--grade", "0.1"])
    assert out.exit_code == 0, out.output
    # ACSM: 3.333 m/s x (1 + 4.5 x 0.1) = 4.833 m/s
    assert "4.833 m/s" in out.output


def test_file_in_file_out(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("target,gait\n500,run\n3000,walk\n")
    dst = tmp_path / "out.csv"
    out = CliRunner().invoke(cli, ["pace", "-i", str(src), "-o", str(dst)])
    assert out.exit_code == 0, out.output
    frame = pd.read_csv(dst)
    assert list(frame["status"]) == ["ok", "above_range"]
    assert not list(tmp_path.glob("*.part"))


def test_usage_errors() -> None:
    out = CliRunner().invoke(cli, ["pace"])
    assert out.exit_code == 2
    assert "give either --target" in out.output
    out = CliRunner().invoke(cli, ["pace", "--pace", "5:00/xx"])
    assert out.exit_code == 1
    assert "Traceback" not in out.output
