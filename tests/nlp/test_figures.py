"""Figures (EXTRACTION.md sections 5 and 9.5): one case per rule, one per kind of non-figure."""

from __future__ import annotations

import pytest

from nlp.figures import find_figures, parse_number


def _only(text: str):
    figs = find_figures(text)
    assert len(figs) == 1, [f.text for f in figs]
    f = figs[0]
    assert text[f.start : f.end] == f.text
    return f


@pytest.mark.parametrize(
    ("sentence", "span", "value", "unit", "total"),
    [
        # money, with a multiplier and a per-unit rate
        ("Tỉnh dành 8.500 tỉ đồng/năm cho hạ tầng số.", "8.500 tỉ đồng/năm", 8.5e12, "VND", None),
        ("Số thu ngân sách đạt khoảng 97.000 tỷ đồng.", "khoảng 97.000 tỷ đồng", 9.7e13, "VND", None),
        ("Kim ngạch xuất khẩu cà phê đạt 2,5 triệu USD.", "2,5 triệu USD", 2.5e6, "USD", None),
        ("Kế hoạch vốn năm nay là 1.234 nghìn tỷ đồng.", "1.234 nghìn tỷ đồng", 1.234e15, "VND", None),
        ("Thu nhập bình quân đạt 52 triệu đồng/người/năm.", "52 triệu đồng/người/năm", 5.2e7, "VND", None),
        ("Mỗi suất quà trị giá 500.000đ.", "500.000đ", 5e5, "VND", None),
        # percentages, with a space before the sign or in words
        ("Tỷ lệ nợ xấu còn 1,8%.", "1,8%", 1.8, "%", None),
        ("Doanh thu tăng 23,4 % so với cùng kỳ.", "23,4 %", 23.4, "%", None),
        ("Lãi suất giảm 0,5 phần trăm.", "0,5 phần trăm", 0.5, "%", None),
        # counts: the counted noun phrase as written, coordinated nouns kept
        ("Đoàn đã thực hiện 104 cuộc kiểm tra tại các tỉnh.", "104 cuộc kiểm tra", 104, "cuộc kiểm tra", None),
        ("Có 22 bộ, cơ quan ngang bộ tham gia.", "22 bộ, cơ quan ngang bộ", 22, "bộ, cơ quan ngang bộ", None),
        (
            "Mưa lũ làm chết khoảng 9.000 con gia súc, gia cầm.",
            "khoảng 9.000 con gia súc, gia cầm",
            9000,
            "con gia súc, gia cầm",
            None,
        ),
        ("Phấn đấu có thêm 15 sản phẩm OCOP.", "15 sản phẩm OCOP", 15, "sản phẩm OCOP", None),
        ("Tiết kiệm hơn 12 triệu ngày công mỗi năm.", "hơn 12 triệu ngày công", 1.2e7, "ngày công", None),
        ("Tổng số 640 người được hỗ trợ.", "640 người", 640, "người", None),
        ("Đoàn gồm 3 đồng chí, do Phó Chủ tịch tỉnh dẫn đầu.", "3 đồng chí", 3, "đồng chí", None),
        # ratios and ranks
        ("Đến nay đã có 41/45 văn bản được ban hành.", "41/45 văn bản", 41, "văn bản", 45),
        ("Cả 63/63 địa phương đã thành lập tổ công tác.", "63/63 địa phương", 63, "địa phương", 63),
        ("Chỉ số PCI của tỉnh xếp thứ 17/63 địa phương.", "17/63 địa phương", 17, "địa phương", 63),
        ("Đây là 1 trong 5 tỉnh có tốc độ tăng trưởng cao nhất.", "1 trong 5 tỉnh", 1, "tỉnh", 5),
        # ranges: the upper end
        ("Sân bay dự kiến đón 43-45 triệu hành khách.", "43-45 triệu hành khách", 4.5e7, "hành khách", None),
        ("Kinh tế tăng trưởng 6 - 6,5%.", "6 - 6,5%", 6.5, "%", None),
        # measures, decimal point, glued units
        ("Diện tích thu hồi là 24.52 ha đất lúa.", "24.52 ha", 24.52, "ha", None),
        ("Tuyến kè dài 3,2km được khởi công.", "3,2km", 3.2, "km", None),
        ("Công suất đạt gần 46.000 MW.", "gần 46.000 MW", 46000, "MW", None),
        ("Sản lượng đạt 94,3 tỷ kWh.", "94,3 tỷ kWh", 9.43e10, "kWh", None),
        # qualifiers
        (
            "Phấn đấu thực hiện ít nhất 1.200 cuộc thanh tra.",
            "ít nhất 1.200 cuộc thanh tra",
            1200,
            "cuộc thanh tra",
            None,
        ),
        ("Tỷ lệ giải ngân phải đạt tối thiểu 95%.", "tối thiểu 95%", 95, "%", None),
        ("Mực nước thấp hơn trung bình nhiều năm khoảng 30%.", "khoảng 30%", 30, "%", None),
        # an all-capitals title
        ("HOÀN THÀNH 35 DỰ ÁN TRỌNG ĐIỂM", "35 DỰ ÁN TRỌNG ĐIỂM", 35, "DỰ ÁN TRỌNG ĐIỂM", None),
    ],
)
def test_figure(sentence: str, span: str, value: float, unit: str, total: float | None) -> None:
    f = _only(sentence)
    assert f.text == span
    assert f.value == pytest.approx(value)
    assert f.unit == unit
    assert f.total == total


