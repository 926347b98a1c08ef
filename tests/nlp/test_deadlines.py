"""The deadline grammar (nlp/deadlines.py; EXTRACTION.md sections 4 and 9.4).

All sentences are written for these tests; dates are (year, month, day).
"""

from __future__ import annotations

from datetime import date

import pytest

from nlp.deadlines import find_times, is_recurring, pick_deadline

MON = date(2024, 3, 4)  # a Monday
SAT = date(2023, 10, 7)  # a Saturday


def deadline(text: str, ref: date | None = MON, **kw) -> date | None:
    dl = pick_deadline(text, ref, **kw)
    return dl.date if dl else None


def kinds(text: str, ref: date | None = MON) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in find_times(text, ref)]


# --- section 4, first table ---------------------------------------------------------------------------------------

SECTION4 = [
    # trong tháng 5-2023 / tháng 5/2023
    ("Sở Xây dựng hoàn thành việc rà soát quy hoạch trong tháng 5-2023", date(2023, 4, 20), date(2023, 5, 31)),
    ("Các huyện khởi công dự án tháng 5/2023", date(2023, 1, 2), date(2023, 5, 31)),
    ("gửi báo cáo về Sở Nội vụ trong tháng 8 năm 2024", MON, date(2024, 8, 31)),
    ("bàn giao toàn bộ mặt bằng trong tháng 11.2023", SAT, date(2023, 11, 30)),
    # trước ngày 30/6/2024 / chậm nhất ngày 30/6/2024
    ("Bộ Tài chính trình Chính phủ dự thảo Nghị định trước ngày 30/6/2024", MON, date(2024, 6, 30)),
    ("Ủy ban nhân dân tỉnh báo cáo Thủ tướng chậm nhất ngày 30/6/2024", MON, date(2024, 6, 30)),
    ("hoàn thành chậm nhất là ngày 15-7-2024", MON, date(2024, 7, 15)),
    ("gửi hồ sơ về Bộ trước ngày 30 tháng 6 năm 2024", MON, date(2024, 6, 30)),
    # trước ngày 20.4 with the publication date 2022-04-10
    ("Sở Tài chính tổng hợp, trình Ủy ban nhân dân tỉnh trước ngày 20.4", date(2022, 4, 10), date(2022, 4, 20)),
    ("Các xã hoàn thành kê khai trước 25/5", date(2022, 4, 10), date(2022, 5, 25)),
    ("trình Thủ tướng Chính phủ trước ngày 15 tháng 12", MON, date(2024, 12, 15)),
    # quý II/2024 / trong quý II năm 2024
    ("Bộ Y tế ban hành hướng dẫn trong quý II/2024", MON, date(2024, 6, 30)),
    ("hoàn thành đấu thầu trong quý II năm 2024", MON, date(2024, 6, 30)),
    ("đưa hệ thống vào vận hành trong quý 2/2024", MON, date(2024, 6, 30)),
    ("trình Quốc hội trong quý III", MON, date(2024, 9, 30)),
    ("báo cáo kết quả trong quý I, II/2025", MON, date(2025, 6, 30)),
    # năm 2024 / trong năm 2024 / cuối năm 2024 / từ nay đến cuối năm 2024
    ("Các bộ hoàn thành số hóa hồ sơ năm 2024", MON, date(2024, 12, 31)),
    ("Bộ Công an cấp căn cước cho người dân trong năm 2024", MON, date(2024, 12, 31)),
    ("đưa tuyến đường vào khai thác cuối năm 2024", MON, date(2024, 12, 31)),
    ("Tập đoàn hoàn thành đóng điện từ nay đến cuối năm 2024", MON, date(2024, 12, 31)),
    ("bảo đảm cấp nước cho người dân từ nay đến hết tháng 6 năm 2024", MON, date(2024, 6, 30)),
    ("hoàn thành trước cuối năm", MON, date(2024, 12, 31)),
    # 6 tháng cuối năm 2023 / 6 tháng đầu năm 2024
    ("triển khai các nhiệm vụ 6 tháng cuối năm 2023", date(2023, 6, 1), date(2023, 12, 31)),
    ("hoàn thành sửa đổi Thông tư trong 6 tháng đầu năm 2024", MON, date(2024, 6, 30)),
    ("thực hiện trong sáu tháng cuối năm", MON, date(2024, 12, 31)),
    ("hoàn thành chỉ tiêu giải ngân 9 tháng đầu năm 2024", MON, date(2024, 9, 30)),
    ("phấn đấu hoàn thành trong nửa đầu năm 2024", MON, date(2024, 6, 30)),
    # trong tháng 11, tháng 12 năm 2025
    ("tiếp đoàn kiểm tra và giải trình trong tháng 11, tháng 12 năm 2025", MON, date(2025, 12, 31)),
    ("tổ chức diễn tập trong tháng 11 - 12/2024", MON, date(2024, 12, 31)),
    # giai đoạn 2021-2030 / đến năm 2030
    ("tổ chức thực hiện Chương trình phát triển nhà ở giai đoạn 2021-2030", MON, date(2030, 12, 31)),
    ("triển khai Đề án giai đoạn 2024 - 2030", MON, date(2030, 12, 31)),
    ("giảm dần số phương tiện cũ theo lộ trình đến năm 2030", MON, date(2030, 12, 31)),
    # trong 30 ngày (unknown start): the document's date + 30 days
    ("hoàn thiện hồ sơ, gửi Bộ Tài chính trong 30 ngày kể từ ngày nhận được văn bản", date(2024, 3, 1),
     date(2024, 3, 31)),
    ("trả lời bằng văn bản trong 15 ngày", date(2024, 3, 1), date(2024, 3, 16)),
    ("xây dựng kế hoạch chi tiết trong 10 ngày kể từ ngày ký Quyết định này", date(2024, 3, 1), date(2024, 3, 11)),
    ("gửi ý kiến trong mười lăm ngày", date(2024, 3, 1), date(2024, 3, 16)),
    # trong tuần này / tuần tới: the Sunday of that week
    ("Bộ Tài chính trình phương án hỗ trợ trong tuần này", MON, date(2024, 3, 10)),
    ("Sở Y tế hoàn thành tiêm vắc xin trong tuần tới", MON, date(2024, 3, 17)),
    ("gửi hồ sơ về Bộ trong tuần tới", SAT, date(2023, 10, 15)),
    ("ban hành văn bản hướng dẫn ngay trong tuần sau", date(2024, 3, 10), date(2024, 3, 17)),
]


