"""Accounts: reviewers' passwords (argon2) and machines' API tokens, used by the web app and ``chidao user``.

A token is shown once when made (``chidao token add``); the store keeps only its SHA-256 digest.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models.accounts import ApiToken, User
from store.models.base import utcnow

TOKEN_PREFIX = "chd_"
_NAME_RE = re.compile(r"^[\w.@+-]{1,120}$")
_hasher = PasswordHasher()
# Verifying against this when the user does not exist costs the same time, so a login does not tell names apart.
_DUMMY_HASH = _hasher.hash("not a password")


class AccountError(ValueError):
    """A name or password the store cannot take: the message says why."""


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is acting: a user logged in (``via`` session) or a machine with a token (``via`` token)."""

    name: str
    via: str  # session | token
    user_id: int | None = None

    @property
    def who(self) -> str:
        """How review events and webhooks name this principal."""
        return self.name if self.via == "session" else f"token:{self.name}"


def check_name(name: str, what: str = "name") -> str:
    name = name.strip()
    if not _NAME_RE.match(name):
        raise AccountError(f"{what} {name!r}: use 1 to 120 letters, digits or . _ @ + -")
    return name


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise AccountError("the password must have at least 8 characters")
    return _hasher.hash(password)


def add_user(session: Session, *, name: str, password: str) -> User:
    name = check_name(name, "user name")
    if session.scalar(select(User).where(User.name == name)) is not None:
        raise AccountError(f"user {name!r} exists already (set a new password with `chidao user passwd`)")
    user = User(name=name, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, *, name: str, password: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise AccountError(f"no user {name!r}")
    user.password_hash = hash_password(password)
    session.flush()
    return user


def authenticate(session: Session, *, name: str, password: str) -> User | None:
    """The active user with this name and password, else None (in about the same time either way)."""
    user = session.scalar(select(User).where(User.name == name.strip()))
    try:
        _hasher.verify(user.password_hash if user is not None else _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = utcnow()
    return user


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_token(session: Session, *, name: str, user: str | None = None) -> tuple[ApiToken, str]:
    """A new token named ``name`` (optionally for a user); returns the row and the token, shown only now."""
    name = check_name(name, "token name")
    if session.scalar(select(ApiToken).where(ApiToken.name == name)) is not None:
        raise AccountError(f"a token named {name!r} exists already (revoke it first)")
    owner = None
    if user is not None:
        owner = session.scalar(select(User).where(User.name == user))
        if owner is None:
            raise AccountError(f"no user {user!r}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(name=name, token_hash=token_digest(token), prefix=token[:10], user_id=owner.id if owner else None)
    session.add(row)
    session.flush()
    return row, token


def revoke_token(session: Session, *, name: str) -> ApiToken:
    row = session.scalar(select(ApiToken).where(ApiToken.name == name))
    if row is None:
        raise AccountError(f"no token named {name!r}")
    row.revoked_at = row.revoked_at or utcnow()
    session.flush()
    return row


def token_principal(session: Session, token: str) -> Principal | None:
    """The machine a bearer token stands for, or None for an unknown or revoked token."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    if row is None or row.revoked_at is not None:
        return None
    return Principal(name=row.name, via="token", user_id=row.user_id)


def user_principal(session: Session, user_id: int) -> Principal | None:
    user = session.get(User, user_id)
    if user is None or not user.active:
        return None
    return Principal(name=user.name, via="session", user_id=user.id)
