"""The ``vanban`` spider on the legal-document portal's example site: metadata tables and attachments."""

from __future__ import annotations

import unicodedata

import pytest
from crawl_helpers import body, by_url

from crawler.items import decode_bytes
from pipeline.convert import to_text


@pytest.fixture(scope="module")
def crawl(sites):
    before = len(sites.fetched("vanban"))
    items, done = sites.scrapy("vanban", "-a", "source=vanban")
    return items, sites.fetched("vanban")[before:], done.stderr


def test_every_document_of_both_listing_pages(crawl):
    items, fetched, _ = crawl
    assert sorted(i["number"] for i in items) == ["118/CĐ-TTg", "1450/QĐ-TTg", "215/2004/QĐ-TTg", "32/CT-TTg",
                                                  "512/TB-VPCP"]
    assert {i["kind"] for i in items} == {"document"}
    assert "/he-thong-van-ban?page=2" in fetched
    assert "/tim-kiem" not in fetched


def test_metadata_table_fields(crawl):
    items, _, _ = crawl
    item = by_url(items, "docid=210346")
    assert item["title"] == "Quyết định số 1450/QĐ-TTg"
    assert item["number"] == "1450/QĐ-TTg"
    assert item["doc_type"] == "Quyết định"
    assert item["issuer"] == "Thủ tướng Chính phủ"
    assert item["published"] == "2026-11-12"
    assert item["effective"] == "2026-11-12"
    assert item["signer"] == "Trần Minh Hải"
    assert item["summary"] == ("Phê duyệt Kế hoạch thực hiện Chương trình tổng thể cải cách hành chính nhà nước "
                               "năm 2027")
    assert item["canonical_url"].endswith("/?pageid=27160&docid=210346")


def test_pdf_attachment_is_downloaded_and_readable(crawl):
    items, _, _ = crawl
    [pdf] = by_url(items, "docid=210346")["attachments"]
    assert pdf["filename"] == "1450-qd-ttg.pdf"
    assert pdf["content_type"] == "application/pdf"
    assert pdf["error"] is None
    content = decode_bytes(pdf["content"])
    assert content.startswith(b"%PDF-")
    text = to_text(content, filename=pdf["filename"])
    assert "Bộ Nội vụ chủ trì, phối hợp với các bộ, cơ quan ngang bộ" in " ".join(text.split())


def test_docx_and_both_formats(crawl):
    items, _, _ = crawl
    [docx] = by_url(items, "docid=210298")["attachments"]
    assert docx["filename"] == "32-ct-ttg.docx"
    assert "Bộ Công an chủ trì" in to_text(decode_bytes(docx["content"]), filename=docx["filename"])
    both = by_url(items, "docid=210177")["attachments"]
    assert [a["filename"] for a in both] == ["118-cd-ttg.pdf", "118-cd-ttg.docx"]
    assert all(decode_bytes(a["content"]) for a in both)


def test_document_without_attachment_keeps_its_page_text(crawl):
    items, _, _ = crawl
    item = by_url(items, "docid=210102")
    assert item["attachments"] == []
    assert "Bộ Nông nghiệp và Môi trường hoàn thiện dự thảo Nghị định" in body(item)
    assert "Văn bản liên quan" not in body(item)  # dropped region


def test_windows_1258_page(crawl):
    items, _, _ = crawl
    item = by_url(items, "docid=15402")
    assert item["encoding"] == "cp1258"
    assert "windows-1258" in item["content_type"]
    assert item["title"] == "Quyết định số 215/2004/QĐ-TTg"
    assert unicodedata.is_normalized("NFC", item["signer"]) and item["signer"] == "Nguyễn Văn Phúc"
    assert item["published"] == "2004-12-20"
    text = to_text(decode_bytes(item["body_html"]), content_type="text/html; charset=cp1258")
    assert "Văn phòng Chính phủ tổng hợp tình hình xử lý kiến nghị của doanh nghiệp" in text


def test_broken_attachments_and_a_failing_page_do_not_stop_the_crawl(sites):
    before = len(sites.fetched("vanban-broken"))
    items, done = sites.scrapy("vanban", "-a", "source=vanban-broken", name="broken")
    fetched = sites.fetched("vanban-broken")[before:]
    [item] = items
    assert item["number"] == "07/CT-UBND"
    assert item["doc_type"] == "Chỉ thị"  # "Hình thức văn bản"
    assert item["issuer"] == "Ủy ban nhân dân tỉnh Quảng Trị"  # "Nơi ban hành"
    assert item["published"] == "2026-02-03"
    assert item["summary"] == "Về tăng cường quản lý đê điều mùa mưa lũ năm 2026"
    bad, missing = item["attachments"]
    assert bad["filename"] == "07-ct-ubnd.pdf" and decode_bytes(bad["content"]).startswith(b"This is not")
    assert missing["filename"] == "mat-tep.docx" and missing["content"] is None and missing["error"] == "HTTP 404"
    assert fetched.count("/?docid=2") == 4  # the first try and three retries, then the crawl went on
    assert "/rieng-tu/ban-nhap.html" not in fetched
    assert "'retry/max_reached': 1" in done.stderr
    assert "'retry/backoff_seconds'" in done.stderr  # each retry waited first
