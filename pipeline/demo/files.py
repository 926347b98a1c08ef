"""PDF and DOCX attachments for the example sites, made from their text when a site is served.

The repository keeps the text, not the binaries. The PDF is drawn with matplotlib's PDF backend in DejaVu Sans
(which covers Vietnamese) with TrueType fonts embedded, so pdfplumber reads the text back; the DOCX is written with
python-docx. Embedding the font takes a few seconds, so what was made is kept in the user's cache directory
(``$CHIDAO_CACHE_DIR``, else ``$XDG_CACHE_HOME/chidao`` or ``~/.cache/chidao``), keyed by the text.
"""

from __future__ import annotations

import hashlib
import io
import os
import textwrap
from collections.abc import Callable
from pathlib import Path

_LINE_CHARS = 95
_LINES_PER_PAGE = 52


def _lines(text: str) -> list[str]:
    out: list[str] = []
    for paragraph in text.strip().split("\n"):
        out.extend(textwrap.wrap(paragraph, _LINE_CHARS) or [""])
    return out


def make_pdf(text: str, title: str = "") -> bytes:
    """A PDF of A4 pages holding ``text`` (one paragraph per line), wrapped like a gazette PDF."""
    import matplotlib

    matplotlib.use("pdf", force=False)
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    lines = _lines(text)
    buffer = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 42, "font.family": "DejaVu Sans"}), PdfPages(buffer) as pdf:
        for start in range(0, max(len(lines), 1), _LINES_PER_PAGE):
            figure = Figure(figsize=(8.27, 11.69))
            for row, line in enumerate(lines[start:start + _LINES_PER_PAGE]):
                figure.text(0.07, 0.95 - row * 0.0175, line, fontsize=9)
            pdf.savefig(figure)
        info = pdf.infodict()
        info["Title"] = title
        info["Producer"] = "chidao demo"
    return buffer.getvalue()


def make_docx(text: str, title: str = "") -> bytes:
    """A DOCX with one paragraph per line of ``text``."""
    import docx

    document = docx.Document()
    document.core_properties.title = title
    for paragraph in text.strip().split("\n"):
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


_VERSION = "1"  # bump when the makers change what they write


def cache_dir() -> Path:
    if os.environ.get("CHIDAO_CACHE_DIR"):
        return Path(os.environ["CHIDAO_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "chidao"


def cached(maker: Callable[[str, str], bytes], suffix: str) -> Callable[[str, str], bytes]:
    """``maker`` with its results kept on disk; an unwritable cache only costs the time."""

    def make(text: str, title: str = "") -> bytes:
        key = hashlib.sha256(f"{_VERSION}\0{suffix}\0{title}\0{text}".encode()).hexdigest()[:32]
        path = cache_dir() / "demo" / f"{key}{suffix}"
        try:
            return path.read_bytes()
        except OSError:
            pass
        content = maker(text, title)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(content)
            tmp.replace(path)
        except OSError:
            pass
        return content

    return make


MAKERS = {".pdf": cached(make_pdf, ".pdf"), ".docx": cached(make_docx, ".docx")}
