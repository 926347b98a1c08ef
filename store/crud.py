"""Reading and writing the store. Every function takes the session first and the rest by keyword.

``save_extraction`` holds the rule that makes re-extraction safe: a directive is found again by its document
and the normalised text of its clause (``clause_key``); machine fields are replaced, a reviewer's decision
(accepted, edited, rejected) is kept, and a machine directive the new extraction no longer finds is marked
inactive rather than deleted, so feeds can report it and nothing reviewed is lost. Values are only assigned
when they differ, so an unchanged re-run changes nothing (and numbers no change).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from nlp.records import Directive as DirectiveRecord
from nlp.records import Extraction
from nlp.references import normalise_number
from nlp.topics import fold
from store.bodies import name_key
from store.models import (
    Body,
    Directive,
    DirectiveBody,
    DirectiveTopic,
    Document,
    DocumentStatus,
    Figure,
    Reference,
    ReviewEvent,
    ReviewStatus,
    Role,
    Source,
)
from store.models.base import utcnow

_PUNCT_EDGES_RE = re.compile(r"^[\W_]+|[\W_]+$")


def clause_key(text: str) -> str:
    """The identity of a clause within its document: its folded, single-spaced text, hashed."""
    norm = _PUNCT_EDGES_RE.sub("", " ".join(fold(text).split()))
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def number_key(number: str | None) -> str | None:
    """How document numbers are compared: no spaces, one "Đ", upper case ("114/TB-VPCP")."""
    return normalise_number(number).upper() if number else None


def _assign(obj: Any, **values: Any) -> bool:
    """Set only what differs; returns whether anything did."""
    changed = False
    for attr, value in values.items():
        if getattr(obj, attr) != value:
            setattr(obj, attr, value)
            changed = True
    return changed


# --- sources and documents -----------------------------------------------------------------------------------------


def get_or_create_source(session: Session, *, name: str, kind: str | None = None, url: str | None = None) -> Source:
    source = session.scalar(select(Source).where(Source.name == name))
    if source is None:
        source = Source(name=name, kind=kind, url=url)
        session.add(source)
        session.flush()
    return source


def document_by_url(session: Session, *, url: str) -> Document | None:
    return session.scalar(select(Document).where(Document.url == url))


def document_by_hash(session: Session, *, content_hash: str) -> Document | None:
    return session.scalar(select(Document).where(Document.content_hash == content_hash))


def pending_document_ids(session: Session, *, retry_failed: bool = False, stale_before: str | None = None,
                         reprocess: bool = False, limit: int | None = None) -> list[int]:
    """Documents to extract, oldest first: pending ones; failed ones with ``retry_failed``; with
    ``stale_before`` (an extractor version) also those processed by another version; all with ``reprocess``."""
    stmt = select(Document.id).order_by(Document.id)
    if not reprocess:
        wanted = [Document.status == DocumentStatus.PENDING]
        if retry_failed:
            wanted.append(Document.status == DocumentStatus.FAILED)
        if stale_before is not None:
            wanted.append((Document.status == DocumentStatus.DONE)
                          & (func.coalesce(Document.extractor_version, "") != stale_before))
        stmt = stmt.where(or_(*wanted))
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def mark_failed(session: Session, *, document_id: int, reason: str) -> None:
    """Record why a document could not be processed; its previous output stays."""
    session.execute(update(Document).where(Document.id == document_id).values(
        status=DocumentStatus.FAILED, error=reason[:2000], processed_at=utcnow()))


def status_counts(session: Session) -> dict[str, int]:
    """Documents per processing status, and the number of active tasks (cluster heads)."""
    counts = dict.fromkeys(DocumentStatus.ALL, 0)
    counts.update(dict(session.execute(select(Document.status, func.count()).group_by(Document.status)).all()))
    counts["documents"] = sum(counts[s] for s in DocumentStatus.ALL)
    counts["directives"] = session.scalar(select(func.count()).select_from(Directive)
                                          .where(Directive.active.is_(True))) or 0
    counts["tasks"] = session.scalar(select(func.count()).select_from(Directive)
                                     .where(Directive.active.is_(True), Directive.cluster_id.is_(None))) or 0
    return counts


def failed_documents(session: Session, *, limit: int = 100) -> Sequence[Document]:
    return session.scalars(select(Document).where(Document.status == DocumentStatus.FAILED)
                           .order_by(Document.id).limit(limit)).all()


# --- extraction results ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class SaveResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_reviewed: int = 0
    retired: int = 0


def _body_ids(session: Session, names: Iterable[str]) -> dict[str, int]:
    wanted = {n for n in names if not n.startswith("*")}
    if not wanted:
        return {}
    return dict(session.execute(select(Body.name, Body.id).where(Body.name.in_(wanted))).all())


def _parse_date(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _machine_fields(rec: DirectiveRecord, *, version: str, doc_date: date | None) -> dict[str, Any]:
    return {
        "text": rec.text, "start": rec.start, "end": rec.end,
        "issuer_person": rec.issuer_person, "issuer_office": rec.issuer_office,
        "issuer_key": name_key(rec.issuer_person) if rec.issuer_person else None,
        "verb": rec.verb, "deadline": _parse_date(rec.deadline), "deadline_text": rec.deadline_text,
        "deadline_granularity": rec.deadline_granularity, "confidence": float(rec.confidence),
        "extractor": "+".join(rec.extractors or ["rules"]), "extractor_version": version,
        "active": True, "doc_date": doc_date,
    }


def set_bodies(directive: Directive, *, responsible: Sequence[str], coordinate: Sequence[str],
               ids: dict[str, int], addressees: Sequence[str] = ()) -> bool:
    """Replace the directive's bodies when they differ; returns whether they did."""
    wanted: list[tuple[str, str]] = []
    for role, names in ((Role.LEAD, responsible), (Role.COORDINATE, coordinate), (Role.ADDRESSEE, addressees)):
        for name in dict.fromkeys(names):
            wanted.append((role, name))
    if [(b.role, b.body_name) for b in sorted(directive.bodies, key=lambda b: b.position)] == wanted:
        return False
    # Reuse the rows that stay: a new row for a kept (role, name) would collide with the old one before
    # the old one is deleted.
    existing = {(b.role, b.body_name): b for b in directive.bodies}
    links = []
    for i, (role, name) in enumerate(wanted):
        link = existing.get((role, name)) or DirectiveBody(role=role, body_name=name, body_id=ids.get(name))
        link.position = i
        links.append(link)
    directive.bodies = links
    return True


