"""Shapes of the JSON API (for validation and the OpenAPI description). Tasks are ``store.search.TaskHit``,
the same record ``chidao search --json`` and the JSONL export print."""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from store.search import TaskHit


class TaskPage(BaseModel):
    items: list[TaskHit]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page; null on the last page.")
    next_since: int | None = Field(
        None, description="Change feed only: pass as `updated_since` on the next poll (the last change seen).")


class ReviewEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    who: str
    at: datetime
    field: str
    before: Any = None
    after: Any = None


class TaskDetail(BaseModel):
    task: TaskHit
    reviews: list[ReviewEventOut]


class Changes(BaseModel):
    """Fields to change; a field left out stays as it is, ``deadline: null`` removes the deadline."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = None
    deadline: date | None = None
    responsible: list[str] | None = Field(None, description="Canonical names, aliases or abbreviations.")
    coordinate: list[str] | None = None
    topics: list[str] | None = Field(None, description="Topic ids or labels.")


class ReviewIn(BaseModel):
    action: Literal["accept", "reject", "edit"]
    changes: Changes | None = None

    def change_dict(self) -> dict[str, Any]:
        if self.changes is None:
            return {}
        out = {k: getattr(self.changes, k) for k in self.changes.model_fields_set}
        if "deadline" in out:
            out["deadline"] = out["deadline"].isoformat() if out["deadline"] else None
        return out


class ReviewOut(BaseModel):
    task: TaskHit
    events: list[ReviewEventOut]
    webhook_deliveries: int


class BodyOut(BaseModel):
    name: str
    type: str
    aliases: list[str]
    valid_from: date | None = None
    valid_to: date | None = None
    successors: list[str] = []
    predecessors: list[str] = []


class FigureOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    text: str
    start: int
    end: int
    value: float
    unit: str
    total: float | None = None


class ReferenceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: str
    type: str | None = None
    date: dt.date | None = None
    start: int
    end: int
    target_id: int | None = None


class DocumentOut(BaseModel):
    id: int
    url: str | None
    title: str | None
    source: str | None
    published: date | None
    doc_type: str | None
    number: str | None
    issuer: str | None
    issued: date | None
    signer: str | None
    status: str
    error: str | None = None
    tasks: int = 0


class DocumentDetail(DocumentOut):
    text: str
    directives: list[TaskHit]
    figures: list[FigureOut]
    references: list[ReferenceOut]


class DocumentPage(BaseModel):
    items: list[DocumentOut]
    next_cursor: str | None = None


class WebhookIn(BaseModel):
    url: str = Field(..., description="http(s) URL that receives the POSTs.")
    secret: str = Field(..., min_length=16, description="Key of the HMAC-SHA256 signature (16 characters or more).")
    events: list[Literal["task.accepted", "task.edited", "task.rejected"]] = ["task.accepted", "task.edited"]
    description: str | None = None

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        from urllib.parse import urlsplit

        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("want an http or https URL")
        return value.strip()


class WebhookOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    url: str
    events: list[str]
    active: bool
    description: str | None = None
    created_by: str | None = None
    created_at: datetime


class DeliveryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    subscription_id: int
    event: str
    directive_id: int | None
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    attempts_log: list[dict[str, Any]]
    created_at: datetime
    delivered_at: datetime | None
