"""Getting documents into the store: files, JSONL of crawled items, and single items from the crawler.

A document is stored once. Its identity is its canonical URL (files get a ``file://`` URL); its content is
identified by the hash of its clean text, so the same text under a second URL is not stored again, and a URL
whose content changed is updated and queued for extraction again. Content that cannot be read is stored as a
failed document with its reason, so ``chidao status`` lists it; the run goes on.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import mimetypes
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.convert import ConversionError, fix_legacy, normalise, to_text
from store import crud
from store.models import Document, DocumentStatus
from store.models.base import utcnow

CREATED, UPDATED, UNCHANGED, FAILED = "created", "updated", "unchanged", "failed"
FILE_SUFFIXES = {".txt", ".text", ".md", ".html", ".htm", ".xhtml", ".pdf", ".docx", ".doc", ".jsonl"}
# Query parameters that only track where a click came from: not part of a page's identity.
_TRACKING = ("utm_", "fbclid", "gclid", "zarsrc", "gidzl", "mc_cid", "mc_eid", "_ga", "ref_src")
# Item metadata that has a Document column; the rest stays in Document.meta.
_META_COLUMNS = {"number": "number", "doc_type": "doc_type", "issuer": "issuer", "signer": "signer"}


@dataclass(slots=True)
class IngestResult:
    """What became of one item: ``created``, ``updated``, ``unchanged`` or ``failed`` (with ``reason``)."""

    status: str
    document_id: int | None
    label: str = ""
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.status != FAILED


@dataclass(slots=True)
class IngestReport:
    results: list[IngestResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> list[IngestResult]:
        return [r for r in self.results if r.status == FAILED]


def canonical_url(url: str) -> str:
    """One spelling per page: lower-case scheme and host, no default port, no fragment, no tracking parameters,
    sorted query, no trailing slash, percent-encoding normalised. Local paths become ``file://`` URLs."""
    url = url.strip()
    if "://" not in url:
        return Path(url).expanduser().resolve().as_uri()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port
    netloc = host if port is None or (scheme, port) in {("http", 80), ("https", 443)} else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~") or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if not k.lower().startswith(_TRACKING))
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _clean_meta(meta: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """(column values, the rest) of an item's metadata; text values are repaired like the body."""
    columns: dict[str, Any] = {}
    rest: dict[str, Any] = {}
    for key, value in (meta or {}).items():
        if isinstance(value, str):
            value = fix_legacy(value).strip()
        if key in _META_COLUMNS and value:
            columns[_META_COLUMNS[key]] = value
        elif value not in (None, "", [], {}):
            rest[key] = value
    if "number" in columns:
        columns["number_key"] = crud.number_key(columns["number"])
    return columns, rest


@dataclass(slots=True)
class _Prepared:
    """An item made ready to store: clean text (or why there is none), metadata, hash."""

    label: str
    canonical: str | None
    clean: str
    reason: str | None
    columns: dict[str, Any]
    extra: dict[str, Any]
    title: str | None
    published: date | None
    digest: str
    source: str | None
    source_id: int | None


def _prepare(*, url: str | None, title: str | None, published: date | None, source: str | None,
             text: str | None = None, content: bytes | None = None, filename: str | None = None,
             content_type: str | None = None, meta: dict[str, Any] | None = None,
             source_id: int | None = None) -> _Prepared:
    label = url or filename or (title or "")[:60]
    canonical = canonical_url(url) if url else None
    reason = None
    try:
        if text is not None:
            clean = normalise(fix_legacy(text))
            if not clean.strip():
                raise ConversionError("empty text")
        elif content is not None:
            clean = to_text(content, filename=filename, content_type=content_type)
        else:
            raise ConversionError("no text and no content")
    except ConversionError as exc:
        reason, clean = exc.reason, ""
    columns, extra = _clean_meta(meta)
    if filename:
        extra.setdefault("filename", filename)
    if content_type:
        extra.setdefault("content_type", content_type)
    title = (fix_legacy(title).strip() or None) if title else None
    digest = content_hash(clean) if reason is None else hashlib.sha256(content or b"").hexdigest()
    return _Prepared(label, canonical, clean, reason, columns, extra, title, published, digest, source, source_id)


def _place(session: Session, p: _Prepared, source_id: int | None, by_url: Callable[[str], Document | None],
           by_hash: Callable[[str], Document | None], *, flush: bool) -> tuple[IngestResult, Document | None]:
    """Store one prepared item; the result, and the Document it created or updated (None otherwise).

    Without ``flush`` a new Document has no id yet: the caller flushes and fills it in.
    """
    doc = by_url(p.canonical) if p.canonical else None
    if p.reason is not None and doc is not None:
        return IngestResult(FAILED, doc.id, p.label, p.reason), None  # keep the good copy we have
    if doc is not None:
        if doc.content_hash == p.digest:
            return IngestResult(UNCHANGED, doc.id, p.label), None
        twin = by_hash(p.digest)
        if twin is not None:
            return IngestResult(UNCHANGED, twin.id, p.label, f"same text as document {twin.id}"), None
        doc.text, doc.content_hash, doc.status, doc.error = p.clean, p.digest, DocumentStatus.PENDING, None
        doc.title = p.title or doc.title
        doc.published = p.published or doc.published
        doc.fetched_at = utcnow()
        doc.meta = {**(doc.meta or {}), **p.extra}
        for attr, value in p.columns.items():
            setattr(doc, attr, value)
        if flush:
            session.flush()
        return IngestResult(UPDATED, doc.id, p.label), doc
    twin = by_hash(p.digest)
    if twin is not None:
        if p.canonical and p.canonical != twin.url:
            also = list((twin.meta or {}).get("also_at", []))
            if p.canonical not in also:
                twin.meta = {**(twin.meta or {}), "also_at": [*also, p.canonical]}
        status = FAILED if p.reason else UNCHANGED
        return IngestResult(status, twin.id, p.label, p.reason or f"same text as document {twin.id}"), None
    doc = Document(url=p.canonical, source_id=source_id, title=p.title, published=p.published, text=p.clean,
                   content_hash=p.digest, fetched_at=utcnow(), meta=p.extra,
                   status=DocumentStatus.FAILED if p.reason else DocumentStatus.PENDING, error=p.reason,
                   **p.columns)
    session.add(doc)
    if flush:
        session.flush()
    return IngestResult(FAILED if p.reason else CREATED, doc.id, p.label, p.reason), doc


def ingest_item(session: Session, *, url: str | None, title: str | None, published: date | None,
                source: str | None, text: str | None = None, content: bytes | None = None,
                filename: str | None = None, content_type: str | None = None,
                meta: dict[str, Any] | None = None, source_id: int | None = None) -> IngestResult:
    """Store one document given as ``text`` or as raw ``content`` (converted by ``pipeline.convert``).

    Idempotent: the same URL with the same text is ``unchanged``; the same text under another URL too (the
    first copy is kept); a known URL with new text is ``updated`` and goes back to pending. ``source_id``, when
    the caller already knows the id of the source named ``source``, saves looking it up.
    """
    p = _prepare(url=url, title=title, published=published, source=source, text=text, content=content,
                 filename=filename, content_type=content_type, meta=meta, source_id=source_id)
    if source_id is None:
        source_id = crud.get_or_create_source(session, name=source).id if source else None
    result, _ = _place(session, p, source_id, lambda u: crud.document_by_url(session, url=u),
                       lambda h: crud.document_by_hash(session, content_hash=h), flush=True)
    return result


_IN_CHUNK = 500  # values per IN (...): well under SQLite's parameter limit


def ingest_items(session: Session, items: list[dict[str, Any]]) -> list[IngestResult]:
    """``ingest_item`` for each of ``items`` (its keyword arguments), in order, with the same results, faster.

    The documents the items name (by URL or by text) are read in two queries for all of them, and what is
    created is written in one flush at the end, instead of three queries and a flush per item.
    """
    prepared = [_prepare(**args) for args in items]
    urls = sorted({p.canonical for p in prepared if p.canonical})
    digests = sorted({p.digest for p in prepared})
    by_url: dict[str, Document] = {}
    by_hash: dict[str, Document] = {}
    with session.no_autoflush:
        for i in range(0, len(urls), _IN_CHUNK):
            by_url.update((d.url, d) for d in session.scalars(
                select(Document).where(Document.url.in_(urls[i:i + _IN_CHUNK]))))
        for i in range(0, len(digests), _IN_CHUNK):
            by_hash.update((d.content_hash, d) for d in session.scalars(
                select(Document).where(Document.content_hash.in_(digests[i:i + _IN_CHUNK]))))

    def known(found: Document | None) -> Document | None:
        if found is not None and found.id is None:
            session.flush()  # made by an earlier item of this batch: its id is part of the result
        return found

    sources: dict[str, int] = {}
    results: list[tuple[IngestResult, Document | None]] = []
    for p in prepared:
        source_id = p.source_id
        if source_id is None and p.source:
            if p.source not in sources:
                sources[p.source] = crud.get_or_create_source(session, name=p.source).id
            source_id = sources[p.source]
        before = by_url.get(p.canonical) if p.canonical else None
        old_hash = before.content_hash if before is not None else None
        result, doc = _place(session, p, source_id, lambda u: known(by_url.get(u)),
                             lambda h: known(by_hash.get(h)), flush=False)
        if doc is not None:  # created or updated: later items find it by its URL and its new text
            if old_hash is not None and old_hash != doc.content_hash and by_hash.get(old_hash) is doc:
                del by_hash[old_hash]
            if doc.url:
                by_url[doc.url] = doc
            by_hash[doc.content_hash] = doc
        results.append((result, doc))
    session.flush()
    for result, doc in results:
        if doc is not None and result.document_id is None:
            result.document_id = doc.id
    return [result for result, _ in results]


# --- files and JSONL -----------------------------------------------------------------------------------------------


def parse_published(value: Any) -> date | None:
    """An ISO date or date-time (as crawlers write them) as a date; None when absent or unreadable."""
    if not value:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return None


def _b64(value: Any) -> bytes | None:
    if not value:
        return None
    if isinstance(value, bytes):
        return value
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return str(value).encode("utf-8")  # raw HTML written as a string


def item_from_json(obj: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments of ``ingest_item`` from one crawled item (``crawler.items.CrawledItem`` exported as
    JSON, or a plain ``{"url", "title", "published", "source", "text"}``)."""
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    meta = {k: obj[k] for k in ("number", "doc_type", "issuer", "signer", "kind", "author", "summary", "tags",
                                "effective", "fetched", "text_from") if obj.get(k)}
    if obj.get("url") and obj.get("canonical_url") and obj["canonical_url"] != obj["url"]:
        meta["fetched_url"] = obj["url"]
    args: dict[str, Any] = {
        "url": obj.get("canonical_url") or obj.get("url"), "title": obj.get("title"),
        "published": parse_published(obj.get("published")), "source": obj.get("source"), "meta": meta,
    }
    if obj.get("text"):
        args["text"] = obj["text"]
        return args
    body = _b64(obj.get("body_html")) or _b64(obj.get("html"))
    attachments = [a for a in obj.get("attachments") or [] if isinstance(a, dict) and a.get("content")]
    if attachments and (obj.get("kind") == "document" or body is None):
        first = attachments[0]
        args.update(content=_b64(first["content"]), filename=first.get("filename"),
                    content_type=first.get("content_type"))
    elif body is not None:
        args.update(content=body, content_type=obj.get("content_type") or "text/html", filename=None)
    return args


def _expand(paths: Iterable[str | Path]) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FILE_SUFFIXES)
        else:
            yield path


def _jsonl_items(path: Path) -> Iterator[tuple[str, dict[str, Any] | None, str | None]]:
    """(label, ingest_item arguments or None, error) per line of a JSONL file."""
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            label = f"{path} line {number}"
            try:
                yield label, item_from_json(json.loads(raw.decode("utf-8-sig"))), None
            except (UnicodeDecodeError, json.JSONDecodeError, ValueError, TypeError) as exc:
                yield label, None, f"bad item ({type(exc).__name__}: {exc})"


def count_items(paths: Iterable[str | Path]) -> int:
    """How many documents ``ingest_paths`` will see (for a progress bar): files plus JSONL lines."""
    total = 0
    for path in _expand(paths):
        if path.suffix.lower() == ".jsonl" and path.is_file():
            with path.open("rb") as fh:
                total += sum(1 for line in fh if line.strip())
        else:
            total += 1
    return total


def ingest_paths(session: Session, paths: Iterable[str | Path], *, source: str | None = None,
                 published: date | None = None,
                 on_result: Callable[[IngestResult], None] | None = None) -> IngestReport:
    """Ingest files (text, HTML, PDF, DOCX; folders recursively) and JSONL files of crawled items.

    Commits after each document, so an interrupted run keeps what it stored and a rerun skips it.
    """
    report = IngestReport()

    def done(result: IngestResult) -> None:
        session.commit()
        report.results.append(result)
        if on_result is not None:
            on_result(result)

    for path in _expand(paths):
        if path.suffix.lower() == ".jsonl":
            try:
                items = list(_jsonl_items(path))
            except OSError as exc:
                done(IngestResult(FAILED, None, str(path), exc.strerror or str(exc)))
                continue
            for label, args, error in items:
                if args is None:
                    done(IngestResult(FAILED, None, label, error))
                    continue
                args["source"] = args.get("source") or source
                result = ingest_item(session, **args)
                result.label = label
                done(result)
            continue
        try:
            content = path.read_bytes()
        except OSError as exc:
            done(IngestResult(FAILED, None, str(path), exc.strerror or str(exc)))
            continue
        content_type = mimetypes.guess_type(path.name)[0]
        result = ingest_item(session, url=str(path), title=None, published=published, source=source,
                             content=content, filename=path.name, content_type=content_type)
        result.label = str(path)
        done(result)
    return report
