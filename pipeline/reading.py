"""Strict reading of one input document for ``chidao extract``.

``extract`` takes UTF-8 text and nothing else (turning HTML, PDF or legacy
encodings into text is ``ingest``'s job), so anything else is refused with a
reason a person can act on. The text is returned in NFC and read in binary, so
no newline is translated: a "\\r" stays and counts in the offsets
(EXTRACTION.md section 7).
"""

from __future__ import annotations

import os
import unicodedata

MAX_BYTES = 20 * 1024 * 1024
"""Larger inputs are not one document (a dump, a log, a wrong file); refused before reading them whole."""

MAX_CONTROL_SHARE = 0.05
"""Share of C0 control bytes beyond which a file is binary, not text that picked up a few stray controls."""

# C0 controls that do not occur in text; tab, newlines, vertical tab and form feed (PDF page breaks) do.
_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in b"\t\n\v\f\r") + b"\x7f"
_BOMS_UTF16 = {b"\xff\xfe": "UTF-16 LE", b"\xfe\xff": "UTF-16 BE"}
_BOM_UTF8 = b"\xef\xbb\xbf"


class ReadError(Exception):
    """A document that cannot be extracted; ``str(error)`` is the reason, without the path."""


class MissingFile(ReadError):
    pass


class IsDirectory(ReadError):
    pass


class TooLarge(ReadError):
    pass


class EmptyFile(ReadError):
    pass


class BinaryFile(ReadError):
    pass


class NotUtf8(ReadError):
    pass


def read_text(path: str | os.PathLike[str]) -> str:
    """The NFC text of a UTF-8 file, "\\r" kept and a UTF-8 byte-order mark dropped; ``ReadError`` otherwise."""
    return decode_text(_read_bytes(path))


def _read_bytes(path: str | os.PathLike[str]) -> bytes:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)  # bounded even for a device or a file that grows
    except FileNotFoundError:
        raise MissingFile("no such file") from None
    except IsADirectoryError:
        raise IsDirectory("is a directory") from None
    except OSError as exc:
        raise ReadError(f"cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise TooLarge(f"too large (over {MAX_BYTES // (1024 * 1024)} MB)")
    return data


def decode_text(data: bytes) -> str:
    """Check and decode the bytes of one document (see ``read_text``)."""
    skip = len(_BOM_UTF8) if data.startswith(_BOM_UTF8) else 0  # reported offsets stay offsets in the file
    data = data[skip:]
    for bom, name in _BOMS_UTF16.items():
        if data.startswith(bom):
            raise NotUtf8(f"not UTF-8 ({name} byte-order mark); convert the file to UTF-8")
    if b"\x00" in data:
        raise BinaryFile(f"binary file (NUL byte at offset {skip + data.index(0)})")
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls and controls > MAX_CONTROL_SHARE * len(data):
        raise BinaryFile(f"binary file ({controls} control bytes in {len(data)})")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotUtf8(f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {skip + exc.start})") from None
    if not text.strip():
        raise EmptyFile("empty file" if not text else "empty file (only whitespace)")
    return unicodedata.normalize("NFC", text)
