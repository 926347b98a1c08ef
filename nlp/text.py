"""Text normalisation that never moves an offset.

Every function that rewrites text for matching is length-preserving (one code
point in, one code point out), so a match found on the rewritten copy points
straight into the NFC original. ``body_key`` is the exception: it is the
comparison key of EXTRACTION.md section 3 and is only used on names.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

TONE_FOLD = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
# Upper-case pairs too, so the fold works before lower-casing.
TONE_FOLD.update({k.upper(): v.upper() for k, v in list(TONE_FOLD.items())})
TONE_FOLD.update({k[0].upper() + k[1]: v[0].upper() + v[1] for k, v in list(TONE_FOLD.items()) if k.islower()})
# Any vowel pair of TONE_FOLD's shape (a character class is far faster than 45 alternatives); pairs that are not
# in it, such as "uà", are left as they are.
_FOLD_RE = re.compile(r"(?<![qQ])[oOuU][" + "".join(sorted({k[1] for k in TONE_FOLD})) + r"](?!\w)")

_CHAR_MAP = {
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ", "\u3000": " ", "\t": " ",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'",
    "\u200b": " ", "\ufeff": " ",
}
_TRANS = str.maketrans(_CHAR_MAP)
_SPECIAL_RE = re.compile("[" + "".join(_CHAR_MAP) + "]")


# Latin letters by case, Vietnamese included: "[A-ZÀ-Ỹ]" ranges mix cases in the
# U+1EA0 block, so the classes are listed from the Unicode data.
UPPER = "".join(c for c in map(chr, range(0x41, 0x1EFA)) if c.isalpha() and c.isupper() and len(c.lower()) == 1)
LOWER = "".join(c for c in map(chr, range(0x61, 0x1EFA)) if c.isalpha() and c.islower() and len(c.upper()) == 1)
UPPER_CLASS = "[" + UPPER + "]"
LOWER_CLASS = "[" + LOWER + "]"


def is_all_caps(s: str, min_letters: int = 4) -> bool:
    if s.upper() != s:  # a lower-case letter: most text, answered without a loop in Python
        return False
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= min_letters and all(c.isupper() for c in letters)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold_tones(text: str) -> str:
    """Old tone placement to modern (hoà → hòa, uỷ → ủy); length-preserving."""
    return _FOLD_RE.sub(lambda m: TONE_FOLD.get(m.group(), m.group()), text)


def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def match_form(text: str) -> str:
    """The copy rules match on: lower case, modern tones, plain spaces, dashes and quotes.

    Same length as ``text``: offsets found here are offsets in the original.
    """
    if len(text) >= _LONG:
        return _match_form_long(text)
    return _match_form(text)


_LONG = 2048


@lru_cache(maxsize=3)
def _match_form_long(text: str) -> str:
    """A document's whole text: several components ask for its match form in turn. Three entries hold the text,
    its masked copy and one slice; more would keep old documents (up to the 20 MB input limit each) alive."""
    return _match_form(text)


def _match_form(text: str) -> str:
    low = _lower_same_length(text)
    for c in set(_SPECIAL_RE.findall(low)):  # str.replace per character present: faster than str.translate
        low = low.replace(c, _CHAR_MAP[c])
    return fold_tones(low)


def _strip_char(c: str) -> str:
    if c in "đĐ":
        return "d" if c == "đ" else "D"
    base = unicodedata.normalize("NFD", c)[0]
    return base if base.isascii() or not c.isascii() and len(base) == 1 else c


def strip_marks(text: str) -> str:
    """Remove Vietnamese diacritics (đ → d); length-preserving. For search without diacritics."""
    return "".join(_strip_char(c) if not c.isascii() else c for c in text)


def body_key(name: str | None) -> str:
    """The comparison key of names (EXTRACTION.md section 3 and the scorer)."""
    s = fold_tones(nfc(name or "").lower())
    s = s.replace(",", " ")
    s = re.sub(r"\s*-\s*", " - ", s)
    s = re.sub(r"\s*&\s*", " & ", s)
    return re.sub(r"\s+", " ", s).strip(" .;,")


# --- PDF page furniture -------------------------------------------------------------------------------------------
# Gazette page headers, page numbers and signature stamps that a PDF extraction
# leaves in the middle of clauses (EXTRACTION.md section 9.2). They are blanked
# out (replaced by spaces, newlines kept) so offsets stay valid and no
# extractor sees them.
_NOISE_LINE_RES = [
    re.compile(r"^[ \t]*CÔNG BÁO\s*/\s*Số\s*\d+\s*/\s*Ngày\s*[\d\-./]+[ \t]*$", re.M),
    re.compile(r"^[ \t]*(?:Ký bởi|Cơ quan|Ngày ký|Thời gian ký|Email|Người ký)\s*:[^\n]*$", re.M),
]
_PAGE_NUMBER_RE = re.compile(r"^[ \t]*\d{1,4}[ \t]*$", re.M)


def noise_spans(text: str) -> list[tuple[int, int]]:
    """Spans of page furniture: gazette headers, signature stamps, bare page numbers next to them."""
    spans: list[tuple[int, int]] = []
    for rx in _NOISE_LINE_RES:
        spans.extend(m.span() for m in rx.finditer(text))
    if spans:
        # A bare number on the line right after a gazette header is its page number.
        ends = {e for _, e in spans}
        for m in _PAGE_NUMBER_RE.finditer(text):
            before = text[: m.start()].rstrip(" \t")
            if before.endswith("\n") and (len(before) - 1) in ends:
                spans.append(m.span())
    spans.sort()
    return spans


def mask_noise(text: str) -> str:
    """Blank out page furniture, keeping length and newlines."""
    spans = noise_spans(text)
    if not spans:
        return text
    chars = list(text)
    for s, e in spans:
        for i in range(s, e):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)
