"""termguard: C-level writes to fd 2 go to the log; Python's stderr still reaches the terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROGRAM = r"""
import os, sys
from pathlib import Path
from simulator.termguard import stderr_to_log

log = Path(sys.argv[1])
print("before", file=sys.stderr, flush=True)
with stderr_to_log(log) as path:
    assert path == log
    os.write(2, b"ALSA lib pcm.c:2666:(snd_pcm_open_noupdate) Unknown PCM cards.pcm.rear\n")
    print("python stderr", file=sys.stderr)
    sys.__stderr__.write("drawn on __stderr__\n")
    sys.__stderr__.flush()
    assert sys.__stderr__ is sys.stderr
    assert sys.stderr.fileno() != 2
os.write(2, b"fd 2 restored\n")
print("after", file=sys.stderr, flush=True)
"""


def run_guarded(tmp_path: Path, env: dict[str, str] | None = None) -> tuple[str, Path]:
    log = tmp_path / "logs" / "stderr.log"
    terminal = tmp_path / "terminal.txt"
    with terminal.open("wb") as stderr:
        done = subprocess.run(
            [sys.executable, "-c", PROGRAM, str(log)],
            stdout=subprocess.PIPE,
            stderr=stderr,
            timeout=60,
            env=env,
        )
    text = terminal.read_text()
    assert done.returncode == 0, text
    return text, log


def test_fd2_goes_to_the_log_while_sys_stderr_reaches_the_terminal(tmp_path: Path) -> None:
    terminal, log = run_guarded(tmp_path)
    assert terminal.splitlines() == [
        "before",
        "python stderr",
        "drawn on __stderr__",
        "fd 2 restored",
        "after",
    ]
    logged = log.read_text()
    assert "Unknown PCM cards.pcm.rear" in logged
    assert "python stderr" not in logged and "after" not in logged
    assert logged.startswith("--- coach-sim pid ")


def test_log_is_appended_and_restarted_when_too_big(tmp_path: Path) -> None:
    _, log = run_guarded(tmp_path)
    run_guarded(tmp_path)
    assert log.read_text().count("Unknown PCM") == 2
    log.write_bytes(b"x" * 1_100_000)
    run_guarded(tmp_path)
    assert log.stat().st_size < 1000


def test_default_log_lives_under_coach_sim_home(tmp_path: Path) -> None:
    env = {**os.environ, "COACH_SIM_HOME": str(tmp_path / "home")}
    code = "from simulator.termguard import default_log_path; print(default_log_path())"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert Path(out.stdout.strip()) == tmp_path / "home" / "logs" / "stderr.log"
