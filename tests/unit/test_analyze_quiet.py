"""`coach-sim analyze` refuses speech too quiet to time reliably, as live rounds do."""

import json
from pathlib import Path

import numpy as np
import pytest

from simulator.audio.wav import write_wav_pcm16
from tests.speech import RATE, clip, make_round
from tests.unit.test_analyze_cli import run_analyze

pytestmark = pytest.mark.espeak


def test_quiet_speech_close_to_the_microphone_noise_is_refused(tmp_path: Path) -> None:
    r = make_round(clip("What did you notice?", "en"), clip("Kay?", "en"), 3.2, tail_s=2.0)
    x = r.samples / np.max(np.abs(r.samples)) * 10 ** (-45 / 20)  # peak at -45 dBFS
    x = x + np.random.default_rng(3).standard_normal(x.size) * 10 ** (-64 / 20)  # mic noise
    write_wav_pcm16(tmp_path / "quiet.wav", x.astype(np.float32), RATE)
    write_wav_pcm16(tmp_path / "clear.wav", r.samples / np.max(np.abs(r.samples)) * 0.5, RATE)
    done = run_analyze("--json", str(tmp_path / "quiet.wav"), str(tmp_path / "clear.wav"))
    quiet, clear = (json.loads(line) for line in done.stdout.splitlines())
    assert quiet["pause_s"] is None and quiet["reason"] == "too_quiet"
    assert clear["pause_s"] == pytest.approx(3.2, abs=0.03)
