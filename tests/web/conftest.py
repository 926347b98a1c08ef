"""Web app fixtures: stores built from our fixture texts through the pipeline, on SQLite and PostgreSQL.

The SQLite store is built once and copied per test. On PostgreSQL (127.0.0.1:5432, database ``test``, or
``CHIDAO_TEST_PG``) the store is built once in a schema of its own, its tables copied aside, and put back before
each test (building takes seconds, putting back milliseconds). Where PostgreSQL does not answer its cases are
skipped with the reason, except in CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from servicekit import PG_SERVER, pg_admin_engine
from sqlalchemy import text
from webkit import build_store, make_client, token_of

from store.db import get_engine


@pytest.fixture(scope="session", autouse=True)
def cheap_passwords():
    """Argon2 with its cheapest parameters: the tests log in often, and strength is not what they test."""
    from argon2 import PasswordHasher, profiles

    from pipeline.web import auth

    saved = auth._hasher, auth._DUMMY_HASH
    auth._hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
    auth._DUMMY_HASH = auth._hasher.hash("not a password")
    yield
    auth._hasher, auth._DUMMY_HASH = saved


@pytest.fixture(scope="session")
def extractor():
    """The pipeline's extractor (as ``pipeline.process.build_extractor`` makes it) with the rules alone, so the
    fixture texts give the same tasks whether or not a trained directive model is installed."""
    import nlp.components.topics  # noqa: F401  (registers chidao_topics)
    from nlp.extract import Extractor

    extractor = Extractor(model=False)
    if "chidao_topics" not in extractor.nlp.pipe_names:
        extractor.nlp.add_pipe("chidao_topics", last=True)
    return extractor


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory, extractor) -> Path:
    path = tmp_path_factory.mktemp("web-template") / "template.db"
    build_store(str(path), extractor)
    get_engine(str(path)).dispose()  # checkpoints the WAL: the file alone is the database
    return path


@pytest.fixture(scope="session")
def pg_admin():
    admin = pg_admin_engine()
    yield admin
    admin.dispose()


@pytest.fixture
def sqlite_db(sqlite_template, tmp_path) -> Iterator[str]:
    path = tmp_path / "chidao.db"
    shutil.copy(sqlite_template, path)
    yield str(path)
    get_engine(str(path)).dispose()


def _tables() -> dict[str, bool]:
    """Every table of the store, parents first, and whether it numbers its rows with a serial ``id``."""
    import store.models.accounts  # noqa: F401  (the web app's tables are in the metadata too)
    import store.models.webhooks  # noqa: F401
    from store.models import Base

    return {t.name: "id" in t.c and t.c.id.autoincrement in (True, "auto") and len(t.primary_key.columns) == 1
            for t in Base.metadata.sorted_tables}


@pytest.fixture(scope="session")
def pg_template(pg_admin, extractor) -> Iterator[tuple[str, str, str]]:
    """(URL, schema, snapshot schema) of a built store on PostgreSQL."""
    schema = f"chidao_web_{uuid.uuid4().hex[:10]}"
    snapshot = schema + "_snap"
    with pg_admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
        conn.execute(text(f"CREATE SCHEMA {snapshot}"))
    url = f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    try:
        build_store(url, extractor)
        with pg_admin.begin() as conn:
            for table in _tables():
                if table in MUTABLE:
                    conn.execute(text(f'CREATE TABLE {snapshot}."{table}" AS TABLE {schema}."{table}"'))
        yield url, schema, snapshot
    finally:
        get_engine(url).dispose()
        with pg_admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"DROP SCHEMA IF EXISTS {snapshot} CASCADE"))


# What the web app and the tests change; the rest of the store (documents, bodies, …) stays as built.
MUTABLE = ("directives", "directive_bodies", "directive_topics", "review_events", "counters", "users", "api_tokens",
           "webhook_subscriptions", "webhook_deliveries")


@pytest.fixture
def pg_db(pg_template, pg_admin) -> str:
    """The built store as it was: the tables tests change emptied and filled again, their sequences reset."""
    url, schema, snapshot = pg_template
    get_engine(url).dispose()
    tables = {t: serial for t, serial in _tables().items() if t in MUTABLE}
    with pg_admin.begin() as conn:
        for table in reversed(tables):
            conn.execute(text(f'DELETE FROM {schema}."{table}"'))
        for table, serial in tables.items():
            conn.execute(text(f'INSERT INTO {schema}."{table}" SELECT * FROM {snapshot}."{table}"'))
            sequence = serial and conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"),
                                               {"t": f'{schema}."{table}"'}).scalar()
            if sequence:
                conn.execute(text(f'SELECT setval(:s, COALESCE((SELECT max(id) FROM {schema}."{table}"), 0) + 1, '
                                  "false)"), {"s": sequence})
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request) -> str:
    """A store holding the fixture documents, processed; users ``reviewer`` and ``other``; a token."""
    return request.getfixturevalue("sqlite_db" if request.param == "sqlite" else "pg_db")


@pytest.fixture
def client(db) -> Iterator[TestClient]:
    with make_client(db) as c:
        yield c


@pytest.fixture
def api_token(db) -> str:
    return token_of(db)
