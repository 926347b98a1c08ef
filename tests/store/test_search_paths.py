"""Search reads a page from the filter's own index (bodies, topics, FTS5, SQLite's deadline range) in chunks, and
builds hits from plain rows: the pages must be exactly those of the plain query (newest first over every
condition) with the hits ``_hits`` makes from ORM objects, on both databases, whatever the chunk sizes."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update
from storekit import stored, task

from store import page_ids, search
from store.bodies import body_family
from store.models import Directive
from store.search import ROLES, TaskQuery, count_tasks, search_tasks

NAMES = ["Bộ Tài chính", "Bộ Kế hoạch và Đầu tư", "Bộ Nội vụ", "Bộ Y tế", "Bộ Lao động - Thương binh và Xã hội",
         "Ủy ban nhân dân tỉnh Quảng Trị"]
TOPICS = ["dau-tu-cong", "chuyen-doi-so", "cai-cach-hanh-chinh", "an-sinh-xa-hoi"]
WORDS = ["giải ngân vốn đầu tư công", "chuyển đổi số", "cải cách TTHC", "hỗ trợ người lao động", "rà soát đất đai"]


@pytest.fixture
def many(session, bodies):
    rng = random.Random(7)
    for n in range(30):
        day = date(2023, 1, 1) + timedelta(days=rng.randrange(900))
        tasks = []
        for i in range(4):
            lead = [rng.choice(NAMES)]
            coordinate = rng.sample([x for x in NAMES if x not in lead], rng.choice((0, 1, 2)))
            deadline = day + timedelta(days=rng.randrange(10, 300)) if rng.random() < 0.7 else None
            tasks.append(task(f"{lead[0]} chủ trì {rng.choice(WORDS)} số {n}-{i}", lead=lead, coordinate=coordinate,
                              deadline=deadline.isoformat() if deadline else None, start=i * 100,
                              topics=rng.sample(TOPICS, rng.choice((0, 1, 1, 2)))))
        stored(session, *tasks, published=day, source=rng.choice(["baochinhphu.vn", "vpcp"]))
    ids = session.scalars(select(Directive.id).order_by(Directive.id)).all()
    for i in ids[5::9]:  # cluster copies of older tasks
        session.execute(update(Directive).where(Directive.id == i).values(cluster_id=rng.choice(ids[:5])))
    for i in ids[3::11]:
        session.execute(update(Directive).where(Directive.id == i).values(active=False))
    for i in ids[2::7]:
        session.execute(update(Directive).where(Directive.id == i).values(review_status="rejected"))
    session.commit()
    return session


QUERIES = [
    TaskQuery(),
    TaskQuery(body="Bộ Tài chính"),
    TaskQuery(body="Bộ Kế hoạch và Đầu tư"),  # its successor's tasks after its end
    TaskQuery(body="Bộ Nội vụ", role="any"),
    TaskQuery(body="Bộ Y tế", role="coordinate"),
    TaskQuery(body="Bộ Lao động - Thương binh và Xã hội", role="any", topic="an-sinh-xa-hoi"),
    TaskQuery(topic="chuyen-doi-so"),
    TaskQuery(text="dau tu cong"),
    TaskQuery(text="thu tuc hanh chinh", since=date(2023, 6, 1)),
    TaskQuery(text="bo noi vu", body="Bộ Tài chính", role="any"),
    TaskQuery(deadline_after=date(2023, 6, 1), deadline_before=date(2023, 12, 31)),
    TaskQuery(overdue=True, today=date(2024, 1, 1)),
    TaskQuery(overdue=True, today=date(2026, 1, 1), text="so"),
    TaskQuery(body="Bộ Tài chính", topic="dau-tu-cong", deadline_after=date(2023, 3, 1), status=["pending"]),
    TaskQuery(source="vpcp", topic="cai-cach-hanh-chinh"),
]


def _reference(session, query: TaskQuery) -> list[dict]:
    """The plain query and the ORM-built hits: what search returned before it read indexes in chunks."""
    family = body_family(session, name=query.body) if query.body else None
    stmt = select(Directive).where(*search.conditions(session, query, family)).order_by(Directive.id.desc())
    rows = search.load_directives(session, stmt)
    return [h.to_json() for h in search.hits(session, rows, family, ROLES.get(query.role, ROLES["lead"]))]


def _paged(session, query: TaskQuery, limit: int) -> list[dict]:
    out, cursor = [], None
    while True:
        page = search_tasks(session, query=query, limit=limit, cursor=cursor)
        out += [h.to_json() for h in page.items]
        if page.next_cursor is None:
            return out
        cursor = page.next_cursor


@pytest.mark.parametrize("sizes", [(256, 8192, 10000, 4096, 30000), (1, 2, 5, 3, 0), (2, 8, 1000, 2, 10**9)])
def test_pages_are_those_of_the_plain_query(many, monkeypatch, sizes):
    for name, value in zip(("_FIRST_CHUNK", "_MAX_CHUNK", "_LISTED", "_PG_WINDOW", "_PG_WALK"), sizes,
                           strict=True):
        monkeypatch.setattr(page_ids, name, value)
    for query in QUERIES:
        expected = _reference(many, query)
        assert len(expected) == count_tasks(many, query=query)
        for limit in (3, 50):
            assert _paged(many, query, limit) == expected, (query, limit)
    assert any(len(_reference(many, q)) > 5 for q in QUERIES[1:])  # the data makes the paths page


def test_change_feed_hits_match_the_orm_hits(many):
    rows = search.load_directives(many, select(Directive).where(Directive.seq > 10).order_by(Directive.seq).limit(40))
    expected = [h.to_json() for h in search.hits(many, rows, None, ROLES["any"])]
    assert [h.to_json() for h in search.changes_since(many, seq=10, limit=40)] == expected


def test_free_text_follows_an_edit(many):
    """The full-text index follows ``search_text`` on update (PostgreSQL: the trigger of migration 0003)."""
    from store import crud

    d = many.scalar(select(Directive).where(Directive.active.is_(True), Directive.cluster_id.is_(None))
                    .order_by(Directive.id).limit(1))
    assert d.id not in [h.id for h in search_tasks(many, query=TaskQuery(text="ubnd tinh quang tri")).items]
    crud.review_directive(many, directive=d, who="lan", action="edit",
                          changes={"coordinate": ["Ủy ban nhân dân tỉnh Quảng Trị"]})
    many.commit()
    for words in ("ubnd tinh quang tri", "uy ban nhan dan tinh quang tri"):  # the name and its abbreviation
        assert d.id in [h.id for h in search_tasks(many, query=TaskQuery(text=words), limit=200).items]
