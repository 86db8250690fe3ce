"""A break inside the question is not the thinking pause when the question goes on after it.

In a quiet room, a short pause followed by more than a name's length of what the speech model is
sure is speech reads as one utterance (``PatternConfig.run_on_max_pause_s``): a teacher who
hesitates inside the question and says no name after it is not told that they waited half a
second before the name. Each check also switches the rule off and shows the round then goes wrong;
a real thinking pause before a name with more words after it is still measured.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from simulator.audio.analysis import DEFAULT_CONFIG, analyze_samples
from simulator.audio.result import Reason
from tests.speech import RATE, clip, needs_speech_model, silence

pytestmark = pytest.mark.usefixtures("espeak")

RULE_OFF = replace(DEFAULT_CONFIG, pattern=replace(DEFAULT_CONFIG.pattern, run_on_max_pause_s=0.0))


def _question_parts() -> tuple[np.ndarray, np.ndarray]:
    return clip("Welke twee voorbeelden heb ik net gegeven"), clip(
        "van economische marktwerking in onze eigen stad?"
    )


def test_a_question_with_a_break_and_no_name_is_one_utterance() -> None:
    needs_speech_model()
    first, rest = _question_parts()
    assert rest.size > DEFAULT_CONFIG.pattern.name_max_s * RATE  # longer than any name
    x = np.concatenate([silence(0.5), first, silence(0.6), rest, silence(2.0)])

    m = analyze_samples(x, RATE)

    assert m.span is None
    assert m.reason is Reason.ONE_UTTERANCE
    # Without the rule the break inside the question is measured as a far too short pause.
    off = analyze_samples(x, RATE, config=RULE_OFF)
    assert off.span is not None
    assert off.pause_s == pytest.approx(0.6, abs=0.15)


def test_a_name_with_more_words_after_a_real_pause_is_still_measured() -> None:
    needs_speech_model()
    first, rest = _question_parts()
    question = np.concatenate([first, silence(0.2), rest])
    name = clip("Kay, wat denk jij daarvan?")
    assert name.size > DEFAULT_CONFIG.pattern.name_max_s * RATE
    x = np.concatenate([silence(0.5), question, silence(3.0), name, silence(1.5)])

    m = analyze_samples(x, RATE)

    assert m.span is not None, m.reason
    assert m.pause_s == pytest.approx(3.0, abs=0.15)
