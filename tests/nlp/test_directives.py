"""The directive rules, one family per test, on sentences written for these tests."""

from datetime import date

import pytest

from nlp.extract import Extractor


@pytest.fixture(scope="module")
def extractor():
    return Extractor()


def _run(extractor, text, day=date(2024, 5, 6)):
    ex = extractor.extract(text, date=day)
    for d in ex.directives:
        assert text[d.start:d.end] == d.text
    return ex.directives


def _one(extractor, text, needle, day=date(2024, 5, 6)):
    found = [d for d in _run(extractor, text, day) if needle in d.text]
    assert len(found) == 1, [d.text for d in _run(extractor, text, day)]
    return found[0]


def test_reporting_frame_is_cut_off_and_addressee_is_responsible(extractor):
    text = "Thủ tướng Phạm Minh Chính yêu cầu Bộ Xây dựng khẩn trương hoàn thiện hồ sơ dự án, trình Chính phủ trước ngày 30/6/2024."
    d = _one(extractor, text, "hoàn thiện")
    assert d.text.startswith("Bộ Xây dựng")
    assert d.responsible == ["Bộ Xây dựng"]
    assert d.deadline == "2024-06-30"
    assert d.issuer_person == "Phạm Minh Chính"


def test_lead_in_carries_addressees_and_deadline_to_items(extractor):
    text = ("Phó Thủ tướng yêu cầu Ủy ban nhân dân tỉnh Lào Cai:\n"
            "- Hoàn thành giải phóng mặt bằng dự án cao tốc trong tháng 8/2024;\n"
            "- Bố trí đủ quỹ đất tái định cư cho người dân.\n")
    ds = _run(extractor, text)
    assert len(ds) == 2
    assert all(d.responsible == ["Ủy ban nhân dân tỉnh Lào Cai"] for d in ds)
    assert ds[0].deadline == "2024-08-31" and ds[1].deadline is None


def test_section_heading_naming_a_body_is_a_lead_in(extractor):
    text = ("Thủ tướng Chính phủ yêu cầu:\n1. Bộ Y tế:\n"
            "a) Chủ trì, phối hợp với Bộ Tài chính rà soát giá dịch vụ khám bệnh, hoàn thành trong quý III/2024.\n"
            "b) Hướng dẫn các địa phương mua sắm thuốc, vật tư y tế.\n"
            "2. Bộ Công Thương bảo đảm cung ứng đủ điện cho sản xuất.\n")
    ds = _run(extractor, text)
    assert [d.responsible for d in ds] == [["Bộ Y tế"], ["Bộ Y tế"], ["Bộ Công Thương"]]
    assert ds[0].coordinate == ["Bộ Tài chính"] and ds[0].deadline == "2024-09-30"


def test_semicolon_clause_keeps_subject_but_not_sibling_time(extractor):
    text = "Bộ Công an khẩn trương điều tra các đường dây lừa đảo trước ngày 15/7/2024; xử lý nghiêm các vi phạm."
    ds = _run(extractor, text)
    assert len(ds) == 2
    assert ds[1].responsible == ["Bộ Công an"] and ds[1].deadline is None


def test_completion_time_segment_joins_the_clause_before(extractor):
    text = "Thủ tướng giao Bộ Tư pháp thẩm định dự thảo Nghị định; hoàn thành trước ngày 10 tháng 6 năm 2024."
    (d,) = _run(extractor, text)
    assert d.deadline == "2024-06-10" and d.text.endswith("năm 2024")


def test_coordinating_bodies_are_not_responsible(extractor):
    text = "Thủ tướng giao Bộ Tài chính chủ trì, phối hợp với Bộ Nội vụ và Ngân hàng Nhà nước Việt Nam xây dựng phương án."
    (d,) = _run(extractor, text)
    assert d.responsible == ["Bộ Tài chính"]
    assert d.coordinate == ["Bộ Nội vụ", "Ngân hàng Nhà nước Việt Nam"]


def test_a_body_directing_others_stays_responsible(extractor):
    text = "Thủ tướng yêu cầu các bộ khẩn trương hành động. Bộ Y tế chỉ đạo các Sở Y tế tăng cường giám sát dịch bệnh."
    d = _one(extractor, text, "giám sát")
    assert d.responsible == ["Bộ Y tế"]


