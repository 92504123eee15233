"""retrocalc pace: one value, a file, errors without a traceback."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from retrocalc.cli import cli


def test_speed_for_a_target() -> None:
    out = CliRunner().invoke(cli, ["pace", "--target", "600", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    # ACSM, 70 kg: 600 kcal/h = 9.962 W/kg = 28.57 ml/kg/min -> (28.57 - 3.5) / 0.2 m/min
    assert data["speed_m_s"] == pytest.approx(
        (600 * 4184 / 3600 / 70 / (5 * 4184 / 60000) - 3.5) / 0.2 / 60
    )
    assert data["status"] == "ok"


def test_grade_adjusted_pace_text() -> None:
    out = CliRunner().invoke(cli, ["pace", "--pace", "5:00/km", "--grade", "0.1"])
    assert out.exit_code == 0, out.output
    # ACSM: 3.333 m/s x (1 + 4.5 x 0.1) = 4.833 m/s
    assert "4.833 m/s" in out.output


def test_file_in_file_out(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("target,gait\n500,run\n3000,walk\n")
    dst = tmp_path / "out.csv"
    out = CliRunner().invoke(cli, ["pace", "-i", str(src), "-o", str(dst)])
    assert out.exit_code == 0, out.output
    frame = pd.read_csv(dst)
    assert list(frame["status"]) == ["ok", "above_range"]
    assert not list(tmp_path.glob("*.part"))


def test_usage_errors() -> None:
    out = CliRunner().invoke(cli, ["pace"])
    assert out.exit_code == 2
    assert "give either --target" in out.output
    # a malformed pace and an unknown model were errors of the library's words ("at the
    # scalar input", "at index 0"), exit status 1: usage errors naming the option
    out = CliRunner().invoke(cli, ["pace", "--pace", "5:00/xx"])
    assert out.exit_code == 2
    assert "Invalid value for '--pace': pace '5:00/xx' is not of the form" in out.output
    assert "scalar input" not in out.output
    out = CliRunner().invoke(cli, ["pace", "--target", "600", "--model", "acsm_runing"])
    assert out.exit_code == 2
    assert "Invalid value for '--model': 'acsm_runing' is not one of" in out.output
    assert "Traceback" not in out.output


# the other options each question needs besides the one tested
_WITH = {
    "--target": [],
    "--speed-kmh": [],
    "--speed-m-s": [],
    "--duration-min": ["--target", "600", "--quantity", "energy_gross_kcal"],
    "--mass-kg": ["--target", "600"],
    "--grade": ["--pace", "5:00/km"],
    "--to-grade": ["--pace", "5:00/km"],
}


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
@pytest.mark.parametrize("option", list(_WITH))
def test_non_finite_numbers_are_usage_errors(option: str, value: str) -> None:
    out = CliRunner().invoke(cli, ["pace", *_WITH[option], option, value])
    assert out.exit_code == 2, out.output
    assert f"Invalid value for '{option}': {value}: expected a finite" in out.output
    assert "Traceback" not in out.output


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--speed-m-s", "-3", "0 or more"),
        ("--speed-kmh", "-1", "0 or more"),
        ("--mass-kg", "0", "above 0"),
        ("--duration-min", "0", "above 0"),
        ("--target", "-5", "0 or more"),  # was answered below_range
    ],
)
def test_impossible_numbers_are_usage_errors(option: str, value: str, expected: str) -> None:
    # they were "Error: speed_m_s must be >= 0 ... at the scalar input", exit status 1
    out = CliRunner().invoke(cli, ["pace", *_WITH[option], option, value])
    assert out.exit_code == 2, out.output
    assert f"Invalid value for '{option}': {float(value)}: expected" in out.output
    assert expected in out.output


def test_a_negative_target_in_a_file_is_that_rows_answer(tmp_path: Path) -> None:
    src = tmp_path / "q.csv"
    src.write_text("target,mass_kg\n600,70\n-5,70\n")
    out = CliRunner().invoke(cli, ["pace", "-i", str(src)])
    assert out.exit_code == 0, out.output
    frame = pd.read_csv(io.StringIO(out.output))
    assert list(frame["status"]) == ["ok", "invalid"]
    assert frame["reason"][1].startswith("target: '-5' is impossible: must be >= 0")
    assert np.isnan(frame["speed_m_s_out"][1])


@pytest.mark.parametrize("text", ["nan", "0:00/km"])
def test_a_pace_without_a_finite_speed_is_a_usage_error(text: str) -> None:
    out = CliRunner().invoke(cli, ["pace", "--pace", text])
    assert out.exit_code == 2, out.output
    assert f"Invalid value for '--pace': {text}: expected a pace such as 5:00/km" in out.output


def test_no_empty_model_name(monkeypatch: pytest.MonkeyPatch) -> None:
    import retrocalc.cli_pace as cli_pace
    from retrocalc.inverse import InverseResult

    def no_model(*args: object, **kwargs: object) -> InverseResult:
        return InverseResult(float("nan"), "invalid", "an impossible input", "", False)

    monkeypatch.setattr(cli_pace, "equivalent_speed", no_model)
    out = CliRunner().invoke(cli, ["pace", "--pace", "5:00/km"])
    assert out.exit_code == 0, out.output
    assert ": no speed (invalid)\n" in out.output
    assert "(," not in out.output


def test_huge_and_tiny_speeds_in_significant_digits() -> None:
    out = CliRunner().invoke(cli, ["pace", "--speed-m-s", "1e30"])
    assert out.exit_code == 0, out.output
    assert out.stdout.startswith("1e+30 m/s = 3.6e+30 km/h = ")
    assert "000000" not in out.stdout
    out = CliRunner().invoke(cli, ["pace", "--speed-m-s", "1e-30"])
    assert out.stdout.startswith("1e-30 m/s = 3.6e-30 km/h = no pace ")
    out = CliRunner().invoke(cli, ["pace", "--speed-m-s", "0"])
    assert out.stdout.startswith("0.000 m/s = 0.00 km/h = no pace ")


def _speed_limit() -> float:
    from retrocalc.composition.plausible import UNIT_LIMITS

    (rule,) = [r for r in UNIT_LIMITS if r.name == "speed_m_s" and r.gait is None]
    assert rule.high is not None
    return rule.high


def test_a_speed_that_looks_like_another_unit_is_warned_about() -> None:
    high = _speed_limit()
    for args in (["--speed-m-s", "1e30"], ["--speed-m-s", f"{high * 1.01}", "--json"]):
        out = CliRunner().invoke(cli, ["pace", *args])
        assert out.exit_code == 0, out.output
        assert out.stderr.count("Warning: --speed-m-s ") == 1, out.stderr
        assert "looks like km/h; for km/h give --speed-kmh" in out.stderr
        assert "Warning" not in out.stdout  # the JSON stays readable
    out = CliRunner().invoke(cli, ["pace", "--speed-m-s", f"{high * 0.99}"])
    assert out.exit_code == 0, out.output
    assert out.stderr == ""


def test_other_implausible_inputs_are_warned_about_once() -> None:
    out = CliRunner().invoke(cli, ["pace", "--speed-m-s", "3", "--mass-kg", "900"])
    assert out.stderr.count("Warning: --mass-kg 900 ") == 1, out.stderr
    out = CliRunner().invoke(cli, ["pace", "--target", "600", "--grade", "8"])
    assert out.stderr.count("Warning: --grade 8 looks like percent") == 1, out.stderr
    out = CliRunner().invoke(cli, ["pace", "--pace", "5:00/km", "--to-grade", "-7"])
    assert out.stderr.count("Warning: --to-grade -7 looks like percent") == 1, out.stderr
    # the options are named, never the library's arguments or its Python advice
    assert "retrocalc.units" not in out.stderr
    assert "scalar input" not in out.stderr


def test_a_speed_given_in_km_h_or_as_a_pace_is_not_said_to_look_like_km_h() -> None:
    # 60 km/h and 0:40/km are beyond the speed rule once converted (16.7 and 25 m/s): the
    # warning names the option and the speed, not a unit the user did not type
    high = _speed_limit()
    for option, value, speed in (("--speed-kmh", "60", 60 / 3.6), ("--pace", "0:40/km", 25.0)):
        assert speed > high
        out = CliRunner().invoke(cli, ["pace", option, value])
        assert out.exit_code == 0, out.output
        assert f"Warning: {option} {value} is {speed:.3f} m/s: faster than" in out.stderr
        assert "looks like km/h" not in out.stderr
    out = CliRunner().invoke(cli, ["pace", "--speed-kmh", f"{high * 3.6 * 0.99}"])
    assert out.stderr == ""


def test_file_rows_that_look_like_another_unit_are_warned_about(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("speed_m_s\n3\n20\n")
    out = CliRunner().invoke(cli, ["pace", "-i", str(src)])
    assert out.exit_code == 0, out.output
    assert "Warning: speed_m_s=20 in row 2 looks like km/h (1 such value)" in out.stderr
    assert list(pd.read_csv(io.StringIO(out.stdout))["status"]) == ["ok", "above_range"]


def test_a_blank_line_of_an_input_file_is_a_question_not_dropped(tmp_path: Path) -> None:
    # a one-column sheet saves an empty cell as an empty line: that row gets an answer
    # ("invalid"), and the rows after it keep their places
    src = tmp_path / "in.csv"
    src.write_text("speed_m_s\n3\n\n2.5\n")
    out = CliRunner().invoke(cli, ["pace", "-i", str(src)])
    assert out.exit_code == 0, out.output
    table = pd.read_csv(io.StringIO(out.stdout))
    assert table["status"].tolist() == ["ok", "invalid", "ok"]
    assert table["speed_m_s"].isna().tolist() == [False, True, False]
    alone = [
        json.loads(CliRunner().invoke(cli, ["pace", "--speed-m-s", v, "--json"]).stdout)
        for v in ("3", "2.5")
    ]
    assert table["speed_m_s_out"][[0, 2]].tolist() == [a["speed_m_s"] for a in alone]


def test_file_rows_are_warned_about_in_the_file_s_terms(tmp_path: Path) -> None:
    # a pace column beyond the speed rule is said as a pace (not "looks like km/h"), its row
    # counted from 1; an option standing for a missing column is named as the option
    high = _speed_limit()
    src = tmp_path / "in.csv"
    src.write_text("pace\n5:00/km\n0:30/km\n0:20/km\n")
    out = CliRunner().invoke(cli, ["pace", "-i", str(src), "--mass-kg", "900"])
    assert out.exit_code == 0, out.output
    assert high < 1000 / 30
    assert "Warning: pace in row 2 is 33.333 m/s (2 such values): faster than" in out.stderr
    assert "Warning: --mass-kg 900 is an implausible body mass" in out.stderr
    assert "looks like km/h" not in out.stderr
    assert "retrocalc.units" not in out.stderr


def test_file_output_is_never_the_input_nor_a_traceback(tmp_path: Path) -> None:
    # the output over the input replaced the questions by the answers; a folder, or a
    # folder that does not exist, ended in an IsADirectoryError / FileNotFoundError traceback
    src = tmp_path / "in.csv"
    src.write_text("speed_m_s\n3\n")
    (tmp_path / "folder.csv").mkdir()
    for output, said in (
        (str(src), "is the input; refusing to overwrite it"),
        (str(tmp_path / "." / "in.csv"), "is the input; refusing to overwrite it"),
        (str(tmp_path / "folder.csv"), "is a folder"),
        (str(tmp_path / "missing" / "out.csv"), "does not exist"),
    ):
        out = CliRunner().invoke(cli, ["pace", "-i", str(src), "-o", output])
        assert out.exit_code == 1, out.output
        assert said in out.output
        assert out.exception is None or isinstance(out.exception, SystemExit)
    assert src.read_text() == "speed_m_s\n3\n"
    assert not list(tmp_path.glob("*.part"))
    assert not list(tmp_path.glob(".*.part"))


def test_a_new_output_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    # it was 0600, the mode of a temporary file
    src = tmp_path / "in.csv"
    src.write_text("speed_m_s\n3\n")
    dst = tmp_path / "out.csv"
    umask = os.umask(0o022)
    try:
        out = CliRunner().invoke(cli, ["pace", "-i", str(src), "-o", str(dst)])
    finally:
        os.umask(umask)
    assert out.exit_code == 0, out.output
    assert dst.stat().st_mode & 0o777 == 0o644


def test_a_bad_cell_of_an_input_file_is_its_row_s_answer(tmp_path: Path) -> None:
    # they ended the whole file: "could not convert string to float: 'x'" (no column, no
    # row), "mass_kg must be numeric; got '70' at index 0" (a good value named), "speed_m_s
    # must be >= 0 ... at index 3"; now each is its row's reason, the other rows answered
    src = tmp_path / "in.csv"
    src.write_text("speed_m_s,mass_kg,grade\n3,70,0\nx,70,0\n-1,70,0\n3,abc,0\n3,0,y\n2.5,70,0\n")
    out = CliRunner().invoke(cli, ["pace", "-i", str(src), "--to-direction", "backward"])
    assert out.exit_code == 0, out.output
    table = pd.read_csv(io.StringIO(out.stdout), dtype={"reason": str})
    assert table["status"].tolist() == ["ok", "invalid", "invalid", "invalid", "invalid", "ok"]
    assert table["reason"].tolist()[1:5] == [
        "speed_m_s: 'x' is not a number",
        "speed_m_s: '-1' is impossible: must be >= 0 (a speed in m/s)",
        "mass_kg: 'abc' is not a number",
        "mass_kg: '0' is impossible: must be > 0 (a body mass in kg); grade: 'y' is not a number",
    ]
    alone = [
        json.loads(
            CliRunner()
            .invoke(cli, ["pace", "--speed-m-s", v, "--to-direction", "backward", "--json"])
            .stdout
        )["speed_m_s"]
        for v in ("3", "2.5")
    ]
    assert table["speed_m_s_out"][[0, 5]].tolist() == alone
    assert table["speed_m_s_out"][1:5].isna().all()


def test_a_bad_pace_or_target_cell_is_its_row_s_answer(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("pace\n5:00/km\nabc\n5:75/km\n")
    out = CliRunner().invoke(cli, ["pace", "-i", str(src)])
    assert out.exit_code == 0, out.output
    table = pd.read_csv(io.StringIO(out.stdout))
    assert table["status"].tolist() == ["ok", "invalid", "invalid"]
    assert table["reason"][1].startswith("pace 'abc' is not of the form")
    assert table["reason"][2] == "pace '5:75/km' has 75 seconds; expected fewer than 60"
    assert table["speed_m_s_out"][0] == pytest.approx(1000 / 300)  # level: the same speed
    src.write_text("target\n600\nlots\n")
    out = CliRunner().invoke(cli, ["pace", "-i", str(src)])
    assert out.exit_code == 0, out.output
    table = pd.read_csv(io.StringIO(out.stdout))
    assert table["status"].tolist() == ["ok", "invalid"]
    assert table["reason"][1] == "target: 'lots' is not a number"


def test_a_pace_in_miles_is_read_in_miles_whatever_the_output_unit() -> None:
    # --help's own example, --pace 8:00/mi, failed: "says /mi but unit='km' was passed"
    # (the default --unit km, the unit of the answer, was taken as the given pace's)
    for args in (["--pace", "8:00/mi"], ["--pace", "8:00/mi", "--unit", "mi"]):
        out = CliRunner().invoke(cli, ["pace", *args, "--json"])
        assert out.exit_code == 0, out.output
        assert json.loads(out.stdout)["speed_m_s"] == pytest.approx(1609.344 / 480)
    out = CliRunner().invoke(cli, ["pace", "--pace", "5:00/km", "--unit", "mi", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["speed_m_s"] == pytest.approx(1000 / 300)
    assert data["pace"] == "8:03/mi"  # 1609.344 m at 3.333 m/s: 482.8 s
    out = CliRunner().invoke(cli, ["pace", "--pace", "8:00", "--unit", "mi", "--json"])
    assert json.loads(out.stdout)["speed_m_s"] == pytest.approx(1609.344 / 480)


def test_a_bad_label_cell_is_its_row_s_answer(tmp_path: Path) -> None:
    # a gait or direction the solver does not know ended the whole file ("gait must be one
    # of ...; got 'skip' at index 1", counted from 0)
    src = tmp_path / "in.csv"
    src.write_text(
        "speed_m_s,gait,direction,to_direction\n3,run,forward,forward\n3,skip,forward,forward\n"
        "3,run,sideways,forward\n3, Run ,Forward,up\n3,run,forward,forward\n"
        "3,auto,forward,forward\n3,,forward,forward\n3,n/a,,forward\n"
    )
    out = CliRunner().invoke(cli, ["pace", "-i", str(src)])
    assert out.exit_code == 0, out.output
    table = pd.read_csv(io.StringIO(out.stdout), dtype={"reason": str})
    assert table["status"].tolist() == [
        "ok", "invalid", "invalid", "invalid", "ok", "invalid", "ok", "ok"
    ]  # fmt: skip
    assert table["reason"].tolist()[1:4] == [
        "gait: 'skip' is not one of 'walk', 'run'",
        "direction: 'sideways' is not one of 'forward', 'backward'",
        "to_direction: 'up' is not one of 'forward', 'backward'",
    ]
    # "auto" has no speed to decide by: the solver takes walk or run
    assert table["reason"][5] == "gait: 'auto' is not one of 'walk', 'run'"
    # the same conditions on both sides: the speed itself; no answer for an invalid row; a
    # missing cell (empty, "n/a") takes the option's label, as a missing column does
    assert table["speed_m_s_out"][[0, 4, 6, 7]].tolist() == [3.0] * 4
    assert table["speed_m_s_out"][[1, 2, 3, 5]].isna().all()
    assert table["pace_out"][[1, 2, 3, 5]].isna().all()


def test_a_pace_column_mixes_units_and_numbers(tmp_path: Path) -> None:
    # the column is read at once when its paces agree on their unit, and pace by pace when
    # they do not: each in its own unit, a pace without one in --unit's, a number as
    # minutes per --unit; a bad one is its row's answer, the rows keep their order
    src = tmp_path / "in.csv"
    src.write_text("pace\n8:00/mi\n5:00\n8:00/mi\nabc\n\n4:00/km\n")
    out = CliRunner().invoke(cli, ["pace", "-i", str(src)])
    assert out.exit_code == 0, out.output
    table = pd.read_csv(io.StringIO(out.stdout))
    assert table["status"].tolist() == ["ok", "ok", "ok", "invalid", "invalid", "ok"]
    assert table["reason"][3].startswith("pace 'abc' is not of the form")
    speeds = table["speed_m_s_out"].to_numpy()
    expected = [1609.344 / 480, 1000 / 300, 1609.344 / 480, np.nan, np.nan, 1000 / 240]
    np.testing.assert_allclose(speeds, expected, rtol=0, atol=1e-9)  # the solver's tolerance
    src.write_text("pace\n8\n5.5\n8\n")  # minutes per mile
    out = CliRunner().invoke(cli, ["pace", "-i", str(src), "--unit", "mi"])
    assert out.exit_code == 0, out.output
    table = pd.read_csv(io.StringIO(out.stdout))
    np.testing.assert_allclose(
        table["speed_m_s_out"], [1609.344 / 480, 1609.344 / 330, 1609.344 / 480], atol=1e-9
    )


def test_an_energy_target_names_its_kind_and_duration_and_needs_one() -> None:
    # it said "300 kcal over duration_s" (gross or net?), and without --duration-min
    # "quantity='energy_net_kcal' needs duration_s", exit status 1
    out = CliRunner().invoke(
        cli, ["pace", "--target", "300", "--quantity", "energy_net_kcal", "--duration-min", "30"]
    )
    assert out.exit_code == 0, out.output
    assert out.stdout.startswith("300 kcal (net) in 30 min, forward run: 2.381 m/s")
    out = CliRunner().invoke(
        cli,
        ["pace", "--target", "300", "--quantity", "energy_net_kcal", "--duration-min", "30",
         "--json"],
    )  # fmt: skip
    # 300 kcal net in 30 min: 10 kcal/min = 2 l O2/min at 5 kcal/l; / 70 kg = 28.57 ml/kg/min
    # net = 0.2 x speed [m/min] (ACSM): 142.9 m/min = 2.381 m/s
    assert json.loads(out.stdout)["speed_m_s"] == pytest.approx(2 / 70 * 1000 / 0.2 / 60)
    for args in (["--target", "300"], ["-i", "questions.csv"]):
        out = CliRunner().invoke(cli, ["pace", *args, "--quantity", "energy_gross_kj"])
        assert out.exit_code == 2
        assert "--quantity energy_gross_kj needs --duration-min" in out.output


def test_a_semicolon_file_with_decimal_commas_is_read(tmp_path: Path) -> None:
    # a spreadsheet's "CSV" (semicolons, BOM, 80,5 kg) was "Expected 1 fields in line 3"
    src = tmp_path / "q.csv"
    src.write_bytes("\ufefftarget;mass_kg\n600;70\n700;80,5\n".encode())
    out = CliRunner().invoke(cli, ["pace", "-i", str(src)])
    assert out.exit_code == 0, out.output
    frame = pd.read_csv(io.StringIO(out.output))
    assert list(frame["status"]) == ["ok", "ok"]
    # ACSM running, 5 kcal per litre O2: VO2 = kcal/h / (mass x 60 / 1000 x 5) ml/kg/min,
    # speed = (VO2 - 3.5) / 0.2 m/min
    vo2 = 700 / (80.5 * 60 / 1000 * 5)
    assert frame["speed_m_s_out"][1] == pytest.approx((vo2 - 3.5) / 0.2 / 60, abs=1e-8)


def _answers(tmp_path: Path, text: str, *args: str) -> pd.DataFrame:
    src = tmp_path / "questions.csv"
    src.write_text(text)
    out = CliRunner().invoke(cli, ["pace", "-i", str(src), *args])
    assert out.exit_code == 0, out.output
    return pd.read_csv(io.StringIO(out.stdout), keep_default_na=False)


def test_a_question_file_reads_unit_aliases_as_estimate_does(tmp_path: Path) -> None:
    # ACSM running, 3 m/s (10.8 km/h, 5:33.3/km): net VO2 0.2 x 180 m/min; backward x1.35
    # gives 48.6, the forward speed of that cost 243 m/min = 4.05 m/s; 5 % up costs
    # (0.2 + 0.9 x 0.05) x 180 = 44.1, the level speed 220.5 m/min = 3.675 m/s
    want = [0.2 * 180 * 1.35 / 0.2 / 60, (0.2 + 0.9 * 0.05) * 180 / 0.2 / 60]
    canonical = "speed_m_s,mass_kg,direction,grade\n3.0,70,backward,0\n3.0,70,forward,0.05\n"
    aliases = (
        "Speed_KMH,mass_lb,Direction,grade_pct\n"
        "10.8,154.32358,backward,0\n10.8,154.32358,forward,5\n"
    )
    paces = "pace_min_km,grade_pct,direction\n5.5555556,0,backward\n5.5555556,5,forward\n"
    for text in (canonical, aliases, paces):
        got = _answers(tmp_path, text)
        np.testing.assert_allclose(got["speed_m_s_out"], want, rtol=1e-6)
        assert list(got["status"]) == ["ok", "ok"]


def test_a_question_file_with_two_columns_for_one_input_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "questions.csv"
    src.write_text("speed_kmh,pace\n10.8,5:00/km\n")
    out = CliRunner().invoke(cli, ["pace", "-i", str(src)])
    assert out.exit_code == 1
    assert "columns 'speed_kmh' and 'pace' both give speed_m_s" in out.output
    assert "Traceback" not in out.output


def test_a_bad_cell_of_an_alias_column_is_named_as_the_file_names_it(tmp_path: Path) -> None:
    got = _answers(tmp_path, "Speed_KMH\n10.8\nfast\n")
    assert list(got["status"]) == ["ok", "invalid"]
    assert got["reason"][1] == "Speed_KMH: 'fast' is not a number"
    # and a value in the alias's unit that looks like another is said in its column's name
    src = tmp_path / "questions.csv"
    src.write_text("mass_lb\n1543\n")
    out = CliRunner().invoke(cli, ["pace", "-i", str(src), "--target", "600"])
    assert out.exit_code == 0, out.output
    assert "mass_lb in row 1 is 699.893 kg" in out.stderr  # 1543 x 0.45359237


def test_the_grade_aimed_at_is_read_in_a_unit_of_its_own(tmp_path: Path) -> None:
    # to_grade_pct was not read: every row answered for level ground, status ok.
    # ACSM running at 3 m/s (10.8 km/h) 5 % up: (0.2 + 0.9 x 0.05) x 180 = 44.1 net VO2,
    # the level speed 220.5 m/min = 3.675 m/s; the other way, 3 m/s level is 36, the speed
    # 5 % up 36 / 0.245 = 146.94 m/min
    want = [(0.2 + 0.9 * 0.05) * 180 / 0.2 / 60, 0.2 * 180 / (0.2 + 0.9 * 0.05) / 60]
    text = "speed_kmh,grade_pct,{}\n10.8,5,0\n10.8,0,{}\n"
    for column, up in (("to_grade", "0.05"), ("to_grade_pct", "5"), ("To Grade Pct", "5")):
        got = _answers(tmp_path, text.format(column, up))
        np.testing.assert_allclose(got["speed_m_s_out"], want, rtol=1e-6)
        assert list(got["status"]) == ["ok", "ok"]
    got = _answers(tmp_path, "speed_kmh,to_grade_pct\n10.8,steep\n")
    assert got["reason"][0] == "to_grade_pct: 'steep' is not a number"
    src = tmp_path / "questions.csv"
    src.write_text("speed_kmh,to_grade,to_grade_pct\n10.8,0.05,5\n")
    out = CliRunner().invoke(cli, ["pace", "-i", str(src)])
    assert out.exit_code == 1
    assert "columns 'to_grade' and 'to_grade_pct' both give to_grade" in out.output


def test_a_grade_in_percent_that_looks_wrong_is_said_as_a_grade(tmp_path: Path) -> None:
    # "grade_pct in row 1 is 5.000 1": the grade's unit (1, a fraction) printed as a number
    src = tmp_path / "questions.csv"
    src.write_text("pace,grade_pct\n5:00,500\n")
    out = CliRunner().invoke(cli, ["pace", "-i", str(src)])
    assert out.exit_code == 0, out.output
    assert "Warning: grade_pct in row 1 is a grade of 5.000 (1 such value): steeper" in (out.stderr)
