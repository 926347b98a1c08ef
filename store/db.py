"""One engine and one session factory per process and database, and schema upgrades through Alembic.

The database is named by ``--db`` or ``CHIDAO_DB``: a SQLAlchemy URL (``postgresql+psycopg://…``) or a file
path for SQLite; by default ``chidao.db`` in the working directory.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

import store.changes  # noqa: F401  (registers the change numbering on every Session)

DEFAULT_DB = "chidao.db"
ENV_VAR = "CHIDAO_DB"


class StoreError(Exception):
    """The store cannot be used as asked (no schema yet, an old schema, a bad URL)."""


def database_url(db: str | None = None) -> str:
    """The SQLAlchemy URL for ``db`` (a URL or a SQLite file path), ``$CHIDAO_DB``, or ``./chidao.db``."""
    db = db or os.environ.get(ENV_VAR) or DEFAULT_DB
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 - DBAPI objects
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer; a killed writer leaves no damage
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Reads at a million tasks: a 64 MB page cache, the file mapped (no read() per page), sorts in memory.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA mmap_size=1073741824")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def _postgres_settings(dbapi_connection, _record) -> None:  # noqa: ANN001 - DBAPI objects
    # Starting parallel workers costs ~10-20 ms here, more than a search page takes: only plans far above a page's
    # cost (counts and exports over the whole table) may use them.
    cursor = dbapi_connection.cursor()
    cursor.execute("SET parallel_setup_cost = 20000")
    cursor.close()
    dbapi_connection.commit()


@cache
def _engine(url: str, pid: int) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
        if engine.dialect.name == "postgresql":
            event.listen(engine, "connect", _postgres_settings)
    return engine


def get_engine(url: str | None = None) -> Engine:
    """The engine of this process for ``url`` (a forked child gets its own)."""
    return _engine(database_url(url), os.getpid())


@cache
def _factory(url: str, pid: int) -> sessionmaker[Session]:
    return sessionmaker(bind=_engine(url, pid), expire_on_commit=False)


def session_factory(url: str | None = None) -> sessionmaker[Session]:
    return _factory(database_url(url), os.getpid())


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on error."""
    with session_factory(url)() as session, session.begin():
        yield session


def alembic_config(url: str | None = None):  # noqa: ANN201 - alembic is imported lazily
    from alembic.config import Config

    ini = resources.files("store").joinpath("migrations", "alembic.ini")
    config = Config(str(ini))
    config.set_main_option("script_location", str(resources.files("store").joinpath("migrations")))
    config.attributes["url"] = database_url(url)
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Create the schema or bring it up to ``revision``; then sync the bodies from the gazetteer."""
    from alembic import command

    config = alembic_config(url)
    with get_engine(url).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def current_revision(url: str | None = None) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with get_engine(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def check_schema(url: str | None = None) -> None:
    """Raise ``StoreError`` unless the database has the current schema (``chidao db upgrade`` makes it)."""
    where = database_url(url)
    try:
        current = current_revision(url)
    except Exception as exc:
        raise StoreError(f"cannot open the database {where} ({type(exc).__name__}: {exc})") from None
    if current is None:
        tables = inspect(get_engine(url)).get_table_names()
        what = "has no chidao schema" if not tables else "was not made by chidao"
        raise StoreError(f"the database {where} {what}: run `chidao db upgrade` first")
    if current != head_revision():
        raise StoreError(f"the database {where} has an older schema ({current}): run `chidao db upgrade`")