def test_collectives(extractor):
    text = "Thủ tướng yêu cầu các bộ, ngành, địa phương không được chủ quan, phải tiếp tục đẩy mạnh giải ngân vốn."
    (d,) = _run(extractor, text)
    assert d.responsible == ["*bộ-ngành", "*địa-phương"]


def test_past_achievements_praise_and_problems_are_not_directives(extractor):
    text = ("Thời gian qua, Bộ Giao thông vận tải đã hoàn thành 12 dự án cao tốc. "
            "Thủ tướng biểu dương Bộ Giao thông vận tải và các địa phương. "
            "Tuy nhiên, tiến độ giải phóng mặt bằng còn chậm, gây khó khăn cho nhà thầu.")
    assert _run(extractor, text) == []


def test_boilerplate_of_official_documents_is_not_a_directive(extractor):
    text = ("Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;\n\n"
            "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.\n"
            "Điều 3. Bộ trưởng, Thủ trưởng cơ quan ngang bộ, Chủ tịch Ủy ban nhân dân các tỉnh chịu trách nhiệm "
            "thi hành Quyết định này./.\n\nNơi nhận:\n- Như Điều 3;\n- Văn phòng Chính phủ;\n- Lưu: VT.\n")
    assert _run(extractor, text) == []


def test_closing_formula_subject_acts_in_the_next_clause(extractor):
    text = ("Bộ trưởng, Thủ trưởng cơ quan ngang bộ chịu trách nhiệm tổ chức thực hiện nghiêm Chỉ thị này; "
            "định kỳ hằng quý gửi báo cáo về Bộ Kế hoạch và Đầu tư.")
    (d,) = _run(extractor, text)
    assert d.text.startswith("định kỳ") and d.responsible == ["*bộ-ngành"] and d.deadline is None


def test_objectives_are_not_tasks_but_requirements_are(extractor):
    text = ("I. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích\nNâng cao chất lượng dịch vụ công trực tuyến trên địa bàn tỉnh.\n"
            "2. Yêu cầu\nCác sở, ban, ngành bám sát nhiệm vụ được giao, bảo đảm tiến độ.\n")
    ds = _run(extractor, text)
    assert len(ds) == 1 and ds[0].text.startswith("Các sở, ban, ngành")


def test_related_links_and_reader_comments_are_page_chrome(extractor):
    text = ("Thủ tướng yêu cầu Bộ Tài chính sớm trình đề án.\n\nXem thêm:\n- Chính phủ họp phiên thường kỳ tháng 5\n"
            "- Bộ Y tế phải bảo đảm thuốc men\n\n3 bình luận:\n1. Bộ Công an cần xử lý nghiêm việc này.\n")
    ds = _run(extractor, text)
    assert [d.responsible for d in ds] == [["Bộ Tài chính"]]


def test_a_province_acting_means_its_peoples_committee(extractor):
    text = "Thủ tướng nêu rõ: Thái Bình cần xây dựng phương án tăng trưởng cụ thể hơn."
    (d,) = _run(extractor, text)
    assert d.responsible == ["Ủy ban nhân dân tỉnh Thái Bình"]


def test_deputy_prime_minister_stands_for_the_government(extractor):
    text = "Giao Phó Thủ tướng Trần Hồng Hà trực tiếp chỉ đạo việc tháo gỡ vướng mắc của dự án."
    (d,) = _run(extractor, text)
    assert d.responsible == ["Chính phủ"] and d.text.startswith("Phó Thủ tướng")


def test_recurring_time_gives_no_deadline(extractor):
    text = ("Thủ tướng yêu cầu các bộ đẩy nhanh giải ngân. "
            "Văn phòng Chính phủ theo dõi, đôn đốc, hằng tháng báo cáo Thủ tướng tình hình thực hiện.")
    d = _one(extractor, text, "theo dõi")
    assert d.deadline is None


def test_pdf_page_break_inside_a_clause_keeps_one_directive(extractor):
    text = ("Thủ tướng Chính phủ yêu cầu:\n1. Bộ Xây dựng rà soát quy hoạch mạng lưới đường bộ, báo cáo \n"
            "CÔNG BÁO/Số 45/Ngày 02-02-2025 \n17 \n \nThủ tướng Chính phủ trong quý II/2025.\n")
    (d,) = _run(extractor, text, date(2025, 1, 20))
    assert d.responsible == ["Bộ Xây dựng"] and d.deadline == "2025-06-30"
    assert "CÔNG BÁO" in d.text  # the span runs across the break


