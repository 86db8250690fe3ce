"""The real app in a reverberant room, with a cough in the thinking pause and the teacher's own
question and name.

Same real path as test_app_e2e.py (paplay → PulseAudio null sink → its monitor → PortAudio →
sounddevice → the real ``coach-sim practice`` in tmux). The teacher asks a shorter question of
their own and says a longer name than the prompt's; the room rings on for about 0.6 s (RT60) with
as much energy in its ring as in the direct sound; a student across the room coughs a second
after the question. The cough is a real recording from the shared development audio (Coswara,
CC BY 4.0), read from ``../shared/dev-audio`` at test time and never copied into the repository.

The true pause is the dry question's end to the dry name's start (both delayed by the room's
direct path, so the pause itself is unchanged). With ``--keep-audio`` the app saves what it heard
up to the moment the round ended; where the round ended relative to the name is read from that
audio, in samples, after lining it up with what was played.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from simulator.audio.result import ANALYSIS_RATE_HZ
from simulator.audio.wav import read_wav, write_wav_pcm16
from tests.e2e.conftest import PulseServer
from tests.e2e.tmux_app import TmuxApp, coach_sim_command, saved_sessions
from tests.speech import RATE, cough_in_a_reverberant_pause

pytestmark = [pytest.mark.e2e, pytest.mark.espeak]

PAUSE_TOLERANCE_S = 0.15
BAND_S = (2.5, 4.0)  # check-question's thinking pause: on target between 2.5 and 4.0 s
MAX_END_AFTER_NAME_S = 1.0
"""The round ends 0.8 s after the voice stops (the name's ring in the room does not count)."""
MAX_ROUND_S = 45.0


def _offset(heard: npt.NDArray[np.float64], played: npt.NDArray[np.float32]) -> int:
    """Where ``played``'s first sample is in ``heard``: the lag of their cross-correlation."""
    size = heard.size + played.size - 1
    fft = 1 << (size - 1).bit_length()
    corr = np.fft.irfft(np.fft.rfft(heard, fft) * np.conj(np.fft.rfft(played, fft)), fft)
    lag = int(np.argmax(corr))
    return lag if lag < fft - played.size else lag - fft


def test_a_reverberant_round_with_a_cough_and_the_teachers_own_words(
    pulse_server: PulseServer, tmp_path: Path, espeak: str
) -> None:
    # Neither the prompt's question nor its name ("Kay"): a short question of the teacher's own.
    room = cough_in_a_reverberant_pause()
    played, r, name_end = room.played, room.dry, room.name_end  # name_end: in the played file
    write_wav_pcm16(tmp_path / "round.wav", played, RATE)

    home = tmp_path / "home"
    app = TmuxApp(tmp_path / "tmux.sock", pulse_server.env)
    app.start(
        [*coach_sim_command(), "practice", "check-question", "--lang", "nl", "--keep-audio"],
        {**pulse_server.env_vars, "COACH_SIM_HOME": str(home)},
    )
    try:
        app.play_round(
            1,
            lambda: pulse_server.play(tmp_path / "round.wav", wait=False),
            timeout_s=MAX_ROUND_S + 10,
            lang="nl",
        )
    finally:
        app.stop()
        pulse_server.stop_players()

    (session,) = saved_sessions(pulse_server.env, home)
    saved = session["rounds"][0]  # type: ignore[index]
    (wav,) = sorted((home / "recordings").rglob("round-1.wav"))
    kept = read_wav(wav)
    assert kept.sample_rate_hz == ANALYSIS_RATE_HZ == RATE
    heard = kept.samples[:, 0].astype(np.float64)
    ended_after_name_s = (heard.size - (_offset(heard, played) + name_end)) / RATE
    print(
        f"\nroom round: saved pause {saved['pause_s']} s (true {r.pause_s:.3f} s), "
        f"verdict {saved['verdict']} (reason {saved['reason']}), "
        f"round ended {ended_after_name_s:.2f} s after the name, "
        f"{heard.size / RATE:.2f} s heard"
    )

    # The round ended by itself, soon after the name, not at the 45 s limit.
    assert heard.size / RATE < MAX_ROUND_S - 1.0
    assert 0.0 < ended_after_name_s <= MAX_END_AFTER_NAME_S
    assert saved["pause_s"] == pytest.approx(r.pause_s, abs=PAUSE_TOLERANCE_S)
    assert BAND_S[0] <= r.pause_s <= BAND_S[1]
    assert saved["verdict"] == "on_target"
