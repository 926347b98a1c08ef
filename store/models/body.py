"""The gazetteer's bodies, synced from ``nlp`` (``store.bodies.sync_bodies``), never edited apart.

Successions (the 2025 reorganisation: Bộ Kế hoạch và Đầu tư → Bộ Tài chính) are a link table, so a search by
body can follow them both ways.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.models.base import Base

body_successions = Table(
    "body_successions",
    Base.metadata,
    Column("predecessor_id", ForeignKey("bodies.id", ondelete="CASCADE"), primary_key=True),
    Column("successor_id", ForeignKey("bodies.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("position", Integer, nullable=False, default=0),  # 0 = the primary successor
)


class Body(Base):
    __tablename__ = "bodies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)  # canonical name
    name_key: Mapped[str] = mapped_column(String(300), index=True)  # folded, for lookups without marks
    type: Mapped[str] = mapped_column(String(40))
    aliases: Mapped[list[str]] = mapped_column(default=list)  # other names and abbreviations
    alias_keys: Mapped[str] = mapped_column(Text, default="")  # "|key|key|": the aliases folded, for lookups
    valid_from: Mapped[date | None] = mapped_column()
    valid_to: Mapped[date | None] = mapped_column()

    successors: Mapped[list[Body]] = relationship(
        secondary=body_successions,
        primaryjoin=lambda: Body.id == body_successions.c.predecessor_id,
        secondaryjoin=lambda: Body.id == body_successions.c.successor_id,
        order_by=lambda: body_successions.c.position,
        back_populates="predecessors",
    )
    predecessors: Mapped[list[Body]] = relationship(
        secondary=body_successions,
        primaryjoin=lambda: Body.id == body_successions.c.successor_id,
        secondaryjoin=lambda: Body.id == body_successions.c.predecessor_id,
        back_populates="successors",
    )

    def __repr__(self) -> str:
        return f"Body({self.id}, {self.name!r})"
