"""The pause in a reverberant room: the question's last word rings on after the voice stops, and
that ring belongs to the pause. The room is a synthetic impulse response (a direct path and an
exponentially decaying diffuse tail); the labels are the dry speech's boundaries, after the
direct path's delay. Each check also switches its rule off and shows the round then goes wrong.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import numpy.typing as npt
import pytest

from simulator.audio.analysis import DEFAULT_CONFIG, DetectorConfig, analyze_samples
from simulator.audio.analysis.edges import fastest_fall_ms
from simulator.audio.analysis.signal import envelope_db, speech_band
from tests.speech import RATE, clip, make_round

NO_TAIL_RULE = replace(DEFAULT_CONFIG, edges=replace(DEFAULT_CONFIG.edges, reverb_drop_db=0.0))
DIRECT_DELAY = 48  # 3 ms: the direct path from a speaker one metre away


def _room(rt60_s: float, drr_db: float, seed: int = 0) -> npt.NDArray[np.float64]:
    """An impulse response: the direct sound, then a diffuse tail decaying 60 dB in ``rt60_s``,
    ``drr_db`` below the direct sound in energy."""
    rng = np.random.default_rng(seed)
    n = int(rt60_s * RATE)
    t = np.arange(n) / RATE
    tail = rng.standard_normal(n) * 10 ** (-3 * t / rt60_s)
    tail[: DIRECT_DELAY + 40] = 0.0  # the first reflections arrive a few ms after the direct sound
    tail *= np.sqrt(10 ** (-drr_db / 10) / np.sum(tail**2))
    h = tail
    h[DIRECT_DELAY] = 1.0
    return h


def _in_room(x: npt.NDArray[np.float32], h: npt.NDArray[np.float64]) -> npt.NDArray[np.float32]:
    size = x.size + h.size - 1
    fft = 1 << (size - 1).bit_length()
    y = np.fft.irfft(np.fft.rfft(x, fft) * np.fft.rfft(h, fft), fft)[: x.size]
    floor = np.random.default_rng(1).standard_normal(x.size) * 3e-5
    return (y / np.max(np.abs(y)) * 0.5 + floor).astype(np.float32)


def _errors(x: npt.NDArray[np.float32], q_end: int, n_start: int, config: DetectorConfig):
    m = analyze_samples(x, RATE, config=config)
    assert m.span is not None, m.reason
    return (m.span[0] - q_end) / RATE, (m.span[1] - n_start) / RATE


@pytest.mark.usefixtures("espeak")
@pytest.mark.parametrize(("rt60_s", "drr_db"), [(0.6, -3.0), (0.8, -4.0)])
def test_the_question_ends_where_the_voice_stops_not_where_the_room_stops(
    rt60_s: float, drr_db: float
) -> None:
    q = clip("Welke twee voorbeelden heb ik net gegeven van marktwerking?", "nl")
    r = make_round(q, clip("Kay.", "nl"), 3.2)
    x = _in_room(r.samples, _room(rt60_s, drr_db))
    q_end, n_start = r.question_end + DIRECT_DELAY, r.name_start + DIRECT_DELAY
    q_err, n_err = _errors(x, q_end, n_start, DEFAULT_CONFIG)
    assert abs(q_err) <= 0.15 and abs(n_err) <= 0.05
    # Without the rule the ring counts as question until it is 38 dB down.
    q_err_without, _ = _errors(x, q_end, n_start, NO_TAIL_RULE)
    assert q_err_without > 0.2 and q_err_without > 2 * abs(q_err)


@pytest.mark.usefixtures("espeak")
def test_a_dry_voice_falls_fast_and_a_room_slowly() -> None:
    r = make_round(clip("Hoeveel zijden heeft een zeshoek?", "nl"), clip("Kay.", "nl"), 3.0)
    dry = speech_band(r.samples + np.float32(1e-4))
    wet = speech_band(_in_room(r.samples, _room(0.7, -3.0)))
    speaker = float(np.percentile(envelope_db(dry), 99))
    assert fastest_fall_ms(envelope_db(dry), speaker, DEFAULT_CONFIG.edges) <= 20
    speaker = float(np.percentile(envelope_db(wet), 99))
    assert fastest_fall_ms(envelope_db(wet), speaker, DEFAULT_CONFIG.edges) >= 60
