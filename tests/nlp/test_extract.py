"""Document-level output: the bodies list, the reference date, the JSON shape."""

import json
from datetime import date

import pytest

from nlp.extract import Extractor


@pytest.fixture(scope="module")
def extractor():
    return Extractor()


def test_outlets_count_only_where_the_document_addresses_them(extractor):
    text = ("BÁO HÀ TĨNH\n\n(Baohatinh.vn) - Chiều 3/8, UBND tỉnh Hà Tĩnh họp phiên thường kỳ.\n\n"
            "Chủ tịch UBND tỉnh yêu cầu Sở Y tế đẩy nhanh tiêm vắc xin.\n\nNơi nhận:\n- Báo Giao thông;\n- Lưu: VT.\n")
    bodies = extractor.extract(text, date=date(2022, 8, 3)).bodies
    assert "Báo Hà Tĩnh" not in bodies
    assert "Báo Giao thông" in bodies
    assert "Ủy ban nhân dân tỉnh Hà Tĩnh" in bodies and "Sở Y tế tỉnh Hà Tĩnh" in bodies


def test_a_body_inside_a_longer_name_counts_only_as_the_longer_one(extractor):
    bodies = extractor.extract("Văn phòng Chính phủ theo dõi việc thực hiện.").bodies
    assert bodies == ["Văn phòng Chính phủ"]


def test_header_date_resolves_relative_times_without_date(extractor):
    text = ("BỘ Y TẾ\nSố: 12/CT-BYT\nHà Nội, ngày 04 tháng 3 năm 2024\n\nCHỈ THỊ\nVề phòng chống dịch\n\n"
            "Bộ trưởng Bộ Y tế yêu cầu:\n1. Cục Quản lý Dược hoàn thành rà soát danh mục thuốc trong quý II.\n")
    ex = extractor.extract(text)
    assert ex.date == "2024-03-04"
    assert [d.deadline for d in ex.directives] == ["2024-06-30"]
    assert ex.header.number == "12/CT-BYT"


def test_json_is_the_contract_of_section_7(extractor):
    ex = extractor.extract("Thủ tướng yêu cầu Bộ Nội vụ hoàn thành đề án trong tháng 5/2024, giảm 1,8% biên chế.",
                           path="x.txt", date=date(2024, 4, 2))
    obj = json.loads(json.dumps(ex.to_json(), ensure_ascii=False))
    assert obj["path"] == "x.txt"
    (d,) = obj["directives"]
    assert {"text", "start", "end", "responsible", "coordinate", "deadline", "issuer_person", "confidence"} <= set(d)
    assert d["responsible"] == ["Bộ Nội vụ"] and d["deadline"] == "2024-05-31"
    assert obj["figures"][0]["value"] == 1.8 and obj["figures"][0]["unit"] == "%"
