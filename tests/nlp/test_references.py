"""Citations of numbered documents (EXTRACTION.md sections 6 and 9.5)."""

from __future__ import annotations

import pytest

from nlp.references import find_references, normalise_number, type_from_code


def _one(text: str, **kw):
    refs = find_references(text, **kw)
    assert len(refs) == 1, [r.number for r in refs]
    return refs[0]


@pytest.mark.parametrize(
    ("sentence", "number", "rtype", "iso"),
    [
        # type word before the number, date in words right after it
        (
            "Căn cứ Quyết định số 1512/QĐ-TTg ngày 06 tháng 01 năm 2022 của Thủ tướng Chính phủ;",
            "1512/QĐ-TTg",
            "Quyết định",
            "2022-01-06",
        ),
        # date in digits
        (
            "Thực hiện Nghị quyết số 97/NQ-CP ngày 21/4/2023 của Chính phủ, Bộ đã ban hành kế hoạch.",
            "97/NQ-CP",
            "Nghị quyết",
            "2023-04-21",
        ),
        # number with a year, no date
        ("Sửa đổi Nghị định số 08/2012/NĐ-CP về đăng ký doanh nghiệp.", "08/2012/NĐ-CP", "Nghị định", None),
        # Party numbering with a hyphen
        ("Quán triệt Kết luận số 27-KL/TW ngày 10-3-2022 của Bộ Chính trị.", "27-KL/TW", "Kết luận", "2022-03-10"),
        # a body's abbreviation as the code: an official letter
        ("Theo Công văn số 73/TTg-CN ngày 25 tháng 01 năm 2024,", "73/TTg-CN", "Công văn", "2024-01-25"),
        ("Bộ đã có văn bản số 2215/BKHCN-CNCNTT gửi các địa phương.", "2215/BKHCN-CNCNTT", "Công văn", None),
        # a multi-part code: the type read from its first part
        (
            "Theo đề nghị của Giám đốc Công an tỉnh tại Tờ trình số 845/TTr-CAT-PC06.",
            "845/TTr-CAT-PC06",
            "Tờ trình",
            None,
        ),
        # a named law: the type word is a few words back
        ("Thi hành Luật Trật tự, an toàn giao thông đường bộ số 36/2024/QH15.", "36/2024/QH15", "Luật", None),
        # the type word wins over the code ("QH" would say Luật)
        ("Thực hiện Nghị quyết số 119/2024/QH15 của Quốc hội.", "119/2024/QH15", "Nghị quyết", None),
        # no type word: the code tells
        ("Triển khai 1430/CĐ-TTg, các tỉnh đã sơ tán dân.", "1430/CĐ-TTg", "Công điện", None),
        ("Tiếp tục thực hiện 52-CT/TW trong toàn Đảng bộ.", "52-CT/TW", "Chỉ thị", None),
        # short numbers as printed
        ("Chính phủ ban hành Nghị quyết 36a về Chính phủ điện tử.", "36a", "Nghị quyết", None),
        ("Doanh nghiệp vướng mắc khi áp dụng Nghị định 157.", "157", "Nghị định", None),
        ("Các bộ bám sát Nghị quyết số 01 của Chính phủ.", "01", "Nghị quyết", None),
        # an all-capitals title
        ("THỰC HIỆN CHỈ THỊ SỐ 45-CT/TW NGÀY 03 THÁNG 10 NĂM 2025 CỦA BAN BÍ THƯ", "45-CT/TW", "Chỉ thị", "2025-10-03"),
    ],
)
def test_citation(sentence: str, number: str, rtype: str, iso: str | None) -> None:
    r = _one(sentence)
    assert (r.number, r.type, r.date) == (number, rtype, iso)
    assert sentence[r.start : r.end] == r.text


def test_date_across_a_line_break() -> None:
    text = "Thực hiện Nghị quyết số 01/NQ-CP ngày 05 \ntháng 01 năm 2024 của Chính phủ, công tác thu"
    r = _one(text)
    assert r.date == "2024-01-05"
    assert r.text.startswith("Nghị quyết số 01/NQ-CP") and r.text.endswith("2024")


