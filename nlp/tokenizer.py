"""A spaCy tokenizer backed by underthesea word segmentation.

``spacy.blank("vi")`` splits syllables (or needs pyvi); chidao's tokens are
Vietnamese words ("Tài chính", "chủ trì") with exact character offsets.
underthesea's syllable splitter and CRF word segmenter are used without its
character normalisation, so every token is a substring of the input. Only
paragraphs a cheap pre-filter marks as candidates (they contain a directive
trigger word, the only place the rules ask for word boundaries) are
segmented; the others get syllable tokens.

The segmenter is underthesea's own model (``ws_crf_vlsp2013``), but decoded
here (``WordModel``): underthesea's Rust featuriser hands 43 feature strings
per syllable back to Python and its tagger parses them again, which costs
more than all of chidao's rules together. ``WordModel`` reads the same
model files, computes the same features for a whole document at once with
numpy, and finds the same best tag sequence: a syllable whose own score
outweighs anything its neighbours could add keeps its tag, and the short
runs between such syllables are decoded with Viterbi. The tags are the
ones underthesea's ``word_tokenize`` gives; ``tests/nlp/test_word_model.py``
checks that against underthesea.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from os.path import dirname, join

import numpy as np
from spacy.attrs import IDX, IS_SPACE, LENGTH
from spacy.tokens import Doc
from spacy.util import registry
from spacy.vocab import Vocab

from nlp.data import load_yaml
from nlp.lexicon import phrase_alternation
from nlp.text import match_form

# The lists whose words make a paragraph a candidate for segmentation.
CANDIDATE_LISTS = ("modals", "directive_frame_verbs", "imperatives")

_OFFSETS = "chidao_offsets"  # doc.user_data keys
_MTEXT = "chidao_mtext"
_BLOCK_RE = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*")
_TEMPLATE_RE = re.compile(r"T\[(-?\d+)(?:,(-?\d+))?\](?:\.(\w+))?")
_FUNCS = ("", "lower", "isdigit", "istitle", "is_in_dict")  # feature functions of the templates
_RAW, _LOWER, _DIGIT, _TITLE, _DICT = range(len(_FUNCS))


def _model_dir() -> str:
    import underthesea.pipeline.word_tokenize as wt

    return join(dirname(wt.__file__), "models", "ws_crf_vlsp2013_20230727")


@lru_cache(maxsize=1)
def _syllable_re() -> re.Pattern[str]:
    from underthesea.pipeline.word_tokenize.regex_tokenize import patterns

    return patterns


@lru_cache(maxsize=1)
def _candidate_re() -> re.Pattern[str]:
    data = load_yaml("directives.yml")
    words = [w for name in CANDIDATE_LISTS for w in data[name]]
    return re.compile(r"(?<!\w)" + phrase_alternation(words) + r"(?!\w)")


def syllables(text: str) -> list[str]:
    return [text[s:e] for s, e in _syllable_spans(text)]


def _syllable_spans(text: str) -> list[tuple[int, int]]:
    """underthesea's syllable tokens (its regex tokenizer without normalisation) as spans.

    Its tokens never hold whitespace, and a run of letters is one token unless
    an abbreviation pattern ("Th.S" and "Th.s", which read "Th" + any letter +
    "S") or the punctuation letter ʺ applies. The commonest chunks skip the big
    regex: such a run of letters; the run and a final comma or semicolon (no
    pattern reads letters and a comma together); a lower-case run and a final
    ". : )" (the patterns that read a letter run with a dot are upper-case
    abbreviations, "Tp.", "Mr." and the like, or need more letters after the
    dot); ASCII digits alone (a number).
    """
    pattern = _syllable_re()
    out: list[tuple[int, int]] = []
    pos = 0
    for word in text.split():  # the chunks between whitespace, as ``\S+`` finds them
        s = text.find(word, pos)
        e = pos = s + len(word)
        if "ʺ" not in word and not (word.startswith("Th") and word[3:4] in ("S", "s")):
            if word.isalpha() or (word.isdecimal() and word.isascii()):
                out.append((s, e))
                continue
            if word[:-1].isalpha() and (word[-1] in ",;" or (word[-1] in ".:)" and word[0].islower())):
                out.append((s, e - 1))
                out.append((e - 1, e))
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
    """Word spans of ``text`` (one paragraph), as underthesea's ``word_tokenize`` would cut it."""
    spans = _syllable_spans(text)
    if not spans:
        return []
    (inside,) = word_model().inside([[text[s:e] for s, e in spans]])
    return _join(text, spans, inside)


