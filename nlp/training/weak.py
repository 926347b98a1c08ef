"""Weak labels from the rules, for a person to correct: how ``data/*.jsonl`` was made.

``python -m nlp.training.weak DATE FILE.txt…`` prints one gold-format JSON line
per file with the rules' directives as the draft ``directives`` and, under
``candidates``, the clauses the rules turned down (with their rule tier). The
annotator moves clauses between the two lists (EXTRACTION.md decides), fixes
``responsible``/``coordinate``/``deadline``, drops ``candidates`` and appends
the line to a file in ``nlp/training/data/``. Never feed it dev or seed texts.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from spacy.language import Language

from nlp.components.directive_model import tier
from nlp.records import Directive
from nlp.training.convert import rules_pipeline, run_rules


def _item(d: Directive, text: str) -> dict[str, Any]:
    out: dict[str, Any] = {"text": d.text, "responsible": d.responsible, "coordinate": d.coordinate,
                           "deadline": d.deadline}
    occurrence = text.count(d.text, 0, d.start)
    if occurrence:
        out["occurrence"] = occurrence
    return out


def draft(nlp: Language, text: str, published: date | None, id_: str) -> dict[str, Any]:
    """The rules' reading of one text as a draft gold record."""
    doc = run_rules(nlp, text, published)
    candidates = []
    for d in doc._.directive_candidates or []:
        item = _item(d, text)
        item["tier"] = tier(d)
        candidates.append(item)
    return {"id": id_, "kind": None, "source": "weak labels from the rules, to be corrected by hand",
            "published": published.isoformat() if published else None, "text": text,
            "directives": [_item(d, text) for d in doc._.directives or []], "candidates": candidates}


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    day = date.fromisoformat(argv[0])
    nlp = rules_pipeline()
    for name in argv[1:]:
        path = Path(name)
        text = path.read_text(encoding="utf-8")
        print(json.dumps(draft(nlp, text, day, path.stem), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
