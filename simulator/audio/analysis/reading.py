"""Stage 4, pattern reading: question → pause → name, cue → pause → response, or one timed turn,
read off the speaker's segments; or the reason why not."""

from __future__ import annotations

import numpy as np

from simulator.audio.analysis.config import PatternConfig
from simulator.audio.pattern import Pattern, Shape
from simulator.audio.result import (
    ANALYSIS_RATE_HZ,
    Levels,
    LevelWarning,
    Reason,
    RoundMeasurement,
    Segment,
)


def read_pattern(
    segs: list[tuple[int, int]],
    pattern: Pattern,
    levels: Levels,
    n_samples: int,
    *,
    cue_end_sample: int = 0,
    config: PatternConfig,
) -> RoundMeasurement:
    """Read the pattern off the speaker's segments."""
    warnings: list[LevelWarning] = []
    if levels.speech_dbfs is not None and levels.speech_dbfs < config.quiet_speech_dbfs:
        warnings.append(LevelWarning.TOO_QUIET)
    if levels.clipped_fraction >= config.clip_warn_fraction:
        warnings.append(LevelWarning.CLIPPED)
    segments = tuple(Segment(a, b) for a, b in segs)
    span, reason = _span_or_reason(segments, pattern.shape, cue_end_sample, config)
    if span is None and reason is not Reason.NAME_FIRST:
        if levels.clipped_fraction >= config.clip_fail_fraction:
            reason = Reason.CLIPPED
        elif LevelWarning.TOO_QUIET in warnings:
            # Speech-like sound was there, only too faint to measure; silence stays "no speech".
            reason = Reason.TOO_QUIET
    return RoundMeasurement(
        shape=pattern.shape,
        band=pattern.band,
        segments=segments,
        span=span,
        reason=reason,
        levels=levels,
        warnings=tuple(warnings),
        duration_samples=n_samples,
    )


def utterances(segments: tuple[Segment, ...], gap_s: float) -> list[list[Segment]]:
    """Group segments separated by less than ``gap_s`` (hesitations between words)."""
    groups: list[list[Segment]] = []
    gap = int(gap_s * ANALYSIS_RATE_HZ)
    for s in segments:
        if groups and s.start - groups[-1][-1].end < gap:
            groups[-1].append(s)
        else:
            groups.append([s])
    return groups


def _span_or_reason(
    segments: tuple[Segment, ...], shape: Shape, cue_end: int, config: PatternConfig
) -> tuple[tuple[int, int] | None, Reason | None]:
    if not segments:
        return None, Reason.NO_SPEECH
    if shape is Shape.TIMED_TURN:
        return (segments[0].start, segments[-1].end), None
    if shape is Shape.CUE_PAUSE_SPEECH:
        # A stretch that began before the cue's end and stops soon after it is the cue's own
        # tail reaching the microphone late (loudspeaker latency), not the teacher.
        echo = int(config.cue_echo_s * ANALYSIS_RATE_HZ)
        after = [
            s
            for s in segments
            if s.end > cue_end and not (s.start <= cue_end < s.end <= cue_end + echo)
        ]
        if not after:
            return None, Reason.NO_RESPONSE
        first = after[0]
        if first.start <= cue_end:
            return None, Reason.NO_PAUSE  # already talking when the cue ended
        return (cue_end, first.start), None
    groups = utterances(segments, config.utterance_gap_s)
    if len(groups) == 1:
        only = groups[0]
        if (
            len(only) >= 2
            and (only[-1].end - only[-1].start) <= config.joined_name_max_s * ANALYSIS_RATE_HZ
        ):
            return None, Reason.NO_PAUSE
        return None, Reason.ONE_UTTERANCE

    def length_s(group: list[Segment]) -> float:
        return (group[-1].end - group[0].start) / ANALYSIS_RATE_HZ

    name = groups[-1]
    # Name first: a short call-out, then the round's longest silence, then the (long) question —
    # even when a hesitation inside that question leaves a short last stretch like a name.
    gaps = [groups[i + 1][0].start - groups[i][-1].end for i in range(len(groups) - 1)]
    longest_silence_first = int(np.argmax(gaps)) == 0
    short_first = length_s(groups[0]) <= config.name_first_max_s
    if (
        len(groups) >= 3
        and longest_silence_first
        and short_first
        and sum(length_s(g) for g in groups[1:]) > config.name_max_s
    ):
        return None, Reason.NAME_FIRST
    # A short first stretch and a long last one: a name said first, then the wait, then the
    # question; or a short question, the wait, and the name with more words after it. Which of
    # them, the place of the round's longest silence tells.
    if (
        length_s(name) > config.name_max_s
        and short_first
        and (not config.name_first_longest_silence or longest_silence_first)
    ):
        return None, Reason.NAME_FIRST
    # (A long last stretch after a long first one: the name came with more words; the pause
    # before it still counts.)
    return _longest_gap_after_question(groups, config.name_max_s, config.question_min_share), None


def _longest_gap_after_question(
    groups: list[list[Segment]], name_max_s: float, question_min_share: float
) -> tuple[int, int]:
    """The thinking pause: the longest silence after the question that is followed by something
    as short as a name. The teacher asks, waits and says the name; what sounds after the name
    (other voices, a cough, a chair, more words after a breath) leaves shorter gaps than the
    wait, and is not taken for the name. A break inside the question, followed by the rest of
    it, is no candidate however long it is. The question is the first utterance before the last
    that is at least ``question_min_share`` as long as the longest of them: the teacher asks
    first, and words after the name can be as long as a short question (the last utterance is
    never the question, however long)."""

    def length(k: int) -> int:
        return groups[k][-1].end - groups[k][0].start

    last = len(groups) - 2
    longest = max(range(last + 1), key=length)
    bar = question_min_share * length(longest)
    question = next((k for k in range(longest) if length(k) >= bar), longest)
    name_max = name_max_s * ANALYSIS_RATE_HZ
    after = [i for i in range(question, last) if length(i + 1) <= name_max]
    k = max(after + [last], key=lambda i: (groups[i + 1][0].start - groups[i][-1].end, i))
    return groups[k][-1].end, groups[k + 1][0].start
