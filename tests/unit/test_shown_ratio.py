"""'You waited 3.4 s … 3.9 times as long as round 1 (0.8 s)' did not add up: the ratio was
taken from the unrounded times (3.35 / 0.85). It is now the ratio of the times as shown."""

from __future__ import annotations

from simulator.audio.pattern import question_pause_name
from simulator.coaching.feedback import round_feedback
from tests.unit.test_export import sps


def test_the_ratio_is_that_of_the_times_as_shown() -> None:
    rounds = [sps(0.8496, 3.46), sps(3.3504, 3.46)]
    en = round_feedback(question_pause_name(), rounds, "en").praise
    assert "3.4\xa0s" in en and "(0.8\xa0s)" in en
    assert "4.2 times as long as round 1" in en  # 3.4 / 0.8, not 3.35 / 0.85 = 3.9
    nl = round_feedback(question_pause_name(), rounds, "nl").praise
    assert "4,2 keer zo lang als ronde 1 (0,8\xa0s)" in nl
