"""The generic ``article`` spider on provincial portals, newspapers and a blog: feeds, sitemaps, start pages."""

from __future__ import annotations

import pytest
from crawl_helpers import body, by_url

from crawler.items import decode_bytes
from pipeline.convert import fix_legacy, to_text

SITES = ("baoquangtri", "yenbai", "plo", "tcnn", "trelang")


@pytest.fixture(scope="module")
def crawl(sites):
    before = {s: len(sites.fetched(s)) for s in SITES}
    items, done = sites.scrapy("article", "-a", f"source={','.join(SITES)}")
    return items, {s: sites.fetched(s)[before[s]:] for s in SITES}, done.stderr


def page_text(item):
    """What the item pipelines would read: the article region if found, else the page."""
    return to_text(decode_bytes(item.get("body_html") or item["html"]), content_type=item["content_type"])


def test_articles_found_through_feeds_sitemaps_and_start_pages(crawl):
    items, fetched, _ = crawl
    per_source = {s: sum(1 for i in items if i["source"] == s) for s in SITES}
    assert per_source == {"baoquangtri": 2, "yenbai": 2, "plo": 2, "tcnn": 1, "trelang": 2}
    assert "/rss/home.rss" in fetched["baoquangtri"]
    assert {"/sitemap.xml", "/sitemaps/news-2026-11.xml", "/sitemaps/news-2020-12.xml"} <= set(fetched["plo"])
    assert "/feeds/posts/default" in fetched["trelang"]
    assert "/noidung/tintuc/Pages/trang-chu.aspx?Page=2" in fetched["yenbai"]  # a follow_pattern listing


def test_only_article_urls_are_fetched(crawl):
    _, fetched, _ = crawl
    assert "/video/video-cau-vuot-post600001" not in fetched["plo"]  # in the sitemap, not an article
    assert "/chinh-tri/" not in fetched["plo"]
    assert "/dichvucong" not in fetched["yenbai"]  # linked, disallowed by robots.txt and not an article


def test_blog_post_fields_without_reader_comments(crawl):
    items, _, _ = crawl
    item = by_url(items, "ket-luan-cua-thu-tuong-phai-cham-dut")
    assert item["title"] == "Kết luận của Thủ tướng: Phải chấm dứt tình trạng cán bộ không dám làm"
    assert item["published"] == "2023-04-20T08:12:00+07:00"
    assert item["author"] == "Khoai@"
    assert item["tags"] == ["CCHC"]
    text = page_text(item)
    assert "Thủ tướng yêu cầu Bộ Nội vụ tiếp tục nghiên cứu, đề xuất" in text
    assert "7 nhận xét" not in text and "Trả lời" not in text
    assert "Chú trọng công tác tuyên truyền để thay đổi tư duy" not in text  # the first reader comment
    assert "Lưu trữ Blog" not in text


def test_newspaper_article_without_related_blocks(crawl):
    items, _, _ = crawl
    item = by_url(items, "post608893")
    assert item["title"] == "Thủ tướng: VPCP phải tham mưu kịp thời, tránh lợi ích nhóm"
    assert item["published"] == "2020-12-25T20:11:00+07:00"
    text = page_text(item)
    assert "Tầm nhìn của cán bộ VPCP phải cao" in text
    assert "Cải cách hành chính đi vào thực chất" in text  # the in-article box stays
    for chrome in ("Đừng bỏ lỡ", "Video đang xem nhiều", "Đọc thêm"):
        assert chrome not in text, chrome


def test_rss_article_with_query_string_url(crawl):
    items, _, _ = crawl
    item = by_url(items, "itemid=156112")
    assert item["title"] == "Tổ công tác phải hoạt động thực chất, không được mang tính đối phó"
    assert item["published"] == "2021-03-16T11:32:00+07:00"
    assert item["author"] == "Lệ Như"
    assert "Chọn một số việc trọng điểm để tập trung thực hiện" in body(item)
    assert "Ý kiến bạn đọc" not in body(item)


def test_page_that_repeats_its_body_is_read_once(crawl):
    items, _, _ = crawl
    item = by_url(items, "ItemID=30112")
    assert item["body_html"] is None  # no region selector: the whole page goes to conversion
    assert item["published"] == "2021-03-16T11:45:00+07:00"
    text = page_text(item)
    assert text.count("Học tập sáng kiến của Thủ tướng và kinh nghiệm hoạt động của Tổ công tác") == 1


def test_tcvn3_page_is_converted(crawl):
    items, _, _ = crawl
    item = by_url(items, "ItemID=1205")
    assert item["encoding"] == "cp1252"  # as declared (iso-8859-1): the letters are TCVN3 font codes
    assert item["title"] == "Tæng kÕt c«ng t¸c phßng chèng lôt b·o n¨m 2005"
    assert fix_legacy(item["title"]) == "Tổng kết công tác phòng chống lụt bão năm 2005"
    assert item["published"] == "2005-12-29"
    text = page_text(item)
    assert "Sở Nông nghiệp và Phát triển nông thôn chủ trì, phối hợp với các ngành" in text


def test_since_skips_old_feed_entries_sitemaps_and_pages(sites):
    before = {s: len(sites.fetched(s)) for s in SITES}
    items, done = sites.scrapy("article", "-a", f"source={','.join(SITES)}", "-a", "since=2026-01-01", name="since")
    fetched = {s: sites.fetched(s)[before[s]:] for s in SITES}
    assert sorted(i["source"] for i in items) == ["baoquangtri", "plo"]
    assert "/sitemaps/news-2020-12.xml" not in fetched["plo"]  # the index says nothing in it is newer
    assert not [p for p in fetched["trelang"] if p.endswith(".html")]  # both feed entries are older
    assert "'chidao/item/older_than_since': 3" in done.stderr  # undated links: fetched, then dropped
