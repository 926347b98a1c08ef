"""Pipeline fixtures: one Extractor for the whole run (it takes seconds to load), fresh SQLite stores."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from store.db import get_engine, upgrade


@pytest.fixture(scope="session")
def extractor():
    from pipeline.process import build_extractor

    return build_extractor()


@pytest.fixture(scope="session")
def _template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(str(path))
    get_engine(str(path)).dispose()  # checkpoints the WAL: the file alone is the database
    return path


@pytest.fixture
def store_db(_template, tmp_path) -> str:
    """A fresh, migrated SQLite store (a file path, as ``--db`` takes it)."""
    path = tmp_path / "chidao.db"
    shutil.copy(_template, path)
    return str(path)
