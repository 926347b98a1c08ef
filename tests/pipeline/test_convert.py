"""pipeline.convert: HTML, PDF, DOCX and text to clean Unicode, legacy Vietnamese encodings included."""

from __future__ import annotations

import io

import docx
import matplotlib
import pytest

from pipeline.convert import (
    ConversionError,
    decode_bytes,
    dedupe_repeated,
    detect_format,
    detect_legacy,
    encode_legacy,
    fix_legacy,
    to_text,
)

matplotlib.use("Agg")

SENTENCE = ("Thủ tướng yêu cầu Bộ Kế hoạch và Đầu tư hoàn thành dự thảo Nghị định về đầu tư công trước ngày "
            "30 tháng 6; các địa phương khẩn trương rà soát thủ tục hành chính, báo cáo kết quả.")
LOWER = SENTENCE.lower()


# --- legacy encodings -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "cp1258"])
def test_legacy_bytes_become_unicode(encoding):
    raw = encode_legacy(LOWER, encoding)
    assert raw != LOWER.encode("utf-8")
    assert to_text(raw, filename="cong-van.txt") == LOWER


def test_vni_keeps_capitals():
    assert to_text(encode_legacy(SENTENCE, "vni")) == SENTENCE


def test_tcvn3_capitals_without_their_own_code_come_out_lower_case():
    # The ABC fonts drew "Ạ" with the code of "ạ" in a capitals font: the case is lost, the letter is not.
    assert to_text(encode_legacy("ĐẨY MẠNH cải cách", "tcvn3")) .lower() == "đẩy mạnh cải cách"


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_font_encoding_read_as_latin1_is_repaired(encoding):
    mojibake = encode_legacy(LOWER, encoding).decode("cp1252")
    assert detect_legacy(mojibake) == encoding
    assert fix_legacy(mojibake) == LOWER


def test_tcvn3_in_a_page_declared_latin1():
    body = encode_legacy("bộ nông nghiệp và phát triển nông thôn chủ trì, phối hợp với các địa phương "
                         "triển khai kế hoạch phòng chống thiên tai năm nay.", "tcvn3")
    page = (b'<html><head><meta charset="iso-8859-1"><title>x</title></head><body><article><p>'
            + body + b"</p></article></body></html>")
    assert "bộ nông nghiệp và phát triển nông thôn chủ trì" in to_text(page, content_type="text/html")


@pytest.mark.parametrize("text", [
    SENTENCE,
    "Giá 100€ « ngoặc » © 2024; Café, façade, naïve và Müller ở Hà Nội.",
    "Ông Nguyễn Văn A cho biết: “Tỉnh đạt 95% kế hoạch” ± 2 điểm.",
])
def test_unicode_text_is_left_alone(text):
    assert detect_legacy(text) is None
    assert fix_legacy(text) == text


def test_declared_charset_is_used_when_not_utf8():
    assert decode_bytes(LOWER.encode("utf-16-le"), declared="utf-16-le") == LOWER
    assert decode_bytes(b"\xef\xbb\xbf" + LOWER.encode()) == LOWER


def test_encode_legacy_rejects_unknown_encodings():
    with pytest.raises(ValueError, match="unknown legacy encoding"):
        encode_legacy("x", "viscii-9")


# --- formats --------------------------------------------------------------------------------------------------

ARTICLE = """<!doctype html><html><head><meta charset="utf-8"><title>Chỉ đạo của Thủ tướng</title></head><body>
<header><nav><a href="/">Trang chủ</a> | <a href="/thoi-su">Thời sự</a> | <a href="/kinh-te">Kinh tế</a></nav></header>
<div class="share"><a href="#">Chia sẻ Facebook</a><a href="#">Zalo</a></div>
<article><h1>Đẩy nhanh giải ngân vốn đầu tư công</h1>
<p>Sáng nay, Thủ tướng Chính phủ chủ trì hội nghị trực tuyến với các bộ, ngành và địa phương về giải ngân vốn
đầu tư công năm nay.</p>
<p>Thủ tướng yêu cầu Bộ Tài chính phối hợp với các địa phương rà soát, điều chuyển vốn của các dự án chậm
giải ngân, báo cáo Chính phủ trước ngày 15 tháng 8.</p>
<p>Ủy ban nhân dân các tỉnh, thành phố chịu trách nhiệm tháo gỡ vướng mắc về giải phóng mặt bằng, bảo đảm
tiến độ các công trình trọng điểm.</p>
</article>
<section class="comments"><h3>Bình luận</h3><p>Bạn đọc Minh: Bài viết rất hay, cảm ơn tòa soạn!</p></section>
<aside class="related"><h3>Tin liên quan</h3><ul><li><a href="/a">Giá vàng hôm nay tăng mạnh</a></li>
<li><a href="/b">Thời tiết cuối tuần</a></li></ul></aside>
<footer>© Báo điện tử. Giấy phép số 123/GP-BTTTT.</footer></body></html>"""


def test_html_keeps_the_article_and_drops_the_chrome():
    text = to_text(ARTICLE.encode("utf-8"), filename="bai.html")
    assert "Thủ tướng yêu cầu Bộ Tài chính phối hợp" in text
    assert "tiến độ các công trình trọng điểm" in text
    for chrome in ("Trang chủ", "Chia sẻ Facebook", "Bạn đọc Minh", "Giá vàng hôm nay", "Giấy phép số"):
        assert chrome not in text


