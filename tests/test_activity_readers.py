"""The GPX/TCX readers' two paths agree; TCX lap times; gaps: extras, non-foot sports, Dask.

GPX and TCX are read by a fast path (array operations over the bytes of a plain, well-formed
text) and, for anything else (comments, entities, CDATA, truncated files...), by the standard
library's iterparse. The fast path is checked against iterparse on the same text (forced by
disabling the fast path), on hand-written documents with the awkward corners of XML, on
random tracks (hypothesis) and on the real fixtures.
"""

from __future__ import annotations

import builtins
import re
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import retrocalc as rc
from activity_files import steady, write_fit, write_gpx, write_tcx
from retrocalc.activity import _fast, _xml
from retrocalc.exceptions import ActivityWarning

pytest.importorskip("fitdecode")
pytest.importorskip("defusedxml")
FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "activities"


def _read(path: Path, *, fast: bool, monkeypatch: pytest.MonkeyPatch) -> rc.activity.Activity:
    with monkeypatch.context() as m:
        if not fast:
            m.setattr(_xml, "_read_plain", lambda *a: None)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ActivityWarning)
            return rc.read_activity(path)


def _same(path: Path, monkeypatch: pytest.MonkeyPatch) -> rc.activity.Activity:
    """Read both ways; assert the fast path was taken and agrees with iterparse."""
    assert _fast.plain(path.read_bytes()) is not None, "the fast path should apply"
    fast = _read(path, fast=True, monkeypatch=monkeypatch)
    full = _read(path, fast=False, monkeypatch=monkeypatch)
    pd.testing.assert_frame_equal(fast.samples, full.samples)
    pd.testing.assert_frame_equal(fast.laps, full.laps)
    assert (fast.sport, fast.device, fast.warnings) == (full.sport, full.device, full.warnings)
    return fast


GPX_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<gpx:gpx xmlns:gpx="http://www.topografix.com/GPX/1/1" '
    "xmlns:x='urn:ext' creator='My &quot;watch&quot;' version='1.1'>"
)
GPX_BODY = """
<gpx:metadata><gpx:time>2020-01-01T00:00:00Z</gpx:time>
<gpx:link href="http://example.org/?a=1>2"><gpx:type>text/html</gpx:type></gpx:link>
</gpx:metadata>
<gpx:wpt lat="1" lon="2"><gpx:ele>999</gpx:ele><gpx:time>2019-01-01T00:00:00Z</gpx:time></gpx:wpt>
<gpx:trk><gpx:type> hiking </gpx:type>
<gpx:trkseg>
  <gpx:trkpt lon="7.0001" lat="46.0"><gpx:ele> 101.5 </gpx:ele>
    <gpx:time>2024-05-01T07:00:00Z</gpx:time>
    <gpx:extensions><x:TrackPointExtension><x:hr>120</x:hr><x:cad>80</x:cad>
    </x:TrackPointExtension></gpx:extensions></gpx:trkpt>
  <gpx:trkpt lat='46.0' lon='7.0002' note="a > b"><gpx:ele></gpx:ele>
    <gpx:time>2024-05-01T07:00:05Z</gpx:time></gpx:trkpt>
  <gpx:trkpt lat="46.0" lon="7.0003"/>
</gpx:trkseg>
<gpx:trkseg/>
<gpx:trkseg>
  <gpx:trkpt lat="46.0" lon="7.0010"><gpx:ele>103</gpx:ele>
    <gpx:time>2024-05-01T07:01:00Z</gpx:time></gpx:trkpt>
  <gpx:trkpt lat="46.0" lon="7.0011"><gpx:ele>104</gpx:ele><gpx:ele>105</gpx:ele>
    <gpx:time>2024-05-01T07:01:05Z</gpx:time></gpx:trkpt>
</gpx:trkseg></gpx:trk></gpx:gpx>
"""


