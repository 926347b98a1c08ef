"""The schema: Alembic makes it on both databases, it matches the models, and a store without it says so."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from store.db import StoreError, check_schema, current_revision, database_url, get_engine, head_revision, upgrade
from store.models import Base


def _all_models() -> None:
    """Import every module of ``store.models`` (a stage may add its own), so the metadata is complete."""
    import store.models

    for info in pkgutil.iter_modules(store.models.__path__):
        importlib.import_module(f"store.models.{info.name}")


def test_upgrade_reaches_head_and_matches_the_models(db):
    _all_models()
    assert current_revision(db) == head_revision()
    with get_engine(db).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    # The full-text index is created by hand (FTS5 table / PostgreSQL's generated vector and its index): not in the
    # models.
    diff = [d for d in diff if not any(k in str(d) for k in ("fts", "ix_directives_search", "search_vector"))]
    assert diff == []


def test_upgrade_is_repeatable(db):
    upgrade(db)
    assert current_revision(db) == head_revision()
    check_schema(db)


def test_full_text_index_exists(db):
    engine = get_engine(db)
    if engine.dialect.name == "sqlite":
        assert "directives_fts" in inspect(engine).get_table_names()
    else:
        assert "ix_directives_search" in {ix["name"] for ix in inspect(engine).get_indexes("directives")}


def test_a_database_without_the_schema_is_refused(tmp_path):
    with pytest.raises(StoreError, match="chidao db upgrade"):
        check_schema(str(tmp_path / "empty.db"))


def test_database_url_forms(tmp_path, monkeypatch):
    monkeypatch.delenv("CHIDAO_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    assert database_url() == f"sqlite:///{tmp_path / 'chidao.db'}"
    assert database_url("x.db") == f"sqlite:///{tmp_path / 'x.db'}"
    assert database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("CHIDAO_DB", "other.db")
    assert database_url() == f"sqlite:///{tmp_path / 'other.db'}"
