"""Files and bytes to clean text, once for everyone: ``chidao ingest`` and the crawler both call ``to_text``.

HTML goes through trafilatura (boilerplate removal), PDF through pdfplumber, DOCX through python-docx,
plain text is decoded. Old official documents often come in legacy Vietnamese encodings: the TCVN3 (ABC) and
VNI font encodings, where Vietnamese letters hide behind Latin-1 bytes, and Windows-1258. They are detected
by which reading gives the most Vietnamese and converted to Unicode, whether they arrive as raw bytes or as
text a web page already mis-declared as Latin-1. Every result is NFC, with tidy line ends, and a page that
repeats its own body keeps it once.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import PurePath

import yaml


class ConversionError(Exception):
    """The content cannot be turned into text; ``reason`` says why in a few words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- legacy Vietnamese encodings ---------------------------------------------------------------------------------

LEGACY_ENCODINGS = ("tcvn3", "vni", "cp1258")
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_VIETNAMESE = frozenset(
    unicodedata.normalize("NFC", base + tone)
    for base in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
    for tone in ("", *_TONES)
) - frozenset("aeiouyAEIOUY") | frozenset("đĐ")
# Latin-1 characters a Vietnamese text never holds but legacy font encodings are made of.
_ODD = frozenset(chr(c) for c in range(0xA1, 0x100)) - _VIETNAMESE - frozenset("×÷«»°±·§©®")  # common symbols
_WORD_RE = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class _Tables:
    tcvn3_decode: dict[int, str]
    tcvn3_encode: dict[str, str]
    vni_decode: dict[str, str]
    vni_encode: dict[str, str]
    vni_re: re.Pattern[str]
    syllable_re: re.Pattern[str]


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    data = yaml.safe_load(resources.files("pipeline").joinpath("data/legacy_encodings.yml").read_text("utf-8"))
    vni_decode = {v: k for k, v in data["vni"].items()}
    syl = data["syllable"]

    def alt(items: list[str]) -> str:
        return "|".join(sorted(items, key=len, reverse=True))

    return _Tables(
        tcvn3_decode={ord(k): v for k, v in data["tcvn3"].items()},
        tcvn3_encode={v: k for k, v in data["tcvn3"].items() if not unicodedata.combining(v)},
        vni_decode=vni_decode,
        vni_encode=dict(data["vni"]),
        # Longest spelling first, so "oâ" plus a tone mark is read before "oâ", and "oâ" before "o".
        vni_re=re.compile("|".join(re.escape(s) for s in sorted(vni_decode, key=len, reverse=True))),
        syllable_re=re.compile(f"(?:{alt(syl['onsets'])})?(?:{alt(syl['nuclei'])})(?:{alt(syl['codas'])})?"),
    )


def _from_tcvn3(text: str) -> str:
    return text.translate(_tables().tcvn3_decode)


def _from_vni(text: str) -> str:
    tables = _tables()
    return tables.vni_re.sub(lambda m: tables.vni_decode[m.group(0)], text)


def _is_syllable(word: str) -> bool:
    nfd = unicodedata.normalize("NFD", word.lower())
    if sum(1 for c in nfd if c in _TONES) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONES))
    return _tables().syllable_re.fullmatch(bare) is not None


def _tally(text: str) -> tuple[int, int]:
    """(Vietnamese syllables, wrong words and stray Latin-1 signs) among the non-ASCII words of a reading."""
    good = bad = 0
    for word in _WORD_RE.findall(text):
        if not word.isascii():
            if _is_syllable(word):
                good += 1
            else:
                bad += 1
    return good, bad + sum(1 for c in text if c in _ODD and not c.isalpha())


def vietnamese_score(text: str) -> int:
    """How Vietnamese a reading looks: its Vietnamese syllables less its wrong words and stray signs."""
    good, bad = _tally(text)
    return good - bad


def detect_legacy(text: str) -> str | None:
    """``tcvn3`` or ``vni`` when ``text`` is such a font encoding read as Latin-1 / Windows-1252, else None.

    A reading must win clearly and mend most wrong words: foreign names and a few symbols in a Unicode text
    are no reason to rewrite it.
    """
    if _ODD.isdisjoint(text):
        return None  # fast path: clean Unicode
    good, bad = _tally(text)
    best, best_score = None, good - bad + 2
    for name, convert in (("tcvn3", _from_tcvn3), ("vni", _from_vni)):
        new_good, new_bad = _tally(convert(text))
        if new_good - new_bad > best_score and new_bad * 2 <= bad:
            best, best_score = name, new_good - new_bad
    return best


