"""``chidao crawl``: the item pipelines above the crawler, storing into a real store, and incremental re-crawls."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.demo.server import Page
from store.db import session_factory, upgrade
from store.models import Document, DocumentStatus, Source

ALL = ("baochinhphu", "vanban", "baoquangtri", "yenbai", "plo", "tcnn", "trelang", "vanban-broken")
ITEM_PAGES = ("/?pageid=", "-1022", "itemid=", "ItemID=", "-post", "/2023/", "/news/detail/", "/?docid=")


def is_item_page(path: str) -> bool:
    return any(marker in path for marker in ITEM_PAGES)


@pytest.fixture(scope="module")
def store(sites, tmp_path_factory):
    db = tmp_path_factory.mktemp("store") / "crawl.db"
    upgrade(str(db))
    before = {s: len(sites.fetched(s)) for s in ALL}
    done = sites.chidao("crawl", db=db)
    fetched = {s: sites.fetched(s)[before[s]:] for s in ALL}
    return db, done, fetched


def documents(db) -> dict[str, Document]:
    with session_factory(str(db))() as session:
        return {d.url: d for d in session.scalars(select(Document)).unique()}


def one(docs: dict[str, Document], fragment: str) -> Document:
    [doc] = [d for url, d in docs.items() if fragment in url]
    return doc


def test_every_source_is_stored_once(store):
    db, done, _ = store
    docs = documents(db)
    assert len(docs) == 21  # 6 + 5 + 2 + 2 + 2 + 1 + 2 + 1
    with session_factory(str(db))() as session:
        sources = {s.name: s for s in session.scalars(select(Source))}
    assert set(sources) == set(ALL)
    assert sources["vanban"].kind == "document" and sources["plo"].kind == "article"
    assert all(d.status == DocumentStatus.PENDING and d.text for d in docs.values())
    assert "baochinhphu" in done.stderr  # the stats table


def test_official_document_fields_and_attachment_text(store):
    docs = documents(store[0])
    doc = one(docs, "docid=210346")
    assert (doc.number, doc.doc_type, doc.issuer, doc.signer) == ("1450/QĐ-TTg", "Quyết định", "Thủ tướng Chính phủ",
                                                                  "Trần Minh Hải")
    assert doc.published.isoformat() == "2026-11-12"
    assert doc.meta["text_from"] == "1450-qd-ttg.pdf"
    assert "Bộ Nội vụ chủ trì, phối hợp với các bộ, cơ quan ngang bộ" in " ".join(doc.text.split())
    assert one(docs, "docid=210177").meta["text_from"] == "118-cd-ttg.docx"  # DOCX before PDF


def test_legacy_encodings_are_stored_as_unicode(store):
    docs = documents(store[0])
    tcvn3 = one(docs, "ItemID=1205")
    assert tcvn3.title == "Tổng kết công tác phòng chống lụt bão năm 2005"
    assert "ban chỉ huy phòng chống lụt bão tỉnh" in tcvn3.text.lower()
    old = one(docs, "docid=15402")
    assert "Văn phòng Chính phủ tổng hợp tình hình xử lý kiến nghị của doanh nghiệp" in old.text


def test_article_metadata_and_clean_text(store):
    docs = documents(store[0])
    blog = one(docs, "ket-luan-cua-thu-tuong")
    assert blog.meta["author"] == "Khoai@" and blog.meta["kind"] == "article"
    assert "Bộ Nội vụ tiếp tục nghiên cứu" in blog.text
    assert "Chú trọng công tác tuyên truyền để thay đổi tư duy" not in blog.text
    invest = one(docs, "day-nhanh-giai-ngan")
    assert "utm_" not in invest.url and "utm_source" in invest.meta["fetched_url"]


def test_a_document_whose_attachments_fail_falls_back_to_its_page(store):
    [doc] = [d for url, d in documents(store[0]).items() if url.endswith("/?docid=1")]
    assert doc.meta["text_from"] == "body"
    assert [a["error"] for a in doc.meta["attachments"]] == [None, "HTTP 404"]
    assert "Sở Nông nghiệp và Môi trường kiểm tra toàn bộ hệ thống đê điều" in doc.text


def test_recrawl_fetches_nothing_already_stored(sites, store):
    db, _, first = store
    assert sum(1 for pages in first.values() for p in pages if is_item_page(p)) >= 21
    before = {s: len(sites.fetched(s)) for s in ALL}
    sites.chidao("crawl", db=db)
    again = [p for s in ALL for p in sites.fetched(s)[before[s]:] if is_item_page(p)]
    assert again == ["/?docid=2"] * 4  # only the page that never answered is tried again
    assert len(documents(db)) == 21


def test_refetch_detects_changed_content_by_hash(sites, store):
    db, _, _ = store
    site = next(s for s in sites.server.sites if s.name == "tcnn")
    path = next(p for p in site.pages if p.startswith("/news/detail/62040/"))
    original = site.pages[path]
    changed = original.body.replace("Đồng thời, phát huy vai trò".encode(), "Đồng thời, phát huy hơn nữa vai trò".encode())
    assert changed != original.body
    site.pages[path] = Page(changed, dict(original.headers))
    try:
        sites.chidao("crawl", "tcnn", "plo", "--refetch", db=db)
    finally:
        site.pages[path] = original
    doc = one(documents(db), "/news/detail/62040/")
    assert "phát huy hơn nữa vai trò" in doc.text
    assert doc.status == DocumentStatus.PENDING
    assert len(documents(db)) == 21  # plo's pages were fetched again and found unchanged


def test_unknown_source_and_missing_store_are_clear_errors(sites, tmp_path):
    # Both fail before any crawl starts, so the command can run in this process.
    runner = CliRunner()
    done = runner.invoke(app, ["crawl", "khong-co", "--sources", str(sites.sources), "--db", str(tmp_path / "x.db")])
    assert done.exit_code == 2 and "unknown source(s): khong-co" in done.output
    done = runner.invoke(app, ["crawl", "tcnn", "--sources", str(sites.sources), "--db", str(tmp_path / "e.db")])
    assert done.exit_code == 1 and "chidao db upgrade" in done.output
