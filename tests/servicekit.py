"""What the suite needs from outside the repo (PostgreSQL, Redis, Chromium, ../shared): absent on a user's laptop,
the tests that need it are skipped with the reason; in CI (``CI=true``) they fail, since CI must provide it."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest
from sqlalchemy import Engine, create_engine, text

PG_SERVER = os.environ.get("CHIDAO_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def unavailable(reason: str, in_ci_message: str) -> NoReturn:
    """Skip with ``reason``, or in CI fail with ``reason`` and what CI must do."""
    if in_ci():
        pytest.fail(f"{reason}; {in_ci_message}", pytrace=False)
    pytest.skip(reason)


def pg_admin_engine() -> Engine:
    """An engine on the test PostgreSQL server, once it has answered."""
    try:
        admin = create_engine(PG_SERVER, connect_args={"connect_timeout": 3})
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure to connect means the server is not there
        unavailable(f"PostgreSQL not reachable at {PG_SERVER} ({type(exc).__name__}: {str(exc).splitlines()[0]})",
                    "CI must start it")
    return admin
