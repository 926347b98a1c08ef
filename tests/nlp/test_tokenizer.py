"""The underthesea-backed spaCy tokenizer: Vietnamese words, exact offsets."""

import pytest
import spacy

import nlp.tokenizer  # noqa: F401


@pytest.fixture(scope="module")
def blank():
    return spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "chidao.VietnameseTokenizer.v1",
                                                           "segment": "all"}}})


def test_multi_syllable_words_are_single_tokens(blank):
    doc = blank("Bộ Tài chính chủ trì, phối hợp với các địa phương.")
    words = [t.text for t in doc]
    assert "Tài chính" in words and "chủ trì" in words and "phối hợp" in words


def test_doc_text_and_offsets_are_the_input(blank):
    text = "Uỷ ban nhân dân tỉnh Hoà Bình\r\n\n  báo cáo trước ngày 30/6/2024.\t Xong"
    doc = blank(text)
    assert doc.text == text
    for tok in doc:
        assert text[tok.idx:tok.idx + len(tok.text)] == tok.text


def test_candidate_mode_only_segments_trigger_paragraphs():
    nlp_ = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "chidao.VietnameseTokenizer.v1"}}})
    doc = nlp_("Hội nghị diễn ra tại Hà Nội.\n\nBộ Tài chính cần khẩn trương hoàn thành.")
    words = [t.text for t in doc]
    assert "Hà" in words and "Nội" in words  # not a candidate: syllables
    assert "Tài chính" in words  # a candidate: words