def test_awkward_gpx_reads_the_same_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the &quot; forces iterparse; the same document without it takes the fast path
    plain = tmp_path / "plain.gpx"
    plain.write_text(GPX_HEAD.replace("&quot;", "") + GPX_BODY, encoding="utf-8")
    act = _same(plain, monkeypatch)
    s = act.samples
    # values read by eye from the document above
    assert len(s) == 5
    assert s["latitude_deg"].tolist() == [46.0] * 5
    np.testing.assert_array_equal(s["longitude_deg"], [7.0001, 7.0002, 7.0003, 7.0010, 7.0011])
    np.testing.assert_array_equal(s["altitude_m"], [101.5, np.nan, np.nan, 103.0, 105.0])
    np.testing.assert_array_equal(s["heart_rate_bpm"], [120, np.nan, np.nan, np.nan, np.nan])
    np.testing.assert_array_equal(s["cadence_rpm"], [80, np.nan, np.nan, np.nan, np.nan])
    assert s["segment"].tolist() == [0, 0, 0, 1, 1]
    assert s["time"].isna().tolist() == [False, False, True, False, False]
    assert act.sport == "hiking"
    assert act.device == "My watch"


@pytest.mark.parametrize(
    "change",
    [
        ("<gpx:trk>", "<!-- a comment --><gpx:trk>"),
        ("<gpx:trk>", "<![CDATA[ x ]]><gpx:trk>"),
        ("101.5", "&#49;01.5"),
        ("</gpx:gpx>", ""),  # truncated: not well-formed
    ],
    ids=["comment", "cdata", "reference", "truncated"],
)
def test_documents_the_fast_path_cannot_read_go_to_iterparse(
    change: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = GPX_HEAD.replace("&quot;", "") + GPX_BODY
    plain = tmp_path / "plain.gpx"
    plain.write_text(text, encoding="utf-8")
    other = tmp_path / "other.gpx"
    other.write_text(text.replace(*change), encoding="utf-8")
    assert _fast.plain(other.read_bytes()) is None
    a = _read(plain, fast=True, monkeypatch=monkeypatch)
    b = _read(other, fast=True, monkeypatch=monkeypatch)
    pd.testing.assert_frame_equal(a.samples, b.samples)
    if change[0] == "</gpx:gpx>":
        assert any("XML ends early" in w for w in b.warnings)


def test_undeclared_prefixes_are_read_by_both_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # some apps write extension tags (<x:hr>) without declaring the prefix: expat without
    # namespaces (the fast path) reads them by local name; the full parser used to refuse
    # the file ("unbound prefix") whenever anything else sent it there, e.g. a comment
    text = (GPX_HEAD + GPX_BODY).replace(" xmlns:x='urn:ext'", "")
    undeclared = tmp_path / "undeclared.gpx"
    undeclared.write_text(text, encoding="utf-8")
    commented = tmp_path / "commented.gpx"
    commented.write_text(text.replace("<gpx:trk>", "<!-- c --><gpx:trk>"), encoding="utf-8")
    # a comment before the root that looks like a tag: the declarations go on the root
    before_root = tmp_path / "before_root.gpx"
    before_root.write_text(text.replace("<gpx:gpx ", "<!-- <note> --><gpx:gpx ", 1), "utf-8")
    fast = _read(undeclared, fast=True, monkeypatch=monkeypatch)
    assert fast.samples["heart_rate_bpm"].iloc[0] == 120.0
    for path in (undeclared, commented, before_root):
        full = _read(path, fast=False, monkeypatch=monkeypatch)
        pd.testing.assert_frame_equal(full.samples, fast.samples)
        assert "namespace prefixes used but not declared: x" in full.warnings
    # declared ones are left alone
    assert _xml._declare_prefixes((GPX_HEAD + GPX_BODY).encode()) == (
        (GPX_HEAD + GPX_BODY).encode(),
        [],
    )


# --- GPX routes (route planners' exports) ------------------------------------------------

ROUTE = """<?xml version="1.0" encoding="UTF-8"?>
<gpx:gpx version="1.1" creator="planner" xmlns:gpx="http://www.topografix.com/GPX/1/1">
<gpx:wpt lat="45.9" lon="6.9"><gpx:ele>1</gpx:ele><gpx:time>2020-01-01T00:00:00Z</gpx:time>
</gpx:wpt>
<gpx:rte><gpx:name>Up</gpx:name><gpx:type>hiking</gpx:type>
  <gpx:rtept lat="46.0" lon="7.000"><gpx:ele>100</gpx:ele><gpx:name>start</gpx:name></gpx:rtept>
  <gpx:rtept lon="7.001" lat="46.0"><gpx:ele> 110 </gpx:ele></gpx:rtept>
  <gpx:rtept lat="46.0" lon="7.002"/>
</gpx:rte>
<gpx:rte/>
<gpx:rte><gpx:rtept lat="46.0" lon="7.003"><gpx:ele>130</gpx:ele></gpx:rtept>
  <gpx:rtept lat="46.0" lon="7.004"><gpx:ele>140</gpx:ele></gpx:rtept></gpx:rte>
</gpx:gpx>
"""


def test_a_gpx_route_without_times_reads_and_says_why_it_has_no_energy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "planned.gpx"
    path.write_text(ROUTE, encoding="utf-8")
    act = _same(path, monkeypatch)  # the fast path and the full parser agree
    s = act.samples
    # values read by eye from the document above (not the waypoint's)
    np.testing.assert_array_equal(s["longitude_deg"], [7.0, 7.001, 7.002, 7.003, 7.004])
    np.testing.assert_array_equal(s["altitude_m"], [100.0, 110.0, np.nan, 130.0, 140.0])
    assert s["segment"].tolist() == [0, 0, 0, 1, 1]  # one per route (the empty one: none)
    assert s["time"].isna().all()
    assert (act.sport, act.device) == ("hiking", "planner")
    with pytest.warns(ActivityWarning, match="GPX route without times"):
        rc.read_activity(path)
    act = _read(path, fast=True, monkeypatch=monkeypatch)
    with pytest.raises(rc.activity.ActivityError, match=r"planned\.gpx: .*route without times"):
        rc.estimate_activity(act, mass_kg=70)
    table = rc.estimate_activities([path], mass_kg=70, processes=1, progress=False)
    assert table["status"].tolist() == ["error"]
    assert "GPX route without times" in table["reason"].iloc[0]


def test_a_timed_gpx_route_estimates_as_its_track(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    track = steady(3.0, 300, grade=0.03)
    track.segment = (track.t > 150).astype(int)
    path = write_gpx(track, tmp_path / "a.gpx")
    route = _as_route(path)
    act = _same(route, monkeypatch)
    pd.testing.assert_frame_equal(
        act.samples, _read(path, fast=True, monkeypatch=monkeypatch).samples
    )
    assert "the file is a GPX route (<rte>, 301 points): read as the recording's track" in (
        act.warnings
    )
    rows = rc.estimate_activities([path, route], mass_kg=70, processes=1, progress=False)
    assert rows["status"].tolist() == ["ok", "ok"]
    assert rows["energy_net_kcal"].iloc[1] == rows["energy_net_kcal"].iloc[0]


@pytest.mark.skipif(not FIXTURES.is_dir(), reason=f"shared fixtures not found at {FIXTURES}")
@pytest.mark.parametrize("name", ["gpxpy-korita-zbevnica.gpx", "runpandas-run.gpx"])
def test_real_tracks_as_routes_read_the_same_both_ways(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # each trk's trksegs become routes (its name, type... left where they were)
    text = (FIXTURES / name).read_text(encoding="utf-8")
    text = re.sub(r"</?trk>", "", text).replace("<trkseg>", "<rte>").replace("</trkseg>", "</rte>")
    text = text.replace("<trkpt ", "<rtept ").replace("</trkpt>", "</rtept>")
    path = tmp_path / name
    for times in (True, False):
        path.write_text(text if times else re.sub(r"<time>[^<]*</time>", "", text), "utf-8")
        act = _same(path, monkeypatch)
        track = _read(FIXTURES / name, fast=True, monkeypatch=monkeypatch).samples
        columns = ["latitude_deg", "longitude_deg", "altitude_m"]
        pd.testing.assert_frame_equal(act.samples[columns], track[columns])
        assert act.samples["time"].isna().all() != times


def test_a_track_wins_over_a_route_in_the_same_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_gpx(steady(3.0, 60), tmp_path / "a.gpx")
    text = path.read_text(encoding="utf-8")
    # routes come before tracks in a GPX file
    rte = ROUTE[ROUTE.index("<gpx:rte>") : ROUTE.rindex("</gpx:rte>") + 10].replace("gpx:", "")
    both = tmp_path / "both.gpx"
    both.write_text(text.replace("<trk>", rte + "<trk>"), encoding="utf-8")
    act = _same(both, monkeypatch)
    pd.testing.assert_frame_equal(
        act.samples, _read(path, fast=True, monkeypatch=monkeypatch).samples
    )
    assert "the file also holds a GPX route (<rte>, 5 points): not read, its track is" in (
        act.warnings
    )


def _tcx(laps: list[tuple[str, float, float, list[list[str]]]]) -> str:
    """TCX text: per lap (start, TotalTimeSeconds, DistanceMeters, tracks of point times)."""
    out = []
    d = 0.0
    for start, total, dist, tracks in laps:
        body = "".join(
            "<Track>"
            + "".join(
                f"<Trackpoint><Time>{t}</Time><DistanceMeters>{(d := d + 3.0):.1f}"
                "</DistanceMeters><HeartRateBpm><Value>130</Value></HeartRateBpm></Trackpoint>"
                for t in track
            )
            + "</Track>"
            for track in tracks
        )
        out.append(
            f'<Lap StartTime="{start}"><TotalTimeSeconds>{total}</TotalTimeSeconds>'
            f"<DistanceMeters>{dist}</DistanceMeters><AverageHeartRateBpm><Value>131</Value>"
            f"</AverageHeartRateBpm>{body}</Lap>"
        )
    return (
        '<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/'
        'xmlschemas/TrainingCenterDatabase/v2"><Activities><Activity Sport="Walking">'
        "<Id>x</Id>" + "".join(out) + "<Creator><Name>Forerunner</Name></Creator>"
        "</Activity></Activities><Author><Name>Someone else</Name></Author>"
        "</TrainingCenterDatabase>"
    )


def test_tcx_laps_timer_and_elapsed_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # lap 1: 07:00:00-07:00:20, paused 07:00:10-07:00:15 (two Tracks): timer 15 s, elapsed
    # to the next lap's start 30 s; lap 2 starts 07:00:30 and ends at its last point, +10 s
    t = "2024-05-01T07:00:{:02d}Z".format
    path = tmp_path / "laps.tcx"
    path.write_text(
        _tcx(
            [
                (t(0), 15.0, 30.0, [[t(0), t(5), t(10)], [t(15), t(20)]]),
                (t(30), 10.0, 6.0, [[t(30), t(35), t(40)]]),
            ]
        )
    )
    act = _same(path, monkeypatch)
    assert act.laps["timer_s"].tolist() == [15.0, 10.0]
    assert act.laps["elapsed_s"].tolist() == [30.0, 10.0]
    assert act.laps["start_s"].tolist() == [0.0, 30.0]
    assert act.laps["distance_m"].tolist() == [30.0, 6.0]
    # the second Track of lap 1 follows a pause (new segment); lap 2 continues it
    assert act.samples["segment"].tolist() == [0, 0, 0, 1, 1, 1, 1, 1]
    assert act.samples["lap"].tolist() == [0, 0, 0, 0, 0, 1, 1, 1]
    assert act.samples["heart_rate_bpm"].tolist() == [130.0] * 8  # not the lap's average
    assert (act.sport, act.device) == ("walking", "Forerunner")


def _as_route(path: Path, *, times: bool = True) -> Path:
    """The GPX track of ``path`` written as a route (what route planners export): each
    ``trkseg`` a ``rte``, each ``trkpt`` a ``rtept``; its times dropped unless ``times``."""
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition("<trk>")
    sport = rest[: rest.index("</type>") + len("</type>")] if rest.startswith("<type>") else ""
    body = rest.removeprefix(sport).replace("</trk>", "")
    body = body.replace("<trkseg>", "<rte>" + sport).replace("</trkseg>", "</rte>")
    body = body.replace("<trkpt ", "<rtept ").replace("</trkpt>", "</rtept>")
    if not times:
        body = re.sub(r"<time>[^<]*</time>", "", body)
    out = path.with_name(path.stem + "-route.gpx")
    out.write_text(head + body, encoding="utf-8")
    return out


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 40),
    seed=st.integers(0, 2**16),
    prefix=st.sampled_from(["ns3", "gpxtpx"]),
    hr=st.booleans(),
    segments=st.integers(1, 3),
    route=st.sampled_from([None, "timed", "untimed"]),
)
def test_random_gpx_reads_the_same_both_ways(
    n: int,
    seed: int,
    prefix: str,
    hr: bool,
    segments: int,
    route: str | None,
    tmp_path_factory: Any,
) -> None:
    rng = np.random.default_rng(seed)
    track = steady(2.0 + rng.random(), n)
    track.z = track.z + rng.normal(0, 3, track.z.size).round(2)
    track.hr = np.round(120 + 20 * rng.random(track.t.size)) if hr else None
    track.segment = np.sort(rng.integers(0, segments, track.t.size))
    path = write_gpx(track, tmp_path_factory.mktemp("gpx") / "r.gpx", prefix=prefix)
    if route is not None:  # the same points as a route (one rte per trkseg)
        path = _as_route(path, times=route == "timed")
    with pytest.MonkeyPatch.context() as mp:
        act = _same(path, mp)
    assert act.samples["time"].isna().all() == (route == "untimed")
    np.testing.assert_allclose(act.samples["altitude_m"], track.z, atol=0.005)
    assert act.samples["segment"].tolist() == list(np.unique(track.segment, return_inverse=True)[1])


@pytest.mark.parametrize("kind", ["gpx", "tcx"])
def test_written_files_read_the_same_both_ways(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    track = steady(3.0, 300, grade=0.03)
    track.hr = np.full(track.t.size, 140.0)
    path = {"gpx": write_gpx, "tcx": write_tcx}[kind](track, tmp_path / f"a.{kind}")
    act = _same(path, monkeypatch)
    np.testing.assert_allclose(act.samples["elapsed_s"], track.t)
    np.testing.assert_allclose(act.samples["altitude_m"], track.z, atol=0.005)


XML_FIXTURES = sorted(p.name for p in FIXTURES.glob("*") if p.suffix in (".gpx", ".tcx"))


@pytest.mark.skipif(not XML_FIXTURES, reason=f"shared activity fixtures not found at {FIXTURES}")
@pytest.mark.parametrize("name", XML_FIXTURES or ["<none>"])
def test_real_xml_files_read_the_same_both_ways(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _same(FIXTURES / name, monkeypatch)


# --- the activity extra missing ------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "module"), [("fit", "fitdecode"), ("gpx", "defusedxml"), ("tcx", "defusedxml")]
)
def test_missing_extra_names_it(
    kind: str, module: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    track = steady(3.0, 60)
    path = {"fit": write_fit, "gpx": write_gpx, "tcx": write_tcx}[kind](track, tmp_path / "a")
    real_import = builtins.__import__

    def refuse(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == module or name.startswith(module + "."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    for loaded in [m for m in sys.modules if m == module or m.startswith(module + ".")]:
        monkeypatch.delitem(sys.modules, loaded)
    monkeypatch.setattr(builtins, "__import__", refuse)
    with pytest.raises(ImportError, match=r"pip install 'retrocalc\[activity\]'"):
        rc.read_activity(path)
    # and in a batch it is the file's reason, not the end of the batch
    table = rc.estimate_activities([path], mass_kg=70, processes=1, progress=False)
    assert table["status"].tolist() == ["error"]
    assert "retrocalc[activity]" in table["reason"].iloc[0]


# --- sports that are not walks or runs -----------------------------------------------------


def test_cycling_file_is_estimated_with_a_warning_and_a_status(tmp_path: Path) -> None:
    track = steady(3.0, 120)
    path = write_gpx(track, tmp_path / "ride.gpx", sport="cycling")
    with pytest.warns(ActivityWarning, match="sport is 'cycling', not walking or running"):
        result = rc.estimate_activity(path, mass_kg=70)
    assert result.summary["foot_sport"] is False
    assert result.summary["energy_gross_kcal"] > 0
    run = write_gpx(track, tmp_path / "run.gpx", sport="running")
    table = rc.estimate_activities([path, run], mass_kg=70, processes=1, progress=False)
    assert table["status"].tolist() == ["warning", "ok"]
    assert "cycling" in table["reason"].iloc[0]
    assert table["foot_sport"].tolist() == [False, True]


def test_running_file_has_no_sport_warning(tmp_path: Path) -> None:
    path = write_gpx(steady(3.0, 120), tmp_path / "run.gpx", sport="running")
    with warnings.catch_warnings():
        warnings.simplefilter("error", ActivityWarning)
        result = rc.estimate_activity(path, mass_kg=70)
    assert result.summary["foot_sport"] is True


@pytest.mark.skipif(not FIXTURES.is_dir(), reason=f"shared fixtures not found at {FIXTURES}")
def test_real_cycling_fit_warns() -> None:
    path = FIXTURES / "coros-pace-2-cycling-misaligned-fields.fit"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = rc.estimate_activity(path, mass_kg=70)
    assert any("not walking or running" in str(w.message) for w in caught)
    assert result.summary["sport"] == "cycling"
    assert result.summary["foot_sport"] is False


# --- engine="dask" on a real cluster -------------------------------------------------------


def test_dask_engine_on_a_local_cluster_matches_local(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    pytest.importorskip("dask.bag")
    files = []
    for i, grade in enumerate((0.0, 0.04, -0.03)):
        track = steady(2.5 + 0.5 * i, 240, grade=grade)
        files.append(write_gpx(track, tmp_path / f"{i}.gpx"))
    bad = tmp_path / "bad.gpx"
    bad.write_text("<gpx><trk>")
    files.append(bad)
    local = rc.estimate_activities(files, mass_kg=70, processes=1, progress=False)
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address=":0",
        processes=False,  # the scheduler and worker talk over TCP on loopback all the same
        protocol="tcp",
    ) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        remote = rc.estimate_activities(
            files, mass_kg=70, engine="dask", scheduler=cluster.scheduler_address, progress=False
        )
    assert remote["status"].tolist() == ["ok", "ok", "ok", "error"]
    pd.testing.assert_frame_equal(remote, local)


# --- many files: chunks keep the order, a bad file stays a row -----------------------------


def test_chunk_size_bounds() -> None:
    from retrocalc.activity.many import chunk_size

    assert chunk_size(1, 2) == 1
    assert chunk_size(100, 2) == 3  # ~16 tasks per process
    assert chunk_size(100_000, 2) == 16  # never more than 16 files per task
    assert chunk_size(10, 8) == 1


def test_chunked_processes_give_the_rows_of_one_process_in_order(tmp_path: Path) -> None:
    files = []
    for i in range(70):  # 70 files on 2 processes: chunks of 2
        track = steady(2.0 + 0.02 * i, 30, grade=0.01 * (i % 5))
        files.append(write_gpx(track, tmp_path / f"{i:03d}.gpx"))
    files[33].write_text("<gpx><trk>")  # a broken file inside a chunk
    one = rc.estimate_activities(files, mass_kg=70, processes=1, progress=False)
    two = rc.estimate_activities(files, mass_kg=70, processes=2, progress=False)
    pd.testing.assert_frame_equal(one, two)
    assert two["file"].tolist() == [str(f) for f in files]
    assert (two["status"] == "error").tolist() == [i == 33 for i in range(70)]


# --- FIT checksums --------------------------------------------------------------------------

# the FIT SDK's documented nibble table (FIT protocol, "CRC"): an independent implementation
_SDK_TABLE = (0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
              0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400)  # fmt: skip


def _sdk_crc(data: bytes) -> int:
    crc = 0
    for byte in data:
        for nibble in (byte & 0xF, byte >> 4):
            tmp = _SDK_TABLE[crc & 0xF]
            crc = (crc >> 4) & 0x0FFF
            crc = crc ^ tmp ^ _SDK_TABLE[nibble]
    return crc


@given(st.binary(max_size=300))
def test_fit_crc_is_the_sdk_crc(data: bytes) -> None:
    from retrocalc.activity._fit import fit_crc

    assert fit_crc(data) == _sdk_crc(data)


def test_altered_fit_file_warns_about_its_checksum(tmp_path: Path) -> None:
    path = write_fit(steady(3.0, 120), tmp_path / "a.fit")
    data = bytearray(path.read_bytes())
    with warnings.catch_warnings():
        warnings.simplefilter("error", ActivityWarning)  # an intact file: no warning
        rc.read_activity(path)
    # flip a bit of the last record's heart rate/cadence/speed area: still decodable
    data[-10] ^= 0x01
    altered = tmp_path / "b.fit"
    altered.write_bytes(bytes(data))
    with pytest.warns(ActivityWarning, match="FIT checksum mismatch"):
        rc.read_activity(altered)


def test_a_track_without_any_time_says_so_not_that_times_are_interpolated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a route planner's export as a track: "5 of 5 points have no time (times are
    # interpolated over distance between the timed points...)" spoke of timed points
    # where there are none
    text = (
        '<?xml version="1.0"?><gpx version="1.1" creator="planner" '
        'xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
        + "".join(f'<trkpt lat="46.0" lon="7.00{i}"><ele>{100 + i}</ele></trkpt>' for i in range(5))
        + "</trkseg></trk></gpx>"
    )
    path = tmp_path / "untimed.gpx"
    path.write_text(text, encoding="utf-8")
    act = _same(path, monkeypatch)
    n = len(act.samples)
    assert f"none of the {n} points has a time" in " ".join(act.warnings)
    assert "interpolated" not in " ".join(act.warnings)
    with pytest.raises(rc.activity.ActivityError, match="no speed, so no energy"):
        rc.estimate_activity(act, mass_kg=70)
