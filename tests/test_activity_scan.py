"""The GPX/TCX fast path's array primitives (``retrocalc.activity._scan``) and awkward layouts.

Numbers must be exactly ``float(text)`` (numpy's conversion, as the full parser uses); times
exactly what pandas reads (value and unit); vendor prefixes, attributes, white space, quotes
and look-alike names must give what the standard library's parser gives. Every document is
read both ways (the fast path, and iterparse with the fast path disabled) and compared.
"""

from __future__ import annotations

import random
import xml.parsers.expat
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import retrocalc as rc
from activity_files import Track, read_noting_path, steady, write_gpx, write_tcx
from retrocalc.activity import _fast, _scan, _values, _wellformed, _xml
from retrocalc.activity.read import ActivityError

pytest.importorskip("defusedxml")


def _read(
    path: Path, *, fast: bool, monkeypatch: pytest.MonkeyPatch
) -> tuple[rc.activity.Activity, bool]:
    """The activity, and whether the fast path read it."""
    return read_noting_path(path, monkeypatch, fast=fast)


def _both(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str, *, plain: bool = True
) -> rc.activity.Activity:
    """Write, read both ways, assert the same result; assert whether the fast path read it."""
    path = tmp_path / f"doc.{suffix}"
    path.write_bytes(text.encode("utf-8"))
    fast, taken = _read(path, fast=True, monkeypatch=monkeypatch)
    assert taken == plain
    full, _ = _read(path, fast=False, monkeypatch=monkeypatch)
    pd.testing.assert_frame_equal(fast.samples, full.samples)
    pd.testing.assert_frame_equal(fast.laps, full.laps)
    assert (fast.sport, fast.device, fast.warnings) == (full.sport, full.device, full.warnings)
    return fast


# --- numbers ---------------------------------------------------------------------------------


def _texts_tags(texts: list[str]) -> tuple[_scan.Tags, np.ndarray[Any, Any]]:
    doc = "<r>" + "".join(f"<v>{t}</v>" for t in texts) + "<w/></r>"
    marks = _scan.marks(doc.encode())
    assert marks is not None
    tags = _scan.scan(marks, {"v": 0, "w": 1}, {})
    assert tags is not None
    return tags, np.flatnonzero(tags.code == 0)


def _expected(texts: list[str]) -> np.ndarray[Any, Any] | None:
    values = []
    for t in texts:
        if not t.strip():
            values.append(np.nan)
            continue
        try:
            values.append(float(np.array([t], dtype=np.float64)[0]))
        except ValueError:
            return None
    return np.array(values)


@pytest.mark.parametrize(
    "texts",
    [
        ["0", "-0", "+5", "1.", ".5", "-.25", "007", "12.500", "-3.14159265358979"],
        ["123456789012345", "1234567890123456", "0.1234567890123456789"],  # past 15 digits
        ["1e3", "-2.5E-3", " 42 ", "\n 7.5\n", "nan", "inf", "-Infinity", "1_000"],
        ["", "  ", "5"],  # blanks
        ["46.0", "7.00003756", "10453.97264476419", "199.81", "140"],
    ],
)
def test_decimals_are_floats_of_the_texts(texts: list[str]) -> None:
    tags, index = _texts_tags(texts)
    found = _values.decimals(tags, index)
    assert found is not None
    values, blank = found
    assert blank.tolist() == [not t.strip() for t in texts]
    np.testing.assert_array_equal(values, _expected(texts))  # bit for bit (NaN where blank)
    assert np.signbit(values).tolist() == np.signbit(_expected(texts)).tolist()  # -0.0


@pytest.mark.parametrize("bad", ["12a", "1.2.3", "--1", "1,5", "0x10", "-"])
def test_a_text_that_is_not_a_number_is_refused(bad: str) -> None:
    tags, index = _texts_tags(["1.5", bad])
    assert _values.decimals(tags, index) is None  # the full parser then notes it


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "-", "+"]),
            st.text("0123456789", min_size=0, max_size=12),
            st.sampled_from(["", "."]),
            st.text("0123456789", min_size=0, max_size=12),
        ).map("".join),
        min_size=1,
        max_size=30,
    )
)
def test_random_decimals_are_floats_of_the_texts(texts: list[str]) -> None:
    tags, index = _texts_tags(texts)
    found = _values.decimals(tags, index)
    want = _expected(texts)
    if want is None:
        assert found is None
        return
    assert found is not None
    np.testing.assert_array_equal(found[0], want)


# --- times -----------------------------------------------------------------------------------

