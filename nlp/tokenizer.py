"""A spaCy tokenizer backed by underthesea word segmentation.

``spacy.blank("vi")`` splits syllables (or needs pyvi); chidao's tokens are
Vietnamese words ("Tài chính", "chủ trì") with exact character offsets.
underthesea's syllable splitter and CRF word segmenter are used directly,
without its character normalisation, so every token is a substring of the
input.

Word segmentation would cost more than all the rules together, and the rules
only need word boundaries where a directive word list matches: a trigger
must be whole words ("trình" is no verb inside "chương trình"). So in the
default mode (``candidates``) only paragraphs a cheap pre-filter marks as
candidates (they contain a trigger word) are looked at, and there only the
syllables at the edges of each trigger word and right before it are tagged;
every other syllable is its own token. Those few tags come from the same CRF
(``WordModel`` reads underthesea's model files and scores one syllable at a
time), and they are exactly the tags the full CRF would give: a syllable
whose tag no neighbour can change is settled on its own, and a run of
undecided syllables is decoded with Viterbi between two settled ones, which
is what the full decoding does there too. ``segment="all"`` runs
underthesea's CRF over every paragraph.
"""

from __future__ import annotations

import re
import struct
from collections import defaultdict
from functools import lru_cache
from os.path import dirname, join

from spacy.tokens import Doc
from spacy.util import registry
from spacy.vocab import Vocab

from nlp.data import load_yaml
from nlp.lexicon import phrase_alternation
from nlp.text import match_form

# The word lists whose matches nlp.directives checks for word alignment
# (DirectiveFinder._aligned), and the words imperative_start allows before them.
ALIGNED_LISTS = ("modals", "directive_frame_verbs", "reporting_frame_verbs", "imperatives")
ALIGNED_PREFIXES = ("không", "tuyệt đối")
# The lists whose words make a paragraph a candidate for segmentation.
CANDIDATE_LISTS = ("modals", "directive_frame_verbs", "imperatives")

_CHUNK_RE = re.compile(r"\S+")
_BLOCK_RE = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*")
_TEMPLATE_RE = re.compile(r"T\[(-?\d+)(?:,(-?\d+))?\](?:\.(\w+))?")
_INT_RE = re.compile(r"[+-]?[0-9]+")
_FUNCS = ("", "lower", "isdigit", "istitle", "is_in_dict")  # feature functions, in WordModel._values order


def _model_dir() -> str:
    import underthesea.pipeline.word_tokenize as wt

    return join(dirname(wt.__file__), "models", "ws_crf_vlsp2013_20230727")


@lru_cache(maxsize=1)
def _crf():
    from underthesea.models.fast_crf_sequence_tagger import FastCRFSequenceTagger

    model = FastCRFSequenceTagger()
    model.load(_model_dir())
    return model


@lru_cache(maxsize=1)
def _syllable_re() -> re.Pattern[str]:
    from underthesea.pipeline.word_tokenize.regex_tokenize import patterns

    return patterns


@lru_cache(maxsize=1)
def _candidate_re() -> re.Pattern[str]:
    data = load_yaml("directives.yml")
    words = [w for name in CANDIDATE_LISTS for w in data[name]]
    return re.compile(r"(?<!\w)" + phrase_alternation(words) + r"(?!\w)")


@lru_cache(maxsize=1)
def _aligned_phrases() -> dict[str, list[tuple[str, ...]]]:
    """The phrases whose edges need word boundaries, by first word (longest first)."""
    data = load_yaml("directives.yml")
    phrases = {tuple(match_form(p).split()) for name in ALIGNED_LISTS for p in data[name]}
    phrases.update(tuple(p.split()) for p in ALIGNED_PREFIXES)
    out: dict[str, list[tuple[str, ...]]] = {}
    for p in sorted(phrases, key=len, reverse=True):
        out.setdefault(p[0], []).append(p)
    return out


def syllables(text: str) -> list[str]:
    return [m.group() for m in _syllable_re().finditer(text)]


