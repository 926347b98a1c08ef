"""``chidao demo`` end to end: example sites served from package data, crawled, processed, summarised, searchable.

It runs from an empty working directory, so it reads nothing beside the package (no ``../shared``, no
``examples/``): what a fresh install has.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from store import crud
from store.db import session_factory
from store.search import TaskQuery, count_tasks


@pytest.fixture(scope="module")
def demo(tmp_path_factory, cli_argv, cli_env):
    where = tmp_path_factory.mktemp("demo")
    env = {k: v for k, v in cli_env.items() if k not in ("CHIDAO_DB", "CHIDAO_SOURCES")}
    done = subprocess.run([*cli_argv, "demo", "--db", "demo.db"], cwd=where, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return where, env, done


def test_summary_shows_sources_bodies_and_deadlines(demo):
    _, _, done = demo
    out = done.stdout
    for source in ("baochinhphu", "vanban", "baoquangtri", "yenbai", "plo", "tcnn", "trelang"):
        assert source in out, source
    assert "documents per source" in out and "tasks per body" in out and "deadlines" in out
    assert "Bộ Nội vụ" in out
    assert "crawl" in done.stderr and "process" in done.stderr  # the progress lines


def test_seed_sources_have_tasks(demo):
    where, _, _ = demo
    with session_factory(str(where / "demo.db"))() as session:
        counts = crud.status_counts(session)
        assert counts["failed"] == 0 and counts["pending"] == 0 and counts["tasks"] > 0
        for source in ("baoquangtri", "yenbai", "plo", "tcnn", "trelang"):  # the seed articles' sources
            assert count_tasks(session, query=TaskQuery(source=source)) > 0, source


def test_search_by_body_finds_the_seed_task(demo, cli_argv):
    where, env, _ = demo
    found = subprocess.run([*cli_argv, "search", "--body", "Bộ Nội vụ", "--json", "--limit", "50", "--db", "demo.db"],
                           cwd=where, env=env, capture_output=True, text=True, check=True)
    tasks = json.loads(found.stdout)
    seed = [t for t in tasks if "Bộ Nội vụ tiếp tục nghiên cứu, đề xuất" in t["text"]]
    assert seed, [t["text"] for t in tasks]
    assert seed[0]["document"]["source"] == "trelang"
    assert "Bộ Nội vụ" in seed[0]["responsible"]
