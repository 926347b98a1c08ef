"""Webhooks: a signed JSON POST to every subscription when a task is accepted, edited (or rejected, if asked).

``enqueue`` writes one delivery per subscription in the reviewer's own transaction, so a review never goes
unannounced; the ``Dispatcher`` thread posts due deliveries, retrying a failure after ``backoff`` seconds,
doubled each time, until ``max_attempts``. Every attempt is logged on the delivery. The body is fixed when
queued, so retries carry the same signature; receivers tell deliveries apart by ``X-Chidao-Delivery``.

Signature: ``X-Chidao-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed with the subscription secret>``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from store.models.base import utcnow
from store.models.review import ReviewEvent
from store.models.webhooks import DeliveryStatus, WebhookDelivery, WebhookSubscription
from store.search import TaskHit

log = logging.getLogger("chidao.webhooks")

EVENTS = ("task.accepted", "task.edited", "task.rejected")
DEFAULT_EVENTS = ["task.accepted", "task.edited"]
STATUS_EVENTS = {"accepted": "task.accepted", "edited": "task.edited", "rejected": "task.rejected"}
SIGNATURE_HEADER = "X-Chidao-Signature"
LEASE = timedelta(minutes=5)  # a claimed delivery is not claimed again for this long (another worker's)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str) -> bool:
    """What a receiver does: recompute the signature and compare in constant time."""
    return hmac.compare_digest(sign(secret, body), signature or "")


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def payload(event: str, hit: TaskHit, events: Sequence[ReviewEvent], *, who: str, at: datetime) -> str:
    body = {
        "event": event,
        "who": who,
        "at": at.isoformat(),
        "seq": hit.seq,
        "changes": [{"field": e.field, "before": e.before, "after": e.after} for e in events],
        "task": hit.to_json(),
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, default=str)


def enqueue(session: Session, *, event: str, hit: TaskHit, events: Sequence[ReviewEvent], who: str,
            at: datetime | None = None) -> list[WebhookDelivery]:
    """A pending delivery of ``event`` for each active subscription that wants it (in the caller's transaction)."""
    at = at or utcnow()
    subs = [s for s in session.scalars(select(WebhookSubscription).where(WebhookSubscription.active.is_(True)))
            if event in (s.events or DEFAULT_EVENTS)]
    if not subs:
        return []
    body = payload(event, hit, events, who=who, at=at)
    out = [WebhookDelivery(subscription_id=s.id, event=event, directive_id=hit.id, payload=body,
                           status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=at, attempts_log=[])
           for s in subs]
    session.add_all(out)
    session.flush()
    return out


class Dispatcher:
    """Posts due deliveries from a background thread; ``run_once`` does one round (tests call it directly)."""

    def __init__(self, factory: sessionmaker[Session], *, max_attempts: int = 6, backoff: float = 30.0,
                 timeout: float = 10.0, poll: float = 5.0, batch: int = 20) -> None:
        self.factory = factory
        self.max_attempts = max(1, max_attempts)
        self.backoff = backoff
        self.timeout = timeout
        self.poll = poll
        self.batch = batch
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._client: httpx.Client | None = None

    # --- the thread --------------------------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._client = httpx.Client(timeout=self.timeout, follow_redirects=False,
                                    headers={"User-Agent": "chidao-webhooks/1"})
        self._thread = threading.Thread(target=self._loop, name="chidao-webhooks", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._client is not None:
            self._client.close()
            self._client = None

    def wake(self) -> None:
        """Something was queued: look now rather than at the next poll."""
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
                wait = self._next_due_in()
            except Exception:  # the database went away for a moment: keep the thread, try again later
                log.exception("webhook round failed")
                wait = self.poll
            self._wake.wait(timeout=min(self.poll, wait) if wait is not None else self.poll)
            self._wake.clear()

    def _next_due_in(self) -> float | None:
        with self.factory() as session:
            due = session.scalar(select(WebhookDelivery.next_attempt_at)
                                 .where(WebhookDelivery.status == DeliveryStatus.PENDING)
                                 .order_by(WebhookDelivery.next_attempt_at).limit(1))
        if due is None:
            return None
        return max(0.0, (_aware(due) - utcnow()).total_seconds())

    # --- one round --------------------------------------------------------------------------------------------

    def run_once(self, now: datetime | None = None) -> int:
        """Attempt every delivery due by ``now``; returns how many were attempted."""
        now = now or utcnow()
        with self.factory() as session:
            ids = list(session.scalars(
                select(WebhookDelivery.id).where(WebhookDelivery.status == DeliveryStatus.PENDING,
                                                 WebhookDelivery.next_attempt_at <= now)
                .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(self.batch)))
        done = 0
        for delivery_id in ids:
            if self._claim(delivery_id, now):
                self._attempt(delivery_id)
                done += 1
        return done

    def _claim(self, delivery_id: int, now: datetime) -> bool:
        """Take a delivery for this worker (a second worker sees it leased and leaves it)."""
        with self.factory() as session, session.begin():
            result = session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id == delivery_id, WebhookDelivery.status == DeliveryStatus.PENDING,
                       WebhookDelivery.next_attempt_at <= now)
                .values(next_attempt_at=utcnow() + LEASE))
            return result.rowcount == 1

    def _post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str | None]:
        client = self._client or httpx.Client(timeout=self.timeout, follow_redirects=False)
        try:
            response = client.post(url, content=body, headers=headers)
            return response.status_code, None if response.is_success else f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            return None, f"{type(exc).__name__}: {exc}"
        finally:
            if client is not self._client:
                client.close()

    def _attempt(self, delivery_id: int) -> None:
        with self.factory() as session:
            delivery = session.get(WebhookDelivery, delivery_id)
            if delivery is None:
                return
            sub = delivery.subscription
            url, secret, body = sub.url, sub.secret, delivery.payload.encode("utf-8")
            event, attempt = delivery.event, delivery.attempts + 1
        headers = {"Content-Type": "application/json; charset=utf-8", SIGNATURE_HEADER: sign(secret, body),
                   "X-Chidao-Event": event, "X-Chidao-Delivery": str(delivery_id),
                   "X-Chidao-Attempt": str(attempt)}
        started = time.monotonic()
        code, error = self._post(url, body, headers)
        entry: dict[str, Any] = {"at": utcnow().isoformat(), "attempt": attempt, "status_code": code,
                                 "error": error, "ms": round((time.monotonic() - started) * 1000)}
        with self.factory() as session, session.begin():
            delivery = session.get(WebhookDelivery, delivery_id)
            if delivery is None:
                return
            delivery.attempts = attempt
            delivery.last_status_code = code
            delivery.last_error = error
            delivery.attempts_log = [*(delivery.attempts_log or []), entry]
            if error is None:
                delivery.status = DeliveryStatus.DELIVERED
                delivery.delivered_at = utcnow()
                delivery.next_attempt_at = None
            elif attempt >= self.max_attempts:
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = None
            else:
                delivery.next_attempt_at = utcnow() + timedelta(seconds=self.backoff * 2 ** (attempt - 1))
        if error is not None:
            log.warning("webhook delivery %s to %s failed (attempt %s): %s", delivery_id, url, attempt, error)


def redeliver(session: Session, *, delivery_id: int) -> WebhookDelivery | None:
    """Queue a failed or delivered delivery again (a person asked to)."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        return None
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = utcnow()
    session.flush()
    return delivery


def subscribe(session: Session, *, url: str, secret: str, events: Sequence[str] | None = None,
              description: str | None = None, who: str | None = None) -> WebhookSubscription:
    chosen = list(dict.fromkeys(events or DEFAULT_EVENTS))
    bad = [e for e in chosen if e not in EVENTS]
    if bad:
        raise ValueError(f"unknown events {', '.join(bad)} (known: {', '.join(EVENTS)})")
    sub = WebhookSubscription(url=url, secret=secret, events=chosen, active=True, description=description,
                              created_by=who)
    session.add(sub)
    session.flush()
    return sub
