"""The public API type-checks as an app developer would use it (mypy --strict)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mypy")

# each line marked "# E" must be an error, every other line must pass
SNIPPET = """
import numpy as np
import pandas as pd
import polars as pl
import retrocalc as rc

r = rc.estimate(speed_m_s=3.0, mass_kg=70, duration_s=1800, gait="run", direction="backward")
reveal_type(r)
reveal_type(r.energy_net_kcal)
a = rc.estimate(speed_m_s=np.array([1.4, 3.0]), mass_kg=70)
reveal_type(a.energy_net_kcal)
k = rc.estimate(speed_kmh=[5.0, 10.8], mass_lb=154, duration="30:00")
reveal_type(k.power_net_w)
df = rc.estimate(pd.DataFrame({"speed_m_s": [1.4], "mass_kg": [70.0]}), status=True)
reveal_type(df)
reveal_type(rc.estimate(pl.DataFrame({"speed_m_s": [1.4], "mass_kg": [70.0]})))
reveal_type(rc.models())
s = rc.estimate(speed_m_s=pd.Series([1.4, 3.0]), mass_kg=70)
reveal_type(s.met)
total: float = r.energy_net_kcal + 1.0
rc.estimate(speed_m_s=3.0, mass_kg=70, out_of_range="sometimes")  # E
rc.estimate(speed_m_s=3.0, mass_kg=70, gait="jog")  # E
rc.estimate(speed_m_s=3.0, mass_kg=70, direction="backwards")  # E
rc.estimate(speed=3.0, mass_kg=70)  # E
rc.estimate(speed_m_s=3.0, weight_kg=70)  # E
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
        '"retrocalc.result.EstimateResult[float]"',
        '"float"',
        '"numpy.ndarray[tuple[Any, ...], numpy.dtype[numpy.float64]]"',
        '"numpy.ndarray[tuple[Any, ...], numpy.dtype[numpy.float64]]"',
        '"pandas.core.frame.DataFrame"',
        '"polars.dataframe.frame.DataFrame"',
        '"retrocalc.models.Registry"',
        '"pandas.core.series.Series[float]"',
    ], out.stdout
    expected = {i + 1 for i, line in enumerate(SNIPPET.splitlines()) if line.endswith("# E")}
    errors = {int(line.split(":")[1]) for line in lines if ": error:" in line}
    assert errors == expected, out.stdout