TIMES = [
    "2024-05-01T07:00:00Z",
    "2024-05-01T07:00:00.5Z",
    "2024-05-01T07:00:00.123Z",
    "2024-05-01T07:00:00.123456Z",
    "2024-05-01T07:00:00.1234567Z",  # 7 digits: nanoseconds
    "2024-05-01T07:00:00.123456789Z",
    "2024-05-01T09:30:00+02:30",
    "2024-05-01T01:00:00-06:00",
    "2024-05-01T07:00:00.25+01:00",
    "2024-05-01T07:00:00",  # no zone: UTC
    "2024-02-29T23:59:59Z",  # leap day
    "2000-12-31T23:59:59.999Z",
    "1999-01-01T00:00:00-00:00",
]
# spellings the array parser leaves to pandas (same result: pandas reads them all)
OTHER_TIMES = [
    "2024-05-01 07:00:00Z",
    "2024-05-01T07:00:00z",
    "2024-02-30T07:00:00Z",  # no such day: NaT
    "2024-05-01T24:00:00Z",
    "2024-05-01T07:00:00+0200",
    "2024-05-01T07:00:00+02-00",
    "2024-05-01T07:00:00.Z",
    "2024-05-01T07:00:00.1234567891Z",  # 10 digits
    "2024-05-01T07:00:00+15:00",
    "2024-05-01",
    " 2024-05-01T07:00:00Z ",
    "1850-05-01T07:00:00Z",
    "",
    "not a time",
]


def _gpx_times(times: list[str | None]) -> str:
    points = "".join(
        f'<trkpt lat="46" lon="{7 + i / 1000:.3f}"><ele>{100 + i}</ele>'
        + ("" if t is None else f"<time>{t}</time>")
        + "</trkpt>"
        for i, t in enumerate(times)
    )
    return f'<?xml version="1.0"?><gpx creator="t"><trk><trkseg>{points}</trkseg></trk></gpx>'


def _pandas(times: list[str | None]) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(
        pd.to_datetime(pd.Series(times, dtype=object), utc=True, format="ISO8601", errors="coerce")
    )


