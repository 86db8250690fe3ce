"""scripts/run-app and scripts/run-tests: set-up only when the project changed, straight to the
app (or the tests) otherwise."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="the scripts need bash")


def checkout(tmp_path: Path) -> Path:
    """A copy of the start scripts and pyproject.toml with a stand-in installed app."""
    (tmp_path / "scripts").mkdir()
    for name in ("setup", "run-app", "run-tests"):
        shutil.copy2(ROOT / "scripts" / name, tmp_path / "scripts" / name)
    shutil.copy2(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    app = tmp_path / ".venv" / "bin" / "coach-sim"
    app.parent.mkdir(parents=True)
    app.write_text('#!/bin/sh\necho "app started: $*"\n')
    app.chmod(0o755)
    return tmp_path


def project_stamp(where: Path) -> str:
    """What a finished set-up of ``where`` writes into its stamp."""
    return subprocess.run(
        ["bash", "-c", "cat pyproject.toml scripts/setup | cksum | cut -d' ' -f1"],
        cwd=where,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def run(where: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # No python3 and no pip on PATH: a start that tried to set up would fail loudly.
    env = {**os.environ, "PATH": "/usr/bin:/bin", "PYTHON": "/nonexistent/python3"}
    return subprocess.run(
        [str(where / "scripts" / args[0]), *args[1:]],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        check=False,
    )


def test_setup_is_current_only_after_it_finished_for_this_project(tmp_path: Path) -> None:
    where = checkout(tmp_path)
    assert run(where, "setup", "--current", "app").returncode == 1  # never set up
    stamp = project_stamp(where)
    (where / ".venv" / ".setup-app").write_text(stamp)
    assert run(where, "setup", "--current", "app").returncode == 0
    assert run(where, "setup", "--current", "test").returncode == 1  # app set-up lacks tests
    with (where / "pyproject.toml").open("a") as f:
        f.write("\n# changed\n")
    assert run(where, "setup", "--current", "app").returncode == 1


def test_a_current_start_goes_straight_to_the_app(tmp_path: Path) -> None:
    where = checkout(tmp_path)
    stamp = project_stamp(where)
    (where / ".venv" / ".setup-test").write_text(stamp)  # a test set-up serves the app too
    result = run(where, "run-app", "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "app started: --version\n"
    assert result.stderr == ""


def test_a_changed_project_is_set_up_again_and_a_failed_set_up_opens_app(tmp_path: Path) -> None:
    where = checkout(tmp_path)
    (where / ".venv" / ".setup-app").write_text("stale\n")
    result = run(where, "run-app", "--version")
    # The set-up starts (and here fails: no Python), says so, and the installed app still opens.
    assert "coach-sim setup:" in result.stdout + result.stderr
    assert "starting the version installed before" in result.stderr
    assert result.stdout.endswith("app started: --version\n")


def test_the_tests_run_on_two_workers_unless_told_otherwise(tmp_path: Path) -> None:
    where = checkout(tmp_path)
    python = where / ".venv" / "bin" / "python"
    python.write_text('#!/bin/sh\necho "python $*"\n')
    python.chmod(0o755)
    stamp = project_stamp(where)
    (where / ".venv" / ".setup-test").write_text(stamp)

    def pytest_args(*args: str) -> str:
        result = run(where, "run-tests", *args)
        assert result.returncode == 0, result.stderr
        return result.stdout

    workers = "-n 2 --dist loadgroup"
    assert pytest_args() == f"python -m pytest {workers}\n"
    assert pytest_args("-x", "tests/unit") == f"python -m pytest {workers} -x tests/unit\n"
    # One process, e.g. for a debugger: the plugin off, or no workers.
    assert pytest_args("-p", "no:xdist", "-x") == "python -m pytest -p no:xdist -x\n"
    assert pytest_args("-pno:xdist") == "python -m pytest -pno:xdist\n"
    assert pytest_args("-n", "0") == f"python -m pytest {workers} -n 0\n"
    assert pytest_args("-k", "no:xdist") == f"python -m pytest {workers} -k no:xdist\n"
