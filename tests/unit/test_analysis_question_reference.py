"""The speaker's own voice is learnt from the question: the longest utterance the speech model is
sure of, not merely the longest sound. A cough bout can outlast a question said quickly
("Waarom?"); taken for the question, it set the brightness, periodicity and high frequencies
the other utterances are judged against, and the teacher's name then read as the stranger.

The cough is a real recording from the shared development audio (Coswara, CC BY 4.0), read at
test time and not copied into the repository. (Many coughs the model hears as speech at their
loudest; for those the question's brightness and the model's own check decide, as before.)
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from simulator.audio.analysis import DEFAULT_CONFIG, speech_band
from simulator.audio.analysis.detection import _high_frequency_db, _question, _voiced_and_bright
from simulator.audio.analysis.levels import measure_levels
from simulator.audio.analysis.signal import FRAME_SAMPLES
from tests.speech import DEV_AUDIO, clip, needs_speech_model, recorded_sound, silence
from tests.unit.test_analysis_near_voice import _bright

pytestmark = pytest.mark.usefixtures("espeak")

COUGH = DEV_AUDIO / "events" / "cough" / "cough_coswara_kIHldMnyvm.flac"
"""A bout of coughs of 2.8 s (Coswara, CC BY 4.0; one of the files the room benchmark tunes on)
that the speech model, rightly, doubts."""

RULE = DEFAULT_CONFIG.detection
WITHOUT_RULE = replace(RULE, question_speech_probability=0.0)


def _round_with_a_long_cough(
    *, brightened: int = 0
) -> tuple[np.ndarray, list[list[tuple[int, int]]]]:
    """A short question, a cough bout a second into the pause that lasts five times as long, and
    the name; with each utterance's 10 ms frames, as detection groups them. ``brightened``: how
    often the cough's highs are lifted (a cough close to a bright laptop microphone)."""
    needs_speech_model()
    question = clip("Waarom?", "nl")
    name = clip("Kay?", "nl")
    cough = recorded_sound(COUGH, 1.0)
    for _ in range(brightened):
        cough = _bright(cough)
    cough = cough * np.float32(np.max(np.abs(question)) / np.max(np.abs(cough)))
    assert cough.size > 2 * question.size  # the longest sound of the round
    parts = [silence(0.5), question, silence(1.0), cough, silence(1.0), name, silence(0.5)]
    x = np.concatenate(parts)
    x = x + np.random.default_rng(0).standard_normal(x.size).astype(np.float32) * np.float32(1e-4)
    starts = np.cumsum([0] + [p.size for p in parts])
    groups = [
        [(int(starts[k]) // FRAME_SAMPLES, int(starts[k + 1]) // FRAME_SAMPLES)] for k in (1, 3, 5)
    ]
    return speech_band(x.astype(np.float32)), groups


def test_a_cough_bout_longer_than_the_question_is_not_taken_for_it() -> None:
    x, groups = _round_with_a_long_cough()
    question, heard = _question(x, groups, RULE)
    assert question == 0, heard
    assert heard[0] >= RULE.question_speech_probability
    # The model doubts the cough, and its answer is kept for the check every utterance gets.
    assert heard[1] < RULE.question_speech_probability
    # Without the rule the longest sound is the question.
    assert _question(x, groups, WITHOUT_RULE)[0] == 1


def test_judged_against_the_question_a_bright_cough_is_far_brighter_than_the_voice() -> None:
    x, groups = _round_with_a_long_cough(brightened=2)
    _, fl = measure_levels(x, 0.0, DEFAULT_CONFIG.levels)
    assert fl is not None
    _, bright = _voiced_and_bright(
        x, fl, groups, _question(x, groups, RULE)[0], RULE, _high_frequency_db(x, fl)
    )
    assert bright == [False, True, False]  # speech only if the model is sure of it
    # With the cough as the speaker's voice it is no brighter than itself, and the question and
    # the name, far duller, are never far brighter than it.
    _, bright = _voiced_and_bright(
        x, fl, groups, _question(x, groups, WITHOUT_RULE)[0], RULE, _high_frequency_db(x, fl)
    )
    assert bright == [False, False, False]
