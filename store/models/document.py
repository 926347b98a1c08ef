"""A stored document: its text, where it came from, what its official header says, and its processing state."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.models.base import Base, utcnow

if TYPE_CHECKING:
    from store.models.directive import Directive
    from store.models.figure import Figure
    from store.models.reference import Reference
    from store.models.source import Source


class DocumentStatus:
    """Processing states: ``pending`` until extracted, then ``done`` or ``failed`` (with ``error``)."""

    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"
    ALL = (PENDING, DONE, FAILED)


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str | None] = mapped_column(String(2000), unique=True)  # canonical URL (file:// for files)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[date | None] = mapped_column(index=True)  # publication date the source gives

    # From the official document's own header (nlp.header), when it has one.
    doc_type: Mapped[str | None] = mapped_column(String(80))
    number: Mapped[str | None] = mapped_column(String(120))  # "114/TB-VPCP"
    number_key: Mapped[str | None] = mapped_column(String(120), index=True)  # for linking citations
    issuer: Mapped[str | None] = mapped_column(String(300))
    issued: Mapped[date | None] = mapped_column()  # the header's signing date
    place: Mapped[str | None] = mapped_column(String(120))
    signer: Mapped[str | None] = mapped_column(String(200))
    signer_title: Mapped[str | None] = mapped_column(String(200))

    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    fetched_at: Mapped[datetime | None] = mapped_column()
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)

    status: Mapped[str] = mapped_column(String(12), default=DocumentStatus.PENDING)
    error: Mapped[str | None] = mapped_column(Text)
    extractor_version: Mapped[str | None] = mapped_column(String(80))
    processed_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    source: Mapped[Source | None] = relationship(lazy="joined")
    directives: Mapped[list[Directive]] = relationship(back_populates="document", passive_deletes=True)
    figures: Mapped[list[Figure]] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                 order_by="Figure.start")
    references: Mapped[list[Reference]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, foreign_keys="Reference.document_id",
        order_by="Reference.start")

    @property
    def date(self) -> date | None:
        """The document's date: its header's, else the publication date."""
        return self.issued or self.published

    def __repr__(self) -> str:
        return f"Document({self.id}, {self.url or self.title!r}, {self.status})"
