"""The benchmark scripts run and end with their JSON result (speed itself is measured by running them, not here)."""

from __future__ import annotations

import json
import subprocess
import sys

from benchmarks.corpus import corpus, sentences


def test_extract_benchmark_prints_its_result_last(repo_root, cli_env):
    run = subprocess.run(
        [sys.executable, str(repo_root / "benchmarks" / "extract.py"), "--mb", "0.02", "--breakdown-mb", "0.01"],
        capture_output=True, text=True, env=cli_env, timeout=120, cwd=repo_root,
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    for key in ("tokenize_chars_per_s", "chidao_chars_per_s", "ratio", "peak_rss_mb", "cores"):
        assert key in result
    assert result["tokenize_chars_per_s"] > 0 and result["chidao_chars_per_s"] > 0
    assert result["chars"] > 10_000 and result["directives"] > 0
    assert set(result["breakdown_cpu_s"]) >= {"tokenizer", "chidao_directives"}


def test_corpus_is_reproducible_and_varied():
    a, b = corpus(0.05, seed=3), corpus(0.05, seed=3)
    assert [d.text for d in a] == [d.text for d in b]
    assert sum(len(d.text.encode("utf-8")) for d in a) >= 50_000
    assert len({d.text for d in a}) == len(a)  # numbers, dates and provinces vary: no two documents alike
    assert corpus(0.05, seed=4)[0].text != a[0].text


def test_sentences_split_lines_at_sentence_ends():
    text = "Bộ Y tế chủ trì. Các địa phương phối hợp!\n\nHạn 30/6/2025 hoàn thành"
    assert sentences(text) == ["Bộ Y tế chủ trì.", "Các địa phương phối hợp!", "Hạn 30/6/2025 hoàn thành"]
