"""In a loud room a segment must keep the speaker's high frequencies (a voice close to the
microphone does; voices across the room reach it duller). The speaker's high-frequency level is
taken from the round's speech, or from the question where that is lower: a name called out
louder and brighter than the question must not set a level the question never reaches.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pytest

from simulator.audio.analysis import DEFAULT_CONFIG, speech_band
from simulator.audio.analysis.detection import _high_frequency_db, _near_voices_only
from simulator.audio.analysis.levels import measure_levels
from simulator.audio.analysis.signal import FRAME_SAMPLES
from tests.speech import RATE, clip, silence

F32 = npt.NDArray[np.float32]
NOISE_OVER_QUESTION_DB = 3.0
"""The room noise's level over the question's mean level (the question's loud vowels still stand
out of it): a loud room, where the near-voice rule applies."""


def _rms(x: npt.NDArray[np.floating]) -> float:
    return float(np.sqrt(np.mean(x.astype(np.float64) ** 2)))


def _at(x: F32, rms: float) -> F32:
    return (x * np.float32(rms / _rms(x))).astype(np.float32)


def _filtered(
    x: npt.NDArray[np.floating],
    gain: Callable[[npt.NDArray[np.floating]], npt.NDArray[np.floating]],
) -> F32:
    """``x`` with each frequency's amplitude multiplied by ``gain(frequency in Hz)``."""
    spectrum = np.fft.rfft(x.astype(np.float64))
    spectrum *= gain(np.fft.rfftfreq(x.size, 1 / RATE))
    return np.fft.irfft(spectrum, x.size).astype(np.float32)


def _dull(x: F32, cutoff_hz: float) -> F32:
    """Low-passed (second order): as a voice from across a room reaches the microphone."""
    return _filtered(x, lambda f: 1 / np.sqrt(1 + (f / cutoff_hz) ** 4))


def _bright(x: F32) -> F32:
    """With its highs (above about 2 kHz) lifted, as a voice called out towards the microphone."""
    return _filtered(x, lambda f: 1 + 3 * (f / 2000) / np.sqrt(1 + (f / 2000) ** 2))


def _room_noise(n: int) -> F32:
    """Pink noise low-passed at 1.5 kHz (a fan, a ventilation), unit RMS."""
    white = np.random.default_rng(0).standard_normal(n)
    y = _filtered(white, lambda f: 1 / np.sqrt(np.maximum(f, 20.0)) / np.sqrt(1 + (f / 1500) ** 4))
    return (y / _rms(y)).astype(np.float32)


@pytest.mark.usefixtures("espeak")
def test_a_louder_brighter_name_does_not_take_the_question_away() -> None:
    # The question heard from a metre away, duller; the name called out, 8 dB louder and
    # brighter; another voice across the room in the pause, duller still and 12 dB under the
    # question; a fan's noise throughout.
    question = _at(_dull(clip("Welke twee voorbeelden heb ik net gegeven?", "nl"), 2500.0), 0.05)
    name = _at(_bright(clip("Mohammed!", "nl")), 0.125)
    other = _at(_dull(clip("Ja, dat weet ik niet.", "en"), 700.0), 0.012)
    parts = [silence(0.5), question, silence(1.0), other, silence(1.0), name, silence(0.5)]
    starts = np.cumsum([0] + [p.size for p in parts])
    x = np.concatenate(parts)
    x = x + _room_noise(x.size) * np.float32(0.05 * 10 ** (NOISE_OVER_QUESTION_DB / 20))
    band = speech_band(x.astype(np.float32))
    _, fl = measure_levels(band, 0.0, DEFAULT_CONFIG.levels)
    assert fl is not None
    # A loud room: the rule applies.
    assert fl.full_speaker_db - fl.full_background_db < DEFAULT_CONFIG.detection.near_voice_below_db
    frames = [
        (int(starts[k]) // FRAME_SAMPLES, int(starts[k + 1]) // FRAME_SAMPLES) for k in (1, 3, 5)
    ]
    kept = _near_voices_only(
        band, fl, frames, DEFAULT_CONFIG.detection, _high_frequency_db(band, fl)
    )
    # The question and the name, not the voice across the room:
    assert kept == [frames[0], frames[2]]
