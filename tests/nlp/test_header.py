"""Header and signature of official documents, press dates, and the leader of a Thông báo kết luận."""

from __future__ import annotations

from datetime import date

import pytest

from nlp.header import conclusion_leader, parse_header, press_date
from nlp.text import mask_noise

CHI_THI = """THỦ TƯỚNG CHÍNH PHỦ
-------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Số: 17/CT-TTg
Hà Nội, ngày 12 tháng 6 năm 2025

CHỈ THỊ
Về đẩy mạnh giải ngân vốn đầu tư công
những tháng cuối năm 2025

Thời gian qua, các bộ, ngành, địa phương đã quyết liệt triển khai nhiều giải pháp.
1. Bộ Tài chính chủ trì theo dõi, đôn đốc giải ngân, báo cáo Thủ tướng Chính phủ trước ngày 15 hằng tháng.

Nơi nhận:
- Các bộ, cơ quan ngang bộ;
- Lưu: VT, KTTH (2).

THỦ TƯỚNG




Phạm Minh Chính
"""

# PDF text: every line ends in a space, page furniture and a signature stamp at the end.
QUYET_DINH_UBND = (
    " \n".join(
        [
            "ỦY BAN NHÂN DÂN",
            "TỈNH QUẢNG TRỊ",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Số: 1288/QĐ-UBND Quảng Trị, ngày 05 tháng 6 năm 2024",
            "",
            "QUYẾT ĐỊNH",
            "Ban hành Kế hoạch cải cách hành chính tỉnh Quảng Trị",
            "năm 2024",
            "",
            "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ",
            "",
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
            "QUYẾT ĐỊNH:",
            "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch cải cách hành chính năm 2024.",
            "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
            "Nơi nhận:",
            "- Như Điều 2;",
            "- Lưu: VT, NC.",
            "TM. ỦY BAN NHÂN DÂN",
            "KT. CHỦ TỊCH",
            "PHÓ CHỦ TỊCH",
            "",
            "",
            "Hoàng Nam",
            "",
            "KẾ HOẠCH",
            "Cải cách hành chính tỉnh Quảng Trị năm 2024",
            "(Kèm theo Quyết định số 1288/QĐ-UBND ngày 05/6/2024 của UBND tỉnh)",
            "I. NHIỆM VỤ",
            "1. Sở Nội vụ chủ trì, tổng hợp báo cáo trước ngày 15/12/2024.",
        ]
    )
    + "\n"
    + "\n".join(
        [
            "Ký bởi: CÔNG BÁO TỈNH QUẢNG TRỊ",
            "Cơ quan: VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ",
            "Ngày ký: 2024-06-20 10:12:40 +07:00",
            "CÔNG BÁO/Số 30/Ngày 20-6-2024",
            "12",
        ]
    )
)

CONG_DIEN = (
    "THỦ TƯỚNG CHÍNH PHỦ\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "-------\tĐộc lập - Tự do - Hạnh phúc\n"
    "\t---------------\n"
    "Số: 09/CĐ-TTg\tHà Nội, ngày 25 tháng 01 năm 2025\n"
    "\n"
    "CÔNG ĐIỆN\n"
    "Về việc chủ động ứng phó với đợt rét đậm, rét hại\n"
    "----------------\n"
    "THỦ TƯỚNG CHÍNH PHỦ điện:\n"
    "- Chủ tịch Ủy ban nhân dân các tỉnh miền núi phía Bắc;\n"
    "1. Chủ tịch Ủy ban nhân dân các tỉnh chỉ đạo chống rét cho gia súc.\n"
    "\n"
    "KT. THỦ TƯỚNG\n"
    "PHÓ THỦ TƯỚNG\n"
    "\n"
    "(Đã ký)\n"
    "\n"
    "Trần Hồng Hà\n"
)

