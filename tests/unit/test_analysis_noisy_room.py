"""The pause in a loud room: broadband hiss, and other people talking across the room.

Rounds with other voices come from the benchmark's own generator (benchmarks/generate.py), made
with espeak-ng during the run: three or four reverberant talkers around a dry teacher close to
the microphone, with exact labels. Each check also shows that the step it names is what makes
the round come out right, by switching that step off.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from simulator.audio.analysis import DEFAULT_CONFIG, DetectorConfig, analyze_samples
from simulator.audio.result import Reason
from tests.speech import RATE, clip, make_round

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _pause(samples: np.ndarray, rate: int, config: DetectorConfig = DEFAULT_CONFIG):
    m = analyze_samples(samples, rate, config=config)
    return m, (None if m.span is None else (m.span[1] - m.span[0]) / RATE)


def _verdict(pause_s: float | None) -> str:
    if pause_s is None:
        return "none"
    return "short" if pause_s < 2.5 else "long" if pause_s > 4.0 else "on_target"


@pytest.mark.usefixtures("espeak")
@pytest.mark.parametrize("noise_seed", range(6))
def test_white_noise_at_5_db_keeps_the_question_end_and_the_name(noise_seed: int) -> None:
    q = clip("Welke twee voorbeelden heb ik net gegeven van marktwerking?", "nl")
    name = clip("Mohammed.", "nl")
    r = make_round(q, name, 3.0)
    speech = np.concatenate([q, name])
    noise = np.random.default_rng(noise_seed).standard_normal(r.samples.size)
    noise *= np.sqrt(np.mean(speech.astype(np.float64) ** 2) / np.mean(noise**2) / 10 ** (5 / 10))
    m, pause = _pause((r.samples + noise).astype(np.float32), RATE)
    assert m.span is not None, m.reason
    assert abs(m.span[0] - r.question_end) / RATE <= 0.1
    assert abs(m.span[1] - r.name_start) / RATE <= 0.1
    assert pause is not None and abs(pause - r.pause_s) <= 0.1


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory, espeak: str):
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import generate
    finally:
        sys.path.remove(str(BENCHMARKS))
    return generate, generate.SpeechBank(tmp_path_factory.mktemp("espeak-cache"))


@pytest.mark.parametrize(
    ("index", "step_off"),
    [
        # Babble at 5 dB: a distant voice in the pause or after the name looks like the teacher
        # by its level alone; its dull spectrum gives it away.
        (101, {"near_voice_below_db": 0.0}),
        (89, {"near_voice_below_db": 0.0}),
    ],
)
def test_other_voices_at_5_db_are_not_taken_for_the_teacher(bank, index: int, step_off) -> None:
    generate, speech_bank = bank
    item = generate.make_item(11, index, speech_bank)
    assert item.condition == "babble@5dB" and item.pause_s is not None
    _, pause = _pause(item.samples, item.sample_rate_hz)
    assert pause is not None and abs(pause - item.pause_s) <= 0.1
    assert _verdict(pause) == _verdict(item.pause_s)
    _, without = _pause(
        item.samples,
        item.sample_rate_hz,
        replace(DEFAULT_CONFIG, detection=replace(DEFAULT_CONFIG.detection, **step_off)),
    )
    assert _verdict(without) != _verdict(item.pause_s)


def _noise_item(bank, index: int, condition: str):
    """The noise benchmark's round ``index`` of seed 11, with a pause, in ``condition``."""
    generate, speech_bank = bank
    item = generate.make_item(11, index, speech_bank)
    assert item.condition == condition and item.pause_s is not None
    assert item.question_end_s is not None
    return item


@pytest.mark.parametrize(("index", "condition"), [(20, "babble@10dB"), (101, "babble@5dB")])
def test_question_end_under_other_voices_follows_the_high_frequencies(
    bank, index: int, condition: str
) -> None:
    item = _noise_item(bank, index, condition)
    m, pause = _pause(item.samples, item.sample_rate_hz)
    assert m.span is not None and pause is not None
    assert abs(pause - item.pause_s) <= 0.1
    assert abs(m.span[0] / RATE - item.question_end_s) <= 0.1
    # Counting every frequency bin by its excess power alone, the last decay is lost.
    _, flat = _pause(
        item.samples,
        item.sample_rate_hz,
        replace(
            DEFAULT_CONFIG,
            edges=replace(DEFAULT_CONFIG.edges, spectral_normalised_within_db=-200.0),
        ),
    )
    assert flat is None or abs(flat - item.pause_s) > 0.1


def test_a_name_run_on_in_noise_is_no_pause_not_a_short_one(bank) -> None:
    # In noise the segments' edges fall short of the words, leaving a gap that looks like a
    # pause; refined against the noise it shrinks to 83 ms, a gap between words.
    generate, speech_bank = bank
    item = generate.make_item(11, 138, speech_bank)
    assert item.kind == "no_pause" and item.condition == "white@10dB"
    m = analyze_samples(item.samples, item.sample_rate_hz)
    assert m.span is None
    assert m.reason is Reason.NO_PAUSE


@pytest.mark.parametrize(("index", "condition"), [(6, "babble@10dB"), (65, "babble@20dB")])
def test_other_voices_in_the_pause_do_not_carry_the_question_on(
    bank, index: int, condition: str
) -> None:
    # The speech model hears the other voices right after the question's end as speech, and
    # would carry the question on into the pause; it hears them further into the pause as well,
    # so the question's end stays where its level puts it.
    item = _noise_item(bank, index, condition)
    _, pause = _pause(item.samples, item.sample_rate_hz)
    assert pause is not None and abs(pause - item.pause_s) <= 0.1
    no_probe = replace(DEFAULT_CONFIG, edges=replace(DEFAULT_CONFIG.edges, model_probe_ms=0))
    _, carried = _pause(item.samples, item.sample_rate_hz, no_probe)
    assert carried is not None and item.pause_s - carried > 0.15
