"""One round of rehearsal: its phases, its end policy, and the audio fed through it.

:class:`Round` takes the microphone's 16 kHz blocks one by one and says what happened, as
events: listening began, the cue is due (the caller plays it and says where it lies), the cue is
over, a level to show. Once ``done`` (or ended by a key, or the source ran dry) ``finish`` gives
the measurement. Time is the count of samples fed; the round never reads a clock, opens a
device or plays a sound itself — the rounds screen's worker does that around it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from simulator.audio.cue import CuePlacement
from simulator.audio.live import NO_SPEECH_STOP_S, LiveRound
from simulator.audio.pattern import Pattern, Shape
from simulator.audio.result import ANALYSIS_RATE_HZ, RoundMeasurement

Samples = npt.NDArray[np.float32]


class RoundPhase(enum.StrEnum):
    """Where a round is, as the rounds screen shows it (the value names its CSS class)."""

    READY = "ready"
    """The prompt, waiting for Space."""
    STARTING = "starting"
    """Opening the microphone."""
    CUE = "cue"
    """The simulated student speaks."""
    LISTENING = "listening"
    ANALYSING = "analysing"
    """The last measurement, then the feedback."""
    STOPPED = "stopped"
    """The round could not finish (maximum length, microphone lost); Space retries."""

    @property
    def idle(self) -> bool:
        """No round is running: the keys that leave or change the round work."""
        return self in (RoundPhase.READY, RoundPhase.STOPPED)

    @property
    def hearing(self) -> bool:
        """The microphone is open and its level is shown."""
        return self in (RoundPhase.CUE, RoundPhase.LISTENING)


@dataclass(frozen=True, slots=True)
class RoundPolicy:
    """When a live round ends and how often it reports."""

    max_s: float = 45.0
    """A round that has not ended by itself after this long stops (``timed_out``)."""
    end_silence_s: float = 0.8
    """Silence after the complete pattern that ends the round."""
    check_every_s: float = 0.1
    """How often the round re-reads its audio for its end (~10 ms of work each): the feedback
    appears within this much of the end silence."""
    no_speech_s: float = NO_SPEECH_STOP_S
    """Listening this long without hearing speech stops the round (``no_speech``)."""
    level_every_samples: int = ANALYSIS_RATE_HZ // 20
    """Level updates at most every 50 ms of audio."""
    silent_cue_min_s: float = 2.0
    """Without a voice to play the student's answer, the cue is shown for at least this long."""

    def live_round(
        self,
        pattern: Pattern,
        cue_end_sample: int,
        question_s: float | None = None,
        checked_question_s: float | None = None,
    ) -> LiveRound:
        """The round's end is read from the audio alone: the teacher may ask their own question
        and call any name, in any language. ``question_s``: how long the question lasted in the
        session's earlier rounds, ``checked_question_s`` in the microphone check, when known."""
        return LiveRound(
            pattern,
            cue_end_sample=cue_end_sample,
            end_silence_s=self.end_silence_s,
            max_s=self.max_s,
            no_speech_s=self.no_speech_s,
            check_every_s=self.check_every_s,
            question_s=question_s,
            checked_question_s=checked_question_s,
        )

    def silent_cue_samples(self, text: str, language: str) -> int:
        """How long a cue without a voice is shown, in samples from the start of the round:
        about as long as it takes to say."""
        return int(max(self.silent_cue_min_s, expected_speech_s(text, language)) * ANALYSIS_RATE_HZ)


# -- events out ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ListeningBegan:
    """The first audio arrived and there is no cue: the teacher speaks."""


@dataclass(frozen=True, slots=True)
class CueBegan:
    """The first audio arrived: the cue was started (played or shown)."""


@dataclass(frozen=True, slots=True)
class CueOver:
    """The cue is over; the wait counts from its end."""


@dataclass(frozen=True, slots=True)
class Level:
    level_dbfs: float
    elapsed_s: float
    heard_speech: bool
    waiting_for_name: bool = False
    """The round waits on for a name that may still come (``LiveStatus.waiting_for_name``)."""


RoundEvent = ListeningBegan | CueBegan | CueOver | Level

CueStarter = Callable[[int], CuePlacement | None]
"""Plays the cue once this many samples have been read; returns where it lies in the
microphone's samples, or ``None`` when it is shown instead of played."""


