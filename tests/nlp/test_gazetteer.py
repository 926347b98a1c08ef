"""The body gazetteer: canonical names, dates, provinces, offices, collectives, short forms."""

from __future__ import annotations

import time
from datetime import date

import pytest

from nlp.gazetteer import Gazetteer
from nlp.records import Body


@pytest.fixture(scope="module")
def gz() -> Gazetteer:
    return Gazetteer.default()


def names(gz: Gazetteer, text: str, **kw) -> list[str]:
    return [m.name for m in gz.find(text, **kw)]


def pairs(gz: Gazetteer, text: str, **kw) -> list[tuple[str, str]]:
    return [(m.text, m.name) for m in gz.find(text, **kw)]


# --- central bodies ---------------------------------------------------------------------------------------------------


def test_ministry_full_names(gz: Gazetteer) -> None:
    text = "Giao Bộ Tài chính chủ trì, phối hợp với Bộ Nội vụ và Ngân hàng Nhà nước Việt Nam xây dựng phương án."
    assert names(gz, text) == ["Bộ Tài chính", "Bộ Nội vụ", "Ngân hàng Nhà nước Việt Nam"]


def test_mentions_carry_offsets_into_the_original(gz: Gazetteer) -> None:
    text = "Đề nghị Bộ Y tế khẩn trương hướng dẫn."
    (m,) = gz.find(text)
    assert (m.start, m.end, m.text, m.kind) == (8, 15, "Bộ Y tế", "body")
    assert text[m.start:m.end] == m.text


def test_abbreviations(gz: Gazetteer) -> None:
    text = ("Bộ KH&ĐT, Bộ TT&TT, Bộ LĐ-TB&XH, Bộ TN&MT, Bộ NN&PTNT và Bộ GTVT gửi ý kiến về VPCP; "
            "NHNN điều hành lãi suất.")
    assert names(gz, text) == [
        "Bộ Kế hoạch và Đầu tư", "Bộ Thông tin và Truyền thông", "Bộ Lao động - Thương binh và Xã hội",
        "Bộ Tài nguyên và Môi trường", "Bộ Nông nghiệp và Phát triển nông thôn", "Bộ Giao thông vận tải",
        "Văn phòng Chính phủ", "Ngân hàng Nhà nước Việt Nam",
    ]


def test_abbreviations_without_ampersand(gz: Gazetteer) -> None:
    text = "Bộ KHĐT, Bộ TTTT, Bộ LĐTBXH, Bộ TNMT, Bộ NNPTNT, Bộ GD&ĐT, Bộ VHTTDL, Bộ KH&CN, Bộ NN&MT họp bàn."
    assert names(gz, text) == [
        "Bộ Kế hoạch và Đầu tư", "Bộ Thông tin và Truyền thông", "Bộ Lao động - Thương binh và Xã hội",
        "Bộ Tài nguyên và Môi trường", "Bộ Nông nghiệp và Phát triển nông thôn", "Bộ Giáo dục và Đào tạo",
        "Bộ Văn hóa, Thể thao và Du lịch", "Bộ Khoa học và Công nghệ", "Bộ Nông nghiệp và Môi trường",
    ]


def test_state_groups_and_associations(gz: Gazetteer) -> None:
    text = "Bộ Công Thương yêu cầu EVN, PVN, TKV và Petrolimex bảo đảm nguồn cung; VCCI, VASEP kiến nghị."
    assert names(gz, text) == [
        "Bộ Công Thương", "Tập đoàn Điện lực Việt Nam", "Tập đoàn Dầu khí Việt Nam",
        "Tập đoàn Công nghiệp Than - Khoáng sản Việt Nam", "Tập đoàn Xăng dầu Việt Nam",
        "Liên đoàn Thương mại và Công nghiệp Việt Nam", "Hiệp hội Chế biến và Xuất khẩu thủy sản Việt Nam",
    ]


def test_central_departments_by_their_own_name(gz: Gazetteer) -> None:
    text = "Cục Hàng không Việt Nam, Cục CSGT và Vụ Pháp chế phối hợp với Tổng công ty Đường sắt Việt Nam."
    assert names(gz, text) == ["Cục Hàng không Việt Nam", "Cục Cảnh sát giao thông", "Vụ Pháp chế",
                               "Tổng công ty Đường sắt Việt Nam"]


