"""A laptop microphone with automatic gain control: the gain follows (target - level), falls
within milliseconds when speech starts and climbs again in the pause, so a steady fan comes up
towards the level of speech while the student thinks. The pumped noise must not count as the
name's start. Each check also switches its rule off and shows the round then goes wrong.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import numpy.typing as npt
import pytest

from simulator.audio.analysis import DEFAULT_CONFIG, analyze_samples
from tests.speech import RATE, clip, make_round

SIGNAL_RULES_ONLY = replace(
    DEFAULT_CONFIG, detection=replace(DEFAULT_CONFIG.detection, model_min_probability=0.0)
)
"""The speech model not asked: it also hears where the name starts in the lifted noise (a long
segment starts where it first hears speech), so the abrupt-onset rule is seen on its own."""
NO_ONSET_RULE = replace(
    SIGNAL_RULES_ONLY, detection=replace(SIGNAL_RULES_ONLY.detection, onset_rise_db=0.0)
)


def agc(
    x: npt.NDArray[np.float32],
    target_dbfs: float = -20.0,
    max_gain_db: float = 30.0,
    attack_s: float = 0.01,
    hold_s: float = 0.1,
    release_s: float = 0.4,
) -> npt.NDArray[np.float32]:
    """An AGC-like gain curve on 5 ms blocks: the gain falls towards (target - 20 ms level)
    within the attack time, and after a hold climbs back with the release time constant."""
    block = RATE // 200
    n = x.size // block
    power = np.square(x[: n * block].astype(np.float64)).reshape(n, block).mean(axis=1)
    level = 10 * np.log10(np.convolve(power, np.ones(4) / 4, mode="same") + 1e-12)
    want = np.minimum(target_dbfs - level, max_gain_db)
    gains = np.empty(n)
    gain, held = float(want[0]), 0.0
    for k in range(n):
        if want[k] < gain:
            gain += (want[k] - gain) * (1 - np.exp(-0.005 / attack_s))
            held = 0.0
        elif held < hold_s:
            held += 0.005
        else:
            gain += (want[k] - gain) * (1 - np.exp(-0.005 / release_s))
        gains[k] = gain
    y = x.astype(np.float64)
    y[: n * block] *= np.repeat(10 ** (gains / 20), block)
    return np.clip(y, -0.99, 0.99).astype(np.float32)


def fan(n: int, seed: int = 0) -> npt.NDArray[np.float64]:
    """A steady fan: rumble falling 3 dB an octave below 3 kHz, with a motor hum at 90 Hz and
    three harmonics; unit RMS."""
    rng = np.random.default_rng(seed)
    f = np.fft.rfftfreq(n, 1 / RATE)
    rumble = np.fft.irfft(
        np.fft.rfft(rng.standard_normal(n)) / np.sqrt(np.maximum(f, 50)) * (f < 3000), n
    )
    t = np.arange(n) / RATE
    hum = sum(np.sin(2 * np.pi * 90 * k * t + k) / k for k in range(1, 5))
    x = rumble / rumble.std() + 0.5 * hum / hum.std()
    out: npt.NDArray[np.float64] = x / x.std()
    return out


@pytest.mark.usefixtures("espeak")
@pytest.mark.parametrize(
    ("name", "pause_s", "snr_db"), [("Kay.", 3.2, 10.0), ("Kay.", 4.5, 5.0), ("Sanne.", 2.2, 5.0)]
)
def test_a_fan_lifted_by_the_gain_in_the_pause_is_not_the_name(
    name: str, pause_s: float, snr_db: float
) -> None:
    q = clip("Welke twee voorbeelden heb ik net gegeven van marktwerking?", "nl") * 0.1
    r = make_round(q, clip(name, "nl") * 0.1, pause_s)
    speech_rms = float(np.sqrt(np.mean(np.square(r.samples[r.samples != 0]))))
    noise = fan(r.samples.size) * speech_rms * 10 ** (-snr_db / 20)
    x = agc(r.samples + noise.astype(np.float32))
    assert analyze_samples(x, RATE).pause_s == pytest.approx(r.pause_s, abs=0.05)
    alone = analyze_samples(x, RATE, config=SIGNAL_RULES_ONLY).pause_s
    assert alone == pytest.approx(r.pause_s, abs=0.05)
    # Without the rule the noise climbing with the gain runs on into the name: the name starts
    # early, and the pause reads short.
    without = analyze_samples(x, RATE, config=NO_ONSET_RULE).pause_s
    assert without is not None and without < r.pause_s - 0.25
