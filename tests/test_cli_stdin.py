"""``retrocalc estimate -``: the input read from standard input, as a pipe gives it.

Expected output: the same command on the same rows given as a file (the file route is
tested against an independent reference in test_batch.py).
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from retrocalc.batch import BatchError, estimate_file
from retrocalc.cli import cli

ROWS = """id,speed_kmh,mass_kg,duration_min,gait
1,10,70,30,run
2,x,70,30,run
3,5,60,20,walk
"""


def run(*args: str, stdin: bytes) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)


def by_file(tmp_path: Path, text: str, *args: str) -> str:
    """The output of the same command with the rows in a file."""
    src = tmp_path / "rows.csv"
    src.write_text(text)
    result = CliRunner().invoke(cli, ["estimate", str(src), "-o", "-", "-q", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_csv_from_stdin_to_a_file_is_what_the_file_gives(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = run("estimate", "-", "-o", str(out), stdin=ROWS.encode())
    assert result.exit_code == 0, result.output
    assert out.read_text() == by_file(tmp_path, ROWS)
    # the same summary as for a file, the bad row counted and its reason in the output
    assert "3 rows -> " + str(out) in result.stderr
    assert "ok 2 | out_of_range 0 | error 1" in result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert rows[1]["status"] == "error"
    assert "'x' is not a number" in rows[1]["error"]


def test_stdin_to_stdout(tmp_path: Path) -> None:
    result = run("estimate", "-", "-o", "-", "-q", stdin=ROWS.encode())
    assert result.exit_code == 0, result.output
    assert result.stdout == by_file(tmp_path, ROWS)


def test_a_bad_row_is_named_in_stdin_and_no_output_is_left(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = run("estimate", "-", "-o", str(out), "--on-error", "raise", stdin=ROWS.encode())
    assert result.exit_code == 1
    assert "Error: <stdin>: data row 2: speed_kmh (speed_m_s): 'x' is not a number" in (
        result.stderr
    )
    assert not out.exists()
    assert os.listdir(tmp_path) == []  # no temporary part either


def test_stdin_among_files_keeps_the_order(tmp_path: Path) -> None:
    first = tmp_path / "a.csv"
    first.write_text(ROWS)
    out = tmp_path / "out.csv"
    result = run("estimate", str(first), "-", "-o", str(out), "-q", stdin=ROWS.encode())
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert table["id"].tolist() == [1, 2, 3, 1, 2, 3]


def test_semicolons_and_decimal_commas_and_gzip_from_stdin(tmp_path: Path) -> None:
    text = "speed_kmh;mass_kg;duration_min\n10,5;70;30\n"
    plain = run("estimate", "-", "-o", "-", "-q", stdin=text.encode())
    assert plain.exit_code == 0, plain.output
    assert plain.stdout == by_file(tmp_path, text)
    assert next(iter(csv.DictReader(io.StringIO(plain.stdout))))["status"] == "ok"
    packed = run("estimate", "-", "-o", "-", "-q", stdin=gzip.compress(text.encode()))
    assert packed.exit_code == 0, packed.output
    assert packed.stdout == plain.stdout


def test_parquet_from_stdin_is_buffered_then_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spool = tmp_path / "tmp"
    spool.mkdir()
    monkeypatch.setenv("TMPDIR", str(spool))
    monkeypatch.setattr("tempfile.tempdir", None)  # TMPDIR is read again
    src = tmp_path / "rows.parquet"
    pd.read_csv(io.StringIO(ROWS)).to_parquet(src)
    out = tmp_path / "out.csv"
    result = run("estimate", "-", "-o", str(out), "-q", stdin=src.read_bytes())
    assert result.exit_code == 0, result.output
    from_file = tmp_path / "file.csv"
    assert CliRunner().invoke(cli, ["estimate", str(src), "-o", str(from_file)]).exit_code == 0
    assert out.read_text() == from_file.read_text()
    assert os.listdir(spool) == []
    # a bad row from a buffered Parquet input names <stdin>, not the temporary file
    failed = run("estimate", "-", "-o", "-", "--on-error", "raise", stdin=src.read_bytes())
    assert failed.exit_code == 1
    assert "Error: <stdin>: data row 2:" in failed.stderr
    assert os.listdir(spool) == []
    cut = run("estimate", "-", "-o", "-", stdin=src.read_bytes()[:200])
    assert cut.exit_code == 2
    assert "<stdin>: a truncated or corrupt Parquet file" in cut.stderr
    assert os.listdir(spool) == []


def test_stdin_usage_errors() -> None:
    empty = run("estimate", "-", "-o", "-", stdin=b"")
    assert empty.exit_code == 2
    assert "<stdin>: standard input is empty" in empty.stderr
    twice = run("estimate", "-", "-", "-o", "-", stdin=ROWS.encode())
    assert twice.exit_code == 2
    assert "given twice" in twice.stderr
    dask = run("estimate", "-", "-o", "-", "--engine", "dask", stdin=ROWS.encode())
    assert dask.exit_code == 2
    assert "standard input ('-') cannot be one" in dask.stderr


def test_a_terminal_is_not_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    class Terminal(io.BytesIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(Terminal(b"")))
    with pytest.raises(BatchError, match="standard input, which is a terminal"):
        estimate_file("-", tmp_path / "o.csv", progress=False)


def test_rows_stream_through_a_pipe_before_it_closes() -> None:
    """A real pipe: output rows come out while the input is still being written (memory is
    bounded by the blocks, as for a file, not by the input)."""
    command = [sys.executable, "-m", "retrocalc", "estimate", "-", "-o", "-", "-q",
               "--block-mb", "0.05"]  # fmt: skip
    got: list[bytes] = []
    with subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    ) as proc:
        assert proc.stdin is not None
        assert proc.stdout is not None
        out = proc.stdout
        reader = threading.Thread(target=lambda: got.extend(out), daemon=True)
        reader.start()
        try:
            proc.stdin.write(b"speed_kmh,mass_kg,duration_min\n" + b"10,70,30\n" * 200_000)
            proc.stdin.flush()
            deadline = time.monotonic() + 120
            while len(got) < 1000 and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.05)
            assert len(got) >= 1000, proc.poll()  # while the pipe is still open
            proc.stdin.write(b"10,70,30\n" * 10)
        finally:
            proc.stdin.close()
            proc.wait(timeout=120)
            reader.join(timeout=30)
    assert proc.returncode == 0
    assert len(got) == 1 + 200_010


def test_a_truncated_gzip_on_stdin_is_an_error_not_a_bug_report(tmp_path: Path) -> None:
    text = "speed_kmh,mass_kg,duration_min\n" + "".join(
        f"{8 + i % 70 / 10},{60 + i % 30},{i % 90 + 1}\n" for i in range(100_000)
    )
    packed = gzip.compress(text.encode())
    out = tmp_path / "out.csv"
    result = run("estimate", "-", "-o", str(out), stdin=packed[: len(packed) // 2])
    assert result.exit_code == 2, result.output
    assert "Error: <stdin>: the gzip stream is corrupt or truncated" in result.stderr
    assert not out.exists()
    garbage = run("estimate", "-", "-o", str(out), stdin=b"\x1f\x8bnot gzip at all")
    assert garbage.exit_code == 2
    assert "Error: <stdin>: the gzip stream is corrupt or truncated" in garbage.stderr


@pytest.mark.parametrize(
    "text",
    [
        "\n\nspeed_kmh,mass_kg,duration_min\r\n10,70,30\r\n\r\n11,70,30",  # blank lines, CRLF
        "\ufeffspeed_kmh,mass_kg,duration_min\n10,70,30\n",  # a byte-order mark
        "speed_kmh\tmass_kg\tduration_min\n10\t70\t30\n",  # tabs
        "speed_kmh,mass_kg,duration_min",  # a header alone, without a final newline
    ],
)
def test_stdin_is_read_by_the_rules_a_file_is_read_by(tmp_path: Path, text: str) -> None:
    result = run("estimate", "-", "-o", "-", "-q", stdin=text.encode())
    assert result.exit_code == 0, result.output
    assert result.stdout == by_file(tmp_path, text)


def test_an_error_while_the_pipe_is_still_written_ends_the_run_cleanly() -> None:
    """A row longer than a block while the writer is still writing: pyarrow's read-ahead
    thread was still reading the pipe when the interpreter exited (aborted with 'terminate
    called without an active exception' or a fatal GIL error, or hung; most runs)."""
    command = [sys.executable, "-m", "retrocalc", "estimate", "-", "-o", "-", "-q"]
    data = b"speed_kmh,mass_kg,duration_min,note\n10,70,30," + b"x" * 6_000_000 + b"\n"
    for _ in range(4):
        with subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        ) as proc:
            assert proc.stdin is not None

            def write(stdin: IO[bytes] = proc.stdin) -> None:
                with contextlib.suppress(BrokenPipeError):
                    stdin.write(data)
                    stdin.close()

            writer = threading.Thread(target=write, daemon=True)
            writer.start()
            try:
                _, err = proc.communicate(timeout=60)
            finally:
                proc.kill()
                writer.join(timeout=10)
        text = err.decode()
        assert proc.returncode == 2, text
        assert text.strip() == text.strip().splitlines()[0], text  # the message alone
        assert text.startswith("Error: <stdin>: a row is longer than 1 MiB"), text


def test_a_text_stream_in_place_of_stdin_is_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # sys.stdin replaced by a text stream without a binary buffer (io.StringIO, as a test
    # harness or an embedding application does): "TypeError: can't concat str to bytes"
    monkeypatch.setattr(sys, "stdin", io.StringIO("\ufeff" + ROWS.replace("\n", "\r\n")))
    out = tmp_path / "out.csv"
    summary = estimate_file("-", out, progress=False)
    assert summary.inputs == ["<stdin>"]
    assert out.read_text() == by_file(tmp_path, ROWS)


def test_a_failed_stdin_run_after_main_in_this_process_leaves_the_process_alone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # main() marked the process as the command's own and never unmarked it: a later failed
    # run on standard input in the same process (a test session) ended it with os._exit
    from retrocalc.cli import main

    with pytest.raises(SystemExit):
        main(["models"])
    capsys.readouterr()
    result = run("estimate", "-", "-o", "-", "-q", "--on-error", "raise", stdin=ROWS.encode())
    assert result.exit_code == 1, result.output
    assert "<stdin>: data row 2" in result.output
