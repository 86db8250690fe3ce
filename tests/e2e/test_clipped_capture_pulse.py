"""A microphone that clips, heard through a sound server that turns it down and resamples it.

A round clipped at full scale at 44.1 kHz (as a microphone's converter clips) is played into the
48 kHz null sink; the sink's monitor, the app's microphone, is turned down to 50 % (PulseAudio's
software volume, about -18 dB); the capture path resamples it to 16 kHz. Nothing of it reaches
full scale any more, and the round must still be flagged as clipped; the same round unclipped,
heard the same way, must not.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from simulator.audio.analysis import analyze_samples
from simulator.audio.capture import MicrophoneSource
from simulator.audio.resample import resample
from simulator.audio.result import LevelWarning
from simulator.audio.wav import write_wav_pcm16
from tests.e2e.conftest import SINK, PulseServer
from tests.e2e.test_capture_pulse import RATE, record_while_playing
from tests.speech import clip, make_round

pytestmark = [pytest.mark.e2e, pytest.mark.espeak]

DEVICE_RATE_HZ = 44_100
QUESTION = "Welke twee voorbeelden heb ik net gegeven van economische marktwerking?"


@pytest.fixture
def turned_down(pulse_server: PulseServer) -> Iterator[PulseServer]:
    monitor = f"{SINK}.monitor"
    done = pulse_server.pactl("set-source-volume", monitor, "50%")
    assert done.returncode == 0, done.stderr
    try:
        yield pulse_server
    finally:
        pulse_server.pactl("set-source-volume", monitor, "100%")


def heard(server: PulseServer, x: npt.NDArray[np.float32], wav: Path) -> npt.NDArray[np.float32]:
    write_wav_pcm16(wav, x, DEVICE_RATE_HZ)
    with MicrophoneSource(None, preferred_rates_hz=(48_000,)) as mic:
        return record_while_playing(server, mic, wav)


@pytest.mark.usefixtures("espeak")
def test_a_clipping_microphone_turned_down_and_resampled_is_flagged(
    turned_down: PulseServer, tmp_path: Path
) -> None:
    spoken = resample(
        make_round(clip(QUESTION, "nl"), clip("Kay?", "nl"), 3.0).samples, RATE, 44_100
    )
    clean = (spoken / np.max(np.abs(spoken)) * 0.9).astype(np.float32)
    clipped = np.clip(spoken / np.max(np.abs(spoken)) * 4.0, -1.0, 32767 / 32768)  # 12 dB over

    recorded = heard(turned_down, clipped.astype(np.float32), tmp_path / "clipped.wav")
    assert np.max(np.abs(recorded)) < 0.5  # nowhere near full scale
    m = analyze_samples(recorded, RATE)
    assert LevelWarning.CLIPPED in m.warnings
    assert m.pause_s == pytest.approx(3.0, abs=0.15)

    control = heard(turned_down, clean, tmp_path / "clean.wav")
    assert LevelWarning.CLIPPED not in analyze_samples(control, RATE).warnings