def fix_legacy(text: str) -> str:
    """``text`` with TCVN3 or VNI mojibake converted to Unicode (NFC); unchanged when it is none."""
    found = detect_legacy(text)
    if found == "tcvn3":
        text = _from_tcvn3(text)
    elif found == "vni":
        text = _from_vni(text)
    return unicodedata.normalize("NFC", text)


def encode_legacy(text: str, encoding: str) -> bytes:
    """``text`` written in a legacy encoding (``tcvn3``, ``vni``, ``cp1258``): for test fixtures."""
    text = unicodedata.normalize("NFC", text)
    if encoding == "cp1258":
        out = bytearray()
        for c in text:
            try:
                out += c.encode("cp1258")
            except UnicodeEncodeError:  # a toned letter: base letter plus a combining tone mark
                nfd = unicodedata.normalize("NFD", c)
                tone = "".join(m for m in nfd if m in _TONES)
                base = unicodedata.normalize("NFC", "".join(m for m in nfd if m not in _TONES))
                out += (base + tone).encode("cp1258")
        return bytes(out)
    tables = _tables()
    if encoding == "tcvn3":
        # No upper-case toned letters in TCVN3's ABC fonts: they are written with the lower-case codes.
        enc = tables.tcvn3_encode
        return "".join(enc.get(c) or enc.get(c.lower()) or c for c in text).encode("latin-1")
    if encoding == "vni":
        return "".join(tables.vni_encode.get(c, c) for c in text).encode("cp1252")
    raise ValueError(f"unknown legacy encoding {encoding!r} (want one of {', '.join(LEGACY_ENCODINGS)})")


# --- decoding bytes -------------------------------------------------------------------------------------------------

_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_CT_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.I)


def _single_byte(content: bytes) -> str:
    """Bytes that are not UTF-8: the best of Windows-1258 and the font encodings (read through Windows-1252)."""
    as_1252 = content.decode("cp1252", errors="replace")
    candidates = [unicodedata.normalize("NFC", content.decode("cp1258", errors="replace")), fix_legacy(as_1252)]
    return max(candidates, key=vietnamese_score)


