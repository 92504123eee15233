"""Fitness-app exports through ``retrocalc estimate`` in one command, as an analyst types it.

The files are made here in the shapes Garmin Connect and Strava write (the columns, their
text: ``hh:mm:ss`` times, pace without a unit, ``--`` for no value, ``1,085`` with a
thousands separator). Expected energies come from an independent path: speed and duration
computed here from the numbers the rows were made from (not parsed back from the text), then
``rc.estimate`` with canonical keywords.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("click")
pytest.importorskip("polars")

from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import retrocalc as rc
from retrocalc.batch import BatchError, estimate_file, resolve_columns
from retrocalc.cli import cli

MASS_KG = 70.0


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def rows_of(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def hms(seconds: int) -> str:
    h, rest = divmod(seconds, 3600)
    return f"{h:02d}:{rest // 60:02d}:{rest % 60:02d}"


def pace_text(seconds_per_km: float) -> str:
    total = round(seconds_per_km)
    return f"{total // 60}:{total % 60:02d}"


# (Activity Type, distance [km] or None, time [s], elevation gain text)
GARMIN = [
    ("Running", 10.02, 3130, "1,085"),
    ("Trail Running", 12.5, 4500, "450"),
    ("Walking", 3.2, 2400, "--"),
    ("Treadmill Running", 8.0, 2400, "0"),
    ("Hiking", 6.4, 7200, "800"),
    ("Cycling", 30.0, 3600, "200"),  # not on foot: a reason, not a crash
    ("Hiking", None, 7800, "800"),  # no distance recorded: "--"
    ("Backward Running", 2.0, 900, "5"),
]


def garmin_csv(path: Path) -> Path:
    header = (
        "Activity Type,Date,Favorite,Title,Distance,Calories,Time,Avg HR,Max HR,Avg Pace,"
        "Best Pace,Elevation Gain,Elevation Loss"
    )
    lines = [header]
    for i, (kind, km, seconds, gain) in enumerate(GARMIN):
        distance = "--" if km is None else f"{km:.2f}"
        pace = "--" if km is None else pace_text(seconds / km)
        lines.append(
            f'{kind},2026-11-{20 + i:02d} 07:00:00,false,Workout {i},{distance},"1,085",'
            f'{hms(seconds)},150,170,{pace},4:00,"{gain}",100'
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def reference(kind: str, km: float, seconds: float) -> float:
    gait, direction = {
        "Running": ("run", "forward"),
        "Trail Running": ("run", "forward"),
        "Treadmill Running": ("run", "forward"),
        "Walking": ("walk", "forward"),
        "Hiking": ("walk", "forward"),
        "Backward Running": ("run", "backward"),
    }[kind]
    r = rc.estimate(
        speed_m_s=km * 1000 / seconds,
        mass_kg=MASS_KG,
        duration_s=seconds,
        gait=gait,  # type: ignore[arg-type]
        direction=direction,  # type: ignore[arg-type]
        out_of_range="flag",
    )
    return float(r.energy_net_kcal)


def check_garmin_rows(rows: list[dict[str, str]]) -> None:
    assert len(rows) == len(GARMIN)
    for row, (kind, km, seconds, _) in zip(rows, GARMIN, strict=True):
        # every row back with energy or a reason
        assert row["status"] in ("ok", "out_of_range", "error")
        if row["status"] == "error":
            assert row["error"]
            assert not row["energy_net_kcal"]
            continue
        assert km is not None
        assert float(row["energy_net_kcal"]) == pytest.approx(reference(kind, km, seconds))
    by_type = {(r["Activity Type"], r["Distance"]): r for r in rows}
    cycling = by_type["Cycling", "30.00"]
    assert cycling["status"] == "error"
    assert "'Cycling' is not a known walking or running type" in cycling["error"]
    assert "--activity-map" in cycling["error"]
    no_distance = by_type["Hiking", "--"]
    assert no_distance["status"] == "error"
    assert no_distance["error"].startswith("Distance (distance_m): missing value")
    assert by_type["Backward Running", "2.00"]["gait_used"] == "run"


def test_garmin_export_in_one_command(tmp_path: Path) -> None:
    src = garmin_csv(tmp_path / "Activities.csv")
    out = tmp_path / "energy.csv"
    # what a new user types: the mass, and which columns are the time and the distance
    result = run(
        "estimate", str(src), "-o", str(out), "--mass-kg", "70",
        "-c", "duration=Time", "-c", "distance_km=Distance",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = rows_of(out)
    check_garmin_rows(rows)
    ok = [r for r in rows if r["status"] != "error"]
    assert len(ok) == 6
    # the input columns come back exactly as they were, the thousands separator included
    assert rows[0]["Calories"] == "1,085"
    assert rows[0]["Time"] == "00:52:10"
    assert "retrocalc: 8 rows ->" in result.stderr


def test_garmin_pace_without_unit_is_read_with_pace_unit(tmp_path: Path) -> None:
    src = garmin_csv(tmp_path / "Activities.csv")
    out = tmp_path / "energy.csv"
    result = run(
        "estimate", str(src), "-o", str(out), "--mass-kg", "70",
        "-c", "duration=time", "-c", "pace=avg pace", "--pace-unit", "km", "-q",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = rows_of(out)
    for row, (kind, km, seconds, _) in zip(rows, GARMIN, strict=True):
        if row["status"] == "error":
            continue
        assert km is not None
        # the pace is rounded to the second: the speed within 0.5 s per km
        speed = km * 1000 / seconds
        per_km = round(1000 / speed)
        assert float(row["energy_net_kcal"]) == pytest.approx(
            reference(kind, 1000 / per_km * seconds / 1000, seconds), rel=1e-9
        )


def test_pace_without_unit_and_no_pace_unit_is_a_row_reason(tmp_path: Path) -> None:
    src = garmin_csv(tmp_path / "Activities.csv")
    out = tmp_path / "energy.csv"
    result = run(
        "estimate", str(src), "-o", str(out), "--mass-kg", "70",
        "-c", "duration=Time", "-c", "pace=Avg Pace", "-q",
    )  # fmt: skip
    assert result.exit_code == 0
    first = rows_of(out)[0]
    assert first["status"] == "error"
    assert "has no unit" in first["error"]
    assert "Avg Pace" in first["error"]


def test_all_three_of_speed_duration_distance_are_checked(tmp_path: Path) -> None:
    src = tmp_path / "three.csv"
    # 1000 m at 2 m/s takes 500 s: row 1 agrees, row 2 has twice the time (a long stop)
    src.write_text("speed_m_s,duration_s,distance_m\n2.0,500,1000\n2.0,1000,1000\n")
    out = tmp_path / "o.csv"
    estimate_file(src, out, progress=False, mass_kg=MASS_KG)
    rows = rows_of(out)
    assert rows[0]["status"] == "ok"
    assert float(rows[0]["energy_net_kcal"]) == pytest.approx(
        float(rc.estimate(speed_m_s=2.0, mass_kg=MASS_KG, duration_s=500).energy_net_kcal)
    )
    assert rows[1]["status"] == "error"
    assert (
        "distance_m: 1000.0 m differs from speed_m_s x duration_s = 2000.0 m" in (rows[1]["error"])
    )


def test_a_row_without_the_distance_that_only_checks_is_estimated(tmp_path: Path) -> None:
    # with speed, duration and distance columns, an empty distance cell (an activity without
    # GPS) made the row an error, "distance_m: missing value", where rc.estimate(df,
    # status=True) estimates it from speed and duration: the distance only checks them
    src = tmp_path / "three.csv"
    src.write_text("speed_m_s,duration_s,distance_m\n2.0,500,\n2.0,500,--\n2.0,,1000\n")
    out = tmp_path / "o.csv"
    estimate_file(src, out, progress=False, mass_kg=MASS_KG)
    rows = rows_of(out)
    assert [r["status"] for r in rows] == ["ok", "ok", "error"]
    assert rows[2]["error"] == "duration_s: missing value"
    # ACSM running at 120 m/min: net VO2 0.2 x 120 = 24 ml/kg/min for 500 s
    net = 24 * MASS_KG * 500 / 60 / 1000 * 5
    assert float(rows[0]["energy_net_kcal"]) == pytest.approx(net)
    frame = pd.read_csv(src, na_values=["--"])
    api = rc.estimate(frame, mass_kg=MASS_KG, status=True)
    assert list(api["status"].astype(str)) == [r["status"] for r in rows]
    assert list(api["error"])[2] == rows[2]["error"]


def test_zero_duration_gives_no_speed(tmp_path: Path) -> None:
    src = tmp_path / "z.csv"
    src.write_text("duration_s,distance_km\n0,1.0\n600,1.5\n")
    out = tmp_path / "o.csv"
    estimate_file(src, out, progress=False, mass_kg=MASS_KG)
    rows = rows_of(out)
    assert rows[0]["status"] == "error"
    assert "duration of 0" in rows[0]["error"]
    assert rows[1]["status"] == "ok"


# (Activity Type, distance [km], moving time [s], elapsed time [s])
STRAVA = [
    ("Run", 10.02, 3130, 3300),
    ("Walk", 3.2, 2400, 2500),
    ("Hike", 8.0, 9000, 10800),
    ("TrailRun", 15.3, 5800, 6100),
    ("VirtualRun", 5.0, 1500, 1500),
    ("Ride", 40.0, 5400, 5600),
    ("Swim", 2.0, 2700, 2800),
]


def strava_csv(path: Path) -> Path:
    lines = [
        "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,"
        "Moving Time,Max Heart Rate,Elevation Gain"
    ]
    for i, (kind, km, moving, elapsed) in enumerate(STRAVA):
        lines.append(
            f'{1000 + i},"Nov {i + 1}, 2026, 7:00:00 AM",Activity {i},{kind},{elapsed},'
            f'{km:.2f},{moving}.0,170.0,"1,085.0"'
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_strava_export_in_one_command(tmp_path: Path) -> None:
    src = strava_csv(tmp_path / "activities.csv")
    out = tmp_path / "energy.csv"
    result = run(
        "estimate", str(src), "-o", str(out), "--mass-kg", "70", "-q",
        "-c", "duration_s=moving time", "-c", "distance_km=Distance",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = rows_of(out)
    assert len(rows) == len(STRAVA)
    gaits = {"Run": "run", "Walk": "walk", "Hike": "walk", "TrailRun": "run", "VirtualRun": "run"}
    for row, (kind, km, moving, _) in zip(rows, STRAVA, strict=True):
        if kind in gaits:
            assert row["status"] == "ok", row["error"]
            expected = rc.estimate(
                speed_m_s=km * 1000 / moving,
                mass_kg=MASS_KG,
                duration_s=moving,
                gait=gaits[kind],  # type: ignore[arg-type]
                out_of_range="flag",
            )
            assert float(row["energy_net_kcal"]) == pytest.approx(float(expected.energy_net_kcal))
        else:
            assert row["status"] == "error"
            assert f"'{kind}'" in row["error"]


def test_activity_map_adds_types(tmp_path: Path) -> None:
    src = strava_csv(tmp_path / "activities.csv")
    out = tmp_path / "energy.csv"
    result = run(
        "estimate", str(src), "-o", str(out), "--mass-kg", "70", "-q",
        "-c", "duration_s=Moving Time", "-c", "distance_km=Distance",
        "--activity-map", "Swim=run:backward",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    swim = rows_of(out)[-1]
    assert swim["status"] != "error"
    expected = rc.estimate(
        speed_m_s=2000 / 2700, mass_kg=MASS_KG, duration_s=2700, gait="run",
        direction="backward", out_of_range="flag",
    )  # fmt: skip
    assert float(swim["energy_net_kcal"]) == pytest.approx(float(expected.energy_net_kcal))


def test_bad_activity_map_is_a_usage_error(tmp_path: Path) -> None:
    src = strava_csv(tmp_path / "activities.csv")
    for bad, words in (("Swim", "TYPE=GAIT"), ("Swim=crawl", "gait must be 'walk' or 'run'")):
        result = run(
            "estimate", str(src), "-o", str(tmp_path / "o.csv"), "--mass-kg", "70",
            "-c", "duration_s=Moving Time", "-c", "distance_km=Distance", "--activity-map", bad,
        )  # fmt: skip
        assert result.exit_code == 2
        assert words in result.output
        assert not (tmp_path / "o.csv").exists()


def test_a_given_gait_or_direction_wins_over_the_activity_type(tmp_path: Path) -> None:
    header = ["Activity Type", "speed_m_s", "duration_s", "mass_kg"]
    plan = resolve_columns(header, constants={"direction": "backward"})
    assert plan["gait"].describe() == "gait <- activity type column 'Activity Type'"
    assert plan["direction"].constant == "backward"
    plan = resolve_columns([*header, "gait"])
    assert plan["gait"].column == "gait"  # the file's own gait column
    with pytest.raises(BatchError, match="gait is given twice"):
        resolve_columns([*header, "gait"], columns={"activity_type": "Activity Type"})
    src = tmp_path / "a.csv"
    src.write_text("Activity Type,speed_m_s,duration_s\nRunning,3.0,600\nWalk,1.2,600\n")
    out = tmp_path / "o.csv"
    estimate_file(src, out, progress=False, mass_kg=MASS_KG, direction="backward")
    got = [float(r["energy_net_kcal"]) for r in rows_of(out)]
    want = rc.estimate(
        speed_m_s=np.array([3.0, 1.2]), mass_kg=MASS_KG, duration_s=600.0,
        gait=["run", "walk"], direction="backward", out_of_range="flag",
    )  # fmt: skip
    np.testing.assert_allclose(got, want.energy_net_kcal)


def test_placeholders_thousands_and_every_bad_column(tmp_path: Path) -> None:
    src = tmp_path / "t.csv"
    src.write_text(
        "speed_m_s,mass_kg,distance_m\n"
        '2.0,70,"1,085"\n'  # thousands separator: 1085 m
        "2.0,70,--\n"  # placeholder: missing
        "fast,-3,n/a\n"  # three bad columns: all three in the reason
        '2.0,70,"12,345.5"\n'
    )
    out = tmp_path / "o.csv"
    estimate_file(src, out, progress=False)
    rows = rows_of(out)
    r1085 = rc.estimate(speed_m_s=2.0, mass_kg=70, distance_m=1085)
    assert float(rows[0]["energy_net_kcal"]) == pytest.approx(float(r1085.energy_net_kcal))
    assert rows[1]["error"] == "distance_m: missing value"
    assert rows[2]["error"] == (
        "speed_m_s: 'fast' is not a number; mass_kg: '-3' is impossible: must be > 0 "
        "(a body mass in kg); distance_m: missing value"
    )
    assert float(rows[3]["energy_net_kcal"]) == pytest.approx(
        float(rc.estimate(speed_m_s=2.0, mass_kg=70, distance_m=12345.5).energy_net_kcal)
    )


def test_decimal_commas_are_not_read_as_thousands(tmp_path: Path) -> None:
    src = tmp_path / "t.csv"
    # "1,085" alone would be a thousands separator, but "1,5" shows commas are decimal here
    src.write_text('speed_m_s,mass_kg,distance_km\n2.0,70,"1,5"\n2.0,70,"1,085"\n')
    out = tmp_path / "o.csv"
    estimate_file(src, out, progress=False)
    rows = rows_of(out)
    assert [r["status"] for r in rows] == ["ok", "ok"]
    want = rc.estimate(speed_m_s=2.0, mass_kg=70, distance_km=np.array([1.5, 1.085]))
    np.testing.assert_allclose([float(r["energy_net_kcal"]) for r in rows], want.energy_net_kcal)
    # the rows as they were in the file
    assert [r["distance_km"] for r in rows] == ["1,5", "1,085"]


def test_a_spreadsheet_of_a_decimal_comma_locale_reads_as_it_is(tmp_path: Path) -> None:
    # Excel in a German, French or Dutch locale saves "CSV" with semicolons, decimal commas,
    # dots grouping thousands, a byte-order mark and CRLF line ends
    src = tmp_path / "export.csv"
    text = "speed_kmh;mass_kg;distance_m\r\n10,8;70;1.085,5\r\n7,2;82,5;950\r\n"
    src.write_bytes(b"\xef\xbb\xbf" + text.encode())
    out = tmp_path / "o.csv"
    estimate_file(src, out, progress=False)
    rows = rows_of(out)
    assert [r["status"] for r in rows] == ["ok", "ok"]
    want = rc.estimate(
        speed_kmh=np.array([10.8, 7.2]), mass_kg=np.array([70.0, 82.5]),
        distance_m=np.array([1085.5, 950.0]),
    )  # fmt: skip
    got = [float(r["energy_net_kcal"]) for r in rows]
    np.testing.assert_allclose(got, want.energy_net_kcal, rtol=1e-12)
    assert [r["mass_kg"] for r in rows] == ["70", "82,5"]  # echoed as written
    # a tab-separated file likewise
    tsv = tmp_path / "export.tsv.csv"
    tsv.write_text(text.replace(";", "\t"))
    estimate_file(tsv, out, progress=False)
    got = [float(r["energy_net_kcal"]) for r in rows_of(out)]
    np.testing.assert_allclose(got, want.energy_net_kcal, rtol=1e-12)


def test_a_decimal_comma_spreadsheet_on_dask_gives_the_same_file(tmp_path: Path) -> None:
    pytest.importorskip("dask.dataframe")
    src = tmp_path / "export.csv"
    src.write_text("speed_kmh;mass_kg;distance_m\n10,8;70,500;1.085,5\n7,2;82,5;950\n")
    local, dask = tmp_path / "local.csv", tmp_path / "dask.csv"
    assert run("estimate", str(src), "-o", str(local), "--quiet").exit_code == 0
    assert run("estimate", str(src), "-o", str(dask), "--engine", "dask", "--quiet").exit_code == 0
    assert dask.read_bytes() == local.read_bytes()
    assert [r["status"] for r in rows_of(local)] == ["ok", "ok"]


def test_in_a_semicolon_file_3_154_is_three_point_one_five_four(tmp_path: Path) -> None:
    # "3,154" alone could be 3154 (a thousands separator, as "1,085" in Garmin's comma-
    # separated export); in a file separated by semicolons, the locale's decimal comma
    src = tmp_path / "t.csv"
    src.write_text("speed_m_s;mass_kg;duration_s\n3,154;70,500;600\n2,500;80;300\n")
    out = tmp_path / "o.csv"
    summary = estimate_file(src, out, progress=False)
    rows = rows_of(out)
    assert [r["status"] for r in rows] == ["ok", "ok"]
    want = rc.estimate(
        speed_m_s=np.array([3.154, 2.5]), mass_kg=np.array([70.5, 80.0]),
        duration_s=np.array([600.0, 300.0]),
    )  # fmt: skip
    got = [float(r["energy_net_kcal"]) for r in rows]
    np.testing.assert_allclose(got, want.energy_net_kcal, rtol=1e-12)
    assert "(decimal comma)" in summary.columns["speed_m_s"]


def test_a_column_mixing_decimal_points_and_commas_is_not_guessed(tmp_path: Path) -> None:
    src = tmp_path / "t.csv"
    src.write_text("speed_m_s;mass_kg;duration_s\n2,0;70.5;600\n2,0;80,5;600\n")
    out = tmp_path / "o.csv"
    estimate_file(src, out, progress=False)
    rows = rows_of(out)
    assert rows[0]["status"] == "ok"
    assert float(rows[0]["energy_net_kcal"]) == pytest.approx(
        float(rc.estimate(speed_m_s=2.0, mass_kg=70.5, duration_s=600).energy_net_kcal)
    )
    assert rows[1]["status"] == "error"
    assert rows[1]["error"] == "mass_kg: '80,5' is not a number"


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.integers(min_value=0, max_value=99_999_999), min_size=1, max_size=30))
def test_decimal_comma_numbers_read_back_exactly(tmp_path: Path, centimetres: list[int]) -> None:
    src = tmp_path / "t.csv"
    # a column as a spreadsheet in German writes it: 1.085,25 and 0,07
    texts = [f"{c / 100:,.2f}".translate(str.maketrans(",.", ".,")) for c in centimetres]
    src.write_text("distance_m\n" + "".join(f"{t}\n" for t in texts))
    out = tmp_path / "o.csv"
    estimate_file(src, out, progress=False, speed_m_s=2.0, mass_kg=MASS_KG)
    got = [float(r["energy_net_kcal"]) for r in rows_of(out)]
    metres = np.array([c / 100 for c in centimetres])
    want = rc.estimate(speed_m_s=2.0, mass_kg=MASS_KG, distance_m=metres, out_of_range="flag")
    np.testing.assert_allclose(got, want.energy_net_kcal, rtol=1e-12)


def test_durations_as_text_and_arrow_durations(tmp_path: Path) -> None:
    seconds = [1800, 2710, 3723, 90]
    texts = ["30:00", "45:10", "1:02:03", "0:01:30"]
    src = tmp_path / "d.csv"
    src.write_text(
        "speed_m_s,mass_kg,duration\n" + "".join(f"2.5,70,{t}\n" for t in texts) + "2.5,70,1h\n"
    )
    out = tmp_path / "o.csv"
    estimate_file(src, out, progress=False)
    rows = rows_of(out)
    expected = rc.estimate(speed_m_s=2.5, mass_kg=70, duration_s=np.array(seconds, float))
    got = [float(r["energy_net_kcal"]) for r in rows[:4]]
    np.testing.assert_allclose(got, expected.energy_net_kcal)
    assert rows[4]["status"] == "error"
    assert "'1h' is not of the form" in rows[4]["error"]
    frame = pd.DataFrame(
        {
            "speed_m_s": 2.5,
            "mass_kg": 70.0,
            "duration": pd.to_timedelta(seconds, unit="s"),
        }
    )
    parquet = tmp_path / "d.parquet"
    frame.to_parquet(parquet)  # an Arrow duration column
    # (to Parquet: the CSV writer cannot write the duration column back as it came)
    estimate_file(parquet, tmp_path / "p.parquet", progress=False)
    got = pd.read_parquet(tmp_path / "p.parquet")["energy_net_kcal"]
    np.testing.assert_allclose(got, expected.energy_net_kcal)


def test_column_option_is_case_insensitive_with_suggestions(tmp_path: Path) -> None:
    src = garmin_csv(tmp_path / "Activities.csv")
    plan = resolve_columns(
        ["Time", "Distance", "Activity Type"],
        columns={"DURATION": "time", "Distance_KM": "distance"},
        constants={"mass_kg": 70},
    )
    assert plan["duration_s"].column == "Time"
    assert plan["distance_m"].column == "Distance"
    result = run(
        "estimate", str(src), "-o", str(tmp_path / "o.csv"), "--mass-kg", "70",
        "-c", "duration=Tiem", "-c", "distance_km=Distance",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "no column 'Tiem'; did you mean 'Time'?" in result.output
    result = run(
        "estimate", str(src), "-o", str(tmp_path / "o.csv"), "--mass-kg", "70",
        "-c", "time=Time", "-c", "distance_km=Distance",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "not an input: 'time'; did you mean 'duration'" in result.output


def test_garmin_export_through_python_with_pace_unit(tmp_path: Path) -> None:
    src = garmin_csv(tmp_path / "Activities.csv")
    out = tmp_path / "energy.csv"
    summary = estimate_file(
        src,
        out,
        columns={"duration": "Time", "distance_km": "Distance"},
        progress=False,
        mass_kg=MASS_KG,
        activity_map={"Cycling": "run"},  # nonsense on purpose: the map wins over the table
    )
    assert summary.error == 1  # only the row without a distance
    assert summary.columns["gait"] == "gait, direction <- activity type column 'Activity Type'"
    check_rows = rows_of(out)
    assert check_rows[5]["gait_used"] == "run"


@pytest.mark.parametrize("column", ["Elevation Gain", "Total Ascent", "elev_gain"])
def test_elevation_gain_mapped_as_a_grade_is_refused(tmp_path: Path, column: str) -> None:
    src = garmin_csv(tmp_path / "Activities.csv")
    header = ["Activity Type", "Time", "Distance", column]
    with pytest.raises(BatchError, match="not a grade"):
        resolve_columns(
            header,
            columns={"duration": "Time", "distance_km": "Distance", "grade_pct": column},
            constants={"mass_kg": 70},
        )
    result = run(
        "estimate", str(src), "-o", str(tmp_path / "o.csv"), "--mass-kg", "70",
        "-c", "duration=Time", "-c", "distance_km=Distance", "-c", "grade_pct=Elevation Gain",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "retrocalc activity" in result.output
    assert not (tmp_path / "o.csv").exists()


def test_missing_input_message_points_at_likely_columns(tmp_path: Path) -> None:
    src = garmin_csv(tmp_path / "Activities.csv")
    result = run("estimate", str(src), "-o", str(tmp_path / "o.csv"), "--mass-kg", "70")
    assert result.exit_code == 2
    assert "required column speed_m_s is missing" in result.output
    assert "'Time' may be duration_s" in result.output
    assert "'Distance' may be distance_m" in result.output
    assert "speed is then distance / duration" in result.output


def test_text_constants_are_parsed_like_cells(tmp_path: Path) -> None:
    src = tmp_path / "m.csv"
    src.write_text("mass_kg\n70\n")
    out = tmp_path / "o.csv"
    ok = run("estimate", str(src), "-o", str(out), "--duration", "30:00", "--pace", "5:00",
             "--pace-unit", "km", "-q")  # fmt: skip
    assert ok.exit_code == 0, ok.output
    want = rc.estimate(speed_m_s=1000 / 300, mass_kg=70, duration_s=1800)
    assert float(rows_of(out)[0]["energy_net_kcal"]) == pytest.approx(want.energy_net_kcal)
    bad = run("estimate", str(src), "-o", str(out), "--duration", "3O:00", "--pace", "5:00")
    assert bad.exit_code == 2
    assert "constant duration='3O:00'" in bad.output
    assert "at index" not in bad.output
    no_unit = run("estimate", str(src), "-o", str(out), "--duration", "30:00", "--pace", "5:00")
    assert "has no unit" in no_unit.output
    assert "--pace-unit" in no_unit.output


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# up to 999,999 m: a distance beyond 1,000 km looks like another unit (a warning, tested elsewhere)
@given(st.lists(st.integers(min_value=0, max_value=999_999), min_size=1, max_size=30))
def test_thousands_separators_read_back_exactly(tmp_path: Path, metres: list[int]) -> None:
    src = tmp_path / "t.csv"
    # a column as a spreadsheet in English writes it: 1,085 and 12,345,678
    src.write_text("distance_m\n" + "".join(f'"{m:,}"\n' for m in metres))
    out = tmp_path / "o.csv"
    estimate_file(src, out, progress=False, speed_m_s=2.0, mass_kg=MASS_KG)
    got = [float(r["energy_net_kcal"]) for r in rows_of(out)]
    want = rc.estimate(speed_m_s=2.0, mass_kg=MASS_KG, distance_m=np.array(metres, float))
    np.testing.assert_allclose(got, want.energy_net_kcal, rtol=1e-12)


def test_repeated_column_names_are_refused_clearly(tmp_path: Path) -> None:
    src = tmp_path / "dup.csv"
    # Strava's full export repeats some names (Distance in km, then in metres)
    src.write_text("Activity Type,Distance,Moving Time,Distance\nRun,10.02,3130,10020.0\n")
    result = run(
        "estimate", str(src), "-o", "-", "--mass-kg", "70",
        "-c", "duration_s=Moving Time", "-c", "distance_km=Distance",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "duplicate column names ['Distance']" in result.output


def test_garmin_export_in_pandas_with_status(tmp_path: Path) -> None:
    src = garmin_csv(tmp_path / "Activities.csv")
    df = pd.read_csv(src, thousands=",", na_values=["--"])
    out = rc.estimate(
        df, duration=df["Time"], distance_km=df["Distance"], mass_kg=MASS_KG, status=True
    )
    for (_, row), (kind, km, seconds, _) in zip(out.iterrows(), GARMIN, strict=True):
        if kind == "Cycling":
            assert row["status"] == "error"
            assert row["error"].startswith("Activity Type: activity type 'Cycling'")
        elif km is None:
            assert row["status"] == "error"
            assert row["error"] == "distance_m: missing value"
        else:
            assert row["status"] in ("ok", "out_of_range")
            assert row["energy_net_kcal"] == pytest.approx(reference(kind, km, seconds))


def test_a_bare_number_is_not_a_duration(tmp_path: Path) -> None:
    # 30 could be seconds or minutes: "duration" takes times, numbers need a unit in the name
    src = tmp_path / "d.csv"
    src.write_text("speed_m_s,mass_kg,duration\n2.0,70,30:00\n2.0,70,30\n")
    out = tmp_path / "o.csv"
    estimate_file(src, out, progress=False)
    rows = rows_of(out)
    assert rows[0]["status"] == "ok"
    assert rows[1]["status"] == "error"
    assert "'30' is a number without a unit" in rows[1]["error"]
    assert "duration_min" in rows[1]["error"]
    plain = tmp_path / "p.csv"
    plain.write_text("speed_m_s,mass_kg\n2.0,70\n")
    result = run("estimate", str(plain), "-o", str(out), "--duration", "1800", "-q")
    assert result.exit_code == 2
    assert "'1800' is a number without a unit" in result.output
    with pytest.raises(ValueError, match="1800 is a number without a unit"):
        rc.estimate(speed_m_s=2.0, mass_kg=70, duration=1800)  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="'1800' is a number without a unit"):
        rc.estimate(speed_m_s=2.0, mass_kg=70, duration=["30:00", "1800"])


def test_a_malformed_duration_does_not_offer_a_number_of_seconds(tmp_path: Path) -> None:
    # "... is not of the form 'H:MM:SS', 'MM:SS' or 'H:MM:SS.s' (or a number of seconds)"
    # where the 'duration' input refuses a number of seconds: in a column, as a constant and
    # from Python; parse_durations, which takes numbers as seconds, still offers them
    expected = "duration 'abc' is not of the form 'H:MM:SS', 'MM:SS' or 'H:MM:SS.s'"
    src = tmp_path / "d.csv"
    src.write_text("speed_m_s,mass_kg,duration\n2.0,70,abc\n")
    out = tmp_path / "o.csv"
    estimate_file(src, out, progress=False)
    assert rows_of(out)[0]["error"] == "duration: " + expected.removeprefix("duration ")
    plain = tmp_path / "p.csv"
    plain.write_text("speed_m_s,mass_kg\n2.0,70\n")
    result = run("estimate", str(plain), "-o", str(out), "--duration", "abc", "-q")
    assert result.exit_code == 2
    assert result.output.strip().endswith(expected)
    with pytest.raises(ValueError, match=re.escape(f"{expected} (at the scalar input)")):
        rc.estimate(speed_m_s=2.0, mass_kg=70, duration="abc")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match=re.escape(f"{expected} (or a number of seconds)")):
        rc.units.parse_durations("abc")


@pytest.mark.parametrize(
    ("column", "cells", "reason"),
    [
        ("speed_kmh", [12.0, "fast", None], "speed_kmh must be numeric; got 'fast'"),
        ("pace", ["5:00/km", "x", None], "pace: 'x' is not of the form 'M:SS/km'"),
        ("pace_min_km", [5.0, "5:00", None], "pace_min_km must be numeric; got '5:00'"),
    ],
)
def test_status_answers_a_unit_alias_cell_per_row_as_the_command_line(
    tmp_path: Path, column: str, cells: list[object], reason: str
) -> None:
    # estimate(df, status=True) raised for the whole frame where the command line gives the
    # row its error and estimates the others
    frame = pd.DataFrame({column: cells, "mass_kg": MASS_KG, "duration_s": 600.0, "gait": "run"})
    got = rc.estimate(frame, status=True)
    assert list(got["status"].astype(str)) == ["ok", "error", "error"]
    assert got["error"].iloc[1].startswith(reason)
    assert got["error"].iloc[2] == "speed_m_s: missing value"
    # the first row, 12 km/h = 5:00/km = 200 m/min running: ACSM net VO2 0.2 x 200
    net = 0.2 * 200 * MASS_KG * 600 / 60 / 1000 * 5
    assert got["energy_net_kcal"].iloc[0] == pytest.approx(net)
    assert np.isnan(got["energy_net_kcal"].iloc[1])


def test_status_answers_a_duration_cell_per_row() -> None:
    frame = pd.DataFrame(
        {"speed_m_s": 3.0, "mass_kg": MASS_KG, "duration": ["0:10:00", "ten", None], "gait": "run"}
    )
    got = rc.estimate(frame, status=True)
    assert list(got["status"].astype(str)) == ["ok", "error", "error"]
    assert got["error"].iloc[1].startswith("duration: 'ten' is not of the form")
    assert got["error"].iloc[2] == "duration_s: missing value"
    with pytest.raises(ValueError, match="'ten' is not of the form"):
        rc.estimate(frame)  # without status: an error, as before


def test_a_clock_pace_under_pace_min_km_says_where_it_is_read(tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    src.write_text("pace_min_km,duration_s\n5:00,600\nx,600\n5,600\n")
    out = tmp_path / "o.csv"
    estimate_file(src, out, progress=False, mass_kg=MASS_KG)
    rows = rows_of(out)
    assert [r["status"] for r in rows] == ["error", "error", "ok"]
    assert rows[0]["error"].endswith(
        "'5:00' is not a number (minutes as a number; a pace such as 5:30 goes in a column "
        "named pace, with --pace-unit km)"
    )
    assert rows[1]["error"].endswith("'x' is not a number")  # no clock: no hint
    frame = pd.DataFrame({"pace_min_km": ["5:00"], "mass_kg": MASS_KG, "duration_s": 600.0})
    with pytest.raises(TypeError, match=r"goes under the name pace, with pace_unit='km'"):
        rc.estimate(frame)
