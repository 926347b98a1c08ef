"""Word lists from ``nlp/data/directives.yml`` compiled into regexes, once.

Every regex runs on ``nlp.text.match_form`` text: lower case, modern tone
placement, any whitespace (PDF line breaks included) between words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from nlp.data import load_yaml
from nlp.text import LOWER_CLASS, UPPER_CLASS


def phrase_alternation(phrases: list[str]) -> str:
    """One alternation, longest phrase first, spaces matching any whitespace run."""
    parts = []
    for p in sorted(set(phrases), key=len, reverse=True):
        words = p.split()
        parts.append(r"\s+".join(re.escape(w) for w in words))
    return "(?:" + "|".join(parts) + ")"


def word_re(phrases: list[str]) -> re.Pattern[str]:
    """Whole-word match of any phrase."""
    return re.compile(r"(?<![\w])" + phrase_alternation(phrases) + r"(?![\w])")


def _rx(pattern: str) -> re.Pattern[str]:
    """A regex from the data files; a space between words matches any whitespace (PDF line breaks)."""
    return re.compile(re.sub(r"(?<=[^\s\\|(])\s(?=[^\s|?*+])", r"\\s+", pattern))


class Lexicon:
    """The compiled vocabulary of the directive rules."""

    def __init__(self, data: dict) -> None:
        self.data = data
        w = {k: word_re(v) for k, v in data.items() if isinstance(v, list) and k != "connectors"}
        self.issuer_title = w["issuer_titles"]
        self.directive_verb = w["directive_frame_verbs"]
        self.reporting_verb = w["reporting_frame_verbs"]
        self.body_frame_verb = word_re(data["body_frame_verbs"])
        self.issuer_document = re.compile(r"(?<![\w])" + phrase_alternation(data["issuer_documents"]) + r"$")
        self.opener = re.compile(r"\s*" + phrase_alternation(data["span_openers"]) + r"\s*,\s*")
        self.modal = w["modals"]
        self.action = word_re(data["imperatives"] + data["modals"])
        self.imperative_start = re.compile(r"\s*(?:(?:tuyệt đối\s+)?không\s+)?" + phrase_alternation(data["imperatives"])
                                           + r"(?![\w])")
        self.past = w["past_markers"]
        self.past_exempt = re.compile(phrase_alternation(data["past_exempt_after"]) + r"(?![\w])")
        self.past_opener = re.compile(r"\s*" + phrase_alternation(data["past_openers"]) + r"(?![\w])")
        # a quote opened by a person's name with no title: "Ông Trần Hưng: Đề nghị …"
        self.speaker_quote = re.compile(r"\s*(?:(?:ông|bà|anh|chị)\s+)?(?:" + UPPER_CLASS + LOWER_CLASS + r"*[ \t]+){1,3}"
                                        + UPPER_CLASS + LOWER_CLASS + r"*\s*:", re.I)
        self.evaluation = w["evaluation_markers"]
        self.problem = w["problem_markers"]
        self.evaluation_start = re.compile(r"\s*(?:[,:]\s*)?" + phrase_alternation(data["evaluation_markers"]) + r"(?![\w])")
        self.accountability_past = _rx(data["accountability_past"])
        self.event = _rx(r"(?<![\w])(?:" + "|".join(data["event_patterns"]) + r")")
        self.boilerplate = re.compile(r"\s*" + phrase_alternation(data["boilerplate_openers"]) + r"(?![\w])")
        self.closing = _rx(data["closing_formula"])
        self.closing_pattern = _rx("|".join(data["closing_patterns"]))
        self.topic_label = _rx(data["topic_label"])
        self.citing_opener = _rx(data["citing_opener"])
        self.task_label = _rx(data["task_label"])
        self.generic_unit = re.compile(r"\s*" + phrase_alternation(data["generic_units"])
                                       + r"\s+(?:tại|ở|của|thuộc)\s+")
        self.adverbial = re.compile(r"\s*" + phrase_alternation(data["adverbial_openers"]) + r"(?![\w])[^,;:\n]{0,60},\s*")
        self.objective_label = _rx(data["objective_label"])
        self.statistic = _rx(data["statistic"])
        self.copula_opener = re.compile(r"\s*" + phrase_alternation(data["copula_openers"]) + r"(?![\w])")
        self.objective_phrase = _rx(data["objective_phrase"])
        self.request = _rx(data["request_verbs"])
        self.objective_heading = re.compile(
            r"\s*(?:[ivxlc]+\.|\d+\.)?\s*" + phrase_alternation(data["objective_headings"]) + r"(?![\w])[^:.;]{0,60}[:.]?\s*$")
        self.task_heading = re.compile(
            r"\s*(?:[ivxlc]+\.|\d+\.)?\s*" + phrase_alternation(data["task_headings"]) + r"(?![\w])")
        self.chrome_leadin = re.compile(r"\s*" + phrase_alternation(data["chrome_leadins"]) + r"\s*:?\s*$")
        self.recipients = _rx(data["recipients_leadin"])
        self.comments_heading = re.compile(r"\s*(?:\d+\s+)?" + phrase_alternation(data["comments_headings"]) + r"\s*:?\s*$")
        self.not_frame_before = re.compile(r"(?<!\w)" + phrase_alternation(data["not_frame_before"]) + r"\s+$")
        self.subject_skip = re.compile(r"\s*" + phrase_alternation(data["subject_skip"]) + r"(?![\w])\s*,?")
        words = [c for c in data["connectors"] if c[0].isalpha()]
        symbols = "".join(re.escape(c) for c in data["connectors"] if not c[0].isalpha())
        self.connector = re.compile(r"(?:\s+|[" + symbols + r"]|" + phrase_alternation(words) + r"(?![\w]))")


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    return Lexicon(load_yaml("directives.yml"))
