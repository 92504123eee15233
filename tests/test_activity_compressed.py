"""Gzip-compressed recordings (Strava's bulk export: ``.fit.gz``, ``.gpx.gz``, ``.tcx.gz``)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

import retrocalc as rc
from activity_files import steady, write_fit, write_gpx, write_tcx
from retrocalc.activity import ActivityError, _content


def _gz(path: Path) -> Path:
    out = path.with_name(path.name + ".gz")
    out.write_bytes(gzip.compress(path.read_bytes()))
    return out


@pytest.mark.parametrize("kind", ["gpx", "tcx", "fit"])
def test_a_gzipped_file_reads_as_the_file(kind: str, tmp_path: Path) -> None:
    if kind == "fit":
        pytest.importorskip("fitdecode")
    write = {"gpx": write_gpx, "tcx": write_tcx, "fit": write_fit}[kind]
    plain = write(steady(3.0, 120, grade=0.03), tmp_path / f"a.{kind}")
    packed = _gz(plain)
    want, got = rc.read_activity(plain), rc.read_activity(packed)
    pd.testing.assert_frame_equal(want.samples, got.samples)
    assert (got.format, got.sport) == (want.format, want.sport)
    assert got.source == str(packed)
    # as bytes (a gzipped upload) and without the suffix: the content says it
    renamed = tmp_path / "upload"
    renamed.write_bytes(packed.read_bytes())
    pd.testing.assert_frame_equal(rc.read_activity(renamed).samples, want.samples)
    pd.testing.assert_frame_equal(rc.read_activity(packed.read_bytes()).samples, want.samples)


def test_a_folder_of_an_export_finds_the_gzipped_files(tmp_path: Path) -> None:
    folder = tmp_path / "activities"
    folder.mkdir()
    _gz(write_gpx(steady(3.0, 300), tmp_path / "a.gpx")).rename(folder / "a.gpx.gz")
    write_tcx(steady(1.4, 300), folder / "b.tcx")
    table = rc.estimate_activities(folder, mass_kg=70, processes=1, progress=False)
    assert [Path(f).name for f in table["file"]] == ["a.gpx.gz", "b.tcx"]  # .gz was skipped
    assert list(table["status"]) == ["ok", "ok"]
    whole = rc.estimate(speed_m_s=3.0, mass_kg=70, duration_s=300, gait="run")
    assert table.loc[0, "energy_net_kcal"] == pytest.approx(whole.energy_net_kcal, rel=2e-3)


def test_several_gzip_members_are_read_in_order(tmp_path: Path) -> None:
    text = write_gpx(steady(3.0, 60), tmp_path / "a.gpx").read_bytes()
    half = len(text) // 2
    two = gzip.compress(text[:half]) + gzip.compress(text[half:])
    pd.testing.assert_frame_equal(rc.read_activity(two).samples, rc.read_activity(text).samples)


def test_damaged_truncated_and_exploding_gzip_are_errors_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    packed = gzip.compress(write_gpx(steady(3.0, 60), tmp_path / "a.gpx").read_bytes())
    cut = tmp_path / "cut.gpx.gz"
    cut.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(ActivityError, match=r"cut\.gpx\.gz: the gzip content is truncated"):
        rc.read_activity(cut)
    bad = tmp_path / "bad.gpx.gz"
    bad.write_bytes(packed[:10] + b"\xff" * 40 + packed[50:])
    with pytest.raises(ActivityError, match=r"bad\.gpx\.gz: the gzip content is damaged"):
        rc.read_activity(bad)
    # a bomb: far more out than in; the bound is lowered so the test stays small
    monkeypatch.setattr(_content, "MAX_UNZIPPED_BYTES", 10_000)
    bomb = tmp_path / "bomb.gpx.gz"
    bomb.write_bytes(gzip.compress(b"<gpx>" + b" " * 50_000 + b"</gpx>"))
    with pytest.raises(ActivityError, match=r"bomb\.gpx\.gz: the gzip content expands beyond"):
        rc.read_activity(bomb)