@dataclass(frozen=True, slots=True)
class RoundOutcome:
    measurement: RoundMeasurement
    timed_out: bool
    no_speech: bool
    samples: Samples


class Round:
    """A round fed block by block (see the module's docstring)."""

    def __init__(
        self,
        pattern: Pattern,
        *,
        cue: str | None,
        language: str,
        policy: RoundPolicy,
        start_cue: CueStarter | None = None,
        question_s: float | None = None,
        checked_question_s: float | None = None,
    ) -> None:
        """``question_s``: how long the teacher's question lasted in the session's earlier
        rounds (``Session.question_s``), ``checked_question_s`` in the microphone check before
        them (``Session.checked_question_s``); they help tell a hesitation inside it from the
        thinking pause."""
        self.pattern = pattern
        self.cue = cue if pattern.shape is Shape.CUE_PAUSE_SPEECH else None
        self.language = language
        self.policy = policy
        self._start_cue = start_cue
        self._live: LiveRound | None = (
            None
            if self.cue is not None
            else policy.live_round(pattern, 0, question_s, checked_question_s)
        )
        self._buffered: list[Samples] = []
        self._placement: CuePlacement | None = None
        self._cue_over_at = 0
        self._next_level = 0
        self._stop = False
        self.read_samples = 0
        """Samples fed so far."""

    @property
    def stop_reading(self) -> bool:
        """The round is over: ended by itself (its pattern complete, at the maximum length,
        without speech) or by the end key, after the cue."""
        return self._stop

    @property
    def cue_end_sample(self) -> int | None:
        """Where the wait is counted from (0 without a cue); ``None`` while the cue lasts."""
        return None if self._live is None else self._live.cue_end_sample

    def feed(self, block: Samples, *, end_requested: bool = False) -> list[RoundEvent]:
        """Take the next block; ``end_requested``: the teacher pressed the end key."""
        events: list[RoundEvent] = []
        if block.size == 0:
            return events
        block = np.asarray(block, dtype=np.float32)
        first = self.read_samples == 0
        self.read_samples += block.size
        n = self.read_samples
        if first:
            if self.cue is not None:
                events.append(CueBegan())
                self._place_cue(self.cue, n)
            else:
                events.append(ListeningBegan())
        if self._live is None:
            self._buffered.append(block)
            if n >= self._cue_over_at or end_requested:
                cue_end = min(n, self._cue_over_at)
                if self._placement is not None and n >= self._cue_over_at:
                    cue_end = self._placement.end_in(np.concatenate(self._buffered))
                live = self._live = self.policy.live_round(self.pattern, cue_end)
                for b in self._buffered:
                    live.feed(b)
                self._buffered = []
                events.append(CueOver())
            return events
        status = self._live.feed(block)
        if n >= self._next_level:
            self._next_level = n + self.policy.level_every_samples
            events.append(
                Level(
                    status.level_dbfs,
                    status.elapsed_s,
                    status.heard_speech,
                    status.waiting_for_name,
                )
            )
        self._stop = status.done or end_requested
        return events

    def _place_cue(self, text: str, read_samples: int) -> None:
        if self._start_cue is not None:
            self._placement = self._start_cue(read_samples)
        if self._placement is not None:
            self._cue_over_at = self._placement.ready_at
        else:
            self._cue_over_at = self.policy.silent_cue_samples(text, self.language)

    def finish(self) -> RoundOutcome:
        """The round's measurement over everything fed (also when it was ended early)."""
        live = self._live
        if live is None:
            live = self.policy.live_round(self.pattern, self.read_samples)
            for b in self._buffered:
                live.feed(b)
        return RoundOutcome(live.finish(), live.timed_out, live.no_speech_stop, live.samples)


def expected_speech_s(text: str, language: str) -> float:
    """A rough spoken length of ``text`` (vowel groups ≈ syllables at ~5 per second): how long
    a cue is shown when there is no voice to play it."""
    vowels = set("aeiouyáéíóúäëïöüàèìòù")
    groups = 0
    previous = False
    for ch in text.lower():
        is_vowel = ch in vowels
        if is_vowel and not previous:
            groups += 1
        previous = is_vowel
    rate = 5.5 if language == "nl" else 5.0
    return groups / rate
