"""The Jinja2 environment: autoescaping on for every template, and the small helpers templates use.

Nothing crawled is ever marked safe: highlighted text is printed segment by segment (``highlight``), links to
sources pass ``safe_url`` (only http, https and file URLs become links), and charts are SVG drawn from numbers.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlencode, urlsplit

import jinja2
from fastapi.templating import Jinja2Templates
from starlette.requests import Request

from nlp.topics import label as topic_label

STATUS_LABELS = {"pending": "Chờ duyệt", "accepted": "Đã chấp nhận", "edited": "Đã sửa", "rejected": "Đã loại"}
ROLE_LABELS = {"lead": "Chủ trì", "coordinate": "Phối hợp", "any": "Bất kỳ vai trò"}
COLLECTIVES = {"*bộ-ngành": "các bộ, ngành", "*địa-phương": "các địa phương",
               "*cơ-quan-liên-quan": "các cơ quan liên quan"}
_LINK_SCHEMES = {"http", "https"}


def body_label(name: str) -> str:
    """How a body is shown: collectives (``*bộ-ngành``) in words, others by their canonical name."""
    return COLLECTIVES.get(name, name.lstrip("*"))


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use); every form sends it back."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def safe_url(url: str | None) -> str | None:
    """``url`` if it may be a link (http or https, with a host), else None: never ``javascript:`` or ``data:``."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() in _LINK_SCHEMES and parts.netloc:
        return url.strip()
    return None


def fmt_date(value: date | datetime | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def query_string(params: dict[str, Any], **changes: Any) -> str:
    """``?a=1&b=2`` from ``params`` with ``changes`` applied (None removes a key); lists repeat their key."""
    merged = {**params, **changes}
    pairs: list[tuple[str, str]] = []
    for key, value in merged.items():
        if value is None or value == "" or value is False:
            continue
        if isinstance(value, list | tuple):
            pairs.extend((key, str(v)) for v in value if v not in (None, ""))
        else:
            pairs.append((key, "1" if value is True else str(value)))
    return "?" + urlencode(pairs) if pairs else "?"


def flashes(request: Request) -> list[dict[str, str]]:
    return request.session.pop("flash", []) if "flash" in request.session else []


def flash(request: Request, message: str, kind: str = "info") -> None:
    request.session["flash"] = [*request.session.get("flash", []), {"message": message, "kind": kind}]


@cache
def make_templates() -> Jinja2Templates:
    """One environment per process: templates are compiled once, whatever the number of apps."""
    folder = str(resources.files("pipeline").joinpath("web", "templates"))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,  # every template, whatever its name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        csrf_token=csrf_token, safe_url=safe_url, fmt_date=fmt_date, topic_label=topic_label, qs=query_string,
        flashes=flashes, body_label=body_label, STATUS_LABELS=STATUS_LABELS, ROLE_LABELS=ROLE_LABELS,
    )
    env.filters.update(date=fmt_date, topic=topic_label, body=body_label)
    return Jinja2Templates(env=env)