@pytest.mark.parametrize(("text", "ref", "expected"), SECTION4)
def test_section4_table(text: str, ref: date, expected: date) -> None:
    assert deadline(text, ref) == expected


@pytest.mark.parametrize("text", [
    "Các địa phương khẩn trương khắc phục hậu quả mưa lũ",
    "Bộ Tài chính xuất cấp ngay gạo dự trữ quốc gia cho các tỉnh",
    "hỗ trợ kịp thời các gia đình bị thiệt hại",
    "Các sở thường xuyên kiểm tra việc chấp hành pháp luật",
    "Văn phòng Ủy ban theo dõi, hằng tháng báo cáo Chủ tịch",
    "định kỳ hằng quý tổng hợp, báo cáo Bộ trưởng",
    "Bộ Công Thương sớm trình phương án giá điện",
    "hoàn thành trước Tết Nguyên đán",
])
def test_no_date(text: str) -> None:
    assert deadline(text) is None


# --- section 4, second table and section 9.4 ------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "ref", "expected"), [
    # a due time wins over a plan's, programme's or budget's period
    ("Bộ Kế hoạch và Đầu tư bố trí vốn đầu tư công trung hạn giai đoạn 2021 - 2025 cho các dự án cấp bách, "
     "báo cáo Thủ tướng Chính phủ trước ngày 20 tháng 5 năm 2024", MON, date(2024, 5, 20)),
    ("tổng hợp đề xuất hỗ trợ từ nguồn dự phòng ngân sách trung ương năm 2024, trình Thủ tướng "
     "trong tháng 4 năm 2024", MON, date(2024, 4, 30)),
    ("Xây dựng Chiến lược phát triển ngành giai đoạn 2026 - 2035, trình Thủ tướng Chính phủ trong năm 2025",
     MON, date(2025, 12, 31)),
    ("lập Đề án bảo tồn giai đoạn 2026 - 2030, trình Chính phủ trong quý I năm 2025", MON, date(2025, 3, 31)),
    # the period of a plan gives the deadline only when the clause names no other time
    ("các sở, ngành phấn đấu hoàn thành ở mức cao nhất các chỉ tiêu kế hoạch năm 2024", MON, date(2024, 12, 31)),
    ("bố trí kinh phí thực hiện từ nguồn ngân sách tỉnh năm 2024", MON, date(2024, 12, 31)),
    ("Sở Nội vụ nghiên cứu giải pháp tổ chức thực hiện Chương trình cải cách hành chính giai đoạn 2021-2030",
     MON, date(2030, 12, 31)),
    ("thực hiện Quy hoạch tỉnh thời kỳ 2021 - 2030, tầm nhìn đến năm 2050", MON, date(2030, 12, 31)),
    # ngay with a period: the period's end
    ("khởi công dự án ngay trong tháng 12/2024", MON, date(2024, 12, 31)),
    ("khắc phục ngay trong tháng này", MON, date(2024, 3, 31)),
    # trong 15 ngày from signing: the document's date + 15 days
    ("gửi kế hoạch về Bộ trong 15 ngày kể từ ngày ký", MON, date(2024, 3, 19)),
    ("báo cáo trong 10 ngày làm việc", MON, date(2024, 3, 18)),
    ("trong 30 ngày kể từ ngày 01/7/2024, các tỉnh gửi báo cáo", MON, date(2024, 7, 31)),
    # a range gives its end
    ("bố trí thêm chuyến bay từ ngày 25/01 đến ngày 05/02/2025", date(2024, 12, 10), date(2025, 2, 5)),
    ("tăng cường tuần tra từ tháng 6 đến tháng 8/2024", MON, date(2024, 8, 31)),
    ("thí điểm từ ngày 1/7/2024 đến hết ngày 31/12/2024", MON, date(2024, 12, 31)),
    # the period that times the action's own target wins over one inside a name
    ("thực hiện nghiêm Chỉ thị số 20/CT-TTg ngày 08 tháng 6 năm 2023 về tiết kiệm điện giai đoạn 2023 - 2025, "
     "phấn đấu tiết kiệm tối thiểu 3% điện năng tiêu thụ năm 2024", MON, date(2024, 12, 31)),
    # several targets and no due time: the latest target
    ("nâng tỷ lệ bao phủ bảo hiểm y tế tới năm 2026 đạt 95%, đến năm 2030 đạt trên 99%", MON, date(2030, 12, 31)),
    ("phấn đấu đến hết năm 2025 có 80% hồ sơ được số hóa", MON, date(2025, 12, 31)),
    # a start time is never a deadline
    ("áp dụng mức đóng mới từ năm 2027", MON, None),
    ("triển khai thu phí tự động kể từ ngày 1/7/2025", MON, None),
    ("Từ quý II/2027", MON, None),
    # a year that dates data or a past result
    ("căn cứ kết quả chỉ số hài lòng năm 2023, các bộ xác định rõ điểm yếu", MON, None),
    ("số hóa dữ liệu hộ tịch từ năm 1999 đến nay", MON, None),
    ("doanh thu tăng 17% so với năm 2022", MON, None),
    ("Ngày 15/3/2024, Bộ Công an đã ban hành kế hoạch triển khai", date(2024, 4, 2), None),
    ("Những kết quả đạt được trong năm qua rất đáng ghi nhận", MON, None),
    # recurring stays null even with a day
    ("định kỳ trước ngày 20 hằng tháng gửi báo cáo về Sở", MON, None),
    ("hằng năm tổng kết, báo cáo Thủ tướng Chính phủ trước ngày 31 tháng 12", MON, None),
    ("báo cáo Bộ trưởng trước ngày 25 tháng 12 hằng năm", MON, None),
    ("định kỳ 6 tháng, hằng năm gửi báo cáo về Bộ Tài chính", MON, None),
    # "đời sống hằng ngày" is not a recurring time
    ("bảo đảm hàng hóa phục vụ đời sống hằng ngày của nhân dân, hoàn thành trước ngày 30/4/2024", MON,
     date(2024, 4, 30)),
])
def test_precedence(text: str, ref: date, expected: date | None) -> None:
    assert deadline(text, ref) == expected