def test_a_page_repeating_its_body_keeps_it_once():
    article = ARTICLE.split("<article>")[1].split("</article>")[0]
    page = ARTICLE.replace("</article>", article + "</article>")
    text = to_text(page.encode("utf-8"), content_type="text/html; charset=utf-8")
    assert text.count("Thủ tướng yêu cầu Bộ Tài chính phối hợp") == 1
    assert text.count("tiến độ các công trình trọng điểm") == 1


def test_dedupe_keeps_short_recurring_lines():
    text = "Ảnh: VGP\nĐoạn một.\nẢnh: VGP\nĐoạn hai."
    assert dedupe_repeated(text) == text
    # PDF task tables repeat their short cells row after row: they are not a repeated body.
    table = "\n".join(["1", "Rà soát thủ tục", "Bộ Y tế", "Các bộ, ngành", "Cơ quan", "chủ trì", "2026"] * 5)
    assert dedupe_repeated(table) == table
    body = "\n".join(f"Đoạn thứ {i} của bài viết về cải cách hành chính và chuyển đổi số của tỉnh." for i in range(4))
    assert dedupe_repeated(body + "\n\n" + body).strip() == body


def _pdf(lines: list[str]) -> bytes:
    import matplotlib.pyplot as plt

    plt.rcParams["pdf.fonttype"] = 42  # real text, not outlines
    fig = plt.figure(figsize=(8.27, 11.69))
    for i, line in enumerate(lines):
        fig.text(0.08, 0.92 - 0.04 * i, line, fontsize=11)
    buf = io.BytesIO()
    fig.savefig(buf, format="pdf")
    plt.close(fig)
    return buf.getvalue()


def test_pdf_text():
    text = to_text(_pdf(["Bộ Nội vụ hoàn thành dự thảo Nghị định trong tháng 5/2024.",
                         "Ủy ban nhân dân tỉnh Quảng Trị chủ trì, phối hợp."]), filename="qd.pdf")
    assert text == "Bộ Nội vụ hoàn thành dự thảo Nghị định trong tháng 5/2024.\n" \
                   "Ủy ban nhân dân tỉnh Quảng Trị chủ trì, phối hợp."


def test_pdf_without_text_and_broken_pdf_fail_with_a_reason():
    with pytest.raises(ConversionError, match="no text layer"):
        to_text(_pdf([]))
    with pytest.raises(ConversionError, match="unreadable PDF"):
        to_text(b"%PDF-1.4\n1 0 obj garbage", filename="x.pdf")


def _docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("QUYẾT ĐỊNH")
    document.add_paragraph("Giao các bộ, ngành thực hiện các nhiệm vụ sau:")
    table = document.add_table(rows=2, cols=3)
    for row, cells in zip(table.rows, [("Nhiệm vụ", "Chủ trì", "Thời hạn"),
                                       ("Xây dựng cơ sở dữ liệu đất đai", "Bộ Nông nghiệp và Môi trường",
                                        "Quý IV/2025")], strict=True):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    document.add_paragraph("Điều 2. Quyết định này có hiệu lực từ ngày ký.")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_docx_paragraphs_and_table_rows_in_order():
    text = to_text(_docx(), filename="qd.docx")
    lines = [ln for ln in text.split("\n") if ln]
    assert lines[0] == "QUYẾT ĐỊNH"
    assert "Xây dựng cơ sở dữ liệu đất đai\tBộ Nông nghiệp và Môi trường\tQuý IV/2025" in lines
    assert lines[-1] == "Điều 2. Quyết định này có hiệu lực từ ngày ký."


@pytest.mark.parametrize(("content", "kwargs", "reason"), [
    (b"", {}, "empty"),
    (b"   \n\t ", {}, "empty"),
    (b"\x00\x01\x02\x03binary", {"filename": "x.bin"}, "binary"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, {"filename": "x.doc"}, ".doc is not supported"),
    (b"PK\x03\x04" + b"\x00" * 64, {"filename": "x.docx"}, "unreadable DOCX"),
    (b"<html><body><script>var a = 1;</script></body></html>", {"content_type": "text/html"}, "no main text"),
])
def test_unreadable_input_raises_conversion_error(content, kwargs, reason):
    with pytest.raises(ConversionError, match=reason) as info:
        to_text(content, **kwargs)
    assert info.value.reason


def test_format_detection_prefers_magic_bytes():
    assert detect_format(b"%PDF-1.7 ...", filename="x.html") == "pdf"
    assert detect_format(b"<!DOCTYPE html><html>", filename=None) == "html"
    assert detect_format(b"plain", content_type="text/html; charset=utf-8") == "html"
    assert detect_format(b"plain", filename="a.TXT") == "text"


def test_text_is_nfc_with_plain_line_ends_and_its_layout_kept():
    decomposed = "\r\nBo\u0323\u0302 Nội vụ  \r\n\r\n\r\nbáo cáo   \r\n\r\n"
    assert to_text(decomposed.encode()) == "Bộ Nội vụ  \n\n\nbáo cáo"
