"""The model line as one sound: its spoken parts with exactly the target pause between them.

Each part comes from the speech synthesiser with silence before and after the words. That
silence is cut off (down to ``AUDIBLE_BELOW_PEAK_DB`` below the part's peak, the rule that finds
a cue's audible end), so the pause a listener hears from the last audible sample of the question
to the first of the name is the pause that was asked for, counted in samples.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from simulator.audio.cue import AUDIBLE_BELOW_PEAK_DB, CueSound, audible_end_sample
from simulator.audio.resample import resample

LEAD_S = 0.15
"""Silence before the first word and after the last, so a device that starts late or stops
early does not clip them."""


@dataclass(frozen=True, slots=True)
class ModelTiming:
    """Where the parts of a rendered model line lie in its samples (all at ``rate_hz``).

    For a line without a pause ``before_end == after_start`` (the end of its only part).
    """

    rate_hz: int
    before_end: int
    after_start: int
    total: int

    @property
    def pause_s(self) -> float:
        return (self.after_start - self.before_end) / self.rate_hz


def audible_start_sample(samples: npt.NDArray[np.floating]) -> int:
    """The first sample within ``AUDIBLE_BELOW_PEAK_DB`` of the peak (0 when all silent)."""
    magnitude = np.abs(np.asarray(samples, dtype=np.float64).reshape(-1))
    if magnitude.size == 0 or float(magnitude.max()) <= 0.0:
        return 0
    audible = np.nonzero(magnitude >= magnitude.max() * 10 ** (-AUDIBLE_BELOW_PEAK_DB / 20))[0]
    return int(audible[0])


def _audible(sound: CueSound, rate_hz: int) -> npt.NDArray[np.float32]:
    samples = sound.samples[audible_start_sample(sound.samples) : audible_end_sample(sound.samples)]
    if sound.sample_rate_hz != rate_hz:
        return resample(samples, sound.sample_rate_hz, rate_hz)
    return samples.astype(np.float32)


def model_sound(
    parts: Sequence[CueSound], pause_s: float | None, rate_hz: int
) -> tuple[CueSound, ModelTiming]:
    """One or two spoken parts joined by ``pause_s`` of digital silence, at ``rate_hz``."""
    if not 1 <= len(parts) <= 2 or (len(parts) == 2) != (pause_s is not None):
        raise ValueError("a model line is one part, or two parts with a pause between them")
    lead = np.zeros(round(LEAD_S * rate_hz), np.float32)
    first = _audible(parts[0], rate_hz)
    pieces = [lead, first]
    before_end = lead.size + first.size
    after_start = before_end
    if pause_s is not None:
        pieces.append(np.zeros(round(pause_s * rate_hz), np.float32))
        after_start = before_end + pieces[-1].size
        pieces.append(_audible(parts[1], rate_hz))
    pieces.append(lead)
    samples = np.concatenate(pieces)
    return CueSound(samples, rate_hz), ModelTiming(rate_hz, before_end, after_start, samples.size)