def test_cited_document_date_is_not_a_deadline() -> None:
    text = ("Chủ trì, phối hợp với Bộ Tài chính hoàn thiện hồ sơ Nghị định sửa đổi, bổ sung Nghị định số "
            "52/2013/NĐ-CP ngày 16 tháng 5 năm 2013 về thương mại điện tử, trình Chính phủ trước ngày 31/7/2024")
    assert deadline(text) == date(2024, 7, 31)
    cited = next(t for t in find_times(text, MON) if t.text == "ngày 16 tháng 5 năm 2013")
    assert cited.kind == "past"


@pytest.mark.parametrize("text", [
    "Ủy ban nhân dân các tỉnh thực hiện theo Quyết định số 500/QĐ-TTg ngày 15 tháng 5 năm 2024",
    "theo quy định tại Nghị quyết số 01/NQ-CP ngày 05/01/2024 của Chính phủ",
    "thực hiện Kết luận số 45-KL/TW ngày 1/2/2024 của Ban Bí thư",
    "tiếp tục thực hiện Quyết định ngày 2/1/2024 của Bộ trưởng",
    "triển khai Kế hoạch ban hành ngày 20/02/2024",
])
def test_date_after_a_citation_is_ignored(text: str) -> None:
    assert deadline(text) is None


def test_exclude_spans() -> None:
    # the caller passes the spans of cited documents: their times never count
    text = "rà soát theo Chương trình công tác tháng 9/2024 của Chính phủ"
    span = (text.index("Chương trình"), text.index(" của"))
    assert deadline(text) == date(2024, 9, 30)
    assert deadline(text, exclude=[span]) is None
    text = "rà soát theo Chương trình công tác tháng 9/2024 của Chính phủ, báo cáo trong quý IV/2024"
    assert deadline(text, exclude=[span]) == date(2024, 12, 31)


