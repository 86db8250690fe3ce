"""The question said in the microphone check, on the real path (paplay → PulseAudio null sink →
its monitor → PortAudio → sounddevice → the real ``coach-sim`` in tmux, from its home screen).

The teacher opens the flagship scenario, and in the microphone check says the question they will
practise; the check says how long it took. In round 1 they hesitate 0.6 s before the question's
last words, which on their own read as a name after too short a pause: without the check the
session's first round ends in the thinking pause that follows them (measured 0.6 s; see
``tests/unit/test_live.py``). With it the round waits, hears the name and saves the thinking
pause.

A teacher with their own short question ("Why?") says it in the check; in round 1 a short wait
and a long name ("Maximilian?") end the round just after the name (without the check the name
may be the rest of the question, and the round waits on for 5 s).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from simulator.audio.wav import write_wav_pcm16
from tests.e2e.conftest import PulseServer
from tests.e2e.tmux_app import TmuxApp, coach_sim_command, saved_pauses
from tests.speech import RATE, clip, hesitation, make_round, silence

pytestmark = [pytest.mark.e2e, pytest.mark.espeak]

TOLERANCE_S = 0.15


def check_then_round_one(
    pulse_server: PulseServer, tmp_path: Path, check: np.ndarray, round1: np.ndarray
) -> tuple[float, float, list[float]]:
    """From the home screen: the flagship's briefing, the microphone check with ``check`` played
    into it, round 1 with ``round1``. Returns the question's length the check showed, how long
    after the teacher began round 1 its feedback was on screen, and the saved pauses."""
    write_wav_pcm16(tmp_path / "check.wav", check, RATE)
    write_wav_pcm16(tmp_path / "round1.wav", round1, RATE)
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
        app.keys("Enter")
        spoke_at, feedback_at = app.play_round(
            1, lambda: pulse_server.play(tmp_path / "round1.wav", wait=False)
        )
        pulse_server.players[-1].wait(timeout=15)
    finally:
        app.stop()
        pulse_server.stop_players()
    return float(timed.group(1)), feedback_at - spoke_at, saved_pauses(pulse_server.env, home)


def test_the_question_said_in_the_check_keeps_round_one_from_ending_in_a_hesitation(
    pulse_server: PulseServer, tmp_path: Path, espeak: str
) -> None:
    said = hesitation()
    check = np.concatenate([silence(0.3), said.whole, silence(1.5)])
    timed, _, saved = check_then_round_one(pulse_server, tmp_path, check, said.halting)
    print(f"\nquestion in the check: {timed} s; saved pauses: {saved}")
    assert timed == pytest.approx(said.whole.size / RATE, abs=0.25)
    assert saved[1] == pytest.approx(3.0, abs=TOLERANCE_S)


def test_an_own_short_question_said_in_the_check_ends_round_one_just_after_a_long_name(
    pulse_server: PulseServer, tmp_path: Path, espeak: str
) -> None:
    question, name = clip("Why?", "en"), clip("Maximilian?", "en")
    check = np.concatenate([silence(0.3), question, silence(1.5)])
    r = make_round(question, name, 0.6, lead_s=0.3, tail_s=7.0)
    name_end_s = (r.name_start + name.size) / RATE
    timed, feedback_s, saved = check_then_round_one(pulse_server, tmp_path, check, r.samples)
    print(
        f"\nquestion in the check: {timed} s;"
        f" feedback {feedback_s - name_end_s:.2f} s after the name"
    )
    assert timed == pytest.approx(question.size / RATE, abs=0.15)
    assert feedback_s < name_end_s + 1.6
    assert saved[1] == pytest.approx(0.6, abs=TOLERANCE_S)
