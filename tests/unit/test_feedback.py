"""Round feedback and the session summary, on RoundMeasurement values built directly."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.audio.pattern import Band, Pattern, Phase, PhaseKind, Shape, question_pause_name
from simulator.audio.result import (
    ANALYSIS_RATE_HZ,
    Levels,
    LevelWarning,
    Reason,
    RoundMeasurement,
    Segment,
    Verdict,
)
from simulator.coaching import Change, Trend, round_feedback, summarize
from simulator.i18n import LANGUAGES
from simulator.scenarios.model import Origin, RoundPrompt, Scenario

R = ANALYSIS_RATE_HZ
SPS = question_pause_name()
CPS = Pattern(
    (
        Phase(PhaseKind.CUE, "answer"),
        Phase(PhaseKind.PAUSE, "wait time", Band(3.0, 2.5, 5.0)),
        Phase(PhaseKind.SPEECH, "response"),
    )
)
TURN = Pattern((Phase(PhaseKind.SPEECH, "direction", Band(4.0, 2.0, 6.0)),))
LEVELS = Levels(peak_dbfs=-8.0, speech_dbfs=-20.0, noise_floor_dbfs=-60.0, clipped_fraction=0.0)


def seg(a_s: float, b_s: float) -> Segment:
    return Segment(round(a_s * R), round(b_s * R))


def sps(
    pause_s: float, *, q_end_s: float = 2.5, warnings: tuple[LevelWarning, ...] = ()
) -> RoundMeasurement:
    name_s = q_end_s + pause_s
    return RoundMeasurement(
        shape=Shape.SPEECH_PAUSE_SPEECH,
        band=SPS.band,
        segments=(seg(0.3, q_end_s), seg(name_s, name_s + 0.45)),
        span=(round(q_end_s * R), round(name_s * R)),
        reason=None,
        levels=LEVELS,
        warnings=warnings,
        duration_samples=round((name_s + 1.3) * R),
    )


def cps(wait_s: float, cue_end_s: float = 2.0) -> RoundMeasurement:
    start = cue_end_s + wait_s
    return RoundMeasurement(
        Shape.CUE_PAUSE_SPEECH,
        CPS.band,
        (seg(start, start + 2.0),),
        (round(cue_end_s * R), round(start * R)),
        None,
        LEVELS,
        (),
        round((start + 3.0) * R),
    )


def turn(length_s: float) -> RoundMeasurement:
    return RoundMeasurement(
        Shape.TIMED_TURN,
        TURN.band,
        (seg(0.5, 0.5 + length_s),),
        (round(0.5 * R), round((0.5 + length_s) * R)),
        None,
        LEVELS,
        (),
        round((length_s + 2.0) * R),
    )


def problem(reason: Reason, shape: Shape = Shape.SPEECH_PAUSE_SPEECH) -> RoundMeasurement:
    band = {Shape.SPEECH_PAUSE_SPEECH: SPS, Shape.CUE_PAUSE_SPEECH: CPS, Shape.TIMED_TURN: TURN}
    segments = () if reason is Reason.NO_SPEECH else (seg(0.4, 0.9), seg(1.4, 4.2))
    levels = LEVELS
    if reason is Reason.TOO_QUIET:
        levels = Levels(-42.0, -51.0, -70.0, 0.0)
    return RoundMeasurement(
        shape, band[shape].band, segments, None, reason, levels, (), round(6.0 * R)
    )


def pattern_for(shape: Shape) -> Pattern:
    return {Shape.SPEECH_PAUSE_SPEECH: SPS, Shape.CUE_PAUSE_SPEECH: CPS, Shape.TIMED_TURN: TURN}[
        shape
    ]


def scenario(feedback: tuple[tuple[str, str], ...]) -> Scenario:
    return Scenario(
        id="check-question",
        language="en",
        title="Check question",
        action_step="Ask first, pause, then name.",
        why="Everyone thinks.",
        research=None,
        story="Mike coaches Jantien.",
        model_line="Which two examples…? … Kay?",
        prompts=(RoundPrompt("situation", "Which two examples?", "Kay"),),
        pattern=SPS,
        rounds=3,
        feedback=feedback,
        materials=(),
        path=Path("check-question.en.toml"),
        origin=Origin.BUILT_IN,
    )


NBSP = "\u00a0"


def test_first_round_praise_is_specific_and_next_step_is_concrete() -> None:
    fb = round_feedback(SPS, [sps(1.0)], "en")
    assert fb.round_number == 1
    assert fb.verdict is Verdict.TOO_SHORT
    assert fb.measured_s == pytest.approx(1.0)
    assert fb.problem is None
    assert fb.change is Change.FIRST and fb.reference_round is None
    assert fb.praise == f"Question first, 1.0{NBSP}s of silence, then the name."
    assert fb.heading == "What went well" and fb.went_well
    assert fb.next_step == "Wait longer: count to three in your head. Everyone gets time to think."


def test_comparisons_with_the_previous_round() -> None:
    fb = round_feedback(SPS, [sps(1.0), sps(2.0)], "en")
    assert fb.change is Change.CLOSER and fb.reference_round == 1
    assert fb.praise.endswith(f"Twice as long as round 1 (1.0{NBSP}s).")
    nl = round_feedback(SPS, [sps(1.0), sps(2.0)], "nl")
    assert nl.praise.endswith(f"Twee keer zo lang als ronde 1 (1,0{NBSP}s).")
    fb = round_feedback(SPS, [sps(1.0), sps(3.0)], "en")
    assert fb.change is Change.INTO_BAND
    assert f"3.0 times as long as round 1 (1.0{NBSP}s)." in fb.praise
    fb = round_feedback(SPS, [sps(2.2), sps(3.0)], "en")
    assert fb.change is Change.INTO_BAND
    assert fb.praise.endswith(f"In round 1 it was still 2.2{NBSP}s.")
    fb = round_feedback(SPS, [sps(6.0), sps(4.8)], "en")
    assert fb.change is Change.CLOSER
    assert fb.praise.endswith(f"1.2{NBSP}s closer to the range than round 1 (6.0{NBSP}s).")
    fb = round_feedback(SPS, [sps(3.1), sps(3.0)], "en")
    assert fb.change is Change.HELD and fb.praise.endswith("Just like round 1.")
    assert "without counting" in fb.next_step  # on target twice: the next step moves on
    fb = round_feedback(SPS, [sps(2.8), sps(3.1), sps(3.0)], "en")
    assert fb.praise.endswith("That is 3 rounds in a row.")


def test_the_false_comparisons_of_the_past_cannot_be_made() -> None:
    # 14.0 s then 3.6 s: round 1 was not closer, and is not held up.
    fb = round_feedback(SPS, [sps(14.0), sps(3.6)], "nl")
    assert fb.change is Change.INTO_BAND and "dichter" not in fb.praise
    # Further from the band: no earlier off-target round held up, and one target in the step.
    fb = round_feedback(SPS, [sps(2.0), sps(1.5)], "en")
    assert fb.change is Change.FURTHER and "round 1" not in fb.praise + fb.next_step
    assert fb.next_step.count(NBSP) == 0  # the target is the count, no second number
    # 1.87 times is not "twice".
    fb = round_feedback(SPS, [sps(1.5), sps(2.8)], "nl")
    assert "twee keer" not in fb.praise and "1,9 keer zo lang" in fb.praise
    # 3.8 s against a 3.0 s target is within the range, never "exactly".
    fb = round_feedback(SPS, [sps(3.8)], "nl")
    assert "precies" not in fb.praise and "binnen de marge" in fb.praise
    # 8.0 s against 2.5–4.0 s is far too long: not "a little".
    fb = round_feedback(SPS, [sps(8.0)], "en")
    assert "much shorter" in fb.next_step and "a little" not in fb.next_step
    fb = round_feedback(SPS, [sps(4.3)], "en")
    assert "a little shorter" in fb.next_step


def test_an_earlier_round_is_held_up_only_when_it_was_on_target() -> None:
    fb = round_feedback(SPS, [sps(3.0), sps(1.5)], "en")
    assert fb.change is Change.SLIPPED and fb.reference_round == 1
    assert f"In round 1 you did it: 3.0{NBSP}s." in fb.praise
    fb = round_feedback(SPS, [sps(2.0), sps(1.0)], "en")
    assert "round 1" not in fb.praise and fb.reference_round is None
    fb = round_feedback(SPS, [sps(1.0), sps(1.1)], "en")
    assert fb.change is Change.SAME and "round 1" not in fb.praise


def test_counting_comes_from_the_target() -> None:
    five = Pattern(
        (
            Phase(PhaseKind.SPEECH, "question"),
            Phase(PhaseKind.PAUSE, "think time", Band(5.0, 4.0, 7.0)),
            Phase(PhaseKind.SPEECH, "name"),
        )
    )
    m = RoundMeasurement(
        Shape.SPEECH_PAUSE_SPEECH,
        Band(5.0, 4.0, 7.0),
        (seg(0.3, 2.5), seg(4.5, 4.9)),
        (round(2.5 * R), round(4.5 * R)),
        None,
        LEVELS,
        (),
        round(6 * R),
    )
    nl = round_feedback(five, [m], "nl")
    assert "tel in je hoofd tot vijf" in nl.next_step and "drie" not in nl.next_step
    en = round_feedback(five, [problem(Reason.NAME_FIRST)], "en")
    assert "count to three" in en.next_step  # that round's own band is the 3 s default
    assert "count to five" in round_feedback(five, [m], "en").next_step


def test_a_fixed_failure_is_acknowledged_in_the_next_round() -> None:
    fb = round_feedback(SPS, [problem(Reason.NAME_FIRST), sps(2.0)], "nl")
    assert fb.praise.startswith("Nu kwam de naam ná de vraag.")
    fb = round_feedback(CPS, [problem(Reason.NO_PAUSE, Shape.CUE_PAUSE_SPEECH), cps(3.0)], "en")
    assert "Now you let the answer end first." in fb.praise
    # A microphone problem fixed is not praise for the move.
    fb = round_feedback(SPS, [problem(Reason.NO_SPEECH), sps(2.0)], "en")
    assert fb.praise == f"Question first, 2.0{NBSP}s of silence, then the name."


def test_a_redo_refers_to_the_attempt_it_replaces() -> None:
    fb = round_feedback(SPS, [sps(1.0), sps(3.0)], "en", replaced=sps(1.5))
    assert fb.praise.endswith(f"Twice as long as your previous attempt (1.5{NBSP}s).")
    assert fb.reference_round is None and fb.plan is not None and fb.plan.redo_of is not None
    fb = round_feedback(SPS, [sps(3.0), sps(1.2)], "nl", replaced=sps(2.0))
    assert fb.praise.endswith(f"Vorige poging: 2,0{NBSP}s.")
    assert "ronde 1" not in fb.praise  # one reference: the replaced attempt
    fb = round_feedback(SPS, [sps(3.0), sps(2.0)], "nl", replaced=problem(Reason.NAME_FIRST))
    assert fb.praise.startswith("Nu kwam de naam ná de vraag.")
    fb = round_feedback(SPS, [problem(Reason.NO_PAUSE)], "en", replaced=problem(Reason.NO_SPEECH))
    assert fb.praise == (
        "Question and name ran together without silence. Previous attempt: no measurement."
    )


def test_a_measured_round_after_a_problem_compares_with_the_last_measured_round() -> None:
    fb = round_feedback(SPS, [sps(1.0), problem(Reason.NO_SPEECH), sps(2.0)], "en")
    assert fb.change is Change.CLOSER
    assert fb.reference_round == 1
    assert "Twice as long as round 1" in fb.praise


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("shape", list(Shape))
def test_each_shape_and_verdict_has_its_own_text(shape: Shape, lang: str) -> None:
    make = {Shape.SPEECH_PAUSE_SPEECH: sps, Shape.CUE_PAUSE_SPEECH: cps, Shape.TIMED_TURN: turn}[
        shape
    ]
    values = {
        Shape.SPEECH_PAUSE_SPEECH: (1.0, 3.0, 6.0),
        Shape.CUE_PAUSE_SPEECH: (1.0, 3.0, 7.0),
        Shape.TIMED_TURN: (1.0, 4.0, 9.0),
    }[shape]
    feedbacks = [round_feedback(pattern_for(shape), [make(v)], lang) for v in values]
    assert [f.verdict for f in feedbacks] == [
        Verdict.TOO_SHORT,
        Verdict.ON_TARGET,
        Verdict.TOO_LONG,
    ]
    assert len({f.praise for f in feedbacks}) == 3
    assert len({f.next_step for f in feedbacks}) == 3
    for f in feedbacks:
        assert "{" not in f.praise + f.next_step
    assert f"{values[1]:.1f}".replace(".", "," if lang == "nl" else ".") in feedbacks[1].praise


def test_texts_differ_between_shapes() -> None:
    texts = {
        round_feedback(SPS, [sps(1.0)], "en").next_step,
        round_feedback(CPS, [cps(1.0)], "en").next_step,
        round_feedback(TURN, [turn(9.0)], "en").next_step,
    }
    assert len(texts) == 3


PROBLEMS = [
    (Reason.NAME_FIRST, Shape.SPEECH_PAUSE_SPEECH),
    (Reason.NO_PAUSE, Shape.SPEECH_PAUSE_SPEECH),
    (Reason.NO_PAUSE, Shape.CUE_PAUSE_SPEECH),
    (Reason.ONE_UTTERANCE, Shape.SPEECH_PAUSE_SPEECH),
    (Reason.NO_SPEECH, Shape.SPEECH_PAUSE_SPEECH),
    (Reason.TOO_QUIET, Shape.SPEECH_PAUSE_SPEECH),
    (Reason.CLIPPED, Shape.SPEECH_PAUSE_SPEECH),
    (Reason.NO_RESPONSE, Shape.CUE_PAUSE_SPEECH),
]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_problem_gets_its_own_observation_and_next_step(lang: str) -> None:
    feedbacks = [
        round_feedback(pattern_for(shape), [problem(reason, shape)], lang)
        for reason, shape in PROBLEMS
    ]
    for (reason, _), f in zip(PROBLEMS, feedbacks, strict=True):
        assert f.problem is reason
        assert f.verdict is Verdict.NO_MEASUREMENT and f.measured_s is None
        assert f.change is Change.NOT_MEASURED
        assert f.timeline.phases == () and f.timeline.band_anchor_s is None
        assert f.praise and f.next_step and "{" not in f.praise + f.next_step
        assert not f.went_well
        assert f.heading == ("What happened" if lang == "en" else "Wat er gebeurde")
    assert len({f.praise for f in feedbacks}) == len(PROBLEMS)
    assert len({f.next_step for f in feedbacks}) == len(PROBLEMS)


def test_problem_texts_are_grounded_in_what_was_heard() -> None:
    quiet = round_feedback(SPS, [problem(Reason.TOO_QUIET)], "en")
    assert "-51 dBFS" in quiet.praise
    joined = round_feedback(SPS, [problem(Reason.ONE_UTTERANCE)], "en")
    assert f"3.3{NBSP}s" in joined.praise  # 0.5 s + 2.8 s of segments
    first = round_feedback(SPS, [problem(Reason.NAME_FIRST)], "en")
    assert first.praise == "The name came first, then the question."
    assert "count to three" in first.next_step
    silent = round_feedback(SPS, [problem(Reason.NO_SPEECH)], "nl")
    assert f"6,0{NBSP}s" in silent.praise


def test_a_problem_after_an_on_target_round_refers_back() -> None:
    fb = round_feedback(SPS, [sps(3.0), problem(Reason.NAME_FIRST)], "en")
    assert fb.reference_round == 1
    assert fb.heading == "What happened"
    assert fb.praise == (
        f"The name came first, then the question. In round 1 you did it: 3.0{NBSP}s."
    )


def test_scenario_overrides_replace_defaults() -> None:
    sc = scenario(
        (
            ("name_first", "Question first, then {target} of silence, then the name."),
            ("next_too_short", "Count to {count}: you need {missing} more."),
            ("why_too_short", "Like Jantien."),
            ("praise_on_target", "Right: {value}, like Jantien."),
            ("praise_improved", "Round {ref_round} was {ref_value}; now {value}."),
            ("no_speech", "Broken {placeholder"),
            ("observe_name_first", "Name first."),
        )
    )
    fb = round_feedback(SPS, [problem(Reason.NAME_FIRST)], "en", sc)
    assert fb.praise == "Name first."
    assert fb.next_step.startswith(f"Question first, then 3.0{NBSP}s of silence, then the name.")
    fb = round_feedback(SPS, [sps(1.0)], "en", sc)
    assert fb.next_step == f"Count to three: you need 2.0{NBSP}s more. Like Jantien."
    fb = round_feedback(SPS, [sps(2.0), sps(3.2)], "en", sc)
    assert fb.praise == f"Right: 3.2{NBSP}s, like Jantien. Round 1 was 2.0{NBSP}s; now 3.2{NBSP}s."
    fb = round_feedback(SPS, [problem(Reason.NO_SPEECH)], "en", sc)
    assert fb.next_step.startswith("Broken {placeholder")  # shown as written, never a crash
    # Without an override the default stays.
    assert "shorter" in round_feedback(SPS, [sps(6.0)], "en", sc).next_step


def test_timeline_for_question_pause_name() -> None:
    fb = round_feedback(SPS, [sps(2.1, q_end_s=2.5)], "en")
    tl = fb.timeline
    assert [(p.label, p.kind) for p in tl.phases] == [
        ("question", PhaseKind.SPEECH),
        ("thinking", PhaseKind.PAUSE),
        ("name", PhaseKind.SPEECH),
    ]
    q, pause, name = tl.phases
    assert (q.start_s, q.end_s) == pytest.approx((0.3, 2.5))
    assert (pause.start_s, pause.end_s) == pytest.approx((2.5, 4.6))
    assert pause.measured and not q.measured
    assert (name.start_s, name.end_s) == pytest.approx((4.6, 5.05))
    assert (tl.band_start_s, tl.target_s, tl.band_end_s) == pytest.approx((5.0, 5.5, 6.5))
    assert tl.total_s == pytest.approx(5.9)
    assert tl.measured is pause


def test_timeline_for_cue_and_turn() -> None:
    tl = round_feedback(CPS, [cps(3.0, cue_end_s=2.0)], "en").timeline
    assert [(p.start_s, p.end_s) for p in tl.phases] == pytest.approx(
        [(0.0, 2.0), (2.0, 5.0), (5.0, 7.0)]
    )
    tl = round_feedback(TURN, [turn(3.0)], "en").timeline
    assert len(tl.phases) == 1 and tl.phases[0].measured
    assert (tl.phases[0].start_s, tl.phases[0].end_s) == pytest.approx((0.5, 3.5))
    assert tl.band_start_s == pytest.approx(2.5)


def test_level_warning_with_a_measurement_adds_a_note() -> None:
    fb = round_feedback(SPS, [sps(3.0, warnings=(LevelWarning.TOO_QUIET,))], "en")
    assert fb.level_note is not None and "Quiet" in fb.level_note
    assert round_feedback(SPS, [sps(3.0)], "en").level_note is None


def test_no_rounds_is_an_error() -> None:
    with pytest.raises(ValueError):
        round_feedback(SPS, [], "en")
    with pytest.raises(ValueError):
        summarize(SPS, [], "en")


# --- summary ---------------------------------------------------------------------------------


def test_summary_improving() -> None:
    s = summarize(SPS, [sps(1.0), sps(2.1), sps(3.0)], "en")
    assert s.trend is Trend.IMPROVING
    assert s.trend_text == f"1.0{NBSP}s → 2.1{NBSP}s → 3.0{NBSP}s: getting closer."
    assert [r.verdict for r in s.rounds] == [
        Verdict.TOO_SHORT,
        Verdict.TOO_SHORT,
        Verdict.ON_TARGET,
    ]
    assert s.rounds[1].text == f"Round 2: 2.1{NBSP}s — too short"
    assert s.went_well == f"Round 3 (3.0{NBSP}s) was within the range."
    assert (s.on_target_count, s.measured_count) == (1, 3)
    # One round on target is not yet a habit: the next step stays with the practice.
    assert s.next_step == round_feedback(SPS, [sps(1.0), sps(2.1), sps(3.0)], "en").next_step


def test_summary_into_the_band_after_a_repeat_is_an_improvement() -> None:
    s = summarize(SPS, [sps(2.4), sps(2.4), sps(3.2)], "nl")
    assert s.trend is Trend.IMPROVING and "wisselend" not in s.trend_text


def test_summary_steady_on_target_moves_to_the_classroom() -> None:
    s = summarize(SPS, [sps(2.8), sps(3.2), sps(3.0)], "nl")
    assert s.trend is Trend.STEADY
    assert "elke ronde binnen de marge" in s.trend_text
    assert s.went_well == f"Alle drie de rondes zaten binnen de marge (2,5–4,0{NBSP}s)."
    assert "morgen in de les" in s.next_step and "tot drie" in s.next_step


def test_summary_steady_short_declining_mixed_single_none() -> None:
    s = summarize(SPS, [sps(1.0), sps(1.2), sps(1.1)], "en")
    assert s.trend is Trend.STEADY and "below the range" in s.trend_text
    assert s.went_well == "The question came before the name 3 of 3 times."
    s = summarize(SPS, [sps(3.0), sps(2.0), sps(1.0)], "en")
    assert s.trend is Trend.DECLINING
    assert "further from the range" in s.trend_text
    assert s.went_well.startswith("Round 1 (3.0")
    s = summarize(SPS, [sps(1.0), sps(3.0), sps(1.0)], "en")
    assert s.trend is Trend.MIXED and "1 of 3 within the range" in s.trend_text
    s = summarize(SPS, [problem(Reason.NO_SPEECH), sps(2.0), problem(Reason.NAME_FIRST)], "en")
    assert s.trend is Trend.SINGLE
    assert s.rounds[0].text == "Round 1: no measurement — no speech heard"
    assert s.rounds[2].problem is Reason.NAME_FIRST
    assert s.next_step == round_feedback(SPS, [problem(Reason.NAME_FIRST)], "en").next_step
    # A microphone failure at the end: the step stays with the move.
    s = summarize(SPS, [sps(1.0), problem(Reason.NO_SPEECH)], "en")
    assert s.next_step == round_feedback(SPS, [sps(1.0)], "en").next_step
    s = summarize(SPS, [problem(Reason.NO_SPEECH)] * 3, "en")
    assert s.trend is Trend.NONE
    assert s.went_well == ""  # nothing went well, so nothing is praised


def test_summary_says_when_several_rounds_were_within_the_range() -> None:
    """Not only the closest one: rounds 2 and 3 both read the same value."""
    s = summarize(SPS, [sps(3.4), sps(3.4), sps(3.4)], "en")
    assert s.went_well == f"All three rounds were within the range (2.5–4.0{NBSP}s)."
    s = summarize(SPS, [sps(1.0), sps(3.4), sps(3.4)], "nl")
    assert s.went_well == "Raak in ronde 2 en 3."
    s = summarize(SPS, [sps(3.2), sps(1.0), sps(3.0), sps(3.4)], "en")
    assert s.went_well == "On target in rounds 1, 3 and 4."
    s = summarize(SPS, [sps(3.4), problem(Reason.NO_SPEECH), sps(1.0)], "en")
    assert s.went_well == f"Round 1 (3.4{NBSP}s) was within the range."


def test_coaching_core_loads_no_ui_or_audio_hardware() -> None:
    code = (
        "import sys; import simulator.coaching, simulator.store.history, simulator.i18n;"
        "print(sorted(m for m in ('textual', 'sounddevice') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_rounds_in_a_row_means_no_failed_round_in_between() -> None:
    fb = round_feedback(SPS, [sps(3.0), problem(Reason.NO_SPEECH), sps(3.0), sps(3.1)], "en")
    assert "in a row" not in fb.praise and fb.praise.endswith("Just like round 3.")
    fb = round_feedback(SPS, [sps(3.0), sps(2.9), sps(3.1), sps(3.0)], "en")
    assert fb.praise.endswith("That is 4 rounds in a row.")


def test_a_wait_that_ran_past_the_end_of_the_round_is_not_one_stretch_of_speech() -> None:
    """Cold call, target 5 s: the question, then 8 s of silence until the round stopped at its
    limit before the name came. The analysis finds only the question."""
    five = Band(5.0, 4.0, 7.0)
    pattern = Pattern(
        (
            Phase(PhaseKind.SPEECH, "question"),
            Phase(PhaseKind.PAUSE, "think time", five),
            Phase(PhaseKind.SPEECH, "name"),
        )
    )
    question_only = RoundMeasurement(
        Shape.SPEECH_PAUSE_SPEECH,
        five,
        (seg(1.15, 3.25),),
        None,
        Reason.ONE_UTTERANCE,
        LEVELS,
        (),
        round(11.3 * R),
    )
    en = round_feedback(pattern, [question_only], "en")
    assert en.praise == (
        f"After the question, 8.1{NBSP}s of silence; the round ended without a name."
    )
    assert "unbroken" not in en.praise
    assert en.next_step.startswith(f"Say the name sooner: at five, within 4.0–7.0{NBSP}s.")
    nl = round_feedback(pattern, [question_only], "nl")
    assert f"8,1{NBSP}s stilte" in nl.praise and "zonder naam" in nl.praise
    assert nl.next_step.startswith("Noem de naam eerder: bij vijf")
    # Speech that did run on to the end of the round is still one stretch of speech.
    joined = dataclasses.replace(question_only, duration_samples=round(5.0 * R))
    assert "One unbroken stretch" in round_feedback(pattern, [joined], "en").praise
    # The next round is not praised for "question and name apart": that was never the problem.
    after = round_feedback(pattern, [question_only, sps(5.0)], "en")
    assert "apart" not in after.praise
    # The summary's row for that round says the same.
    row = summarize(pattern, [question_only], "en").rounds[0].text
    assert row == "Round 1: no measurement — the silence ran past the end of the round"


def test_a_response_that_never_came_after_a_long_wait_says_so() -> None:
    answer_only = RoundMeasurement(
        Shape.CUE_PAUSE_SPEECH,
        CPS.band,
        (seg(0.2, 1.9),),
        None,
        Reason.NO_RESPONSE,
        LEVELS,
        (),
        round(10.0 * R),
    )
    fb = round_feedback(CPS, [answer_only], "en")
    assert "the round ended without a response" in fb.praise
    assert fb.next_step.startswith("Respond sooner: at three")