def _join(text: str, spans: list[tuple[int, int]], inside: list[bool]) -> list[tuple[int, int]]:
    """Join each syllable tagged inside a word to the word before it (never across a line break)."""
    out: list[tuple[int, int]] = []
    for (s, e), joined in zip(spans, inside, strict=True):
        if joined and out and "\n" not in text[out[-1][1]:s]:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


class WordModel:
    """underthesea's word-segmentation CRF, decoded with numpy for many paragraphs at once.

    Only the difference of the two labels' state scores (I-W minus B-W) is
    kept per syllable: adding the same amount to both labels of a position
    changes no Viterbi decision.
    """

    def __init__(self, directory: str | None = None) -> None:
        import joblib

        directory = directory or _model_dir()
        self.dictionary: set[str] = joblib.load(join(directory, "dictionary.bin"))
        labels, weights, trans = _read_crfsuite(join(directory, "models.bin"))
        tables: dict[str, dict[str, float]] = {}  # {"T[-1,0].lower": {"tài chính": -2.1, …}, …}
        for attr, w in weights.items():
            syntax, _, value = attr.partition("=")
            tables.setdefault(syntax, {})[value] = w
        # (table, offset, length, function) per template
        self.templates: list[tuple[dict[str, float], int, int, int]] = []
        for syntax in joblib.load(join(directory, "features.bin")):
            m = _TEMPLATE_RE.fullmatch(syntax)
            if m is None or (m.group(3) or "") not in _FUNCS:
                raise ValueError(f"{directory}: unsupported CRF feature template {syntax!r}")
            o1 = int(m.group(1))
            length = int(m.group(2)) - o1 + 1 if m.group(2) else 1
            self.templates.append((tables.get(syntax, {}), o1, length, _FUNCS.index(m.group(3) or "")))
        self.unigram_offsets = sorted({o1 for _, o1, length, _ in self.templates if length == 1})
        self.lengths = sorted({length for _, _, length, _ in self.templates if length > 1})
        # n-gram templates of one length, by offset: their weights for a string in one matrix row per
        # (length, function), one column per offset; flags (title, in dictionary, digit) by offset
        self.offsets = {n: sorted({o1 for _, o1, length, _ in self.templates if length == n}) for n in self.lengths}
        self.lexicons: dict[tuple[int, int], tuple[dict[str, int], np.ndarray]] = {}
        self.flags: dict[tuple[int, int], list[tuple[int, float, float]]] = {}  # (o1, n) -> [(func, True, False)]
        self.edges: dict[tuple[int, int], tuple[float, float]] = {}  # (o1, n) -> (BOS, EOS) weights
        for table, o1, length, func in self.templates:
            bos, eos = self.edges.get((o1, length), (0.0, 0.0))
            self.edges[o1, length] = (bos + table.get("BOS", 0.0), eos + table.get("EOS", 0.0))
            if length == 1:
                continue
            if func in (_RAW, _LOWER):
                ids, _ = self.lexicons.setdefault((length, func), ({}, np.zeros(0)))
                for value in table:
                    ids.setdefault(value, len(ids) + 1)  # row 0: a string no template knows
            else:
                self.flags.setdefault((o1, length), []).append(
                    (func, table.get("True", 0.0), table.get("False", 0.0)))
        for (length, func), (ids, _) in list(self.lexicons.items()):
            matrix = np.zeros((len(ids) + 1, len(self.offsets[length])))
            for table, o1, n, f in self.templates:
                if n == length and f == func:
                    col = self.offsets[length].index(o1)
                    for value, w in table.items():
                        matrix[ids[value], col] += w
            self.lexicons[length, func] = (ids, matrix)
        # n-gram features by n-gram string, looked up once and kept
        self._grams = {n: _GramTable(self, n) for n in self.lengths}
        # one-syllable features by syllable (a small vocabulary, kept): row of sums by offset, title flag
        self._vocab: dict[str, int] = {}
        self._vocab_weights = np.zeros((1024, len(self.unigram_offsets)))
        self._vocab_titles = np.zeros(1024, bool)
        b, i = labels.index("B-W"), labels.index("I-W")
        t = ((trans[b][b], trans[b][i]), (trans[i][b], trans[i][i]))  # [from B|I][to B|I]
        self.trans = t
        # how much a neighbour's transition can favour the other tag, at most
        self.left_b = min(t[0][0] - t[0][1], t[1][0] - t[1][1])
        self.right_b = min(t[0][0] - t[1][0], t[0][1] - t[1][1])
        self.left_i = min(t[0][1] - t[0][0], t[1][1] - t[1][0])
        self.right_i = min(t[1][0] - t[0][0], t[1][1] - t[0][1])

    # --- features -----------------------------------------------------------------------------------------------
    def _value(self, text: str, func: int) -> str:
        """A feature's value, as underthesea_core's CRFFeaturizer writes it."""
        if func == _LOWER:
            return text.lower()
        if func == _DIGIT:  # Rust's str::parse::<i32>
            ok = re.fullmatch(r"[+-]?[0-9]+", text) is not None and -2**31 <= int(text) < 2**31
            return "True" if ok else "False"
        if func == _TITLE:
            return "True" if all(p[:1] == p[:1].upper() for p in text.split(" ")) else "False"
        if func == _DICT:
            return "True" if text.lower() in self.dictionary else "False"
        return text

    def _unigram_row(self, word: str) -> tuple[float, ...]:
        """The one-syllable templates' weights for ``word``, summed by offset."""
        sums = dict.fromkeys(self.unigram_offsets, 0.0)
        for table, o1, length, func in self.templates:
            if length == 1:
                sums[o1] += table.get(self._value(word, func), 0.0)
        return tuple(sums[o] for o in self.unigram_offsets)

    def _learn(self, words: set[str]) -> None:
        """Add syllables to the vocabulary of one-syllable features."""
        need = len(self._vocab) + len(words)
        if need > len(self._vocab_titles):
            size = max(need, 2 * len(self._vocab_titles))
            self._vocab_weights = np.resize(self._vocab_weights, (size, len(self.unigram_offsets)))
            self._vocab_titles = np.resize(self._vocab_titles, size)
        for w in words:
            i = self._vocab[w] = len(self._vocab)
            self._vocab_weights[i] = self._unigram_row(w)
            self._vocab_titles[i] = w[:1] == w[:1].upper()

    def scores(self, words: list[str], first: np.ndarray, end: np.ndarray) -> np.ndarray:
        """State score (I-W minus B-W) of every syllable of several paragraphs laid end to end.

        ``first[i]`` and ``end[i]`` bound the paragraph of syllable ``i``: a
        feature reaching before it reads BOS, after it EOS.
        """
        n = len(words)
        if len(self._vocab) > 200_000:  # a runaway vocabulary (garbage input): start again
            self._vocab.clear()
        new = set(words).difference(self._vocab)
        if new:
            self._learn(new)
        ids = np.fromiter(map(self._vocab.__getitem__, words), np.intp, n)
        by_group: dict[tuple[int, int], np.ndarray] = {}
        unigrams = self._vocab_weights[ids]
        for c, o1 in enumerate(self.unigram_offsets):
            by_group[o1, 1] = unigrams[:, c]
        titles = self._vocab_titles[ids]
        for length in self.lengths:
            k = max(n - length + 1, 0)
            table = self._grams[length]
            grams = _ngrams(words, length)
            gids = table.ids(grams)
            title = np.ones(k, bool)
            for s in range(length):
                title &= titles[s:s + k]
            flags = {_TITLE: title, _DICT: table.in_dict[gids],
                     _DIGIT: np.zeros(k, bool)}  # an n-gram holds a space: never an integer
            weights = table.weights[gids]
            for c, o1 in enumerate(self.offsets[length]):
                w = weights[:, c]
                for func, yes, no in self.flags.get((o1, length), ()):
                    w = w + np.where(flags[func], yes, no)
                by_group[o1, length] = w
        idx = np.arange(n)
        total = np.zeros(n)
        for (o1, length), w in by_group.items():
            # the n-gram starting o1 away, or BOS / EOS where that reaches past the paragraph
            bos, eos = self.edges[o1, length]
            j = idx + o1
            got = w[np.clip(j, 0, len(w) - 1)] if len(w) else np.zeros(n)
            total += np.where(j < first, bos, np.where(j + length > end, eos, got))
        return total

    # --- decoding -----------------------------------------------------------------------------------------------
    def inside(self, paragraphs: list[list[str]]) -> list[list[bool]]:
        """For each paragraph's syllables, whether each is inside a word (I-W), as underthesea tags them."""
        sizes = [len(p) for p in paragraphs]
        words = [w for p in paragraphs for w in p]
        if not words:
            return [[] for _ in paragraphs]
        bounds = np.cumsum([0, *sizes])
        first = np.repeat(bounds[:-1], sizes)
        end = np.repeat(bounds[1:], sizes)
        d = self.scores(words, first, end)
        idx = np.arange(len(words))
        has_left, has_right = idx > first, idx < end - 1
        settled_b = -d + np.where(has_left, self.left_b, 0.0) + np.where(has_right, self.right_b, 0.0) > 1e-9
        settled_i = d + np.where(has_left, self.left_i, 0.0) + np.where(has_right, self.right_i, 0.0) > 1e-9
        tags = settled_i.tolist()
        open_ = np.flatnonzero(~(settled_b | settled_i))
        if len(open_):
            dl = d.tolist()
            firsts, ends = first.tolist(), end.tolist()
            run_start = 0
            for k in range(1, len(open_) + 1):
                if k < len(open_) and open_[k] == open_[k - 1] + 1 and firsts[open_[k]] == firsts[open_[k - 1]]:
                    continue
                p, q = int(open_[run_start]), int(open_[k - 1])
                self._viterbi(dl, tags, p, q, firsts[p], ends[p])
                run_start = k
        return [tags[a:b] for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)]

    def _viterbi(self, d: list[float], tags: list[bool], p: int, q: int, first: int, end: int) -> None:
        """Decode the open run ``p..q`` between its settled neighbours (or its paragraph's ends) into ``tags``.

        A settled syllable keeps its tag whatever its neighbours are, so the
        best path through the run is the full decoding's best path there.
        """
        t = self.trans
        lo, hi = p - 1, q + 1
        if lo >= first:
            best = [float("-inf"), 0.0] if tags[lo] else [0.0, float("-inf")]
            start = lo
        else:
            best = [0.0, d[p]]
            start = p
        last = hi if hi < end else q
        back: list[tuple[int, int]] = []
        for j in range(start + 1, last + 1):
            # ties go to the first label, B-W, as in underthesea_core's Viterbi
            from_b = 0 if best[0] + t[0][0] >= best[1] + t[1][0] else 1
            from_i = 0 if best[0] + t[0][1] >= best[1] + t[1][1] else 1
            best = [best[from_b] + t[from_b][0], best[from_i] + t[from_i][1] + d[j]]
            back.append((from_b, from_i))
        # the settled tag after the run, or the better end of the paragraph
        y = int(tags[hi]) if hi < end else int(best[1] > best[0])
        for j in range(last, start, -1):
            if p <= j <= q:
                tags[j] = bool(y)
            y = back[j - start - 1][y]
        if p <= start <= q:
            tags[start] = bool(y)


