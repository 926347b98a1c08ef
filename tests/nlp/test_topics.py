"""Topics: the taxonomy as data, matched on folded text, set on directives by the chidao_topics component."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

import nlp.components.topics  # noqa: F401  (registers chidao_topics)
from nlp.data import load_yaml
from nlp.records import BodyMention, Directive
from nlp.topics import fold, label, taxonomy, topic, topics_of


def test_taxonomy_is_about_fifteen_topics_with_unique_ids():
    ids = [t.id for t in taxonomy()]
    assert 12 <= len(ids) <= 20
    assert len(set(ids)) == len(ids)
    for required in ("cai-cach-hanh-chinh", "chuyen-doi-so", "dau-tu-cong", "dat-dai", "y-te", "giao-duc",
                     "giao-thong", "nang-luong", "tai-chinh-ngan-sach", "nong-nghiep", "moi-truong",
                     "an-sinh-xa-hoi", "thien-tai", "doanh-nghiep"):
        assert required in ids


def test_keywords_are_not_lone_syllables_that_fold_into_common_words():
    # "bão" folds to "bao" (bảo đảm, báo cáo), "đất" to "dat" (đạt): such keywords would tag everything.
    for entry in load_yaml("topics.yml")["topics"]:
        for kw in entry["keywords"]:
            assert len(fold(kw).split()) >= 2 or kw.isupper() or len(kw) >= 5, (entry["id"], kw)


@pytest.mark.parametrize(("text", "expected"), [
    ("Đẩy mạnh cải cách thủ tục hành chính, cắt giảm điều kiện kinh doanh", {"cai-cach-hanh-chinh"}),
    ("Khẩn trương giải ngân vốn đầu tư công, hoàn thành trong quý III", {"dau-tu-cong"}),
    ("Tập trung giải phóng mặt bằng các dự án trọng điểm", {"dat-dai", "dau-tu-cong"}),
    ("Triển khai các nhiệm vụ chuyển đổi số, xây dựng cơ sở dữ liệu dân cư", {"chuyen-doi-so"}),
    ("Sơ tán người dân khỏi vùng nguy cơ sạt lở đất trước cơn bão số 3", {"thien-tai"}),
    ("Bảo đảm cung ứng điện cho sản xuất trong mùa khô", {"nang-luong"}),
])
def test_topics_of_text(text, expected):
    assert set(topics_of(text)) == expected


def test_matching_ignores_marks_and_case():
    assert topics_of("DAY MANH CHUYEN DOI SO") == ["chuyen-doi-so"]
    assert topics_of("Đẩy mạnh Chuyển Đổi Số") == ["chuyen-doi-so"]


def test_whole_words_only_and_no_false_friends():
    assert topics_of("Bảo đảm báo cáo đạt kết quả tốt") == []  # bảo/báo are not bão, đạt is not đất
    assert topics_of("toàn diện các mặt công tác") == []  # diện is not điện


def test_excluded_phrases():
    assert "moi-truong" not in topics_of("Cải thiện môi trường kinh doanh, môi trường đầu tư")
    assert "moi-truong" in topics_of("Xử lý ô nhiễm môi trường tại các làng nghề")


def test_ignored_ranges_are_not_read():
    text = "Bộ Nông nghiệp và Môi trường báo cáo Thủ tướng"
    assert topics_of(text) != []
    assert topics_of(text, ignore=[(0, len("Bộ Nông nghiệp và Môi trường"))]) == []


def test_topic_lookup_by_id_label_or_folded_label():
    assert topic("chuyen-doi-so").label == "chuyển đổi số"
    assert topic("Chuyển đổi số").id == "chuyen-doi-so"
    assert topic("chuyen doi so").id == "chuyen-doi-so"
    assert topic("no such topic") is None
    assert label("dat-dai") == "đất đai"
    assert label("unknown") == "unknown"


def test_component_sets_topics_on_directives():
    nlp = spacy.blank("xx")
    for name in ("directives", "body_mentions"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    nlp.add_pipe("chidao_topics")
    text = "Bộ Y tế chủ trì rà soát thủ tục hành chính. Bộ Tài chính bố trí vốn đầu tư công."
    doc = nlp.make_doc(text)
    first, second = text.split(". ")
    doc._.directives = [Directive(text=first, start=0, end=len(first)),
                        Directive(text=second, start=len(first) + 2, end=len(text))]
    at = text.index("Bộ Tài chính")
    doc._.body_mentions = [BodyMention(0, 7, "Bộ Y tế", "Bộ Y tế"),
                           BodyMention(at, at + 12, "Bộ Tài chính", "Bộ Tài chính")]
    nlp.get_pipe("chidao_topics")(doc)
    assert doc._.directives[0].topics == ["cai-cach-hanh-chinh"]  # not y-te: that is the body's name
    assert doc._.directives[1].topics == ["dau-tu-cong"]  # not tai-chinh-ngan-sach: the body again


def test_every_keyword_finds_its_topic_through_the_word_prefilter():
    """The cue-word prefilter only skips topics that cannot match: each keyword, in any case and after any
    punctuation, still finds its topic."""
    checked = 0
    for t in taxonomy():
        for keyword in t.keywords:
            for text in (f"Các bộ triển khai {keyword} trong năm 2025.", f"({keyword.upper()})", keyword):
                view = t.exclude.sub(" ", fold(text)) if t.exclude else fold(text)
                if t.pattern.search(view):  # not an excluded phrase
                    assert t.id in topics_of(text), (t.id, text)
                    checked += 1
    assert checked >= 3 * sum(len(t.keywords) for t in taxonomy()) * 0.9
