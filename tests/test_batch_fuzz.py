"""Fuzz the real command line with malformed files (issue 10).

A seeded generator writes files mixing the hostile cases of the issue: unit mistakes,
values that overflow, nonsense conversions, bad labels, quoted commas and line breaks,
BOM and CRLF, invalid UTF-8, short and long rows, duplicate or missing columns, empty and
header-only files, gzip (sound and truncated). Each goes through ``retrocalc estimate`` in
process (click's CliRunner) with random options. Whatever the file:

- no traceback, and the exit status is one of the documented ones (docs/guide/batch.md);
- a run that completes writes exactly one output row per input row, and passthrough cells
  come out byte for byte (compared with Python's csv module reading the input);
- no row with status ``ok`` has a non-finite number or a reason; every other row has one;
- a run that fails writes no output, and no temporary ``.part`` file is left behind.

Files whose structure is broken must fail with exit status 2 (1 if ``--on-error raise``
met a bad row first); files with a sound structure must complete (or stop with 1).
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

import retrocalc as rc
from retrocalc.cli import cli

FILES = 1000
SEED = 20261201
DOCUMENTED = {0, 1, 2, 3}  # no signal or bug status may come out of a plain run
FLOATS = [name for name, var in rc.nomenclature.OUTPUTS.items() if var.dtype == "float"]

NUMBERS = [
    "1.4", "3", "2.5", "0", "-1", "1e308", "-1e308", "5e-324", "1e23", "nan", "inf", "-inf",
    "", "NA", "abc", " 2.5 ", "1,5", "15", "11.9", "9", "1e-7", "9" * 400, "1e-400", "0x10",
    "007", "70", "5", "1000", "86400000",
]  # fmt: skip
PACES = [
    "5:30/km", "0:00/km", "  5:30/km  ", "99:99/km", "5:30", "", "abc", "1:02:03/mi",
    " " * 200 + "5:00/km", "8:45/mi", "0:01/km", "-5:00/km", "5:30 min/km",
]  # fmt: skip
LABELS = {
    "gait": ["run", "walk", "auto", "RUN", " Walk ", "swim", "", "1", "nan"],
    "direction": ["forward", "backward", "Backward", "back", "", "2"],
    "model": ["", "acsm_running", "minetti2002_walking", "pandolf1977", "bogus", "ACSM_WALKING"],
}
NOTES = [
    "plain", "007", "a,b", 'say "hi"', "two\nlines", "tab\there", "ünïcødé ✓", "", " ",
    "=1+2", "NA", "nan", "\r", "x" * 300,
]  # fmt: skip
SPEED = ["speed_m_s", "speed_kmh", "pace", "pace_min_km", "speed_mph"]
MASS = ["mass_kg", "mass_lb"]
TIME = ["duration_s", "duration_min", "distance_m", "distance_km"]
OPTIONAL = [["grade", "grade_pct", "grade_deg"], ["gait"], ["direction"], ["model"], ["load_kg"]]
BROKEN = ("short", "long", "latin1", "empty", "duplicate", "missing", "truncated_gz")
SOUND = ("bom", "crlf", "no_final_newline", "header_only", "gzip", "quoted_newline")


@dataclass
class Case:
    path: Path
    rows: int
    broken: bool
    args: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)


def cell(rng: random.Random, column: str) -> str:
    if column == "pace":
        return rng.choice(PACES)
    if column in LABELS:
        return rng.choice(LABELS[column])
    if column == "note":
        return rng.choice(NOTES)
    return rng.choice(NUMBERS)


def quote(value: str) -> str:
    if any(c in value for c in ',"\n\r') or value != value.strip():
        return '"' + value.replace('"', '""') + '"'
    return value


def make(rng: random.Random, folder: Path, i: int) -> Case:
    columns = [rng.choice(SPEED), rng.choice(MASS), rng.choice(TIME)]
    columns += [rng.choice(group) for group in rng.sample(OPTIONAL, rng.randint(0, 3))]
    columns.insert(rng.randint(0, len(columns)), "note")
    kinds = [k for k in SOUND if rng.random() < 0.12]
    if rng.random() < 0.3:
        kinds.append(rng.choice(BROKEN))
    n = 0 if "header_only" in kinds else rng.randint(1, 25)
    if "duplicate" in kinds:
        columns.append(columns[0])
    if "missing" in kinds:
        columns.remove(columns[0] if columns[0] != "note" else columns[1])
    rows = [[cell(rng, c) for c in columns] for _ in range(n)]
    if "quoted_newline" not in kinds:
        for row in rows:
            row[columns.index("note")] = row[columns.index("note")].replace("\n", " ")
            row[columns.index("note")] = row[columns.index("note")].replace("\r", " ")
    lines = [",".join(columns)] + [",".join(quote(v) for v in row) for row in rows]
    if "short" in kinds and rows:
        lines[rng.randint(1, n)] = ",".join(quote(v) for v in rows[0][:-1])
    if "long" in kinds and rows:
        lines[rng.randint(1, n)] += ",extra"
    newline = "\r\n" if "crlf" in kinds else "\n"
    text = newline.join(lines) + ("" if "no_final_newline" in kinds else newline)
    data = text.encode()
    if "bom" in kinds:
        data = b"\xef\xbb\xbf" + data
    if "latin1" in kinds:
        data = data.rstrip(b"\r\n") + b"caf\xe9" + newline.encode()
    if "empty" in kinds:
        data = b""
    suffix = ".csv"
    if "gzip" in kinds or "truncated_gz" in kinds:
        data = gzip.compress(data)
        suffix = ".csv.gz"
        if "truncated_gz" in kinds:
            data = data[: max(len(data) // 2, 10)]
    path = folder / f"in{i}{suffix}"
    path.write_bytes(data)
    # a short or long row needs a row to break; invalid UTF-8 breaks the file anywhere
    broken = bool(
        {"empty", "duplicate", "missing", "truncated_gz", "latin1"} & set(kinds)
        or ({"short", "long"} & set(kinds) and rows)
    )
    args = []
    if rng.random() < 0.2:
        args += ["--on-error", "raise"]
    if rng.random() < 0.2:
        args += ["--out-of-range", "nan"]
    if rng.random() < 0.2:
        args += ["--block-mb", "0.01"]
    return Case(path, n, broken, args, kinds)


def expected_notes(case: Case) -> list[str]:
    """The passthrough column as Python's csv module reads the input (the reference)."""
    raw = case.path.read_bytes()
    if case.path.name.endswith(".gz"):
        raw = gzip.decompress(raw)
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    return [row["note"] for row in reader]