def test_tab_separated_task_table(extractor):
    text = ("ỦY BAN NHÂN DÂN\nTỈNH LẠNG SƠN\nSố: 15/KH-UBND\n\nII. NHIỆM VỤ\n"
            "STT\tNội dung nhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian hoàn thành\n"
            "1\tXây dựng cơ sở dữ liệu đất đai\tSở Tài nguyên và Môi trường\tSở Tài chính\tQuý III/2024\n"
            "2\tTổ chức tập huấn cho cán bộ cấp xã\tSở Nội vụ\tUBND các huyện\tThường xuyên\n")
    ds = _run(extractor, text)
    assert [d.text for d in ds] == ["Xây dựng cơ sở dữ liệu đất đai", "Tổ chức tập huấn cho cán bộ cấp xã"]
    assert ds[0].responsible == ["Sở Tài nguyên và Môi trường tỉnh Lạng Sơn"]
    assert ds[0].coordinate == ["Sở Tài chính tỉnh Lạng Sơn"] and ds[0].deadline == "2024-09-30"
    assert ds[1].coordinate == ["*địa-phương"] and ds[1].deadline is None


def test_pdf_broken_task_table(extractor):
    text = ("ỦY BAN NHÂN DÂN\nTỈNH LẠNG SƠN\nSố: 15/KH-UBND\n\nII. NHIỆM VỤ\n"
            "STT Nhiệm vụ Cơ quan chủ \ntrì \nCơ quan phối \nhợp \nThời gian \nhoàn thành \n"
            "1 Xây dựng cơ sở dữ liệu đất \nđai của tỉnh \nSở Tài nguyên và \nMôi trường \nSở Tài chính, UBND \n"
            "các huyện \nQuý III/2024 \n2 Tổ chức tập huấn cho cán \nbộ cấp xã \nSở Nội vụ Sở Tài chính \nNăm 2024 \n")
    ds = _run(extractor, text)
    assert len(ds) == 2
    assert ds[0].text.startswith("Xây dựng") and ds[0].text.endswith("của tỉnh")
    assert ds[0].responsible == ["Sở Tài nguyên và Môi trường tỉnh Lạng Sơn"]
    assert ds[0].coordinate == ["Sở Tài chính tỉnh Lạng Sơn", "*địa-phương"]
    assert ds[0].deadline == "2024-09-30"
    assert ds[1].responsible == ["Sở Nội vụ tỉnh Lạng Sơn"] and ds[1].coordinate == ["Sở Tài chính tỉnh Lạng Sơn"]


def test_former_ministry_given_a_task_after_the_merger_means_its_successor(extractor):
    text = "Thủ tướng giao Bộ KH&ĐT chủ trì tổng hợp phương án phân bổ vốn, báo cáo trước ngày 15/5/2025."
    (d,) = _run(extractor, text, date(2025, 4, 2))
    assert d.responsible == ["Bộ Tài chính"]


def test_cong_dien_recipients_are_not_tasks_and_numbered_items_stay_under_the_lead_in(extractor):
    text = ("THỦ TƯỚNG CHÍNH PHỦ điện:\n- Chủ tịch Ủy ban nhân dân các tỉnh: Nghệ An, Hà Tĩnh;\n"
            "- Các Bộ: Quốc phòng, Công an.\n\n"
            "Để khắc phục hậu quả mưa lũ, Thủ tướng Chính phủ yêu cầu:\n"
            "1. Chủ tịch Ủy ban nhân dân các tỉnh Nghệ An, Hà Tĩnh:\n"
            "a) Tổ chức tìm kiếm người mất tích.\n"
            "2. Bộ Tài chính xuất cấp gạo dự trữ quốc gia cho các địa phương.\n")
    ds = _run(extractor, text, date(2025, 9, 14))
    assert [d.text.split()[0] for d in ds] == ["Tổ", "Bộ"]
    assert ds[0].responsible == ["Ủy ban nhân dân tỉnh Nghệ An", "Ủy ban nhân dân tỉnh Hà Tĩnh"]
    assert ds[1].responsible == ["Bộ Tài chính"]


