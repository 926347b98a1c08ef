"""A generated news portal of any size, shaped like the ``baochinhphu`` example site, for crawl tests and benchmarks.

The pages are built in memory (no files): a category listing paginated ``per_page`` articles a page, newest first,
and the articles, each with the detail-page structure the ``baochinhphu`` family's selectors read.
"""

from __future__ import annotations

import html
from datetime import date, timedelta

from pipeline.demo.server import Site

LISTING = "/chi-dao-quyet-dinh-cua-chinh-phu-thu-tuong-chinh-phu"
_BODIES = ("Bộ Tài chính", "Bộ Xây dựng", "Bộ Nội vụ", "Bộ Công Thương", "Bộ Y tế", "Bộ Giáo dục và Đào tạo")


def article_path(n: int) -> str:
    return f"/bai-viet-so-{n}-1022{n:08d}.htm"


def listing_path(page: int) -> str:
    return f"{LISTING}.htm" if page == 1 else f"{LISTING}/trang-{page}.htm"


def _article(n: int, day: date) -> str:
    body = _BODIES[n % len(_BODIES)]
    title = f"Bài viết thử nghiệm số {n}: {body} triển khai nhiệm vụ được giao"
    paragraphs = "".join(
        f"<p>{html.escape(body)} chủ trì, phối hợp với các bộ, ngành liên quan thực hiện nhiệm vụ thứ {k} "
        f"của bài viết số {n}, hoàn thành trước ngày {day.day}/{day.month}/{day.year + 1}.</p>" for k in range(1, 4))
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<link rel="canonical" href="{article_path(n)}"></head><body><nav><a href="/">Trang chủ</a></nav>'
            f'<h1 class="detail-title">{html.escape(title)}</h1>'
            f'<div data-role="publishdate">{day:%d/%m/%Y} 08:00</div>'
            f'<div class="detail-sapo">Tóm tắt bài viết số {n}.</div>'
            f'<div class="detail-content" data-role="content">{paragraphs}</div>'
            f'<div class="detail-author">Phóng viên</div><div class="box-related"><a href="/">Tin khác</a></div>'
            f"</body></html>")


def synthetic_site(name: str = "synthetic", articles: int = 40, per_page: int = 10,
                   newest: date = date(2026, 11, 30)) -> Site:
    """``articles`` articles, one a day back from ``newest``, listed ``per_page`` a page."""
    site = Site(name, None)
    site.add("/robots.txt", b"User-agent: *\nDisallow: /admin/\n")
    pages = max(1, -(-articles // per_page))
    for page in range(1, pages + 1):
        numbers = range((page - 1) * per_page + 1, min(page * per_page, articles) + 1)
        entries = "".join(
            f'<div class="box-stream-item"><h2><a class="box-stream-link-title" href="{article_path(n)}">'
            f'Bài viết số {n}</a></h2><span class="box-stream-time">{newest - timedelta(days=n - 1):%d/%m/%Y}'
            f"</span></div>" for n in numbers)
        next_link = f'<a rel="next" href="{listing_path(page + 1)}">Trang sau</a>' if page < pages else ""
        site.add(listing_path(page), (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Trang {page}'
                                      f"</title></head><body>{entries}<div class=\"paging\">{next_link}</div>"
                                      f"</body></html>").encode())
    for n in range(1, articles + 1):
        site.add(article_path(n), _article(n, newest - timedelta(days=n - 1)).encode())
    return site


def synthetic_sources(url: str, name: str = "synthetic") -> dict:
    """A sources file (as a mapping) crawling the generated site at ``url`` with the ``baochinhphu`` spider."""
    return {"sources": [{"name": name, "spider": "baochinhphu", "title": "Generated portal",
                         "listings": [url.rstrip("/") + listing_path(1)]}]}
