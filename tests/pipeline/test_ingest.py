"""Ingest: canonical URLs, one stored copy per document, files and JSONL of crawled items, bad input kept
with its reason."""

from __future__ import annotations

import base64
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from pipeline.convert import encode_legacy
from pipeline.ingest import canonical_url, ingest_item, ingest_paths, item_from_json, parse_published
from store.db import session_factory
from store.models import Document, DocumentStatus, Source

TEXT = "Thủ tướng yêu cầu Bộ Nội vụ hoàn thành dự thảo Nghị định trước ngày 30/6/2024."


@pytest.mark.parametrize(("url", "canonical"), [
    ("HTTPS://BaoChinhPhu.VN:443/a/b/?utm_source=fb&id=2&x=1#top", "https://baochinhphu.vn/a/b?id=2&x=1"),
    ("http://example.vn:80/", "http://example.vn/"),
    ("http://example.vn:8080/tin%20t%E1%BB%A9c", "http://example.vn:8080/tin%20t%E1%BB%A9c"),
    ("https://example.vn/tin tức?fbclid=abc", "https://example.vn/tin%20t%E1%BB%A9c"),
    ("https://example.vn/p?b=2&a=1", "https://example.vn/p?a=1&b=2"),
])
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical


def test_local_paths_become_file_urls(tmp_path):
    assert canonical_url(str(tmp_path / "a.txt")) == (tmp_path / "a.txt").as_uri()


@pytest.fixture
def session(store_db):
    with session_factory(store_db)() as s:
        yield s


def test_same_url_same_text_is_unchanged_and_new_text_is_an_update(session):
    first = ingest_item(session, url="https://a.vn/x?utm_medium=z", title="Tin", published=date(2024, 5, 2),
                        source="a.vn", text=TEXT)
    again = ingest_item(session, url="https://a.vn/x", title="Tin", published=date(2024, 5, 2), source="a.vn",
                        text=TEXT + "\n")
    assert (first.status, again.status, again.document_id) == ("created", "unchanged", first.document_id)
    doc = session.get(Document, first.document_id)
    doc.status = DocumentStatus.DONE
    changed = ingest_item(session, url="https://a.vn/x", title="Tin mới", published=None, source="a.vn",
                          text=TEXT + " Bộ Y tế phối hợp.")
    assert (changed.status, changed.document_id) == ("updated", first.document_id)
    assert (doc.status, doc.title, doc.published) == (DocumentStatus.PENDING, "Tin mới", date(2024, 5, 2))
    assert session.scalar(select(Source.name)) == "a.vn"


def test_same_text_under_another_url_is_stored_once(session):
    first = ingest_item(session, url="https://a.vn/1", title=None, published=None, source=None, text=TEXT)
    other = ingest_item(session, url="https://b.vn/2", title=None, published=None, source=None, text=TEXT)
    assert other.status == "unchanged" and other.document_id == first.document_id
    assert session.get(Document, first.document_id).meta["also_at"] == ["https://b.vn/2"]
    assert session.scalar(select(func.count()).select_from(Document)) == 1


def test_unreadable_content_is_stored_as_failed_with_its_reason(session):
    bad = ingest_item(session, url="https://a.vn/scan.pdf", title=None, published=None, source=None,
                      content=b"%PDF-1.4 broken", content_type="application/pdf")
    assert bad.status == "failed" and "PDF" in bad.reason
    doc = session.get(Document, bad.document_id)
    assert doc.status == DocumentStatus.FAILED and doc.error == bad.reason
    fixed = ingest_item(session, url="https://a.vn/scan.pdf", title=None, published=None, source=None, text=TEXT)
    assert fixed.status == "updated" and session.get(Document, bad.document_id).status == DocumentStatus.PENDING


