"""Drive the real ``coach-sim`` in tmux as a person would: keys in, the screen's text out.

Shared by the end-to-end test and ``benchmarks/app_latency.py``. A private tmux socket keeps it
away from any tmux the user runs.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np

from simulator.audio.wav import write_wav_pcm16
from tests.speech import RATE, Round, clip, make_round

QUESTIONS_EN = (
    ("Which two examples of market forces did I just give?", "Kay"),
    (
        "What happens to the price of a product when supply falls and demand stays the same?",
        "Amira",
    ),
    (
        "What do we call the price at the point where the demand curve and the supply curve cross?",
        "Tom",
    ),
)
TAIL_S = 1.5


def coach_sim_command() -> list[str]:
    """The installed entry point next to this Python, else ``python -m simulator``."""
    script = Path(sys.executable).with_name("coach-sim")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "simulator"]


def round_wav(path: Path, round_number: int, pause_s: float) -> Round:
    """An espeak-ng round (question, ``pause_s`` of silence, name) written as a 16-bit WAV."""
    question, name = QUESTIONS_EN[(round_number - 1) % len(QUESTIONS_EN)]
    r = make_round(clip(question, "en"), clip(name, "en"), pause_s, lead_s=0.3, tail_s=TAIL_S)
    write_wav_pcm16(path, r.samples, RATE)
    return r


def name_end_s(r: Round) -> float:
    """Where the name ends in the recording: the last sample above silence."""
    loud = np.nonzero(np.abs(r.samples) > 1e-4)[0]
    return float(loud[-1] + 1) / RATE


ROUND_TEXTS = {
    "en": ("Round {number} of 3", "Listening"),
    "nl": ("Ronde {number} van 3", "Ik luister"),
}
"""Per language: a round's title (its feedback screen's title adds ": feedback") and what the
screen says while it listens."""


class TmuxApp:
    def __init__(self, socket: Path, env: Mapping[str, str], *, width: int = 120, height: int = 36):
        tmux = shutil.which("tmux")
        if tmux is None:
            raise RuntimeError("tmux is not installed")
        self.tmux = tmux
        self.socket = socket
        self.env = dict(env)
        self.width = width
        self.height = height
        self.session = "coach"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.tmux, "-S", str(self.socket), *args],
            capture_output=True,
            text=True,
            timeout=10,
            env=self.env,
        )

    def start(self, args: Sequence[str], env_vars: Mapping[str, str]) -> None:
        assignments = [f"{k}={v}" for k, v in env_vars.items()]
        command = shlex.join(["env", "TERM=xterm-256color", *assignments, *args])
        done = self._run(
            "new-session", "-d", "-s", self.session,
            "-x", str(self.width), "-y", str(self.height), command,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"tmux new-session failed: {done.stderr.strip()}")
        self._run("set-option", "-t", self.session, "remain-on-exit", "on")

    def start_english_practice(self, env_vars: Mapping[str, str]) -> None:
        """``coach-sim practice check-question --lang en``: three rounds of the flagship
        scenario, in English."""
        self.start([*coach_sim_command(), "practice", "check-question", "--lang", "en"], env_vars)

    def keys(self, *keys: str) -> None:
        self._run("send-keys", "-t", self.session, *keys)

    def pid(self) -> int:
        """The app's process (``env`` execs it, so it is the pane's own process)."""
        return int(self._run("display-message", "-p", "-t", self.session, "#{pane_pid}").stdout)

    def screen(self) -> str:
        return self._run("capture-pane", "-p", "-t", self.session).stdout

    def wait_for(
        self, found: str | Callable[[str], bool], timeout_s: float = 20.0, poll_s: float = 0.01
    ) -> float:
        """Wait until the screen shows ``found``; returns the time (monotonic) it was seen."""
        check = found if callable(found) else (lambda text: found in text)
        deadline = time.monotonic() + timeout_s
        while True:
            text = self.screen()
            now = time.monotonic()
            if check(text):
                return now
            if now > deadline:
                raise TimeoutError(f"the screen never showed {found!r}; it shows:\n{text}")
            time.sleep(poll_s)

    def play_round(
        self,
        number: int,
        speak: Callable[[], object],
        *,
        timeout_s: float = 30.0,
        lang: str = "en",
    ) -> tuple[float, float]:
        """Round ``number`` of three, in ``lang`` ("en" or "nl"): Space once it is on screen,
        ``speak()`` once it listens. Returns when the teacher began to speak and when the round's
        feedback was on screen (``time.monotonic``)."""
        title, listening = ROUND_TEXTS[lang]
        self.wait_for(title.format(number=number), timeout_s=30)
        self.keys("Space")
        self.wait_for(listening, timeout_s=15)
        spoke_at = time.monotonic()
        speak()
        feedback = title.format(number=number) + ": feedback"
        return spoke_at, self.wait_for(feedback, timeout_s=timeout_s)

    def stop(self) -> None:
        self._run("kill-server")


def saved_sessions(env: Mapping[str, str], home: Path) -> list[dict[str, object]]:
    """The practice history the real ``coach-sim history --json`` reports for ``home``."""
    done = subprocess.run(
        [*coach_sim_command(), "history", "--json"],
        env={**env, "COACH_SIM_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    sessions: list[dict[str, object]] = json.loads(done.stdout)
    return sessions


def saved_pauses(env: Mapping[str, str], home: Path) -> dict[int, float]:
    """The pause saved for each round of the one practice session in ``home``'s history."""
    (session,) = saved_sessions(env, home)
    return {r["round"]: r["pause_s"] for r in session["rounds"]}  # type: ignore[index]