def test_space_after_slash_and_lookalike_d_are_normalised() -> None:
    text = "tại Văn bản số \n4410/ BKHCN-CNCNTT và Quyết định số 933/QÐ-TTg"  # "Ð" is U+00D0
    assert [r.number for r in find_references(text)] == ["4410/BKHCN-CNCNTT", "933/QĐ-TTg"]


def test_span_covers_the_cited_date() -> None:
    text = "Căn cứ Chỉ thị số 05/CT-TTg ngày 23 tháng 02 năm 2023 của Thủ tướng Chính phủ"
    r = _one(text)
    assert r.text == "Chỉ thị số 05/CT-TTg ngày 23 tháng 02 năm 2023"


def test_own_number_from_parameter_and_header_line() -> None:
    text = (
        "Số: 186/KH-UBND\nNghệ An, ngày 21 tháng 3 năm 2022\n\nKẾ HOẠCH\n"
        "Căn cứ Quyết định số 263/QĐ-TTg ngày 22/02/2022 của Thủ tướng Chính phủ;\n"
        "Kế hoạch số 186/KH-UBND được triển khai đến cấp xã."
    )
    assert [r.number for r in find_references(text)] == ["263/QĐ-TTg"]
    assert [r.number for r in find_references(text, own_number="263/QĐ-TTg")] == []


def test_annex_caption_names_the_document_itself() -> None:
    text = (
        "KẾ HOẠCH\nTriển khai chuyển đổi số năm 2024\n"
        "(Kèm theo Quyết định số 415/QĐ-UBND ngày 02/4/2024 của UBND tỉnh)\n"
        "Căn cứ Chỉ thị số 05/CT-TTg ngày 23/02/2023;"
    )
    assert [r.number for r in find_references(text)] == ["05/CT-TTg"]


def test_running_text_kem_theo_is_a_citation() -> None:
    text = "Kế hoạch ban hành kèm theo Quyết định số 62/QĐ-TCTCCTTHC ngày 18/9/2023 đề ra mục tiêu."
    assert _one(text).number == "62/QĐ-TCTCCTTHC"


def test_duplicates_keep_the_first_and_fill_the_date() -> None:
    text = "Theo Nghị định số 100/2024/NĐ-CP, … thực hiện Nghị định số 100/2024/NĐ-CP ngày 26/7/2024 của Chính phủ."
    r = _one(text)
    assert r.date == "2024-07-26"
    assert r.start == text.index("Nghị định")


@pytest.mark.parametrize(
    "sentence",
    [
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",  # a law cited without a number
        "Áp dụng Luật Đất đai 2013 cho các hồ sơ cũ.",
        "Lồng ghép vào kế hoạch 5 năm của địa phương.",
        "Triển khai Đề án 06 trên địa bàn tỉnh.",
        "Hoàn thành trước ngày 21/4/2023.",
        "CÔNG BÁO/Số 112/Ngày 15-03-2024",
        "Phủ sóng 4G/5G đến các thôn bản.",
        "Sáng 16/3, Thủ tướng chủ trì hội nghị.",
        "quyết định 2 lần trong năm",
    ],
)
def test_not_a_citation(sentence: str) -> None:
    assert find_references(sentence) == []


@pytest.mark.parametrize(
    ("number", "rtype"),
    [
        ("933/QĐ-TTg", "Quyết định"),
        ("144/NQ-CP", "Nghị quyết"),
        ("35/2025/NĐ-CP", "Nghị định"),
        ("20/CT-TTg", "Chỉ thị"),
        ("31/CĐ-TTg", "Công điện"),
        ("208/TB-VPCP", "Thông báo"),
        ("27-KL/TW", "Kết luận"),
        ("40/2021/TT-BTC", "Thông tư"),
        ("1025/TTr-SNN", "Tờ trình"),
        ("186/KH-UBND", "Kế hoạch"),
        ("38/2019/QH14", "Luật"),
        ("3050/BCT-ĐL", "Công văn"),
    ],
)
def test_type_from_code(number: str, rtype: str) -> None:
    assert type_from_code(number) == rtype


def test_normalise_number() -> None:
    assert normalise_number("3374/ BKHCN-CNCNTT") == "3374/BKHCN-CNCNTT"
    assert normalise_number("52/2013/NÐ-CP") == "52/2013/NĐ-CP"