def _syllable_spans(text: str) -> list[tuple[int, int]]:
    """underthesea's syllable tokens (its regex tokenizer without normalisation) as spans.

    Its tokens never hold whitespace, and a run of letters is one token unless
    an abbreviation pattern ("Th.S", which reads "Th" + any letter + "S") or
    the punctuation letter ʺ applies; such plain chunks skip the big regex.
    """
    pattern = _syllable_re()
    out: list[tuple[int, int]] = []
    for chunk in _CHUNK_RE.finditer(text):
        s, e = chunk.span()
        word = chunk.group()
        if word.isalpha() and not word.startswith("Th") and "ʺ" not in word:
            out.append((s, e))
            continue
        while s < e:
            m = pattern.match(text, s)
            if m is None or m.end() <= s:  # cannot happen: every non-space character starts a token
                out.append((s, s + 1))
                s += 1
                continue
            out.append(m.span())
            s = m.end()
    return out


def segment_words(text: str) -> list[tuple[int, int]]:
    """Word spans of ``text`` from underthesea's CRF segmenter (multi-syllable words joined)."""
    spans = _syllable_spans(text)
    if not spans:
        return []
    tags = _crf().predict([[text[s:e]] for s, e in spans])
    return _join(text, spans, {i: tag == "I-W" for i, tag in enumerate(tags)})


def _join(text: str, spans: list[tuple[int, int]], inside: dict[int, bool]) -> list[tuple[int, int]]:
    """Join each syllable tagged inside a word to the word before it (never across a line break)."""
    out: list[tuple[int, int]] = []
    for i, (s, e) in enumerate(spans):
        if inside.get(i) and out and "\n" not in text[out[-1][1]:s]:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


