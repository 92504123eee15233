"""The ``retrocalc`` entry point (the batch commands themselves: test_batch.py)."""

from __future__ import annotations

import pytest

import retrocalc as rc
from retrocalc.cli import main


def test_main_runs_a_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["models"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    for name in rc.REGISTRY:
        assert name in text


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["no-such-command"])
    assert exc.value.code == 2
    assert "No such command" in capsys.readouterr().err
