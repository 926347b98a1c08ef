"""Build the chidao ``Language`` from ``nlp/config.cfg``."""

from __future__ import annotations

import importlib.util
from importlib import resources
from pathlib import Path

import spacy
from spacy.language import Language
from thinc.api import Config

import nlp.components.bodies
import nlp.components.directives
import nlp.components.figures
import nlp.components.layout
import nlp.components.references
import nlp.components.topics
import nlp.tokenizer  # noqa: F401  (registers the tokenizer and the factories above)

# Trained weights shipped in the package (the model half of "rule plus model").
MODEL_DIR = Path(__file__).parent / "models" / "directive_model"


def load_config() -> Config:
    return Config().from_str(resources.files("nlp").joinpath("config.cfg").read_text(encoding="utf-8"))


def model_available(path: Path = MODEL_DIR) -> bool:
    return path.is_dir() and importlib.util.find_spec("nlp.components.directive_model") is not None


def build(segment: str | None = None, *, model: bool = True, model_path: Path | None = None) -> Language:
    """The extraction pipeline.

    ``segment`` overrides the tokenizer's word segmentation mode. With ``model``
    (the default) and trained weights present, a trained directive model votes
    with the rules: the rules keep the clauses they turn down as candidates and
    the model may take them back or drop weak ones.
    """
    config = load_config()
    if segment is not None:
        config["nlp"]["tokenizer"]["segment"] = segment
    nlp = spacy.blank("vi", config=config)
    path = model_path or MODEL_DIR
    if model and model_available(path):
        from nlp.components import directive_model  # noqa: F401  (registers the factory)

        nlp.get_pipe("chidao_directives").keep_candidates = True
        nlp.add_pipe("chidao_directive_model", after="chidao_directives", config={"path": str(path)})
    return nlp
