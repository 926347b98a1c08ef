"""Properties of the extractor on arbitrary text: it never raises, and every span is its own text.

Offsets are code points into the NFC text of the input (nlp/records.py), whatever
the input's normal form, line ends or noise.
"""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlp.extract import Extractor
from nlp.records import Extraction

VIETNAMESE = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
    "AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬBCDĐEÈÉẺẼẸÊỀẾỂỄỆGHIÌÍỈĨỊKLMNOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢPQRSTUÙÚỦŨỤƯỪỨỬỮỰVXYỲÝỶỸỴ"
)
TEXTY = VIETNAMESE + "0123456789 \n\r\t/-.,;:()%&\"'–…•\f\u00a0"

# Pieces of directives, figures, references, list structure and gazette noise, in our own wording.
FRAGMENTS = [
    "Bộ Tài chính chủ trì", ", phối hợp với Bộ Xây dựng", "trước ngày 30/6/2024", "1,5%", "Quyết định số 12/QĐ-TTg",
    "a)", "\n- ", "các bộ, ngành", "Thủ tướng yêu cầu", "Ủy ban nhân dân tỉnh Lào Cai", "UBND các tỉnh, thành phố",
    "khẩn trương", "hoàn thành trong quý II/2025", "báo cáo Thủ tướng Chính phủ", "8.500 tỷ đồng", "55/56 văn bản",
    "trong tháng 5-2023", "hằng tháng", "giai đoạn 2021 - 2030", "Nghị định 157", "ngày 4 tháng 3 năm 2025",
    "\n1. ", "\nII. NHIỆM VỤ TRỌNG TÂM\n", ":", ";", ".", "\r\n", "\n\n", " ", "Bộ KH&ĐT", "Uỷ ban", "hoà",
    "CÔNG BÁO/Số 112/Ngày 15-03-2024\n", "Ký bởi: Cổng Thông tin điện tử Chính phủ\n", "Nơi nhận:\n- Như trên;\n",
    "Số: 27/CT-TTg", "CHỈ THỊ", "không được", "tăng hơn 12 nghìn tỷ đồng", "xếp thứ 24/34 địa phương",
]
FRAGMENTS += [unicodedata.normalize("NFD", f) for f in FRAGMENTS[:8]]  # decomposed input must land on NFC offsets

any_text = st.text(alphabet=st.one_of(st.characters(), st.sampled_from(TEXTY)), max_size=400)
spliced = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet=TEXTY, max_size=12)), max_size=40
).map("".join)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def check(extractor: Extractor, text: str) -> None:
    result = extractor.extract(text)
    assert isinstance(result, Extraction)
    source = unicodedata.normalize("NFC", text)
    for item in [*result.directives, *result.figures]:
        assert 0 <= item.start <= item.end <= len(source), item
        assert item.text == source[item.start:item.end], item
    for ref in result.references:
        assert 0 <= ref.start <= ref.end <= len(source), ref
    json.dumps(result.to_json(), ensure_ascii=False)  # printable as section 7's JSON


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=any_text)
def test_arbitrary_text_never_raises_and_spans_are_their_text(extractor: Extractor, text: str) -> None:
    check(extractor, text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=spliced)
def test_spliced_directive_fragments_never_raise_and_spans_are_their_text(extractor: Extractor, text: str) -> None:
    check(extractor, text)
