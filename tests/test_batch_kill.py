"""Kill ``retrocalc estimate`` at random points (issue 10: files safe under any fault).

Real processes, killed with SIGKILL, SIGTERM or SIGINT at a random moment after the run
has started writing (its ``.part`` file exists). Whatever the moment:

- the output is either the previous file, untouched, or the complete new one: never part;
- SIGTERM exits 143 and SIGINT 130 (or 0 when the run had already finished), with no
  traceback; SIGKILL cannot be handled (-9);
- the ``.part`` file a SIGKILL leaves behind is removed by the next run;
- a signal is acted on promptly (the time to exit is reported, loosely bounded).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROWS = 300_000
PREVIOUS = b"previous output\n"
SIGNALS = [signal.SIGKILL, signal.SIGTERM, signal.SIGINT] * 4


def parts(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(".part")]


def start(src: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "retrocalc", "estimate", str(src), "-o", str(out), "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def complete(out: Path) -> bool:
    data = out.read_bytes()
    return data.endswith(b"\n") and data.count(b"\n") == ROWS + 1


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_random_kills_never_leave_partial_output(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("speed_m_s,mass_kg,duration_s,note\n" + "1.4,70,60,x\n" * ROWS)
    out = tmp_path / "out.csv"
    out.write_bytes(PREVIOUS)
    rng = random.Random(10)
    replaced = untouched = 0
    slowest = 0.0
    for sig in SIGNALS:
        before = out.read_bytes()
        proc = start(src, out)
        assert proc.stderr is not None
        deadline = time.monotonic() + 120
        # wait until the run writes (its handlers are installed), then a random moment
        while proc.poll() is None and not [p for p in parts(tmp_path) if str(proc.pid) in p.name]:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.6))
        sent = time.monotonic()
        if proc.poll() is None:
            proc.send_signal(sig)
        code = proc.wait(timeout=120)
        slowest = max(slowest, time.monotonic() - sent)
        with proc.stderr:
            err = proc.stderr.read()
        assert b"Traceback" not in err, err
        allowed = {0, -9} if sig == signal.SIGKILL else {0, 128 + sig}
        assert code in allowed, (sig, code, err, time.monotonic() - sent, complete(out))
        if code == 0:
            assert complete(out)
            replaced += 1
        elif out.read_bytes() == before:  # untouched: previous or an earlier full run
            untouched += 1
        else:  # only a SIGKILL just after the rename: the new output, complete
            assert sig == signal.SIGKILL, (sig, code)
            assert complete(out)
            replaced += 1
        if sig != signal.SIGKILL:
            assert not [p for p in parts(tmp_path) if str(proc.pid) in p.name]
    # a last run completes and removes what SIGKILLs left behind
    proc = start(src, out)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert complete(out)
    assert parts(tmp_path) == []
    assert untouched > 0  # the kills really interrupted runs
    assert slowest < 10.0, f"a signal took {slowest:.1f} s to act"
    print(
        f"kills: {len(SIGNALS)}, interrupted {untouched}, finished {replaced}, "
        f"slowest exit after a signal {slowest:.2f} s"
    )


def test_sigterm_exit_status_and_cleanup(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("speed_m_s,mass_kg,duration_s\n" + "1.4,70,60\n" * ROWS)
    out = tmp_path / "out.csv"
    proc = start(src, out)
    while proc.poll() is None and not parts(tmp_path):
        time.sleep(0.01)
    if proc.poll() is not None:
        pytest.skip("the run finished before it could be signalled")
    os.kill(proc.pid, signal.SIGTERM)
    assert proc.wait(timeout=120) == 143
    assert proc.stderr is not None
    with proc.stderr:
        assert b"Traceback" not in proc.stderr.read()
    assert not out.exists()
    assert parts(tmp_path) == []