def test_party_and_state_bodies(gz: Gazetteer) -> None:
    text = "Thực hiện kết luận của Bộ Chính trị, Ban Bí thư; Quốc hội, Ủy ban Thường vụ Quốc hội giám sát."
    assert names(gz, text) == ["Bộ Chính trị", "Ban Bí thư Trung ương Đảng", "Quốc hội", "Ủy ban Thường vụ Quốc hội"]


def test_longer_name_wins_over_the_body_inside(gz: Gazetteer) -> None:
    text = "Văn phòng Chính phủ và Tổ công tác của Thủ tướng Chính phủ theo dõi; Chính phủ ban hành nghị quyết."
    assert names(gz, text) == ["Văn phòng Chính phủ", "Tổ công tác của Thủ tướng Chính phủ", "Chính phủ"]


def test_numbered_bodies(gz: Gazetteer) -> None:
    assert names(gz, "Ban Quản lý dự án 6 và Quân khu 5 phối hợp.") == ["Ban Quản lý dự án 6", "Bộ Tư lệnh Quân khu 5"]


# --- dates ------------------------------------------------------------------------------------------------------------


def test_former_ministry_after_the_2025_reorganisation_means_its_successor(gz: Gazetteer) -> None:
    text = "Bộ KH&ĐT chủ trì, phối hợp với Bộ TT&TT và Bộ GTVT trình phương án."
    assert names(gz, text, on=date(2025, 4, 10)) == ["Bộ Tài chính", "Bộ Khoa học và Công nghệ", "Bộ Xây dựng"]


def test_names_in_force_are_kept(gz: Gazetteer) -> None:
    text = "Bộ KH&ĐT chủ trì tổng hợp kế hoạch đầu tư công."
    assert names(gz, text, on=date(2024, 10, 1)) == ["Bộ Kế hoạch và Đầu tư"]
    assert names(gz, text) == ["Bộ Kế hoạch và Đầu tư"]


def test_former_body_marked_old_keeps_its_name(gz: Gazetteer) -> None:
    text = "Hồ sơ do Bộ Tài nguyên và Môi trường (cũ) lập được chuyển giao."
    assert names(gz, text, on=date(2025, 6, 1)) == ["Bộ Tài nguyên và Môi trường"]


def test_general_departments_became_departments(gz: Gazetteer) -> None:
    text = "Tổng cục Thuế và Tổng cục Hải quan tăng cường kiểm tra sau thông quan."
    assert names(gz, text, on=date(2025, 5, 20)) == ["Cục Thuế", "Cục Hải quan"]
    assert names(gz, text, on=date(2024, 5, 20)) == ["Tổng cục Thuế", "Tổng cục Hải quan"]


def test_merged_province_after_july_2025(gz: Gazetteer) -> None:
    assert names(gz, "UBND tỉnh Bình Dương báo cáo.", on=date(2025, 8, 1)) == ["Ủy ban nhân dân Thành phố Hồ Chí Minh"]
    assert names(gz, "UBND tỉnh Bình Dương báo cáo.", on=date(2024, 8, 1)) == ["Ủy ban nhân dân tỉnh Bình Dương"]


def test_successors_and_predecessors(gz: Gazetteer) -> None:
    assert gz.successors("Bộ Lao động - Thương binh và Xã hội") == ["Bộ Nội vụ", "Bộ Y tế", "Bộ Giáo dục và Đào tạo"]
    assert gz.successors("Bộ TT&TT")[0] == "Bộ Khoa học và Công nghệ"
    assert set(gz.predecessors("Bộ Nông nghiệp và Môi trường")) == {
        "Bộ Tài nguyên và Môi trường", "Bộ Nông nghiệp và Phát triển nông thôn"}
    assert "Ủy ban Quản lý vốn nhà nước tại doanh nghiệp" in gz.predecessors("Bộ Tài chính")
    assert gz.canonical("Bộ KH&ĐT", on=date(2025, 3, 15)) == "Bộ Tài chính"
    assert gz.canonical("Bộ KH&ĐT", on=date(2025, 2, 28)) == "Bộ Kế hoạch và Đầu tư"
    assert gz.canonical("Tổng cục Đường bộ Việt Nam", on=date(2024, 6, 1)) == "Cục Đường bộ Việt Nam"


# --- provinces ----------------------------------------------------------------------------------------------------------


