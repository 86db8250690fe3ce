"""Live rounds: decide when a round is over, using the very analysis that measures it.

The app feeds 16 kHz blocks as they arrive. Every ``check_every_s`` of audio the whole buffer is
analysed with ``analyze_samples`` (the same function ``coach-sim analyze`` uses); the round is over
once the pattern is complete and followed by ``end_silence_s`` of silence, or after ``max_s``.
Nothing here reads a clock: time is the count of samples fed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from simulator.audio.analysis import DEFAULT_CONFIG, DetectorConfig, analyze_samples
from simulator.audio.pattern import Pattern, Shape
from simulator.audio.result import ANALYSIS_RATE_HZ, Reason, RoundMeasurement

GIVE_UP_SILENCE_S = 8.0
"""After speech, this much silence ends the round even if the pattern is incomplete."""
NOISY_ROOM_DB = 30.0
"""A room where the speaker is less than this above the noise floor counts as loud."""
TURN_END_SILENCE_S = 1.5
"""A timed turn (a direction) or a response after a cue may hold short pauses between
sentences; it ends after this much silence."""


@dataclass(frozen=True, slots=True)
class LiveStatus:
    elapsed_samples: int
    level_dbfs: float
    heard_speech: bool
    done: bool
    timed_out: bool

    @property
    def elapsed_s(self) -> float:
        return self.elapsed_samples / ANALYSIS_RATE_HZ


def block_level_dbfs(block: npt.NDArray[np.float32]) -> float:
    if block.size == 0:
        return -100.0
    rms = float(np.sqrt(np.mean(np.square(block, dtype=np.float64))))
    return max(20.0 * float(np.log10(rms + 1e-12)), -100.0)


class LiveRound:
    def __init__(
        self,
        pattern: Pattern,
        *,
        cue_end_sample: int = 0,
        end_silence_s: float = 0.8,
        max_s: float = 45.0,
        min_question_s: float = 0.0,
        max_name_s: float | None = None,
        check_every_s: float = 0.2,
        config: DetectorConfig = DEFAULT_CONFIG,
    ) -> None:
        self.pattern = pattern
        self.cue_end_sample = cue_end_sample
        self._end_silence = int(end_silence_s * ANALYSIS_RATE_HZ)
        self._max = int(max_s * ANALYSIS_RATE_HZ)
        self._min_question = int(min_question_s * ANALYSIS_RATE_HZ)
        self._max_name = None if max_name_s is None else int(max_name_s * ANALYSIS_RATE_HZ)
        # When what follows the pause does not sound like the name, wait this long: longer than
        # any pause the band allows, so a real name after a real pause still counts.
        self._unsure_silence = max(
            self._end_silence,
            int(min(GIVE_UP_SILENCE_S, pattern.band.max_s + 1.0) * ANALYSIS_RATE_HZ),
        )
        self._check_every = int(check_every_s * ANALYSIS_RATE_HZ)
        self._config = config
        self._blocks: list[npt.NDArray[np.float32]] = []
        self._n = 0
        self._next_check = self._check_every
        self._heard = False
        self._done = False
        self._timed_out = False
        self._last: RoundMeasurement | None = None

    @property
    def samples(self) -> npt.NDArray[np.float32]:
        if not self._blocks:
            return np.zeros(0, dtype=np.float32)
        if len(self._blocks) > 1:
            self._blocks = [np.concatenate(self._blocks)]
        return self._blocks[0]

    def feed(self, block: npt.NDArray[np.float32]) -> LiveStatus:
        block = np.asarray(block, dtype=np.float32).reshape(-1)
        if not self._done and block.size:
            self._blocks.append(block)
            self._n += block.size
            if self._n >= self._max:
                self._done = self._timed_out = True
            elif self._n >= self._next_check:
                self._next_check = self._n + self._check_every
                self._check()
        return LiveStatus(
            self._n, block_level_dbfs(block), self._heard, self._done, self._timed_out
        )

    def _check(self) -> None:
        m = analyze_samples(
            self.samples,
            ANALYSIS_RATE_HZ,
            self.pattern,
            cue_end_sample=self.cue_end_sample,
            config=self._config,
        )
        self._last = m
        if not m.segments:
            return
        self._heard = True
        silence = self._n - m.segments[-1].end
        shape = self.pattern.shape
        needed: int | None = None  # the silence that ends the round in this state
        if shape is Shape.TIMED_TURN or (shape is Shape.CUE_PAUSE_SPEECH and m.span is not None):
            # A direction, or a response to a student, may hold pauses between sentences.
            needed = int(TURN_END_SILENCE_S * ANALYSIS_RATE_HZ)
        elif m.span is not None:
            question = m.span[0] - m.segments[0].start
            long_enough = shape is not Shape.SPEECH_PAUSE_SPEECH or question >= self._min_question
            needed = self._end_silence if long_enough else None
            name = m.segments[-1].end - m.span[1]
            if needed is not None and self._max_name is not None and name > self._max_name:
                # Longer than the name: more likely the end of the question after a break
                # inside it (in a noisy room words come apart); the name may still come.
                needed = self._unsure_silence
        elif m.reason is Reason.NAME_FIRST:
            needed = 2 * self._end_silence
            levels = m.levels
            if (
                levels.speech_dbfs is not None
                and levels.speech_dbfs - levels.noise_floor_dbfs < NOISY_ROOM_DB
            ):
                # In a loud room a question's first words can come apart from the rest and read
                # as a name said first; wait, as for an unsure name, before ending.
                needed = max(needed, self._unsure_silence)
        if needed is not None:
            self._done = silence >= needed
            if not self._done:
                # Look again the moment that silence is complete, not up to a check later.
                self._next_check = min(self._next_check, self._n + needed - silence)
        if not self._done and silence >= int(GIVE_UP_SILENCE_S * ANALYSIS_RATE_HZ):
            self._done = True

    @property
    def done(self) -> bool:
        return self._done

    @property
    def timed_out(self) -> bool:
        return self._timed_out

    def finish(self) -> RoundMeasurement:
        """The round's measurement over everything fed (also when ended early by a key)."""
        return analyze_samples(
            self.samples,
            ANALYSIS_RATE_HZ,
            self.pattern,
            cue_end_sample=self.cue_end_sample,
            config=self._config,
        )


def expected_speech_s(text: str, language: str) -> float:
    """A rough spoken length of ``text`` (vowel groups ≈ syllables at ~5 per second).

    Used only to avoid ending a round on a hesitation inside a long question: the question must
    have lasted at least about half this long before a short last stretch is taken as the name.
    """
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
