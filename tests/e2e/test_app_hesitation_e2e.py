"""A hesitation inside the question, in the second round of a session, on the real path (paplay
→ PulseAudio null sink → its monitor → PortAudio → sounddevice → the real ``coach-sim practice``
in tmux).

Round 1: the teacher's whole question, 3 s, the name. Round 2: the same question with a 0.6 s
hesitation before its last words, then 3 s and the name. On their own, the last words read as a
name after too short a pause; the round knows from round 1 how long the question is, waits for
the name and saves the thinking pause, not the hesitation. Round 3: the hesitation after the
question's first word, which with the rest reads as a name said first until the thinking pause
and the name follow; the round waits for them instead of ending in the thinking pause.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import numpy as np
import pytest

from simulator.audio.wav import write_wav_pcm16
from tests.e2e.conftest import PulseServer
from tests.e2e.tmux_app import TmuxApp, saved_pauses
from tests.speech import RATE, clip, hesitation, make_round, silence

pytestmark = [pytest.mark.e2e, pytest.mark.espeak]

TOLERANCE_S = 0.15


def test_a_hesitation_in_round_two_is_not_taken_for_the_thinking_pause(
    pulse_server: PulseServer, tmp_path: Path, espeak: str
) -> None:
    said = hesitation()
    name, halting = said.name, said.halting
    whole = make_round(said.whole, name, 3.0, lead_s=0.3)
    which, others = clip("Which", "en"), clip("two examples of market forces have I given?", "en")
    first_word_apart = np.concatenate(
        [silence(0.3), which, silence(0.6), others, silence(3.0), name, silence(2.0)]
    )
    write_wav_pcm16(tmp_path / "round1.wav", whole.samples, RATE)
    write_wav_pcm16(tmp_path / "round2.wav", halting, RATE)
    write_wav_pcm16(tmp_path / "round3.wav", first_word_apart, RATE)

    home = tmp_path / "home"
    app = TmuxApp(tmp_path / "tmux.sock", pulse_server.env)
    app.start_english_practice({**pulse_server.env_vars, "COACH_SIM_HOME": str(home)})
    try:
        app.wait_for("Press Space or Enter to start", timeout_s=30)
        for number in (1, 2, 3):
            wav = tmp_path / f"round{number}.wav"
            app.play_round(number, partial(pulse_server.play, wav, wait=False))
            pulse_server.players[-1].wait(timeout=15)  # its tail is over before the next round
            app.keys("Space")
    finally:
        app.stop()
        pulse_server.stop_players()

    saved = saved_pauses(pulse_server.env, home)
    print(f"\nsaved pauses: {saved}")
    assert saved[1] == pytest.approx(3.0, abs=TOLERANCE_S)
    assert saved[2] == pytest.approx(3.0, abs=TOLERANCE_S)
    assert saved[3] == pytest.approx(3.0, abs=TOLERANCE_S)
