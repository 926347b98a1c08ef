"""Settings of the web app, from arguments or the environment (``CHIDAO_*``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from typing import Any


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True, slots=True)
class Settings:
    """``open_reading``: anyone may read tasks, documents and feeds; writing always needs a login or a token.

    ``secret_key`` signs session cookies; without one, a key is made once and kept in the store (``store_meta``),
    so sessions survive restarts. Webhook deliveries are retried ``webhook_max_attempts`` times, waiting
    ``webhook_backoff`` seconds, doubled after each failure.
    """

    db_url: str | None = None
    secret_key: str | None = None
    open_reading: bool = True
    secure_cookies: bool = False
    session_max_age: int = 14 * 24 * 3600
    page_size: int = 20
    queue_size: int = 20
    webhooks: bool = True
    webhook_max_attempts: int = 6
    webhook_backoff: float = 30.0
    webhook_timeout: float = 10.0
    webhook_poll: float = 5.0

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        base = cls(
            db_url=os.environ.get("CHIDAO_DB") or None,
            secret_key=os.environ.get("CHIDAO_SECRET_KEY") or None,
            open_reading=_env_bool("CHIDAO_OPEN_READING", True),
            secure_cookies=_env_bool("CHIDAO_SECURE_COOKIES", False),
            webhooks=_env_bool("CHIDAO_WEBHOOKS", True),
        )
        return base.with_(**overrides)

    def with_(self, **overrides: Any) -> Settings:
        known = {f.name for f in fields(self)}
        unknown = set(overrides) - known
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        return replace(self, **overrides)