def set_topics(directive: Directive, *, topics: Sequence[str]) -> bool:
    topics = list(dict.fromkeys(topics))
    if directive.topics == topics:
        return False
    existing = {t.topic: t for t in directive.topic_links}
    links = []
    for i, topic in enumerate(topics):
        link = existing.get(topic) or DirectiveTopic(topic=topic)
        link.position = i
        links.append(link)
    directive.topic_links = links
    return True


def apply_header(document: Document, extraction: Extraction) -> None:
    """Copy what the official header says into the document's fields (only what it says)."""
    head = extraction.header
    if head is None:
        return
    values: dict[str, Any] = {}
    for attr, value in (("issuer", head.issuer), ("number", head.number), ("doc_type", head.doc_type),
                        ("issued", head.date if (head.number or head.doc_type) else None), ("place", head.place),
                        ("signer", head.signer), ("signer_title", head.signer_title)):
        if value:
            values[attr] = value
    if head.number:
        values["number_key"] = number_key(head.number)
    if head.title and not document.title:
        values["title"] = head.title
    _assign(document, **values)


def _save_references(session: Session, document: Document, extraction: Extraction) -> None:
    keys = {number_key(r.number) for r in extraction.references}
    targets = dict(session.execute(
        select(Document.number_key, func.min(Document.id))
        .where(Document.number_key.in_(keys), Document.id != document.id)
        .group_by(Document.number_key)).all()) if keys else {}
    document.references = [
        Reference(number=r.number, number_key=number_key(r.number), type=r.type, date=_parse_date(r.date),
                  start=r.start, end=r.end, text=r.text or "", target_id=targets.get(number_key(r.number)))
        for r in extraction.references
    ]
    if document.number_key:  # earlier documents citing this one now link to it
        session.execute(update(Reference).where(Reference.number_key == document.number_key,
                                                Reference.target_id.is_(None),
                                                Reference.document_id != document.id)
                        .values(target_id=document.id))


