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


@pytest.mark.parametrize("text", ["Th S", "ThS. Nguyễn Văn A, Th.S Lê B", "đây. Tp. Huế: 2025 (x) v.v. Mr. An"])
def test_syllables_never_cross_whitespace_or_overlap(text):
    """underthesea's "Th.S" pattern reads any character after "Th", a space included; chidao's syllables stay
    inside their whitespace-separated chunk, so tokens never overlap."""
    from nlp.tokenizer import _syllable_spans

    spans = _syllable_spans(text)
    assert all(not any(c.isspace() for c in text[s:e]) for s, e in spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert "".join(text[s:e] for s, e in spans) == "".join(text.split())


def test_token_offsets_are_left_on_the_doc(blank):
    from nlp.tokenizer import token_offsets

    doc = blank("Bộ Tài chính  chủ trì,\n\nphối hợp.")
    offsets = token_offsets(doc)
    assert offsets.text == doc.text
    words = [t for t in doc if not t.is_space]
    assert offsets.word_starts == [t.idx for t in words]
    assert offsets.word_ends == [t.idx + len(t.text) for t in words]
    assert offsets.starts == {t.idx for t in doc}
