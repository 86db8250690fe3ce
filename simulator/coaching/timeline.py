"""The measurement as a picture: phases in seconds and the target band, for the UI to draw."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.audio.pattern import Band, Pattern, PhaseKind, Shape
from simulator.audio.result import RoundMeasurement


@dataclass(frozen=True, slots=True)
class TimelinePhase:
    label: str
    """The phase's label from the scenario's pattern (already in the scenario's language)."""
    kind: PhaseKind
    start_s: float
    end_s: float
    measured: bool
    """True for the phase whose length is compared with the band."""

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True, slots=True)
class Timeline:
    """Phases of one round (empty when nothing could be measured), the raw speech segments,
    and the band placed where the measured phase begins."""

    phases: tuple[TimelinePhase, ...]
    band: Band
    band_anchor_s: float | None
    speech_s: tuple[tuple[float, float], ...]
    total_s: float

    @property
    def band_start_s(self) -> float | None:
        """Where the measured phase would end at the band's minimum."""
        return None if self.band_anchor_s is None else self.band_anchor_s + self.band.min_s

    @property
    def band_end_s(self) -> float | None:
        return None if self.band_anchor_s is None else self.band_anchor_s + self.band.max_s

    @property
    def target_s(self) -> float | None:
        return None if self.band_anchor_s is None else self.band_anchor_s + self.band.target_s

    @property
    def measured(self) -> TimelinePhase | None:
        return next((p for p in self.phases if p.measured), None)


def build_timeline(pattern: Pattern, m: RoundMeasurement) -> Timeline:
    speech = tuple((s.start_s, s.end_s) for s in m.segments)
    total_s = max(m.audio_s, speech[-1][1] if speech else 0.0)
    start_s, end_s = m.span_start_s, m.span_end_s
    if start_s is None or end_s is None or m.span is None:
        return Timeline((), m.band, None, speech, total_s)
    phases = pattern.phases
    if m.shape is Shape.TIMED_TURN:
        only = phases[0]
        turn = TimelinePhase(only.label, only.kind, start_s, end_s, True)
        return Timeline((turn,), m.band, start_s, speech, total_s)
    first, pause, second = phases
    if m.shape is Shape.SPEECH_PAUSE_SPEECH:
        before_s = speech[0][0] if speech else start_s
    else:
        before_s = 0.0  # the cue is played by the app from the start of the round
    after = [s for s in m.segments if s.start >= m.span[1]]
    after_end_s = after[-1].end_s if m.shape is Shape.SPEECH_PAUSE_SPEECH and after else None
    if m.shape is Shape.CUE_PAUSE_SPEECH and after:
        after_end_s = after[0].end_s
    return Timeline(
        (
            TimelinePhase(first.label, first.kind, before_s, start_s, False),
            TimelinePhase(pause.label, pause.kind, start_s, end_s, True),
            TimelinePhase(second.label, second.kind, end_s, after_end_s or end_s, False),
        ),
        m.band,
        start_s,
        speech,
        total_s,
    )