# --- forms, capitalised table cells and PDF line breaks -------------------------------------------------------------

@pytest.mark.parametrize(("text", "ref", "expected"), [
    ("Quý II/2023", date(2023, 4, 21), date(2023, 6, 30)),
    ("Trước 30/9/2023", date(2023, 4, 21), date(2023, 9, 30)),
    ("Tháng 7/2023", date(2023, 4, 21), date(2023, 7, 31)),
    ("Năm 2023", date(2023, 4, 21), date(2023, 12, 31)),
    ("Trước 15-12-2022", date(2022, 3, 21), date(2022, 12, 15)),
    ("Trước 20/11", date(2022, 3, 21), date(2022, 11, 20)),
    ("6 tháng cuối\nnăm 2023", date(2023, 4, 21), date(2023, 12, 31)),
    ("Thường xuyên", MON, None),
    ("Hằng tháng, trước ngày 20", MON, None),
    ("Hằng năm và từng giai đoạn", MON, None),
    ("Từ tháng 5/2026, thường xuyên", date(2026, 5, 13), None),
    ("Quý IV", MON, date(2024, 12, 31)),
    ("trình Ủy ban nhân dân tỉnh trong quý\nII/2024", MON, date(2024, 6, 30)),
    ("báo cáo Chính phủ trước\nngày 30 tháng 9 năm 2024", MON, date(2024, 9, 30)),
    ("hoàn thành trong 6 tháng \nđầu năm 2024", MON, date(2024, 6, 30)),
    ("xây dựng Kế hoạch phát triển giai đoạn \n2026 - 2030, trình Thủ tướng Chính phủ trong năm 2025", MON,
     date(2025, 12, 31)),
    ("Bộ Công an hoàn thành chuẩn hóa dữ liệu từ nay \nđến cuối năm 2024", MON, date(2024, 12, 31)),
    ("trình Chính phủ trước 15 giờ ngày 20/12/2024", MON, date(2024, 12, 20)),
    ("hoàn thành trong tháng Mười hai năm 2024", MON, date(2024, 12, 31)),
    ("thực hiện trong các năm 2024, 2025", MON, date(2025, 12, 31)),
    ("hoàn thành trong tháng tới", date(2024, 1, 15), date(2024, 2, 29)),
    ("hoàn thành trong tháng", date(2024, 2, 10), date(2024, 2, 29)),
    ("Bộ Xây dựng hoàn thành trong năm nay", MON, date(2024, 12, 31)),
    ("hoàn thành trước ngày 20", date(2024, 3, 4), date(2024, 3, 20)),
    # "trước" a month, quarter or year: before it begins ("trước ngày X" is X itself, section 4)
    ("hoàn thành trước tháng 10/2024", MON, date(2024, 9, 30)),
    ("đưa vào sử dụng trước năm 2026", MON, date(2025, 12, 31)),
    ("xong trước quý IV/2024", MON, date(2024, 9, 30)),
    ("hoàn thành trước cuối năm 2024", MON, date(2024, 12, 31)),
    ("hoàn thành chậm nhất trong tháng 10/2024", MON, date(2024, 10, 31)),
    ("hoàn thành trước ngày 2", date(2024, 3, 4), date(2024, 4, 2)),
])
def test_forms(text: str, ref: date, expected: date | None) -> None:
    assert deadline(text, ref) == expected


