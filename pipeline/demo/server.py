"""Serving offline example sites on localhost, one port per site, for ``chidao demo``, tests and benchmarks.

A site is a folder of files served as they are, plus an optional ``site.yml``:

```yaml
routes:     # URLs (path and query) served from a file whose name could not hold them
  "/?pageid=27160&docid=210146": van-ban/210146.html
headers:    # extra or replacing response headers, by URL
  /cu/2004.htm: {Content-Type: text/html}
generate:   # files made when the site is served (PDF, DOCX), from text files of the site
  - {path: /files/qd-1450.pdf, from: _text/qd-1450.txt}
```

Every request is recorded (``SiteServer.log``) so tests can show what a crawl fetched and how often. An optional
``delay`` slows every response, so several crawler processes really share the work.
"""

from __future__ import annotations

import mimetypes
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

_TEXT_TYPES = {".html": "text/html", ".htm": "text/html", ".xml": "application/xml", ".rss": "application/rss+xml",
               ".txt": "text/plain", ".aspx": "text/html", ".atom": "application/atom+xml"}
_BINARY_TYPES = {".pdf": "application/pdf", ".doc": "application/msword",
                 ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


@dataclass
class Page:
    body: bytes
    headers: dict[str, str]


@dataclass
class Site:
    """The pages of one site, resolved once: URL (path and query) to bytes and headers."""

    name: str
    root: Path | None
    pages: dict[str, Page] = field(default_factory=dict)

    @classmethod
    def from_folder(cls, name: str, root: Path, make: Mapping[str, Callable[[str, str], bytes]] | None = None) -> Site:
        """Read a site folder; ``make`` turns a ``generate`` entry's text into bytes, by file extension."""
        config: dict[str, Any] = {}
        if (root / "site.yml").is_file():
            config = yaml.safe_load((root / "site.yml").read_text(encoding="utf-8")) or {}
        site = cls(name, root)
        headers = config.get("headers") or {}
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root).as_posix()
            if path.is_file() and rel != "site.yml" and not rel.startswith("_"):
                site.add("/" + rel, path.read_bytes())
                if rel.endswith("index.html"):
                    site.add("/" + rel[: -len("index.html")], path.read_bytes())
        for url, target in (config.get("routes") or {}).items():
            site.add(url, (root / target).read_bytes(), filename=target)
        for entry in config.get("generate") or []:
            ext = Path(entry["path"]).suffix.lower()
            if make is None or ext not in make:
                raise ValueError(f"{root / 'site.yml'}: no generator for {ext} files ({entry['path']})")
            source = root / entry["from"]
            title = entry.get("title", "")
            site.add(entry["path"], make[ext](source.read_text(encoding="utf-8"), title))
        for url, extra in headers.items():
            if url not in site.pages:
                raise ValueError(f"{root / 'site.yml'}: headers for {url}, which the site does not have")
            site.pages[url].headers.update({str(k): str(v) for k, v in extra.items()})
        return site

    def add(self, url: str, body: bytes, filename: str | None = None, content_type: str | None = None) -> None:
        suffix = Path(urlsplit(filename or url).path).suffix.lower()
        if content_type is None:
            if suffix in _TEXT_TYPES:
                content_type = f"{_TEXT_TYPES[suffix]}; charset=utf-8"
            else:
                content_type = _BINARY_TYPES.get(suffix) or mimetypes.guess_type(url)[0] or "text/html; charset=utf-8"
        self.pages[url] = Page(body, {"Content-Type": content_type})


class _Handler(BaseHTTPRequestHandler):
    server: _SiteHTTPServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        owner = self.server.owner
        site = self.server.site
        owner.record(site.name, self.path, self.headers.get("User-Agent", ""))
        if owner.delay:
            time.sleep(owner.delay)
        page = site.pages.get(self.path) or site.pages.get(unquote(urlsplit(self.path).path))
        if page is None:
            body = b"<html><body><h1>404</h1></body></html>"
            self.send_response(HTTPStatus.NOT_FOUND)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        status = int(page.headers.get("X-Status", 200))
        self.send_response(status)
        for key, value in page.headers.items():
            if key != "X-Status":
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(page.body)))
        self.end_headers()
        self.wfile.write(page.body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet: the log is kept in memory
        pass


class _SiteHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, site: Site, owner: SiteServer, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.site = site
        self.owner = owner

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A crawler that hangs up mid-response (a stopped crawl) is no server error worth a traceback."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass
class Hit:
    site: str
    path: str
    user_agent: str


class SiteServer:
    """Serves several sites at once, each on its own port of 127.0.0.1, in background threads.

    Use it as a context manager; ``urls`` maps each site's name to its base URL (``http://127.0.0.1:PORT/``).
    With ``first_port``, the sites take the ports from there on when they are free (so their URLs, which the store
    keeps, stay the same from one run to the next), else any free port.
    """

    def __init__(self, sites: list[Site], delay: float = 0.0, first_port: int | None = None) -> None:
        self.sites = sites
        self.delay = delay
        self.first_port = first_port
        self.urls: dict[str, str] = {}
        self.log: list[Hit] = []
        self._lock = threading.Lock()
        self._servers: list[_SiteHTTPServer] = []

    def record(self, site: str, path: str, user_agent: str) -> None:
        with self._lock:
            self.log.append(Hit(site, path, user_agent))

    def fetched(self, site: str | None = None) -> list[str]:
        """The paths requested so far, in order, optionally of one site."""
        with self._lock:
            return [h.path for h in self.log if site is None or h.site == site]

    def _bind(self, site: Site, index: int) -> _SiteHTTPServer:
        if self.first_port is not None:
            try:
                return _SiteHTTPServer(site, self, self.first_port + index)
            except OSError:
                pass
        return _SiteHTTPServer(site, self)

    def start(self) -> dict[str, str]:
        for index, site in enumerate(self.sites):
            server = self._bind(site, index)
            threading.Thread(target=server.serve_forever, name=f"site-{site.name}", daemon=True).start()
            self._servers.append(server)
            self.urls[site.name] = f"http://127.0.0.1:{server.server_address[1]}/"
        return self.urls

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers.clear()

    def __enter__(self) -> SiteServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
