"""Rule data: YAML files shipped with the package, loaded once."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load_yaml(name: str) -> Any:
    """Load ``nlp/data/NAME`` (cached: rule data is read once per process)."""
    with resources.files(__package__).joinpath(name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)
