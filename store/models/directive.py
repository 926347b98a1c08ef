"""Directives (tasks) and their links to bodies and topics.

A directive's identity is its document plus the normalised text of its clause (``clause_key``): a newer
extractor finds the same row again, replaces the machine fields and leaves a reviewer's decision alone.
``cluster_id`` points at the directive that heads a cluster of reports of the same task (``pipeline.cluster``);
heads have none, and search shows heads only. ``seq`` grows on every change (``store.changes``), for feeds.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.models.base import Base, utcnow

if TYPE_CHECKING:
    from store.models.body import Body
    from store.models.document import Document
    from store.models.review import ReviewEvent


class ReviewStatus:
    """``pending`` is machine output; the others are a reviewer's decision, which re-extraction keeps."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    EDITED = "edited"
    REJECTED = "rejected"
    ALL = (PENDING, ACCEPTED, EDITED, REJECTED)
    REVIEWED = (ACCEPTED, EDITED, REJECTED)


class Role:
    LEAD = "lead"
    COORDINATE = "coordinate"
    ADDRESSEE = "addressee"
    ALL = (LEAD, COORDINATE, ADDRESSEE)


class Directive(Base):
    __tablename__ = "directives"
    __table_args__ = (
        UniqueConstraint("document_id", "clause_key", name="uq_directives_document_clause"),
        Index("ix_directives_head", "cluster_id", "active", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    clause_key: Mapped[str] = mapped_column(String(64))  # sha256 of the normalised clause text

    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column()
    end: Mapped[int] = mapped_column()
    issuer_person: Mapped[str | None] = mapped_column(String(200))
    issuer_office: Mapped[str | None] = mapped_column(String(300))
    issuer_key: Mapped[str | None] = mapped_column(String(200), index=True)  # folded issuer, for filters
    verb: Mapped[str | None] = mapped_column(String(80))
    deadline: Mapped[date | None] = mapped_column(index=True)
    deadline_text: Mapped[str | None] = mapped_column(String(300))
    deadline_granularity: Mapped[str | None] = mapped_column(String(12))
    confidence: Mapped[float] = mapped_column(default=0.5)
    extractor: Mapped[str] = mapped_column(String(80), default="rules")
    extractor_version: Mapped[str | None] = mapped_column(String(80))

    review_status: Mapped[str] = mapped_column(String(12), default=ReviewStatus.PENDING, index=True)
    active: Mapped[bool] = mapped_column(default=True)  # False: the latest extraction no longer finds it
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("directives.id", ondelete="SET NULL"))
    doc_date: Mapped[date | None] = mapped_column(index=True)  # the document's date, for --since and clusters
    search_text: Mapped[str] = mapped_column(Text, default="")  # folded text + body names (full-text index)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    document: Mapped[Document] = relationship(back_populates="directives")
    bodies: Mapped[list[DirectiveBody]] = relationship(
        back_populates="directive", cascade="all, delete-orphan", passive_deletes=True,
        order_by="DirectiveBody.position")
    topic_links: Mapped[list[DirectiveTopic]] = relationship(
        back_populates="directive", cascade="all, delete-orphan", passive_deletes=True,
        order_by="DirectiveTopic.position")
    reviews: Mapped[list[ReviewEvent]] = relationship(
        back_populates="directive", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ReviewEvent.id")
    head: Mapped[Directive | None] = relationship(remote_side=lambda: Directive.id, back_populates="copies")
    copies: Mapped[list[Directive]] = relationship(back_populates="head")

    def names(self, role: str) -> list[str]:
        return [b.body_name for b in self.bodies if b.role == role]

    @property
    def responsible(self) -> list[str]:
        return self.names(Role.LEAD)

    @property
    def coordinate(self) -> list[str]:
        return self.names(Role.COORDINATE)

    @property
    def topics(self) -> list[str]:
        return [t.topic for t in self.topic_links]

    def __repr__(self) -> str:
        return f"Directive({self.id}, doc={self.document_id}, {self.text[:40]!r})"


class DirectiveBody(Base):
    """A body named on a directive, with its role; ``body_name`` is canonical or a collective (``*bộ-ngành``)."""

    __tablename__ = "directive_bodies"
    __table_args__ = (
        UniqueConstraint("directive_id", "role", "body_name", name="uq_directive_bodies_role_name"),
        Index("ix_directive_bodies_name", "body_name", "directive_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    directive_id: Mapped[int] = mapped_column(ForeignKey("directives.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(12))
    body_name: Mapped[str] = mapped_column(String(300))
    body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id", ondelete="SET NULL"), index=True)
    position: Mapped[int] = mapped_column(default=0)

    directive: Mapped[Directive] = relationship(back_populates="bodies")
    body: Mapped[Body | None] = relationship()


class DirectiveTopic(Base):
    __tablename__ = "directive_topics"
    __table_args__ = (Index("ix_directive_topics_topic", "topic", "directive_id"),)

    directive_id: Mapped[int] = mapped_column(ForeignKey("directives.id", ondelete="CASCADE"), primary_key=True)
    topic: Mapped[str] = mapped_column(String(60), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    directive: Mapped[Directive] = relationship(back_populates="topic_links")
