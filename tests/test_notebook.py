"""``notebooks/directives_overview.ipynb`` runs top to bottom (nbclient) on a store built from dev texts.

The dev texts live in ``../shared``: skipped where absent, a failure in CI (``shared_dir`` fixture)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "directives_overview.ipynb"
TEXTS = ["dev01", "dev02", "dev03", "dev05", "dev08", "dev11", "seed2"]


@pytest.fixture(scope="module")
def dev_store(shared_dir, tmp_path_factory) -> str:
    from pipeline.ingest import ingest_paths
    from pipeline.process import build_extractor, process_documents
    from store.db import session_factory, upgrade

    db = str(tmp_path_factory.mktemp("notebook") / "dev.db")
    upgrade(db)
    with session_factory(db)() as session:
        ingest_paths(session, [shared_dir / "eval" / "dev" / f"{name}.txt" for name in TEXTS], source="dev")
    report = process_documents(db, extractor=build_extractor())
    assert report.done == len(TEXTS)
    return db


def _text(outputs) -> str:
    parts = []
    for out in outputs:
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        elif "data" in out:
            parts.append(out["data"].get("text/plain", ""))
    return "\n".join(parts)


def test_notebook_runs_and_shows_tasks_per_ministry_topic_month_and_deadlines(dev_store, repo_root, monkeypatch):
    monkeypatch.setenv("CHIDAO_DB", dev_store)
    monkeypatch.setenv("CHIDAO_TODAY", date(2025, 9, 1).isoformat())
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(repo_root), os.environ.get("PYTHONPATH")])))
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel draws inline
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit the notebook without outputs"
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(repo_root)}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    everything = "\n".join(_text(c.outputs) for c in code)
    assert "tasks from" in everything and "Bộ Nội vụ" in everything
    assert "cải cách hành chính" in everything  # topics by label
    assert "upcoming" in everything and "overdue" in everything
    images = sum(1 for c in code for o in c.outputs if "image/png" in o.get("data", {}))
    assert images >= 3  # ministry, topic, month charts at least
