"""The dashboard's numbers: tasks per ministry (after the 2025 reorganisation), per topic, deadlines over the
coming weeks, and overdue tasks. Rejected tasks are not counted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nlp.topics import label as topic_label
from pipeline.web.charts import Chart, columns, rows
from pipeline.web.reorg import count_by_current_body, reorganisation
from pipeline.web.storeapi import conditions, load
from pipeline.web.templating import query_string
from store.models import Body, Directive, DirectiveBody, DirectiveTopic, ReviewStatus, Role
from store.search import TaskQuery

MINISTRY_TYPES = ("ministry", "ministerial_agency", "government_agency")
LIVE = [ReviewStatus.PENDING, ReviewStatus.ACCEPTED, ReviewStatus.EDITED]
WEEKS = 12


@dataclass(slots=True)
class Dashboard:
    counts: dict[str, int]
    ministries: Chart
    topics: Chart
    weeks: Chart
    overdue: list[Directive]
    overdue_total: int
    today: date


def dashboard(session: Session, *, today: date | None = None) -> Dashboard:
    today = today or date.today()
    live = TaskQuery(status=LIVE)
    ids = select(Directive.id).where(*conditions(session, live))

    statuses = dict(session.execute(select(Directive.review_status, func.count())
                                    .where(*conditions(session, TaskQuery())).group_by(Directive.review_status))
                    .all())
    counts = {s: statuses.get(s, 0) for s in ReviewStatus.ALL}
    counts["total"] = sum(statuses.values())

    reorg = reorganisation(session)
    ministries = set(session.scalars(select(Body.name).where(Body.type.in_(MINISTRY_TYPES))))
    pairs = session.execute(select(DirectiveBody.directive_id, DirectiveBody.body_name)
                            .where(DirectiveBody.directive_id.in_(ids), DirectiveBody.role == Role.LEAD,
                                   DirectiveBody.body_name.in_(ministries))).all()
    per_body = [c for c in count_by_current_body(pairs, reorg) if c.name in ministries][:20]
    ministry_chart = rows("Nhiệm vụ theo bộ, ngành chủ trì", [
        (c.name, c.count, "/search" + query_string({"body": c.name})) for c in per_body])

    topic_rows = session.execute(select(DirectiveTopic.topic, func.count())
                                 .where(DirectiveTopic.directive_id.in_(ids))
                                 .group_by(DirectiveTopic.topic).order_by(func.count().desc())).all()
    topic_chart = rows("Nhiệm vụ theo chủ đề", [
        (topic_label(t), n, "/search" + query_string({"topic": t})) for t, n in topic_rows], label_width=220)

    monday = today - timedelta(days=today.weekday())
    end = monday + timedelta(weeks=WEEKS)
    deadlines = session.execute(select(Directive.deadline, func.count()).where(  # from today: the rest is overdue
        *conditions(session, live), Directive.deadline >= today, Directive.deadline < end)
        .group_by(Directive.deadline)).all()
    per_week = [0] * WEEKS
    for day, n in deadlines:
        per_week[(day - monday).days // 7] += n
    overdue_q = TaskQuery(status=LIVE, overdue=True, today=today)
    overdue_total = session.scalar(select(func.count()).select_from(Directive)
                                   .where(*conditions(session, overdue_q))) or 0
    items = [("Quá hạn", overdue_total, "/search" + query_string(
        {"deadline_before": (today - timedelta(days=1)).isoformat(), "status": LIVE}), "overdue")]
    for i, n in enumerate(per_week):
        start = monday + timedelta(weeks=i)
        stop = start + timedelta(days=6)
        items.append((start.strftime("%d/%m"), n, "/search" + query_string(
            {"deadline_after": start.isoformat(), "deadline_before": stop.isoformat(), "status": LIVE}), ""))
    week_chart = columns(f"Thời hạn trong {WEEKS} tuần tới (theo tuần, từ thứ Hai)", items)

    overdue_ids = list(session.scalars(select(Directive.id).where(*conditions(session, overdue_q))
                                       .order_by(Directive.deadline.desc(), Directive.id).limit(10)))
    return Dashboard(counts, ministry_chart, topic_chart, week_chart, load(session, overdue_ids), overdue_total, today)
