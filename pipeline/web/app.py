"""The web app: ``create_app(db_url=…)`` builds it on a store that has the current schema.

Server-rendered pages (review queue, search, documents, dashboard, accounts, webhooks) and a JSON API under
``/api/`` with its OpenAPI description at ``/docs`` (Swagger UI served from the package, never from a CDN).
Every HTML page is sent with a Content-Security-Policy that allows scripts from this site only, a second wall
behind escaping.
"""

from __future__ import annotations

import secrets
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pipeline.query import QueryError
from pipeline.web.deps import LoginRequired, NotFound
from pipeline.web.reviews import ReviewError
from pipeline.web.settings import Settings
from pipeline.web.templating import make_templates
from pipeline.web.webhooks import Dispatcher
from store.db import check_schema, session_factory
from store.models import StoreMeta

SECRET_KEY = "web_session_secret"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
DOCS_PATHS = ("/docs", "/openapi.json", "/docs-static/")
TAGS = [
    {"name": "tasks", "description": "Tasks (directives): search with the filters of `chidao search`, the change "
                                     "feed (`updated_since`), reviews."},
    {"name": "bodies", "description": "The gazetteer's bodies, with the 2025 reorganisation."},
    {"name": "documents", "description": "Stored documents and what was extracted from them."},
    {"name": "webhooks", "description": "Subscriptions that receive signed POSTs when tasks are reviewed."},
    {"name": "feeds", "description": "iCalendar feed of tasks."},
]


def _stored_secret(factory) -> str:  # noqa: ANN001
    """A session key kept in the store, made on first start, so sessions survive restarts."""
    with factory() as session, session.begin():
        row = session.get(StoreMeta, SECRET_KEY)
        if row is None:
            row = StoreMeta(key=SECRET_KEY, value=secrets.token_urlsafe(48))
            session.add(row)
        return row.value


class SecurityHeaders:
    """Headers on every response; the CSP on all but the API docs (Swagger UI starts with an inline script)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"].startswith(DOCS_PATHS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
                            (b"x-frame-options", b"DENY")]
                if not docs:
                    headers.append((b"content-security-policy", CSP.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _wants_json(request: Request) -> bool:
    """API, feed and script requests get JSON errors (and 401, not a login page)."""
    path = request.url.path
    return (path.startswith("/api/") or path.endswith(".ics")
            or "application/json" in request.headers.get("accept", ""))


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired):  # noqa: ANN202
        if _wants_json(request) or request.method != "GET":
            return JSONResponse({"detail": "login or an API token required"}, status_code=401,
                                headers={"WWW-Authenticate": "Bearer"})
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        from urllib.parse import urlencode

        return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)

    @app.exception_handler(QueryError)
    @app.exception_handler(ReviewError)
    async def bad_value(request: Request, exc: ValueError):  # noqa: ANN202
        if _wants_json(request):
            return JSONResponse({"detail": str(exc)}, status_code=400)
        return request.app.state.templates.TemplateResponse(
            request, "error.html", {"status": 400, "message": str(exc)}, status_code=400)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound):  # noqa: ANN202
        message = str(exc.args[0]) if exc.args else "not found"
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=404)
        return request.app.state.templates.TemplateResponse(
            request, "error.html", {"status": 404, "message": message}, status_code=404)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):  # noqa: ANN202
        if _wants_json(request) or exc.status_code < 400:
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return request.app.state.templates.TemplateResponse(
            request, "error.html", {"status": exc.status_code, "message": str(exc.detail)},
            status_code=exc.status_code, headers=exc.headers)


def _install_docs(app: FastAPI) -> None:
    """Swagger UI from the files of the ``fastapi-offline`` package; FastAPI's default (a CDN) without it."""
    try:
        import fastapi_offline
    except ImportError:  # pragma: no cover - the dependency is declared; this keeps /docs answering regardless
        from fastapi.openapi.docs import get_swagger_ui_html as html

        @app.get("/docs", include_in_schema=False)
        async def docs_cdn():  # noqa: ANN202
            return html(openapi_url="/openapi.json", title="chidao API")
        return

    folder = Path(fastapi_offline.__file__).parent / "static"
    app.mount("/docs-static", StaticFiles(directory=str(folder)), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    async def docs():  # noqa: ANN202
        return get_swagger_ui_html(openapi_url="/openapi.json", title="chidao API",
                                   swagger_js_url="/docs-static/swagger-ui-bundle.js",
                                   swagger_css_url="/docs-static/swagger-ui.css",
                                   swagger_favicon_url="/docs-static/favicon.png")


def create_app(db_url: str | None = None, *, settings: Settings | None = None, **overrides: Any) -> FastAPI:
    """The app on the store ``db_url`` (a URL or SQLite path; default ``$CHIDAO_DB`` or ``./chidao.db``).

    ``settings`` (or keyword overrides of ``Settings``, e.g. ``open_reading=False``) configure it; the store must
    have the current schema (``chidao db upgrade``), else ``store.db.StoreError``.
    """
    settings = (settings or Settings.from_env()).with_(**overrides)
    if db_url is not None:
        settings = settings.with_(db_url=db_url)
    check_schema(settings.db_url)
    factory = session_factory(settings.db_url)
    dispatcher = Dispatcher(factory, max_attempts=settings.webhook_max_attempts, backoff=settings.webhook_backoff,
                            timeout=settings.webhook_timeout, poll=settings.webhook_poll)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # noqa: ANN202
        if settings.webhooks:
            dispatcher.start()
        try:
            yield
        finally:
            dispatcher.stop()

    app = FastAPI(title="chidao", version="1", docs_url=None, redoc_url=None, lifespan=lifespan,
                  openapi_tags=TAGS,
                  description="Nhiệm vụ trích từ văn bản chỉ đạo điều hành: tìm kiếm, luồng thay đổi, webhook.")
    app.state.settings = settings
    app.state.factory = factory
    app.state.templates = make_templates()
    app.state.dispatcher = dispatcher

    app.add_middleware(SessionMiddleware, secret_key=settings.secret_key or _stored_secret(factory),
                       session_cookie="chidao_session", max_age=settings.session_max_age, same_site="lax",
                       https_only=settings.secure_cookies)
    app.add_middleware(SecurityHeaders)
    static = str(resources.files("pipeline").joinpath("web", "static"))
    app.mount("/static", StaticFiles(directory=static), name="static")
    _install_docs(app)
    _install_handlers(app)

    from pipeline.web.routers import accounts, api, dashboard, documents, feeds, review, search, webhooks

    for module in (dashboard, review, search, documents, accounts, webhooks, feeds, api):
        app.include_router(module.router)
    return app
