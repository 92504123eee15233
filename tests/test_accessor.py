"""The df.retro accessor forwards to the public functions, and is registered without
``import retrocalc`` importing pandas."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import retrocalc as rc
from retrocalc.data import example_path


@pytest.fixture
def workouts() -> pd.DataFrame:
    return pd.read_csv(example_path())


def test_estimate_forwards(workouts: pd.DataFrame) -> None:
    rc.register_accessor()
    rc.register_accessor()  # idempotent: no "overriding a preexisting attribute" warning
    got = workouts.retro.estimate(out_of_range="flag", rer=0.9)
    pd.testing.assert_frame_equal(got, rc.estimate(workouts, out_of_range="flag", rer=0.9))


def test_plot_forwards(workouts: pd.DataFrame) -> None:
    mpl = pytest.importorskip("matplotlib")
    mpl.use("Agg")
    import matplotlib.pyplot as plt

    from retrocalc.plot import workout_breakdown

    try:
        done = workouts.retro.estimate(out_of_range="flag")
        ax = done.retro.plot.breakdown(energy="energy_gross_kcal")
        ref = workout_breakdown(done, energy="energy_gross_kcal")
        assert [p.get_width() for p in ax.patches] == [p.get_width() for p in ref.patches]
        _fig, ax2 = plt.subplots()
        assert done.retro.plot(ax=ax2) is ax2
    finally:
        plt.close("all")


# Each case runs in a fresh interpreter: the order of imports is the point.
ORDERS = {
    "pandas first": (
        "import pandas as pd\nimport retrocalc as rc\nassert hasattr(pd.DataFrame, 'retro')\n"
    ),
    "retrocalc first, then estimate(df)": (
        "import retrocalc as rc\nimport sys\nassert 'pandas' not in sys.modules\n"
        "import pandas as pd\nassert not hasattr(pd.DataFrame, 'retro')\n"
        "rc.estimate(pd.DataFrame({'speed_m_s': [3.0], 'mass_kg': [70.0]}))\n"
        "assert hasattr(pd.DataFrame, 'retro')\n"
    ),
    "retrocalc first, then to_frame()": (
        "import retrocalc as rc\nrc.models().to_frame()\n"
        "import pandas as pd\nassert hasattr(pd.DataFrame, 'retro')\n"
    ),
    "retrocalc first, then result to_frame()": (
        "import retrocalc as rc\nrc.estimate(speed_m_s=3.0, mass_kg=70).to_frame()\n"
        "import pandas as pd\nassert hasattr(pd.DataFrame, 'retro')\n"
    ),
    "retrocalc first, then explicit": (
        "import retrocalc as rc\nimport pandas as pd\nrc.register_accessor()\n"
        "assert hasattr(pd.DataFrame, 'retro')\n"
    ),
    "retrocalc first, then import retrocalc.plot": (
        "import retrocalc as rc\nimport pandas as pd\nimport retrocalc.plot\n"
        "assert hasattr(pd.DataFrame, 'retro')\n"
    ),
}


@pytest.mark.parametrize("code", ORDERS.values(), ids=ORDERS.keys())
def test_registration_order(code: str) -> None:
    subprocess.run([sys.executable, "-c", code], check=True)
