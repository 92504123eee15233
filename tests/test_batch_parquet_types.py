"""A Parquet column whose type cannot be its input (a timestamp where a duration or a
number is expected): refused before any work, naming the file, the column, what was
expected and the type the file was written with, as the command line shows it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

from retrocalc.cli import cli

BASE = {"speed_kmh": [10.0, 11.0], "mass_kg": [70.0, 70.0]}
STAMPS = [dt.datetime(2024, 5, 1, 7), dt.datetime(2024, 5, 1, 8)]


def write(path: Path, columns: dict[str, Any], **options: Any) -> Path:
    pq.write_table(pa.table(columns), path, **options)
    return path


def run(*args: str, stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(cli, ["estimate", *args, "-o", "-"], input=stdin)


def test_a_timestamp_duration_names_the_type_the_file_was_written_with(tmp_path: Path) -> None:
    # Parquet has no timestamp[s]: it is stored (and read back) as timestamp[ms], a type the
    # user never wrote; the file's own Arrow schema says timestamp[s]
    src = write(tmp_path / "w.parquet", {**BASE, "duration_s": pa.array(STAMPS, pa.timestamp("s"))})
    result = run(str(src))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert (
        f"Error: {src}: column 'duration_s': expected a number of seconds (or text holding one), "
        "or an Arrow duration; the file has timestamp[s] (a point in time); a duration is the "
        "time between two points (end - start)"
    ) in result.stderr
    assert "timestamp[ms]" not in result.stderr
    # from standard input too, named <stdin>
    piped = run("-", stdin=src.read_bytes())
    assert piped.exit_code == 2
    assert "Error: <stdin>: column 'duration_s': expected a number of seconds" in piped.stderr
    assert "timestamp[s] (a point in time)" in piped.stderr


@pytest.mark.parametrize(
    ("column", "values", "args", "said"),
    [
        ("duration_min", pa.array([dt.date(2024, 5, 1)] * 2), (),
         "column 'duration_min': expected a number of minutes (or text holding one), or an "
         "Arrow duration; the file has date32[day] (a calendar date)"),
        ("duration_s", pa.array([dt.time(0, 30)] * 2), (),
         "the file has time64[us] (a time of day)"),
        ("Time", pa.array(STAMPS, pa.timestamp("ms")), ("-c", "duration=Time"),
         "column 'Time' (duration): expected text such as 1:02:03, or an Arrow duration; the "
         "file has timestamp[ms] (a point in time)"),
    ],
)  # fmt: skip
def test_what_each_duration_column_expects(
    tmp_path: Path, column: str, values: Any, args: tuple[str, ...], said: str
) -> None:
    src = write(tmp_path / "w.parquet", {**BASE, column: values})
    result = run(str(src), *args)
    assert result.exit_code == 2
    assert said in result.stderr


def test_a_timestamp_mass_and_a_file_without_its_arrow_schema(tmp_path: Path) -> None:
    stamped = pa.array(STAMPS, pa.timestamp("us", tz="UTC"))
    src = write(tmp_path / "m.parquet", {"speed_kmh": [10.0, 11.0], "mass_kg": stamped,
                                         "duration_s": [60.0, 60.0]})  # fmt: skip
    result = run(str(src))
    assert result.exit_code == 2
    assert (
        "column 'mass_kg': expected a number in kg (or text holding one); the file has "
        "timestamp[us, tz=UTC] (a point in time)"
    ) in result.stderr
    # written without pyarrow's schema: the Parquet type is all there is to name
    bare = write(
        tmp_path / "b.parquet",
        {**BASE, "duration_s": pa.array(STAMPS, pa.timestamp("s"))},
        store_schema=False,
    )
    result = run(str(bare))
    assert result.exit_code == 2
    assert "the file has timestamp[ms] (a point in time)" in result.stderr


def test_among_several_files_the_one_with_the_timestamp_is_named(tmp_path: Path) -> None:
    # it was "types that cannot be combined across the inputs (...: double, ...:
    # timestamp[ms]); convert the files to one type", as if either file could be wrong
    good = write(tmp_path / "a.parquet", {**BASE, "duration_s": [60.0, 60.0]})
    bad = write(tmp_path / "b.parquet", {**BASE, "duration_s": pa.array(STAMPS, pa.timestamp("s"))})
    result = run(str(good), str(bad))
    assert result.exit_code == 2
    assert f"Error: {bad}: column 'duration_s': expected a number of seconds" in result.stderr
    assert "the file has timestamp[s] (a point in time)" in result.stderr
