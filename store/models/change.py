"""Counters and settings the store keeps about itself."""

from __future__ import annotations

from sqlalchemy import BigInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base


class Counter(Base):
    """A named counter; ``changes`` numbers every change to a directive (``store.changes``)."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class StoreMeta(Base):
    """Key-value facts about the store, such as the fingerprint of the gazetteer last synced."""

    __tablename__ = "store_meta"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
