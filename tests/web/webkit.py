"""Test data for the web app: a few small texts of our own, ingested and processed by the pipeline."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient

from pipeline.ingest import ingest_item
from pipeline.process import process_documents
from pipeline.web.auth import add_token, add_user
from store.db import session_factory, upgrade

FIXTURES = Path(__file__).parent / "fixtures"
PASSWORD = "mat-khau-du-dai"

# (file, url, title, published, source)
DOCUMENTS = [
    ("ket-luan-hop-chinh-phu.txt", "https://chinhphu.example.vn/thong-bao/ket-luan-cchc-2025",
     "Kết luận của Thủ tướng về cải cách thủ tục hành chính và đầu tư công", date(2025, 5, 12), "baochinhphu"),
    ("cong-dien-mua-lu.txt", "https://chinhphu.example.vn/cong-dien/mua-lu-mien-trung",
     "Công điện về chủ động ứng phó mưa lũ miền Trung", date(2025, 10, 15), "baochinhphu"),
    ("ke-hoach-2024.txt", "https://baodientu.example.vn/ket-luan-dau-tu-cong-trung-han",
     "Kết luận về kế hoạch đầu tư công trung hạn", date(2024, 10, 1), "baodientu"),
    ("injection.txt", "https://tin.example.org/bai?id=<script>window.__pwned='url'</script>",
     "<script>window.__pwned='title'</script>Thị trường <img src=x onerror=\"window.__pwned='title-img'\">",
     date(2025, 9, 1), "<b>nguon-la</b>"),
]


def build_store(db: str, extractor) -> None:  # noqa: ANN001 - nlp.extract.Extractor
    """Migrate ``db``, ingest the fixture texts, extract them, and add a reviewer and a token."""
    upgrade(db)
    factory = session_factory(db)
    with factory() as session, session.begin():
        for name, url, title, published, source in DOCUMENTS:
            result = ingest_item(session, url=url, title=title, published=published, source=source,
                                 text=(FIXTURES / name).read_text(encoding="utf-8"))
            assert result.ok, result.reason
    report = process_documents(db, extractor=extractor)
    assert not report.failed, report.failed
    with factory() as session, session.begin():
        add_user(session, name="reviewer", password=PASSWORD)
        add_user(session, name="other", password=PASSWORD)
        _row, token = add_token(session, name="tracker")
        from store.models import StoreMeta

        session.add(StoreMeta(key="test_token", value=token))


def token_of(db: str) -> str:
    from store.models import StoreMeta

    with session_factory(db)() as session:
        return session.get(StoreMeta, "test_token").value


def make_client(db: str, **settings) -> TestClient:
    from pipeline.web import create_app

    app = create_app(db, **{"secret_key": "test-secret", "webhooks": False, **settings})
    return TestClient(app)


_CSRF_RE = re.compile(r'name="csrf-token" content="([^"]+)"')


def csrf_of(client: TestClient, path: str = "/login") -> str:
    page = client.get(path)
    found = _CSRF_RE.search(page.text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def login(client: TestClient, name: str = "reviewer", password: str = PASSWORD) -> str:
    """Log ``client`` in; returns the session's CSRF token."""
    token = csrf_of(client)
    response = client.post("/login", data={"name": name, "password": password, "csrf_token": token,
                                           "next": "/review"}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return csrf_of(client, "/account")


