"""A large Vietnamese benchmark corpus made from the repository's own texts.

The seeds are the example articles, the text fixtures (crawler sites, demo
data) and the Vietnamese sentences of the test suite. They add up to well
under 1 MB, so documents are re-made from them with variations: paragraphs
shuffled and mixed across documents, numbers, dates and province names
changed. No two documents are equal, so no cache can answer from memory.
The corpus depends only on its size and seed, so every run times the same text.
"""

from __future__ import annotations

import ast
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_VIET_RE = re.compile("[ạảãàáâầấậẩẫăằắặẳẵđêềếệểễôồốộổỗơờớợởỡưừứựửữ]", re.I)
_PARA_SPLIT_RE = re.compile(r"\n\s*\n")
# One pass over dates ("ngày 5 tháng 3 năm 2024", "30/6/2024"), months and other numbers.
_VARY_RE = re.compile(
    r"(?P<ld>ngày \d{1,2} tháng \d{1,2} năm (?P<ly>\d{4}))"
    r"|(?P<dd>\b\d{1,2}(?P<sep>[/.-])\d{1,2}(?P=sep)(?P<dy>\d{4})\b)"
    r"|(?P<mo>tháng \d{1,2}\b)"
    r"|(?P<n>\d+)"
)
# A simple sentence split for the raw tokenizer baseline: each line, cut after
# . ! ? … when a capital letter or a digit follows.
_SENT_RE = re.compile(r"(?<=[.!?…])\s+(?=[\"“(]?[A-ZÀ-ỸĐ0-9])")


@dataclass(slots=True)
class Document:
    path: str
    text: str
    date: date | None


def _texts_from_python(path: Path) -> list[str]:
    """Vietnamese string literals of a test module (sentences and short documents)."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError):
        return []
    return [
        node.value for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and len(node.value) >= 40 and _VIET_RE.search(node.value)
    ]


def _text_from_html(path: Path) -> str:
    import lxml.html

    try:
        root = lxml.html.fromstring(path.read_bytes())
    except Exception:  # noqa: BLE001 - a broken fixture is skipped, not fatal
        return ""
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    return "\n\n".join(" ".join(el.text_content().split()) for el in root.xpath("//p|//h1|//h2|//h3|//li|//td"))


@lru_cache(maxsize=1)
def seed_texts() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(documents, sentences): whole seed documents and loose test sentences."""
    docs: list[str] = []
    globs = ["examples/*.txt", "tests/fixtures/**/*.txt", "pipeline/**/*.txt", "crawler/**/*.txt"]
    for pattern in globs:
        for p in sorted(ROOT.glob(pattern)):
            text = p.read_text(encoding="utf-8", errors="replace")
            if _VIET_RE.search(text) and len(text) > 500:
                docs.append(text)
    for pattern in ["tests/fixtures/**/*.html", "pipeline/**/*.html", "crawler/**/*.html"]:
        for p in sorted(ROOT.glob(pattern)):
            text = _text_from_html(p)
            if _VIET_RE.search(text) and len(text) > 500:
                docs.append(text)
    sentences: list[str] = []
    for p in sorted((ROOT / "tests").rglob("*.py")):
        sentences.extend(_texts_from_python(p))
    if not docs:
        raise RuntimeError(f"no seed texts found under {ROOT}")
    return tuple(docs), tuple(sentences)


@lru_cache(maxsize=1)
def _provinces() -> tuple[list[str], re.Pattern[str]]:
    from nlp.gazetteer import Gazetteer

    names = sorted({p.short for p in Gazetteer.default().provinces.values() if len(p.short) > 3}, key=lambda n: (-len(n), n),
                   )
    return names, re.compile(r"(?<!\w)(" + "|".join(map(re.escape, names)) + r")(?!\w)")


class Varier:
    """Changes numbers, dates and province names of a text, consistently within one document."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        names, self.prov_re = _provinces()
        shuffled = names[:]
        rng.shuffle(shuffled)
        self.prov_map = dict(zip(names, shuffled, strict=True))
        self.year_shift = rng.randint(-3, 2)

    def __call__(self, text: str) -> str:
        text = self.prov_re.sub(lambda m: self.prov_map[m.group(1)], text)
        return _VARY_RE.sub(self._replace, text)

    def _replace(self, m: re.Match[str]) -> str:
        rng = self.rng
        if m.group("ld"):
            return f"ngày {rng.randint(1, 28)} tháng {rng.randint(1, 12)} năm {int(m.group('ly')) + self.year_shift}"
        if m.group("dd"):
            sep = m.group("sep")
            return f"{rng.randint(1, 28)}{sep}{rng.randint(1, 12)}{sep}{int(m.group('dy')) + self.year_shift}"
        if m.group("mo"):
            return f"tháng {rng.randint(1, 12)}"
        digits = m.group("n")
        if len(digits) == 4 and digits[:2] in ("19", "20"):  # a year
            return str(int(digits) + self.year_shift)
        if len(digits) <= 2:
            return str(rng.randint(1, 28 if len(digits) == 2 else 9))
        return str(rng.randint(10 ** (len(digits) - 1), 10 ** len(digits) - 1))


def _paragraphs(text: str) -> list[str]:
    return [p.strip("\n") for p in _PARA_SPLIT_RE.split(text) if p.strip()]


def documents(megabytes: float, seed: int = 7) -> Iterator[Document]:
    """Documents until their UTF-8 size reaches ``megabytes`` (10**6 bytes).

    Every third document is a seed document varied as a whole (its header and
    layout kept); the others mix shuffled paragraphs of two seed documents
    with a few test sentences.
    """
    rng = random.Random(seed)
    docs, sentences = seed_texts()
    pools = [_paragraphs(d) for d in docs]
    budget = int(megabytes * 1_000_000)
    size = 0
    i = 0
    while size < budget:
        vary = Varier(rng)
        if i % 3 == 0:
            text = vary(docs[i // 3 % len(docs)])
        else:
            a, b = rng.sample(range(len(pools)), 2) if len(pools) > 1 else (0, 0)
            paras = pools[a][:3] + rng.sample(pools[a][3:], k=max(0, len(pools[a]) - 3) // 2)
            paras += rng.sample(pools[b], k=len(pools[b]) // 3)
            paras += rng.sample(sentences, k=min(len(sentences), rng.randint(2, 12)))
            head, body = paras[:3], paras[3:]
            rng.shuffle(body)
            text = vary("\n\n".join(head + body))
        day = date(2020 + rng.randint(0, 5), rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.5 else None
        yield Document(path=f"bench/{i:05d}.txt", text=text, date=day)
        size += len(text.encode("utf-8"))
        i += 1


def corpus(megabytes: float, seed: int = 7) -> list[Document]:
    return list(documents(megabytes, seed))


def sentences(text: str) -> list[str]:
    """The sentences the raw tokenizer baseline gets: each non-empty line, cut at sentence ends."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line:
            out.extend(s for s in _SENT_RE.split(line) if s.strip())
    return out
