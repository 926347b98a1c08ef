"""A ``chidao process`` run killed with SIGKILL part-way, then run again: every document ends processed exactly
once, with no directive stored twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import date

from sqlalchemy import func, select
from texts import small_document

from pipeline.ingest import ingest_item
from pipeline.process import process_documents
from store.db import get_engine, session_factory
from store.models import Directive, Document, DocumentStatus

DOCUMENTS = 30


def _state(db: str) -> tuple[dict[int, str], Counter, dict[int, object]]:
    with session_factory(db)() as s:
        status = dict(s.execute(select(Document.id, Document.status)).all())
        per_doc = Counter(dict(s.execute(select(Directive.document_id, func.count()).group_by(Directive.document_id)).all()))
        stamps = dict(s.execute(select(Document.id, Document.processed_at)).all())
    return status, per_doc, stamps


def test_kill_and_rerun(store_db, extractor, cli_env, tmp_path):
    with session_factory(store_db)() as s:
        for i in range(DOCUMENTS):
            ingest_item(s, url=f"https://example.vn/{i}", title=None, published=date(2024, 5, 2), source="example",
                        text=small_document(i))
        s.commit()
    expected = {i + 1: len({d.text for d in extractor.extract(small_document(i), date=date(2024, 5, 2)).directives})
                for i in range(DOCUMENTS)}
    assert all(expected.values())

    run = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "process", "--db", store_db], env=cli_env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    killed_at = None
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and run.poll() is None:
            done = sum(1 for v in _state(store_db)[0].values() if v == DocumentStatus.DONE)
            if done >= 3:
                os.kill(run.pid, signal.SIGKILL)
                killed_at = done
                break
            time.sleep(0.01)
    finally:
        if run.poll() is None and killed_at is None:
            run.kill()
        run.wait(timeout=30)
    assert killed_at is not None and run.returncode == -signal.SIGKILL, "the run finished before it could be killed"

    status, per_doc, stamps = _state(store_db)
    done_before = {i for i, v in status.items() if v == DocumentStatus.DONE}
    assert 3 <= len(done_before) < DOCUMENTS
    # Killed mid-way: each document is either done with all its results, or pending with none.
    for doc_id, st in status.items():
        if st == DocumentStatus.DONE:
            assert per_doc[doc_id] == expected[doc_id]
        else:
            assert st == DocumentStatus.PENDING and per_doc[doc_id] == 0

    get_engine(store_db).dispose()
    report = process_documents(store_db, extractor=extractor)
    assert {o.document_id for o in report.outcomes} == set(status) - done_before  # the rest, and only the rest
    status_after, per_doc_after, stamps_after = _state(store_db)
    assert set(status_after.values()) == {DocumentStatus.DONE}
    assert dict(per_doc_after) == expected
    assert {i: stamps_after[i] for i in done_before} == {i: stamps[i] for i in done_before}  # not redone
    with session_factory(store_db)() as s:
        keys = s.execute(select(Directive.document_id, Directive.clause_key)).all()
        seqs = list(s.scalars(select(Directive.seq)))
    assert len(keys) == len(set(keys)) and len(seqs) == len(set(seqs))
