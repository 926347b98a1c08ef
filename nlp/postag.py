"""underthesea's part-of-speech tags, computed without its slow Python featuriser.

``underthesea.pos_tag`` segments the sentence with its own word tokenizer and
then builds each word's 22 template features by re-splitting the whole
sentence once per template and word (quadratic in the sentence length); that
cost more than every chidao rule together. Here the words come from chidao's
decoding of the same word-segmentation model (``nlp.tokenizer.segment_words``,
which gives underthesea's words) and the features are the same strings,
built once per word; the tagger is underthesea's own CRF model. The tags are
underthesea's: ``tests/nlp/test_postag.py`` checks that.
"""

from __future__ import annotations

from functools import lru_cache

from nlp.tokenizer import segment_words

_BOS, _EOS = "BOS", "EOS"
_PLACEHOLDER = "X"  # underthesea tags its input words "X" before featurising (the T[..][1] column)


@lru_cache(maxsize=1)
def _tagger():
    from underthesea.pipeline.pos_tag.model_crf import CRFPOSTagPredictor

    return CRFPOSTagPredictor.Instance().model


def _istitle(word: str) -> str:
    """underthesea's ``text_istitle``: every space-separated part starts with a capital."""
    try:
        return str(all(part[0].istitle() for part in word.split(" ")) if word else False)
    except IndexError:
        return "False"


def features(words: list[str]) -> list[list[str]]:
    """The feature strings underthesea's POS template gives each word, in its order."""
    n = len(words)

    def one(name: str, i: int, value) -> str:  # noqa: ANN001 - a function of the word
        if i < 0:
            return f"{name}={_BOS}"
        if i >= n:
            return f"{name}={_EOS}"
        return f"{name}={value(words[i])}"

    def pair(name: str, i: int, j: int, joined) -> str:  # noqa: ANN001
        if i < 0:
            return f"{name}={_BOS}"
        if j >= n:
            return f"{name}={_EOS}"
        return f"{name}={joined}"

    out = []
    for i in range(n):
        lower = [one(f"T[{k}].lower", i + k, str.lower) for k in (-2, -1, 0, 1, 2)]
        title = [one(f"T[{k}].istitle", i + k, _istitle) for k in (0, -1, 1)]
        plain = [one(f"T[{k}]", i + k, str) for k in (-2, -1, 0, 1, 2)]
        pairs = [pair(f"T[{a},{b}]", i + a, i + b, " ".join(words[max(i + a, 0):i + b + 1]))
                 for a, b in ((-2, -1), (-1, 0), (0, 1), (1, 2))]
        tags = [one(f"T[{k}][1]", i + k, lambda _w: _PLACEHOLDER) for k in (-3, -2, -1)]
        tag_pairs = [pair(f"T[{a},{b}][1]", i + a, i + b, " ".join([_PLACEHOLDER] * (b - a + 1)))
                     for a, b in ((-3, -2), (-2, -1))]
        out.append(lower + title + plain + pairs + tags + tag_pairs)
    return out


def pos_tags(text: str) -> list[tuple[str, str]]:
    """(word, tag) for each word of ``text`` (one sentence or clause), as ``underthesea.pos_tag`` tags it."""
    words = [text[s:e] for s, e in segment_words(text)]
    if not words:
        return []
    return list(zip(words, _tagger().tag(features(words)), strict=True))
