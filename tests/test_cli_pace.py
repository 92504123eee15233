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


# the other options each question needs besides the one tested
_WITH = {
    "--target": [],
    "--speed-kmh": [],
    "--speed-m-s": [],
    "--duration-min": ["--target", "600", "--quantity", "energy_gross_kcal"],
    "--mass-kg": ["--target", "600"],
    "--grade": ["--pace", "5:00/km"],
    "--to-grade": ["--pace", "5:00/km"],
}


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
@pytest.mark.parametrize("option", list(_WITH))
def test_non_finite_numbers_are_usage_errors(option: str, value: str) -> None:
    out = CliRunner().invoke(cli, ["pace", *_WITH[option], option, value])
    assert out.exit_code == 2, out.output
    assert f"Invalid value for '{option}': {value}: expected a finite" in out.output
    assert "Traceback" not in out.output


@pytest.mark.parametrize("text", ["nan", "0:00/km"])
def test_a_pace_without_a_finite_speed_is_a_usage_error(text: str) -> None:
    out = CliRunner().invoke(cli, ["pace", "--pace", text])
    assert out.exit_code == 2, out.output
    assert f"Invalid value for '--pace': {text}: expected a pace such as 5:00/km" in out.output


def test_no_empty_model_name(monkeypatch: pytest.MonkeyPatch) -> None:
    import retrocalc.cli_pace as cli_pace
    from retrocalc.inverse import InverseResult

    def no_model(*args: object, **kwargs: object) -> InverseResult:
        return InverseResult(float("nan"), "invalid", "an impossible input", "", False)

    monkeypatch.setattr(cli_pace, "equivalent_speed", no_model)
    out = CliRunner().invoke(cli, ["pace", "--pace", "5:00/km"])
    assert out.exit_code == 0, out.output
    assert ": no speed (invalid)\n" in out.output
    assert "(," not in out.output
