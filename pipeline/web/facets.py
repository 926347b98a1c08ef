"""Facet counts for the search page: for each facet, the tasks matching every other filter, by value.

Counting a facet without its own filter shows the alternatives a click would give. Bodies are counted by the
current body, following the 2025 reorganisation (``reorg``), like the body filter itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from nlp.topics import label as topic_label
from pipeline.web.reorg import count_by_current_body, reorganisation
from pipeline.web.storeapi import conditions
from pipeline.web.templating import STATUS_LABELS, body_label
from store.models import Directive, DirectiveBody, DirectiveTopic, Document, Source
from store.search import ROLES, TaskQuery


@dataclass(slots=True)
class FacetValue:
    value: str
    label: str
    count: int
    params: dict[str, str | None]  # the filters a click sets
    note: str = ""


@dataclass(slots=True)
class Facet:
    name: str
    title: str
    values: list[FacetValue] = field(default_factory=list)


def _ids(session: Session, query: TaskQuery):  # noqa: ANN202 - a Select
    return select(Directive.id).where(*conditions(session, query))


def facets(session: Session, query: TaskQuery, *, today: date | None = None, top: int = 12) -> list[Facet]:
    today = today or date.today()
    out: list[Facet] = []

    q = replace(query, body=None)
    roles = ROLES.get(query.role, ROLES["lead"])
    pairs = session.execute(select(DirectiveBody.directive_id, DirectiveBody.body_name)
                            .where(DirectiveBody.directive_id.in_(_ids(session, q)),
                                   DirectiveBody.role.in_(roles))).all()
    counts = count_by_current_body(pairs, reorganisation(session))[:top]
    out.append(Facet("body", "Cơ quan (theo bộ máy sau sắp xếp 2025)", [
        FacetValue(c.name, body_label(c.name), c.count, {"body": c.name},
                   "gồm " + ", ".join(f"{k} ({v})" for k, v in c.former.items()) if c.former else "")
        for c in counts]))

    q = replace(query, topic=None)
    rows = session.execute(select(DirectiveTopic.topic, func.count(func.distinct(DirectiveTopic.directive_id)))
                           .where(DirectiveTopic.directive_id.in_(_ids(session, q)))
                           .group_by(DirectiveTopic.topic).order_by(func.count().desc())).all()
    out.append(Facet("topic", "Chủ đề", [FacetValue(t, topic_label(t), n, {"topic": t}) for t, n in rows[:top]]))

    q = replace(query, issuer=None)
    rows = session.execute(select(Directive.issuer_person, func.count())
                           .where(*conditions(session, q), Directive.issuer_person.is_not(None))
                           .group_by(Directive.issuer_person).order_by(func.count().desc())
                           .limit(top)).all()
    out.append(Facet("issuer", "Người chỉ đạo", [FacetValue(p, p, n, {"issuer": p}) for p, n in rows]))

    q = replace(query, status=())
    rows = dict(session.execute(select(Directive.review_status, func.count()).where(*conditions(session, q))
                                .group_by(Directive.review_status)).all())
    out.append(Facet("status", "Trạng thái", [FacetValue(s, label, rows[s], {"status": s})
                                               for s, label in STATUS_LABELS.items() if rows.get(s)]))

    q = replace(query, source=None)
    rows = session.execute(select(Source.name, func.count(Directive.id))
                           .select_from(Directive).join(Document, Directive.document_id == Document.id)
                           .join(Source, Document.source_id == Source.id)
                           .where(*conditions(session, q)).group_by(Source.name)
                           .order_by(func.count(Directive.id).desc()).limit(top)).all()
    out.append(Facet("source", "Nguồn", [FacetValue(s, s, n, {"source": s}) for s, n in rows]))

    q = replace(query, deadline_before=None, deadline_after=None, overdue=False)
    week, month = today + timedelta(days=7), today + timedelta(days=30)
    d = Directive.deadline
    bucket = case((d.is_(None), "none"), (d < today, "overdue"), (d <= week, "week"), (d <= month, "month"),
                  else_="later")
    rows = dict(session.execute(select(bucket, func.count()).where(*conditions(session, q))
                                .group_by(bucket)).all())
    day = today.isoformat
    ranges = [
        ("overdue", "Quá hạn", {"deadline_before": (today - timedelta(days=1)).isoformat(), "deadline_after": None}),
        ("week", "Trong 7 ngày tới", {"deadline_after": day(), "deadline_before": week.isoformat()}),
        ("month", "Từ 8 đến 30 ngày tới", {"deadline_after": (week + timedelta(days=1)).isoformat(),
                                            "deadline_before": month.isoformat()}),
        ("later", "Sau 30 ngày", {"deadline_after": (month + timedelta(days=1)).isoformat(), "deadline_before": None}),
    ]
    values = [FacetValue(k, label, rows[k], params) for k, label, params in ranges if rows.get(k)]
    if rows.get("none"):
        values.append(FacetValue("none", "Không có thời hạn", rows["none"], {}))
    out.append(Facet("deadline", "Thời hạn", values))
    return out
