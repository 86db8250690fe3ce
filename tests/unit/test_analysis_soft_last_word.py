"""A question's soft last word under noise that a laptop's automatic gain control lifts: the
speech model still hears the word after the level-based end, and the question ends with it.

The gain control is the room benchmark's model of a laptop's (``benchmarks/rooms.py``: ``Agc``);
the noise is pink, 15 dB under the question.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from simulator.audio.analysis import DEFAULT_CONFIG, analyze_samples, model
from tests.speech import RATE, clip, make_round

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import rooms  # noqa: E402

LEVEL_ALONE = replace(DEFAULT_CONFIG, edges=replace(DEFAULT_CONFIG.edges, model_reach_ms=0))


def pink_noise(rng: np.random.Generator, n: int) -> npt.NDArray[np.float64]:
    spectrum = np.fft.rfft(rng.standard_normal(n))
    spectrum[1:] /= np.sqrt(np.arange(1, spectrum.size))
    spectrum[0] = 0.0
    y = np.fft.irfft(spectrum, n)
    return y / np.std(y)


@pytest.mark.usefixtures("espeak")
@pytest.mark.parametrize("noise_seed", range(3))
def test_a_soft_last_word_under_lifted_noise_still_ends_the_question(noise_seed: int) -> None:
    assert model.available()
    soft = np.float32(10 ** (-16 / 20))
    question = np.concatenate(
        [
            clip("Welke twee voorbeelden heb ik net gegeven van", "nl"),
            clip("marktwerking?", "nl") * soft,
        ]
    )
    r = make_round(question * np.float32(0.3), clip("Kay?", "nl") * np.float32(0.3), 3.0)
    speech_rms = float(np.sqrt(np.mean(question.astype(np.float64) ** 2))) * 0.3
    noise = (
        pink_noise(np.random.default_rng(noise_seed), r.samples.size)
        * speech_rms
        * 10 ** (-15 / 20)
    )
    agc = rooms.Agc(target_dbfs=-22.0, max_gain_db=30.0, attack_s=0.01, hold_s=0.1, release_s=0.3)
    x = np.clip(agc.apply(r.samples + noise), -1.0, 1.0).astype(np.float32)

    m = analyze_samples(x, RATE)
    assert m.span is not None, m.reason
    assert abs(m.span[0] - r.question_end) / RATE <= 0.1
    assert m.pause_s is not None and abs(m.pause_s - r.pause_s) <= 0.1
    # By level alone the soft word is lost under the lifted noise: the question ends early.
    alone = analyze_samples(x, RATE, config=LEVEL_ALONE)
    assert alone.span is not None
    assert (r.question_end - alone.span[0]) / RATE > 0.15
