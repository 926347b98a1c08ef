"""Search: text without diacritics, body filters through the 2025 reorganisation, filters, pages, clusters."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from storekit import stored, task

from store import crud
from store.bodies import body_family, find_body
from store.models import Directive
from store.search import TaskQuery, count_tasks, iter_tasks, search_tasks


def _texts(session, **query) -> list[str]:
    return [h.text for h in search_tasks(session, query=TaskQuery(**query), limit=100).items]


@pytest.fixture
def tasks(session, bodies):
    stored(session, task("Bộ Kế hoạch và Đầu tư tổng hợp nhu cầu vốn đầu tư công", lead=["Bộ Kế hoạch và Đầu tư"],
                         deadline="2024-08-15", topics=["dau-tu-cong"]),
           published=date(2024, 7, 1), source="baochinhphu.vn")
    stored(session, task("Bộ Tài chính bố trí kinh phí chuyển đổi số", lead=["Bộ Tài chính"],
                         coordinate=["Bộ Nội vụ"], deadline="2025-06-30", topics=["chuyen-doi-so"]),
           published=date(2025, 4, 1), source="vanban.chinhphu.vn")
    stored(session, task("Bộ Nội vụ đẩy mạnh cải cách TTHC trong tháng 5", lead=["Bộ Nội vụ"], deadline="2024-05-31",
                         topics=["cai-cach-hanh-chinh"], issuer="Phạm Minh Chính"),
           published=date(2024, 5, 2), source="baochinhphu.vn")
    stored(session, task("Bộ LĐ-TB&XH hỗ trợ người lao động mất việc", lead=["Bộ Lao động - Thương binh và Xã hội"],
                         topics=["an-sinh-xa-hoi"]), published=date(2020, 10, 20))
    stored(session, task("Các địa phương rà soát đất đai", lead=["*địa-phương"], deadline="2023-12-31",
                         topics=["dat-dai"]), published=date(2023, 11, 1))
    return session


@pytest.mark.parametrize(("words", "expected"), [
    ("dau tu", "Bộ Kế hoạch và Đầu tư tổng hợp nhu cầu vốn đầu tư công"),
    ("Đầu Tư công", "Bộ Kế hoạch và Đầu tư tổng hợp nhu cầu vốn đầu tư công"),
    ("chuyen doi so", "Bộ Tài chính bố trí kinh phí chuyển đổi số"),
    ("cai cach thu tuc hanh chinh", "Bộ Nội vụ đẩy mạnh cải cách TTHC trong tháng 5"),  # TTHC spelled out
])
def test_free_text_without_diacritics(tasks, words, expected):
    assert _texts(tasks, text=words) == [expected]


def test_free_text_reads_body_names_and_needs_every_word(tasks):
    # "Bộ Nội vụ" coordinates the second task: its name is searchable even where the clause does not say it.
    assert set(_texts(tasks, text="bo noi vu")) == {"Bộ Nội vụ đẩy mạnh cải cách TTHC trong tháng 5",
                                                    "Bộ Tài chính bố trí kinh phí chuyển đổi số"}
    assert _texts(tasks, text="dau tu xyzzy") == []
    assert _texts(tasks, text='"; DROP TABLE directives; --') == []  # no query syntax from users


def test_body_follows_the_merger_and_marks_it(tasks):
    hits = search_tasks(tasks, query=TaskQuery(body="Bộ Tài chính"), limit=10).items
    assert [h.text for h in hits] == ["Bộ Tài chính bố trí kinh phí chuyển đổi số",
                                      "Bộ Kế hoạch và Đầu tư tổng hợp nhu cầu vốn đầu tư công"]
    assert hits[0].via == []
    (via,) = hits[1].via
    assert (via.body, via.relation) == ("Bộ Kế hoạch và Đầu tư", "predecessor")
    assert "before its merger into Bộ Tài chính" in via.note


def test_the_old_body_finds_its_successors_tasks_after_its_end(tasks):
    hits = search_tasks(tasks, query=TaskQuery(body="Bộ Kế hoạch và Đầu tư"), limit=10).items
    assert [h.text for h in hits] == ["Bộ Tài chính bố trí kinh phí chuyển đổi số",
                                      "Bộ Kế hoạch và Đầu tư tổng hợp nhu cầu vốn đầu tư công"]
    assert hits[0].via[0].relation == "successor"


def test_a_split_ministry_is_history_of_each_successor(tasks):
    assert _texts(tasks, body="Bộ Nội vụ") == ["Bộ LĐ-TB&XH hỗ trợ người lao động mất việc",
                                                "Bộ Nội vụ đẩy mạnh cải cách TTHC trong tháng 5"]
    assert _texts(tasks, body="Bộ Y tế") == ["Bộ LĐ-TB&XH hỗ trợ người lao động mất việc"]


def test_roles(tasks):
    assert _texts(tasks, body="Bộ Nội vụ", role="coordinate") == ["Bộ Tài chính bố trí kinh phí chuyển đổi số"]
    assert len(_texts(tasks, body="Bộ Nội vụ", role="any")) == 3


def test_aliases_and_names_without_marks_find_the_body(tasks):
    assert find_body(tasks, name="Bộ KH&ĐT").name == "Bộ Kế hoạch và Đầu tư"
    assert find_body(tasks, name="bo noi vu").name == "Bộ Nội vụ"
    assert find_body(tasks, name="BNV").name == "Bộ Nội vụ"
    assert find_body(tasks, name="Bộ Không Có") is None
    family = body_family(tasks, name="Bộ Tài chính")
    assert family.names == ["Bộ Tài chính", "Bộ Kế hoạch và Đầu tư"]


@pytest.mark.parametrize(("query", "expected"), [
    ({"topic": "dat-dai"}, ["Các địa phương rà soát đất đai"]),
    ({"issuer": "pham minh chinh"}, ["Bộ Nội vụ đẩy mạnh cải cách TTHC trong tháng 5"]),
    ({"deadline_before": date(2024, 5, 31)}, ["Các địa phương rà soát đất đai",
                                               "Bộ Nội vụ đẩy mạnh cải cách TTHC trong tháng 5"]),
    ({"deadline_after": date(2024, 8, 15)}, ["Bộ Tài chính bố trí kinh phí chuyển đổi số",
                                              "Bộ Kế hoạch và Đầu tư tổng hợp nhu cầu vốn đầu tư công"]),
    ({"overdue": True, "today": date(2024, 6, 1)}, ["Các địa phương rà soát đất đai",
                                                     "Bộ Nội vụ đẩy mạnh cải cách TTHC trong tháng 5"]),
    ({"source": "vanban.chinhphu.vn"}, ["Bộ Tài chính bố trí kinh phí chuyển đổi số"]),
    ({"since": date(2024, 7, 1)}, ["Bộ Tài chính bố trí kinh phí chuyển đổi số",
                                    "Bộ Kế hoạch và Đầu tư tổng hợp nhu cầu vốn đầu tư công"]),
    ({"status": ["accepted"]}, []),
    ({"text": "dau tu", "topic": "chuyen-doi-so"}, []),
])
def test_filters(tasks, query, expected):
    assert _texts(tasks, **query) == expected


def test_rejected_tasks_are_not_overdue_and_status_filters(tasks):
    d = tasks.scalar(select(Directive).where(Directive.text.contains("rà soát đất đai")))
    crud.review_directive(tasks, directive=d, who="lan", action="reject")
    tasks.commit()
    assert _texts(tasks, overdue=True, today=date(2024, 6, 1)) == ["Bộ Nội vụ đẩy mạnh cải cách TTHC trong tháng 5"]
    assert _texts(tasks, status=["rejected"]) == ["Các địa phương rà soát đất đai"]


def test_keyset_pages_cover_everything_once(tasks):
    seen, cursor = [], None
    while True:
        page = search_tasks(tasks, query=TaskQuery(), limit=2, cursor=cursor)
        seen += [h.id for h in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert len(seen) == len(set(seen)) == 5 == count_tasks(tasks, query=TaskQuery())
    assert seen == sorted(seen, reverse=True)
    assert [h.id for h in iter_tasks(tasks, query=TaskQuery(), batch=2)] == seen
    with pytest.raises(ValueError, match="bad cursor"):
        search_tasks(tasks, query=TaskQuery(), cursor="abc")


def test_inactive_and_clustered_copies_are_not_tasks(tasks):
    rows = tasks.scalars(select(Directive).order_by(Directive.id)).all()
    rows[1].cluster_id = rows[0].id  # a copy of the first task, reported by another source
    rows[2].active = False
    tasks.commit()
    hits = {h.id: h for h in search_tasks(tasks, query=TaskQuery(), limit=10).items}
    assert rows[1].id not in hits and rows[2].id not in hits
    assert [s.directive_id for s in hits[rows[0].id].sources] == [rows[0].id, rows[1].id]
    assert hits[rows[0].id].sources[1].source == "vanban.chinhphu.vn"


def test_hit_json_has_every_field(tasks):
    (hit,) = search_tasks(tasks, query=TaskQuery(topic="cai-cach-hanh-chinh")).items
    out = hit.to_json()
    assert out["responsible"] == ["Bộ Nội vụ"] and out["deadline"] == "2024-05-31"
    assert out["document"]["source"] == "baochinhphu.vn" and out["document"]["date"] == "2024-05-02"
    assert {"id", "seq", "text", "coordinate", "topics", "review_status", "sources", "via"} <= set(out)
