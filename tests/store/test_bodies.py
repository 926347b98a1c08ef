"""The Body table as a copy of the gazetteer."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from storekit import stored, task

from nlp.gazetteer import Gazetteer
from nlp.records import Body as BodyRecord
from store.bodies import body_family, find_body, sync_bodies
from store.models import Body, DirectiveBody


def test_sync_copies_bodies_and_successions(session, bodies):
    mpi = session.scalar(select(Body).where(Body.name == "Bộ Kế hoạch và Đầu tư"))
    assert mpi.valid_to == date(2025, 2, 28) and mpi.aliases == ["Bộ KH&ĐT", "Bộ KHĐT"]
    assert [b.name for b in mpi.successors] == ["Bộ Tài chính"]
    molisa = session.scalar(select(Body).where(Body.name == "Bộ Lao động - Thương binh và Xã hội"))
    assert [b.name for b in molisa.successors] == ["Bộ Nội vụ", "Bộ Y tế"]
    assert sorted(b.name for b in session.scalar(select(Body).where(Body.name == "Bộ Y tế")).predecessors) == [
        "Bộ Lao động - Thương binh và Xã hội"]


def test_sync_is_skipped_when_nothing_changed_and_follows_changes(session, bodies):
    assert sync_bodies(session, bodies=bodies) is False
    changed = [b for b in bodies if b.name != "Bộ Y tế"] + [BodyRecord("Bộ Dân tộc và Tôn giáo", "ministry",
                                                                        valid_from=date(2025, 3, 1))]
    changed[0] = BodyRecord("Bộ Tài chính", "ministry", ["BTC"])
    assert sync_bodies(session, bodies=changed) is True
    session.commit()
    names = set(session.scalars(select(Body.name)))
    assert "Bộ Y tế" not in names and "Bộ Dân tộc và Tôn giáo" in names
    assert session.scalar(select(Body.aliases).where(Body.name == "Bộ Tài chính")) == ["BTC"]
    assert find_body(session, name="Bộ TC") is None


def test_family_of_a_body_without_history(session, bodies):
    family = body_family(session, name="Ủy ban nhân dân tỉnh Quảng Trị")
    assert family.names == ["Ủy ban nhân dân tỉnh Quảng Trị"]
    assert body_family(session, name="Không có").names == ["Không có"]


def test_the_whole_gazetteer_syncs(session):
    records = Gazetteer.default().bodies()
    assert sync_bodies(session, bodies=records) is True
    session.commit()
    assert session.scalar(select(func.count()).select_from(Body)) == len({r.name for r in records})
    assert find_body(session, name="Bộ KH&ĐT").name == "Bộ Kế hoạch và Đầu tư"
    assert [b.name for b in find_body(session, name="Bộ Tài chính").predecessors]


def test_tasks_stored_before_their_body_was_known_link_to_it_after_a_sync(session, bodies):
    stored(session, task("Bộ Dân tộc và Tôn giáo hướng dẫn", lead=["Bộ Dân tộc và Tôn giáo"]))
    assert session.scalar(select(DirectiveBody.body_id)) is None
    sync_bodies(session, bodies=[*bodies, BodyRecord("Bộ Dân tộc và Tôn giáo", "ministry")])
    session.commit()
    assert session.scalar(select(DirectiveBody.body_id)) == session.scalar(
        select(Body.id).where(Body.name == "Bộ Dân tộc và Tôn giáo"))