def test_provincial_committees_with_abbreviations(gz: Gazetteer) -> None:
    text = "UBND tỉnh Quảng Nam, UBND TP Đà Nẵng, UBND TP.HCM và Uỷ ban nhân dân thành phố Hà Nội thống nhất phương án."
    assert names(gz, text) == [
        "Ủy ban nhân dân tỉnh Quảng Nam", "Ủy ban nhân dân thành phố Đà Nẵng",
        "Ủy ban nhân dân Thành phố Hồ Chí Minh", "Ủy ban nhân dân thành phố Hà Nội",
    ]


def test_provincial_bodies_generated_from_patterns(gz: Gazetteer) -> None:
    text = ("Tỉnh ủy Lạng Sơn, Hội đồng nhân dân tỉnh Lạng Sơn, Công an tỉnh Lạng Sơn, Bảo hiểm xã hội tỉnh Lạng Sơn "
            "và Sở Tài chính tỉnh Lạng Sơn.")
    assert names(gz, text) == [
        "Tỉnh ủy Lạng Sơn", "Hội đồng nhân dân tỉnh Lạng Sơn", "Công an tỉnh Lạng Sơn",
        "Bảo hiểm xã hội tỉnh Lạng Sơn", "Sở Tài chính tỉnh Lạng Sơn",
    ]


def test_departments_take_the_document_province(gz: Gazetteer) -> None:
    text = ("Sở Y tế chủ trì, phối hợp với Sở KH&ĐT, Sở TN&MT, Công an tỉnh và Văn phòng UBND tỉnh "
            "trình UBND tỉnh trước ngày 15/5.")
    assert names(gz, text, province="Ninh Thuận") == [
        "Sở Y tế tỉnh Ninh Thuận", "Sở Kế hoạch và Đầu tư tỉnh Ninh Thuận", "Sở Tài nguyên và Môi trường tỉnh Ninh Thuận",
        "Công an tỉnh Ninh Thuận", "Văn phòng Ủy ban nhân dân tỉnh Ninh Thuận", "Ủy ban nhân dân tỉnh Ninh Thuận",
    ]


def test_departments_without_a_province_are_not_named(gz: Gazetteer) -> None:
    assert names(gz, "Sở Y tế phối hợp với UBND tỉnh và Công an tỉnh.") == []


def test_department_merged_in_2025_keeps_its_province(gz: Gazetteer) -> None:
    text = "Sở Kế hoạch và Đầu tư chủ trì thẩm định."
    assert names(gz, text, province="Ninh Thuận", on=date(2025, 4, 1)) == ["Sở Tài chính tỉnh Ninh Thuận"]


def test_cities_and_the_party_committee(gz: Gazetteer) -> None:
    text = "Thành ủy, HĐND, UBND thành phố Cần Thơ chỉ đạo Sở Xây dựng thành phố."
    assert names(gz, text) == [
        "Thành ủy Cần Thơ", "Hội đồng nhân dân thành phố Cần Thơ", "Ủy ban nhân dân thành phố Cần Thơ",
    ]
    assert names(gz, "Sở Xây dựng thành phố khẩn trương kiểm tra.", province="Cần Thơ") == [
        "Sở Xây dựng thành phố Cần Thơ"]


def test_heads_share_the_province_named_after_them(gz: Gazetteer) -> None:
    text = "Phó Thủ tướng làm việc với Ban Thường vụ Tỉnh ủy, lãnh đạo UBND tỉnh Gia Lai."
    assert names(gz, text) == ["Chính phủ", "Ban Thường vụ Tỉnh ủy Gia Lai", "Ủy ban nhân dân tỉnh Gia Lai"]


def test_media_and_front_of_a_province(gz: Gazetteer) -> None:
    text = "Đài Phát thanh và Truyền hình tỉnh, Báo Lâm Đồng và Ủy ban MTTQ Việt Nam tỉnh tuyên truyền."
    assert names(gz, text, province="Lâm Đồng") == [
        "Đài Phát thanh và Truyền hình Lâm Đồng", "Báo Lâm Đồng", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Lâm Đồng",
    ]
    assert gz.lookup("Báo Lâm Đồng").type == "media"


def test_districts_and_communes(gz: Gazetteer) -> None:
    text = "Giao UBND huyện Đức Thọ, Ủy ban nhân dân thị xã Hồng Lĩnh, UBND quận Ba Đình và UBND xã Cẩm Quan rà soát."
    assert names(gz, text) == [
        "Ủy ban nhân dân huyện Đức Thọ", "Ủy ban nhân dân thị xã Hồng Lĩnh", "Ủy ban nhân dân quận Ba Đình",
        "Ủy ban nhân dân xã Cẩm Quan",
    ]


