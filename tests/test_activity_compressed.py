"""Gzip-compressed recordings (Strava's bulk export: ``.fit.gz``, ``.gpx.gz``, ``.tcx.gz``),
and GPX/TCX texts in UTF-16 or with a UTF-8 byte order mark (Windows tools save them so)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

import retrocalc as rc
from activity_files import read_noting_path, steady, write_fit, write_gpx, write_tcx
from retrocalc.activity import ActivityError, _content

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "activities"


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


# --- UTF-16 and UTF-8 with a byte order mark --------------------------------------------------

_ENCODINGS = {
    "utf-16-le-bom": lambda text: b"\xff\xfe" + text.encode("utf-16-le"),
    "utf-16-be-bom": lambda text: b"\xfe\xff" + text.encode("utf-16-be"),
    "utf-16-be": lambda text: text.encode("utf-16-be"),  # no BOM: its "<" says it
    "utf-8-bom": lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
}


@pytest.mark.parametrize("encoding", list(_ENCODINGS))
@pytest.mark.parametrize("declared", ["UTF-8", "UTF-16", None])
@pytest.mark.parametrize("kind", ["gpx", "tcx"])
def test_utf16_and_bom_texts_read_as_their_utf8(
    kind: str, declared: str | None, encoding: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write = {"gpx": write_gpx, "tcx": write_tcx}[kind]
    plain = write(steady(3.0, 120, grade=0.03), tmp_path / f"a.{kind}")
    text = plain.read_text(encoding="utf-8")
    assert 'encoding="UTF-8"' in text
    if declared is None:  # no declaration at all
        text = text.split("?>", 1)[1].lstrip()
    else:  # the declaration may disagree with the BOM (a tool re-saved the text): the BOM wins
        text = text.replace('encoding="UTF-8"', f'encoding="{declared}"')
    data = _ENCODINGS[encoding](text)
    want = rc.read_activity(plain)
    # by content alone (bytes, and a file without a suffix), then as a path
    nameless = tmp_path / "upload"
    nameless.write_bytes(data)
    for source in (data, nameless):
        got, fast = read_noting_path(source, monkeypatch)
        pd.testing.assert_frame_equal(got.samples, want.samples)
        assert (got.format, got.sport, got.device) == (want.format, want.sport, want.device)
        assert fast  # decoded once, then the fast path as for any UTF-8 text


@pytest.mark.skipif(not FIXTURES.is_dir(), reason=f"shared fixtures not found at {FIXTURES}")
@pytest.mark.parametrize("name", ["runpandas-run.gpx", "heartandsole-testdata.tcx"])
def test_a_real_file_saved_as_utf16_estimates_as_the_file(name: str, tmp_path: Path) -> None:
    pytest.importorskip("defusedxml")
    original = FIXTURES / name
    text = original.read_bytes().decode("utf-8")
    copy = tmp_path / name  # (its declaration still says UTF-8)
    copy.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    rows = rc.estimate_activities([original, copy], mass_kg=70, processes=1, progress=False)
    assert list(rows["status"]) == ["ok", "ok"], list(rows["reason"])
    numbers = ["distance_m", "elapsed_s", "energy_gross_kcal", "energy_net_kcal"]
    pd.testing.assert_frame_equal(
        rows.loc[[0], numbers].reset_index(drop=True), rows.loc[[1], numbers].reset_index(drop=True)
    )


def test_damaged_and_oversized_utf16_are_errors_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = write_gpx(steady(3.0, 60), tmp_path / "a.gpx").read_text(encoding="utf-8")
    data = b"\xff\xfe" + text.encode("utf-16-le")
    odd = tmp_path / "odd.gpx"
    odd.write_bytes(data[:-1])  # cut inside a character
    with pytest.raises(ActivityError, match=r"odd\.gpx: the UTF-16 text is damaged"):
        rc.read_activity(odd)
    lone = tmp_path / "lone.gpx"
    lone.write_bytes(data.replace("running".encode("utf-16-le"), b"\x00\xd8" * 7))
    with pytest.raises(ActivityError, match=r"lone\.gpx: the UTF-16 text is damaged"):
        rc.read_activity(lone)
    # bounded as gzip content is (the bound lowered so that the test stays small)
    monkeypatch.setattr(_content, "MAX_UNZIPPED_BYTES", 1_000)
    with pytest.raises(ActivityError, match=r"<bytes>: the UTF-16 text exceeds"):
        rc.read_activity(data)
