"""Measured patterns: the small sequence of phases a scenario asks the teacher to produce.

A pattern is data, not code. The analysis engine understands three shapes generically:

* ``speech → pause → speech`` (question, thinking pause, name): the pause is measured;
* ``cue → pause → speech`` (the app plays a student's answer, then the teacher responds): the pause
  from the end of the cue to the teacher's first word is measured;
* ``speech`` alone (one spoken turn, e.g. a direction): its length is measured.

Exactly one phase carries a ``band``; its duration is the measurement and the verdict compares it
with the band.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class PhaseKind(enum.Enum):
    SPEECH = "speech"
    PAUSE = "pause"
    CUE = "cue"


class Shape(enum.Enum):
    """The pattern shapes the engine can measure."""

    SPEECH_PAUSE_SPEECH = "speech-pause-speech"
    CUE_PAUSE_SPEECH = "cue-pause-speech"
    TIMED_TURN = "timed-turn"


@dataclass(frozen=True, slots=True)
class Band:
    """A target duration with the range that still counts as on target (seconds)."""

    target_s: float
    min_s: float
    max_s: float

    def __post_init__(self) -> None:
        if not (self.min_s >= 0 and self.max_s > 0):
            raise ValueError("band bounds must be non-negative and the maximum positive")
        if self.min_s > self.max_s:
            raise ValueError(f"band minimum {self.min_s} s is above its maximum {self.max_s} s")
        if not (self.min_s <= self.target_s <= self.max_s):
            raise ValueError(
                f"target {self.target_s} s lies outside the band {self.min_s}–{self.max_s} s"
            )


DEFAULT_PAUSE_BAND = Band(target_s=3.0, min_s=2.5, max_s=4.0)


@dataclass(frozen=True, slots=True)
class Phase:
    kind: PhaseKind
    label: str
    band: Band | None = None


@dataclass(frozen=True, slots=True)
class Pattern:
    phases: tuple[Phase, ...]

    def __post_init__(self) -> None:
        measured = [p for p in self.phases if p.band is not None]
        if len(measured) != 1:
            raise ValueError("a pattern needs exactly one phase with a band (the measured phase)")
        _ = self.shape  # raises ValueError for an unsupported sequence

    @property
    def shape(self) -> Shape:
        kinds = tuple(p.kind for p in self.phases)
        band_at = next(i for i, p in enumerate(self.phases) if p.band is not None)
        if kinds == (PhaseKind.SPEECH, PhaseKind.PAUSE, PhaseKind.SPEECH) and band_at == 1:
            return Shape.SPEECH_PAUSE_SPEECH
        if kinds == (PhaseKind.CUE, PhaseKind.PAUSE, PhaseKind.SPEECH) and band_at == 1:
            return Shape.CUE_PAUSE_SPEECH
        if kinds == (PhaseKind.SPEECH,):
            return Shape.TIMED_TURN
        raise ValueError(
            "unsupported phase sequence "
            + " → ".join(k.value for k in kinds)
            + "; use speech → pause → speech, cue → pause → speech, or a single speech phase"
        )

    @property
    def band(self) -> Band:
        return next(p.band for p in self.phases if p.band is not None)

    @property
    def measured(self) -> Phase:
        return next(p for p in self.phases if p.band is not None)

    def with_band(self, band: Band) -> Pattern:
        return Pattern(
            tuple(Phase(p.kind, p.label, band if p.band is not None else None) for p in self.phases)
        )


def question_pause_name(band: Band = DEFAULT_PAUSE_BAND) -> Pattern:
    """The flagship pattern: the question, a thinking pause, then the student's name."""
    return Pattern(
        (
            Phase(PhaseKind.SPEECH, "question"),
            Phase(PhaseKind.PAUSE, "thinking", band),
            Phase(PhaseKind.SPEECH, "name"),
        )
    )
