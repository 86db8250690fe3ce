"""A round that waits on for a name that may still come says so, and the end key finishes it, on
the real path (paplay → PulseAudio null sink → its monitor → PortAudio → sounddevice → the real
``coach-sim practice`` in tmux).

A short own question ("Why?"), 0.6 s, and a long name ("Maximilian?"): in a session's first round
the name may still be the rest of the question, so the round waits on for up to 5 s of silence.
Once the usual 0.8 s have passed the screen says it is still listening in case the name is still
to come; the teacher presses E and gets the feedback at once, with the pause they made.

Other people talking straight after the name leave no silence for the round to end in: once
sound has gone on for 3 s after the pause, the screen says the same while they still talk.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulator.audio import live
from simulator.audio.wav import write_wav_pcm16
from tests.e2e.conftest import PulseServer
from tests.e2e.tmux_app import TmuxApp, saved_sessions
from tests.speech import RATE, clip, make_round, talk_after_the_name

pytestmark = [pytest.mark.e2e, pytest.mark.espeak]


def listening_line_then_e(
    pulse_server: PulseServer, tmp_path: Path, samples: np.ndarray, timeout_s: float
) -> tuple[float, float, float, dict[str, object]]:
    """Round 1 of the English practice, ``samples`` played into the microphone; E pressed once
    the screen says the round listens on. Returns when the teacher began to speak, when the line
    was seen, when the feedback was on screen (``time.monotonic``) and the saved round."""
    wav = tmp_path / "round.wav"
    write_wav_pcm16(wav, samples, RATE)
    home = tmp_path / "home"
    app = TmuxApp(tmp_path / "tmux.sock", pulse_server.env)
    app.start_english_practice({**pulse_server.env_vars, "COACH_SIM_HOME": str(home)})
    seen: list[float] = []

    def speak_then_end() -> None:
        pulse_server.play(wav, wait=False)
        seen.append(app.wait_for("Still listening, in case the name is still to come", timeout_s))
        assert "Press E to end the round" in app.screen()
        app.keys("e")

    try:
        app.wait_for("Press Space or Enter to start", timeout_s=30)
        spoke_at, feedback_at = app.play_round(1, speak_then_end)
    finally:
        app.stop()
        pulse_server.stop_players()
    (session,) = saved_sessions(pulse_server.env, home)
    (saved,) = session["rounds"]  # type: ignore[misc]
    return spoke_at, seen[0], feedback_at, saved  # type: ignore[return-value]


def test_a_round_waiting_on_for_the_name_says_so_and_e_ends_it(
    pulse_server: PulseServer, tmp_path: Path, espeak: str
) -> None:
    name = clip("Maximilian?", "en")
    r = make_round(clip("Why?", "en"), name, 0.6, lead_s=0.3, tail_s=8.0)
    name_end_s = (r.name_start + name.size) / RATE
    spoke_at, seen, feedback_at, saved = listening_line_then_e(
        pulse_server, tmp_path, r.samples, 15
    )

    # The line came once the usual closing silence after the name was over, and E ended the
    # round long before it would have ended by itself (5 s of silence after the name).
    print(f"\nline after {seen - spoke_at:.2f} s, feedback after {feedback_at - spoke_at:.2f} s")
    assert name_end_s + 0.6 < seen - spoke_at < name_end_s + 2.5
    assert feedback_at - spoke_at < name_end_s + 3.0
    assert saved["pause_s"] == pytest.approx(0.6, abs=0.15)


def test_other_voices_after_the_name_make_the_round_say_it_listens_on_and_e_ends_it(
    pulse_server: PulseServer, tmp_path: Path, espeak: str
) -> None:
    talk = talk_after_the_name(
        clip("Which two examples of market forces did I just give?", "en"), lead_s=0.3
    )
    spoke_at, seen, _, saved = listening_line_then_e(pulse_server, tmp_path, talk.samples, 25)

    # The line came 3 s after the pause, while the others still talked (without it: only once
    # they had stopped); E gave the pause the teacher made.
    line_s = seen - spoke_at
    name_start_s, talk_end_s = talk.name_start / RATE, talk.talk_end / RATE
    print(
        f"\nline {line_s - name_start_s:.2f} s after the name's start, talk to {talk_end_s:.1f} s"
    )
    assert name_start_s + live.SOUND_GOES_ON_S - 0.2 < line_s < talk_end_s - 1.5
    assert saved["pause_s"] == pytest.approx(3.0, abs=0.15)
