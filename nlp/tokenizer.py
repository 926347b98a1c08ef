"""A spaCy tokenizer backed by underthesea word segmentation.

``spacy.blank("vi")`` splits syllables (or needs pyvi); chidao's tokens are
Vietnamese words ("Tài chính", "chủ trì") with exact character offsets.
underthesea's syllable splitter and CRF word segmenter are used directly,
without its character normalisation, so every token is a substring of the
input. Word segmentation costs most of the extraction time, so only
paragraphs a cheap pre-filter marks as candidates (they contain a directive
trigger word) are segmented; the others get syllable tokens.
"""

from __future__ import annotations

import re
from functools import lru_cache
from os.path import dirname, join

from spacy.tokens import Doc
from spacy.util import registry
from spacy.vocab import Vocab

from nlp.data import load_yaml
from nlp.lexicon import phrase_alternation
from nlp.text import match_form


@lru_cache(maxsize=1)
def _crf():
    import underthesea.pipeline.word_tokenize as wt
    from underthesea.models.fast_crf_sequence_tagger import FastCRFSequenceTagger

    model = FastCRFSequenceTagger()
    model.load(join(dirname(wt.__file__), "models", "ws_crf_vlsp2013_20230727"))
    return model


@lru_cache(maxsize=1)
def _candidate_re() -> re.Pattern[str]:
    data = load_yaml("directives.yml")
    words = data["modals"] + data["directive_frame_verbs"] + data["imperatives"]
    return re.compile(r"(?<!\w)" + phrase_alternation(words) + r"(?!\w)")


def syllables(text: str) -> list[str]:
    from underthesea.pipeline.word_tokenize.regex_tokenize import tokenize

    return tokenize(text, use_character_normalize=False, use_token_normalize=False)


def segment_words(text: str) -> list[tuple[int, int]]:
    """Word spans of ``text`` from underthesea's CRF segmenter (multi-syllable words joined)."""
    spans = _syllable_spans(text)
    if not spans:
        return []
    tags = _crf().predict([[text[s:e]] for s, e in spans])
    out: list[tuple[int, int]] = []
    for tag, (s, e) in zip(tags, spans, strict=False):
        if tag == "I-W" and out and "\n" not in text[out[-1][1]:s]:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _syllable_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    pos = 0
    for tok in syllables(text):
        i = text.find(tok, pos)
        if i < 0:  # should not happen without normalisation; fall back to whitespace tokens
            return [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        spans.append((i, i + len(tok)))
        pos = i + len(tok)
    return spans


class VietnameseTokenizer:
    """Callable spaCy tokenizer: text -> Doc of Vietnamese words."""

    def __init__(self, vocab: Vocab, segment: str = "candidates") -> None:
        self.vocab = vocab
        self.segment = segment  # "all" | "candidates" | "none"

    def __call__(self, text: str) -> Doc:
        spans: list[tuple[int, int]] = []
        cand = _candidate_re()
        mtext = match_form(text) if self.segment == "candidates" else text
        for block in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
            s, e = block.span()
            seg = self.segment == "all" or (self.segment == "candidates" and cand.search(mtext, s, e))
            piece = segment_words(text[s:e]) if seg else _syllable_spans(text[s:e])
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
