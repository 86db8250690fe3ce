"""What a round's analysis returns: segments, the measured span, a verdict, or why there is none."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from simulator.audio.pattern import Band, Shape

ANALYSIS_RATE_HZ = 16_000
"""All analysis runs at 16 kHz mono; every sample index in a result counts at this rate."""


class Reason(enum.Enum):
    """Why no measurement could be made."""

    NO_SPEECH = "no_speech"
    ONE_UTTERANCE = "one_utterance"
    NAME_FIRST = "name_first"
    NO_PAUSE = "no_pause"
    TOO_QUIET = "too_quiet"
    CLIPPED = "clipped"
    NO_RESPONSE = "no_response"
    """cue → pause → speech: the teacher never spoke after the cue."""


class Verdict(enum.Enum):
    TOO_SHORT = "too_short"
    ON_TARGET = "on_target"
    TOO_LONG = "too_long"
    NO_MEASUREMENT = "no_measurement"


class LevelWarning(enum.Enum):
    TOO_QUIET = "too_quiet"
    CLIPPED = "clipped"
    OTHER_VOICES = "other_voices"
    """The speech model heard speech in the thinking pause: mostly other people talking near the
    microphone, whose words may have been taken for the teacher's; or the teacher counting aloud.
    The pause is still measured; the feedback says it may be off."""


@dataclass(frozen=True, slots=True)
class Segment:
    """One stretch of the speaker's speech, ``[start, end)`` in samples at the analysis rate."""

    start: int
    end: int

    @property
    def start_s(self) -> float:
        return self.start / ANALYSIS_RATE_HZ

    @property
    def end_s(self) -> float:
        return self.end / ANALYSIS_RATE_HZ

    @property
    def duration_s(self) -> float:
        return (self.end - self.start) / ANALYSIS_RATE_HZ


@dataclass(frozen=True, slots=True)
class Levels:
    """Input levels seen in the round, in dB relative to full scale."""

    peak_dbfs: float
    speech_dbfs: float | None
    noise_floor_dbfs: float
    clipped_fraction: float


def verdict_for(duration_s: float, band: Band) -> Verdict:
    if duration_s < band.min_s:
        return Verdict.TOO_SHORT
    if duration_s > band.max_s:
        return Verdict.TOO_LONG
    return Verdict.ON_TARGET


@dataclass(frozen=True, slots=True)
class RoundMeasurement:
    """The analysis of one rehearsal round.

    ``span`` is the measured stretch in samples: for speech → pause → speech the end of the first
    speech (the question) and the start of the second (the name); for cue → pause → speech the end
    of the cue and the teacher's first word; for a timed turn the start and end of the turn.
    ``span`` is ``None`` exactly when ``reason`` says why nothing could be measured.
    """

    shape: Shape
    band: Band
    segments: tuple[Segment, ...]
    span: tuple[int, int] | None
    reason: Reason | None
    levels: Levels
    warnings: tuple[LevelWarning, ...]
    duration_samples: int

    @property
    def measured_s(self) -> float | None:
        if self.span is None:
            return None
        return (self.span[1] - self.span[0]) / ANALYSIS_RATE_HZ

    @property
    def pause_s(self) -> float | None:
        """The measured pause (``None`` for a timed turn, which measures speech)."""
        return None if self.shape is Shape.TIMED_TURN else self.measured_s

    @property
    def span_start_s(self) -> float | None:
        return None if self.span is None else self.span[0] / ANALYSIS_RATE_HZ

    @property
    def span_end_s(self) -> float | None:
        return None if self.span is None else self.span[1] / ANALYSIS_RATE_HZ

    @property
    def verdict(self) -> Verdict:
        measured = self.measured_s
        if measured is None:
            return Verdict.NO_MEASUREMENT
        return verdict_for(measured, self.band)

    @property
    def audio_s(self) -> float:
        return self.duration_samples / ANALYSIS_RATE_HZ
