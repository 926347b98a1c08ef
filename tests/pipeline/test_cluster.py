"""Clustering: the rule (dates, issuer, bodies, clause similarity) and what it does to search."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from nlp.records import Directive as DirectiveRecord
from nlp.records import Extraction
from pipeline.cluster import MIN_SIMILARITY, WINDOW_DAYS, cluster_document, similarity
from store import crud
from store.db import session_factory
from store.models import Directive, Document
from store.search import TaskQuery, search_tasks

ORIGINAL = ("các bộ, cơ quan, địa phương không được chủ quan, sớm bằng lòng với những kết quả đạt được mà phải "
            "tiếp tục đẩy mạnh công tác kiểm tra việc thực hiện nhiệm vụ được giao, không để nợ đọng nhiệm vụ")
PARAPHRASE = ("Các bộ, ngành, địa phương không được chủ quan với những kết quả đạt được, tăng cường kiểm tra việc "
              "thực hiện nhiệm vụ được giao, không để nợ đọng nhiệm vụ")
UNRELATED = ("Bộ Nông nghiệp và Môi trường chỉ đạo các địa phương chủ động phòng chống rét đậm, rét hại cho cây "
             "trồng, vật nuôi trong vụ đông xuân")


def test_similarity_separates_reports_of_one_clause_from_other_clauses():
    assert similarity(ORIGINAL, PARAPHRASE) >= MIN_SIMILARITY
    assert similarity(ORIGINAL.upper(), ORIGINAL) == 1.0  # folded: case and marks do not matter
    assert similarity(ORIGINAL, UNRELATED) < MIN_SIMILARITY
    assert similarity("báo cáo Thủ tướng", "báo cáo Thủ tướng") == 0.0  # too short to tell


@pytest.fixture
def session(store_db):
    with session_factory(store_db)() as s:
        yield s


def _report(session, text: str, *, day: date, url: str, lead=("*bộ-ngành",), issuer: str | None = None) -> int:
    doc = Document(url=url, published=day, text=text, content_hash=hashlib.sha256(url.encode()).hexdigest())
    session.add(doc)
    session.flush()
    rec = DirectiveRecord(text=text, start=0, end=len(text), responsible=list(lead), issuer_person=issuer)
    crud.save_extraction(session, document=doc, extraction=Extraction(path=url, directives=[rec]), version="t")
    cluster_document(session, document_id=doc.id)
    session.commit()
    return doc.id


def _heads(session) -> list[str]:
    return [h.text for h in search_tasks(session, query=TaskQuery(), limit=50).items]


def test_two_reports_of_one_directive_are_one_task_with_both_sources(session):
    _report(session, ORIGINAL, day=date(2021, 3, 16), url="https://quangtri.vn/a")
    _report(session, PARAPHRASE, day=date(2021, 3, 17), url="https://yenbai.vn/b", issuer="Nguyễn Xuân Phúc")
    (hit,) = search_tasks(session, query=TaskQuery(text="no dong nhiem vu")).items
    assert hit.text == ORIGINAL
    assert [(s.url, s.date) for s in hit.sources] == [("https://quangtri.vn/a", "2021-03-16"),
                                                      ("https://yenbai.vn/b", "2021-03-17")]


@pytest.mark.parametrize(("change", "why"), [
    ({"day": date(2021, 3, 16 + WINDOW_DAYS + 1)}, "dates too far apart"),
    ({"lead": ("Bộ Y tế",)}, "different lead bodies"),
    ({"text": UNRELATED}, "different clause"),
])
def test_what_keeps_tasks_apart(session, change, why):
    _report(session, ORIGINAL, day=date(2021, 3, 16), url="https://a.vn/1", issuer="Nguyễn Xuân Phúc")
    kwargs = {"text": PARAPHRASE, "day": date(2021, 3, 17), "url": "https://b.vn/2", "lead": ("*bộ-ngành",)} | change
    _report(session, kwargs.pop("text"), **kwargs)
    assert len(_heads(session)) == 2, why


def test_different_issuers_keep_tasks_apart(session):
    _report(session, ORIGINAL, day=date(2021, 3, 16), url="https://a.vn/1", issuer="Nguyễn Xuân Phúc")
    _report(session, PARAPHRASE, day=date(2021, 3, 17), url="https://b.vn/2", issuer="Vương Đình Huệ")
    assert len(_heads(session)) == 2


def test_a_task_takes_one_directive_per_document_and_undated_documents_stay_apart(session):
    _report(session, ORIGINAL, day=date(2021, 3, 16), url="https://a.vn/1")
    doc = Document(url="https://b.vn/2", published=date(2021, 3, 17), text="x", content_hash="h2")
    session.add(doc)
    session.flush()
    recs = [DirectiveRecord(text=t, start=0, end=len(t), responsible=["*bộ-ngành"]) for t in (PARAPHRASE, ORIGINAL)]
    crud.save_extraction(session, document=doc, extraction=Extraction(path="b", directives=recs), version="t")
    assert cluster_document(session, document_id=doc.id).joined == 1
    session.commit()
    assert len(_heads(session)) == 2
    undated = Document(url="https://c.vn/3", published=None, text="y", content_hash="h3")
    session.add(undated)
    session.flush()
    crud.save_extraction(session, document=undated, version="t",
                         extraction=Extraction(path="c", directives=[recs[1]]))
    assert cluster_document(session, document_id=undated.id).joined == 0


def test_a_retired_head_hands_its_cluster_on(session):
    first = _report(session, ORIGINAL, day=date(2021, 3, 16), url="https://a.vn/1")
    _report(session, PARAPHRASE, day=date(2021, 3, 17), url="https://b.vn/2")
    doc = session.get(Document, first)
    crud.save_extraction(session, document=doc, extraction=Extraction(path="a", directives=[]), version="t2")
    cluster_document(session, document_id=first)
    session.commit()
    (hit,) = search_tasks(session, query=TaskQuery()).items
    assert hit.text == PARAPHRASE and hit.cluster_id is None
    assert session.query(Directive).filter(Directive.active.is_(True)).count() == 1
