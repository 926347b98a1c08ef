"""Store fixtures: every test taking ``db`` runs on SQLite and on the real PostgreSQL.

PostgreSQL is the server on 127.0.0.1:5432, database ``test`` (``CHIDAO_TEST_PG`` overrides the URL). The run
gets a schema of its own, upgraded once and dropped at the end; each test starts from empty tables. Where no
server answers the PostgreSQL cases are skipped with the reason, except in CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date

import pytest
from servicekit import PG_SERVER, pg_admin_engine
from sqlalchemy import text
from sqlalchemy.orm import Session

from nlp.records import Body as BodyRecord
from store.bodies import sync_bodies
from store.db import get_engine, session_factory, upgrade

TABLES = ("review_events", "directive_topics", "directive_bodies", "references", "figures", "directives",
          "documents", "body_successions", "bodies", "sources", "store_meta")


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory) -> Iterator[str]:
    """One migrated SQLite file for the run (one engine, so statements compile once); emptied per test."""
    path = str(tmp_path_factory.mktemp("store") / "store.db")
    upgrade(path)
    yield path
    get_engine(path).dispose()


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    admin = pg_admin_engine()
    schema = f"chidao_test_{uuid.uuid4().hex[:10]}"
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    try:
        upgrade(url)
        yield url
    finally:
        get_engine(url).dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request) -> str:
    """The URL of an empty, migrated store."""
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    with get_engine(url).begin() as conn:
        for table in TABLES:  # children first; DELETE is quicker than TRUNCATE on tables this small
            conn.execute(text(f'DELETE FROM "{table}"'))
        conn.execute(text("UPDATE counters SET value = 0"))
    return url


@pytest.fixture
def session(db) -> Iterator[Session]:
    with session_factory(db)() as s:
        yield s


# A small gazetteer: enough for the 2025 reorganisation (a merger and a split).
BODIES = [
    BodyRecord("Bộ Tài chính", "ministry", ["BTC", "Bộ TC"]),
    BodyRecord("Bộ Kế hoạch và Đầu tư", "ministry", ["Bộ KH&ĐT", "Bộ KHĐT"], valid_to=date(2025, 2, 28),
               successors=["Bộ Tài chính"]),
    BodyRecord("Bộ Nội vụ", "ministry", ["BNV", "Bộ NV"]),
    BodyRecord("Bộ Y tế", "ministry", ["BYT"]),
    BodyRecord("Bộ Lao động - Thương binh và Xã hội", "ministry", ["Bộ LĐ-TB&XH"], valid_to=date(2025, 2, 28),
               successors=["Bộ Nội vụ", "Bộ Y tế"]),
    BodyRecord("Ủy ban nhân dân tỉnh Quảng Trị", "people_committee", ["UBND tỉnh Quảng Trị"]),
]


@pytest.fixture
def bodies(session) -> list[BodyRecord]:
    sync_bodies(session, bodies=BODIES)
    session.commit()
    return BODIES
