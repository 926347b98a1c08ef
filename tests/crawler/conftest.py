"""Fixtures of the crawler tests: the example sites served on 127.0.0.1, once for the session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from crawl_helpers import FIXTURES, Sites

from pipeline.demo import SiteServer, load_sites, write_local_sources


@pytest.fixture(scope="session")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    tmp = tmp_path_factory.mktemp("sites")
    with SiteServer(load_sites() + load_sites(root=FIXTURES)) as server:
        yield Sites(server, write_local_sources(server.urls, tmp / "sources.yml", extra=[FIXTURES / "sources.yml"]), tmp)
