"""Offset-preserving normalisation and page-furniture masking."""

import pytest

from nlp.text import body_key, mask_noise, match_form, noise_spans, strip_marks


@pytest.mark.parametrize("text", [
    "Hoà bình, UỶ BAN “Khoá” – Thuỷ lợi\u00a0quý, Quý; hoàn thành\tĐÚNG HẠN",
    "QUÝ II/2024 — trước ngày 30‑6‑2024, «hoà giải» uỵ, oà",
    "İstanbul and ǅ, ﬁ ligatures",
])
def test_match_form_keeps_length(text):
    assert len(match_form(text)) == len(text)


def test_match_form_folds_old_tone_placement_and_case():
    assert match_form("Uỷ ban nhân dân tỉnh Khánh Hoà") == "ủy ban nhân dân tỉnh khánh hòa"
    assert match_form("quý II") == "quý ii"  # "uý" after q is not an old tone placement


def test_strip_marks_for_search_without_diacritics():
    assert strip_marks("Bộ Nội vụ đầu tư") == "Bo Noi vu dau tu"


def test_body_key_is_the_scorers_key():
    assert body_key("Bộ Lao động-Thương binh và Xã hội") == body_key("bộ lao động - thương binh và xã hội")
    assert body_key("Uỷ ban nhân dân tỉnh Hoà Bình") == body_key("Ủy ban nhân dân tỉnh Hòa Bình")


def test_gazette_page_furniture_is_blanked_in_place():
    text = ("đẩy mạnh chuyển đổi số \nKý bởi: CÔNG BÁO NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Cơ quan: VĂN PHÒNG CHÍNH PHỦ\nNgày ký: 2024-03-15 08:05:48 +07:00\n"
            "CÔNG BÁO/Số 112/Ngày 15-03-2024 \n18 \ntrong các cơ quan nhà nước.")
    masked = mask_noise(text)
    assert len(masked) == len(text)
    assert "CÔNG BÁO" not in masked and "Ký bởi" not in masked and "\n18 \n" not in masked
    assert masked.startswith("đẩy mạnh chuyển đổi số") and masked.endswith("trong các cơ quan nhà nước.")
    assert len(noise_spans(text)) == 5


def test_a_number_line_without_a_gazette_header_is_text():
    text = "Kết quả đạt được:\n18\nđơn vị hoàn thành."
    assert mask_noise(text) == text
