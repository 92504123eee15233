"""Without an extra, every face says which extra to install; dir(retrocalc) is the public API.

Missing modules are simulated in process (``sys.modules[name] = None`` makes an import fail)
and, for the console script, in a real subprocess whose import system refuses the modules.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

import retrocalc as rc
from retrocalc import _entry, _extras

ROOT = Path(__file__).parents[1]

# run in a subprocess before anything else: from then on, importing a blocked module (or any
# of its submodules) fails as in an environment where it is not installed
BLOCKER = """
import importlib.abc, sys
BLOCKED = {blocked!r}
class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None
sys.meta_path.insert(0, Blocker())
"""


def run_blocked(blocked: set[str], code: str) -> subprocess.CompletedProcess[str]:
    script = BLOCKER.format(blocked=sorted(blocked)) + textwrap.dedent(code)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "MPLBACKEND": "Agg"}
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )


def _block(monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    for name in names:
        monkeypatch.setitem(sys.modules, name, None)


# --- the helper ---------------------------------------------------------------------------


def test_require_names_the_extra_and_the_module(monkeypatch: pytest.MonkeyPatch) -> None:
    _block(monkeypatch, "pyarrow")
    with pytest.raises(ModuleNotFoundError) as info:
        _extras.require("cli", feature="rc.estimate_file")
    assert info.value.name == "pyarrow"
    assert str(info.value) == (
        "rc.estimate_file needs pyarrow, which is not installed; "
        "install the cli extra: pip install 'retrocalc[cli]'"
    )


def test_several_missing_modules_are_all_named(monkeypatch: pytest.MonkeyPatch) -> None:
    _block(monkeypatch, "click", "polars")
    assert _extras.missing("cli") == ["click", "polars"]
    with pytest.raises(ImportError, match=r"needs click, polars, which are not installed"):
        _extras.require("cli")


def test_nothing_missing_is_silent() -> None:
    assert _extras.missing("cli") == []  # the test environment has the extras
    _extras.require("plot")
    _extras.require("dask", "dask")


def test_unknown_extra_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"unknown extra 'plots'; extras: cli, dask, plot"):
        _extras.missing("plots")


def test_needs_checks_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    @_extras.needs("plot", feature="my_face")
    def face(x: int) -> int:
        """Doc of the face."""
        calls.append(x)
        return 2 * x

    assert face(3) == 6
    assert face.__doc__ == "Doc of the face."
    _block(monkeypatch, "matplotlib")
    with pytest.raises(ImportError, match=r"my_face needs matplotlib.*retrocalc\[plot\]"):
        face(4)
    assert calls == [3]  # the function never ran without its extra


def _requirement_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\[<>=~! ;]", r, maxsplit=1)[0].lower() for r in requirements}


def test_extras_table_matches_pyproject() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    for extra, modules in _extras.EXTRAS.items():
        names = _requirement_names(extras[extra]) - {"retrocalc"}
        assert names == set(modules), extra  # the distributions' import names are their own
    assert _requirement_names(extras["all"]) == {"retrocalc"}
    in_all = set(re.findall(r"[a-z]+", extras["all"][0].split("[", 1)[1]))
    assert in_all == {"cli", "dask", "plot", "frames", "activity"}


# --- the faces ---------------------------------------------------------------------------


def test_console_script_is_the_light_entry_point() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"retrocalc": "retrocalc._entry:main"}
    out = run_blocked(
        set(),
        """
        import sys
        import retrocalc._entry
        assert "click" not in sys.modules, "the entry point imported click"
        """,
    )
    assert out.returncode == 0, out.stderr


def test_entry_point_without_click_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _block(monkeypatch, "click")
    with pytest.raises(SystemExit) as info:
        _entry.main(["--help"])
    assert info.value.code == _entry.EXIT_MISSING_EXTRA == 1
    err = capsys.readouterr().err
    assert "needs click, which is not installed" in err
    assert "pip install 'retrocalc[cli]'" in err


@pytest.mark.parametrize("blocked", [{"click"}, {"click", "tqdm", "pyarrow", "polars"}])
def test_retrocalc_help_in_a_core_only_install(blocked: set[str]) -> None:
    # `python -m retrocalc --help`, the console script's code path, with the modules refused
    out = run_blocked(
        blocked,
        """
        import runpy, sys
        sys.argv = ["retrocalc", "--help"]
        runpy.run_module("retrocalc", run_name="__main__", alter_sys=True)
        """,
    )
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert "ModuleNotFoundError" not in out.stderr
    assert "pip install 'retrocalc[cli]'" in out.stderr
    for name in blocked:
        assert name in out.stderr


def test_retrocalc_help_with_the_extra() -> None:
    out = run_blocked(
        set(),
        """
        import runpy, sys
        sys.argv = ["retrocalc", "--help"]
        runpy.run_module("retrocalc", run_name="__main__", alter_sys=True)
        """,
    )
    assert out.returncode == 0, out.stderr
    assert "Usage: retrocalc" in out.stdout


def test_importing_the_cli_module_without_click(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    _block(monkeypatch, "click")
    monkeypatch.delitem(sys.modules, "retrocalc.cli", raising=False)
    with pytest.raises(ImportError, match=r"retrocalc\.cli .* pip install 'retrocalc\[cli\]'"):
        importlib.import_module("retrocalc.cli")


def test_estimate_file_without_pyarrow(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _block(monkeypatch, "pyarrow")
    out = tmp_path / "out.csv"
    with pytest.raises(ImportError) as info:
        rc.estimate_file(str(tmp_path / "in.csv"), str(out))
    assert str(info.value).startswith("rc.estimate_file needs pyarrow")
    assert "pip install 'retrocalc[cli]'" in str(info.value)
    assert not out.exists()


def test_estimate_file_without_the_extra_in_a_fresh_process() -> None:
    out = run_blocked(
        {"pyarrow", "polars", "click", "tqdm"},
        """
        import retrocalc as rc
        from retrocalc import *  # the public API imports without any extra
        f = rc.estimate_file  # reachable (and documented) without the extra...
        assert f.__doc__ and "Parameters" in f.__doc__
        try:
            f("in.csv", "out.csv")  # ...but a call says what to install
        except ImportError as e:
            print(e)
        """,
    )
    assert out.returncode == 0, out.stderr
    assert "rc.estimate_file needs tqdm, pyarrow, polars" in out.stdout
    assert "pip install 'retrocalc[cli]'" in out.stdout


def test_estimate_file_is_one_object() -> None:
    assert rc.estimate_file is rc.estimate_file
    from retrocalc.batch import estimate_file

    assert rc.estimate_file.__wrapped__ is estimate_file  # type: ignore[attr-defined]


def test_plot_without_matplotlib_in_a_fresh_process() -> None:
    out = run_blocked(
        {"matplotlib"},
        """
        import retrocalc as rc
        try:
            rc.plot
        except ImportError as e:
            print(type(e).__name__, e)
        """,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == (
        "ModuleNotFoundError retrocalc.plot needs matplotlib, which is not installed; "
        "install the plot extra: pip install 'retrocalc[plot]'"
    )


def test_dask_engine_without_dask(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("click")
    from retrocalc.cli import main

    _block(monkeypatch, "dask", "dask.dataframe", "distributed")
    out = tmp_path / "energy.csv"
    with pytest.raises(SystemExit) as info:
        main(["estimate", "--example", "-o", str(out), "--engine", "dask", "--quiet"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "Error: retrocalc.dask (--engine dask) needs dask" in err
    assert "pip install 'retrocalc[dask]'" in err
    assert "Traceback" not in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no partial output either


# --- dir(retrocalc) ----------------------------------------------------------------------


def test_dir_is_the_public_api() -> None:
    names = dir(rc)
    assert names == sorted(names)
    assert set(names) == {*rc.__all__, "plot", "activity_types"}
    for leaked in ("Any", "TYPE_CHECKING", "annotations", "_sys", "core", "_wrap", "batch"):
        assert leaked not in names
    assert [n for n in names if n.startswith("_")] == ["__version__"]


def test_every_name_in_dir_resolves() -> None:
    for name in dir(rc):
        assert getattr(rc, name) is not None, name


def test_star_import_gives_all() -> None:
    namespace: dict[str, object] = {}
    exec("from retrocalc import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(rc.__all__)


def test_polars_inputs_without_narwhals_name_the_frames_extra() -> None:
    out = run_blocked(
        {"narwhals"},
        """
        import polars as pl
        import retrocalc as rc
        try:
            rc.estimate(pl.DataFrame({"speed_m_s": [1.4], "mass_kg": [70.0]}))
        except ImportError as exc:
            print(exc)
        """,
    )
    assert "pip install 'retrocalc[frames]'" in out.stdout, out.stderr


def test_polars_inputs_need_no_pyarrow() -> None:
    out = run_blocked(
        {"pyarrow"},
        """
        import polars as pl
        import retrocalc as rc
        out = rc.estimate(pl.DataFrame({"speed_m_s": [1.4, None], "mass_kg": [70.0, 70.0]}),
                          status=True)
        print(out["status"].to_list())
        """,
    )
    assert out.stdout.strip() == "['ok', 'error']", out.stderr
