"""The offline example sites ``chidao demo`` crawls, shipped as package data.

``sites/`` models each source family's real pages: the Government news portal (``baochinhphu``: category listings
with pagination, articles with share buttons, related boxes and comments, a robots.txt that disallows previews),
the legal-document portal (``vanban``: a listing table, document pages with the metadata table and PDF/DOCX
attachments made when served, an old page in Windows-1258), and provincial portals, newspapers and a blog under
``article/`` (an RSS feed, a sitemap index, SharePoint pages, a page that repeats its body, an archived page in
TCVN3, an Atom feed with reader comments). Their content is the five seed articles of ``examples/`` and texts
written for the demo, marked on every page as illustrative.

A site folder is named after the source it stands for; ``local_sources`` rewrites the real sources file so every
URL points at the local server instead, so the demo crawls with the real selectors and patterns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import yaml

from pipeline.demo.files import MAKERS
from pipeline.demo.server import Site, SiteServer

__all__ = ["SITES_DIR", "Site", "SiteServer", "load_sites", "local_sources", "site_folders"]

SITES_DIR = Path(str(resources.files("pipeline").joinpath("demo", "sites")))


def site_folders(root: Path = SITES_DIR) -> dict[str, Path]:
    """Every site under ``root``, by name: a folder holding a robots.txt is a site."""
    return {p.parent.name: p.parent for p in sorted(root.rglob("robots.txt"))}


def load_sites(names: Iterable[str] | None = None, root: Path = SITES_DIR) -> list[Site]:
    """The sites, ready to serve (their PDF and DOCX attachments made now)."""
    folders = site_folders(root)
    chosen = list(names) if names is not None else list(folders)
    missing = [n for n in chosen if n not in folders]
    if missing:
        raise KeyError(f"no example site for {', '.join(missing)} under {root}")
    return [Site.from_folder(name, folders[name], MAKERS) for name in chosen]


def _localise(url: str, base: str) -> str:
    target = urlsplit(base)
    parts = urlsplit(url)
    return urlunsplit((target.scheme, target.netloc, parts.path, parts.query, parts.fragment))


def local_sources(urls: Mapping[str, str], sources_file: Path | None = None,
                  extra: Iterable[Path] = ()) -> dict:
    """The sources file (the bundled one by default) with each served source's URLs moved to its local site.

    ``extra`` files add sources (tests use it for their own sites). Sources without a local site are left out;
    ``allowed_domains`` becomes the local host.
    """
    path = sources_file or Path(str(resources.files("crawler").joinpath("sources.yml")))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    listed = list(data["sources"])
    for more in extra:
        listed += yaml.safe_load(more.read_text(encoding="utf-8"))["sources"]
    kept = []
    for source in listed:
        base = urls.get(source["name"])
        if base is None:
            continue
        source = dict(source)
        for key in ("listings", "sitemaps", "feeds", "start_urls"):
            if source.get(key):
                source[key] = [_localise(u, base) for u in source[key]]
        source["allowed_domains"] = [urlsplit(base).hostname]
        kept.append(source)
    return {"families": data["families"], "sources": kept}


def write_local_sources(urls: Mapping[str, str], target: Path, sources_file: Path | None = None,
                        extra: Iterable[Path] = ()) -> Path:
    """``local_sources`` written to ``target``, for ``--sources`` or ``CHIDAO_SOURCES``."""
    target.write_text(yaml.safe_dump(local_sources(urls, sources_file, extra), allow_unicode=True, sort_keys=False),
                      encoding="utf-8")
    return target
