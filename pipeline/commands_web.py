"""The web app's commands: ``chidao serve``, ``chidao user add|passwd|list``, ``chidao token add|list|revoke``.

Thin: the app is ``pipeline.web.create_app``, accounts are ``pipeline.web.auth``. The database is ``--db`` (a
file path or a SQLAlchemy URL), else ``$CHIDAO_DB``, else ``chidao.db``.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pipeline.console import DbOption, err, fail


@contextmanager
def _store(db: str | None):
    from store.db import StoreError, check_schema, session_factory

    try:
        check_schema(db)
    except StoreError as exc:
        raise fail(str(exc)) from None
    with session_factory(db)() as session, session.begin():
        yield session


def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (0.0.0.0 for every interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    closed: Annotated[bool, typer.Option("--closed", help="Reading needs a login or a token too "
                                                          "(default: $CHIDAO_OPEN_READING, open).")] = False,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn's log level.")] = "info",
) -> None:
    """Run the review and search web app with its JSON API (/api/, /docs) and feeds (/tasks.ics)."""
    import uvicorn

    from pipeline.web import create_app
    from store.db import StoreError

    try:
        app = create_app(db, **({"open_reading": False} if closed else {}))
    except StoreError as exc:
        raise fail(str(exc)) from None
    err.print(Text(f"chidao: serving on http://{host}:{port}/ (API docs at /docs)"))
    uvicorn.run(app, host=host, port=port, log_level=log_level, proxy_headers=False)


# --- users ----------------------------------------------------------------------------------------------------------

user_app = typer.Typer(help="Reviewers' accounts.", no_args_is_help=True)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise fail("no password on standard input")
        return line.rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="Login name.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first "
                                                                          "line of standard input.")] = False,
    db: DbOption = None,
) -> None:
    """Add a reviewer (the password is asked for, or read from stdin; stored as an argon2 hash)."""
    from pipeline.web.auth import AccountError, add_user

    password = _password(password_stdin)
    with _store(db) as session:
        try:
            add_user(session, name=name, password=password)
        except AccountError as exc:
            raise fail(str(exc)) from None
    err.print(Text(f"user {name} added"))


@user_app.command("passwd")
def user_passwd(
    name: Annotated[str, typer.Argument(help="Login name.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
    db: DbOption = None,
) -> None:
    """Set a reviewer's password."""
    from pipeline.web.auth import AccountError, set_password

    password = _password(password_stdin)
    with _store(db) as session:
        try:
            set_password(session, name=name, password=password)
        except AccountError as exc:
            raise fail(str(exc)) from None
    err.print(Text(f"password of {name} set"))


@user_app.command("list")
def user_list(db: DbOption = None) -> None:
    """The reviewers."""
    from sqlalchemy import select

    from store.models.accounts import User

    table = Table("name", "active", "created", "last login")
    with _store(db) as session:
        for u in session.scalars(select(User).order_by(User.name)):
            table.add_row(Text(u.name), "yes" if u.active else "no", str(u.created_at)[:19],
                          str(u.last_login_at or "")[:19])
    Console(highlight=False).print(table)


# --- tokens ------------------------------------------------------------------------------------------------------

token_app = typer.Typer(help="API tokens for machines (trackers, scripts, calendar feeds).", no_args_is_help=True)


@token_app.command("add")
def token_add(
    name: Annotated[str, typer.Argument(help="What the token is for (e.g. the tracker's name).")],
    user: Annotated[str | None, typer.Option("--user", help="The reviewer the token belongs to.")] = None,
    db: DbOption = None,
) -> None:
    """Make a token and print it (only now: the store keeps its hash)."""
    from pipeline.web.auth import AccountError, add_token

    with _store(db) as session:
        try:
            _row, token = add_token(session, name=name, user=user)
        except AccountError as exc:
            raise fail(str(exc)) from None
    print(token)
    err.print(Text(f"token {name} made: send it as 'Authorization: Bearer <token>'"))


@token_app.command("list")
def token_list(db: DbOption = None) -> None:
    """Tokens (names and first characters only)."""
    from sqlalchemy import select

    from store.models.accounts import ApiToken

    table = Table("name", "prefix", "user", "created", "last used", "revoked")
    with _store(db) as session:
        for t in session.scalars(select(ApiToken).order_by(ApiToken.name)):
            table.add_row(Text(t.name), t.prefix + "…", Text(t.user.name if t.user else ""), str(t.created_at)[:19],
                          str(t.last_used_at or "")[:19], str(t.revoked_at or "")[:19])
    Console(highlight=False).print(table)


@token_app.command("revoke")
def token_revoke(name: Annotated[str, typer.Argument(help="The token's name.")], db: DbOption = None) -> None:
    """Revoke a token: requests with it are refused from now on."""
    from pipeline.web.auth import AccountError, revoke_token

    with _store(db) as session:
        try:
            revoke_token(session, name=name)
        except AccountError as exc:
            raise fail(str(exc)) from None
    err.print(Text(f"token {name} revoked"))


def register(app: typer.Typer) -> None:
    """Add the web app's commands to the ``chidao`` app."""
    app.command()(serve)
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
