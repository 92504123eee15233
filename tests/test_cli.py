"""The command line as a user runs it."""

from __future__ import annotations

import subprocess
import sys

import pytest

import retrocalc as rc
from retrocalc.__main__ import main


def test_demo_subprocess() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "retrocalc", "demo"], capture_output=True, text=True, check=True
    )
    assert "example workouts" in out.stdout
    assert "retro run uphill" in out.stdout
    assert "kcal net (active)" in out.stdout
    assert out.stderr == ""


def test_models_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models"]) == 0
    text = capsys.readouterr().out
    for name in rc.REGISTRY:
        assert name in text


def test_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2
    with pytest.raises(SystemExit):
        main(["--version"])
    assert "retrocalc" in capsys.readouterr().out


def test_demo_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    import pandas as pd

    from retrocalc.data import example_path

    assert main(["demo"]) == 0
    text = capsys.readouterr().out
    workouts = pd.read_csv(example_path())
    for description in workouts["description"]:
        assert description in text  # every shipped workout is reported, none dropped
    assert f"of {len(workouts)} rows flagged" in text
