"""compare_models: model disagreement table on scalars, arrays and frames; its plot."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import retrocalc as rc
from retrocalc.compare import DISAGREEMENT_COLUMNS, compare_models


def test_columns_are_the_gait_s_models_and_the_summary() -> None:
    t = compare_models(speed_m_s=3.0, mass_kg=70, gait="run")
    models = [c for c in t.columns if c not in DISAGREEMENT_COLUMNS]
    assert models == [s.name for s in rc.REGISTRY.base("run")]
    assert t.columns.name == "model disagreement: power_gross_w"
    direct = rc.estimate(speed_m_s=3.0, mass_kg=70, gait="run", model="acsm_running")
    assert t["acsm_running"].iloc[0] == pytest.approx(direct.power_gross_w)


def test_min_max_spread_and_applicability() -> None:
    t = compare_models(speed_m_s=[1.2, 3.0], mass_kg=70, grade=[0.05, 0.05])
    block = t.drop(columns=list(DISAGREEMENT_COLUMNS)).to_numpy()
    assert np.allclose(t["min"], np.nanmin(block, axis=1))
    assert np.allclose(t["max"], np.nanmax(block, axis=1))
    assert np.allclose(t["spread"], t["max"] - t["min"])
    assert np.isnan(t.loc[0, "acsm_running"])  # a walking row has no running models
    assert np.isnan(t.loc[1, "lcda2019_walking"])
    assert np.isnan(t.loc[1, "leger1984_treadmill"])  # level only: out of range at 5 %
    loose = compare_models(speed_m_s=3.0, mass_kg=70, grade=0.05, in_range_only=False)
    assert np.isfinite(loose.loc[0, "leger1984_treadmill"])


def test_frames_keep_their_index() -> None:
    df = pd.DataFrame({"speed_m_s": [1.3, 3.2], "mass_kg": [60, 80]}, index=["a", "b"])
    t = compare_models(df, quantity="energy_gross_kcal", duration_s=600)
    assert list(t.index) == ["a", "b"]
    assert (t["n_models"] >= 2).all()
    with pytest.raises(ValueError, match="quantity must be one of"):
        compare_models(df, quantity="gait_used")


def test_plot_draws_the_band() -> None:
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import retrocalc.plot as rp

    ax = rp.model_disagreement("walk", x="grade")
    labels = ax.get_legend_handles_labels()[1]
    assert "model disagreement (min–max)" in labels
    assert "lcda2019_walking" in labels
    import matplotlib.pyplot as plt

    plt.close("all")
