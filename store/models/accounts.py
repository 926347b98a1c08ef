"""Accounts of the web app: reviewers who log in, and API tokens for machines (trackers, scripts).

Passwords are stored as argon2 hashes and tokens as SHA-256 digests (a token is random and long, so a fast hash
is enough); neither can be read back. Review events name the user, or ``token:NAME`` for a token.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.models.base import Base, utcnow


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column()

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", passive_deletes=True)

    def __repr__(self) -> str:
        return f"User({self.id}, {self.name!r})"


class ApiToken(Base):
    """A bearer token for the API; ``prefix`` (the first characters) lets a person tell tokens apart."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()

    user: Mapped[User | None] = relationship(back_populates="tokens")

    def __repr__(self) -> str:
        return f"ApiToken({self.id}, {self.name!r})"
