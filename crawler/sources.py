"""Sources as data: reading ``sources.yml`` into typed records the spiders crawl.

A source file holds ``families`` (what one kind of site has in common: its spider, kind and selectors) and
``sources`` (one site each). A file without ``families`` borrows them from the bundled ``crawler/sources.yml``, so a
small file can list a few sites of known families (the demo does). Errors name the file, the source and the field.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urljoin, urlsplit

import yaml

SOURCES_ENV = "CHIDAO_SOURCES"  # a sources file to read instead of the bundled one
_URL_LISTS = ("listings", "sitemaps", "feeds", "start_urls")
_KINDS = ("article", "document")


class SourceError(ValueError):
    """A sources file that cannot be used, with the reason."""


@dataclass(frozen=True)
class Family:
    """What the sites one spider crawls have in common."""

    name: str
    kind: str
    selectors: Mapping[str, tuple[str, ...]]
    options: Mapping[str, Any]  # everything else the family declares (metadata_labels, article_signals...)


@dataclass(frozen=True)
class Source:
    """One site to crawl."""

    name: str
    spider: str
    kind: str
    title: str
    allowed_domains: tuple[str, ...]
    listings: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    start_urls: tuple[str, ...] = ()
    article_pattern: str | None = None
    follow_pattern: str | None = None
    selectors: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)

    def selector(self, key: str) -> tuple[str, ...]:
        return self.selectors.get(key, ())

    def urls(self) -> tuple[str, ...]:
        return self.listings + self.sitemaps + self.feeds + self.start_urls


def default_path() -> Path:
    """The sources file in effect: ``$CHIDAO_SOURCES`` or the bundled ``crawler/sources.yml``."""
    env = os.environ.get(SOURCES_ENV)
    return Path(env) if env else Path(str(resources.files("crawler").joinpath("sources.yml")))


def _as_tuple(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise SourceError(f"{where}: want a string or a list of strings, got {value!r}")


def _selectors(raw: Any, where: str) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise SourceError(f"{where}: want a mapping of selectors, got {type(raw).__name__}")
    return {str(key): _as_tuple(value, f"{where}.{key}") for key, value in raw.items()}


def _families(raw: Any, where: str) -> dict[str, Family]:
    if not isinstance(raw, dict):
        raise SourceError(f"{where}: `families` must be a mapping")
    out = {}
    for name, body in raw.items():
        body = dict(body or {})
        kind = body.pop("kind", "article")
        if kind not in _KINDS:
            raise SourceError(f"{where}: family {name}: kind must be one of {_KINDS}, got {kind!r}")
        selectors = _selectors(body.pop("selectors", None), f"{where}: family {name}: selectors")
        out[name] = Family(name, kind, MappingProxyType(selectors), MappingProxyType(body))
    return out


def _resolve(urls: tuple[str, ...], base: str | None, where: str) -> tuple[str, ...]:
    out = []
    for url in urls:
        if base:
            url = urljoin(base, url)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SourceError(f"{where}: not an absolute http(s) URL: {url!r}")
        out.append(url)
    return tuple(out)


def _source(raw: Any, families: Mapping[str, Family], where: str) -> Source:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise SourceError(f"{where}: each source needs a `name`")
    name = raw["name"]
    where = f"{where}: source {name}"
    spider = raw.get("spider")
    if spider not in families:
        raise SourceError(f"{where}: `spider` must be one of {sorted(families)}, got {spider!r}")
    family = families[spider]
    base = raw.get("base_url")
    lists = {key: _resolve(_as_tuple(raw.get(key), f"{where}.{key}"), base, f"{where}.{key}") for key in _URL_LISTS}
    if not any(lists.values()):
        raise SourceError(f"{where}: give at least one of {', '.join(_URL_LISTS)}")
    domains = _as_tuple(raw.get("allowed_domains"), f"{where}.allowed_domains")
    if not domains:  # the hosts of its own URLs
        domains = tuple(dict.fromkeys(urlsplit(u).hostname or "" for urls in lists.values() for u in urls))
    selectors = dict(family.selectors)
    selectors.update(_selectors(raw.get("selectors"), f"{where}.selectors"))
    options = dict(family.options)
    options.update(raw.get("options") or {})
    kind = raw.get("kind", family.kind)
    if kind not in _KINDS:
        raise SourceError(f"{where}: kind must be one of {_KINDS}, got {kind!r}")
    return Source(
        name=name, spider=spider, kind=kind, title=str(raw.get("title") or name), allowed_domains=domains,
        article_pattern=raw.get("article_pattern"), follow_pattern=raw.get("follow_pattern"),
        selectors=MappingProxyType(selectors), options=MappingProxyType(options), **lists,
    )


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourceError(f"{path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise SourceError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise SourceError(f"{path}: want a mapping with a `sources` list")
    return data


def load_sources(path: str | Path | None = None) -> dict[str, Source]:
    """The sources of a file, by name, in file order."""
    path = Path(path) if path else default_path()
    data = _read(path)
    if "families" in data:
        families = _families(data["families"], str(path))
    else:
        bundled = Path(str(resources.files("crawler").joinpath("sources.yml")))
        families = _families(_read(bundled)["families"], str(bundled))
    out: dict[str, Source] = {}
    for raw in data["sources"]:
        source = _source(raw, families, str(path))
        if source.name in out:
            raise SourceError(f"{path}: source {source.name} is listed twice")
        out[source.name] = source
    return out


def select(sources: Mapping[str, Source], names: Iterable[str] | None, spider: str | None = None) -> list[Source]:
    """The sources named (all when none are), optionally of one spider; an unknown name is an error."""
    names = [n for n in (names or []) if n]
    unknown = [n for n in names if n not in sources]
    if unknown:
        raise SourceError(f"unknown source(s): {', '.join(unknown)} (known: {', '.join(sources)})")
    chosen = [sources[n] for n in names] if names else list(sources.values())
    return [s for s in chosen if spider is None or s.spider == spider]
