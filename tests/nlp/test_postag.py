"""chidao's POS tagging path gives underthesea's ``pos_tag`` output, words and tags."""

from __future__ import annotations

import pytest

from nlp.postag import features, pos_tags

SENTENCES = [
    "Bộ Tài chính chủ trì, phối hợp với Bộ Kế hoạch và Đầu tư hoàn thành trước ngày 30/6/2025.",
    "đồng thời rà soát, đánh giá tình hình thực hiện các dự án đầu tư công trên địa bàn",
    "Giao",
    "UBND tỉnh Quảng Trị; Sở Y tế. TP.HCM, Th.S Nguyễn Văn A",
    "tổ chức thực hiện nghiêm túc, hiệu quả Nghị quyết số 68-NQ/TW của Bộ Chính trị",
    "1.295 cuộc thanh tra (11%), 8.500 tỉ đồng",
    "các bộ, ngành, địa phương theo chức năng, nhiệm vụ được giao",
]


@pytest.mark.parametrize("sentence", SENTENCES)
def test_tags_are_underthesea_tags(sentence):
    from underthesea import pos_tag

    assert pos_tags(sentence) == [tuple(x) for x in pos_tag(sentence)]


def test_features_are_underthesea_features():
    from underthesea.pipeline.pos_tag.model_crf import CRFPOSTagPredictor

    words = ["Bộ", "Tài chính", "chủ trì", ",", "hướng dẫn", "các", "địa phương"]
    theirs = CRFPOSTagPredictor.Instance().transformer.transform([[(w, "X") for w in words]])[0][0]
    assert features(words) == theirs


def test_empty_text_has_no_tags():
    assert pos_tags("   ") == []
