"""The public API type-checks as an app developer would use it (mypy --strict)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mypy")

SNIPPET = """
import pandas as pd
import retrocalc as rc

r = rc.estimate(speed_m_s=3.0, mass_kg=70, duration_s=1800, gait="run", direction="backward")
reveal_type(r)
df = rc.estimate(pd.DataFrame({"speed_m_s": [1.4], "mass_kg": [70.0]}))
reveal_type(df)
reveal_type(rc.models())
rc.estimate(speed_m_s=3.0, mass_kg=70, out_of_range="sometimes")
"""


def test_public_api_types(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(SNIPPET)
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(path)],
        capture_output=True,
        text=True,
    )
    lines = out.stdout.splitlines()
    revealed = [line.split("Revealed type is ")[1] for line in lines if "Revealed" in line]
    assert revealed == [
        '"retrocalc.core.EstimateResult"',
        '"pandas.core.frame.DataFrame"',
        '"retrocalc.models.Registry"',
    ], out.stdout
    errors = [line for line in lines if ": error:" in line]
    assert len(errors) == 1, out.stdout  # only the invalid out_of_range is rejected
    assert ":10: error: No overload variant" in errors[0]