def save_extraction(session: Session, *, document: Document, extraction: Extraction, version: str) -> SaveResult:
    """Store one document's extraction (in the caller's transaction) and mark the document done."""
    result = SaveResult()
    apply_header(document, extraction)
    doc_date = document.issued or document.published or _parse_date(extraction.date)
    existing = {d.clause_key: d for d in session.scalars(
        select(Directive).where(Directive.document_id == document.id)
        .options(selectinload(Directive.bodies), selectinload(Directive.topic_links)))}
    ids = _body_ids(session, (n for d in extraction.directives for n in (*d.responsible, *d.coordinate)))
    seen: set[str] = set()
    for rec in extraction.directives:
        key = clause_key(rec.text)
        if key in seen:  # the same clause twice in one document is one task
            continue
        seen.add(key)
        directive = existing.get(key)
        if directive is not None and directive.review_status in ReviewStatus.REVIEWED:
            # The reviewer's word stands; only where the clause now sits, and that it is still found, change.
            if _assign(directive, start=rec.start, end=rec.end, active=True, doc_date=doc_date):
                result.updated += 1
            result.kept_reviewed += 1
            continue
        fields = _machine_fields(rec, version=version, doc_date=doc_date)
        if directive is None:
            directive = Directive(document_id=document.id, clause_key=key, review_status=ReviewStatus.PENDING,
                                  **fields)
            session.add(directive)
            set_bodies(directive, responsible=rec.responsible, coordinate=rec.coordinate, ids=ids)
            set_topics(directive, topics=rec.topics)
            result.created += 1
            continue
        changed = _assign(directive, **fields)
        changed |= set_bodies(directive, responsible=rec.responsible, coordinate=rec.coordinate, ids=ids)
        changed |= set_topics(directive, topics=rec.topics)
        if changed:
            result.updated += 1
        else:
            result.unchanged += 1
    for key, directive in existing.items():
        if key not in seen and directive.active and directive.review_status not in ReviewStatus.REVIEWED:
            directive.active = False
            result.retired += 1
    document.figures = [Figure(text=f.text, start=f.start, end=f.end, value=f.value, unit=f.unit, total=f.total)
                        for f in extraction.figures]
    _save_references(session, document, extraction)
    _assign(document, status=DocumentStatus.DONE, error=None, extractor_version=version)
    document.processed_at = utcnow()
    session.flush()
    return result


# --- reviews -------------------------------------------------------------------------------------------------------

REVIEW_FIELDS = ("text", "deadline", "responsible", "coordinate", "topics")


def review_directive(session: Session, *, directive: Directive, who: str, action: str,
                     changes: dict[str, Any] | None = None, at: datetime | None = None) -> list[ReviewEvent]:
    """A reviewer accepts, rejects or edits a directive; every changed field becomes a ReviewEvent.

    ``action`` is ``accept``, ``reject`` or ``edit`` (with ``changes`` among ``REVIEW_FIELDS``; a deadline is
    an ISO date or None). Returns the events recorded.
    """
    statuses = {"accept": ReviewStatus.ACCEPTED, "reject": ReviewStatus.REJECTED, "edit": ReviewStatus.EDITED}
    if action not in statuses:
        raise ValueError(f"unknown review action {action!r} (want accept, reject or edit)")
    changes = changes or {}
    unknown = set(changes) - set(REVIEW_FIELDS)
    if unknown:
        raise ValueError(f"cannot edit {', '.join(sorted(unknown))} (editable: {', '.join(REVIEW_FIELDS)})")
    at = at or utcnow()
    events: list[ReviewEvent] = []

    def log(field: str, before: Any, after: Any) -> None:
        event = ReviewEvent(directive_id=directive.id, who=who, at=at, field=field, before=before, after=after)
        session.add(event)
        events.append(event)

    for field, value in changes.items():
        if field in ("responsible", "coordinate"):
            before = list(getattr(directive, field))
            value = list(dict.fromkeys(value))
            if before != value:
                other = directive.coordinate if field == "responsible" else directive.responsible
                lead, coord = (value, other) if field == "responsible" else (other, value)
                set_bodies(directive, responsible=lead, coordinate=coord, ids=_body_ids(session, [*lead, *coord]))
                log(field, before, value)
        elif field == "topics":
            before = directive.topics
            if set_topics(directive, topics=value):
                log(field, before, directive.topics)
        elif field == "deadline":
            new = _parse_date(value)
            if value is not None and new is None:
                raise ValueError(f"not a date: {value!r} (want YYYY-MM-DD)")
            if directive.deadline != new:
                log(field, directive.deadline.isoformat() if directive.deadline else None,
                    new.isoformat() if new else None)
                directive.deadline = new
        elif directive.text != value:
            log(field, directive.text, value)
            directive.text = value
    status = statuses[action]
    if action == "edit" and not events:
        status = ReviewStatus.ACCEPTED if directive.review_status == ReviewStatus.PENDING else directive.review_status
    if directive.review_status != status:
        log("review_status", directive.review_status, status)
        directive.review_status = status
    session.flush()
    return events
