"""``chidao process``: extract pending documents and store the results, one transaction per document.

Extraction runs outside any transaction (in this process, or in N worker processes that each load one
``Extractor``); the main process then writes each document's results and marks it done in one transaction,
clustering included. A run killed at any point leaves every document either done with all its results or
still pending, so a rerun finishes the job and nothing is stored twice (directives are found again by their
identity, ``store.crud.clause_key``). A document that fails (no text, an extractor crash) is marked failed
with its reason and the run goes on.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import metadata, resources
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pipeline.cluster import cluster_document
from store import crud
from store.bodies import sync_bodies
from store.db import session_factory
from store.models import Document

if TYPE_CHECKING:
    from nlp.extract import Extractor
    from nlp.records import Extraction

Job = tuple[int, str, date | None]
Outcome = tuple[int, "Extraction | None", str | None]


@cache
def extractor_version() -> str:
    """The package version plus a fingerprint of the rule data: new rules mean a new version."""
    try:
        version = metadata.version("chidao")
    except metadata.PackageNotFoundError:
        version = "0"
    digest = hashlib.sha256()
    root = resources.files("nlp")
    for item in sorted([root.joinpath("config.cfg"), *root.joinpath("data").iterdir()], key=lambda p: p.name):
        if item.name.endswith((".yml", ".json", ".cfg")):
            digest.update(item.name.encode())
            digest.update(item.read_bytes())
    model_dir = root.joinpath("models", "directive_model")  # a retrained model is a new extractor too
    for name in ("calibration.json", "textcat/model"):
        item = model_dir.joinpath(name)
        if item.is_file():
            digest.update(name.encode())
            digest.update(item.read_bytes())
    return f"{version}+{digest.hexdigest()[:10]}"


def build_extractor(*, model: bool = True) -> Extractor:
    """The extractor ``process`` uses (topics are part of the pipeline); ``model=False`` for rules only."""
    from nlp.extract import Extractor

    return Extractor(model=model)


def sync_gazetteer(session: Session) -> bool:
    """Copy the gazetteer's bodies into the store when they changed (cheap when they did not)."""
    from nlp.gazetteer import Gazetteer

    return sync_bodies(session, bodies=Gazetteer.default().bodies())


@dataclass(slots=True)
class DocOutcome:
    document_id: int
    ok: bool
    reason: str | None = None
    directives: int = 0


@dataclass(slots=True)
class ProcessReport:
    outcomes: list[DocOutcome] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(1 for o in self.outcomes if o.ok)

    @property
    def failed(self) -> list[DocOutcome]:
        return [o for o in self.outcomes if not o.ok]


# --- extraction, in this process or in workers ---------------------------------------------------------------------

_worker_extractor: Extractor | None = None


def _init_worker() -> None:
    global _worker_extractor
    _worker_extractor = build_extractor()


def _extract(extractor: Extractor, job: Job) -> Outcome:
    doc_id, text, day = job
    if not text.strip():
        return doc_id, None, "empty text"
    try:
        return doc_id, extractor.extract(text, path=f"document {doc_id}", date=day), None
    except Exception as exc:  # a rule crashing on one document must not stop the run
        return doc_id, None, f"extraction failed ({type(exc).__name__}: {exc})"


def _extract_in_worker(job: Job) -> Outcome:
    assert _worker_extractor is not None
    return _extract(_worker_extractor, job)


def _jobs(factory: sessionmaker[Session], ids: list[int], batch: int = 50) -> Iterator[Job]:
    """The documents' texts, read a batch at a time in short read-only sessions."""
    for i in range(0, len(ids), batch):
        chunk = ids[i:i + batch]
        with factory() as session:
            rows = session.execute(select(Document.id, Document.text, Document.published)
                                   .where(Document.id.in_(chunk))).all()
        by_id = {r[0]: r for r in rows}
        for doc_id in chunk:
            if doc_id in by_id:
                yield by_id[doc_id]


def _outcomes(jobs: Iterable[Job], workers: int, extractor: Extractor | None) -> Iterator[Outcome]:
    if workers <= 1:
        extractor = extractor or build_extractor()
        for job in jobs:
            yield _extract(extractor, job)
        return
    # The pool's feeder thread would read every text at once: a semaphore keeps a few per worker in flight.
    slots = threading.BoundedSemaphore(workers * 4)

    def bounded() -> Iterator[Job]:
        for job in jobs:
            slots.acquire()
            yield job

    context = multiprocessing.get_context("spawn")  # no inherited threads, engines or open files
    with context.Pool(workers, initializer=_init_worker) as pool:
        for outcome in pool.imap_unordered(_extract_in_worker, bounded(), chunksize=1):
            slots.release()
            yield outcome


# --- storing --------------------------------------------------------------------------------------------------------


def store_outcome(factory: sessionmaker[Session], outcome: Outcome, version: str) -> DocOutcome:
    """Write one document's results in one transaction; a failure is recorded in a transaction of its own."""
    doc_id, extraction, reason = outcome
    if extraction is not None:
        try:
            with factory() as session, session.begin():
                document = session.get(Document, doc_id)
                if document is None:
                    return DocOutcome(doc_id, False, "document deleted during the run")
                saved = crud.save_extraction(session, document=document, extraction=extraction, version=version)
                cluster_document(session, document_id=doc_id)
                count = saved.created + saved.updated + saved.unchanged + saved.kept_reviewed
            return DocOutcome(doc_id, True, None, count)
        except Exception as exc:  # a record the store refuses: fail this document, keep going
            reason = f"storing failed ({type(exc).__name__}: {exc})"
    with factory() as session, session.begin():
        crud.mark_failed(session, document_id=doc_id, reason=reason or "unknown error")
    return DocOutcome(doc_id, False, reason)


def process_documents(db: str | None = None, *, workers: int = 1, retry_failed: bool = False,
                      reextract: bool = False, everything: bool = False, limit: int | None = None,
                      ids: list[int] | None = None, extractor: Extractor | None = None,
                      on_start: Callable[[int], None] | None = None,
                      on_outcome: Callable[[DocOutcome], None] | None = None) -> ProcessReport:
    """Extract and store pending documents of the store ``db``.

    ``retry_failed`` also takes failed documents; ``reextract`` also those processed by another extractor
    version; ``everything`` all documents. ``extractor`` reuses a loaded one (single worker only).
    """
    factory = session_factory(db)
    version = extractor_version()
    with factory() as session, session.begin():
        sync_gazetteer(session)
        if ids is None:
            ids = crud.pending_document_ids(session, retry_failed=retry_failed, reprocess=everything,
                                            stale_before=version if reextract else None, limit=limit)
    if on_start is not None:
        on_start(len(ids))
    report = ProcessReport()
    if not ids:
        return report
    for outcome in _outcomes(_jobs(factory, ids), workers, extractor):
        result = store_outcome(factory, outcome, version)
        report.outcomes.append(result)
        if on_outcome is not None:
            on_outcome(result)
    return report
