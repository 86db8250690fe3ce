"""The real app in a noisy training room: three rounds with other people talking at 15 dB SNR.

Same real path as test_app_e2e.py (paplay → PulseAudio null sink → its monitor → PortAudio →
sounddevice → the real ``coach-sim practice`` in tmux). The background is the benchmark's
babble (benchmarks/generate.py): 3–4 continuous, reverberant streams of other espeak-ng voices,
mixed 15 dB below the teacher's speech and running from before the question to past the name.
Through the real device the round must end after the name (not in the thinking pause, where
the question's words can come apart in the noise) and the saved pauses must stay within the
end-to-end tolerance.
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

import numpy as np
import pytest

from simulator.audio.wav import write_wav_pcm16
from tests.e2e.conftest import PulseServer
from tests.e2e.tmux_app import TmuxApp, round_wav, saved_sessions
from tests.speech import RATE

pytestmark = [pytest.mark.e2e, pytest.mark.espeak]

PAUSES_S = (1.5, 3.0, 4.5)
TOLERANCE_S = 0.15
SNR_DB = 15.0
BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _babble(n: int, cache: Path) -> np.ndarray:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import generate
    finally:
        sys.path.remove(str(BENCHMARKS))
    bank = generate.SpeechBank(cache)
    return np.asarray(generate._babble(np.random.default_rng(0), bank, n, RATE))


def test_three_rounds_with_other_voices_at_15_db(
    pulse_server: PulseServer, tmp_path: Path, espeak: str
) -> None:
    rounds = []
    for number, pause in enumerate(PAUSES_S, 1):
        r = round_wav(tmp_path / f"clean{number}.wav", number, pause)
        speech = r.samples[np.abs(r.samples) > 1e-4].astype(np.float64)
        babble = _babble(r.samples.size, tmp_path / "espeak-cache")
        babble *= np.sqrt(np.mean(speech**2) / np.mean(babble**2) / 10 ** (SNR_DB / 10))
        write_wav_pcm16(
            tmp_path / f"round{number}.wav", (r.samples + babble).astype(np.float32), RATE
        )
        rounds.append(r)

    home = tmp_path / "home"
    app = TmuxApp(tmp_path / "tmux.sock", pulse_server.env)
    app.start_english_practice({**pulse_server.env_vars, "COACH_SIM_HOME": str(home)})
    try:
        app.wait_for("Press Space or Enter to start", timeout_s=30)
        for number in range(1, len(rounds) + 1):
            wav = tmp_path / f"round{number}.wav"
            app.play_round(number, partial(pulse_server.play, wav, wait=False), timeout_s=40)
            app.keys("Space")
        app.wait_for("Summary:")
        app.keys("q")
    finally:
        app.stop()

    sessions = saved_sessions(pulse_server.env, home)
    (session,) = sessions
    saved = [r["pause_s"] for r in session["rounds"]]
    assert len(saved) == 3
    for pause_s, r in zip(saved, rounds, strict=True):
        assert pause_s == pytest.approx(r.pause_s, abs=TOLERANCE_S)
