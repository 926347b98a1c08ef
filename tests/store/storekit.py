"""Builders for store tests: documents and extraction records made by hand (no extractor needed)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date

from sqlalchemy.orm import Session

from nlp.records import Directive as DirectiveRecord
from nlp.records import DocumentHeader, Extraction, Figure, Reference
from store import crud
from store.models import Document


def task(text: str, *, lead: list[str] | None = None, coordinate: list[str] | None = None,
         deadline: str | None = None, topics: list[str] | None = None, issuer: str | None = None,
         start: int = 0) -> DirectiveRecord:
    return DirectiveRecord(text=text, start=start, end=start + len(text), responsible=list(lead or []),
                           coordinate=list(coordinate or []), deadline=deadline, topics=list(topics or []),
                           issuer_person=issuer, deadline_text="trước " + deadline if deadline else None,
                           confidence=0.9)


def extraction(*tasks: DirectiveRecord, header: DocumentHeader | None = None,
               references: list[Reference] | None = None, figures: list[Figure] | None = None,
               day: str | None = None) -> Extraction:
    return Extraction(path="test", directives=list(tasks), references=list(references or []),
                      figures=list(figures or []), date=day, header=header)


def document(session: Session, text: str = "", *, url: str | None = None, published: date | None = None,
             source: str | None = None, title: str | None = None) -> Document:
    text = text or f"Văn bản {url or title or published}"
    doc = Document(url=url, title=title, published=published, text=text,
                   content_hash=hashlib.sha256(f"{url}|{text}".encode()).hexdigest(),
                   source_id=crud.get_or_create_source(session, name=source).id if source else None)
    session.add(doc)
    session.flush()
    return doc


def stored(session: Session, *tasks: DirectiveRecord, published: date | None = date(2024, 5, 2),
           url: str | None = None, source: str | None = None, header: DocumentHeader | None = None,
           references: list[Reference] | None = None) -> Document:
    """A document with these tasks, saved and committed."""
    doc = document(session, url=url or f"https://example.vn/{uuid.uuid4().hex}",
                   published=published, source=source)
    crud.save_extraction(session, document=doc, extraction=extraction(*tasks, header=header, references=references),
                         version="test-1")
    session.commit()
    return doc
