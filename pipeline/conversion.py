"""Converting a crawled item to text, in a worker process: which of its parts to read, and the worker.

An official document's first attachment that converts (DOCX before PDF, as DOCX keeps the text exact), else the
page's article region, else the whole page. Conversion (trafilatura, PDF, DOCX) costs more than everything else a
page takes, so ``pipeline.crawl.NormalisePipeline`` hands it to a worker process and the crawler keeps its core.

A worker is ``python -c`` running ``serve_conversions``: no multiprocessing, so nothing depends on how the crawl
was started (a script without a ``__main__`` guard would be run again by a spawned child). Frames are a 4-byte
length and a pickle, both ways, answers in the order of the questions.
"""

from __future__ import annotations

import logging
import pickle
import sys
from collections import deque
from typing import Any

from twisted.internet.defer import Deferred
from twisted.internet.protocol import ProcessProtocol

from crawler.items import CrawledItem
from pipeline.convert import ConversionError, to_text

logger = logging.getLogger(__name__)

# Attachment kinds in the order their text is preferred.
ATTACHMENT_PREFERENCE = ("docx", "pdf", "doc")


def _attachment_rank(attachment: dict[str, Any]) -> int:
    name = (attachment.get("filename") or attachment.get("url") or "").lower()
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    return ATTACHMENT_PREFERENCE.index(ext) if ext in ATTACHMENT_PREFERENCE else len(ATTACHMENT_PREFERENCE)


def candidates(item: CrawledItem) -> list[tuple[str, bytes, str | None, str | None]]:
    """(label, bytes, filename, content type) worth converting, best first."""
    out = []
    if item.get("kind") == "document":
        for attachment in sorted(item.get("attachments") or [], key=_attachment_rank):
            if attachment.get("content"):
                out.append((attachment.get("filename") or "attachment", attachment["content"],
                            attachment.get("filename"), attachment.get("content_type")))
    content_type = item.get("content_type") or "text/html"
    if item.get("body_html"):
        body_type = f"text/html; charset={item.get('encoding') or 'utf-8'}"
        out.append(("body", item["body_html"], None, body_type))
    if item.get("html"):
        out.append(("page", item["html"], None, content_type))
    return out


Converted = tuple[str | None, str, list[str]]


def convert_candidates(found: list[tuple[str, bytes, str | None, str | None]]) -> Converted:
    """(text, what it was converted from, why the candidates before it failed); picklable for a worker process."""
    errors = []
    for label, content, filename, content_type in found:
        try:
            return to_text(content, filename=filename, content_type=content_type), label, errors
        except ConversionError as exc:
            errors.append(f"{label}: {exc.reason}")
    return None, "", errors


# --- conversion workers -------------------------------------------------------------------------------------------
WORKER = "from pipeline.conversion import serve_conversions; serve_conversions()"


def _frame(value: Any) -> bytes:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return len(data).to_bytes(4, "big") + data


def serve_conversions() -> None:
    """A worker's loop: candidates in on stdin, ``(True, convert_candidates(...))`` or ``(False, why)`` out."""
    from pipeline.convert import _extractors

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print cannot break the frames
    _extractors()  # trafilatura imported before the first page
    while len(head := stdin.read(4)) == 4:
        found = pickle.loads(stdin.read(int.from_bytes(head, "big")))
        try:
            answer: tuple[bool, Any] = (True, convert_candidates(found))
        except Exception as exc:  # noqa: BLE001 - the item fails, as it would in this process
            answer = (False, f"{type(exc).__name__}: {exc}")
        stdout.write(_frame(answer))
        stdout.flush()


class WorkerDied(Exception):
    """A conversion worker exited with pages in hand."""


class Converter(ProcessProtocol):
    """The crawler's end of one worker: read by the reactor, no thread of its own."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.waiting: deque[Deferred] = deque()
        self.ended = Deferred()
        self.alive = True

    def convert(self, found: list[tuple[str, bytes, str | None, str | None]]) -> Deferred:
        answer: Deferred = Deferred()
        self.waiting.append(answer)
        self.transport.write(_frame(found))
        return answer

    def outReceived(self, data: bytes) -> None:  # noqa: N802 - Twisted's API
        self.buffer += data
        while len(self.buffer) >= 4:
            size = int.from_bytes(self.buffer[:4], "big")
            if len(self.buffer) < 4 + size:
                return
            ok, value = pickle.loads(bytes(self.buffer[4:4 + size]))
            del self.buffer[:4 + size]
            answer = self.waiting.popleft()
            if ok:
                answer.callback(value)
            else:
                answer.errback(RuntimeError(value))

    def errReceived(self, data: bytes) -> None:  # noqa: N802 - Twisted's API
        for line in data.decode("utf-8", "replace").splitlines():
            if line.strip():
                logger.warning("converter: %s", line)

    def processEnded(self, reason: Any) -> None:  # noqa: N802 - Twisted's API
        self.alive = False
        while self.waiting:
            self.waiting.popleft().errback(WorkerDied(reason.getErrorMessage()))
        self.ended.callback(None)