class WordModel:
    """underthesea's word-segmentation CRF, scored in Python one syllable at a time.

    Reads the model files underthesea ships (CRFsuite weights, the feature
    templates and the dictionary) and reproduces its featuriser, so a
    syllable's tag can be had without featurising the whole paragraph.
    Only the difference of the two labels' scores is kept (I-W minus B-W):
    it decides the same Viterbi path.
    """

    def __init__(self, directory: str | None = None) -> None:
        import joblib

        directory = directory or _model_dir()
        self.dictionary: set[str] = joblib.load(join(directory, "dictionary.bin"))
        labels, weights, trans = _read_crfsuite(join(directory, "models.bin"))
        # weights by template, then by value: {"T[-1,0].lower": {"tài chính": -2.1, …}, …}
        self.tables: dict[str, dict[str, float]] = {}
        for attr, w in weights.items():
            syntax, _, value = attr.partition("=")
            self.tables.setdefault(syntax, {})[value] = w
        self.templates = [self._template(t) for t in joblib.load(join(directory, "features.bin"))]
        # one-syllable templates by offset, n-gram templates by (offset, length)
        self.unigram: dict[int, list[tuple[dict[str, float], int]]] = {}
        ngram: dict[tuple[int, int], list[tuple[dict[str, float], int]]] = {}
        for table, o1, o2, func in self.templates:
            if o2 is None:
                self.unigram.setdefault(o1, []).append((table, func))
            else:
                ngram.setdefault((o1, o2 - o1 + 1), []).append((table, func))
        self.ngram = [(o1, length, tpls) for (o1, length), tpls in ngram.items()]
        self.ngram_digit = any(f == _FUNCS.index("isdigit") for _, _, tpls in self.ngram for _, f in tpls)
        b, i = labels.index("B-W"), labels.index("I-W")
        self.trans = ((trans[b][b], trans[b][i]), (trans[i][b], trans[i][i]))  # [from B|I][to B|I]
        t = self.trans
        # how much the neighbours' transitions can favour the other tag, at most
        self.left_b = min(t[0][0] - t[0][1], t[1][0] - t[1][1])
        self.right_b = min(t[0][0] - t[1][0], t[0][1] - t[1][1])
        self.left_i = min(t[0][1] - t[0][0], t[1][1] - t[1][0])
        self.right_i = min(t[1][0] - t[0][0], t[1][1] - t[0][1])
        # the one-syllable part of a score, by offset and syllable (a small vocabulary, kept)
        self._unigrams: dict[int, dict[str, float]] = {o1: {} for o1 in self.unigram}
        # a template reaching before the paragraph reads BOS, after it EOS: {(offset, length, before): weight}
        groups = [(o1, 1, tpls) for o1, tpls in self.unigram.items()] + self.ngram
        self._edge = {(o1, length, before): sum(table.get("BOS" if before else "EOS", 0.0) for table, _ in tpls)
                      for o1, length, tpls in groups for before in (True, False)}

    def _template(self, syntax: str) -> tuple[dict[str, float], int, int | None, int]:
        m = _TEMPLATE_RE.fullmatch(syntax)
        if m is None or (m.group(3) or "") not in _FUNCS:
            raise ValueError(f"unsupported CRF feature template {syntax!r}")
        o2 = int(m.group(2)) if m.group(2) else None
        return self.tables.get(syntax, {}), int(m.group(1)), o2, _FUNCS.index(m.group(3) or "")

    def _values(self, text: str) -> tuple[str, str, str, str, str]:
        """An n-gram's feature values, as underthesea_core's CRFFeaturizer writes them (by _FUNCS)."""
        low = text.lower()
        digit = "True" if _INT_RE.fullmatch(text) and -2**31 <= int(text) < 2**31 else "False"
        title = "True" if all(p[:1] == p[:1].upper() for p in text.split(" ")) else "False"
        return text, low, digit, title, "True" if low in self.dictionary else "False"

    def score(self, sent: _Syllables, i: int) -> float:
        """Score of I-W minus B-W for syllable ``i`` of ``sent``, from its state features."""
        words = sent.words
        n = len(words)
        total = 0.0
        for o1, tpls in self.unigram.items():
            j = i + o1
            if j < 0 or j >= n:
                total += self._edge[o1, 1, j < 0]
                continue
            word = words[j]
            cache = self._unigrams[o1]
            w = cache.get(word)
            if w is None:
                vals = self._values(word)
                w = sum(table.get(vals[f], 0.0) for table, f in tpls)
                if len(cache) < 100_000:
                    cache[word] = w
            total += w
        memos = sent.memos
        for o1, length, tpls in self.ngram:
            j = i + o1
            if j < 0 or j + length > n:
                total += self._edge[o1, length, j < 0]
                continue
            memo = memos[length]
            vals = memo.get(j)
            if vals is None:
                vals = memo[j] = sent.ngram(j, length, self)
            for table, f in tpls:
                total += table.get(vals[f], 0.0)
        return total

    def settled(self, d: float, i: int, n: int) -> bool | None:
        """The tag of syllable ``i`` (True = I-W) when no tags of its neighbours can change it, else None."""
        if -d + (self.left_b if i > 0 else 0.0) + (self.right_b if i < n - 1 else 0.0) > 1e-9:
            return False
        if d + (self.left_i if i > 0 else 0.0) + (self.right_i if i < n - 1 else 0.0) > 1e-9:
            return True
        return None

    def tags(self, words: list[str], wanted: list[int]) -> dict[int, bool]:
        """The full CRF's tags (True = I-W) at ``wanted`` positions of ``words``, and at any run decoded on the way."""
        n = len(words)
        scores: dict[int, float] = {}
        out: dict[int, bool] = {}
        sent = _Syllables(words)

        def settle(j: int) -> bool | None:
            if j not in scores:
                scores[j] = self.score(sent, j)
            return self.settled(scores[j], j, n)

        for i in sorted(set(wanted)):
            if i in out or not 0 <= i < n:
                continue
            tag = settle(i)
            if tag is not None:
                out[i] = tag
                continue
            lo = i - 1
            while lo >= 0 and settle(lo) is None:
                lo -= 1
            hi = i + 1
            while hi < n and settle(hi) is None:
                hi += 1
            out.update(self._viterbi(words, scores, lo, hi, n))
        return out

    def _viterbi(self, words: list[str], scores: dict[int, float], lo: int, hi: int, n: int) -> dict[int, bool]:
        """Best tags strictly between two settled syllables ``lo`` and ``hi`` (or the paragraph's ends)."""
        t = self.trans
        first = max(lo, 0)
        if lo >= 0:
            fixed = self.settled(scores[lo], lo, n)
            best = [0.0, float("-inf")] if not fixed else [float("-inf"), 0.0]
        else:
            best = [0.0, scores[0]]
        back: list[tuple[int, int]] = []
        last = min(hi, n - 1)
        for j in range(first + 1, last + 1):
            d = scores[j]
            # ties go to the first label, B-W, as in underthesea_core's Viterbi
            from_b = 0 if best[0] + t[0][0] >= best[1] + t[1][0] else 1
            from_i = 0 if best[0] + t[0][1] >= best[1] + t[1][1] else 1
            best = [best[from_b] + t[from_b][0], best[from_i] + t[from_i][1] + d]
            back.append((from_b, from_i))
        if hi < n:
            y = 1 if self.settled(scores[hi], hi, n) else 0
        else:
            y = 0 if best[0] >= best[1] else 1
        tags = {last: bool(y)}
        for j in range(last, first, -1):
            y = back[j - first - 1][y]
            tags[j - 1] = bool(y)
        return tags


