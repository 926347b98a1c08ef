"""Build the chidao ``Language`` from ``nlp/config.cfg``."""

from __future__ import annotations

from importlib import resources

import spacy
from spacy.language import Language
from thinc.api import Config

import nlp.components.bodies
import nlp.components.directives
import nlp.components.figures
import nlp.components.layout
import nlp.components.references
import nlp.tokenizer  # noqa: F401  (registers the tokenizer and the factories above)


def load_config() -> Config:
    return Config().from_str(resources.files("nlp").joinpath("config.cfg").read_text(encoding="utf-8"))


def build(segment: str | None = None) -> Language:
    """The extraction pipeline; ``segment`` overrides the tokenizer's word segmentation mode."""
    config = load_config()
    if segment is not None:
        config["nlp"]["tokenizer"]["segment"] = segment
    return spacy.blank("vi", config=config)