THONG_BAO = """VĂN PHÒNG CHÍNH PHỦ
-------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Số: 301/TB-VPCP
Hà Nội, ngày 28 tháng 6 năm 2024

THÔNG BÁO
KẾT LUẬN CỦA PHÓ THỦ TƯỚNG LÊ THÀNH LONG TẠI CUỘC HỌP VỀ
HOÀN THIỆN THỂ CHẾ PHÁT TRIỂN VĂN HÓA

Ngày 20 tháng 6 năm 2024, Phó Thủ tướng Lê Thành Long chủ trì cuộc họp. Phó Thủ tướng kết luận như sau:
1. Bộ Văn hóa, Thể thao và Du lịch khẩn trương hoàn thiện hồ sơ, trình Chính phủ trong tháng 7 năm 2024.

Văn phòng Chính phủ thông báo để các cơ quan biết, thực hiện./.

Nơi nhận:
- Thủ tướng, các Phó Thủ tướng Chính phủ;
- Lưu: VT, KGVX (2).

KT. BỘ TRƯỞNG, CHỦ NHIỆM
PHÓ CHỦ NHIỆM

Nguyễn Sỹ Hiệp
"""

CONG_VAN = """BỘ TÀI CHÍNH
-------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Số: 6123/BTC-NSNN
V/v xây dựng dự toán ngân sách nhà nước năm 2026
Hà Nội, ngày 10 tháng 7 năm 2025

Kính gửi: Các bộ, cơ quan ngang bộ.
Nơi nhận:
- Như trên;
TL. BỘ TRƯỞNG
VỤ TRƯỞNG VỤ NGÂN SÁCH NHÀ NƯỚC
TRẦN ĐỨC THẮNG
"""

PRESS = """BÁO ĐIỆN TỬ CHÍNH PHỦ
Trang chủ › Thời sự

Thủ tướng yêu cầu hoàn thành 100.000 căn nhà ở xã hội trong năm 2025

Thứ Sáu, 11/04/2025 21:10

(Chinhphu.vn) - Chiều 11/4, Thủ tướng Phạm Minh Chính chủ trì cuộc họp về nhà ở xã hội.
"""


def test_directive_of_the_prime_minister() -> None:
    h = parse_header(CHI_THI)
    assert h.issuer == "THỦ TƯỚNG CHÍNH PHỦ"
    assert h.number == "17/CT-TTg"
    assert h.doc_type == "Chỉ thị"
    assert h.date == date(2025, 6, 12)
    assert h.place == "Hà Nội"
    assert h.title == "Về đẩy mạnh giải ngân vốn đầu tư công những tháng cuối năm 2025"
    assert (h.signer, h.signer_title) == ("Phạm Minh Chính", "THỦ TƯỚNG")


def test_provincial_decision_with_annexed_plan_from_pdf() -> None:
    h = parse_header(mask_noise(QUYET_DINH_UBND))
    assert h.issuer == "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ"
    assert h.number == "1288/QĐ-UBND"
    assert h.doc_type == "Quyết định"
    assert h.date == date(2024, 6, 5)  # the signing date, not the gazette's or the stamp's
    assert h.place == "Quảng Trị"
    assert h.title == "Ban hành Kế hoạch cải cách hành chính tỉnh Quảng Trị năm 2024"
    assert (h.signer, h.signer_title) == ("Hoàng Nam", "PHÓ CHỦ TỊCH")


def test_telegram_with_flattened_columns() -> None:
    h = parse_header(CONG_DIEN)
    assert h.issuer == "THỦ TƯỚNG CHÍNH PHỦ"
    assert h.number == "09/CĐ-TTg"
    assert h.doc_type == "Công điện"
    assert h.date == date(2025, 1, 25)
    assert h.title == "Về việc chủ động ứng phó với đợt rét đậm, rét hại"
    assert (h.signer, h.signer_title) == ("Trần Hồng Hà", "PHÓ THỦ TƯỚNG")


