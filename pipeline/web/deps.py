"""Request dependencies: the database session, who is asking, and the checks on reading and writing.

Reading is open or closed by ``Settings.open_reading``. Writing needs a user logged in (whose forms and
scripts send the session's CSRF token) or an API token (``Authorization: Bearer …``, no CSRF: no cookie).
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from pipeline.web.auth import Principal, token_principal, user_principal
from pipeline.web.settings import Settings
from store.models.accounts import ApiToken
from store.models.base import utcnow

CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class NotFound(Exception):
    """A task, document or subscription that does not exist: 404, with the message."""


class LoginRequired(Exception):
    """Raised where a page needs a user: HTML requests are sent to the login page, API requests get 401."""


def settings(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.factory() as session:
        yield session


# Declared for the OpenAPI description (Swagger UI's "Authorize"); a missing header is not an error here.
bearer = HTTPBearer(auto_error=False, scheme_name="token",
                    description="An API token from `chidao token add NAME` or the account page.")


def _touch_token(request: Request, name: str) -> None:
    """Note when a token was last used, at most once an hour (a write per request would be too many)."""
    from sqlalchemy import select

    with request.app.state.factory() as session, session.begin():
        row = session.scalar(select(ApiToken).where(ApiToken.name == name))
        if row is None:
            return
        last = row.last_used_at
        now = utcnow()
        if last is None or now - (last if last.tzinfo else last.replace(tzinfo=now.tzinfo)) > timedelta(hours=1):
            row.last_used_at = now


def get_principal(request: Request, session: Annotated[Session, Depends(get_session)],
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Principal | None:
    """The user of the session cookie, the machine of the bearer token, or None."""
    token = credentials.credentials.strip() if credentials is not None else None
    if token is None and request.url.path.endswith(".ics"):
        token = request.query_params.get("token")  # calendar apps cannot send headers
    if token is not None:
        principal = token_principal(session, token)
        if principal is None:
            raise HTTPException(401, "unknown or revoked token", headers={"WWW-Authenticate": "Bearer"})
        _touch_token(request, principal.name)
        return principal
    uid = request.session.get("uid")
    if uid is None:
        return None
    principal = user_principal(session, int(uid))
    if principal is None:
        request.session.pop("uid", None)
    return principal


def require_reader(request: Request,
                   principal: Annotated[Principal | None, Depends(get_principal)]) -> Principal | None:
    if principal is None and not request.app.state.settings.open_reading:
        raise LoginRequired()
    return principal


def require_user(principal: Annotated[Principal | None, Depends(get_principal)]) -> Principal:
    """A person logged in (the review pages are for people; machines use the API)."""
    if principal is None or principal.via != "session":
        raise LoginRequired()
    return principal


async def check_csrf(request: Request) -> None:
    """The token of the session, sent back in a header (scripts) or a form field (forms)."""
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(_FORM_TYPES):
        sent = (await request.form()).get(CSRF_FIELD)
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(expected, sent):
        raise HTTPException(403, "missing or wrong CSRF token (reload the page and try again)")


async def require_writer(request: Request,
                         principal: Annotated[Principal | None, Depends(get_principal)]) -> Principal:
    """A user (with the CSRF token) or a token: who may change things."""
    if principal is None:
        raise LoginRequired()
    if principal.via == "session":
        await check_csrf(request)
    return principal


async def require_user_writer(request: Request, principal: Annotated[Principal, Depends(require_user)]) -> Principal:
    await check_csrf(request)
    return principal


def require_login(principal: Annotated[Principal | None, Depends(get_principal)]) -> Principal:
    """Anyone identified (a user or a token), for reading what only members see (webhooks)."""
    if principal is None:
        raise LoginRequired()
    return principal


# Parameter types for the routes (FastAPI's Annotated style).
DbSession = Annotated[Session, Depends(get_session)]
MaybePrincipal = Annotated[Principal | None, Depends(get_principal)]
Reader = Annotated[Principal | None, Depends(require_reader)]
LoggedIn = Annotated[Principal, Depends(require_login)]
UserOnly = Annotated[Principal, Depends(require_user)]
UserWriter = Annotated[Principal, Depends(require_user_writer)]
Writer = Annotated[Principal, Depends(require_writer)]
