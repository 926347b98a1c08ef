"""The demo's attachments are generated from text, and read back as that text."""

from __future__ import annotations

from pipeline.convert import to_text
from pipeline.demo.files import cached, make_docx, make_pdf

TEXT = ("QUYẾT ĐỊNH\nBộ Nội vụ chủ trì, phối hợp với Ủy ban nhân dân các tỉnh hoàn thành trước ngày 31 tháng 3 "
        "năm 2027; đường, được, ưu tiên Đắk Lắk.\nĐiều 2. Quyết định này có hiệu lực kể từ ngày ký.")


def words(text: str) -> str:
    return " ".join(text.split())


def test_pdf_text_comes_back():
    pdf = make_pdf(TEXT, "Quyết định")
    assert pdf.startswith(b"%PDF-")
    assert words(TEXT) in words(to_text(pdf, filename="qd.pdf"))


def test_docx_text_comes_back():
    assert words(to_text(make_docx(TEXT), filename="qd.docx")) == words(TEXT)


def test_cache_keeps_what_was_made(tmp_path, monkeypatch):
    monkeypatch.setenv("CHIDAO_CACHE_DIR", str(tmp_path))
    calls = []
    make = cached(lambda text, title: calls.append(text) or text.encode(), ".txt")
    assert make("một", "") == make("một", "") == "một".encode()
    assert calls == ["một"] and len(list((tmp_path / "demo").iterdir())) == 1
    assert make("hai", "") == b"hai" and calls == ["một", "hai"]