def decode_bytes(content: bytes, *, declared: str | None = None) -> str:
    """Text from bytes: a BOM, else UTF-8, else the declared charset, else the most Vietnamese legacy reading."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if content.startswith(bom):
            return fix_legacy(content[len(bom):].decode(codec, errors="replace"))
    try:
        return fix_legacy(content.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    codec = (declared or "").strip().lower()
    if codec and codec not in {"utf-8", "utf8", "iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252",
                               "us-ascii", "ascii"}:
        try:
            return fix_legacy(content.decode(codec))
        except (LookupError, UnicodeDecodeError):
            pass
    # Latin-1 declarations are what legacy font pages carry: judge by content, not by label.
    return _single_byte(content)


# --- formats --------------------------------------------------------------------------------------------------------

_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_PDF_TYPES = {"application/pdf", "application/x-pdf"}
_DOCX_TYPES = {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
_DOC_TYPES = {"application/msword"}
_EXTENSIONS = {".html": "html", ".htm": "html", ".xhtml": "html", ".pdf": "pdf", ".docx": "docx", ".doc": "doc",
               ".txt": "text", ".text": "text", ".md": "text"}


def detect_format(content: bytes, *, filename: str | None = None, content_type: str | None = None) -> str:
    """``html``, ``pdf``, ``docx``, ``doc`` or ``text``: by magic bytes first, then media type, then name."""
    head = content[:1024].lstrip().lower()
    mime = (content_type or "").split(";")[0].strip().lower()
    ext = PurePath(filename).suffix.lower() if filename else ""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"PK\x03\x04"):
        return "docx" if b"word/" in content[:65536] or mime in _DOCX_TYPES or ext == ".docx" else "zip"
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if mime in _HTML_TYPES:
        return "html"
    if mime in _PDF_TYPES:
        return "pdf"
    if mime in _DOCX_TYPES:
        return "docx"
    if mime in _DOC_TYPES:
        return "doc"
    if ext in _EXTENSIONS:
        return _EXTENSIONS[ext]
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "html"
    return "text"


@lru_cache(maxsize=1)
def _extractors() -> tuple[object, object]:
    """trafilatura's options, built once: building them per page (its config parser) cost a tenth of a page.

    The same options ``extract`` builds from its keyword arguments: precision first, then the balanced fallback.
    """
    from trafilatura.settings import Extractor

    common = dict(comments=False, tables=True, images=False, dedup=False)
    return Extractor(precision=True, **common), Extractor(**common)


def _html_text(content: bytes, content_type: str | None) -> str:
    import trafilatura  # slow to import: only when a page comes

    declared = None
    if content_type and (m := _CT_CHARSET_RE.search(content_type)):
        declared = m.group(1)
    elif m := _META_CHARSET_RE.search(content[:4096]):
        declared = m.group(1).decode("ascii")
    html = decode_bytes(content, declared=declared)
    precise, balanced = _extractors()
    text = trafilatura.extract(html, options=precise)
    if not text or not text.strip():
        # favor_precision drops short pages; try once more before giving up.
        text = trafilatura.extract(html, options=balanced)
    if not text or not text.strip():
        raise ConversionError("no main text found in the HTML page")
    return text


def _pdf_text(content: bytes) -> str:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        with pdfplumber.open(io.BytesIO(content)) as pdf:
            pages = [page.extract_text() or "" for page in pdf.pages]
    except (PDFSyntaxError, PDFPasswordIncorrect) as exc:
        raise ConversionError(f"unreadable PDF ({type(exc).__name__})") from None
    except Exception as exc:  # pdfminer raises many kinds on broken files
        raise ConversionError(f"unreadable PDF ({type(exc).__name__}: {exc})") from None
    if not any(p.strip() for p in pages):
        raise ConversionError("PDF has no text layer (a scan needs OCR)")
    return "\n\n".join(pages)


def _docx_text(content: bytes) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(content))
    except Exception as exc:  # python-docx raises zipfile, KeyError, lxml errors on broken files
        raise ConversionError(f"unreadable DOCX ({type(exc).__name__})") from None
    blocks: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            blocks.append(item.text)
        elif isinstance(item, Table):
            # One line per row, cells separated by tabs: the task-table layout the extractor reads.
            for row in item.rows:
                cells: list[str] = []
                for cell in row.cells:
                    value = " ".join(cell.text.split())
                    if not cells or value != cells[-1]:  # merged cells repeat their text
                        cells.append(value)
                blocks.append("\t".join(cells))
            blocks.append("")
    return "\n".join(blocks)


def to_text(content: bytes, *, filename: str | None = None, content_type: str | None = None) -> str:
    """The clean Unicode text of a file or fetched body; raises ``ConversionError`` when there is none."""
    if not content or not content.strip():
        raise ConversionError("empty content")
    kind = detect_format(content, filename=filename, content_type=content_type)
    if kind == "html":
        text = _html_text(content, content_type)
    elif kind == "pdf":
        text = _pdf_text(content)
    elif kind == "docx":
        text = _docx_text(content)
    elif kind == "doc":
        raise ConversionError("Word 97-2003 .doc is not supported (save it as .docx)")
    elif kind == "zip":
        raise ConversionError("a ZIP archive, not a document")
    else:
        if b"\x00" in content[:4096] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise ConversionError("binary content, not text")
        text = decode_bytes(content)
    text = normalise(fix_legacy(text))
    if not text.strip():
        raise ConversionError(f"no text in the {kind.upper() if kind != 'text' else 'file'}")
    return text


# --- clean-up ---------------------------------------------------------------------------------------------------

def normalise(text: str) -> str:
    """NFC, ``\n`` line ends, no NUL, a page's repeated body dropped, no blank lines at either end.

    Nothing else moves: spacing and blank lines are layout the extractor reads (PDF tables among them).
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return dedupe_repeated(text).strip("\n").rstrip()


def _line_key(line: str) -> str:
    return " ".join(line.split()).lower()


def dedupe_repeated(text: str, *, min_chars: int = 250, long_line: int = 60, min_long: int = 2) -> str:
    """Drop a run of lines that repeats an earlier run (a page printing its body twice).

    A run counts when it holds at least ``min_chars`` characters and ``min_long`` lines of ``long_line``
    characters or more: paragraphs, not the short cells of a PDF table ("Cơ quan", "chủ trì") or a caption
    ("Ảnh: VGP") that legitimately recur.
    """
    lines = text.split("\n")
    keyed = [(i, _line_key(ln)) for i, ln in enumerate(lines) if ln.strip()]
    first: dict[str, list[int]] = {}
    drop: set[int] = set()
    j = 0
    while j < len(keyed):
        key = keyed[j][1]
        best = 0
        for i in first.get(key, ())[:8]:  # a few earlier places are enough; keeps long tables linear
            n = 0
            while j + n < len(keyed) and i + n < j and keyed[i + n][1] == keyed[j + n][1]:
                n += 1
            run = [keyed[j + t][1] for t in range(n)]
            if (n > best and sum(map(len, run)) >= min_chars
                    and sum(1 for ln in run if len(ln) >= long_line) >= min_long):
                best = n
        if best:
            drop.update(keyed[j + t][0] for t in range(best))
            j += best
            continue
        first.setdefault(key, []).append(j)
        j += 1
    if not drop:
        return text
    return "\n".join(ln for i, ln in enumerate(lines) if i not in drop)

