"""Saving extractions: identity across re-extraction, reviewers' decisions kept, headers, references."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from storekit import document, extraction, stored, task

from nlp.records import DocumentHeader, Figure, Reference
from store import crud
from store.models import Directive, Document, DocumentStatus, ReviewEvent, ReviewStatus
from store.models import Figure as FigureRow
from store.models import Reference as ReferenceRow


def _directives(session, doc) -> list[Directive]:
    session.expire_all()
    return list(session.scalars(select(Directive).where(Directive.document_id == doc.id).order_by(Directive.id)))


def test_save_creates_tasks_with_bodies_topics_and_marks_done(session, bodies):
    doc = stored(session, task("Bộ Nội vụ hoàn thành dự thảo Nghị định", lead=["Bộ Nội vụ"],
                               coordinate=["Bộ Tài chính", "*bộ-ngành"], deadline="2024-05-31",
                               topics=["the-che-phap-luat"]))
    (d,) = _directives(session, doc)
    assert d.responsible == ["Bộ Nội vụ"] and d.coordinate == ["Bộ Tài chính", "*bộ-ngành"]
    assert [b.body_id is not None for b in d.bodies] == [True, True, False]  # collectives have no Body row
    assert d.deadline == date(2024, 5, 31) and d.topics == ["the-che-phap-luat"]
    assert d.review_status == ReviewStatus.PENDING and d.active and d.doc_date == date(2024, 5, 2)
    assert "bo noi vu" in d.search_text and "nghi dinh" in d.search_text
    assert session.get(Document, doc.id).status == DocumentStatus.DONE


def test_rerun_with_the_same_output_changes_nothing(session, bodies):
    rec = task("Bộ Y tế rà soát danh mục thuốc", lead=["Bộ Y tế"])
    doc = stored(session, rec)
    before = [(d.id, d.seq) for d in _directives(session, doc)]
    result = crud.save_extraction(session, document=doc, extraction=extraction(rec), version="test-1")
    session.commit()
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert [(d.id, d.seq) for d in _directives(session, doc)] == before


def test_identity_ignores_case_marks_spacing_and_edge_punctuation(session, bodies):
    doc = stored(session, task("Bộ Y tế rà soát danh mục thuốc.", lead=["Bộ Y tế"]))
    crud.save_extraction(session, document=doc, version="test-2",
                         extraction=extraction(task("bộ y tế  rà soát danh mục thuốc", lead=["Bộ Y tế"],
                                                    deadline="2024-06-30")))
    session.commit()
    (d,) = _directives(session, doc)
    assert d.deadline == date(2024, 6, 30) and d.extractor_version == "test-2"


def test_new_extractor_replaces_machine_output_but_keeps_reviews(session, bodies):
    kept = task("Bộ Nội vụ trình Đề án sắp xếp bộ máy", lead=["Bộ Nội vụ"])
    edited = task("Bộ Y tế báo cáo tình hình dịch bệnh", lead=["Bộ Y tế"])
    machine = task("Bộ Tài chính bố trí kinh phí", lead=["Bộ Tài chính"])
    gone = task("Các bộ, ngành khẩn trương triển khai", lead=["*bộ-ngành"])
    doc = stored(session, kept, edited, machine, gone)
    by_text = {d.text: d for d in _directives(session, doc)}
    crud.review_directive(session, directive=by_text[kept.text], who="lan", action="accept")
    crud.review_directive(session, directive=by_text[edited.text], who="lan", action="edit",
                          changes={"deadline": "2024-07-15", "responsible": ["Bộ Y tế", "Bộ Tài chính"]})
    session.commit()
    # The newer extractor sees other bodies and deadlines everywhere, and no longer finds the last clause.
    crud.save_extraction(session, document=doc, version="test-2", extraction=extraction(
        task(kept.text, lead=["Bộ Tài chính"], deadline="2030-01-01"),
        task(edited.text, lead=["Bộ Nội vụ"]),
        task(machine.text, lead=["Bộ Nội vụ"], deadline="2024-12-31"),
        task("Một nhiệm vụ mới", lead=["Bộ Y tế"])))
    session.commit()
    by_text = {d.text: d for d in _directives(session, doc)}
    assert len(by_text) == 5
    assert by_text[kept.text].responsible == ["Bộ Nội vụ"] and by_text[kept.text].deadline is None
    assert by_text[kept.text].review_status == ReviewStatus.ACCEPTED
    assert by_text[edited.text].responsible == ["Bộ Y tế", "Bộ Tài chính"]
    assert by_text[edited.text].deadline == date(2024, 7, 15)
    assert by_text[machine.text].responsible == ["Bộ Nội vụ"] and by_text[machine.text].deadline == date(2024, 12, 31)
    assert by_text[gone.text].active is False  # retired, not deleted
    assert by_text["Một nhiệm vụ mới"].active


def test_a_clause_twice_in_one_document_is_one_task(session, bodies):
    doc = stored(session, task("Bộ Y tế báo cáo", lead=["Bộ Y tế"]), task("Bộ Y tế báo cáo.", lead=["Bộ Y tế"]))
    assert len(_directives(session, doc)) == 1


def test_review_events_record_who_what_before_after(session, bodies):
    doc = stored(session, task("Bộ Y tế báo cáo", lead=["Bộ Y tế"]))
    (d,) = _directives(session, doc)
    crud.review_directive(session, directive=d, who="minh", action="edit",
                          changes={"text": "Bộ Y tế báo cáo Thủ tướng", "deadline": "2024-06-01"})
    crud.review_directive(session, directive=d, who="lan", action="reject")
    session.commit()
    events = session.scalars(select(ReviewEvent).order_by(ReviewEvent.id)).all()
    assert [(e.who, e.field, e.before, e.after) for e in events] == [
        ("minh", "text", "Bộ Y tế báo cáo", "Bộ Y tế báo cáo Thủ tướng"),
        ("minh", "deadline", None, "2024-06-01"),
        ("minh", "review_status", "pending", "edited"),
        ("lan", "review_status", "edited", "rejected"),
    ]
    assert all(e.at is not None for e in events)
    with pytest.raises(ValueError, match="cannot edit"):
        crud.review_directive(session, directive=d, who="x", action="edit", changes={"seq": 1})
    with pytest.raises(ValueError, match="not a date"):
        crud.review_directive(session, directive=d, who="x", action="edit", changes={"deadline": "mai"})


def test_header_fills_document_fields(session, bodies):
    header = DocumentHeader(issuer="VĂN PHÒNG CHÍNH PHỦ", number="114/TB-VPCP", doc_type="Thông báo",
                            date=date(2024, 4, 2), place="Hà Nội", title="Kết luận của Thủ tướng",
                            signer="Trần Văn Sơn", signer_title="BỘ TRƯỞNG, CHỦ NHIỆM")
    doc = stored(session, task("Bộ Y tế báo cáo", lead=["Bộ Y tế"]), header=header)
    session.expire_all()
    doc = session.get(Document, doc.id)
    assert (doc.number, doc.number_key, doc.doc_type, doc.issued, doc.signer, doc.title) == (
        "114/TB-VPCP", "114/TB-VPCP", "Thông báo", date(2024, 4, 2), "Trần Văn Sơn", "Kết luận của Thủ tướng")
    assert doc.date == date(2024, 4, 2)


def test_references_link_to_stored_documents_both_ways(session, bodies):
    cited_later = Reference(number="62/QĐ-TCTCCTTHC", type="Quyết định")
    citing = stored(session, task("Bộ Y tế thực hiện Quyết định", lead=["Bộ Y tế"]), url="https://a.vn/1",
                    references=[cited_later, Reference(number="933/QĐ-TTg", type="Quyết định")])
    target = stored(session, task("Tổ công tác triển khai", lead=["Bộ Nội vụ"]), url="https://a.vn/2",
                    header=DocumentHeader(number="62/QĐ-TCTCCTTHC", doc_type="Quyết định"))
    third = stored(session, task("Bộ Tài chính hướng dẫn", lead=["Bộ Tài chính"]), url="https://a.vn/3",
                   references=[Reference(number="62/QĐ-TCTCCTTHC", type="Quyết định")])
    session.expire_all()
    links = dict(session.execute(select(ReferenceRow.document_id, ReferenceRow.target_id)
                                 .where(ReferenceRow.number_key == "62/QĐ-TCTCCTTHC")).all())
    assert links == {citing.id: target.id, third.id: target.id}
    unresolved = session.scalar(select(ReferenceRow.target_id).where(ReferenceRow.number == "933/QĐ-TTg"))
    assert unresolved is None


def test_figures_are_replaced_on_each_extraction(session, bodies):
    doc = document(session, url="https://a.vn/f", published=date(2024, 1, 1))
    fig = Figure(text="1,8%", start=0, end=4, value=1.8, unit="%")
    for _ in range(2):
        crud.save_extraction(session, document=doc, extraction=extraction(figures=[fig]), version="v")
        session.commit()
    assert session.scalar(select(func.count()).select_from(FigureRow)) == 1


def test_failed_documents_are_listed_with_their_reason(session):
    doc = document(session, url="https://a.vn/bad")
    crud.mark_failed(session, document_id=doc.id, reason="no text layer")
    session.commit()
    assert [(d.id, d.error) for d in crud.failed_documents(session)] == [(doc.id, "no text layer")]
    assert crud.status_counts(session)["failed"] == 1
    assert crud.pending_document_ids(session) == []
    assert crud.pending_document_ids(session, retry_failed=True) == [doc.id]
