"""Exports: CSV with tracker columns, JSONL with every field, iCalendar with one VTODO per task."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import icalendar
import pytest
from texts import CONFERENCE, CONFERENCE_OTHER_REPORT, FLOODS

from pipeline.export import CSV_COLUMNS, summary, write_csv, write_ics, write_jsonl
from pipeline.ingest import ingest_item
from pipeline.process import process_documents
from store.db import session_factory
from store.search import TaskQuery, iter_tasks


@pytest.fixture
def hits(store_db, extractor):
    with session_factory(store_db)() as s:
        for url, text, day in (("https://baochinhphu.vn/hop-1", CONFERENCE, date(2024, 5, 2)),
                               ("https://quangtri.gov.vn/tin-2", CONFERENCE_OTHER_REPORT, date(2024, 5, 3)),
                               ("https://quangtri.gov.vn/lu-3", FLOODS, date(2020, 10, 18))):
            ingest_item(s, url=url, title="Tin", published=day, source=url.split("/")[2], text=text)
        s.commit()
    process_documents(store_db, extractor=extractor)
    with session_factory(store_db)() as s:
        return list(iter_tasks(s, query=TaskQuery()))


def test_csv_has_the_tracker_columns(hits):
    out = io.StringIO()
    assert write_csv(hits, out) == len(hits)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == CSV_COLUMNS and len(rows) == len(hits)
    (row,) = [r for r in rows if "vị trí việc làm" in r["summary"]]
    assert row["due_date"] == "2024-06-30" and row["assignee"] == "Bộ Nội vụ"
    assert row["source_url"] == "https://baochinhphu.vn/hop-1" and row["status"] == "pending"
    assert "the-che-phap-luat" in row["labels"].split(",")
    assert "https://quangtri.gov.vn/tin-2" in row["description"]  # the other report, as provenance


def test_jsonl_has_every_field(hits):
    out = io.StringIO()
    write_jsonl(hits, out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == len(hits) and lines[0] == hits[0].to_json()
    assert {"id", "text", "responsible", "coordinate", "deadline", "topics", "document", "sources", "via",
            "confidence", "review_status", "seq"} <= set(lines[0])


def test_ics_parses_back_with_one_vtodo_per_task(hits):
    out = io.BytesIO()
    write_ics(hits, out)
    cal = icalendar.Calendar.from_ical(out.getvalue())
    todos = cal.walk("VTODO")
    assert len(todos) == len(hits)
    assert len({str(t["UID"]) for t in todos}) == len(hits)
    (todo,) = [t for t in todos if "vị trí việc làm" in str(t["SUMMARY"])]
    assert todo.decoded("DUE") == date(2024, 6, 30)
    assert "https://baochinhphu.vn/hop-1" in str(todo["DESCRIPTION"])
    assert "thể chế, pháp luật" in [str(c) for c in todo["CATEGORIES"].cats]
    assert all("DTSTAMP" in t for t in todos)
    undated = [t for t in todos if "DUE" not in t]
    assert len(undated) == sum(1 for h in hits if not h.deadline)


def test_summary_is_cut_at_a_word():
    class Hit:
        text = "Bộ Nội vụ " * 40

    assert len(summary(Hit)) <= 121 and summary(Hit).endswith("…") and not summary(Hit).endswith(" …")