def test_district_name_stops_at_a_person(gz: Gazetteer) -> None:
    assert pairs(gz, "Chủ tịch UBND huyện Hương Sơn Nguyễn Văn Bình cho biết.") == [
        ("Chủ tịch UBND huyện Hương Sơn", "Ủy ban nhân dân huyện Hương Sơn")]


def test_lowercase_after_the_head_is_no_district(gz: Gazetteer) -> None:
    assert names(gz, "UBND huyện đã chỉ đạo các xã rà soát.") == ["*địa-phương"]


def test_provincial_city_is_a_district(gz: Gazetteer) -> None:
    assert names(gz, "UBND thành phố Thanh Hóa và UBND tỉnh Thanh Hóa phối hợp.") == [
        "Ủy ban nhân dân thành phố Thanh Hóa", "Ủy ban nhân dân tỉnh Thanh Hóa"]


def test_distributed_lists(gz: Gazetteer) -> None:
    text = "Đề nghị UBND các tỉnh: Sơn La, Điện Biên, Lai Châu và thành phố Hải Phòng chủ động ứng phó."
    assert names(gz, text) == [
        "Ủy ban nhân dân tỉnh Sơn La", "Ủy ban nhân dân tỉnh Điện Biên", "Ủy ban nhân dân tỉnh Lai Châu",
        "Ủy ban nhân dân thành phố Hải Phòng",
    ]
    text = "UBND các huyện Nghi Xuân, Can Lộc và thị xã Hồng Lĩnh hoàn thành bàn giao mặt bằng."
    assert names(gz, text) == [
        "Ủy ban nhân dân huyện Nghi Xuân", "Ủy ban nhân dân huyện Can Lộc", "Ủy ban nhân dân thị xã Hồng Lĩnh"]
    text = "- Các Bộ: Tư pháp, Xây dựng, Kế hoạch và Đầu tư;"
    assert names(gz, text) == ["Bộ Tư pháp", "Bộ Xây dựng", "Bộ Kế hoạch và Đầu tư"]


def test_infer_province_from_a_header(gz: Gazetteer) -> None:
    header = ("ỦY BAN NHÂN DÂN\nTỈNH NINH THUẬN\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
              "Độc lập - Tự do - Hạnh phúc\nSố: 1021/QĐ-UBND\nNinh Thuận, ngày 12 tháng 6 năm 2023\n")
    assert gz.infer_province(header + "QUYẾT ĐỊNH\nVề việc giao Sở Y tế …") == "Ninh Thuận"


def test_infer_province_from_a_two_column_header(gz: Gazetteer) -> None:
    header = ("ỦY BAN NHÂN DÂN          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
              "TỈNH ĐỒNG THÁP           Độc lập - Tự do - Hạnh phúc\nSố: 88/KH-UBND\n")
    assert gz.infer_province(header) == "Đồng Tháp"


def test_infer_province_of_a_prime_minister_directive_is_none(gz: Gazetteer) -> None:
    text = ("THỦ TƯỚNG CHÍNH PHỦ\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "Số: 08/CT-TTg\nHà Nội, ngày 3 tháng 3 năm 2024\nCHỈ THỊ\nVề tăng cường phòng, chống hạn hán tại các tỉnh "
            "Bến Tre, Trà Vinh\nUBND tỉnh Bến Tre chủ động cấp nước sinh hoạt cho người dân.")
    assert gz.infer_province(text) is None


def test_infer_province_from_a_provincial_paper(gz: Gazetteer) -> None:
    text = ("BÁO QUẢNG BÌNH\nThời sự\n\nChủ tịch UBND tỉnh yêu cầu đẩy nhanh giải ngân\n\n"
            "(Baoquangbinh.vn) - Chủ tịch UBND tỉnh yêu cầu Sở Tài chính tham mưu điều chuyển vốn.")
    assert gz.infer_province(text) == "Quảng Bình"


# --- offices ------------------------------------------------------------------------------------------------------------


