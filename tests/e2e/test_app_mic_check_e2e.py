"""The question said in the microphone check, on the real path (paplay → PulseAudio null sink →
its monitor → PortAudio → sounddevice → the real ``coach-sim`` in tmux, from its home screen).

The teacher opens the flagship scenario, and in the microphone check says the question they will
practise; the check says how long it took. In round 1 they hesitate 0.6 s before the question's
last words, which on their own read as a name after too short a pause: without the check the
session's first round ends in the thinking pause that follows them (measured 0.6 s; see
``tests/unit/test_live.py``). With it the round waits, hears the name and saves the thinking
pause.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from simulator.audio.wav import write_wav_pcm16
from tests.e2e.conftest import PulseServer
from tests.e2e.tmux_app import TmuxApp, coach_sim_command, saved_pauses
from tests.speech import RATE, hesitation, silence

pytestmark = [pytest.mark.e2e, pytest.mark.espeak]

TOLERANCE_S = 0.15


def test_the_question_said_in_the_check_keeps_round_one_from_ending_in_a_hesitation(
    pulse_server: PulseServer, tmp_path: Path, espeak: str
) -> None:
    said = hesitation()
    check = np.concatenate([silence(0.3), said.whole, silence(1.5)])
    write_wav_pcm16(tmp_path / "check.wav", check, RATE)
    write_wav_pcm16(tmp_path / "round1.wav", said.halting, RATE)

    home = tmp_path / "home"
    app = TmuxApp(tmp_path / "tmux.sock", pulse_server.env)
    env_vars = {**pulse_server.env_vars, "COACH_SIM_HOME": str(home)}
    app.start([*coach_sim_command(), "--lang", "en"], env_vars)
    try:
        app.wait_for("Recent practice", timeout_s=30)
        app.keys("Enter")  # the first scenario: the flagship
        app.wait_for("Why it works", timeout_s=15)  # the briefing
        app.keys("Enter")
        app.wait_for("Say the question you are going to practise", timeout_s=15)
        pulse_server.play(tmp_path / "check.wav", wait=False)
        app.wait_for("Your question took", timeout_s=20)
        timed = re.search(r"Your question took (\d+\.\d) s", app.screen().replace("\xa0", " "))
        assert timed is not None
        assert float(timed.group(1)) == pytest.approx(said.whole.size / RATE, abs=0.25)
        app.keys("Enter")
        app.play_round(1, lambda: pulse_server.play(tmp_path / "round1.wav", wait=False))
        pulse_server.players[-1].wait(timeout=15)
    finally:
        app.stop()
        pulse_server.stop_players()

    saved = saved_pauses(pulse_server.env, home)
    print(f"\nquestion in the check: {timed.group(1)} s; saved pauses: {saved}")
    assert saved[1] == pytest.approx(3.0, abs=TOLERANCE_S)