class _Syllables:
    """One paragraph's syllables with what the features of their n-grams need, computed once."""

    def __init__(self, words: list[str]) -> None:
        self.words = words
        self.lows = [w.lower() for w in words]
        self.titles = [w[:1] == w[:1].upper() for w in words]
        self.memos: defaultdict[int, dict[int, tuple[str, ...]]] = defaultdict(dict)

    def ngram(self, j: int, length: int, model: WordModel) -> tuple[str, ...]:
        """Feature values of the n-gram at ``j`` (as ``WordModel._values``, without the lower-casing per call)."""
        if model.ngram_digit:
            return model._values(" ".join(self.words[j:j + length]))
        low = " ".join(self.lows[j:j + length])
        return (" ".join(self.words[j:j + length]), low, "",
                "True" if all(self.titles[j:j + length]) else "False",
                "True" if low in model.dictionary else "False")


def _read_crfsuite(path: str) -> tuple[list[str], dict[str, float], list[list[float]]]:
    """Labels, state weights (I-W minus B-W, by attribute) and transitions of a CRFsuite model file."""
    with open(path, "rb") as fh:
        data = fh.read()
    magic, _, kind, _, _, _, _, off_feat, off_labels, off_attrs, _, _ = struct.unpack_from("<4sI4sIIIIIIIII", data, 0)
    if magic != b"lCRF" or kind != b"FOMC":
        raise ValueError(f"{path}: not a CRFsuite model")
    labels = _read_cqdb(data, off_labels)
    attrs = _read_cqdb(data, off_attrs)
    (count,) = struct.unpack_from("<I", data, off_feat + 8)
    sign = {labels.index("I-W"): 1.0, labels.index("B-W"): -1.0}
    weights: dict[str, float] = {}
    trans = [[0.0] * len(labels) for _ in labels]
    for kind_, src, dst, w in struct.iter_unpack("<IIId", data[off_feat + 12:off_feat + 12 + 20 * count]):
        if kind_ == 0:
            weights[attrs[src]] = weights.get(attrs[src], 0.0) + sign[dst] * w
        else:
            trans[src][dst] = w
    return labels, weights, trans


