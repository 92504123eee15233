"""``retrocalc activity`` and :func:`retrocalc.estimate_activities` on files the tests write."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import retrocalc as rc
from activity_files import steady, write_fit, write_gpx, write_tcx

click = pytest.importorskip("click")
pytest.importorskip("fitdecode")
from click.testing import CliRunner  # noqa: E402

from retrocalc.cli import cli  # noqa: E402


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "ann"
    root.mkdir()
    write_gpx(steady(3.0, 300), root / "a.gpx")
    write_tcx(steady(1.4, 300, grade=0.02), root / "b.tcx")
    write_fit(steady(2.5, 300), root / "c.fit")
    (root / "broken.fit").write_bytes(b"\x0e\x10junk")
    (root / "notes.txt").write_text("not an activity")
    return root


def test_cli_folder_to_csv_with_a_bad_file_as_a_row(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "summary.csv"
    res = CliRunner().invoke(cli, ["activity", str(folder), "-o", str(out), "--mass-kg", "70",
                                   "-j", "1", "-q"])  # fmt: skip
    assert res.exit_code == 1  # one file failed
    table = pd.read_csv(out)
    assert list(table["file"].map(lambda f: Path(f).name)) == [
        "a.gpx",
        "b.tcx",
        "broken.fit",
        "c.fit",
    ]
    assert list(table["status"]) == ["ok", "ok", "error", "ok"]
    assert "broken.fit" in table.loc[2, "reason"]
    whole = rc.estimate(speed_m_s=3.0, mass_kg=70, duration_s=300, gait="run")
    assert table.loc[0, "energy_net_kcal"] == pytest.approx(whole.energy_net_kcal, rel=2e-3)
    assert not list(tmp_path.glob(".summary.csv.*"))  # no temporary left


def test_parallel_equals_serial_and_athletes_table(folder: Path, tmp_path: Path) -> None:
    athletes = tmp_path / "athletes.csv"
    athletes.write_text(
        "athlete,date,mass_kg\nann,2020-01-01,60\nann,2024-04-01,62\nann,2025-01-01,99\n"
    )
    one = rc.estimate_activities(folder, athletes=athletes, processes=1, progress=False)
    two = rc.estimate_activities(folder, athletes=athletes, processes=2, progress=False)
    pd.testing.assert_frame_equal(one, two)
    ok = one[one["status"] == "ok"]
    assert (ok["mass_kg"] == 62).all()  # the files start on 2024-05-01
    assert (ok["athlete"] == "ann").all()


def test_samples_dir_and_parquet(folder: Path, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    out = tmp_path / "s.parquet"
    rc.estimate_activities(folder / "a.gpx", str(out), mass_kg=70, samples_dir=tmp_path / "x",
                           processes=1, progress=False)  # fmt: skip
    table = pd.read_parquet(out)
    samples = pd.read_csv(table.loc[0, "samples_file"])
    assert len(samples) == 301
    assert samples["energy_net_kcal"].sum() == pytest.approx(table.loc[0, "energy_net_kcal"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["activity"], "at least one"),
        (["activity", "x.gpx"], "OUTPUT"),
        (["activity", "nowhere/*.fit", "-o", "s.csv", "--mass-kg", "70"], "nowhere"),
        (["activity", ".", "-o", "s.csv"], "--mass-kg or --athletes"),
        # click's FloatRange took nan and inf: every file then failed with the same reason
        (["activity", ".", "-o", "s.csv", "--mass-kg", "nan"], "'--mass-kg': nan: expected"),
        (["activity", ".", "-o", "s.csv", "--mass-kg", "inf"], "'--mass-kg': inf: expected"),
        (["activity", ".", "-o", "s.csv", "--mass-kg", "0"], "a body mass in kg above 0"),
    ],
)
def test_cli_usage_errors_without_traceback(args: list[str], message: str) -> None:
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 2
    assert message in res.output
    assert "Traceback" not in res.output


def test_samples_dir_that_is_a_file_is_an_error_naming_it(folder: Path, tmp_path: Path) -> None:
    # it was a FileExistsError traceback from os.makedirs
    taken = tmp_path / "taken.csv"
    taken.write_text("not a folder")
    res = CliRunner().invoke(
        cli,
        ["activity", str(folder), "-o", str(tmp_path / "s.csv"), "--mass-kg", "70",
         "--samples", str(taken)],
    )  # fmt: skip
    assert res.exit_code == 2
    assert f"samples_dir {str(taken)!r} is a file" in res.output
    assert taken.read_text() == "not a folder"
    with pytest.raises(ValueError, match="mass_kg: expected a body mass in kg above 0"):
        rc.estimate_activities(folder, mass_kg=float("nan"), progress=False)


def test_an_output_that_is_a_folder_is_an_error_before_any_work(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # it was an IsADirectoryError traceback from os.replace, after every file was estimated
    taken = tmp_path / "summary.csv"
    taken.mkdir()
    res = CliRunner().invoke(cli, ["activity", str(folder), "-o", str(taken), "--mass-kg", "70"])
    assert res.exit_code == 2
    assert f"output {str(taken)!r} is a folder" in res.output
    assert "Traceback" not in res.output
    assert not list(tmp_path.glob(".*.part"))

    def no_work(*args: object) -> None:
        raise AssertionError("a file was estimated")

    monkeypatch.setattr(rc.activity.many, "_local", no_work)
    for output, said in ((taken, "is a folder"), (tmp_path / "no" / "s.csv", "does not exist")):
        with pytest.raises(ValueError, match=said):
            rc.estimate_activities(folder, str(output), mass_kg=70, progress=False)


def test_a_file_named_alone_belongs_to_the_athlete_of_the_current_folder(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "a.gpx" given from inside ann/ had the athlete '' ("athlete '' is not in the athletes
    # table"): its folder is ann, as for "ann/a.gpx"
    table = tmp_path / "athletes.csv"
    table.write_text("athlete,date,mass_kg\nann,2000-01-01,61\n")
    monkeypatch.chdir(folder)
    out = rc.estimate_activities(["a.gpx"], athletes=table, processes=1, progress=False)
    assert out.loc[0, "status"] == "ok", out.loc[0, "reason"]
    assert out.loc[0, "athlete"] == "ann"
    assert out.loc[0, "mass_kg"] == 61.0


def test_example_runs_in_a_real_subprocess() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "retrocalc", "activity", "--example", "-q"],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("file,session,status,reason")  # session: empty here
    row = pd.read_csv(io.StringIO(proc.stdout)).iloc[0]
    assert row["status"] == "ok"
    # the example is 5 km by construction (tools/make_example_activity.py)
    assert float(row["distance_m"]) == pytest.approx(5000, rel=0.01)
    assert np.isfinite(float(row["energy_net_kcal"]))


def test_mass_in_pounds_on_the_command_line(tmp_path: Path) -> None:
    src = tmp_path / "a.gpx"
    write_gpx(steady(3.0, 300), src)
    kg = tmp_path / "kg.csv"
    lb = tmp_path / "lb.csv"
    pounds = 70 / 0.45359237  # 1 lb = 0.45359237 kg exactly
    for out, option, value in ((kg, "--mass-kg", 70.0), (lb, "--mass-lb", pounds)):
        res = CliRunner().invoke(cli, ["activity", str(src), "-o", str(out), option,
                                       repr(value), "-j", "1", "-q"])  # fmt: skip
        assert res.exit_code == 0, res.output
    by_kg, by_lb = pd.read_csv(kg).iloc[0], pd.read_csv(lb).iloc[0]
    assert by_lb["status"] == "ok"
    assert by_lb["mass_kg"] == pytest.approx(70.0, rel=1e-12)
    assert by_lb["energy_net_kcal"] == pytest.approx(by_kg["energy_net_kcal"], rel=1e-12)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mass-kg", "70", "--mass-lb", "154"], "give --mass-kg or --mass-lb, not both"),
        (["--mass-lb", "nan"], "'--mass-lb': nan: expected a body mass in lb above 0"),
        (["--mass-lb", "0"], "'--mass-lb': 0.0: expected a body mass in lb above 0"),
    ],
)
def test_mass_lb_usage_errors(args: list[str], message: str) -> None:
    res = CliRunner().invoke(cli, ["activity", ".", "-o", "s.csv", *args])
    assert res.exit_code == 2
    assert message in res.output


def test_an_implausible_mass_is_advised_with_the_commands_own_option(tmp_path: Path) -> None:
    # the library's advice names its keyword and column mass_lb; the command has no such
    # thing, its advice names --mass-lb (in the output's reason and on standard error)
    src = tmp_path / "a.gpx"
    write_gpx(steady(3.0, 300), src)
    out = tmp_path / "s.csv"
    res = CliRunner().invoke(cli, ["activity", str(src), "-o", str(out), "--mass-kg", "700",
                                   "-j", "1"])  # fmt: skip
    assert res.exit_code == 0, res.output
    row = pd.read_csv(out).iloc[0]
    assert row["status"] == "warning"
    for text in (row["reason"], row["warnings"], res.stderr):
        assert "mass_kg=700 is an implausible body mass in kg" in text
        assert "give a mass in pounds with --mass-lb" in text
        assert "a keyword or a column" not in text
    from_lb = CliRunner().invoke(cli, ["activity", str(src), "-o", "-", "--mass-lb", "1800",
                                       "-j", "1", "-q"])  # fmt: skip
    assert "it came from --mass-lb 1800" in from_lb.stdout
    # the library keeps its own wording (its users have the keyword)
    table = rc.estimate_activities(src, mass_kg=700, processes=1, progress=False)
    assert "or give it as mass_lb: a keyword or a column" in table.loc[0, "reason"]
