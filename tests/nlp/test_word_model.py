"""chidao's decoding of underthesea's word segmenter gives underthesea's own tags and syllables."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.tokenizer import _BLOCK_RE, _model_dir, _syllable_re, _syllable_spans, segment_words, word_model

TRICKY = [
    "Bộ Tài chính chủ trì, phối hợp với Bộ Kế hoạch và Đầu tư hoàn thành trước ngày 30/6/2025.",
    "UBND tỉnh Quảng Trị; Sở Y tế. TP.HCM, Th.S Nguyễn Văn A, e-mail: a@b.vn, http://chinhphu.vn/x?y=1",
    "Giao",
    "1.295 cuộc thanh tra (11%), 8.500 tỉ đồng, 43H-0530, 4K, v.v... ==> kinh tế-xã hội",
    "THỦ TƯỚNG CHÍNH PHỦ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Thành phố Hồ Chí Minh cần khẩn trương triển khai chương trình nhà ở xã hội",
]


@pytest.fixture(scope="module")
def crf():
    from underthesea.models.fast_crf_sequence_tagger import FastCRFSequenceTagger

    model = FastCRFSequenceTagger()
    model.load(_model_dir())
    return model


def _paragraphs(texts):
    for text in texts:
        for block in _BLOCK_RE.finditer(text):
            words = [block.group()[a:b] for a, b in _syllable_spans(block.group())]
            if words:
                yield words


def test_tags_are_underthesea_tags(repo_root, crf):
    texts = TRICKY + [p.read_text(encoding="utf-8") for p in sorted((repo_root / "examples").glob("*.txt"))]
    paragraphs = list(_paragraphs(texts))
    ours = word_model().inside(paragraphs)
    theirs = [[tag == "I-W" for tag in crf.predict([[w] for w in words])] for words in paragraphs]
    assert sum(map(len, paragraphs)) > 5000
    assert ours == theirs


def test_words_are_whole():
    text = "Bộ Tài chính chủ trì, phối hợp với các địa phương."
    words = [text[a:b] for a, b in segment_words(text)]
    assert "Tài chính" in words and "chủ trì" in words and "phối hợp" in words and "địa phương" in words


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aăâbcdđeêoôơuưyàáảãạỳýThSĐUBND.,;-:/@&'’ʺ0123456789()%<>=♥x \n\t°CF_+×MrDp", max_size=40))
def test_syllables_are_underthesea_syllables(text):
    assert _syllable_spans(text) == [m.span() for m in _syllable_re().finditer(text)]


def test_no_word_crosses_a_line_break():
    text = "Bộ Tài\nchính"  # the CRF tags "chính" inside the word "Tài chính" (the line break is no syllable)
    assert word_model().inside([["Bộ", "Tài", "chính"]]) == [[False, False, True]]
    assert [text[a:b] for a, b in segment_words(text)] == ["Bộ", "Tài", "chính"]