def test_notice_of_conclusions_names_the_leader_not_the_signer() -> None:
    h = parse_header(THONG_BAO)
    assert h.issuer == "VĂN PHÒNG CHÍNH PHỦ"
    assert h.doc_type == "Thông báo"
    assert h.title.startswith("KẾT LUẬN CỦA PHÓ THỦ TƯỚNG LÊ THÀNH LONG")
    assert h.title.endswith("PHÁT TRIỂN VĂN HÓA")
    assert (h.signer, h.signer_title) == ("Nguyễn Sỹ Hiệp", "PHÓ CHỦ NHIỆM")
    assert conclusion_leader(THONG_BAO) == "Lê Thành Long"


def test_official_letter_type_from_its_code_and_subject_line() -> None:
    h = parse_header(CONG_VAN)
    assert h.doc_type == "Công văn"
    assert h.number == "6123/BTC-NSNN"
    assert h.title == "xây dựng dự toán ngân sách nhà nước năm 2026"
    assert h.date == date(2025, 7, 10)
    assert (h.signer, h.signer_title) == ("Trần Đức Thắng", "VỤ TRƯỞNG VỤ NGÂN SÁCH NHÀ NƯỚC")


def test_press_article_has_only_a_date() -> None:
    h = parse_header(PRESS)
    assert h.date == date(2025, 4, 11)
    assert (h.issuer, h.number, h.doc_type, h.signer) == (None, None, None, None)


def test_excerpt_without_header_still_gives_its_signer() -> None:
    text = (
        "Điều 3. Bộ trưởng, Chủ tịch Ủy ban nhân dân các tỉnh chịu trách nhiệm thi hành Quyết định này./.\n"
        "KT. THỦ TƯỚNG \nPHÓ THỦ TƯỚNG \n \n \nBùi Thanh Sơn \n"
    )
    h = parse_header(text)
    assert (h.signer, h.signer_title, h.date) == ("Bùi Thanh Sơn", "PHÓ THỦ TƯỚNG", None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kinh tế\n\n02/08/2019 06:50\n\nNội dung", date(2019, 8, 2)),
        ("Tiêu đề\nThứ Tư, 03/08/2022 - 18:35\n", date(2022, 8, 3)),
        ("Tiêu đề\n07/08/2025 | 08:30\n", date(2025, 8, 7)),
        ("Tiêu đề\n08/10/2022 18:42 GMT+7\n", date(2022, 10, 8)),
        ("Tiêu đề\nCập nhật: 16:30 16/03/2021\n", date(2021, 3, 16)),
        ("Tiêu đề\nChủ nhật, 16/3/2021 (GMT+7)\n", date(2021, 3, 16)),
        ("(Chinhphu.vn) - Sáng 19/4, Thủ tướng chủ trì phiên họp.", None),
        ("Hôm qua 19/4/2023, Thủ tướng chủ trì phiên họp thứ tư.", None),
    ],
)
def test_press_date(text: str, expected: date | None) -> None:
    assert press_date(text) == expected


@pytest.mark.parametrize(
    ("text", "leader"),
    [
        ("THÔNG BÁO\nKết luận của Thủ tướng Chính phủ Phạm Minh Chính tại Hội nghị trực tuyến", "Phạm Minh Chính"),
        ("THÔNG BÁO\nÝ KIẾN KẾT LUẬN CỦA PHÓ THỦ TƯỚNG TRẦN HỒNG HÀ TẠI CUỘC HỌP", "Trần Hồng Hà"),
        ("KẾT LUẬN CỦA THỦ TƯỚNG CHÍNH PHỦ PHẠM MINH CHÍNH\nTẠI CUỘC HỌP VỀ NHÀ Ở XÃ HỘI", "Phạm Minh Chính"),
        ("Kết luận của Bộ trưởng Bộ Y tế Đào Hồng Lan tại buổi làm việc", "Đào Hồng Lan"),
        ("Ý kiến kết luận của Thường trực Chính phủ tại cuộc họp", None),
        ("Kết luận của Thủ tướng: Phải chấm dứt tình trạng né tránh", None),
    ],
)
def test_conclusion_leader(text: str, leader: str | None) -> None:
    assert conclusion_leader(text) == leader
