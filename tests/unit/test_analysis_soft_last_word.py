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
from simulator.audio.pattern import question_pause_name
from simulator.rehearsal.round import RoundPolicy
from tests.speech import RATE, clip, make_round

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import rooms  # noqa: E402

LEVEL_ALONE = replace(DEFAULT_CONFIG, edges=replace(DEFAULT_CONFIG.edges, model_reach_ms=0))
HALF_A_SECOND = replace(DEFAULT_CONFIG, edges=replace(DEFAULT_CONFIG.edges, model_reach_ms=500))


def pink_noise(rng: np.random.Generator, n: int) -> npt.NDArray[np.float64]:
    spectrum = np.fft.rfft(rng.standard_normal(n))
    spectrum[1:] /= np.sqrt(np.arange(1, spectrum.size))
    spectrum[0] = 0.0
    y = np.fft.irfft(spectrum, n)
    return y / np.std(y)


def lifted(last_words: str, soft_db: float, noise_seed: int) -> tuple[npt.NDArray[np.float32], int]:
    """The round ("Welke twee voorbeelden heb ik net gegeven van" + ``last_words`` said
    ``soft_db`` softer, 3.0 s, "Kay?") with pink noise 15 dB under the question, through the
    gain control; and where the question ends."""
    question = np.concatenate(
        [
            clip("Welke twee voorbeelden heb ik net gegeven van", "nl"),
            clip(last_words, "nl") * np.float32(10 ** (-soft_db / 20)),
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
    return np.clip(agc.apply(r.samples + noise), -1.0, 1.0).astype(np.float32), r.question_end


@pytest.mark.usefixtures("espeak")
@pytest.mark.parametrize("noise_seed", range(3))
def test_a_soft_last_word_under_lifted_noise_still_ends_the_question(noise_seed: int) -> None:
    assert model.available()
    x, question_end = lifted("marktwerking?", 16.0, noise_seed)

    m = analyze_samples(x, RATE)
    assert m.span is not None, m.reason
    assert abs(m.span[0] - question_end) / RATE <= 0.1
    assert m.pause_s is not None and abs(m.pause_s - 3.0) <= 0.1
    # By level alone the soft word is lost under the lifted noise: the question ends early.
    alone = analyze_samples(x, RATE, config=LEVEL_ALONE)
    assert alone.span is not None
    assert (question_end - alone.span[0]) / RATE > 0.15


@pytest.mark.usefixtures("espeak")
@pytest.mark.parametrize("noise_seed", [2, 3])
def test_soft_last_words_the_model_hears_for_over_half_a_second_still_end_the_question(
    noise_seed: int,
) -> None:
    """Two soft last words (1.6 s, 12 dB under the rest): the speech model hears them on for
    more than 0.5 s after the level's end, and then a clear pause; the question ends with them."""
    assert model.available()
    x, question_end = lifted("economische marktwerking?", 12.0, noise_seed)

    m = analyze_samples(x, RATE)
    assert m.span is not None, m.reason
    assert abs(m.span[0] - question_end) / RATE <= 0.1
    # Followed for half a second only, the model's run is still going: the question ends early.
    short = analyze_samples(x, RATE, config=HALF_A_SECOND)
    assert short.span is not None
    assert (question_end - short.span[0]) / RATE > 0.25


@pytest.mark.usefixtures("espeak")
def test_a_live_round_ends_on_its_usual_checks_and_measures_with_the_full_reach() -> None:
    """While the round runs, the model follows the question's end only half a second (a check's
    budget); the finished round follows it as far as the analysis does."""
    assert model.available()
    x, question_end = lifted("economische marktwerking?", 12.0, 3)
    x = np.concatenate([x, np.zeros(3 * RATE, dtype=np.float32)])
    live = RoundPolicy().live_round(question_pause_name(), 0)
    for i in range(0, x.size, 320):
        if live.feed(x[i : i + 320]).done:
            break
    assert live.done and not live.timed_out
    m = live.finish()
    assert m.span is not None, m.reason
    assert abs(m.span[0] - question_end) / RATE <= 0.1
    assert m.pause_s is not None and abs(m.pause_s - 3.0) <= 0.1
    # The checks' own reading of the same audio stops half a second after the level's end.
    checked = analyze_samples(live.samples, RATE, config=live._check_config)  # noqa: SLF001
    assert checked.span is not None
    assert (question_end - checked.span[0]) / RATE > 0.25