def test_prime_minister_and_deputies_stand_for_the_government(gz: Gazetteer) -> None:
    text = "Thủ tướng Chính phủ yêu cầu; Phó Thủ tướng Lê Thành Long chỉ đạo; Thủ tướng nhấn mạnh."
    assert [(m.text, m.name, m.kind) for m in gz.find(text)] == [
        ("Thủ tướng Chính phủ", "Chính phủ", "office"), ("Phó Thủ tướng", "Chính phủ", "office"),
        ("Thủ tướng", "Chính phủ", "office"),
    ]


def test_titles_before_a_body(gz: Gazetteer) -> None:
    text = "Bộ trưởng Bộ Y tế, Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ và Chủ tịch UBND tỉnh Quảng Ninh dự họp."
    assert [(m.text, m.name, m.kind) for m in gz.find(text)] == [
        ("Bộ trưởng Bộ Y tế", "Bộ Y tế", "office"),
        ("Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ", "Văn phòng Chính phủ", "office"),
        ("Chủ tịch UBND tỉnh Quảng Ninh", "Ủy ban nhân dân tỉnh Quảng Ninh", "office"),
    ]


def test_provincial_offices_take_the_document_province(gz: Gazetteer) -> None:
    text = "Giám đốc Sở Tài chính và Giám đốc Công an tỉnh báo cáo Chủ tịch UBND tỉnh."
    assert pairs(gz, text, province="Bắc Giang") == [
        ("Giám đốc Sở Tài chính", "Sở Tài chính tỉnh Bắc Giang"),
        ("Giám đốc Công an tỉnh", "Công an tỉnh Bắc Giang"),
        ("Chủ tịch UBND tỉnh", "Ủy ban nhân dân tỉnh Bắc Giang"),
    ]


# --- collectives --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, marker", [
    ("Yêu cầu các bộ, ngành khẩn trương rà soát.", "*bộ-ngành"),
    ("Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ tổ chức thực hiện.", "*bộ-ngành"),
    ("Bộ trưởng, Thủ trưởng cơ quan ngang bộ chịu trách nhiệm.", "*bộ-ngành"),
    ("Các bộ, ngành Trung ương hướng dẫn.", "*bộ-ngành"),
    ("Thủ trưởng các sở, ban, ngành chịu trách nhiệm thi hành.", "*bộ-ngành"),
    ("Các bộ, cơ quan liên quan phối hợp.", "*bộ-ngành"),
    ("Các địa phương chủ động bố trí kinh phí.", "*địa-phương"),
    ("Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương chỉ đạo.", "*địa-phương"),
    ("Chủ tịch UBND các tỉnh, thành phố chịu trách nhiệm.", "*địa-phương"),
    ("UBND các huyện, thị xã, thành phố rà soát.", "*địa-phương"),
    ("Giao UBND cấp huyện tổng hợp.", "*địa-phương"),
    ("UBND các xã, phường tuyên truyền.", "*địa-phương"),
    ("Chính quyền địa phương các cấp vào cuộc.", "*địa-phương"),
    ("Sở Tư pháp các tỉnh, thành phố hướng dẫn.", "*địa-phương"),
    ("Bộ yêu cầu các Sở GD&ĐT rà soát đội ngũ giáo viên.", "*địa-phương"),
    ("Các cơ quan, đơn vị liên quan phối hợp.", "*cơ-quan-liên-quan"),
    ("Các đơn vị khẩn trương triển khai.", "*cơ-quan-liên-quan"),
    ("Các cơ quan liên quan báo cáo.", "*cơ-quan-liên-quan"),
    ("Các Cục, Vụ thuộc Bộ theo dõi.", "*cơ-quan-liên-quan"),
    ("Lực lượng công an, y tế túc trực.", "*cơ-quan-liên-quan"),
])
def test_collectives(gz: Gazetteer, text: str, marker: str) -> None:
    found = [m for m in gz.find(text) if m.kind == "collective"]
    assert [m.name for m in found] == [marker], found


def test_ministers_and_provincial_chairs(gz: Gazetteer) -> None:
    text = "Bộ trưởng, Chủ tịch UBND các tỉnh, thành phố chịu trách nhiệm trước Thủ tướng."
    coll = [(m.text, m.name) for m in gz.find(text) if m.kind == "collective"]
    assert coll == [("Bộ trưởng", "*bộ-ngành"), ("Chủ tịch UBND các tỉnh, thành phố", "*địa-phương")]


