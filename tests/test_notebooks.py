"""The example notebooks run top to bottom, quietly, within a minute, and are committed clean."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

import retrocalc

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")

#: The folder holding the retrocalc package under test (src/ of this checkout, or wherever
#: it is installed).
SOURCE = Path(retrocalc.__file__).resolve().parents[1]
NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))
KERNEL = "retrocalc-tests"


def test_there_are_notebooks() -> None:
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path: Path) -> None:
    book = nbformat.read(path, as_version=4)
    for i, cell in enumerate(book.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {i} has outputs: strip them"
            assert cell.execution_count is None, f"{path.name} cell {i} has an execution count"


@pytest.fixture(scope="module")
def kernel_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A kernel spec for this very interpreter, so notebooks run against the code under test."""
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": KERNEL, "language": "python"})
    )
    return root


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_runs_top_to_bottom(path: Path, kernel_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTER_PATH", str(kernel_dir))
    # the kernel runs in notebooks/, where a relative PYTHONPATH (PYTHONPATH=src) points
    # nowhere and another installed retrocalc would be imported: the one under test first
    paths = [str(SOURCE), *os.environ.get("PYTHONPATH", "").split(os.pathsep)]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in paths if p))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")  # jupyter_core's own migration notice
    monkeypatch.delenv("MPLBACKEND", raising=False)  # inline figures, as a user sees them
    book = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        book,
        timeout=120,
        kernel_name=KERNEL,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError on any error
    elapsed = time.perf_counter() - start
    assert elapsed < 60, f"{path.name} took {elapsed:.0f} s"
    figures = 0
    for i, cell in enumerate(book.cells):
        for output in cell.get("outputs", []):
            # warnings and deprecation notices would go to stderr: none are expected
            assert output.get("name") != "stderr", f"{path.name} cell {i}: {output['text']}"
            figures += "image/png" in output.get("data", {})
    assert figures >= 2, f"{path.name} shows no figures"
