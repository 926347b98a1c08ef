"""The model's commands: ``chidao train`` and ``chidao eval``.

Thin: argument handling and display; the work is in ``pipeline.train`` and
``pipeline.evaluate``. Text from documents is shown through Rich ``Text``, never
as markup.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pipeline.console import err, fail

_out = Console(highlight=False, soft_wrap=True)



def train_command(
    from_reviews: Annotated[bool, typer.Option("--from-reviews", help="Add the reviewed tasks in the store.")] = False,
    config: Annotated[Path | None, typer.Option("--config", metavar="CFG", show_default=False,
                                                help="spaCy training config. Default: nlp/models/train.cfg.")] = None,
    output: Annotated[Path | None, typer.Option("--output", metavar="DIR", show_default=False,
                                                help="Where to write the model. Default: the shipped "
                                                     "nlp/models/directive_model.")] = None,
    data: Annotated[list[Path] | None, typer.Option("--data", metavar="PATH", show_default=False,
                                                    help="More annotated data: a JSONL file or a gold folder "
                                                         "(NAME.txt + NAME.gold.json). Repeatable.")] = None,
    db: Annotated[str | None, typer.Option("--db", envvar="CHIDAO_DB", metavar="PATH|URL", show_default=False,
                                           help="The store, with --from-reviews.")] = None,
    folds: Annotated[int, typer.Option("--folds", min=0, help="Folds for calibration (0: none).")] = 4,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (folds and training).")] = 0,
) -> None:
    """Retrain the directive model from the repository's annotated data (and reviewed tasks)."""
    from pipeline.train import CONFIG, MODEL_DIR, TrainingError, reviewed_documents, train

    reviews = None
    if from_reviews:
        try:
            reviews = reviewed_documents(db)
        except Exception as exc:
            raise fail(f"cannot read the reviewed tasks ({type(exc).__name__}: {exc})") from None
        err.print(f"{len(reviews)} documents with reviewed tasks")
    with err.status("training", spinner="dots") as status:
        try:
            report = train(output or MODEL_DIR, config=config or CONFIG, extra=data or [], reviews=reviews,
                           folds=folds, seed=seed, progress=lambda msg: status.update(msg))
        except TrainingError as exc:
            raise fail(str(exc)) from None
    table = Table(title="directive model", show_header=True)
    table.add_column("held-out folds")
    for col in ("precision", "recall", "f1"):
        table.add_column(col, justify="right")
    for name, m in (("rules", report.rules_only), ("rules + model", report.with_model)):
        if m:
            table.add_row(name, *(f"{m[c]:.4f}" for c in ("precision", "recall", "f1")))
    err.print(table)
    err.print(f"{report.documents} documents, {report.reviewed_documents} reviewed, {report.examples} clauses "
               f"({report.positives} directives); model in {report.output}")


def eval_command(
    gold_dir: Annotated[Path, typer.Argument(metavar="GOLD_DIR", help="NAME.txt + NAME.gold.json files.")],
    no_model: Annotated[bool, typer.Option("--no-model", help="Rules only.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="No per-document misses.")] = False,
) -> None:
    """Score the extractor on a gold folder: score.py's metrics (last line) and an error breakdown."""
    from nlp.extract import Extractor
    from nlp.training.gold import GoldError
    from pipeline.evaluate import evaluate, extractor_outputs

    if not gold_dir.is_dir():
        raise fail(f"{gold_dir}: not a folder")
    try:
        extractor = Extractor(model=not no_model)
    except Exception as exc:
        raise fail(f"cannot load the extractor ({type(exc).__name__}: {exc})") from None
    try:
        report = evaluate(gold_dir, extractor_outputs(extractor))
    except GoldError as exc:
        raise fail(str(exc)) from None
    if not quiet:
        for name, lines in report.misses.items():
            _out.print(Text(f"{name}:"))
            for line in lines:
                _out.print(Text(line))
    table = Table(title="errors by field", show_header=True)
    table.add_column("field")
    table.add_column("kind")
    table.add_column("count", justify="right")
    for (fld, kind), n in sorted(report.breakdown.items()):
        table.add_row(fld, kind, str(n))
    _out.print(table)
    print(json.dumps(report.metrics(), ensure_ascii=False), flush=True)


def register(app: typer.Typer) -> None:
    app.command("train")(train_command)
    app.command("eval")(eval_command)
