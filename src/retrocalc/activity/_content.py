"""What a recording's bytes are: gzip-compressed or not, then FIT, GPX or TCX.

Exports come compressed: Strava's bulk export writes ``.fit.gz``, ``.gpx.gz`` and
``.tcx.gz`` files, and uploads arrive gzipped. A gzip stream is recognised by its magic
bytes (not the name) and decompressed in memory, bounded: a few kilobytes can expand to
gigabytes (a "gzip bomb"), while a day-long 1 Hz GPX is about 30 MB.
"""

from __future__ import annotations

import zlib

__all__ = ["MAX_UNZIPPED_BYTES", "format_of", "unzipped"]

#: The largest decompressed recording read [bytes].
MAX_UNZIPPED_BYTES = 512 * 2**20
_GZIP = b"\x1f\x8b"


def unzipped(data: bytes, name: str) -> bytes:
    """``data`` decompressed when it is gzip (every member of it), else ``data`` itself.

    Raises
    ------
    ActivityError
        A damaged or truncated gzip stream, or one expanding beyond
        :data:`MAX_UNZIPPED_BYTES`, naming the file.
    """
    from .read import ActivityError

    if not data.startswith(_GZIP):
        return data
    parts: list[bytes] = []
    size = 0
    rest = data
    try:
        while rest.startswith(_GZIP):  # (a gzip file may hold several members, in order)
            unzip = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            part = unzip.decompress(rest, MAX_UNZIPPED_BYTES - size + 1)
            size += len(part)
            if size > MAX_UNZIPPED_BYTES or unzip.unconsumed_tail:
                raise ActivityError(
                    f"{name}: the gzip content expands beyond {MAX_UNZIPPED_BYTES >> 20} MiB: "
                    "not read"
                )
            if not unzip.eof:
                raise ActivityError(f"{name}: the gzip content is truncated")
            parts.append(part)
            rest = unzip.unused_data
    except zlib.error as exc:
        raise ActivityError(f"{name}: the gzip content is damaged ({exc})") from None
    data = b"".join(parts)
    if not data:
        raise ActivityError(f"{name}: the file is empty (once decompressed)")
    return data


def format_of(head: bytes, name: str) -> str:
    """File format from the first bytes (the extension may lie or be missing; it is the
    fallback, ``.gz`` aside)."""
    from .read import ActivityError

    if len(head) >= 12 and head[8:12] == b".FIT":
        return "fit"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<"):
        if b"<trainingcenterdatabase" in text:
            return "tcx"
        if b"<gpx" in text:
            return "gpx"
    suffix = name.lower().removesuffix(".gz").rsplit(".", 1)[-1]
    if suffix in ("fit", "gpx", "tcx"):
        return suffix
    raise ActivityError(f"{name}: not a FIT, GPX or TCX file (unrecognised content)")
