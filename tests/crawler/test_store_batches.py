"""The crawl's store in batches: ``ingest_items`` stores a batch exactly as ``ingest_item`` stores its items one by
one, and ``SkipStoredMiddleware`` skips a URL waiting in a batch as it skips a stored one."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from sqlalchemy import select

from pipeline.crawl import _UNSTORED, SkipStoredMiddleware
from pipeline.ingest import ingest_item, ingest_items
from store.db import session_factory, upgrade
from store.models import Document

A = "Bộ Tài chính chủ trì, phối hợp với các bộ, ngành liên quan xây dựng dự thảo Nghị định, hoàn thành trước 30/6."
B = "Bộ Xây dựng hướng dẫn các địa phương rà soát quy hoạch, báo cáo Thủ tướng Chính phủ trước ngày 15/7."
C = "Ủy ban nhân dân các tỉnh kiểm tra hệ thống đê điều trước mùa mưa bão."


def _items(n: int) -> list[dict]:
    """New pages, a page stored before with the same and with new text, in-batch twins, failures, sources."""
    return [
        dict(url="https://a.vn/1", title="Một", published=date(2026, 1, 2), source="a", text=A, meta={"kind": "x"}),
        dict(url="https://a.vn/1?utm_source=z", title="Một", published=None, source="a", text=A),  # same URL
        dict(url="https://b.vn/copy", title=None, published=None, source="b", text=A),  # A's text elsewhere
        dict(url="https://a.vn/old", title="Cũ", published=None, source="a", text=f"{B} {n}"),  # updated text
        dict(url="https://a.vn/same", title=None, published=None, source="a", text=C),  # unchanged
        dict(url="https://a.vn/scan.pdf", title=None, published=None, source="a", content=b"%PDF-1.4 broken",
             filename="scan.pdf", content_type="application/pdf"),  # failed
        dict(url="https://a.vn/2", title="Hai", published=None, source="c", text=f"{B} {n}",
             meta={"number": "12/QĐ-TTg", "signer": "Trần Văn A"}),  # twin of an update made in the batch
        dict(url="https://a.vn/3", title=None, published=None, source="c", text=f"{B} khác {n}"),
    ]


def _state(db: str) -> list[tuple]:
    with session_factory(db)() as session:
        return [(d.id, d.url, d.title, d.published, d.text, d.content_hash, d.status, d.error, d.meta, d.number,
                 d.source_id) for d in session.scalars(select(Document).order_by(Document.id))]


@pytest.fixture
def two_stores(tmp_path):
    dbs = []
    for name in ("one", "batch"):
        db = str(tmp_path / f"{name}.db")
        upgrade(db)
        with session_factory(db)() as session, session.begin():
            for url, text in (("https://a.vn/old", B), ("https://a.vn/same", C)):
                ingest_item(session, url=url, title=None, published=None, source="a", text=text)
        dbs.append(db)
    return dbs


def test_a_batch_is_stored_as_its_items_one_by_one(two_stores):
    one, batch = two_stores
    singles, batched = [], []
    for n in (1, 2):  # the second round finds the first round's documents
        with session_factory(one)() as session, session.begin():
            singles += [ingest_item(session, **args) for args in _items(n)]
        with session_factory(batch)() as session, session.begin():
            batched += ingest_items(session, _items(n))
    assert [(r.status, r.document_id, r.label, r.reason) for r in batched] == [
        (r.status, r.document_id, r.label, r.reason) for r in singles]
    assert {r.status for r in singles} == {"created", "updated", "unchanged", "failed"}
    strip = [row[:6] + row[7:] for row in _state(one)]  # fetched_at differs: not compared
    assert [row[:6] + row[7:] for row in _state(batch)] == strip


class _Crawler:
    stats = SimpleNamespace(inc_value=lambda *a, **k: None)


def test_skip_stored_knows_urls_waiting_in_a_batch(tmp_path):
    db = str(tmp_path / "s.db")
    upgrade(db)
    with session_factory(db)() as session, session.begin():
        ingest_item(session, url="https://a.vn/stored", title=None, published=None, source="a", text=A)
    crawler = _Crawler()
    middleware = SkipStoredMiddleware(crawler, db)
    _UNSTORED[crawler] = {"https://a.vn/waiting"}
    for url in ("https://a.vn/stored", "https://a.vn/waiting?utm_source=x"):
        with pytest.raises(IgnoreRequest):
            middleware.process_request(Request(url, meta={"chidao_item": True}))
    assert middleware.process_request(Request("https://a.vn/new", meta={"chidao_item": True})) is None
    assert middleware.process_request(Request("https://a.vn/stored")) is None  # a listing: always fetched
