"""``chidao extract``: the output contract of EXTRACTION.md section 7 and strict reading.

Most tests run the Typer app in-process; one runs it as a real process, as
score.py does. Fake extractors stand in where a test is about the CLI's own
behaviour (dates passed, order kept when extraction raises).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nlp.records import Extraction
from pipeline import cli, reading
from pipeline.cli import app

# Our own sentences in the styles the product reads: a press report and a numbered official document.
PRESS = (
    "Phó Thủ tướng yêu cầu Bộ Tài chính chủ trì, phối hợp với Bộ Xây dựng hoàn thiện dự thảo Nghị định "
    "sửa đổi Nghị định số 15/2021/NĐ-CP, trình Chính phủ trước ngày 15/9/2025.\n"
    "Các địa phương phấn đấu giải ngân trên 95% kế hoạch vốn đầu tư công, tương đương khoảng 12.400 tỷ đồng.\n"
)
OFFICIAL = (
    "THỦ TƯỚNG CHÍNH PHỦ\nSố: 27/CT-TTg\nHà Nội, ngày 4 tháng 3 năm 2025\n\nCHỈ THỊ\n"
    "Về việc đẩy nhanh tiến độ cấp giấy chứng nhận quyền sử dụng đất\n\n"
    "Thủ tướng Chính phủ yêu cầu:\n"
    "1. Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương:\n"
    "a) Rà soát, hoàn thành cấp giấy chứng nhận cho 100% hồ sơ tồn đọng trong quý II/2025;\n"
    "b) Báo cáo kết quả về Bộ Tài nguyên và Môi trường trước ngày 30/6/2025.\n"
    "2. Bộ Tài nguyên và Môi trường hướng dẫn, kiểm tra việc thực hiện Chỉ thị này.\n"
)

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def objects(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def assert_extraction_shape(obj: dict, source: str) -> None:
    """The section 7 object, with every span pointing at its own text in the NFC source."""
    assert "error" not in obj, obj
    for key in ("directives", "figures", "references", "bodies"):
        assert isinstance(obj[key], list), key
    for item in obj["directives"] + obj["figures"]:
        start, end = item["start"], item["end"]
        assert isinstance(start, int) and isinstance(end, int)
        assert 0 <= start <= end <= len(source)
        assert item["text"] == source[start:end], item
    for item in obj["directives"]:
        assert isinstance(item["responsible"], list) and isinstance(item["coordinate"], list)
        assert item["deadline"] is None or date.fromisoformat(item["deadline"])
    for item in obj["figures"]:
        assert isinstance(item["value"], int | float) and isinstance(item["unit"], str)
    for item in obj["references"]:
        assert isinstance(item["number"], str) and item["number"]
    assert all(isinstance(b, str) and not b.startswith("*") for b in obj["bodies"])


class RecordingExtractor:
    """Records what the CLI hands over; reads ahead like ``nlp.pipe`` and fails on texts containing "BOOM"."""

    def __init__(self, read_ahead: int = 3, fail_at_start: bool = False) -> None:
        self.read_ahead = read_ahead
        self.fail_at_start = fail_at_start  # raises when called, before taking anything
        self.seen: list[tuple[str, date | None]] = []

    def extract(self, text: str, *, path: str = "", date: date | None = None) -> Extraction:
        return next(self.extract_many([(text, path, date)]))

    def extract_many(self, items: Iterable[tuple[str, str, date | None]]) -> Iterator[Extraction]:
        if self.fail_at_start:
            raise RuntimeError("model not loaded")
        items = iter(items)
        while batch := [item for _, item in zip(range(self.read_ahead), items, strict=False)]:
            for text, path, day in batch:
                if "BOOM" in text:
                    raise ValueError("cannot parse")
                if "SKIP" in text:  # a buggy extractor that loses a document
                    continue
                self.seen.append((path, day))
                yield Extraction(path=path, date=day.isoformat() if day else None)


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> RecordingExtractor:
    fake = RecordingExtractor()
    monkeypatch.setattr(cli, "get_extractor", lambda: fake)
    return fake


@pytest.fixture
def docs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with two good documents, as the current directory."""
    write(tmp_path / "press.txt", PRESS)
    write(tmp_path / "sub" / "official.txt", OFFICIAL)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- file mode --------------------------------------------------------------------------------------------


