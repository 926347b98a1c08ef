"""Exports of tasks for trackers and calendars: CSV, JSONL and iCalendar (one VTODO per task).

The CSV columns are the ones task trackers import (summary, description, due date, assignee, …); JSONL
carries every field of ``store.search.TaskHit``; the iCalendar file is written with the ``icalendar`` library
and holds one VTODO per task with DUE (when the task has a deadline), SUMMARY, DESCRIPTION (the source
sentence and its URL), CATEGORIES (topics) and a stable UID, so re-importing updates rather than duplicates.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import IO

from nlp.topics import label
from store.search import TaskHit

FORMATS = ("csv", "jsonl", "ics")
CSV_COLUMNS = ["summary", "description", "due_date", "assignee", "coordinating", "labels", "source_url",
               "source_document_number", "status", "task_id", "source_date"]
SUMMARY_CHARS = 120
UID_DOMAIN = "chidao"


def summary(hit: TaskHit) -> str:
    """A one-line title: the clause, cut at a word boundary."""
    text = " ".join(hit.text.split())
    if len(text) <= SUMMARY_CHARS:
        return text
    cut = text[:SUMMARY_CHARS].rsplit(" ", 1)[0]
    return cut + "…"


def description(hit: TaskHit) -> str:
    """The source sentence, who, when, and where it was said."""
    lines = [" ".join(hit.text.split())]
    if hit.responsible:
        lines.append("Chủ trì: " + ", ".join(hit.responsible))
    if hit.coordinate:
        lines.append("Phối hợp: " + ", ".join(hit.coordinate))
    if hit.deadline_text:
        lines.append("Thời hạn: " + hit.deadline_text)
    for via in hit.via:
        lines.append("Ghi chú: " + via.note)
    for src in hit.sources:
        where = ", ".join(x for x in (src.source, src.number, src.date) if x)
        lines.append(f"Nguồn: {src.title or src.url or f'document {src.document_id}'}"
                     + (f" ({where})" if where else "") + (f" {src.url}" if src.url else ""))
    return "\n".join(lines)


def csv_row(hit: TaskHit) -> dict[str, str]:
    return {
        "summary": summary(hit),
        "description": description(hit),
        "due_date": hit.deadline or "",
        "assignee": "; ".join(hit.responsible),
        "coordinating": "; ".join(hit.coordinate),
        "labels": ",".join(hit.topics),
        "source_url": hit.document.url or "",
        "source_document_number": hit.document.number or "",
        "status": hit.review_status,
        "task_id": str(hit.id),
        "source_date": hit.document.date or "",
    }


def write_csv(hits: Iterable[TaskHit], out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    n = 0
    for hit in hits:
        writer.writerow(csv_row(hit))
        n += 1
    return n


def write_jsonl(hits: Iterable[TaskHit], out: IO[str]) -> int:
    n = 0
    for hit in hits:
        out.write(json.dumps(hit.to_json(), ensure_ascii=False) + "\n")
        n += 1
    return n


_ICS_STATUS = {"rejected": "CANCELLED", "accepted": "NEEDS-ACTION", "edited": "NEEDS-ACTION",
               "pending": "NEEDS-ACTION"}


def calendar(hits: Iterable[TaskHit], *, now: datetime | None = None):  # noqa: ANN201 - icalendar.Calendar
    """An iCalendar with one VTODO per task."""
    from icalendar import Calendar, Todo

    stamp = now or datetime.now(UTC)
    cal = Calendar()
    cal.add("prodid", "-//chidao//directives//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "chidao: nhiệm vụ")
    for hit in hits:
        todo = Todo()
        todo.add("uid", f"task-{hit.id}@{UID_DOMAIN}")
        todo.add("dtstamp", stamp)
        todo.add("summary", summary(hit))
        todo.add("description", description(hit))
        if hit.deadline:
            todo.add("due", date.fromisoformat(hit.deadline))
        if hit.topics:
            todo.add("categories", [label(t) for t in hit.topics])
        if hit.document.url:
            todo.add("url", hit.document.url)
        todo.add("status", _ICS_STATUS.get(hit.review_status, "NEEDS-ACTION"))
        todo.add("sequence", hit.seq)  # grows with every change: calendar apps take the newest
        cal.add_component(todo)
    return cal


def write_ics(hits: Iterable[TaskHit], out: IO[bytes], *, now: datetime | None = None) -> int:
    hits = list(hits)
    out.write(calendar(hits, now=now).to_ical())
    return len(hits)
