"""Figures a document states (machine output: replaced on every extraction)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base


class Figure(Base):
    __tablename__ = "figures"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column()
    end: Mapped[int] = mapped_column()
    value: Mapped[float] = mapped_column()
    unit: Mapped[str] = mapped_column(String(40))
    total: Mapped[float | None] = mapped_column()