def test_file_mode_prints_one_line_per_file_in_order_with_paths_as_given(docs: Path) -> None:
    absolute = str(docs / "sub" / "official.txt")
    result = invoke("extract", "press.txt", "./sub/official.txt", absolute, "press.txt")
    assert result.exit_code == 0, result.stderr
    out = objects(result.stdout)
    assert [o["path"] for o in out] == ["press.txt", "./sub/official.txt", absolute, "press.txt"]
    for obj, text in zip(out, [PRESS, OFFICIAL, OFFICIAL, PRESS], strict=True):
        assert_extraction_shape(obj, text)
    assert out[0] == out[3]
    assert result.stderr == ""


def test_output_is_utf8_json_not_ascii_escaped(docs: Path) -> None:
    write(docs / "Hà Nội.txt", PRESS)
    result = invoke("extract", "Hà Nội.txt")
    assert result.exit_code == 0
    assert '"path": "Hà Nội.txt"' in result.stdout


def test_date_option_is_the_date_of_every_file(docs: Path) -> None:
    result = invoke("extract", "press.txt", "sub/official.txt", "--date", "2025-03-04")
    assert result.exit_code == 0, result.stderr
    assert [o["date"] for o in objects(result.stdout)] == ["2025-03-04", "2025-03-04"]


def test_date_is_passed_to_the_extractor_and_none_without_it(docs: Path, recorder: RecordingExtractor) -> None:
    assert invoke("extract", "press.txt", "--date", "2024-02-29").exit_code == 0
    assert invoke("extract", "press.txt").exit_code == 0
    assert recorder.seen == [("press.txt", date(2024, 2, 29)), ("press.txt", None)]


@pytest.mark.parametrize("bad", ["2024-02-30", "4/3/2025", "20250304", "2025-W10-1", ""])
def test_bad_date_option_is_a_usage_error(docs: Path, bad: str) -> None:
    result = invoke("extract", "press.txt", "--date", bad)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--date" in result.stderr


@pytest.mark.parametrize("args", [[], ["press.txt", "--batch", "list.jsonl"], ["--batch", "l.jsonl", "--date", "2025-01-01"]])
def test_inconsistent_arguments_are_usage_errors(docs: Path, args: list[str]) -> None:
    result = invoke("extract", *args)
    assert result.exit_code == 2
    assert result.stdout == ""


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("chidao ")


# --- failures ---------------------------------------------------------------------------------------------

BAD_FILES: list[tuple[str, bytes | None, str]] = [
    ("missing.txt", None, "no such file"),
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b" \r\n\t\n\n", "empty file"),
    ("bom-only.txt", b"\xef\xbb\xbf\n", "empty file"),
    ("scan.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file (NUL byte at offset 8)"),
    ("controls.txt", b"Ch\x01\x02\x03\x04 th\x1b\x1c\x1d\x1e\x1f", "binary file"),
    ("latin1.txt", "Thông báo".encode("latin-1"), "not UTF-8 (byte 0xf4 at offset 2)"),
    ("bom-latin1.txt", b"\xef\xbb\xbf" + "Thông báo".encode("latin-1"), "not UTF-8 (byte 0xf4 at offset 5)"),
    ("utf16.txt", "Thông báo số 5".encode("utf-16"), "not UTF-8 (UTF-16"),
    ("folder", b"", "is a directory"),
]


