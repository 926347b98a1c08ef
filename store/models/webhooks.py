"""Webhook subscriptions and their delivery log.

A delivery is written in the same transaction as the review that causes it, so no accepted or edited task goes
unannounced; a worker posts it later, retrying with backoff, and every attempt is kept in ``attempts_log``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.models.base import Base, Json, utcnow


class DeliveryStatus:
    PENDING = "pending"  # waiting for its first or next attempt
    DELIVERED = "delivered"
    FAILED = "failed"  # gave up after the last attempt
    ALL = (PENDING, DELIVERED, FAILED)


class WebhookSubscription(Base):
    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(String(200))  # the HMAC-SHA256 key; the receiver holds it too
    events: Mapped[list[str]] = mapped_column(Json, default=list)  # task.accepted, task.edited, task.rejected
    active: Mapped[bool] = mapped_column(default=True)
    description: Mapped[str | None] = mapped_column(String(300))
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    deliveries: Mapped[list[WebhookDelivery]] = relationship(
        back_populates="subscription", cascade="all, delete-orphan", passive_deletes=True,
        order_by="WebhookDelivery.id")

    def __repr__(self) -> str:
        return f"WebhookSubscription({self.id}, {self.url!r})"


class WebhookDelivery(Base):
    """One event for one subscription: the exact body sent on every attempt, and how the attempts went."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(40))
    directive_id: Mapped[int | None] = mapped_column(index=True)  # no foreign key: the log outlives the task
    payload: Mapped[str] = mapped_column(Text)  # the JSON body, fixed when queued (same signature on retries)
    status: Mapped[str] = mapped_column(String(12), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column()
    last_status_code: Mapped[int | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    attempts_log: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column()

    subscription: Mapped[WebhookSubscription] = relationship(back_populates="deliveries")

    def __repr__(self) -> str:
        return f"WebhookDelivery({self.id}, {self.event}, {self.status})"
