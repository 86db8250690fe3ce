"""A round that waits on for a name that may still come says so, and the end key finishes it, on
the real path (paplay → PulseAudio null sink → its monitor → PortAudio → sounddevice → the real
``coach-sim practice`` in tmux).

A short own question ("Why?"), 0.6 s, and a long name ("Maximilian?"): in a session's first round
the name may still be the rest of the question, so the round waits on for up to 5 s of silence.
Once the usual 0.8 s have passed the screen says it is still listening in case the name is still
to come; the teacher presses E and gets the feedback at once, with the pause they made.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.audio.wav import write_wav_pcm16
from tests.e2e.conftest import PulseServer
from tests.e2e.tmux_app import TmuxApp, saved_sessions
from tests.speech import RATE, clip, make_round

pytestmark = [pytest.mark.e2e, pytest.mark.espeak]


def test_a_round_waiting_on_for_the_name_says_so_and_e_ends_it(
    pulse_server: PulseServer, tmp_path: Path, espeak: str
) -> None:
    name = clip("Maximilian?", "en")
    r = make_round(clip("Why?", "en"), name, 0.6, lead_s=0.3, tail_s=8.0)
    wav = tmp_path / "round.wav"
    write_wav_pcm16(wav, r.samples, RATE)
    name_end_s = (r.name_start + name.size) / RATE

    home = tmp_path / "home"
    app = TmuxApp(tmp_path / "tmux.sock", pulse_server.env)
    app.start_english_practice({**pulse_server.env_vars, "COACH_SIM_HOME": str(home)})
    seen: list[float] = []

    def speak_then_end() -> None:
        pulse_server.play(wav, wait=False)
        seen.append(app.wait_for("Still listening, in case the name is still to come", 15))
        assert "Press E to end the round" in app.screen()
        app.keys("e")

    try:
        app.wait_for("Press Space or Enter to start", timeout_s=30)
        spoke_at, feedback_at = app.play_round(1, speak_then_end)
    finally:
        app.stop()
        pulse_server.stop_players()

    # The line came once the usual closing silence after the name was over, and E ended the
    # round long before it would have ended by itself (5 s of silence after the name).
    print(f"\nline after {seen[0] - spoke_at:.2f} s, feedback after {feedback_at - spoke_at:.2f} s")
    assert name_end_s + 0.6 < seen[0] - spoke_at < name_end_s + 2.5
    assert feedback_at - spoke_at < name_end_s + 3.0
    (session,) = saved_sessions(pulse_server.env, home)
    (saved,) = session["rounds"]  # type: ignore[misc]
    assert saved["pause_s"] == pytest.approx(0.6, abs=0.15)  # type: ignore[index]
