"""The extractor on the dev set, scored by ../shared/eval/score.py exactly as CI and the team score it.

The floors live in tests/dev_floors.json. score.py runs the CLI in batch mode as a
separate process, so this also checks that the command line works end to end.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

FLOORS_FILE = Path(__file__).with_name("dev_floors.json")
SHOWN_MISSES = 40


def load_floors() -> tuple[dict[str, float], dict[str, float]]:
    floors = json.loads(FLOORS_FILE.read_text(encoding="utf-8"))
    return floors.get("min", {}), floors.get("max", {})


def test_floors_file_is_well_formed() -> None:
    minimum, maximum = load_floors()
    assert minimum and maximum
    assert not set(minimum) & set(maximum)
    assert all(isinstance(v, int | float) for v in [*minimum.values(), *maximum.values()])


def test_dev_set_score_meets_the_floors(shared_dir: Path, cli_env: dict[str, str], cli_argv: list[str]) -> None:
    cmd = shlex.join([*cli_argv, "extract"])
    proc = subprocess.run(
        [sys.executable, str(shared_dir / "eval" / "score.py"), str(shared_dir / "eval" / "dev"), "--cmd", cmd],
        env=cli_env, capture_output=True, encoding="utf-8", timeout=3600, stdin=subprocess.DEVNULL,
    )
    lines = proc.stdout.strip().splitlines()
    assert proc.returncode == 0 and lines, f"score.py failed ({proc.returncode}):\n{proc.stderr[-3000:]}"
    try:
        metrics = json.loads(lines[-1])
    except json.JSONDecodeError:
        raise AssertionError(f"score.py's last line is not the metrics JSON: {lines[-1]!r}") from None

    minimum, maximum = load_floors()
    below = [f"{k} {metrics.get(k)} < {v}" for k, v in minimum.items()
             if not (isinstance(metrics.get(k), int | float) and metrics[k] >= v)]
    above = [f"{k} {metrics.get(k)} > {v}" for k, v in maximum.items()
             if not (isinstance(metrics.get(k), int | float) and metrics[k] <= v)]
    misses = lines[:-1]
    assert not below + above, (
        "dev-set score below its floors: " + "; ".join(below + above)
        + f"\nmetrics: {lines[-1]}"
        + f"\nfirst misses ({len(misses)} lines in all):\n" + "\n".join(misses[:SHOWN_MISSES])
        + (f"\nextractor stderr (tail):\n{proc.stderr[-1500:]}" if proc.stderr.strip() else "")
    )
