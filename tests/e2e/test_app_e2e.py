"""The whole product on the real path: the real ``coach-sim practice`` in tmux, the real
microphone path (paplay → PulseAudio null sink → its monitor → PortAudio → sounddevice), driven
by the Space key, three espeak-ng rounds with known pauses; the saved pauses must match."""

from __future__ import annotations

import os
import signal
import time
from functools import partial
from pathlib import Path

import pytest

from tests.e2e.conftest import PulseServer
from tests.e2e.tmux_app import TmuxApp, name_end_s, round_wav, saved_sessions

pytestmark = [pytest.mark.e2e, pytest.mark.espeak]

PAUSES_S = (1.5, 3.0, 4.5)
TOLERANCE_S = 0.15


def test_three_rounds_in_the_real_app_are_measured_and_saved(
    pulse_server: PulseServer, tmp_path: Path, espeak: str
) -> None:
    home = tmp_path / "home"
    env_vars = {**pulse_server.env_vars, "COACH_SIM_HOME": str(home)}
    rounds = [round_wav(tmp_path / f"round{i}.wav", i, p) for i, p in enumerate(PAUSES_S, 1)]
    app = TmuxApp(tmp_path / "tmux.sock", pulse_server.env)
    launched = time.monotonic()
    app.start_english_practice(env_vars)
    latencies: list[float] = []
    try:
        ready = app.wait_for("Press Space or Enter to start", timeout_s=30)
        print(f"\nstart-up to the first round on screen: {ready - launched:.2f} s")
        for number, r in enumerate(rounds, 1):
            wav = tmp_path / f"round{number}.wav"
            played_at, seen = app.play_round(number, partial(pulse_server.play, wav, wait=False))
            latency = seen - (played_at + name_end_s(r))
            latencies.append(latency)
            print(f"round {number}: feedback on screen {latency:.2f} s after the end of the name")
            app.keys("Space")
        app.wait_for("Summary:")
        app.keys("q")
        app.wait_for(lambda text: "Summary:" not in text, timeout_s=10)
    finally:
        app.stop()
    print(f"latency end of name → feedback: max {max(latencies):.2f} s")

    sessions = saved_sessions(pulse_server.env, home)
    assert len(sessions) == 1
    session = sessions[0]
    assert session["scenario"] == "check-question" and session["language"] == "en"
    saved = [(r["round"], r["pause_s"]) for r in session["rounds"]]
    assert [n for n, _ in saved] == [1, 2, 3]
    for (_, pause_s), truth in zip(saved, (r.pause_s for r in rounds), strict=True):
        assert pause_s == pytest.approx(truth, abs=TOLERANCE_S)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child of the tmux server lingers as a zombie until tmux reaps it.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(")")[-1].split()[0] != "Z"


def test_killing_the_app_after_round_two_keeps_rounds_one_and_two(
    pulse_server: PulseServer, tmp_path: Path, espeak: str
) -> None:
    home = tmp_path / "home"
    env_vars = {**pulse_server.env_vars, "COACH_SIM_HOME": str(home)}
    pauses = (2.0, 3.2)
    for i, p in enumerate(pauses, 1):
        round_wav(tmp_path / f"round{i}.wav", i, p)
    app = TmuxApp(tmp_path / "tmux.sock", pulse_server.env)
    app.start_english_practice(env_vars)
    try:
        app.wait_for("Press Space or Enter to start", timeout_s=30)
        for number in (1, 2):
            wav = tmp_path / f"round{number}.wav"
            app.play_round(number, partial(pulse_server.play, wav, wait=False))
            if number == 1:
                app.keys("Space")
        pid = app.pid()
        os.kill(pid, signal.SIGKILL)  # no chance to clean up or save anything more
        deadline = time.monotonic() + 10
        while _alive(pid):
            assert time.monotonic() < deadline, "the app survived SIGKILL"
            time.sleep(0.05)
    finally:
        app.stop()
    sessions = saved_sessions(pulse_server.env, home)
    (session,) = sessions
    assert [r["round"] for r in session["rounds"]] == [1, 2]
    for r, truth in zip(session["rounds"], pauses, strict=True):
        assert r["pause_s"] == pytest.approx(truth, abs=TOLERANCE_S)
