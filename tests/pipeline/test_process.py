"""``process``: extraction into the store, one transaction per document, idempotent, failures recorded."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from sqlalchemy import func, select
from texts import CONFERENCE, CONFERENCE_OTHER_REPORT, FLOODS

from pipeline.ingest import ingest_item
from pipeline.process import extractor_version, process_documents
from store import crud
from store.db import get_engine, session_factory
from store.models import Directive, Document, DocumentStatus, ReviewStatus
from store.search import TaskQuery, search_tasks


def _ingest(db: str, *docs: tuple[str, str, date]) -> list[int]:
    with session_factory(db)() as s:
        ids = [ingest_item(s, url=url, title=None, published=day, source=url.split("/")[2], text=text).document_id
               for url, text, day in docs]
        s.commit()
    return ids


@pytest.fixture
def conference(store_db):
    _ingest(store_db, ("https://baochinhphu.vn/hop-1", CONFERENCE, date(2024, 5, 2)),
            ("https://quangtri.gov.vn/tin-2", CONFERENCE_OTHER_REPORT, date(2024, 5, 3)),
            ("https://quangtri.gov.vn/lu-3", FLOODS, date(2020, 10, 18)))
    return store_db


def test_process_stores_tasks_and_marks_documents_done(conference, extractor):
    report = process_documents(conference, extractor=extractor)
    assert report.done == 3 and report.failed == []
    with session_factory(conference)() as s:
        assert {d.status for d in s.scalars(select(Document))} == {DocumentStatus.DONE}
        assert {d.extractor_version for d in s.scalars(select(Document))} == {extractor_version()}
        hits = search_tasks(s, query=TaskQuery(body="Bộ Nội vụ")).items
        # The two reports of the meeting are one task, with both sources.
        (hit,) = [h for h in hits if "vị trí việc làm" in h.text]
        assert hit.deadline == "2024-06-30" and hit.responsible == ["Bộ Nội vụ"]
        assert [src.url for src in hit.sources] == ["https://baochinhphu.vn/hop-1", "https://quangtri.gov.vn/tin-2"]
        assert "the-che-phap-luat" in hit.topics
        flood = search_tasks(s, query=TaskQuery(text="so tan sat lo")).items
        assert flood and flood[0].responsible == ["Ủy ban nhân dân tỉnh Quảng Trị"] and "thien-tai" in flood[0].topics


def test_rerun_does_nothing_and_reprocessing_changes_nothing(conference, extractor):
    process_documents(conference, extractor=extractor)
    with session_factory(conference)() as s:
        before = sorted(s.execute(select(Directive.id, Directive.seq, Directive.cluster_id)).all())
    assert process_documents(conference, extractor=extractor).outcomes == []
    assert process_documents(conference, extractor=extractor, reextract=True).outcomes == []  # same version
    again = process_documents(conference, extractor=extractor, everything=True)
    assert again.done == 3
    with session_factory(conference)() as s:
        assert sorted(s.execute(select(Directive.id, Directive.seq, Directive.cluster_id)).all()) == before


def test_reprocessing_keeps_a_reviewers_decision(conference, extractor):
    process_documents(conference, extractor=extractor)
    with session_factory(conference)() as s:
        d = s.scalar(select(Directive).where(Directive.text.contains("giải ngân vốn đầu tư công")))
        crud.review_directive(s, directive=d, who="lan", action="edit",
                              changes={"deadline": "2024-08-01", "text": "Bộ Tài chính đẩy nhanh giải ngân"})
        s.commit()
        key = d.clause_key
    process_documents(conference, extractor=extractor, everything=True)
    with session_factory(conference)() as s:
        d = s.scalar(select(Directive).where(Directive.clause_key == key))
        assert (d.text, d.deadline, d.review_status) == ("Bộ Tài chính đẩy nhanh giải ngân", date(2024, 8, 1),
                                                          ReviewStatus.EDITED)
        assert s.scalar(select(func.count()).select_from(Directive).where(Directive.clause_key == key)) == 1


class _Exploding:
    """An extractor that crashes on one document, as a rule bug would."""

    def __init__(self, real):
        self.real = real

    def extract(self, text, *, path="", date=None):
        if "sơ tán" in text:
            raise RecursionError("rule went wrong")
        return self.real.extract(text, path=path, date=date)


def test_a_crashing_document_is_marked_failed_and_the_run_goes_on(conference, extractor):
    report = process_documents(conference, extractor=_Exploding(extractor))
    assert report.done == 2
    (failed,) = report.failed
    assert "RecursionError: rule went wrong" in failed.reason
    with session_factory(conference)() as s:
        (doc,) = crud.failed_documents(s)
        assert doc.id == failed.document_id and "rule went wrong" in doc.error
        assert crud.pending_document_ids(s) == []
    assert process_documents(conference, extractor=extractor, retry_failed=True).done == 1


def test_empty_documents_fail_with_a_reason(store_db, extractor):
    with session_factory(store_db)() as s:
        doc = Document(url="https://x.vn/empty", text="   ", content_hash="e")
        s.add(doc)
        s.commit()
    (outcome,) = process_documents(store_db, extractor=extractor).failed
    assert outcome.reason == "empty text"


def test_two_workers_give_the_same_store(conference, tmp_path, extractor):
    report = process_documents(conference, workers=2)
    assert report.done == 3
    with session_factory(conference)() as s:
        parallel = sorted(s.scalars(select(Directive.text)))
    single = str(tmp_path / "single.db")
    get_engine(conference).dispose()
    shutil.copy(conference, single)
    with session_factory(single)() as s:
        s.query(Directive).delete()
        s.query(Document).update({Document.status: DocumentStatus.PENDING})
        s.commit()
    process_documents(single, extractor=extractor)
    with session_factory(single)() as s:
        assert sorted(s.scalars(select(Directive.text))) == parallel
