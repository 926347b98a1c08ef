"""The directive model: training, calibration, the vote with the rules, the shipped weights, ``--no-model``.

The documents here are written for these tests; a tiny model trains on them in seconds.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nlp.components.directive_model import (
    NEG,
    NOPOS,
    STRONG,
    WEAK,
    Calibration,
    clause_words,
    tier,
    uncertainty,
    vote,
)
from nlp.language import MODEL_DIR, build
from nlp.records import Directive
from nlp.training.convert import LabelledDocument, clause_examples, rules_pipeline
from nlp.training.gold import locate, match, read_jsonl
from pipeline.evaluate import evaluate
from pipeline.train import Scored, calibrate, platt, train

NEWS = (
    "Sáng 3/4, Phó Thủ tướng chủ trì cuộc họp về phòng chống hạn mặn.\n\n"
    "Năm 2023, các địa phương đã khoan 120 giếng nước cho người dân.\n\n"
    "Phó Thủ tướng yêu cầu Bộ Nông nghiệp và Phát triển nông thôn vận hành các cống ngăn mặn trước ngày 30/4/2024.\n\n"
    "Ông cũng đề nghị Bộ Tài chính bố trí kinh phí hỗ trợ người dân thiếu nước.\n\n"
    "Các đại biểu cho rằng hạn mặn năm nay nghiêm trọng hơn năm trước.\n"
)
NEWS_GOLD = [
    "Bộ Nông nghiệp và Phát triển nông thôn vận hành các cống ngăn mặn trước ngày 30/4/2024",
    "Ông cũng đề nghị Bộ Tài chính bố trí kinh phí hỗ trợ người dân thiếu nước",
]
ORDER = (
    "Chủ tịch UBND tỉnh yêu cầu:\n"
    "1. Sở Y tế kiểm tra an toàn thực phẩm tại các bếp ăn tập thể, hoàn thành trong tháng 5/2024.\n"
    "2. Sở Công Thương bảo đảm nguồn cung hàng hóa thiết yếu.\n"
    "Thời gian qua, ngành y tế đã kiểm tra 300 cơ sở.\n"
)
ORDER_GOLD = [
    "Sở Y tế kiểm tra an toàn thực phẩm tại các bếp ăn tập thể, hoàn thành trong tháng 5/2024",
    "Sở Công Thương bảo đảm nguồn cung hàng hóa thiết yếu",
]


def _gold(id_: str, text: str, spans: list[str]) -> dict:
    return {"id": id_, "published": "2024-04-03", "text": text,
            "directives": [{"text": t, "responsible": [], "coordinate": [], "deadline": None} for t in spans]}


@pytest.fixture(scope="module")
def data_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("data") / "tiny.jsonl"
    docs = [_gold("news", NEWS, NEWS_GOLD), _gold("order", ORDER, ORDER_GOLD),
            _gold("news2", NEWS.replace("Bộ Tài chính", "Bộ Xây dựng"), [g.replace("Bộ Tài chính", "Bộ Xây dựng")
                                                                       for g in NEWS_GOLD])]
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def rules():
    return rules_pipeline()


@pytest.fixture(scope="module")
def tiny_model(data_file, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("model") / "directive_model"
    train(out, extra=[data_file], repository=False, folds=0, max_steps=40)
    return out


# --- data ------------------------------------------------------------------------------------------------------------
def test_clauses_are_labelled_by_gold_spans(rules, data_file):
    docs = [LabelledDocument.from_gold(g) for g in read_jsonl(data_file)]
    examples = list(clause_examples(rules, docs[:1]))
    positive = {ex.text for ex in examples if ex.label}
    assert any("cống ngăn mặn" in t for t in positive)
    assert any("Bộ Tài chính bố trí" in t for t in positive)  # a clause the rules turned down, gold says yes
    assert not any("cho rằng" in t for t in positive)
    assert {ex.tier for ex in examples} >= {STRONG, NEG}


def test_reviews_label_only_what_was_reviewed(rules):
    start = NEWS.index("Các đại biểu")
    rejected = (start, NEWS.index(".", start))
    ld = LabelledDocument("store:1", NEWS, date(2024, 4, 3), positives=[], negatives=[rejected])
    examples = list(clause_examples(rules, [ld]))
    assert len(examples) == 1 and not examples[0].label and "cho rằng" in examples[0].text


def test_model_input_abstracts_bodies_and_keeps_the_frame(rules):
    doc = rules(rules.make_doc(NEWS))
    d = next(x for x in doc._.directives if "cống ngăn mặn" in x.text)
    words = clause_words(doc, d)
    assert words[0] == f"__t_{tier(d)}__"
    assert "__body__" in words and "nông_nghiệp" not in words
    assert "yêu_cầu" in words[: words.index("||")]  # the reporting frame before the clause


def test_gold_locate_and_match_follow_the_scorer():
    text = "A làm x. B làm y.  B làm y."
    assert locate(text, {"text": "B làm  y", "occurrence": 1}, "t") == (19, 26)
    # overlap must be at least half of the longer range
    assert match([(0, 10)], [(0, 5)]) == [(0, 0)]
    assert match([(0, 10)], [(0, 4)]) == []
    assert match([(0, 10), (20, 30)], [(18, 30), (0, 9)]) == [(1, 0), (0, 1)]


# --- training, calibration -------------------------------------------------------------------------------------------
def test_tiny_model_trains_loads_and_predicts(tiny_model):
    assert (tiny_model / "calibration.json").is_file() and (tiny_model / "textcat").is_dir()
    nlp = build(model_path=tiny_model)
    assert "chidao_directive_model" in nlp.pipe_names
    doc = nlp(nlp.make_doc(NEWS))
    ds = doc._.directives
    assert ds == sorted(ds, key=lambda d: d.start)
    assert all(NEWS[d.start:d.end] == d.text for d in ds)
    assert all(d.extractors and 0.0 <= d.confidence <= 1.0 for d in ds)
    assert any("cống ngăn mặn" in d.text and "rules" in d.extractors for d in ds)


def test_platt_scaling_sharpens_an_informative_score():
    points = [(0.8, True)] * 40 + [(0.8, False)] * 2 + [(0.3, False)] * 40 + [(0.3, True)] * 2
    a, b = platt(points)
    assert a > 1.0  # p = 0.8 is right 95% of the time: the scaled confidence rises above 0.8
    cal = Calibration(scale={WEAK: (a, b)})
    assert cal.confidence(WEAK, 0.8) > 0.85 and cal.confidence(WEAK, 0.3) < 0.15


def test_thresholds_are_chosen_on_held_out_clauses():
    scored = ([Scored(NOPOS, 0.95, True)] * 10 + [Scored(NOPOS, 0.6, False)] * 10 + [Scored(NOPOS, 0.1, False)] * 30
              + [Scored(WEAK, 0.05, False)] * 10 + [Scored(WEAK, 0.9, True)] * 30 + [Scored(STRONG, 0.9, True)] * 50)
    cal = calibrate(scored)
    assert cal.confidence(NOPOS, 0.95) >= cal.add_threshold > cal.confidence(NOPOS, 0.6)
    assert cal.confidence(WEAK, 0.05) < cal.drop_threshold


# --- the vote --------------------------------------------------------------------------------------------------------
def _directive(conf: float, extractors: list[str]) -> Directive:
    return Directive(text="x", start=0, end=1, confidence=conf, extractors=list(extractors))


def test_vote_adds_confident_candidates_and_drops_only_weak_rule_directives():
    cal = Calibration(add_threshold=0.8, drop_threshold=0.2)
    assert vote(_directive(0.35, []), 0.95, cal).extractors == ["model"]
    assert vote(_directive(0.35, []), 0.6, cal) is None
    assert vote(_directive(0.75, ["rules"]), 0.05, cal) is None  # weak, the model strongly disagrees
    kept = vote(_directive(0.9, ["rules"]), 0.05, cal)  # a directive frame: the rules keep it
    assert kept is not None and kept.extractors == ["rules"]
    assert vote(_directive(0.75, ["rules"]), 0.9, cal).extractors == ["rules", "model"]


def test_uncertainty_is_highest_at_one_half():
    assert uncertainty(_directive(0.5, [])) == 1.0
    assert uncertainty(_directive(0.9, ["rules"])) == pytest.approx(0.2)
    assert uncertainty(_directive(0.1, ["model"])) == pytest.approx(0.2)
    assert uncertainty(_directive(1.0, ["rules"])) == 0.0


# --- the shipped model, --no-model, eval -----------------------------------------------------------------------------
def test_shipped_model_loads_offline_and_votes():
    from nlp.extract import Extractor

    assert (MODEL_DIR / "calibration.json").is_file(), "the trained weights ship in nlp/models/directive_model"
    extractor = Extractor()
    assert "chidao_directive_model" in extractor.nlp.pipe_names
    ex = extractor.extract(ORDER, path="order.txt", date=date(2024, 4, 3))
    assert [d.text for d in ex.directives] == ORDER_GOLD
    assert all(set(d.extractors) <= {"rules", "model"} and d.extractors for d in ex.directives)


def test_no_model_gives_rules_only_output(tmp_path):
    from pipeline import cli

    cli.get_extractor.cache_clear()
    path = tmp_path / "news.txt"
    path.write_text(NEWS, encoding="utf-8")
    result = CliRunner().invoke(cli.app, ["extract", "--no-model", str(path), "--date", "2024-04-03"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout.splitlines()[0])
    assert out["directives"] and all(d["extractors"] == ["rules"] for d in out["directives"])
    assert "chidao_directive_model" not in cli.get_extractor(True).nlp.pipe_names


def test_eval_prints_scorer_metrics_and_breakdown(tmp_path):
    from pipeline.cli import app

    (tmp_path / "order.txt").write_text(ORDER, encoding="utf-8")
    gold = {"published": "2024-04-03", "directives": [
        {"text": ORDER_GOLD[0], "responsible": ["Sở Y tế tỉnh Khác"], "coordinate": [], "deadline": "2024-05-31"},
        {"text": ORDER_GOLD[1], "responsible": [], "coordinate": [], "deadline": None},
        {"text": "Thời gian qua, ngành y tế đã kiểm tra 300 cơ sở", "responsible": [], "coordinate": [],
         "deadline": None}],
        "figures": [], "references": [], "bodies": []}
    (tmp_path / "order.gold.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", str(tmp_path), "--no-model"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout.strip().splitlines()[-1])
    assert metrics["docs"] == 1 and metrics["gold_directives"] == 3
    assert metrics["directive_p"] == 1.0 and metrics["directive_r"] == pytest.approx(0.6667)
    assert "missed" in result.stdout and "responsible" in result.stdout


def test_evaluate_counts_a_failed_document(tmp_path):
    (tmp_path / "a.txt").write_text(ORDER, encoding="utf-8")
    (tmp_path / "a.gold.json").write_text(json.dumps({"published": None, "directives": []}), encoding="utf-8")
    report = evaluate(tmp_path, lambda items: iter([{"path": "a.txt", "error": "boom"} for _ in items]))
    assert report.metrics()["failed_docs"] == 1


def test_reviewed_tasks_in_the_store_become_labels(tmp_path, rules):
    from nlp.records import Extraction
    from pipeline.train import reviewed_documents
    from store import crud
    from store.db import get_engine, session_scope, upgrade
    from store.models import Document, ReviewStatus

    db = str(tmp_path / "store.db")
    upgrade(db)
    good, bad = NEWS_GOLD[0], "Các đại biểu cho rằng hạn mặn năm nay nghiêm trọng hơn năm trước"
    tasks = [Directive(text=t, start=NEWS.index(t), end=NEWS.index(t) + len(t), confidence=0.8) for t in (good, bad)]
    with session_scope(db) as session:
        doc = Document(url="file:///news.txt", text=NEWS, content_hash="h1", published=date(2024, 4, 3))
        session.add(doc)
        session.flush()
        crud.save_extraction(session, document=doc, extraction=Extraction(path="news.txt", directives=tasks),
                             version="test")
        session.flush()
        for row in doc.directives:
            row.review_status = ReviewStatus.ACCEPTED if row.text == good else ReviewStatus.REJECTED
    try:
        (ld,) = reviewed_documents(db)
        assert [NEWS[s:e] for s, e in ld.positives] == [good] and [NEWS[s:e] for s, e in ld.negatives] == [bad]
        labels = {ex.text: ex.label for ex in clause_examples(rules, [ld])}
        assert labels == {good: True, bad: False}
    finally:
        get_engine(db).dispose()