def _read_cqdb(data: bytes, offset: int) -> list[str]:
    """The strings of a CQDB block, by id (from its backward index)."""
    magic, _, _, _, count, bwd = struct.unpack_from("<4sIIIII", data, offset)
    if magic != b"CQDB":
        raise ValueError("CRFsuite model: bad CQDB block")
    out = []
    for (rec,) in struct.iter_unpack("<I", data[offset + bwd:offset + bwd + 4 * count]):
        _, size = struct.unpack_from("<II", data, offset + rec)
        out.append(data[offset + rec + 8:offset + rec + 7 + size].decode("utf-8"))
    return out


@lru_cache(maxsize=1)
def word_model() -> WordModel:
    return WordModel()


def _wanted(mtext: str, spans: list[tuple[int, int]]) -> list[int]:
    """Syllables whose tag decides whether a trigger phrase is whole words.

    The first syllable of each phrase (is it joined to the word before?), the
    one after it (is it joined to the phrase?), the phrase's own syllables and
    the syllable before it (so the words around a trigger come out whole).
    """
    phrases = _aligned_phrases()
    forms = [mtext[s:e] for s, e in spans]
    out: list[int] = []
    n = len(spans)
    for a, form in enumerate(forms):
        for p in phrases.get(form, ()):
            b = a + len(p) - 1
            if b >= n or tuple(forms[a:b + 1]) != p:
                continue
            if any(not mtext[spans[k][1]:spans[k + 1][0]].isspace() for k in range(a, b)):
                continue
            out.extend(range(a - 1, b + 2))
    return out


class VietnameseTokenizer:
    """Callable spaCy tokenizer: text -> Doc of Vietnamese words."""

    def __init__(self, vocab: Vocab, segment: str = "candidates") -> None:
        if segment not in ("all", "candidates", "none"):
            raise ValueError(f"segment must be 'all', 'candidates' or 'none', not {segment!r}")
        self.vocab = vocab
        self.segment = segment

    def __call__(self, text: str) -> Doc:
        spans: list[tuple[int, int]] = []
        if self.segment == "none":
            spans = _syllable_spans(text)
        elif self.segment == "all":
            for block in _BLOCK_RE.finditer(text):
                s = block.start()
                spans.extend((a + s, b + s) for a, b in segment_words(block.group()))
        else:
            cand = _candidate_re()
            mtext = match_form(text)
            model = word_model()
            for block in _BLOCK_RE.finditer(text):
                s, e = block.span()
                piece = _syllable_spans(block.group())
                if cand.search(mtext, s, e):
                    wanted = _wanted(mtext[s:e], piece)
                    if wanted:
                        words = [block.group()[a:b] for a, b in piece]
                        piece = _join(block.group(), piece, model.tags(words, wanted))
                spans.extend((a + s, b + s) for a, b in piece)
        return _doc_from_spans(self.vocab, text, spans)

    # spaCy serialisation hooks: the tokenizer has no state of its own
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> VietnameseTokenizer:
        return self

    def to_disk(self, path, **kwargs) -> None:
        pass

    def from_disk(self, path, **kwargs) -> VietnameseTokenizer:
        return self


def _doc_from_spans(vocab: Vocab, text: str, spans: list[tuple[int, int]]) -> Doc:
    """A Doc whose text is exactly ``text``: gaps become spaces or whitespace tokens."""
    words: list[str] = []
    spaces: list[bool] = []
    pos = 0
    for s, e in spans:
        gap = text[pos:s]
        _gap(words, spaces, gap)
        words.append(text[s:e])
        spaces.append(False)
        pos = e
    _gap(words, spaces, text[pos:])
    return Doc(vocab, words=words, spaces=spaces)


def _gap(words: list[str], spaces: list[bool], gap: str) -> None:
    if not gap:
        return
    if gap[0] == " " and words and not spaces[-1]:
        spaces[-1] = True
        gap = gap[1:]
    if gap:
        words.append(gap)
        spaces.append(False)


@registry.tokenizers("chidao.VietnameseTokenizer.v1")
def create_tokenizer(segment: str = "candidates"):
    def make(nlp):
        return VietnameseTokenizer(nlp.vocab, segment=segment)

    return make
