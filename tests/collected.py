"""What a fresh pytest, in one process, collects: for tests about the test suite itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def collected_node_ids(paths: list[Path], *options: str) -> set[str]:
    """The node ids of the tests in ``paths`` (``options`` go to pytest, e.g. ``-m``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    done = subprocess.run(
        [
            sys.executable, "-m", "pytest", "--collect-only", "-q",
            "-p", "no:xdist", "-p", "no:cacheprovider", *options, *map(str, paths),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    # 5: nothing collected (every test left out by ``options``)
    assert done.returncode in (0, 5), done.stdout + done.stderr
    return {line for line in done.stdout.splitlines() if "::" in line}