class _GramTable:
    """The n-gram templates of one length, by n-gram string: their summed weights (one column per offset) and
    whether the n-gram is in the dictionary. Built as n-grams are first seen; the common ones recur in every
    document, so most n-grams cost one dictionary lookup."""

    _LIMIT = 500_000  # a runaway vocabulary (garbage input): start again

    def __init__(self, model: WordModel, length: int) -> None:
        self.model = model
        self.length = length
        self._ids: dict[str, int] = {}
        self.weights = np.zeros((0, len(model.offsets[length])))
        self.in_dict = np.zeros(0, bool)

    def ids(self, grams: list[str]) -> np.ndarray:
        if len(self._ids) > self._LIMIT:
            self._ids.clear()
        new = list(dict.fromkeys(g for g in grams if g not in self._ids))
        if new:
            self._learn(new)
        return np.fromiter(map(self._ids.__getitem__, grams), np.intp, len(grams))

    def _learn(self, grams: list[str]) -> None:
        model, k = self.model, len(grams)
        lows = list(map(str.lower, grams))
        weights = np.zeros((k, self.weights.shape[1]))
        for func, keys in ((_RAW, grams), (_LOWER, lows)):
            if (self.length, func) in model.lexicons:
                lex, matrix = model.lexicons[self.length, func]
                weights += matrix[np.fromiter(map(lex.get, keys, repeat(0)), np.intp, k)]
        start = len(self._ids)
        if start + k > len(self.in_dict):  # grow by doubling: amortised constant cost per n-gram
            size = max(start + k, 2 * len(self.in_dict), 1024)
            self.weights = np.resize(self.weights, (size, self.weights.shape[1]))
            self.in_dict = np.resize(self.in_dict, size)
        self._ids.update(zip(grams, range(start, start + k), strict=True))
        self.weights[start:start + k] = weights
        self.in_dict[start:start + k] = np.fromiter(map(model.dictionary.__contains__, lows), bool, k)


