"""From what a person types to a store query: body names, aliases and abbreviations, topics, dates.

A body is looked up in the store's copy of the gazetteer (canonical name, alias, abbreviation, with or without
diacritics: "Bộ KH&ĐT", "bo noi vu"), then by the gazetteer itself for names it builds from patterns ("UBND
tỉnh Quảng Trị"). Collective markers (``*bộ-ngành``) are taken as they are.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from nlp.topics import taxonomy, topic
from store.bodies import find_body
from store.models import ReviewStatus
from store.search import ROLES, TaskQuery


class QueryError(ValueError):
    """A filter value that names nothing: the message says what is accepted."""


def resolve_body(session: Session, name: str) -> str:
    """The canonical name of the body ``name`` stands for."""
    name = name.strip()
    if name.startswith("*"):
        return name
    body = find_body(session, name=name)
    if body is not None:
        return body.name
    from nlp.gazetteer import Gazetteer  # builds its patterns: only when the store has no answer

    found = Gazetteer.default().lookup(name)
    if found is not None:
        return found.name
    raise QueryError(f"no body named {name!r} (give a canonical name, an alias or an abbreviation)")


def resolve_topic(name: str) -> str:
    found = topic(name)
    if found is None:
        known = ", ".join(t.id for t in taxonomy())
        raise QueryError(f"no topic {name!r} (topics: {known})")
    return found.id


def parse_day(value: str | None, what: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else _bad(value, what)
    except ValueError:
        return _bad(value, what)


def _bad(value: str, what: str) -> date:
    raise QueryError(f"{what}: not a date: {value!r} (want YYYY-MM-DD)")


def build_query(session: Session, *, text: str | None = None, body: str | None = None, role: str = "lead",
                topic_name: str | None = None, issuer: str | None = None, status: list[str] | None = None,
                deadline_before: str | None = None, deadline_after: str | None = None, overdue: bool = False,
                source: str | None = None, since: str | None = None, today: date | None = None) -> TaskQuery:
    """A ``TaskQuery`` from command-line or form values; raises ``QueryError`` on a value that names nothing."""
    if role not in ROLES:
        raise QueryError(f"role: {role!r} is not one of {', '.join(ROLES)}")
    statuses = [s.strip().lower() for s in status or [] if s.strip()]
    for s in statuses:
        if s not in ReviewStatus.ALL:
            raise QueryError(f"status: {s!r} is not one of {', '.join(ReviewStatus.ALL)}")
    return TaskQuery(
        text=text or None,
        body=resolve_body(session, body) if body else None,
        role=role,
        topic=resolve_topic(topic_name) if topic_name else None,
        issuer=issuer or None,
        status=statuses,
        deadline_before=parse_day(deadline_before, "--deadline-before"),
        deadline_after=parse_day(deadline_after, "--deadline-after"),
        overdue=overdue,
        source=source or None,
        since=parse_day(since, "--since"),
        today=today,
    )