def test_pdf_line_breaks_inside_a_figure() -> None:
    text = "phấn đấu số hóa ít nhất\n40% hồ sơ; có 85 nhà cung \ncấp nước ngoài đăng ký"
    figs = find_figures(text)
    assert [f.text for f in figs] == ["ít nhất\n40%", "85 nhà cung \ncấp nước ngoài"]
    assert figs[1].unit == "nhà cung cấp nước ngoài"


def test_several_figures_in_order() -> None:
    text = "Năm 2023 có 1.107 tàu cá vi phạm, giảm 12,5%; 21 địa phương đã lắp thiết bị."
    assert [(f.text.split()[0], f.value) for f in find_figures(text)] == [("1.107", 1107), ("12,5%", 12.5), ("21", 21)]


@pytest.mark.parametrize(
    "sentence",
    [
        # dates and times
        "Sáng 16/3/2021, Thủ tướng chủ trì hội nghị.",
        "Chậm nhất ngày 30/9 các bộ phải báo cáo.",
        "Hoàn thành trước 30/9 việc rà soát.",
        "Số liệu tính đến tháng 7/2019 cho thấy tiến độ chậm.",
        "Nghị quyết được thông qua ngày 12-6-2025 tại kỳ họp.",
        "Chiều 8.10, đoàn công tác làm việc với tỉnh.",
        "Hồ sơ nộp trước 16.6.2022 được giải quyết.",
        "Hội nghị bắt đầu lúc 8 giờ 30 phút.",
        "Vụ việc xảy ra hồi 4h10 sáng nay.",
        "Cập nhật 02/08/2019 08:30 GMT+7",
        # years and periods
        "Kế hoạch năm 2024 được giao từ đầu năm.",
        "Tầm nhìn giai đoạn 2021-2030 đã được xác định.",
        "Trong 5 năm qua, tổ công tác hoạt động hiệu quả.",
        "Nhiệm vụ 4 tháng cuối năm rất nặng nề.",
        "Dự án mất 2 - 3 năm chỉ để hoàn thiện thủ tục.",
        "Kịp thời xử lý trong 15 ngày làm việc.",
        "Lực lượng trực 24/24 giờ trong dịp Tết.",
        # document numbers and labels
        "Thực hiện Chỉ thị số 09/CT-TTg của Thủ tướng.",
        "Đăng trên Công báo số 112 phát hành hôm qua.",
        "Theo Nghị định 100 về nhà ở xã hội.",
        "Căn cứ khoản 2 Điều 5 của Luật.",
        # ordinals
        "Thủ tướng chủ trì phiên họp thứ 4 của Ban Chỉ đạo.",
        "Đoàn thanh tra lần thứ 14 sẽ sang làm việc.",
        # list markers and table rows
        "1. Bộ Tài chính chủ trì xây dựng đề án.",
        "3 Rà soát, cập nhật dữ liệu dân cư",
        # numbers inside names
        "Triển khai Đề án 06 trên địa bàn tỉnh.",
        "Mở rộng Quốc lộ 1A đoạn qua thị xã.",
        "Ban Quản lý dự án 7, Bộ Giao thông vận tải báo cáo.",
        "Cấp tài khoản định danh mức độ 2 cho công dân.",
        "Đưa vào vận hành Đường dây 500 kV mạch 3 từ Quảng Trạch.",
        "Bộ đã ban hành Chương trình phát triển 1.000 doanh nghiệp tiên phong.",
        "Bảo đảm chính quyền địa phương 2 cấp vận hành thông suốt.",
        "Ngăn chặn dịch Covid-19 lây lan.",
        'Xây dựng tàu cá "3 không" đúng quy định.',
        # page furniture, phones and kilometre posts
        "1.236 lượt xem",
        "Bình luận (14)",
        "Ảnh 1/5",
        "Liên hệ đường dây nóng 0912 345 678.",
        "Tai nạn tại km 63+300 quốc lộ 5.",
        # a number with nothing counted after it
        "Chỉ tiêu này đạt 100 trong thang điểm.",
    ],
)
def test_not_a_figure(sentence: str) -> None:
    assert find_figures(sentence) == []


@pytest.mark.parametrize(
    ("digits", "value"),
    [("1.234", 1234), ("1.234.567", 1234567), ("2,5", 2.5), ("24.52", 24.52), ("1.234,5", 1234.5), ("06", 6)],
)
def test_parse_number(digits: str, value: float) -> None:
    assert parse_number(digits) == pytest.approx(value)


@pytest.mark.parametrize("digits", ["16.6.2022", "1,2,3"])
def test_parse_number_rejects_dates_and_lists(digits: str) -> None:
    assert parse_number(digits) is None
