"""Gold annotations: reading them and matching predictions to them as ``../shared/eval/score.py`` does.

The matching rules are EXTRACTION.md section 8: a predicted directive matches a
gold one when their ranges share at least half of the longer range, one to
one, largest overlap first; body names compare by ``key``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_TONE_FOLD = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
_FOLD_RE = re.compile(r"(?<!q)(" + "|".join(_TONE_FOLD) + r")\b")


def key(name: str | None) -> str:
    """Comparison key of a body name: NFC, lower case, modern tone placement, commas and spacing normalised."""
    s = unicodedata.normalize("NFC", name or "").lower()
    s = _FOLD_RE.sub(lambda m: _TONE_FOLD[m.group(1)], s)
    s = s.replace(",", " ")
    s = re.sub(r"\s*-\s*", " - ", s)
    s = re.sub(r"\s*&\s*", " & ", s)
    return re.sub(r"\s+", " ", s).strip(" .;,")


def ref_key(number: str | None) -> str:
    return unicodedata.normalize("NFC", number or "").upper().replace(" ", "").replace("Ð", "Đ")


class GoldError(ValueError):
    """A gold file that cannot be used: names the document and the reason."""


def locate(text: str, item: dict[str, Any], label: str) -> tuple[int, int]:
    """A gold span by its text (any run of whitespace matches any other) and ``occurrence``."""
    needle = unicodedata.normalize("NFC", item["text"]).strip()
    pattern = re.compile(r"\s+".join(re.escape(w) for w in needle.split()))
    occ = item.get("occurrence", 0)
    found = list(pattern.finditer(text))
    if len(found) <= occ:
        raise GoldError(f"{label}: gold text not found (occurrence {occ}): {needle[:80]!r}")
    return found[occ].start(), found[occ].end()


def match(gold: list[tuple[int, int]], pred: list[tuple[int, int]], of=max) -> list[tuple[int, int]]:
    """One-to-one (gold index, prediction index) pairs, largest overlap first.

    A pair matches when the overlap is at least half of the longer range
    (``of=max``, directives) or of the shorter one (``of=min``, figures).
    """
    cands = []
    for gi, (gs, ge) in enumerate(gold):
        for pi, (ps, pe) in enumerate(pred):
            inter = min(ge, pe) - max(gs, ps)
            basis = of(ge - gs, pe - ps)
            if inter > 0 and basis > 0 and inter * 2 >= basis:
                cands.append((inter, gi, pi))
    cands.sort(reverse=True)
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, gi, pi in cands:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gi, pi))
    return pairs


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else (1.0 if not n_gold else 0.0)
    r = tp / n_gold if n_gold else (1.0 if not n_pred else 0.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return round(p, 4), round(r, 4), round(f, 4)


@dataclass(slots=True)
class GoldDocument:
    """One annotated document: its NFC text, date and gold lists."""

    id: str
    text: str
    published: str | None = None
    directives: list[dict[str, Any]] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    references: list[dict[str, Any]] = field(default_factory=list)
    bodies: list[str] | None = None
    kind: str | None = None
    source: str | None = None

    def directive_spans(self) -> list[tuple[int, int]]:
        return [locate(self.text, d, self.id) for d in self.directives]

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "kind": self.kind, "source": self.source,
                               "published": self.published, "text": self.text, "directives": self.directives}
        for name in ("figures", "references"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        if self.bodies is not None:
            out["bodies"] = self.bodies
        return out


def _document(obj: dict[str, Any], where: str) -> GoldDocument:
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise GoldError(f"{where}: want a JSON object with a \"text\"")
    return GoldDocument(
        id=str(obj.get("id") or where), text=unicodedata.normalize("NFC", obj["text"]),
        published=obj.get("published"), directives=list(obj.get("directives") or []),
        figures=list(obj.get("figures") or []), references=list(obj.get("references") or []),
        bodies=obj.get("bodies"), kind=obj.get("kind"), source=obj.get("source"))


def read_jsonl(path: Path) -> Iterator[GoldDocument]:
    """The documents of one JSONL file, one per line."""
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise GoldError(f"{path} line {n}: not JSON ({exc.msg})") from None
                yield _document(obj, f"{path.stem}:{n}")


def read_folder(folder: Path) -> Iterator[GoldDocument]:
    """A gold folder of ``NAME.txt`` + ``NAME.gold.json`` (EXTRACTION.md section 8)."""
    for gold_path in sorted(Path(folder).glob("*.gold.json")):
        name = gold_path.name[: -len(".gold.json")]
        txt = gold_path.with_name(name + ".txt")
        if not txt.is_file():
            raise GoldError(f"{gold_path}: no {txt.name} beside it")
        with open(txt, encoding="utf-8", newline="") as fh:  # keep "\r": offsets count every code point
            text = fh.read()
        obj = json.loads(gold_path.read_text(encoding="utf-8"))
        obj["text"] = text
        obj.setdefault("id", name)
        yield _document(obj, name)


def read_gold(paths: Iterable[Path]) -> list[GoldDocument]:
    """Documents from JSONL files and gold folders."""
    out: list[GoldDocument] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            out.extend(read_folder(path))
        else:
            out.extend(read_jsonl(path))
    return out