def _ngrams(words: list[str], length: int) -> list[str]:
    """Every run of ``length`` consecutive words, space-joined."""
    return list(map(" ".join, zip(*(words[s:] for s in range(length)), strict=False)))


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
    """The segmenter, loaded once per process."""
    return WordModel()


class VietnameseTokenizer:
    """Callable spaCy tokenizer: text -> Doc of Vietnamese words."""

    def __init__(self, vocab: Vocab, segment: str = "candidates") -> None:
        if segment not in ("all", "candidates", "none"):
            raise ValueError(f"segment must be 'all', 'candidates' or 'none', not {segment!r}")
        self.vocab = vocab
        self.segment = segment  # "all" | "candidates" | "none"

    def __call__(self, text: str) -> Doc:
        cand = _candidate_re() if self.segment == "candidates" else None
        mtext = match_form(text) if cand is not None else text
        blocks: list[list[tuple[int, int]]] = []  # syllable spans of each paragraph, in the text
        todo: list[int] = []  # the paragraphs to segment
        for block in _BLOCK_RE.finditer(text):
            s, e = block.span()
            blocks.append([(a + s, b + s) for a, b in _syllable_spans(block.group())])
            if blocks[-1] and (self.segment == "all" or (cand is not None and cand.search(mtext, s, e))):
                todo.append(len(blocks) - 1)
        if todo:
            tags = word_model().inside([[text[a:b] for a, b in blocks[i]] for i in todo])
            for i, inside in zip(todo, tags, strict=True):
                blocks[i] = _join(text, blocks[i], inside)
        doc = _doc_from_spans(self.vocab, text, [span for spans in blocks for span in spans])
        if cand is not None:
            doc.user_data[_MTEXT] = mtext
        return doc

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
    """A Doc whose text is exactly ``text``: gaps become spaces or whitespace tokens.

    The token offsets (:class:`TokenOffsets`) are left in ``doc.user_data`` on the way.
    """
    words: list[str] = []
    spaces: list[bool] = []
    gaps: list[tuple[int, int]] = []  # whitespace tokens
    pos = 0
    for s, e in spans:
        if s != pos:
            if s == pos + 1 and text[pos] == " " and words and not spaces[-1]:
                spaces[-1] = True  # the usual gap: one space after a word
            else:
                _gap(words, spaces, gaps, text, pos, s)
        words.append(text[s:e])
        spaces.append(False)
        pos = e
    _gap(words, spaces, gaps, text, pos, len(text))
    doc = Doc(vocab, words=words, spaces=spaces)
    starts = [a for a, _ in spans]
    ends = [b for _, b in spans]
    doc.user_data[_OFFSETS] = TokenOffsets(text, starts, ends, {*starts, *(a for a, _ in gaps)},
                                           {*ends, *(b for _, b in gaps)})
    return doc


