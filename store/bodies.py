"""The Body table as a copy of the gazetteer, and the reorganisation family of a body.

``sync_bodies`` is the only writer: it makes the table equal to the gazetteer's entries it is given (new,
changed and removed bodies, and every succession), and skips the work when their fingerprint is unchanged.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from nlp.records import Body as BodyRecord
from nlp.topics import fold
from store.models import Body, DirectiveBody, StoreMeta, body_successions

_FINGERPRINT_KEY = "gazetteer_fingerprint"


def name_key(name: str) -> str:
    """Folded, single-spaced: how a name typed without diacritics finds its body."""
    return " ".join(fold(name).split())


def _fingerprint(records: list[BodyRecord]) -> str:
    rows = sorted(
        (r.name, r.type, list(r.aliases), str(r.valid_from), str(r.valid_to), list(r.successors)) for r in records
    )
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


def sync_bodies(session: Session, *, bodies: Iterable[BodyRecord], force: bool = False) -> bool:
    """Make the Body table hold exactly ``bodies`` (the gazetteer); returns whether anything was written."""
    records = list({r.name: r for r in bodies}.values())
    fingerprint = _fingerprint(records)
    meta = session.get(StoreMeta, _FINGERPRINT_KEY)
    if meta is not None and meta.value == fingerprint and not force:
        return False
    existing = {b.name: b for b in session.scalars(select(Body))}
    wanted = {r.name for r in records}
    for name, body in existing.items():
        if name not in wanted:
            session.delete(body)
    new_rows = []
    for r in records:
        values = {"name_key": name_key(r.name), "type": r.type, "aliases": list(r.aliases),
                  "alias_keys": "".join(f"|{name_key(a)}" for a in r.aliases) + "|" if r.aliases else "",
                  "valid_from": r.valid_from, "valid_to": r.valid_to}
        body = existing.get(r.name)
        if body is None:
            new_rows.append({"name": r.name, **values})
            continue
        for attr, value in values.items():
            if getattr(body, attr) != value:
                setattr(body, attr, value)
    if new_rows:
        session.execute(insert(Body.__table__), new_rows)  # Core executemany: thousands of rows at once
    session.flush()
    ids = dict(session.execute(select(Body.name, Body.id)).all())
    session.execute(delete(body_successions))
    links = [
        {"predecessor_id": ids[r.name], "successor_id": ids[s], "position": i}
        for r in records for i, s in enumerate(r.successors) if s in ids and s != r.name
    ]
    if links:
        session.execute(insert(body_successions), links)
    # Tasks stored before a body entered the gazetteer now point at it.
    session.execute(update(DirectiveBody).where(DirectiveBody.body_id.is_(None))
                    .values(body_id=select(Body.id).where(Body.name == DirectiveBody.body_name).scalar_subquery()))
    if meta is None:
        session.add(StoreMeta(key=_FINGERPRINT_KEY, value=fingerprint))
    else:
        meta.value = fingerprint
    session.flush()
    return True


@dataclass(slots=True)
class Kin:
    """A body related to the searched one by the reorganisation."""

    name: str
    relation: str  # "predecessor" (merged into the searched body) or "successor" (took over from it)
    since: date | None = None  # tasks of a successor count from this day (the searched body's end + 1)
    until: date | None = None  # a predecessor's last day


@dataclass(slots=True)
class BodyFamily:
    """A body with its predecessors and successors, transitively: what a search by body covers."""

    name: str
    kin: list[Kin] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [self.name, *(k.name for k in self.kin)]

    def kin_of(self, name: str) -> Kin | None:
        return next((k for k in self.kin if k.name == name), None)


def find_body(session: Session, *, name: str) -> Body | None:
    """A body by its canonical name, one of its aliases, or either written without diacritics."""
    body = session.scalar(select(Body).where(Body.name == name))
    if body is not None:
        return body
    key = name_key(name)
    body = session.scalar(select(Body).where(Body.name_key == key).order_by(Body.id).limit(1))
    if body is not None:
        return body
    if not key or "|" in key:
        return None
    return session.scalar(select(Body).where(Body.alias_keys.contains(f"|{key}|", autoescape=True))
                          .order_by(Body.id).limit(1))


def body_family(session: Session, *, name: str) -> BodyFamily:
    """``name`` (canonical) with every body it absorbed or that took over from it, and the dates that apply."""
    root = session.scalar(select(Body).where(Body.name == name))
    family = BodyFamily(name=name)
    if root is None:
        return family
    seen = {root.id}
    stack = [root]
    while stack:  # predecessors, transitively: their tasks are this body's history
        body = stack.pop()
        for pred in body.predecessors:
            if pred.id not in seen:
                seen.add(pred.id)
                family.kin.append(Kin(pred.name, "predecessor", until=pred.valid_to))
                stack.append(pred)
    stack = [root]
    while stack:  # successors, transitively: they carry on this body's tasks after its end
        body = stack.pop()
        for succ in body.successors:
            if succ.id not in seen:
                seen.add(succ.id)
                end = root.valid_to
                family.kin.append(Kin(succ.name, "successor", since=date.fromordinal(end.toordinal() + 1)
                                      if end else None))
                stack.append(succ)
    return family