@pytest.mark.parametrize(("text", "ref", "expected"), [
    # an implicit year is the document's, or the next one when that is long past
    ("hoàn thành trong quý I", date(2024, 12, 10), date(2025, 3, 31)),
    ("gửi hồ sơ trước ngày 15/01", date(2024, 12, 10), date(2025, 1, 15)),
    ("hoàn thành trước 30/9", date(2024, 10, 2), date(2024, 9, 30)),
])
def test_implicit_year(text: str, ref: date, expected: date) -> None:
    assert deadline(text, ref) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("trước ngày 30/6/2024", date(2024, 6, 30)),
    ("trong tháng 5/2023", date(2023, 5, 31)),
    ("trong quý III", None),  # no document date: no year
    ("trong tuần tới", None),
    ("trong 15 ngày", None),
])
def test_without_reference_date(text: str, expected: date | None) -> None:
    assert deadline(text, None) == expected


def test_period_over_before_the_document_is_past() -> None:
    # "hoàn thành" makes it due, and a due time keeps its date; a plain period already over dates the past
    assert deadline("hoàn thành kết nối trong tháng 5-2023", MON) == date(2023, 5, 31)
    assert kinds("tại phiên họp Chính phủ tháng 4-2023, Thủ tướng đã nêu", MON) == [("past", "tháng 4-2023")]


@pytest.mark.parametrize("text", [
    "hoàn thành trước ngày 31/2/2024",
    "trình trước ngày 30/02",
    "trong tháng 13/2024",
    "trong quý V/2024",
    "xếp thứ 24/34 địa phương, tăng 3/5 bậc",
    "bảo đảm thông tin thông suốt 24/24 giờ",
    "thu ngân sách đạt 1.500 tỷ đồng, tăng 2,5%",
    "giai đoạn 2030 - 2021",
])
def test_invalid_dates_do_not_raise(text: str) -> None:
    assert deadline(text) is None


# --- find_times: kinds, spans, granularity --------------------------------------------------------------------------

