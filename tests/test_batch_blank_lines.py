"""Blank lines in a CSV input are rows, never dropped (``retrocalc estimate``, both engines).

A spreadsheet saving one column writes an empty cell as an empty line, and reading such a
file with pyarrow's or pandas' defaults drops that line: the output would then have fewer
rows than the input, every row after it shifted against the file's line numbers. The
expected values here come from the input's own numbers through ``rc.estimate``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("click")
pytest.importorskip("polars")

from click.testing import CliRunner, Result

import retrocalc as rc
from retrocalc.cli import cli

MASS_KG, DURATION_MIN = 70.0, 10.0


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def rows_of(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def expected_energy(speeds: list[float]) -> np.ndarray:
    return np.asarray(
        rc.estimate(
            speed_m_s=np.asarray(speeds),
            mass_kg=MASS_KG,
            duration_s=DURATION_MIN * 60,
        ).energy_gross_kcal
    )


def test_an_empty_cell_of_a_one_column_sheet_is_a_row(tmp_path: Path) -> None:
    # a spreadsheet saving one column as CSV writes an empty cell as an empty line (it has no
    # delimiter to write)
    src = tmp_path / "speeds.csv"
    src.write_text("speed_m_s\r\n2.5\r\n\r\n3.0\r\n\r\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    args = ["--mass-kg", str(MASS_KG), "--duration-min", str(DURATION_MIN), "--quiet"]
    assert run("estimate", str(src), "-o", str(out), *args).exit_code == 0
    rows = rows_of(out)
    assert [r["status"] for r in rows] == ["ok", "error", "ok", "error"]
    assert rows[1]["error"] == "an empty row: no value in any column"
    got = [float(rows[i]["energy_gross_kcal"]) for i in (0, 2)]
    np.testing.assert_allclose(got, expected_energy([2.5, 3.0]), rtol=1e-12)
    # the written file reads back to the same frame: the empty cell is quoted, not a blank line
    assert pd.read_csv(out)["speed_m_s"].isna().tolist() == [False, True, False, True]


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_blank_lines_keep_every_row_in_order(tmp_path: Path, engine: str) -> None:
    if engine == "dask":
        pytest.importorskip("dask.dataframe")
    # blank lines before the header are skipped; after it each is a row of empty cells, also
    # where a small block (and a Dask partition) starts or ends at one
    speeds = [1.0 + (i % 40) / 10 for i in range(3000)]
    lines = ["", "", "speed_m_s;mass_kg"]
    blank = set(range(0, 3000, 7))
    for i, speed in enumerate(speeds):
        lines.append("" if i in blank else f"{speed:.1f}".replace(".", ",") + ";70")
    src = tmp_path / "semicolons.csv"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / f"{engine}.csv"
    args = ["--duration-min", str(DURATION_MIN), "--engine", engine, "--block-mb", "0.01"]
    assert run("estimate", str(src), "-o", str(out), "--quiet", *args).exit_code == 0
    rows = rows_of(out)
    assert len(rows) == len(speeds)
    status = [r["status"] for r in rows]
    assert [i for i, s in enumerate(status) if s == "error"] == sorted(blank)
    assert {rows[i]["error"] for i in blank} == {"an empty row: no value in any column"}
    kept = [i for i in range(len(speeds)) if i not in blank]
    assert [rows[i]["speed_m_s"] for i in kept] == [lines[3 + i].split(";")[0] for i in kept]
    got = np.array([float(rows[i]["energy_gross_kcal"]) for i in kept])
    np.testing.assert_allclose(got, expected_energy([speeds[i] for i in kept]), rtol=1e-12)


def test_both_engines_write_the_same_bytes_for_blank_lines(tmp_path: Path) -> None:
    pytest.importorskip("dask.dataframe")
    src = tmp_path / "in.csv"
    src.write_text("\nspeed_m_s\n2.5\n\n\n3.0\n\n", encoding="utf-8")
    local, dask = tmp_path / "local.csv", tmp_path / "dask.csv"
    args = ["--mass-kg", "70", "--duration-min", "10", "--quiet"]
    assert run("estimate", str(src), "-o", str(local), *args).exit_code == 0
    assert run("estimate", str(src), "-o", str(dask), "--engine", "dask", *args).exit_code == 0
    assert dask.read_bytes() == local.read_bytes()
    assert [r["status"] for r in rows_of(local)] == ["ok", "error", "error", "ok", "error"]


@pytest.mark.parametrize(
    "text",
    [
        "speed_m_s",  # a header alone, without a final newline
        "\n\nspeed_m_s",  # the same after blank lines
        "\ufeff\r\nspeed_m_s\r\n",
        "speed_m_s\n\n",  # one empty row
    ],
)
def test_a_header_alone_gives_the_same_file_on_both_engines(tmp_path: Path, text: str) -> None:
    pytest.importorskip("dask.dataframe")
    src = tmp_path / "in.csv"
    src.write_text(text, encoding="utf-8")
    local, dask = tmp_path / "local.csv", tmp_path / "dask.csv"
    args = ["--mass-kg", "70", "--duration-min", "10", "--quiet"]
    assert run("estimate", str(src), "-o", str(local), *args).exit_code == 0
    assert run("estimate", str(src), "-o", str(dask), "--engine", "dask", *args).exit_code == 0
    assert dask.read_bytes() == local.read_bytes()
    assert len(rows_of(local)) == text.count("\n\n", text.index("speed_m_s"))


def test_one_column_of_decimal_commas_after_blank_and_whole_rows(tmp_path: Path) -> None:
    # the first rows (an empty cell, a whole number) hold no comma: the later ones decide
    src = tmp_path / "speeds.csv"
    src.write_text("speed_m_s\n\n3\n2,5\n3,5\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    args = ["--mass-kg", str(MASS_KG), "--duration-min", str(DURATION_MIN), "--quiet"]
    assert run("estimate", str(src), "-o", str(out), *args).exit_code == 0
    rows = rows_of(out)
    assert [r["status"] for r in rows] == ["error", "ok", "ok", "ok"]
    got = [float(r["energy_gross_kcal"]) for r in rows[1:]]
    np.testing.assert_allclose(got, expected_energy([3.0, 2.5, 3.5]), rtol=1e-12)


def test_a_row_with_some_cells_empty_names_them(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("speed_m_s,mass_kg,note\n,70,x\n,,\n2.5,,\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert run("estimate", str(src), "-o", str(out), "--duration-min", "10", "-q").exit_code == 0
    errors = [r["error"] for r in rows_of(out)]
    assert errors[0] == "speed_m_s: missing value"
    assert errors[1] == "an empty row: no value in any column"  # ",,", as a blank line
    assert errors[2] == "mass_kg: missing value"
