"""The documentation site builds with warnings as errors (what ``make docs`` runs)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import retrocalc as rc

pytest.importorskip("sphinx")
pytest.importorskip("myst_parser")
pytest.importorskip("numpydoc")
pytest.importorskip("sphinx_click")

DOCS = Path(__file__).parents[1] / "docs"


def test_docs_build_without_warnings(tmp_path: Path) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            "-d",
            str(tmp_path / "doctrees"),
            str(DOCS),
            str(tmp_path / "html"),
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    html = tmp_path / "html"
    models = (html / "models.html").read_text(encoding="utf-8")
    for name in rc.REGISTRY:  # the model table is generated from the registry
        assert f'id="model-{name.replace("_", "-")}"' in models
    for page in ("getting-started", "api", "cli", "performance", "science", "guide/batch"):
        assert (html / f"{page}.html").exists()