@pytest.mark.parametrize("when", TIMES + OTHER_TIMES)
def test_each_time_spelling_reads_as_pandas_reads_it(
    when: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    times: list[str | None] = ["2024-05-01T06:00:00Z", when, None]
    act = _both(_gpx_times(times), tmp_path, monkeypatch, "gpx")
    got = pd.DatetimeIndex(act.samples["time"])
    want = _pandas(times)
    assert got.dtype == want.dtype
    assert got.equals(want)


def test_times_with_offsets_and_fractions_by_eye(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    times: list[str | None] = [
        "2024-05-01T09:00:00+02:00",
        "2024-05-01T07:00:01",
        "2024-05-01T02:00:02.5-05:00",
        None,
    ]
    act = _both(_gpx_times(times), tmp_path, monkeypatch, "gpx")
    assert act.samples["time"].dtype == "datetime64[us, UTC]"
    assert act.samples["elapsed_s"].tolist()[:3] == [0.0, 1.0, 2.5]
    assert act.samples["time"].isna().tolist() == [False, False, False, True]
    nano = _both(_gpx_times(["2024-05-01T07:00:00.000000001Z"]), tmp_path, monkeypatch, "gpx")
    assert nano.samples["time"].dtype == "datetime64[ns, UTC]"
    assert nano.samples["time"].iloc[0].nanosecond == 1


@settings(max_examples=40, deadline=None)
@given(
    seconds=st.lists(st.integers(-(10**9), 6 * 10**9), min_size=1, max_size=20),
    digits=st.integers(0, 9),
    zone=st.sampled_from(["Z", "", "+01:00", "-09:30", "+14:00", "-00:00"]),
)
def test_random_times_as_pandas(seconds: list[int], digits: int, zone: str) -> None:
    base = pd.Timestamp("1970-01-01")
    texts = []
    for s in seconds:
        t = base + pd.Timedelta(seconds=s)
        frac = f".{s % 10**digits:0{digits}d}" if digits else ""
        texts.append(t.strftime("%Y-%m-%dT%H:%M:%S") + frac + zone)
    doc = "<r>" + "".join(f"<v>{t}</v>" for t in texts) + "</r>"
    marks = _scan.marks(doc.encode())
    assert marks is not None
    tags = _scan.scan(marks, {"v": 0}, {})
    assert tags is not None
    found = _values.iso_times(tags, np.flatnonzero(tags.code == 0))
    want = _pandas(list(texts))
    if any(not 1900 <= int(t[:4]) <= 2199 for t in texts):
        assert found is None  # outside the array parser's years: pandas reads them
        return
    assert found is not None
    ns, unit = found
    assert unit == str(want.dtype.unit)
    np.testing.assert_array_equal(ns, want.as_unit("ns").asi8)


# --- layouts: prefixes, attributes, white space, look-alike names ----------------------------


def _tcx(points: list[str], *, ns: str = "", head: str = "", lap: str = "") -> str:
    p = f"{ns}:" if ns else ""
    xmlns = f' xmlns:{ns}="urn:tcx"' if ns else ' xmlns="urn:tcx"'
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<{p}TrainingCenterDatabase{xmlns} '
        'xmlns:ns3="urn:ext"><'
        + p
        + "Activities><"
        + p
        + 'Activity Sport="Running">'
        + head
        + f'<{p}Lap StartTime="2024-05-01T07:00:00Z"><{p}TotalTimeSeconds>2.0'
        f"</{p}TotalTimeSeconds><{p}DistanceMeters>6.5</{p}DistanceMeters>{lap}<{p}Track>"
        + "".join(points)
        + f"</{p}Track></{p}Lap><{p}Creator><{p}Name>Forerunner 965</{p}Name></{p}Creator>"
        f"</{p}Activity></{p}Activities></{p}TrainingCenterDatabase>"
    )


def _point(i: int, p: str = "", *, ext: str = "ns3") -> str:
    return (
        f"<{p}Trackpoint><{p}Time>2024-05-01T07:00:0{i}Z</{p}Time><{p}Position>"
        f"<{p}LatitudeDegrees>46.{i}</{p}LatitudeDegrees><{p}LongitudeDegrees>7.{i}"
        f"</{p}LongitudeDegrees></{p}Position><{p}AltitudeMeters>10{i}.5</{p}AltitudeMeters>"
        f"<{p}DistanceMeters>{3 * i}.25</{p}DistanceMeters><{p}HeartRateBpm><{p}Value>13{i}"
        f"</{p}Value></{p}HeartRateBpm><{p}Extensions><{ext}:TPX><{ext}:Speed>3.{i}</{ext}:Speed>"
        f"<{ext}:RunCadence>8{i}</{ext}:RunCadence></{ext}:TPX></{p}Extensions></{p}Trackpoint>"
    )


def _check_tcx(act: rc.activity.Activity) -> None:
    s = act.samples
    np.testing.assert_array_equal(s["latitude_deg"], [46.0, 46.1, 46.2])
    np.testing.assert_array_equal(s["altitude_m"], [100.5, 101.5, 102.5])
    np.testing.assert_array_equal(s["distance_m"], [0.25, 3.25, 6.25])
    np.testing.assert_array_equal(s["heart_rate_bpm"], [130, 131, 132])
    np.testing.assert_array_equal(s["speed_m_s"], [3.0, 3.1, 3.2])
    np.testing.assert_array_equal(s["cadence_rpm"], [80, 81, 82])
    assert s["elapsed_s"].tolist() == [0.0, 1.0, 2.0]
    assert (act.sport, act.device) == ("running", "Forerunner 965")
    assert act.laps["distance_m"].tolist() == [6.5]


@pytest.mark.parametrize(
    ("ns", "ext"),
    [("", "ns3"), ("tcx", "ns3"), ("", "x"), ("", "a_very_long_vendor_prefix_of_30c"), ("t", "e")],
)
def test_tcx_under_any_prefix(
    ns: str, ext: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = f"{ns}:" if ns else ""
    text = _tcx([_point(i, p, ext=ext) for i in range(3)], ns=ns).replace(
        'xmlns:ns3="urn:ext"', f'xmlns:{ext}="urn:ext"'
    )
    _check_tcx(_both(text, tmp_path, monkeypatch, "tcx"))


@pytest.mark.parametrize(
    "change",
    [
        ("<Trackpoint>", "\n      <Trackpoint>\r\n        "),  # indented, CRLF
        ("</Trackpoint>", "</Trackpoint >"),  # white space before ">"
        ("<Value>", '<Value unit="bpm">'),  # attributes on a field
        ("<Value>", "<Value unit='a > b'>"),  # ">" inside a value: tags found the slow way
        ("<Position>", '<Position note="it\'s" >'),
        ("<Id>", '<Notes a="1" b=\'2 " 3\'>x > y</Notes><Id>'),
    ],
    ids=["indented", "space-before-gt", "field-attribute", "gt-in-value", "quotes", "mixed"],
)
def test_tcx_layouts(
    change: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _tcx([_point(i) for i in range(3)], head="<Id>x</Id>").replace(*change)
    _check_tcx(_both(text, tmp_path, monkeypatch, "tcx"))


def test_names_that_look_like_wanted_ones_are_not_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the same first 8 bytes, longer than 16 bytes, exactly 16 bytes, a wanted name as the
    # tail of another: none of these is a point field
    decoys = (
        "<AltitudeMetersSmoothed>999</AltitudeMetersSmoothed>"
        "<ActivityExtensions>1</ActivityExtensions><TrackpointX>5</TrackpointX>"
        "<LongitudeDegreesX>9</LongitudeDegreesX><DistanceMeterz>9</DistanceMeterz>"
        "<ns3:AvgSpeed>9</ns3:AvgSpeed><ns3:MaxRunCadence>9</ns3:MaxRunCadence><V>1</V>"
    )
    points = [_point(i).replace("<Position>", decoys + "<Position>") for i in range(3)]
    act = _both(_tcx(points), tmp_path, monkeypatch, "tcx")
    _check_tcx(act)


def test_gpx_names_that_look_like_wanted_ones_are_not_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "distance" is a wanted 8-byte name: a longer name starting with it is not it
    text = (
        '<gpx xmlns:x="urn:x"><trk><trkseg><trkpt lat="1" lon="2">'
        "<distanceFromStart>999</distanceFromStart>"
        "<ele>5</ele><x:hrv>9</x:hrv><cadence_avg>9</cadence_avg></trkpt></trkseg></trk></gpx>"
    )
    act = _both(text, tmp_path, monkeypatch, "gpx")
    assert act.samples[["distance_m", "heart_rate_bpm", "cadence_rpm"]].isna().all().all()
    assert act.samples["altitude_m"].tolist() == [5.0]


def test_lap_level_fields_are_not_point_fields(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a lap's own distance, speed and heart rate (outside every Trackpoint)
    lap = (
        "<MaximumSpeed>9</MaximumSpeed><AverageHeartRateBpm><Value>1</Value></AverageHeartRateBpm>"
    )
    act = _both(_tcx([_point(i) for i in range(3)], lap=lap), tmp_path, monkeypatch, "tcx")
    _check_tcx(act)


@pytest.mark.parametrize(
    "attrs",
    [
        "lat='46.5' lon='7.25'",
        'lon="7.25" lat="46.5"',
        'lat="46.5"\n\tlon="7.25" ele="1"',
        "lat = \"46.5\" lon= '7.25'",  # white space around "=": the regular expression
        "lat=\"46.5\" lon='7.25'",  # mixed quotes in one tag
        'x="lat=\'1\'" lat="46.5" lon="7.25"',  # "lat" inside another value
        'x=" lat=" lat="46.5" lon="7.25"',  # ... that ends with "="
        # attributes longer than 64 bytes: read over the whole text, not copied into rows
        'lat="46.5" lon="7.25" ' + 'x="' + "y" * 70 + '"',
        'x="' + "y" * 38 + '" lat="46.5" lon="7.25"',  # 64 bytes: the rows' widest
        'x="' + "y" * 39 + '" lat="46.5" lon="7.25"',  # 65 bytes: the whole text
    ],
)
def test_gpx_positions_however_quoted(
    attrs: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        '<gpx creator="me"><trk><trkseg>'
        + "".join(f"<trkpt {attrs}><ele>{i}</ele></trkpt>" for i in range(2))
        + "</trkseg></trk></gpx>"
    )
    act = _both(text, tmp_path, monkeypatch, "gpx")
    assert act.samples["latitude_deg"].tolist() == [46.5, 46.5]
    assert act.samples["longitude_deg"].tolist() == [7.25, 7.25]


def test_gpx_points_without_a_position_some_or_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    some = (
        '<gpx><trk><trkseg><trkpt lat="1" lon="2"/><trkpt><ele>3</ele></trkpt></trkseg></trk></gpx>'
    )
    act = _both(some, tmp_path, monkeypatch, "gpx", plain=False)  # the full parser places them
    assert act.samples["latitude_deg"].isna().tolist() == [False, True]
    none = (
        "<gpx><trk><trkseg><trkpt><ele>1</ele></trkpt><trkpt><ele>2</ele></trkpt></trkseg>"
        "</trk></gpx>"
    )
    act = _both(none, tmp_path, monkeypatch, "gpx")
    assert act.samples["latitude_deg"].isna().all()


@settings(max_examples=30, deadline=None)
@given(
    ns=st.sampled_from(["", "tcx"]),
    ext=st.sampled_from(["ns3", "x", "gpxtpx"]),
    indent=st.booleans(),
    drop=st.lists(st.sampled_from(["Time", "AltitudeMeters", "Value", "Speed"]), max_size=3),
    n=st.integers(1, 6),
)
def test_random_tcx_layouts_read_the_same_both_ways(
    ns: str, ext: str, indent: bool, drop: list[str], n: int, tmp_path_factory: Any
) -> None:
    p = f"{ns}:" if ns else ""
    points = [_point(i, p, ext=ext) for i in range(n)]
    for name in drop:  # some points lack a field (and its value)
        points[0] = (
            points[0]
            .replace(f"<{p}{name}>", f"<{p}{name}X>")
            .replace(f"</{p}{name}>", f"</{p}{name}X>")
        )
        points[0] = (
            points[0]
            .replace(f"<{ext}:{name}>", f"<{ext}:{name}X>")
            .replace(f"</{ext}:{name}>", f"</{ext}:{name}X>")
        )
    text = _tcx(points, ns=ns).replace('xmlns:ns3="urn:ext"', f'xmlns:{ext}="urn:ext"')
    if indent:
        text = text.replace("><", ">\n  <")
    with pytest.MonkeyPatch.context() as mp:
        _both(text, tmp_path_factory.mktemp("tcx"), mp, "tcx")


# --- what the fast path leaves to the full parser --------------------------------------------

BILLION_LAUGHS_TCX = b"""<?xml version="1.0"?>
<!DOCTYPE TrainingCenterDatabase [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
<TrainingCenterDatabase><Activities><Activity Sport="Running"><Lap><Track><Trackpoint>
<Time>2024-05-01T07:00:00Z</Time><AltitudeMeters>&b;</AltitudeMeters></Trackpoint>
</Track></Lap></Activity></Activities></TrainingCenterDatabase>"""
EXTERNAL_TCX = BILLION_LAUGHS_TCX.replace(
    b'<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">',
    b'<!ENTITY b SYSTEM "file:///etc/passwd">',
)
PARAMETER_TCX = BILLION_LAUGHS_TCX.replace(
    b'<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">',
    b'<!ENTITY % p SYSTEM "http://example.org/evil.dtd"> %p; <!ENTITY b "1">',
)


@pytest.mark.parametrize(
    "content", [BILLION_LAUGHS_TCX, EXTERNAL_TCX, PARAMETER_TCX], ids=["laughs", "external", "pe"]
)
def test_hostile_tcx_is_refused_naming_the_file(content: bytes, tmp_path: Path) -> None:
    assert _fast.plain(content) is None  # never the fast path
    path = tmp_path / "evil.tcx"
    path.write_bytes(content)
    with pytest.raises(ActivityError, match=r"evil\.tcx: refused unsafe XML"):
        rc.read_activity(path)


def test_a_dtd_without_entities_is_not_for_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _tcx([_point(i) for i in range(3)]).replace(
        "\n<TrainingCenterDatabase", "\n<!DOCTYPE TrainingCenterDatabase>\n<TrainingCenterDatabase"
    )
    _check_tcx(_both(text, tmp_path, monkeypatch, "tcx", plain=False))


@pytest.mark.parametrize(
    "text",
    [
        '<?xml version="1.0" encoding="ISO-8859-1"?><gpx/>',  # another encoding
        "<?xml version='1.0'?><?pi x?><gpx/>",  # a processing instruction
        "<gpx><!-- c --></gpx>",
        "<gpx><![CDATA[x]]></gpx>",
        "<gpx>&#49;</gpx>",
        "<gpx><a></b></gpx>",  # not well-formed
        "<gpx>",
    ],
)
def test_documents_left_to_the_full_parser(text: str) -> None:
    assert _fast.plain(text.encode("latin-1")) is None


@pytest.mark.parametrize("tail", range(0, 90, 6))
def test_values_near_the_end_of_the_text(
    tail: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the last point's name, text and time are read whatever the room left after them
    text = (
        '<gpx><trk><trkseg><trkpt lat="46.123456789" lon="7.5">'
        "<ele>101.25</ele><time>2024-05-01T07:00:00.123456789+01:00</time></trkpt>"
        "</trkseg></trk></gpx>" + " " * tail
    )
    act = _both(text, tmp_path, monkeypatch, "gpx")
    assert act.samples["altitude_m"].tolist() == [101.25]
    assert act.samples["latitude_deg"].tolist() == [46.123456789]
    assert str(act.samples["time"].iloc[0]) == "2024-05-01 06:00:00.123456789+00:00"


@pytest.mark.parametrize(
    "texts",
    [
        ["3600.0"],
        ["3600", "12"],  # integers stay integers
        ["3600", None],
        [None, None],
        ["1e3", " 12.5 ", "nan", "abc", "", "-0", "1_000", "0x10", "inf"],
    ],
)
def test_lap_numbers_are_to_numeric_of_a_series(texts: list[Any]) -> None:
    # the laps' TotalTimeSeconds and DistanceMeters: converted from an object array, not a
    # Series (in pandas 3 a str Series, converted through its objects): same values, dtype
    got = _xml._numbers(texts)
    want = pd.to_numeric(pd.Series(texts), errors="coerce")
    pd.testing.assert_series_equal(pd.Series(got), want, check_exact=True)


# --- the well-formedness check (retrocalc.activity._wellformed) against expat ---------------
#
# The fast path reads a document only if it is well-formed; _wellformed.proven decides that
# without expat for the usual GPX/TCX files. It may say "cannot tell" (then expat decides),
# but never "well-formed" where expat raises.

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "activities"


def _expat_accepts(doc: bytes) -> bool:
    try:
        xml.parsers.expat.ParserCreate().Parse(doc, True)
    except (xml.parsers.expat.ExpatError, LookupError):  # (an unknown encoding)
        return False
    return True


def _verdict(doc: bytes, kind: str) -> bool | None:
    """The check's verdict on ``doc`` (None: not asked; scan left the document before)."""
    seen: list[bool] = []
    original = _wellformed.proven

    def spy(*args: Any) -> Any:
        matched = original(*args)
        if matched is not None:  # the end tags it pairs: those the depths give
            depth, elements = args[4], args[5]
            assert np.array_equal(matched, _scan._matching_ends(depth, elements))
        seen.append(matched is not None)
        return matched

    with pytest.MonkeyPatch.context() as m:
        m.setattr(_wellformed, "proven", spy)
        marks = _scan.marks(doc)
        if marks is not None:
            try:
                _scan.scan(marks, _fast._STARTS[kind], _fast._ENDS[kind])
            except Exception:
                if seen and seen[0]:
                    return True  # (after a wrong "yes" the scan may fail: the verdict counts)
                raise  # otherwise the scan must not fail on any text
    return seen[0] if seen else None


def _track(seconds: int) -> Track:
    t = steady(3.0, seconds)
    return Track(t.t, t.d, t.z, hr=np.full(t.t.size, 120.0))


def _documents(tmp_path: Path) -> list[tuple[str, bytes]]:
    """Well-formed documents of both kinds: the writers' files, awkward layouts, corners."""
    docs = [
        ("gpx", write_gpx(_track(4), tmp_path / "a.gpx").read_bytes()),
        ("tcx", write_tcx(_track(4), tmp_path / "a.tcx").read_bytes()),
        ("tcx", _tcx([_point(i) for i in range(2)]).encode()),
        ("tcx", _tcx([_point(i, "t:") for i in range(2)], ns="t").encode()),
        (
            "tcx",
            _tcx([_point(i, ext="a_very_long_vendor_prefix_of_30c") for i in range(2)])
            .replace("xmlns:ns3=", "xmlns:a_very_long_vendor_prefix_of_30c=")
            .encode(),
        ),
        (
            "gpx",
            b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n'
            b"<gpx creator='x \xc3\xa9' version=\"1.1\"><trk><name>Run \xe2\x82\xac "
            b"\xf0\x90\x80\x80 ]] > \" '</name><trkseg>\r\n  <trkpt lat=\"1\" lon='2' >"
            b'<ele>3</ele><x:hr>4</x:hr></trkpt>\r\n  <trkpt lon="2.5"\tlat="1"/>'
            b"<trkpt lat='1' lon='3'><ele/><time>2024-05-01T07:00:00Z</time></trkpt>"
            b"</trkseg></trk></gpx>\n",
        ),
        ("gpx", b"<gpx/>"),
        ("gpx", b"<a.b-c:d_1><_x/><:y></:y><A9></A9></a.b-c:d_1>"),
        ("gpx", b"<?xml version='1.0'?><gpx><trk><trkseg></trkseg></trk></gpx>  \n"),
    ]
    for change in [
        ("<Trackpoint>", "\n      <Trackpoint>\r\n        "),
        ("</Trackpoint>", "</Trackpoint >"),
        ("<Value>", '<Value unit="bpm">'),
        ("<Value>", "<Value unit='a > b'>"),
        ("<Position>", '<Position note="it\'s" >'),
        ("<Id>", '<Notes a="1" b=\'2 " 3\'>x > y</Notes><Id>'),
    ]:
        text = _tcx([_point(i) for i in range(2)], head="<Id>x</Id>").replace(*change)
        docs.append(("tcx", text.encode()))
    assert all(_expat_accepts(doc) for _, doc in docs)
    return docs


_BYTES = [
    *b"<>/\"'= \t\n\r:_-.?!]&a9",
    0x00, 0x01, 0x0B, 0x1F, 0x7F, 0x80, 0xC3, 0xFF,
]  # fmt: skip
_NAMES = ["1", "-", ".", "\xc3\xa9", "\xe2\x82\xac", "\xc2\xb7", "\xf0\x90\x80\x80", "a b", "X"]
# in a text: U+FFFE, U+FFFF, "]]>", a surrogate, an overlong "/" (not allowed); U+FDD0,
# U+10FFFF, U+0085, a reference, "]]" (allowed)
_TEXTS = [b"\xef\xbf\xbe", b"\xef\xbf\xbf", b"]]>", b"\xed\xa0\x80", b"\xc0\xaf",
          b"\xef\xb7\x90", b"\xf4\x8f\xbf\xbf", b"\xc2\x85", b"&amp;", b"]]"]  # fmt: skip
_DECLARATIONS = [
    b'<?xml version="1.0" encoding="UTF-8" standalone="maybe"?>',
    b'<?xml encoding="UTF-8"?>',
    b'<?xml version="1.0" standalone="yes" encoding="UTF-8"?>',
    b'<?xml  version="1.0"encoding="UTF-8"?>',
    b'<?xmlversion="1.0"?>',
    b' <?xml version="1.0"?>',
    b'<?xml version="1.0" encoding="latin1"?>',
    b'<?xml version="1.0" encoding="us-ascii"?>',
    b"<?xml version='1.0' ?>",
    b'<?xml version="1.0" encoding="UTF-8"',
    b"<?XML version='1.0'?>",
    b"<?pi x?>",
    b"",
]


def _mutate(doc: bytes, rng: random.Random) -> bytes:
    """``doc`` changed in one of the ways that make a document ill-formed (or not)."""
    if b"<" not in doc[:-1]:
        return doc + b"<a/>"
    try:
        return _change(doc, rng)
    except ValueError:  # (no ">" where one was looked for: a truncated document)
        return doc[: len(doc) // 2]


def _change(doc: bytes, rng: random.Random) -> bytes:
    lts = [i for i, c in enumerate(doc[:-1]) if c == ord("<")]
    ends = [i for i in lts if doc[i + 1 : i + 2] == b"/"]
    starts = [i for i in lts if doc[i + 1 : i + 2] not in (b"/", b"?")]
    at = rng.randrange(len(doc))
    near = rng.choice(lts) + rng.randrange(-2, 12)  # in or near a tag
    near = min(max(near, 0), len(doc) - 1)
    kind = rng.randrange(17)
    if kind == 0:  # truncated anywhere, or just before or after a tag's "<" or ">"
        cut = rng.choice([at, near, rng.choice(lts), rng.choice(lts) + 1])
        return doc[:cut]
    if kind == 1:  # a byte replaced
        where = rng.choice([at, near])
        return doc[:where] + bytes([rng.choice(_BYTES)]) + doc[where + 1 :]
    if kind == 2:  # a byte inserted
        where = rng.choice([at, near])
        return doc[:where] + bytes([rng.choice(_BYTES)]) + doc[where:]
    if kind == 3:  # a byte deleted
        where = rng.choice([at, near])
        return doc[:where] + doc[where + 1 :]
    if kind == 4 and ends:  # a letter into an end tag's name
        i = rng.choice(ends) + 2 + rng.randrange(3)
        return doc[:i] + rng.choice([b"x", b"Q", b":"]) + doc[i:]
    if kind == 5 and len(ends) > 1:  # two end tags swapped
        i, j = sorted(rng.sample(ends, 2))
        a, b = doc[i : doc.index(b">", i) + 1], doc[j : doc.index(b">", j) + 1]
        return doc[:i] + b + doc[i + len(a) : j] + a + doc[j + len(b) :]
    if kind == 6:  # an attribute repeated, or added to an end tag
        found = [i for i in range(len(doc) - 1) if doc[i : i + 2] in (b'="', b"='")]
        if found and rng.random() < 0.7:
            i = rng.choice(found)
            name_start = doc.rindex(b" ", 0, i) + 1
            value_end = doc.index(doc[i + 1 : i + 2], i + 2) + 1
            attribute = doc[name_start:value_end]
            return doc[:value_end] + b" " + attribute + doc[value_end:]
        if ends:
            i = doc.index(b">", rng.choice(ends))
            return doc[:i] + rng.choice([b' a="1"', b" ", b"\t", b"/"]) + doc[i:]
    if kind == 7:  # text or another element after the root, or before it
        extra = rng.choice([b"x", b"<a/>", b" <b></b>", b"\n\n", b"\xc2\xa0", b"<?pi?>"])
        return doc + extra if rng.random() < 0.7 else extra + doc
    if kind == 8:  # another XML declaration
        body = doc[doc.index(b"?>") + 2 :] if doc.lstrip(b"\xef\xbb\xbf").startswith(b"<?") else doc
        return rng.choice(_DECLARATIONS) + rng.choice([b"", b"\n"]) + body.lstrip()
    if kind == 9 and starts:  # a name's first byte, or another byte of it, changed
        i = rng.choice(starts) + 1 + rng.randrange(2)
        return doc[:i] + rng.choice(_NAMES).encode("latin-1") + doc[i + 1 :]
    if kind == 10:  # characters XML forbids, or allows, in the text
        where = rng.choice([at, near])
        bad = rng.choice(_TEXTS)
        return doc[:where] + bad + doc[where:]
    if kind == 11 and len(starts) > 1:  # a start tag's name changed, its end tag not
        i = rng.choice(starts[1:]) + 1
        return doc[:i] + b"Z" + doc[i:]
    if kind == 12:  # an element left open, or closed twice
        if ends and rng.random() < 0.5:
            i = rng.choice(ends)
            return doc[:i] + doc[doc.index(b">", i) + 1 :]
        if ends:
            i = rng.choice(ends)
            tag = doc[i : doc.index(b">", i) + 1]
            return doc[:i] + tag + tag + doc[i + len(tag) :]
    if kind == 13:  # a byte order mark, or two
        return rng.choice([b"\xef\xbb\xbf", b"\xef\xbb\xbf\xef\xbb\xbf", b"\xbb"]) + doc
    if kind == 14:  # text added after a tag (mostly allowed)
        i = doc.index(b">", near) + 1
        text = rng.choice([b"x", b" ", b"\xc3\xa9", b">", b"'", b'"', b"]", b"\t", b"/", b"="])
        return doc[:i] + text + doc[i:]
    if kind == 15 and starts:  # white space in a start tag (allowed before ">" or "/>")
        i = doc.index(b">", rng.choice(starts))
        i -= doc[i - 1 : i] == b"/"
        return doc[:i] + rng.choice([b" ", b"\r\n", b"\t "]) + doc[i:]
    if kind == 16:  # the next end tag made of a start tag's whole region (attributes too)
        spaced = [i for i in starts if b" " in doc[i : doc.index(b">", i)]] or starts
        i = rng.choice(spaced)
        region = doc[i + 1 : doc.index(b">", i)].rstrip(b"/")
        j = doc.index(b"</", i)
        return doc[:j] + b"</" + region + doc[doc.index(b">", j) :]
    return doc[:at]


def test_the_check_never_accepts_what_expat_refuses(tmp_path: Path) -> None:
    # thousands of documents, most of them ill-formed in one of the ways above, one or two
    # changes each; the check runs with no threshold of tags with attributes (so GPX points
    # go through it too). Also the fast path's own entry (_plain) never takes one expat
    # refuses.
    rng = random.Random(11)
    docs = _documents(tmp_path)
    counts = {"proven": 0, "refused by expat": 0, "left to expat": 0}
    with pytest.MonkeyPatch.context() as m:
        m.setattr(_wellformed, "_SPACED_SHARE", 0)
        for case in range(3000):
            kind, doc = docs[case % len(docs)]
            for _ in range(1 + (rng.random() < 0.3)):
                doc = _mutate(doc, rng) or doc
            accepted = _expat_accepts(doc)
            verdict = _verdict(doc, kind)
            assert not (verdict and not accepted), (case, doc)
            if not accepted:
                assert _fast.plain(doc, kind) is None, (case, doc)
            outcome = "proven" if verdict else "left to expat" if accepted else "refused by expat"
            counts[outcome] += 1
    # the test has teeth: many ill-formed documents, and many proven ones
    assert counts["refused by expat"] > 1200, counts
    assert counts["proven"] > 300, counts


def test_the_check_proves_the_usual_files(tmp_path: Path) -> None:
    # the writers' files, the corner documents and the real recordings are proven (the fast
    # path is taken without expat); a GPX track's points have attributes, and many tags with
    # attributes are left to expat (as quick there): proven with that threshold lifted
    hour = write_tcx(_track(3600), tmp_path / "hour.tcx").read_bytes()
    assert _verdict(hour, "tcx") is True
    docs = _documents(tmp_path)
    files = sorted(FIXTURES.glob("*.gpx")) + sorted(FIXTURES.glob("*.tcx"))
    docs += [(p.suffix[1:], p.read_bytes()) for p in files]
    for kind, doc in docs:
        assert _fast.plain(doc, kind) is not None
        with pytest.MonkeyPatch.context() as m:
            m.setattr(_wellformed, "_SPACED_SHARE", 0)
            # (an end tag with white space before ">" is left to expat)
            assert _verdict(doc, kind) is (b"</Trackpoint >" not in doc), doc[:200]
    usual = ["heartandsole-testdata.tcx", "runpandas-run.tcx", "tcxparser-test.tcx"]
    for name in usual:
        if (FIXTURES / name).exists():
            assert _verdict((FIXTURES / name).read_bytes(), "tcx") is True