def test_ministries_and_localities_give_two_adjacent_mentions(gz: Gazetteer) -> None:
    text = "Thủ tướng yêu cầu các bộ, ngành, địa phương quyết liệt triển khai."
    coll = [(m.text, m.name) for m in gz.find(text) if m.kind == "collective"]
    assert coll == [("các bộ, ngành", "*bộ-ngành"), ("địa phương", "*địa-phương")]


def test_departments_and_committees_of_a_province(gz: Gazetteer) -> None:
    text = "Các sở, ban, ngành, Ủy ban nhân dân các huyện, thành phố xây dựng kế hoạch."
    assert names(gz, text, province="Phú Yên") == ["*bộ-ngành", "*địa-phương"]


def test_words_that_only_look_like_collectives(gz: Gazetteer) -> None:
    text = ("Các vụ tai nạn, các bộ phận chuyên môn, các bộ tiêu chí, các ngành hàng xuất khẩu, các tổ chức tín dụng "
            "và 12/63 tỉnh, thành phố.")
    assert names(gz, text) == []


# --- short forms ----------------------------------------------------------------------------------------------------------


def test_short_form_defined_in_the_text(gz: Gazetteer) -> None:
    text = ("Hội nghị tổng kết hoạt động của Tổ công tác của Thủ tướng Chính phủ (gọi tắt là Tổ công tác). "
            "Tổ công tác đã kiểm tra 12 bộ. Thủ tướng yêu cầu Tổ công tác tiếp tục đôn đốc.")
    found = [(m.text, m.name) for m in gz.find(text) if m.name.startswith("Tổ")]
    assert found == [("Tổ công tác của Thủ tướng Chính phủ", "Tổ công tác của Thủ tướng Chính phủ"),
                     ("Tổ công tác", "Tổ công tác của Thủ tướng Chính phủ"),
                     ("Tổ công tác", "Tổ công tác của Thủ tướng Chính phủ")]


def test_short_form_of_a_body_the_text_sets_up(gz: Gazetteer) -> None:
    text = ("Thành lập Ban Chỉ đạo chuyển đổi số tỉnh (sau đây gọi tắt là Ban Chỉ đạo). "
            "Ban Chỉ đạo có trách nhiệm tham mưu cho Ủy ban nhân dân tỉnh.")
    assert names(gz, text, province="Bình Phước") == [
        "Ban Chỉ đạo chuyển đổi số tỉnh Bình Phước", "Ban Chỉ đạo chuyển đổi số tỉnh Bình Phước",
        "Ủy ban nhân dân tỉnh Bình Phước",
    ]


def test_acronym_in_parentheses(gz: Gazetteer) -> None:
    text = "Ủy ban châu Âu (EC) sẽ sang kiểm tra lần thứ năm; EC đánh giá cao nỗ lực của Việt Nam."
    assert names(gz, text) == ["Ủy ban châu Âu", "Ủy ban châu Âu"]


def test_generic_working_groups_are_not_the_defined_one(gz: Gazetteer) -> None:
    text = "Tổ công tác của Thủ tướng Chính phủ (gọi tắt là Tổ công tác) đề nghị Tổ công tác tại các bộ hoạt động thực chất."
    found = [m.text for m in gz.find(text) if m.name == "Tổ công tác của Thủ tướng Chính phủ"]
    assert found == ["Tổ công tác của Thủ tướng Chính phủ"]


# --- text as it comes -------------------------------------------------------------------------------------------------------


def test_pdf_line_break_inside_a_name(gz: Gazetteer) -> None:
    text = "giao Bộ Kế hoạch và\nĐầu tư chủ trì, Ủy ban nhân dân tỉnh Ninh\nThuận phối hợp"
    assert pairs(gz, text) == [("Bộ Kế hoạch và\nĐầu tư", "Bộ Kế hoạch và Đầu tư"),
                               ("Ủy ban nhân dân tỉnh Ninh\nThuận", "Ủy ban nhân dân tỉnh Ninh Thuận")]


def test_old_tone_placement(gz: Gazetteer) -> None:
    text = "Uỷ ban nhân dân tỉnh Khánh Hoà và Uỷ ban An toàn giao thông Quốc gia kiểm tra."
    assert pairs(gz, text) == [("Uỷ ban nhân dân tỉnh Khánh Hoà", "Ủy ban nhân dân tỉnh Khánh Hòa"),
                               ("Uỷ ban An toàn giao thông Quốc gia", "Ủy ban An toàn giao thông Quốc gia")]


