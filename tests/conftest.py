"""Suite-wide settings and fixtures.

``HF_HUB_OFFLINE`` keeps any model library from reaching the network: tests run
on what is installed. The dev set lives in ``../shared`` beside the clone; it
is optional on a developer's machine but required in CI.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from servicekit import unavailable

os.environ.setdefault("HF_HUB_OFFLINE", "1")

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` (spec, dev set, scorer): skipped where absent, but a failure in CI, where it must be."""
    if not (SHARED_DIR / "eval" / "score.py").is_file():
        unavailable(f"../shared not found ({SHARED_DIR}): the dev set is only in CI and the team's checkouts",
                    "CI must check it out beside the repository")
    return SHARED_DIR


@pytest.fixture(scope="session")
def cli_env() -> dict[str, str]:
    """Environment for running the CLI as a subprocess: the checkout importable even when not installed."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


@pytest.fixture(scope="session")
def cli_argv() -> list[str]:
    """The argv prefix that runs ``chidao`` with this interpreter."""
    return [sys.executable, "-m", "pipeline.cli"]
