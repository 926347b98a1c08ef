"""Sources as data: the bundled file loads, bad files fail with the file, source and field named."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from crawler.sources import SourceError, load_sources, select
from pipeline.demo import SITES_DIR, local_sources, site_folders


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "sources.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_bundled_sources_cover_the_three_families():
    sources = load_sources()
    assert {s.spider for s in sources.values()} == {"baochinhphu", "vanban", "article"}
    assert {"baochinhphu", "vanban", "baoquangtri", "yenbai", "plo", "tcnn", "trelang"} <= set(sources)
    vanban = sources["vanban"]
    assert vanban.kind == "document" and "datafiles.chinhphu.vn" in vanban.allowed_domains
    assert vanban.options["metadata_labels"]["số ký hiệu"] == "number"
    trelang = sources["trelang"]
    assert trelang.selector("body") == (".post-body",)  # the source's own selector
    assert "#comments" in trelang.selector("drop")  # and the family's


def test_every_bundled_source_has_an_example_site():
    assert set(load_sources()) == set(site_folders(SITES_DIR))


def test_a_small_file_borrows_the_bundled_families(tmp_path):
    path = write(tmp_path, {"sources": [{"name": "x", "spider": "article", "base_url": "http://127.0.0.1:8000/",
                                         "feeds": ["/rss.xml"]}]})
    [source] = load_sources(path).values()
    assert source.feeds == ("http://127.0.0.1:8000/rss.xml",)
    assert source.allowed_domains == ("127.0.0.1",)
    assert source.kind == "article" and source.selector("title")


@pytest.mark.parametrize(("source", "message"), [
    ({"name": "x", "spider": "nope", "feeds": ["http://a.vn/rss"]}, "source x: `spider` must be one of"),
    ({"name": "x", "spider": "article"}, "source x: give at least one of"),
    ({"name": "x", "spider": "article", "feeds": ["ftp://a.vn/rss"]}, "source x.feeds: not an absolute http(s) URL"),
    ({"name": "x", "spider": "article", "feeds": "http://a.vn/rss", "selectors": {"body": 3}}, "x.selectors.body"),
    ({"spider": "article"}, "each source needs a `name`"),
])
def test_bad_sources_are_named(tmp_path, source, message):
    path = write(tmp_path, {"sources": [source]})
    with pytest.raises(SourceError) as failure:
        load_sources(path)
    assert str(path) in str(failure.value) and message in str(failure.value)


def test_unreadable_files(tmp_path):
    with pytest.raises(SourceError, match="not valid YAML"):
        (tmp_path / "bad.yml").write_text("sources: [", encoding="utf-8")
        load_sources(tmp_path / "bad.yml")
    with pytest.raises(SourceError, match="want a mapping with a `sources` list"):
        load_sources(write(tmp_path, {"families": {}}))


def test_select_by_name_and_spider():
    sources = load_sources()
    assert [s.name for s in select(sources, ["plo", "vanban"])] == ["plo", "vanban"]
    assert [s.name for s in select(sources, ["plo", "vanban"], spider="article")] == ["plo"]
    with pytest.raises(SourceError, match="unknown source\\(s\\): nope"):
        select(sources, ["plo", "nope"])


def test_local_sources_point_every_url_at_its_site():
    data = local_sources({"plo": "http://127.0.0.1:4567/", "tcnn": "http://127.0.0.1:4568/"})
    assert [s["name"] for s in data["sources"]] == ["plo", "tcnn"]
    plo = data["sources"][0]
    assert plo["sitemaps"] == ["http://127.0.0.1:4567/sitemap.xml"]
    assert plo["allowed_domains"] == ["127.0.0.1"]
    assert plo["article_pattern"] == load_sources()["plo"].article_pattern