def test_headers_in_capitals(gz: Gazetteer) -> None:
    assert names(gz, "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG\n-------\nSố: 15/QĐ-BNNMT") == ["Bộ Nông nghiệp và Môi trường"]


def test_not_bodies(gz: Gazetteer) -> None:
    text = ("Đảng và Nhà nước luôn quan tâm; các doanh nghiệp, người dân, cán bộ, công chức khai thác "
            "Cơ sở dữ liệu quốc gia về dân cư; ngân sách Trung ương hỗ trợ; các cơ sở y tế tiếp nhận bệnh nhân.")
    assert names(gz, text, province="Hà Giang") == []


def test_document_numbers_are_not_bodies(gz: Gazetteer) -> None:
    text = "Căn cứ Nghị quyết số 01/NQ-CP, Chỉ thị số 05/CT-TTg và Công văn số 2150/BCT-ĐTĐL; Số: 118/KH-UBND."
    assert names(gz, text) == []


def test_acronyms_must_be_in_capitals(gz: Gazetteer) -> None:
    assert names(gz, "hệ thống evn và tkv") == []


# --- the store's view ------------------------------------------------------------------------------------------------------


def test_lookup_by_any_name(gz: Gazetteer) -> None:
    assert gz.lookup("VPCP").name == "Văn phòng Chính phủ"
    assert gz.lookup("Bộ LĐTBXH").name == "Bộ Lao động - Thương binh và Xã hội"
    assert gz.lookup("UBND tỉnh Nghệ An").name == "Ủy ban nhân dân tỉnh Nghệ An"
    assert gz.lookup("Sở NN&PTNT tỉnh Hà Tĩnh").name == "Sở Nông nghiệp và Phát triển nông thôn tỉnh Hà Tĩnh"
    assert gz.lookup("UBND huyện Kỳ Sơn").name == "Ủy ban nhân dân huyện Kỳ Sơn"
    assert gz.lookup("không có cơ quan này") is None
    assert gz.lookup("*bộ-ngành") is None


def test_bodies_cover_central_and_every_province(gz: Gazetteer) -> None:
    bodies = {b.name: b for b in gz.bodies()}
    assert all(isinstance(b, Body) for b in bodies.values())
    assert bodies["Bộ Kế hoạch và Đầu tư"].valid_to == date(2025, 2, 28)
    assert bodies["Bộ Kế hoạch và Đầu tư"].successors == ["Bộ Tài chính"]
    for province in ("tỉnh Hà Giang", "tỉnh Cà Mau", "thành phố Hải Phòng", "Thành phố Hồ Chí Minh"):
        assert f"Ủy ban nhân dân {province}" in bodies
        assert f"Sở Y tế {province}" in bodies
    assert bodies["Ủy ban nhân dân tỉnh Hà Giang"].successors == ["Ủy ban nhân dân tỉnh Tuyên Quang"]
    assert len(bodies) > 3000


def test_places(gz: Gazetteer) -> None:
    text = "Thủ tướng khen ngợi tỉnh Bắc Kạn; Hà Nội phải đi đầu; huyện Ba Bể cần chủ động; UBND tỉnh Cao Bằng báo cáo."
    assert [(m.text, m.name) for m in gz.find_places(text)] == [
        ("tỉnh Bắc Kạn", "Ủy ban nhân dân tỉnh Bắc Kạn"), ("Hà Nội", "Ủy ban nhân dân thành phố Hà Nội"),
        ("huyện Ba Bể", "Ủy ban nhân dân huyện Ba Bể"),
    ]


def test_find_is_fast(gz: Gazetteer) -> None:
    sentence = ("Thủ tướng yêu cầu các bộ, ngành, địa phương khẩn trương triển khai; Bộ Tài chính chủ trì, phối hợp "
                "với Bộ KH&ĐT, UBND tỉnh Nghệ An và Sở Y tế rà soát các dự án chậm giải ngân, báo cáo trước ngày 30/6. ")
    text = sentence * (10_000 // len(sentence))
    gz.find(text, province="Nghệ An")
    best = min(_timed(gz, text) for _ in range(5))
    assert best < 0.05  # about 5 ms on a quiet machine; generous against noisy CI


def _timed(gz: Gazetteer, text: str) -> float:
    start = time.perf_counter()
    gz.find(text, province="Nghệ An", on=date(2024, 6, 1))
    return time.perf_counter() - start
