"""The change sequence: every change to a directive takes the next number, once, in commit order."""

from __future__ import annotations

import threading
import time

from sqlalchemy import select
from storekit import stored, task

from store import crud
from store.db import session_factory
from store.models import Directive
from store.search import changes_since


def _seqs(session) -> dict[str, int]:
    session.expire_all()
    return {d.text: d.seq for d in session.scalars(select(Directive))}


def test_every_insert_and_update_takes_a_new_number(session, bodies):
    stored(session, task("Bộ Y tế báo cáo", lead=["Bộ Y tế"]), task("Bộ Nội vụ trình Đề án", lead=["Bộ Nội vụ"]))
    first = _seqs(session)
    assert sorted(first.values()) == [1, 2]
    d = session.scalar(select(Directive).where(Directive.text == "Bộ Y tế báo cáo"))
    crud.review_directive(session, directive=d, who="lan", action="edit", changes={"deadline": "2024-06-01"})
    session.commit()
    second = _seqs(session)
    assert second["Bộ Y tế báo cáo"] == 3 and second["Bộ Nội vụ trình Đề án"] == first["Bộ Nội vụ trình Đề án"]


def test_a_body_change_alone_is_a_change(session, bodies):
    stored(session, task("Bộ Y tế báo cáo", lead=["Bộ Y tế"]))
    d = session.scalar(select(Directive))
    before = d.seq
    crud.review_directive(session, directive=d, who="lan", action="edit", changes={"coordinate": ["Bộ Nội vụ"]})
    session.commit()
    session.expire_all()
    d = session.scalar(select(Directive))
    assert d.seq > before and "bo noi vu" in d.search_text  # the search text follows the bodies


def test_change_feed_reports_each_change_once_in_order(session, bodies):
    stored(session, task("Một", lead=["Bộ Y tế"]), task("Hai", lead=["Bộ Y tế"]), task("Ba", lead=["Bộ Y tế"]))
    page = changes_since(session, seq=0, limit=2)
    assert [h.text for h in page] == ["Một", "Hai"]
    last = page[-1].seq
    d = session.scalar(select(Directive).where(Directive.text == "Một"))
    crud.review_directive(session, directive=d, who="lan", action="accept")
    session.commit()
    rest = changes_since(session, seq=last)
    assert [h.text for h in rest] == ["Ba", "Một"]
    assert rest[-1].review_status == "accepted"
    assert changes_since(session, seq=rest[-1].seq) == []


def test_numbers_follow_commit_order_across_transactions(db, bodies):
    """A writer that took a number holds the counter until it commits: a later writer waits, then follows."""
    factory = session_factory(db)
    with factory() as s:
        stored(s, task("Gốc", lead=["Bộ Y tế"]))
    first = factory()
    d = first.scalar(select(Directive))
    d.deadline_text = "trong tháng 6"
    first.flush()  # took its number, transaction open
    taken = d.seq
    done = threading.Event()

    def second_writer() -> None:
        with factory() as s2:
            stored(s2, task("Sau", lead=["Bộ Nội vụ"]))
        done.set()

    worker = threading.Thread(target=second_writer)
    worker.start()
    time.sleep(0.3)
    assert not done.is_set()  # waiting for the counter
    first.commit()
    first.close()
    worker.join(timeout=30)
    assert done.is_set()
    with factory() as s:
        seqs = _seqs(s)
    assert seqs["Gốc"] == taken and seqs["Sau"] == taken + 1
