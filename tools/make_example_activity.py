"""Write ``src/retrocalc/data/example_activity.gpx``: the example activity shipped with retrocalc.

A synthetic 5 km out-and-back run at 1 Hz, written by this script (no real person's track):
1 km flat, a 1 km climb at 3 %, 500 m walked at 1.4 m/s, a 60 s stop (a new track segment),
then back down and home. Altitude carries seeded GPS-like noise (sd 1.5 m), positions are
exact, heart rate follows effort. Run from the repository root::

    python tools/make_example_activity.py
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "src" / "retrocalc" / "data" / "example_activity.gpx"
START = datetime(2024, 5, 1, 7, 0, 0, tzinfo=UTC)
LAT0, LON0 = 46.0, 7.0
M_PER_DEG_LAT = 6_371_008.8 * math.pi / 180


def profile() -> list[tuple[float, float, float]]:
    """(speed m/s, grade, distance m) legs of the route."""
    return [(3.0, 0.0, 1000), (2.8, 0.03, 1000), (1.4, 0.0, 500), (3.2, -0.03, 1000),
            (3.0, 0.0, 1500)]  # fmt: skip


def main() -> None:
    rng = np.random.default_rng(20240501)
    rows: list[str] = []
    t = d = z = 0.0
    seg_break = 3  # the stop comes before the fourth leg
    parts: list[list[str]] = [[]]
    for leg, (v, g, length) in enumerate(profile()):
        if leg == seg_break:
            t += 60.0
            parts.append([])
        n = round(length / v)
        for _ in range(n):
            t += 1.0
            d += v
            z += g * v
            lat = LAT0
            lon = LON0 + (d if d <= 2500 else 5000 - d) / (
                M_PER_DEG_LAT * math.cos(math.radians(LAT0))
            )
            ele = 400.0 + z + rng.normal(0.0, 1.5)
            hr = round(100 + 25 * v + 400 * max(g, 0))
            when = (START + timedelta(seconds=t)).strftime("%Y-%m-%dT%H:%M:%SZ")
            parts[-1].append(
                f'   <trkpt lat="{lat:.7f}" lon="{lon:.7f}"><ele>{ele:.1f}</ele><time>{when}</time>'
                f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{hr}</gpxtpx:hr>"
                "</gpxtpx:TrackPointExtension></extensions></trkpt>"
            )
    for part in parts:
        rows.append("  <trkseg>\n" + "\n".join(part) + "\n  </trkseg>")
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="retrocalc tools/make_example_activity.py" '
        'xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n'
        " <trk>\n  <name>retrocalc example run</name>\n  <type>running</type>\n"
        + "\n".join(rows)
        + "\n </trk>\n</gpx>\n"
    )
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({len(text) / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