def test_descriptions_requests_objectives_and_statistics_are_not_tasks(extractor):
    text = ("Thủ tướng yêu cầu Bộ Y tế bảo đảm thuốc men. "
            "Đây là nhiệm vụ rất quan trọng, các cấp phải quan tâm. "
            "Tỉnh cũng kiến nghị Bộ Xây dựng sớm phê duyệt quy hoạch. "
            "Kế hoạch đề ra mục tiêu giúp các địa phương nâng cao năng lực; hoàn thành trong năm 2024. "
            "Toàn tỉnh còn 120 hồ chứa xuống cấp cần sửa chữa.")
    ds = _run(extractor, text)
    assert [d.responsible for d in ds] == [["Bộ Y tế"]]


def test_closing_formula_across_a_pdf_line_break(extractor):
    text = ("8. Bộ trưởng, Thủ trưởng cơ quan ngang bộ chịu trách nhiệm tổ chức thực hiện nghiêm Chỉ \n"
            "thị này./.\n")
    assert _run(extractor, "Thủ tướng Chính phủ yêu cầu:\n" + text) == []


def test_committee_decision_tasks_are_directives_and_powers_are_not(extractor):
    text = ("QUYẾT ĐỊNH:\n\nĐiều 1. Thành lập Ban Chỉ đạo quốc gia về chuyển đổi số (sau đây gọi tắt là Ban Chỉ đạo).\n\n"
            "Điều 2. Nhiệm vụ của Ban Chỉ đạo\n"
            "1. Giúp Thủ tướng Chính phủ chỉ đạo, điều phối các nhiệm vụ liên ngành về chuyển đổi số.\n"
            "2. Định kỳ 6 tháng báo cáo Thủ tướng Chính phủ kết quả thực hiện.\n\n"
            "Điều 3. Quyền hạn của Ban Chỉ đạo\n"
            "1. Yêu cầu các bộ, ngành, địa phương cung cấp thông tin.\n\n"
            "Điều 4. Kinh phí hoạt động của Ban Chỉ đạo do ngân sách nhà nước bảo đảm.\n")
    ds = _run(extractor, text, date(2025, 10, 20))
    assert [d.text.split()[0] for d in ds] == ["Giúp", "Định"]
    assert all(d.responsible == ["Ban Chỉ đạo quốc gia về chuyển đổi số"] for d in ds)
    assert ds[1].deadline is None


def test_frame_after_a_long_adverbial_phrase(extractor):
    text = ("Trong công điện về khắc phục hậu quả các vụ tai nạn giao thông xảy ra tại huyện Kim Thành, "
            "ban hành chiều 23-7, Thủ tướng yêu cầu Công an tỉnh Hải Dương điều tra nguyên nhân các vụ tai nạn.")
    (d,) = _run(extractor, text, date(2024, 7, 24))
    assert d.text.startswith("Công an tỉnh Hải Dương") and d.responsible == ["Công an tỉnh Hải Dương"]


def test_an_issuer_ending_a_list_of_bodies_is_no_frame(extractor):
    text = ("Các tỉnh đã thành lập Tổ công tác để theo dõi nhiệm vụ được Chính phủ, Thủ tướng Chính phủ giao "
            "cũng như nhiệm vụ được lãnh đạo địa phương giao.")
    assert _run(extractor, text) == []


def test_generic_units_stand_for_their_collectives(extractor):
    text = "Thủ tướng nêu rõ: Tổ công tác tại các bộ, cơ quan, địa phương phải hoạt động thực chất."
    (d,) = _run(extractor, text)
    assert d.responsible == ["*bộ-ngành", "*địa-phương"]


def test_a_parent_body_in_parentheses_qualifies_and_a_town_can_coordinate(extractor):
    text = ("Thủ tướng yêu cầu Cục Đường bộ Việt Nam chủ trì, phối hợp với Cục Cảnh sát giao thông (Bộ Công an) "
            "xây dựng phương án phân luồng. Thủ tướng yêu cầu Bộ Xây dựng phối hợp với thị xã Kỳ Anh rà soát dự án.")
    ds = _run(extractor, text)
    assert ds[0].coordinate == ["Cục Cảnh sát giao thông"]
    assert ds[1].coordinate == ["Ủy ban nhân dân thị xã Kỳ Anh"]
