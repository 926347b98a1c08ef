"""Paragraph, sentence and clause segmentation on layouts as they really arrive."""

from nlp.segment import RANK_ALPHA, RANK_DASH, RANK_NUM, segment
from nlp.text import mask_noise, noise_spans


def _texts(text):
    noise = noise_spans(text)
    masked = mask_noise(text)
    return [(p, masked[p.start:p.end]) for p in segment(masked, noise)]


def test_list_markers_open_items_with_ranks():
    text = "Thủ tướng yêu cầu:\n1. Bộ Y tế:\na) Rà soát danh mục thuốc.\nb) Báo cáo trước ngày 30/6.\n- Tăng cường kiểm tra.\n"
    paras = _texts(text)
    assert [t for _, t in paras] == ["Thủ tướng yêu cầu:", "Bộ Y tế:", "Rà soát danh mục thuốc.",
                                     "Báo cáo trước ngày 30/6.", "Tăng cường kiểm tra."]
    assert [p.rank for p, _ in paras[1:]] == [RANK_NUM, RANK_ALPHA, RANK_ALPHA, RANK_DASH]
    assert paras[2][0].marker == "a)"


def test_pdf_hard_line_breaks_are_joined():
    text = "Bộ Xây dựng chủ trì, phối hợp với các địa phương rà soát \nquy hoạch, hoàn thành trong quý III/2025.\n"
    (p, t), = _texts(text)
    assert t.startswith("Bộ Xây dựng") and t.endswith("quý III/2025.")


def test_page_furniture_inside_a_clause_is_transparent():
    text = ("a) Tổ chức kiểm tra việc thực hiện, đánh giá kết quả và \n"
            "CÔNG BÁO/Số 45/Ngày 02-02-2025 \n17 \n \nbáo cáo Thủ tướng Chính phủ.\n")
    paras = _texts(text)
    assert len(paras) == 1
    p, t = paras[0]
    assert t.startswith("Tổ chức") and t.endswith("Thủ tướng Chính phủ.")
    assert "CÔNG BÁO" not in t


def test_title_without_punctuation_stays_apart_from_the_paragraph():
    text = "Tăng tốc giải ngân vốn đầu tư công\n\nSáng 5/7, Phó Thủ tướng chủ trì cuộc họp. Phó Thủ tướng yêu cầu các bộ khẩn trương giải ngân.\n"
    paras = _texts(text)
    assert paras[0][0].heading and not paras[1][0].heading
    assert len(paras[1][0].sentences) == 2


def test_semicolons_split_clauses_and_abbreviations_do_not_end_sentences():
    text = "UBND TP. Hồ Chí Minh rà soát các dự án; báo cáo kết quả trước ngày 15/8. Sở Tài chính theo dõi.\n"
    (p, _), = _texts(text)
    assert len(p.sentences) == 2
    assert len(p.sentences[0].clauses) == 2


def test_crlf_offsets_point_into_the_original():
    text = "Thủ tướng yêu cầu:\r\n- Bộ Công an xử lý nghiêm vi phạm;\r\n- Bộ Y tế chuẩn bị thuốc.\r\n"
    paras = _texts(text)
    assert text[paras[1][0].start:paras[1][0].end] == "Bộ Công an xử lý nghiêm vi phạm;"
