"""The real app notes other people talking in the thinking pause.

Same real path as test_app_e2e.py (paplay → PulseAudio null sink → its monitor → PortAudio →
sounddevice → the real ``coach-sim practice`` in tmux). Two people talk near the microphone,
18 dB under the teacher, through most of a 3.2 s thinking pause: the round is measured, and the
feedback says under "About the sound" that other voices were heard in the pause.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.audio.wav import write_wav_pcm16
from tests.e2e.conftest import PulseServer
from tests.e2e.tmux_app import TmuxApp, coach_sim_command, saved_sessions
from tests.speech import RATE, needs_speech_model, talk_round_parts, with_talk_in_the_pause

pytestmark = [pytest.mark.e2e, pytest.mark.espeak]


def test_other_voices_in_the_pause_are_noted_in_the_feedback(
    pulse_server: PulseServer, tmp_path: Path, espeak: str
) -> None:
    needs_speech_model()
    r = talk_round_parts()
    write_wav_pcm16(tmp_path / "round.wav", with_talk_in_the_pause(r, 18.0), RATE)

    home = tmp_path / "home"
    app = TmuxApp(tmp_path / "tmux.sock", pulse_server.env)
    app.start(
        [*coach_sim_command(), "practice", "check-question", "--lang", "nl"],
        {**pulse_server.env_vars, "COACH_SIM_HOME": str(home)},
    )
    try:
        app.play_round(
            1,
            lambda: pulse_server.play(tmp_path / "round.wav", wait=False),
            timeout_s=60,
            lang="nl",
        )
        app.wait_for("Over het geluid", timeout_s=5)
        screen = app.screen()
    finally:
        app.stop()
        pulse_server.stop_players()

    assert "Tijdens je denkpauze klonk spraak" in screen
    (session,) = saved_sessions(pulse_server.env, home)
    saved = session["rounds"][0]  # type: ignore[index]
    print(f"\nother voices in the pause: saved pause {saved['pause_s']} s (true {r.pause_s:.3f} s)")
    # Measured all the same, but not always well, which is what the note is for: in one run in
    # nine here (and in 7 of 40 offline, by where the 10 ms frames fall) the analysis took the
    # first words of their talk for the end of the question (1.83-1.87 s), and the live round
    # waited on for a name. With the frames as the unit tests have them, the pause is held to the
    # true one in tests/unit/test_analysis_pause_voices.py.
    assert saved["pause_s"] is not None
