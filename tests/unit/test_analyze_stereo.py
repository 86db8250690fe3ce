"""Stereo recordings whose plain average loses the voice: an inverted channel, a dead channel.

Some USB and laptop microphone arrays record their second capsule in opposite polarity; a mono
microphone on a stereo input leaves one channel (nearly) silent. ``coach-sim analyze`` and the
live microphone both hear the voice in full, and ordinary stereo is still averaged.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from simulator.audio.analysis import analyze_samples
from simulator.audio.downmix import downmix
from simulator.audio.resample import resample
from simulator.audio.wav import write_wav_pcm16
from tests.speech import RATE, Round, clip, make_round
from tests.unit.test_analyze_cli import run_analyze
from tests.unit.test_capture import flags, opened

pytestmark = pytest.mark.espeak


@pytest.fixture(scope="module")
def spoken(espeak: str) -> Round:
    return make_round(clip("What did you notice?", "en"), clip("Kay?", "en"), 3.2, tail_s=2.0)


def analyze_json(path: Path) -> dict[str, object]:
    done = run_analyze("--json", str(path))
    record: dict[str, object] = json.loads(done.stdout)
    return record


def noise(n: int, dbfs: float, seed: int) -> npt.NDArray[np.float64]:
    return np.random.default_rng(seed).standard_normal(n) * 10 ** (dbfs / 20)


def test_a_channel_in_opposite_polarity_is_heard_not_cancelled(
    spoken: Round, tmp_path: Path
) -> None:
    x = spoken.samples
    # A laptop array: the second capsule inverted, each with its own hiss.
    left = x + noise(x.size, -70, seed=1)
    right = -x + noise(x.size, -70, seed=2)
    write_wav_pcm16(tmp_path / "array.wav", np.stack([left, right], axis=1), RATE)
    record = analyze_json(tmp_path / "array.wav")
    assert record["reason"] is None
    assert record["pause_s"] == pytest.approx(spoken.pause_s, abs=0.03)


def test_a_dead_channel_does_not_halve_quiet_speech(spoken: Round, tmp_path: Path) -> None:
    # Quiet speech (about -41 dBFS) 12 dB above the microphone's noise: timed on its own, but
    # averaged with a near-silent channel it fell 6 dB, below -45 dBFS, and was refused.
    x = spoken.samples / np.max(np.abs(spoken.samples)) * 10 ** (-32 / 20)
    live = x + noise(x.size, -52, seed=3)
    dead = noise(x.size, -80, seed=4)
    write_wav_pcm16(tmp_path / "one_side.wav", np.stack([live, dead], axis=1), RATE)
    write_wav_pcm16(tmp_path / "mono.wav", live, RATE)
    stereo, mono = analyze_json(tmp_path / "one_side.wav"), analyze_json(tmp_path / "mono.wav")
    assert mono["reason"] is None
    assert stereo["reason"] is None
    assert stereo["pause_s"] == pytest.approx(spoken.pause_s, abs=0.03)
    assert stereo["pause_s"] == pytest.approx(mono["pause_s"], abs=0.002)


def test_ordinary_stereo_is_still_the_average_of_its_channels(
    spoken: Round, tmp_path: Path
) -> None:
    x = spoken.samples
    # Two microphones a few centimetres apart: the same voice 3 samples later and 4 dB down,
    # each with its own noise.
    left = x + noise(x.size, -60, seed=5)
    right = 0.63 * np.roll(x, 3) + noise(x.size, -60, seed=6)
    pair = np.stack([left, right], axis=1).astype(np.float32)
    np.testing.assert_allclose(downmix(pair), pair.mean(axis=1), atol=1e-6)
    write_wav_pcm16(tmp_path / "pair.wav", pair, RATE)
    record = analyze_json(tmp_path / "pair.wav")
    assert record["pause_s"] == pytest.approx(spoken.pause_s, abs=0.03)


def test_a_live_stereo_microphone_with_an_inverted_channel_is_heard(spoken: Round) -> None:
    source, _, _ = opened(queue_s=2.0)  # a device opened in stereo at 48 kHz
    x = resample(spoken.samples, RATE, 48000)
    blocks = np.stack([x, -x], axis=1).astype(np.float32)
    heard = []
    for start in range(0, blocks.shape[0], 960):
        source._callback(blocks[start : start + 960], 960, None, flags())
        block = source.read(timeout_s=0.01)
        assert block is not None
        heard.append(block)
    mono = np.concatenate(heard)
    assert float(np.max(np.abs(mono))) == pytest.approx(0.5, abs=0.02)
    m = analyze_samples(mono, RATE)
    assert m.pause_s == pytest.approx(spoken.pause_s, abs=0.03)
