"""What a recording's bytes are: gzip-compressed or not, then FIT, GPX or TCX.

Exports come compressed: Strava's bulk export writes ``.fit.gz``, ``.gpx.gz`` and
``.tcx.gz`` files, and uploads arrive gzipped. A gzip stream is recognised by its magic
bytes (not the name) and decompressed in memory, bounded: a few kilobytes can expand to
gigabytes (a "gzip bomb"), while a day-long 1 Hz GPX is about 30 MB.

Some Windows tools save GPX and TCX as UTF-16 (with a byte order mark): such a text is
recognised by its first bytes and decoded to UTF-8 once, bounded as the gzip content is,
so that the readers see the UTF-8 they read fastest. A byte order mark says the encoding
(XML 1.0, appendix F): an encoding declaration that disagrees with it (``encoding="UTF-8"``
left by a tool that re-saved the text as UTF-16) is rewritten to the one the text has.
"""

from __future__ import annotations

import re
import zlib

__all__ = ["MAX_UNZIPPED_BYTES", "format_of", "unzipped", "utf8"]

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


_UTF8_BOM = b"\xef\xbb\xbf"
# the first bytes of a UTF-16 XML text: a byte order mark, or (without one, which XML 1.0's
# appendix F allows after "<?" only) a "<" in UTF-16 (no UTF-8 text or FIT file starts so)
_UTF16 = (
    (b"\xff\xfe", "utf-16-le", 2),
    (b"\xfe\xff", "utf-16-be", 2),
    (b"<\x00", "utf-16-le", 0),
    (b"\x00<", "utf-16-be", 0),
)
_DECLARED = re.compile(rb"""<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")


def _utf16(data: bytes) -> tuple[str, int] | None:
    """The UTF-16 codec and the length of its byte order mark, when ``data`` starts as a
    UTF-16 XML text does."""
    for start, codec, bom in _UTF16:
        if data.startswith(start):
            return codec, bom
    return None


def _declared_utf8(data: bytes) -> bytes:
    """``data`` (UTF-8) with the encoding its XML declaration names, if any other, made
    UTF-8 (the declaration lies in the first line: only the head is searched)."""
    start = 3 if data.startswith(_UTF8_BOM) else 0
    found = _DECLARED.match(data, start, start + 256)
    if found is None or found.group(1).lower() in (b"utf-8", b"utf8"):
        return data
    return data[: found.start(1)] + b"UTF-8" + data[found.end(1) :]


def utf8(data: bytes, name: str) -> bytes:
    """``data`` as UTF-8 when it is a UTF-16 text (decoded once, without its byte order
    mark) or a UTF-8 one with a byte order mark; its encoding declaration, if it names
    another encoding, then says UTF-8. Any other ``data`` is returned as it is.

    Raises
    ------
    ActivityError
        A UTF-16 text that does not decode (an odd length, a lone surrogate), or that would
        exceed :data:`MAX_UNZIPPED_BYTES` as UTF-8, naming the file.
    """
    from .read import ActivityError

    if data.startswith(_UTF8_BOM):
        return _declared_utf8(data)
    found = _utf16(data)
    if found is None:
        return data
    codec, bom = found
    limit = MAX_UNZIPPED_BYTES >> 20
    if (len(data) - bom) // 2 > MAX_UNZIPPED_BYTES:  # (UTF-8 takes at least half the bytes)
        raise ActivityError(f"{name}: the UTF-16 text exceeds {limit} MiB as UTF-8: not read")
    try:
        text = data[bom:].decode(codec)
    except UnicodeDecodeError as exc:
        raise ActivityError(
            f"{name}: the UTF-16 text is damaged ({exc.reason} at byte {exc.start + bom})"
        ) from None
    out = text.encode("utf-8")
    del text
    if len(out) > MAX_UNZIPPED_BYTES:
        raise ActivityError(f"{name}: the UTF-16 text exceeds {limit} MiB as UTF-8: not read")
    return _declared_utf8(out)


def format_of(head: bytes, name: str) -> str:
    """File format from the first bytes (the extension may lie or be missing; it is the
    fallback, ``.gz`` aside). A UTF-16 text is recognised as its UTF-8 would be."""
    from .read import ActivityError

    if len(head) >= 12 and head[8:12] == b".FIT":
        return "fit"
    found = _utf16(head)
    if found is not None:  # (the head may end inside a character: "ignore")
        head = head[found[1] :].decode(found[0], "ignore").encode("utf-8")
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
