"""'You waited 3.4 s … 3.9 times as long as round 1 (0.8 s)' did not add up: the ratio was
taken from the unrounded times (3.35 / 0.85). It is now the ratio of the times as shown."""

from __future__ import annotations

from simulator.audio.pattern import Shape, question_pause_name
from simulator.audio.result import ANALYSIS_RATE_HZ, Levels, RoundMeasurement, Segment
from simulator.coaching.feedback import round_feedback

R = ANALYSIS_RATE_HZ


def pause(pause_s: float, q_end_s: float = 3.46) -> RoundMeasurement:
    name_s = q_end_s + pause_s
    return RoundMeasurement(
        Shape.SPEECH_PAUSE_SPEECH,
        question_pause_name().band,
        (
            Segment(int(0.5 * R), round(q_end_s * R)),
            Segment(round(name_s * R), round((name_s + 0.3) * R)),
        ),
        (round(q_end_s * R), round(name_s * R)),
        None,
        Levels(-8.0, -20.0, -60.0, 0.0),
        (),
        round((name_s + 1.2) * R),
    )


def test_the_ratio_is_that_of_the_times_as_shown() -> None:
    rounds = [pause(0.8496), pause(3.3504)]
    en = round_feedback(question_pause_name(), rounds, "en").praise
    assert "3.4\xa0s" in en and "(0.8\xa0s)" in en
    assert "4.2 times as long as round 1" in en  # 3.4 / 0.8, not 3.35 / 0.85 = 3.9
    nl = round_feedback(question_pause_name(), rounds, "nl").praise
    assert "4,2 keer zo lang als ronde 1 (0,8\xa0s)" in nl
