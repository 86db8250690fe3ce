"""The round without a screen: blocks in, events out, the end policy, the cue's place."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from simulator.audio.pattern import (
    DEFAULT_PAUSE_BAND,
    Pattern,
    Phase,
    PhaseKind,
    question_pause_name,
)
from simulator.audio.result import ANALYSIS_RATE_HZ as R
from simulator.rehearsal.round import (
    CueBegan,
    CueOver,
    Level,
    ListeningBegan,
    Round,
    RoundEvent,
    RoundPolicy,
    expected_speech_s,
)
from tests.speech import clip, make_round, silence

BLOCK = 320  # 20 ms, as the microphone delivers it
CUE = Pattern(
    (
        Phase(PhaseKind.CUE, "student"),
        Phase(PhaseKind.PAUSE, "wait", DEFAULT_PAUSE_BAND),
        Phase(PhaseKind.SPEECH, "response"),
    )
)


def feed(
    live: Round, x: npt.NDArray[np.float32], *, end_key_at: int | None = None
) -> list[tuple[int, RoundEvent]]:
    """Feed ``x`` block by block until the round stops reading; the events with the sample
    count at which each came."""
    events = []
    for i in range(0, x.size, BLOCK):
        ending = end_key_at is not None and i >= end_key_at
        events += [
            (live.read_samples, e) for e in live.feed(x[i : i + BLOCK], end_requested=ending)
        ]
        if live.stop_reading:
            break
    return events


def test_a_round_without_a_cue_listens_from_the_first_block_and_reports_levels() -> None:
    live = Round(question_pause_name(), cue=None, language="en", policy=RoundPolicy())
    events = feed(live, silence(1.0))
    assert events[0] == (BLOCK, ListeningBegan())
    levels = [n for n, e in events if isinstance(e, Level)]
    assert levels[:3] == [BLOCK, 4 * BLOCK, 7 * BLOCK]  # 50 ms (800 samples) apart at least
    assert all(e.level_dbfs == -100.0 for _, e in events if isinstance(e, Level))
    assert not live.stop_reading and live.cue_end_sample == 0


def test_silence_stops_the_round_after_the_no_speech_time() -> None:
    policy = RoundPolicy(no_speech_s=2.0)
    live = Round(question_pause_name(), cue=None, language="en", policy=policy)
    feed(live, silence(10.0))
    assert live.stop_reading and live.read_samples <= int(2.2 * R)
    outcome = live.finish()
    assert outcome.no_speech and not outcome.timed_out


def test_the_maximum_length_stops_the_round() -> None:
    live = Round(question_pause_name(), cue=None, language="en", policy=RoundPolicy(max_s=1.0))
    feed(live, silence(5.0))
    assert live.read_samples == R  # 1.0 s exactly, in whole blocks
    outcome = live.finish()
    assert outcome.timed_out and outcome.samples.size == R


def test_the_end_key_stops_reading_at_once() -> None:
    live = Round(question_pause_name(), cue=None, language="en", policy=RoundPolicy())
    feed(live, silence(5.0), end_key_at=R)
    assert live.read_samples == R + BLOCK and not live.finish().timed_out


def test_a_cue_without_a_voice_is_shown_for_as_long_as_it_takes_to_say() -> None:
    text = "I think it is the second one, because the first does not add up."
    policy = RoundPolicy()
    live = Round(CUE, cue=text, language="en", policy=policy)
    events = feed(live, silence(12.0))
    kinds = [type(e) for _, e in events]
    assert kinds[0] is CueBegan and kinds.count(CueOver) == 1 and ListeningBegan not in kinds
    over_at = next(n for n, e in events if isinstance(e, CueOver))
    said = max(policy.silent_cue_min_s, expected_speech_s(text, "en"))
    assert said > policy.silent_cue_min_s  # the line's length counts, not the minimum
    assert over_at == -(-int(said * R) // BLOCK) * BLOCK  # the first block past it
    assert live.cue_end_sample == int(said * R)


def test_a_cue_is_played_once_through_the_callers_door() -> None:
    asked: list[int] = []

    def start_cue(read_samples: int) -> None:
        asked.append(read_samples)
        return None  # no voice: shown instead

    live = Round(CUE, cue="Yes.", language="en", policy=RoundPolicy(), start_cue=start_cue)
    feed(live, silence(4.0))
    assert asked == [BLOCK]


def test_the_end_key_during_the_cue_counts_the_wait_from_there() -> None:
    live = Round(CUE, cue="Yes, I know.", language="en", policy=RoundPolicy())
    events = feed(live, silence(3.0), end_key_at=BLOCK * 10)
    assert (BLOCK * 11, CueOver()) in events
    assert live.cue_end_sample == BLOCK * 11


@pytest.mark.espeak
def test_a_round_ends_just_after_the_name_and_measures_the_pause() -> None:
    r = make_round(clip("Why did the price go up?", "en"), clip("Tom?", "en"), 2.0, tail_s=6.0)
    live = Round(question_pause_name(), cue=None, language="en", policy=RoundPolicy())
    feed(live, r.samples)
    name_end = r.name_start + clip("Tom?", "en").size
    assert 0.8 * R <= live.read_samples - name_end <= 1.0 * R
    outcome = live.finish()
    assert outcome.measurement.pause_s == pytest.approx(2.0, abs=0.03)
    assert not (outcome.timed_out or outcome.no_speech)
