"""A student's line played as the cue: where it audibly ends, from its own samples.

The wait after a student's answer is timed from the answer's audible end. A speech synthesiser's
output (and any player) carries silence after the last word, and a player process exits later
still, so the end is read from the samples that are played: the last one within
``AUDIBLE_BELOW_PEAK_DB`` of the loudest. The practice screen maps it onto the microphone's
sample count at the moment playback started.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from simulator.audio.resample import resample

AUDIBLE_BELOW_PEAK_DB = 40.0
"""A sample counts as audible when it is at most this far below the cue's peak (the same rule
that places the edges of test speech): a word's last decay, not the synthesiser's silence."""


@dataclass(frozen=True, slots=True, eq=False)
class CueSound:
    """A rendered cue: mono float samples at ``sample_rate_hz``."""

    samples: npt.NDArray[np.float32]
    sample_rate_hz: int

    def __post_init__(self) -> None:
        if self.sample_rate_hz <= 0:
            raise ValueError("sample_rate_hz must be positive")

    @property
    def audible_end_s(self) -> float:
        """Seconds from the first sample to the end of the last audible one (0 when silent)."""
        return audible_end_sample(self.samples) / self.sample_rate_hz


CuePlayer = Callable[[str, str], CueSound | None]
"""Renders a student's line (text, language) as sound for the round to play; ``None`` when it
cannot (the round then shows the line)."""


def audible_end_sample(samples: npt.NDArray[np.floating]) -> int:
    """One past the last sample within ``AUDIBLE_BELOW_PEAK_DB`` of the peak (0: all silent)."""
    magnitude = np.abs(np.asarray(samples, dtype=np.float64).reshape(-1))
    if magnitude.size == 0:
        return 0
    peak = float(magnitude.max())
    if peak <= 0.0:
        return 0
    audible = np.nonzero(magnitude >= peak * 10 ** (-AUDIBLE_BELOW_PEAK_DB / 20))[0]
    return int(audible[-1]) + 1


CUE_MATCH_MIN = 0.5
"""The normalised correlation above which the played cue counts as found in what the
microphone heard (a loudspeaker the microphone picks up); below it (headphones) the cue is
placed by the devices' reported latencies instead."""


def locate_cue(
    played: npt.NDArray[np.floating],
    heard: npt.NDArray[np.floating],
    earliest: int,
    latest: int,
) -> int | None:
    """Where ``played`` starts in ``heard`` (both at the same rate), searched from ``earliest``
    to ``latest``; ``None`` when it is not heard there (normalised correlation below
    ``CUE_MATCH_MIN``)."""
    y = np.asarray(played, dtype=np.float64).reshape(-1)
    x = np.asarray(heard, dtype=np.float64).reshape(-1)
    m = y.size
    earliest = max(0, earliest)
    latest = min(latest, x.size - m)
    if m == 0 or latest < earliest:
        return None
    part = x[earliest : latest + m]
    n_fft = 1 << int(part.size + m - 1).bit_length()
    products = np.fft.irfft(np.fft.rfft(part, n_fft) * np.conj(np.fft.rfft(y, n_fft)), n_fft)
    correlation = products[: latest - earliest + 1]
    power = np.concatenate([[0.0], np.cumsum(part * part)])
    window = power[m : m + correlation.size] - power[: correlation.size]
    match = correlation / np.sqrt(np.maximum(window, 1e-20) * max(float(y @ y), 1e-20))
    best = int(np.argmax(match))
    return earliest + best if match[best] >= CUE_MATCH_MIN else None


SEARCH_BEFORE_S = 0.05
"""The cue is looked for from this long before the sample read when playback started ..."""
SEARCH_AFTER_S = 0.25
"""... to this long after where the reported latencies (or the streams' times) put it."""
LATE_TOLERANCE_S = 0.025
"""A cue heard more than this much later than its length allows (the output ran dry and
silence was played inside it) was stretched: its audible end is not where it should be.
Through PulseAudio the output's times wander by up to ~25 ms on a busy computer while the
sound itself plays whole (a 1 s buffer does not run dry without being late by far more)."""


def played_whole(underflows: int, late_s: float | None) -> bool:
    """Whether a cue played without gaps up to its audible end: the output never ran dry, and
    (when the sound system gives times) it was not heard later than its length allows."""
    return underflows == 0 and (late_s is None or late_s <= LATE_TOLERANCE_S)


@dataclass(frozen=True, slots=True, eq=False)
class CuePlacement:
    """A cue being played, placed in the microphone's samples (all counts at ``rate_hz``).

    ``predicted_start`` is where the devices' latencies put its first sample: what had been read
    when playback started, plus how far reading lagged the microphone, plus the output latency.
    Once ``ready_at`` samples have been heard, ``end_in`` looks for the cue itself in them (a
    loudspeaker the microphone picks up); where it is not heard (headphones) the sound system's
    clocks place it (``clocks``: the output's time for its first sample, as a microphone sample,
    asked then, when the output has said all it will), and without them the prediction does.
    A start from the clocks outside the searched stretch is taken for clocks that do not match.
    """

    played: npt.NDArray[np.float32]
    """The cue's samples up to its audible end, at ``rate_hz``."""
    predicted_start: int
    earliest: int
    latest: int
    clocks: Callable[[], int | None] | None = None

    @classmethod
    def start(
        cls,
        sound: CueSound,
        rate_hz: int,
        *,
        read_samples: int,
        behind_samples: int,
        output_latency_s: float,
        clocks: Callable[[], int | None] | None = None,
    ) -> CuePlacement:
        audible = sound.samples[: audible_end_sample(sound.samples)]
        played = (
            resample(audible, sound.sample_rate_hz, rate_hz)
            if sound.sample_rate_hz != rate_hz
            else audible.astype(np.float32)
        )
        predicted = read_samples + behind_samples + round(output_latency_s * rate_hz)
        return cls(
            played,
            predicted,
            earliest=read_samples - round(SEARCH_BEFORE_S * rate_hz),
            latest=predicted + round(SEARCH_AFTER_S * rate_hz),
            clocks=clocks,
        )

    @property
    def ready_at(self) -> int:
        """Heard samples needed before ``end_in`` can look everywhere the cue may be."""
        return self.latest + self.played.size

    def end_in(self, heard: npt.NDArray[np.floating]) -> int:
        """The cue's audible end in ``heard`` (the microphone's samples from the round's start)."""
        found = locate_cue(self.played, heard, self.earliest, self.latest)
        if found is None:
            timed = None if self.clocks is None else self.clocks()
            plausible = timed is not None and self.earliest <= timed <= self.latest
            found = timed if timed is not None and plausible else self.predicted_start
        return found + self.played.size
