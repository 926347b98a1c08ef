"""Logging in and out, and a user's API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from pipeline.web.auth import AccountError, add_token, authenticate, revoke_token
from pipeline.web.deps import DbSession, MaybePrincipal, UserOnly, UserWriter, check_csrf
from pipeline.web.templating import csrf_token, flash
from store.models.accounts import ApiToken

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only a path on this site: never ``//host`` or ``https://…`` (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/review"
    return target


@router.get("/login")
def login_form(request: Request, principal: MaybePrincipal, next: str | None = None):  # noqa: A002
    return request.app.state.templates.TemplateResponse(
        request, "login.html", {"principal": principal, "next": safe_next(next), "error": None, "name": ""})


@router.post("/login", dependencies=[Depends(check_csrf)])
def login(request: Request, session: DbSession, name: Annotated[str, Form()] = "",
          password: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/review"):  # noqa: A002
    user = authenticate(session, name=name, password=password)
    if user is None:
        return request.app.state.templates.TemplateResponse(
            request, "login.html",
            {"principal": None, "next": safe_next(next), "error": "Sai tên đăng nhập hoặc mật khẩu.", "name": name},
            status_code=401)
    session.commit()
    request.session.clear()  # a new session on login: nothing carried over from before
    request.session["uid"] = user.id
    csrf_token(request)
    flash(request, f"Xin chào, {user.name}.")
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request):
    request.session.clear()
    return RedirectResponse("/", status_code=303)


@router.get("/account")
def account(request: Request, principal: UserOnly, session: DbSession):
    tokens = session.scalars(select(ApiToken).where(ApiToken.user_id == principal.user_id)
                             .order_by(ApiToken.id)).all()
    new_token = request.session.pop("new_token", None)
    return request.app.state.templates.TemplateResponse(
        request, "account.html", {"principal": principal, "tokens": tokens, "new_token": new_token})


@router.post("/account/tokens")
def create_token(request: Request, principal: UserWriter, session: DbSession, name: Annotated[str, Form()] = ""):
    try:
        _row, token = add_token(session, name=name, user=principal.name)
    except AccountError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse("/account", status_code=303)
    session.commit()
    request.session["new_token"] = token  # shown once, on the next page
    return RedirectResponse("/account", status_code=303)


@router.post("/account/tokens/{token_id}/revoke")
def revoke(request: Request, token_id: int, principal: UserWriter, session: DbSession):
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != principal.user_id:
        flash(request, "Không tìm thấy token.", "error")
    else:
        revoke_token(session, name=row.name)
        session.commit()
        flash(request, f"Đã thu hồi token {row.name}.")
    return RedirectResponse("/account", status_code=303)
