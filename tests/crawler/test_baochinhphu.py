"""The ``baochinhphu`` spider on the Government news portal's example site: listings, pagination, articles."""

from __future__ import annotations

import pytest
from crawl_helpers import body, by_url

from crawler.items import decode_bytes
from pipeline.convert import to_text

LISTING = "/chi-dao-quyet-dinh-cua-chinh-phu-thu-tuong-chinh-phu"
FLOOD = "thu-tuong-yeu-cau-khan-truong-khac-phuc-hau-qua-mua-lu"
INVEST = "day-nhanh-giai-ngan-von-dau-tu-cong"


@pytest.fixture(scope="module")
def crawl(sites):
    """One full crawl of the site: its items and the paths it fetched."""
    before = len(sites.fetched("baochinhphu"))
    items, _ = sites.scrapy("baochinhphu", "-a", "source=baochinhphu")
    return items, sites.fetched("baochinhphu")[before:]


def test_every_article_of_every_listing_page_once(crawl):
    items, fetched = crawl
    assert len(items) == 6
    assert len({i["url"] for i in items}) == 6
    assert {i["source"] for i in items} == {"baochinhphu"}
    assert {i["kind"] for i in items} == {"article"}
    assert f"{LISTING}/trang-2.htm" in fetched  # pagination followed
    pages = [p for p in fetched if p.endswith(".htm") or "?" in p]
    assert len(pages) == len(set(pages)), "a page was fetched twice"


def test_article_fields(crawl):
    items, _ = crawl
    item = by_url(items, FLOOD)
    assert item["title"] == "Thủ tướng yêu cầu khẩn trương khắc phục hậu quả mưa lũ tại các tỉnh miền Trung"
    assert item["published"] == "2026-11-20T21:05:00+07:00"
    assert item["author"] == "Hải Minh"
    assert item["summary"].startswith("Thủ tướng Chính phủ vừa ký Công điện")
    assert item["tags"] == ["mưa lũ", "khắc phục hậu quả thiên tai", "Công điện"]
    assert item["canonical_url"] == item["url"]
    assert item["content_type"] == "text/html; charset=utf-8"
    assert item["encoding"] == "utf-8"
    assert item["attachments"] == []
    assert decode_bytes(item["html"]).startswith(b"<!DOCTYPE html>")
    region = body(item)
    assert "Bộ Xây dựng chủ trì, phối hợp với các địa phương" in region
    assert "Lực lượng chức năng hỗ trợ người dân" in region  # the photo caption stays
    for chrome in ("Tin liên quan", "Chia sẻ", "Ý kiến bạn đọc", "Tin cùng chuyên mục", "Gửi bình luận"):
        assert chrome not in region, chrome
    text = to_text(decode_bytes(item["body_html"]), content_type="text/html")
    assert "hoàn thành trước ngày 15/12/2026" in text
    assert "Chủ động ứng phó với đợt mưa lớn" not in text  # the inline related-news box is dropped


def test_canonical_url_drops_the_listing_tracking_parameters(sites, crawl):
    items, _ = crawl
    item = by_url(items, INVEST)
    assert "utm_source" in item["url"]
    assert item["canonical_url"] == sites.url("baochinhphu", f"/{item['canonical_url'].rsplit('/', 1)[1]}")
    assert "utm_" not in item["canonical_url"]


def test_robots_txt_is_obeyed_and_names_chidao(sites, crawl):
    _, fetched = crawl
    assert "/robots.txt" in fetched
    assert not [p for p in fetched if p.startswith("/preview/")], "a page robots.txt disallows was fetched"
    agents = {h.user_agent for h in sites.server.log if h.site == "baochinhphu"}
    assert agents and all(a.startswith("chidao/") and "+http" in a for a in agents)


def test_since_stops_at_older_listing_entries(sites):
    items, done = sites.scrapy("baochinhphu", "-a", "source=baochinhphu", "-a", "since=2026-10-01", name="since")
    assert sorted(i["published"][:10] for i in items) == ["2026-10-28", "2026-11-05", "2026-11-14", "2026-11-20"]
    assert "'chidao/listing/older_than_since': 3" in done.stderr  # page 2's two entries and the other listing's one


def test_max_pages_limits_pagination(sites):
    before = len(sites.fetched("baochinhphu"))
    items, _ = sites.scrapy("baochinhphu", "-a", "source=baochinhphu", "-a", "max_pages=1", name="max")
    fetched = sites.fetched("baochinhphu")[before:]
    assert f"{LISTING}/trang-2.htm" not in fetched
    assert len(items) == 5  # four from the first page of one listing, one from the other listing
