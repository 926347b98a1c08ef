"""The store's commands, run through the ``chidao`` app: db upgrade, ingest, status, search, export."""

from __future__ import annotations

import json

import icalendar
import pytest
from texts import CONFERENCE, FLOODS
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.process import process_documents

runner = CliRunner()


def chidao(*args: str, **kwargs):
    return runner.invoke(app, list(args), catch_exceptions=False, **kwargs)


@pytest.fixture(scope="module")
def store(tmp_path_factory, extractor) -> str:
    root = tmp_path_factory.mktemp("cli")
    db = str(root / "chidao.db")
    (root / "hop.txt").write_text(CONFERENCE, encoding="utf-8")
    (root / "lu.txt").write_text(FLOODS, encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    assert chidao("db", "upgrade", "--db", db).exit_code == 0
    result = chidao("ingest", str(root / "hop.txt"), str(root / "lu.txt"), str(root / "empty.txt"), "--db", db,
                    "--source", "files", "--date", "2024-05-02")
    assert result.exit_code == 1  # one file failed, the others are stored
    assert "empty.txt: empty content" in result.output and "created 2" in result.output
    process_documents(db, extractor=extractor)
    return db


def test_status_lists_counts_and_failures(store):
    result = chidao("status", "--db", store, "--json")
    status = json.loads(result.stdout)
    assert (status["documents"], status["done"], status["failed"]) == (3, 2, 1)
    assert status["tasks"] > 0 and status["failed_documents"][0]["error"] == "empty content"
    table = chidao("status", "--db", store)
    assert "failed documents" in table.stdout and "empty content" in table.stdout


def test_search_json_by_body_alias_and_text(store):
    by_alias = json.loads(chidao("search", "--body", "BNV", "--json", "--db", store).stdout)
    assert by_alias and all("Bộ Nội vụ" in h["responsible"] for h in by_alias)
    by_text = json.loads(chidao("search", "bo noi vu", "--json", "--db", store).stdout)
    assert {h["id"] for h in by_alias} <= {h["id"] for h in by_text}
    assert json.loads(chidao("search", "--topic", "thien tai", "--json", "--db", store).stdout)
    assert json.loads(chidao("search", "--overdue", "--json", "--db", store).stdout)  # 2020 and 2024 deadlines


def test_search_table_and_pages(store):
    result = chidao("search", "--limit", "1", "--db", store)
    assert result.exit_code == 0 and "more: --cursor" in result.output
    cursor = result.output.rsplit("--cursor ", 1)[1].split()[0]
    assert chidao("search", "--limit", "1", "--cursor", cursor, "--db", store).exit_code == 0


def test_search_errors_are_clear(store, tmp_path):
    unknown = chidao("search", "--body", "Bộ Không Tồn Tại", "--db", store)
    assert unknown.exit_code == 2 and "no body named" in unknown.output
    assert "no topic" in chidao("search", "--topic", "bóng đá", "--db", store).output
    assert "not a date" in chidao("search", "--since", "hôm qua", "--db", store).output
    empty = chidao("search", "--db", str(tmp_path / "none.db"))
    assert empty.exit_code == 1 and "chidao db upgrade" in empty.output


def test_export_formats(store, tmp_path):
    ics = tmp_path / "tasks.ics"
    assert chidao("export", "--format", "ics", "-o", str(ics), "--db", store).exit_code == 0
    total = len(json.loads(chidao("search", "--json", "--limit", "500", "--db", store).stdout))
    assert len(icalendar.Calendar.from_ical(ics.read_bytes()).walk("VTODO")) == total
    out = chidao("export", "--format", "csv", "--body", "Bộ Nội vụ", "--db", store)
    assert out.stdout.splitlines()[0].startswith("summary,description,due_date,assignee")
    lines = chidao("export", "--format", "jsonl", "--text", "sạt lở", "--db", store).stdout.splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["responsible"] == ["Ủy ban nhân dân tỉnh Quảng Trị"]
    assert chidao("export", "--format", "xml", "--db", store).exit_code == 2


def test_db_from_the_environment(store, monkeypatch):
    monkeypatch.setenv("CHIDAO_DB", store)
    assert json.loads(chidao("status", "--json").stdout)["documents"] == 3


def test_ingest_date_is_checked(tmp_path):
    result = chidao("ingest", str(tmp_path), "--date", "02/05/2024", "--db", str(tmp_path / "x.db"))
    assert result.exit_code == 2