def check_output(case: Case, out: Path) -> None:
    csv.field_size_limit(sys.maxsize)
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == case.rows, case
    assert [r["note"] for r in rows] == expected_notes(case), case
    for row in rows:
        if row["status"] == "ok":
            assert row["error"] == "", row
            for name in FLOATS:
                value = row[name]
                if name == "cost_of_transport_j_kg_m" and value == "":
                    continue  # standing still: no cost per metre
                assert math.isfinite(float(value)), (case, row)
        else:
            assert row["status"] in ("out_of_range", "error"), row
            assert row["error"].strip(), (case, row)


def test_fuzz_malformed_files_through_the_cli(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    runner = CliRunner()
    statuses: dict[int, int] = {}
    for i in range(FILES):
        case = make(rng, tmp_path, i)
        out = tmp_path / f"out{i}.csv"
        result = runner.invoke(cli, ["estimate", "-q", str(case.path), "-o", str(out), *case.args])
        statuses[result.exit_code] = statuses.get(result.exit_code, 0) + 1
        assert "Traceback" not in result.output, (case, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            case,
            result.exception,
        )
        assert result.exit_code in DOCUMENTED, (case, result.output)
        if case.broken:
            allowed = {1, 2} if "raise" in case.args else {2}
            assert result.exit_code in allowed, (case, result.output)
        elif "raise" not in case.args:
            assert result.exit_code == 0, (case, result.output)
        if result.exit_code == 0:
            check_output(case, out)
        else:
            assert result.output.startswith("Error: "), result.output
            assert not out.exists(), case
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    print(f"fuzz: {FILES} files, exit statuses {dict(sorted(statuses.items()))}")
    # the mix really exercised each outcome
    assert statuses.get(0, 0) > FILES // 3
    assert statuses.get(2, 0) > FILES // 20
    assert statuses.get(1, 0) > 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fuzz_subprocess_sample(tmp_path: Path, seed: int) -> None:
    """A few files through a real process: the same guarantees, stderr included."""
    import subprocess

    rng = random.Random(seed)
    case = make(rng, tmp_path, 0)
    out = tmp_path / "out.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "retrocalc", "estimate", "-q", str(case.path), "-o", str(out)],
        capture_output=True,
        timeout=120,
    )
    assert b"Traceback" not in proc.stderr
    assert proc.returncode in DOCUMENTED
    if proc.returncode == 0:
        check_output(case, out)