def _gap(words: list[str], spaces: list[bool], gaps: list[tuple[int, int]], text: str, pos: int, end: int) -> None:
    if pos >= end:
        return
    if text[pos] == " " and words and not spaces[-1]:
        spaces[-1] = True
        pos += 1
    if pos < end:
        words.append(text[pos:end])
        spaces.append(False)
        gaps.append((pos, end))


@dataclass(slots=True)
class TokenOffsets:
    """Where a Doc's tokens are, in characters, and its text: read once per document.

    Components ask for word boundaries at many places; a spaCy ``Token`` object
    per word, or ``doc.text`` (which joins every token), costs more than the
    rules that ask.
    """

    text: str
    word_starts: list[int]  # the words (whitespace tokens left out), in order
    word_ends: list[int]
    starts: set[int]  # every token, whitespace tokens included
    ends: set[int]


def token_offsets(doc: Doc) -> TokenOffsets:
    """The offsets the tokenizer left on ``doc``, or read from its arrays (a Doc made some other way)."""
    got = doc.user_data.get(_OFFSETS)
    if got is None:
        arr = doc.to_array([IDX, LENGTH, IS_SPACE]).tolist()
        words = [(a, a + n) for a, n, space in arr if not space]
        got = doc.user_data[_OFFSETS] = TokenOffsets(
            doc.text, [a for a, _ in words], [b for _, b in words], {a for a, _, _ in arr}, {a + n for a, n, _ in arr})
    return got


def match_text(doc: Doc) -> str | None:
    """``match_form`` of the whole text, when the tokenizer computed it (its candidate filter reads it)."""
    return doc.user_data.get(_MTEXT)


@registry.tokenizers("chidao.VietnameseTokenizer.v1")
def create_tokenizer(segment: str = "candidates"):
    def make(nlp):
        return VietnameseTokenizer(nlp.vocab, segment=segment)

    return make
