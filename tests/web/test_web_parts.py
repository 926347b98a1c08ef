"""The web app's small parts on their own: highlighting, links, query strings, reorganisation counts."""

from __future__ import annotations

import pytest

from pipeline.web.highlight import Span, find_all, segments, sentence_bounds
from pipeline.web.reorg import Reorganisation, count_by_current_body
from pipeline.web.routers.accounts import safe_next
from pipeline.web.templating import make_templates, query_string, safe_url


def test_segments_cover_the_text_and_nest_spans():
    text = "Giao Bộ Nội vụ hoàn thành trước ngày 30/6."
    spans = [Span(5, 41, "directive"), Span(5, 14, "body", "Bộ Nội vụ"), Span(26, 41, "deadline", "2025-06-30")]
    parts = segments(text, spans)
    assert "".join(p.text for p in parts) == text
    assert [(p.text, p.kinds) for p in parts] == [
        ("Giao ", ()), ("Bộ Nội vụ", ("directive", "body")), (" hoàn thành ", ("directive",)),
        ("trước ngày 30/6", ("directive", "deadline")), (".", ())]
    assert parts[1].title == "Bộ Nội vụ"
    assert segments(text, [Span(3, 99, "body"), Span(5, 6, "nonsense")]) == segments(text, [])


def test_highlighted_markup_in_the_text_is_escaped():
    env = make_templates().env
    macro = env.get_template("_macros.html").module.hl
    html = str(macro(segments('<b onclick="x()">Bộ Y tế</b>', [Span(17, 24, "body", '"><script>')])))
    assert html == ('&lt;b onclick=&#34;x()&#34;&gt;<mark class="hl-body" title="&#34;&gt;&lt;script&gt;">Bộ Y tế'
                    '</mark>&lt;/b&gt;')


def test_find_all_ignores_case_and_diacritics_and_keeps_offsets():
    text = "UBND tỉnh Quảng Trị và BỘ TÀI CHÍNH; bo tai chinh"
    found = find_all(text, ["Bộ Tài chính"])
    assert [text[a:b] for a, b in found] == ["BỘ TÀI CHÍNH", "bo tai chinh"]
    assert find_all("Bộ Tài chính; Sở Tài chính", ["Tài chính", "Bộ Tài chính"]) == [(0, 12), (17, 26)]


def test_sentence_bounds_stop_at_sentence_and_line_breaks():
    text = "Mở đầu. Bộ Y tế bảo đảm thuốc, báo cáo trước ngày 5/5. Câu sau.\nDòng mới"
    a, b = sentence_bounds(text, 8, 29)
    assert text[a:b] == "Bộ Y tế bảo đảm thuốc, báo cáo trước ngày 5/5."


@pytest.mark.parametrize(("url", "link"), [
    ("https://baochinhphu.vn/x.htm", "https://baochinhphu.vn/x.htm"),
    ("javascript:alert(1)", None), (" JavaScript:alert(1)", None), ("data:text/html,<script>", None),
    ("file:///etc/passwd", None), ("//evil.example/x", None), ("http://[bad", None), (None, None),
])
def test_only_web_addresses_become_links(url, link):
    assert safe_url(url) == link


def test_login_only_returns_to_pages_of_this_site():
    assert safe_next("/search?q=x") == "/search?q=x"
    for target in ("//evil.example", "https://evil.example", "/\\evil.example", "", None):
        assert safe_next(target) == "/review"


def test_query_strings_repeat_lists_and_drop_empty_values():
    assert query_string({"q": "bộ nội vụ", "status": ["pending", "edited"], "body": ""}, cursor=7) == (
        "?q=b%E1%BB%99+n%E1%BB%99i+v%E1%BB%A5&status=pending&status=edited&cursor=7")
    assert query_string({"topic": "y-te"}, topic=None) == "?"


def test_tasks_of_merged_bodies_count_for_every_body_that_took_them_over():
    reorg = Reorganisation(successors={"Bộ KH&ĐT": ["Bộ Tài chính"], "Bộ LĐTBXH": ["Bộ Nội vụ", "Bộ Y tế"]},
                           ended={})
    pairs = [(1, "Bộ Tài chính"), (2, "Bộ KH&ĐT"), (2, "Bộ Tài chính"), (3, "Bộ LĐTBXH"), (4, "Bộ Nội vụ")]
    counts = {c.name: (c.count, c.former) for c in count_by_current_body(pairs, reorg)}
    assert counts == {"Bộ Tài chính": (2, {"Bộ KH&ĐT": 1}), "Bộ Nội vụ": (2, {"Bộ LĐTBXH": 1}),
                      "Bộ Y tế": (1, {"Bộ LĐTBXH": 1})}