def test_find_times_kinds_and_spans() -> None:
    text = ("Khẩn trương hoàn thiện hồ sơ Quy hoạch tỉnh thời kỳ 2021 - 2030, tầm nhìn đến năm 2050, "
            "gửi Bộ Tài chính thẩm định trước ngày 25 tháng 10 năm 2025; từ năm 2027 áp dụng mức mới")
    got = kinds(text)
    assert got == [
        ("immediate", "Khẩn trương"),
        ("plan", "thời kỳ 2021 - 2030"),
        ("plan", "tầm nhìn đến năm 2050"),
        ("due", "trước ngày 25 tháng 10 năm 2025"),
        ("start", "từ năm 2027"),
    ]
    for t in find_times(text, MON):
        assert text[t.start:t.end] == t.text


@pytest.mark.parametrize(("text", "kind", "granularity", "expected"), [
    ("trước ngày 30/6/2024", "due", "day", date(2024, 6, 30)),
    ("trong tháng 5-2024", "period", "month", date(2024, 5, 31)),
    ("quý II/2024", "period", "quarter", date(2024, 6, 30)),
    ("6 tháng đầu năm 2024", "period", "half", date(2024, 6, 30)),
    ("năm 2024", "period", "year", date(2024, 12, 31)),
    ("trong tuần tới", "due", "week", date(2024, 3, 17)),
    ("trong 30 ngày", "due", "day", date(2024, 4, 3)),
    ("giai đoạn 2021-2030", "plan", "year", date(2030, 12, 31)),
    ("phấn đấu đến năm 2030", "target", "year", date(2030, 12, 31)),
    ("từ ngày 1/7/2025", "start", "day", date(2025, 7, 1)),
    ("từ ngày 25/01 đến ngày 05/02/2025", "range", "day", date(2025, 2, 5)),
    ("so với cùng kỳ năm 2022", "past", "year", date(2022, 12, 31)),
    ("hằng tháng", "recurring", None, None),
    ("kịp thời", "immediate", None, None),
    ("đầu năm 2025", "period", "year", None),
])
def test_find_times_single(text: str, kind: str, granularity: str | None, expected: date | None) -> None:
    times = find_times(text, MON)
    assert len(times) == 1
    t = times[0]
    assert (t.kind, t.granularity, t.date) == (kind, granularity, expected)


def test_find_times_is_sorted_and_non_overlapping() -> None:
    text = ("Bộ Y tế chủ trì, hoàn thành trước ngày 15/4/2024; quý III/2024 tổng kết; "
            "từ năm 2025 đến năm 2030 thực hiện lộ trình; hằng năm báo cáo")
    times = find_times(text, MON)
    assert [t.start for t in times] == sorted(t.start for t in times)
    assert all(a.end <= b.start for a, b in zip(times, times[1:], strict=False))
    assert [t.kind for t in times] == ["due", "period", "range", "recurring"]


def test_figures_are_not_times() -> None:
    assert find_times("tăng 12,4% so với cùng kỳ, đạt 94,3 tỷ kWh, 1.500 cuộc kiểm tra, 3-5 ngày", MON) == []
    assert find_times("", MON) == []


def test_ngay_alone_and_ngay_ca() -> None:
    assert kinds("Bộ Tư pháp thẩm định ngay khi nhận được hồ sơ") == [("immediate", "ngay")]
    assert kinds("ngay cả các xã vùng sâu cũng phải hoàn thành") == []
    assert kinds("khởi công ngay trong tháng 8") == [("period", "ngay trong tháng 8")]


# --- is_recurring -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("định kỳ hằng quý tổng hợp, báo cáo Ủy ban nhân dân tỉnh", True),
    ("Hằng tuần báo cáo Bộ trưởng kết quả thực hiện", True),
    ("thường xuyên kiểm tra, đôn đốc", True),
    ("hàng tháng rà soát danh sách", True),
    ("báo cáo kết quả trước ngày 30/6/2024", False),
    ("bảo đảm nhu cầu sinh hoạt hằng ngày của người dân", False),
])
def test_is_recurring(text: str, expected: bool) -> None:
    assert is_recurring(text) is expected