def test_metadata_fills_columns_and_legacy_text_is_repaired(session):
    result = ingest_item(session, url="https://vanban.vn/62", title=encode_legacy("quyết định", "tcvn3").decode("latin-1"),
                         published=None, source="vanban", content=encode_legacy(TEXT.lower(), "vni"),
                         filename="qd.txt", meta={"number": "62/QĐ-TCTCCTTHC", "doc_type": "Quyết định",
                                                  "tags": ["cải cách"]})
    doc = session.get(Document, result.document_id)
    assert doc.text == TEXT.lower() and doc.title == "quyết định"
    assert (doc.number, doc.number_key, doc.doc_type) == ("62/QĐ-TCTCCTTHC", "62/QĐ-TCTCCTTHC", "Quyết định")
    assert doc.meta["tags"] == ["cải cách"] and doc.meta["filename"] == "qd.txt"


def test_crawled_items_from_jsonl(session, tmp_path):
    html = (f"<html><body><nav>Trang chủ</nav><article><p>{TEXT}</p><p>Bộ Tài chính bố trí kinh phí thực hiện "
            "các nhiệm vụ cải cách hành chính năm 2024, báo cáo Thủ tướng.</p></article></body></html>").encode()
    lines = [
        {"url": "https://a.vn/1?utm_source=x", "canonical_url": "https://a.vn/1", "source": "a.vn", "kind": "article",
         "title": "Tin 1", "published": "2024-05-02T08:30:00+07:00", "html": base64.b64encode(html).decode(),
         "content_type": "text/html; charset=utf-8"},
        {"url": "https://a.vn/2", "source": "a.vn", "title": "Tin 2", "published": "2024-05-03",
         "text": "Bộ Y tế khẩn trương rà soát danh mục thuốc, báo cáo trong tháng 6."},
        "not json",
        {"title": "no text"},
    ]
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    report = ingest_paths(session, [path])
    assert [r.status for r in report.results] == ["created", "created", "failed", "failed"]
    assert report.results[2].label.endswith("items.jsonl line 3") and "bad item" in report.results[2].reason
    docs = session.scalars(select(Document).order_by(Document.id)).all()
    assert docs[0].url == "https://a.vn/1" and docs[0].published == date(2024, 5, 2)
    assert TEXT in docs[0].text and "Trang chủ" not in docs[0].text
    assert docs[0].meta["fetched_url"] == "https://a.vn/1?utm_source=x"
    assert ingest_paths(session, [path]).count("unchanged") == 2  # a rerun stores nothing twice


def test_document_items_take_their_attachment():
    item = item_from_json({"url": "https://vb.vn/1", "kind": "document", "html": base64.b64encode(b"<html/>").decode(),
                           "attachments": [{"filename": "qd.pdf", "content_type": "application/pdf",
                                            "content": base64.b64encode(b"%PDF-1.4").decode()}]})
    assert (item["content"], item["filename"], item["content_type"]) == (b"%PDF-1.4", "qd.pdf", "application/pdf")


def test_files_and_folders(session, tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "docs" / "b.html").write_text(f"<html><body><article><p>{TEXT} Bộ Y tế phối hợp thực hiện "
                                              "các nhiệm vụ được giao.</p></article></body></html>", encoding="utf-8")
    (tmp_path / "docs" / "empty.txt").write_bytes(b"")
    (tmp_path / "docs" / "ignored.png").write_bytes(b"\x89PNG")
    report = ingest_paths(session, [tmp_path / "docs", tmp_path / "missing.txt"], source="files",
                          published=date(2024, 1, 2))
    statuses = {r.label.rsplit("/", 1)[-1]: (r.status, r.reason) for r in report.results}
    assert statuses["a.txt"] == ("created", None) and statuses["b.html"][0] == "created"
    assert statuses["empty.txt"] == ("failed", "empty content")
    assert statuses["missing.txt"][0] == "failed"
    assert "ignored.png" not in statuses
    doc = session.scalar(select(Document).where(Document.url.endswith("a.txt")))
    assert doc.published == date(2024, 1, 2) and doc.source.name == "files"


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-05-02", date(2024, 5, 2)), ("2024-05-02T23:30:00Z", date(2024, 5, 2)), ("", None), ("hôm qua", None),
])
def test_parse_published(value, expected):
    assert parse_published(value) == expected