@pytest.mark.parametrize(("name", "content", "reason"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_gets_an_error_line_and_a_message_while_the_others_run(
    docs: Path, name: str, content: bytes | None, reason: str
) -> None:
    if name == "folder":
        (docs / name).mkdir()
    elif content is not None:
        write(docs / name, content)
    result = invoke("extract", "press.txt", name, "sub/official.txt")
    assert result.exit_code == 1
    good1, bad, good2 = objects(result.stdout)
    assert_extraction_shape(good1, PRESS)
    assert_extraction_shape(good2, OFFICIAL)
    assert bad["path"] == name
    assert bad["error"].startswith(reason)
    assert set(bad) == {"path", "error"}
    assert f"chidao: error: {name}: {reason}" in result.stderr


def test_exit_status_is_one_when_only_some_fail_and_zero_when_none(docs: Path) -> None:
    assert invoke("extract", "press.txt", "nope.txt").exit_code == 1
    assert invoke("extract", "nope.txt").exit_code == 1
    assert invoke("extract", "press.txt", "sub/official.txt").exit_code == 0


def test_an_extraction_that_raises_fails_alone_and_order_is_kept(docs: Path, recorder: RecordingExtractor) -> None:
    names = []
    for i in range(7):
        names.append(f"d{i}.txt")
        write(docs / names[-1], "BOOM\n" if i in (2, 5) else PRESS)
    result = invoke("extract", "d0.txt", "missing.txt", *names[1:])
    assert result.exit_code == 1
    out = objects(result.stdout)
    assert [o["path"] for o in out] == ["d0.txt", "missing.txt", *names[1:]]
    failed = [o["path"] for o in out if "error" in o]
    assert failed == ["missing.txt", "d2.txt", "d5.txt"]
    assert out[3]["error"] == "extraction failed (ValueError: cannot parse)"
    assert "chidao: error: d5.txt: extraction failed (ValueError: cannot parse)" in result.stderr
    assert sorted(p for p, _ in recorder.seen) == sorted(set(names) - {"d2.txt", "d5.txt"})


def test_a_document_the_extractor_loses_gets_an_error_line_in_its_place(
    docs: Path, recorder: RecordingExtractor
) -> None:
    write(docs / "lost.txt", "SKIP\n")
    result = invoke("extract", "press.txt", "lost.txt", "sub/official.txt")
    assert result.exit_code == 1
    out = objects(result.stdout)
    assert [o["path"] for o in out] == ["press.txt", "lost.txt", "sub/official.txt"]
    assert [("error" in o) for o in out] == [False, True, False]


def test_an_extractor_that_always_raises_fails_every_document_without_hanging(
    docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "get_extractor", lambda: RecordingExtractor(fail_at_start=True))
    result = invoke("extract", "press.txt", "nope.txt", "sub/official.txt")
    assert result.exit_code == 1
    out = objects(result.stdout)
    assert [o["path"] for o in out] == ["press.txt", "nope.txt", "sub/official.txt"]
    assert all("error" in o for o in out)


# --- batch mode -------------------------------------------------------------------------------------------


def batch_file(path: Path, lines: list[str | dict]) -> str:
    text = "".join((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n" for line in lines)
    write(path, text)
    return str(path)


def test_batch_mode_keeps_order_and_paths_and_dates(docs: Path, recorder: RecordingExtractor) -> None:
    absolute = str(docs / "sub" / "official.txt")
    listing = batch_file(docs / "list.jsonl", [
        {"path": "sub/official.txt", "date": "2025-03-04"},
        {"path": absolute, "date": None},
        "",
        {"path": "./press.txt"},
        {"path": "press.txt", "date": "2024-12-31", "note": "extra keys are ignored"},
    ])
    result = invoke("extract", "--batch", listing)
    assert result.exit_code == 0, result.stderr
    out = objects(result.stdout)
    assert [o["path"] for o in out] == ["sub/official.txt", absolute, "./press.txt", "press.txt"]
    assert recorder.seen == [
        ("sub/official.txt", date(2025, 3, 4)), (absolute, None), ("./press.txt", None), ("press.txt", date(2024, 12, 31))
    ]


def test_batch_mode_with_the_real_extractor(docs: Path) -> None:
    listing = batch_file(docs / "list.jsonl", [{"path": "press.txt", "date": "2025-08-20"}, {"path": "sub/official.txt"}])
    result = invoke("extract", "--batch", listing)
    assert result.exit_code == 0, result.stderr
    press, official = objects(result.stdout)
    assert (press["path"], press["date"]) == ("press.txt", "2025-08-20")
    assert_extraction_shape(press, PRESS)
    assert_extraction_shape(official, OFFICIAL)


def test_bad_batch_lines_are_error_lines_and_the_rest_runs(docs: Path) -> None:
    listing = batch_file(docs / "list.jsonl", [
        {"path": "press.txt", "date": "2025-03-04"},
        '{"path": "press.txt", "date": ',
        {"date": "2025-03-04"},
        {"path": "sub/official.txt", "date": "04/03/2025"},
        '["press.txt"]',
        {"path": "empty.txt"},
        {"path": "sub/official.txt", "date": None},
    ])
    write(docs / "empty.txt", b"")
    result = invoke("extract", "--batch", listing)
    assert result.exit_code == 1
    out = objects(result.stdout)
    assert len(out) == 7
    assert_extraction_shape(out[0], PRESS)
    assert_extraction_shape(out[6], OFFICIAL)
    assert [o.get("line") for o in out[1:5]] == [2, 3, 4, 5]
    assert out[1]["path"] is None and out[1]["error"].startswith("not JSON")
    assert out[2]["path"] is None and out[2]["error"].startswith('no "path"')
    assert out[3]["path"] == "sub/official.txt" and out[3]["error"].startswith('bad "date"')
    assert out[4]["error"].startswith("not a JSON object")
    assert out[5] == {"path": "empty.txt", "error": "empty file"}
    for message in (f"{listing} line 2: not JSON", f"{listing} line 3: no \"path\"",
                    f"{listing} line 4 (sub/official.txt): bad \"date\"", "empty.txt: empty file"):
        assert f"chidao: error: {message}" in result.stderr


def test_missing_batch_file_fails_with_a_message(docs: Path) -> None:
    result = invoke("extract", "--batch", "nope.jsonl")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "chidao: error: nope.jsonl:" in result.stderr


# --- offsets: "\r" kept, NFC --------------------------------------------------------------------------------


def test_crlf_is_kept_and_offsets_count_it(docs: Path) -> None:
    raw = OFFICIAL.replace("\n", "\r\n")
    write(docs / "crlf.txt", raw)
    write(docs / "lf.txt", OFFICIAL)
    assert reading.read_text("crlf.txt") == raw
    result = invoke("extract", "crlf.txt", "lf.txt", "--date", "2025-03-04")
    assert result.exit_code == 0, result.stderr
    crlf, lf = objects(result.stdout)
    assert_extraction_shape(crlf, raw)
    assert_extraction_shape(lf, OFFICIAL)
    # The same document with other line ends: the same findings, each pointing at its own text.
    for key in ("directives", "figures"):
        assert [d["text"].replace("\r", "") for d in crlf[key]] == [d["text"] for d in lf[key]]
    assert crlf["bodies"] == lf["bodies"]
    assert [r["number"] for r in crlf["references"]] == [r["number"] for r in lf["references"]]


def test_decomposed_input_is_read_as_nfc_and_offsets_count_nfc(docs: Path) -> None:
    write(docs / "nfd.txt", unicodedata.normalize("NFD", PRESS))
    assert reading.read_text("nfd.txt") == PRESS
    result = invoke("extract", "nfd.txt")
    assert result.exit_code == 0
    assert_extraction_shape(objects(result.stdout)[0], PRESS)


# --- strict reading -----------------------------------------------------------------------------------------


def test_read_text_strips_a_utf8_bom_and_keeps_form_feeds(tmp_path: Path) -> None:
    text = "Bộ Y tế chủ trì.\f\n18\nCÔNG BÁO/Số 112\n"
    path = write(tmp_path / "bom.txt", b"\xef\xbb\xbf" + text.encode())
    assert reading.read_text(path) == text


def test_read_text_refuses_absurd_sizes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_BYTES", 1000)
    path = write(tmp_path / "big.txt", "Bộ Y tế. " * 200)
    with pytest.raises(reading.TooLarge, match="too large"):
        reading.read_text(path)


def test_read_errors_are_typed(tmp_path: Path) -> None:
    cases = {
        reading.MissingFile: tmp_path / "nope.txt",
        reading.IsDirectory: tmp_path,
        reading.EmptyFile: write(tmp_path / "e.txt", b"\n"),
        reading.BinaryFile: write(tmp_path / "b.txt", b"ab\x00cd"),
        reading.NotUtf8: write(tmp_path / "l.txt", b"caf\xe9"),
    }
    for error, path in cases.items():
        with pytest.raises(error):
            reading.read_text(path)
        assert issubclass(error, reading.ReadError)


def test_a_few_stray_controls_do_not_make_text_binary(tmp_path: Path) -> None:
    text = "Ủy ban nhân dân tỉnh\x07 rà soát hồ sơ. " * 10
    assert reading.read_text(write(tmp_path / "t.txt", text)) == text


# --- a real process, as score.py runs it -------------------------------------------------------------------


def test_real_process_file_mode(tmp_path: Path, cli_argv: list[str], cli_env: dict[str, str]) -> None:
    write(tmp_path / "a.txt", PRESS.replace("\n", "\r\n"))
    write(tmp_path / "bad.txt", "Thông báo".encode("latin-1"))
    proc = subprocess.run(
        [*cli_argv, "extract", "a.txt", "bad.txt", "--date", "2025-08-20"],
        cwd=tmp_path, env=cli_env, capture_output=True, encoding="utf-8", timeout=600, stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 1, proc.stderr
    good, bad = objects(proc.stdout)
    assert good["path"] == "a.txt" and good["date"] == "2025-08-20"
    assert_extraction_shape(good, PRESS.replace("\n", "\r\n"))
    assert bad == {"path": "bad.txt", "error": "not UTF-8 (byte 0xf4 at offset 2)"}
    assert "chidao: error: bad.txt: not UTF-8 (byte 0xf4 at offset 2)" in proc.stderr


def test_installed_console_script_runs(cli_env: dict[str, str]) -> None:
    script = Path(sys.executable).with_name("chidao")
    if not os.access(script, os.X_OK):
        pytest.skip(f"no console script at {script}: the package is not installed (pip install -e .)")
    proc = subprocess.run([str(script), "--version"], env=cli_env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("chidao ")
