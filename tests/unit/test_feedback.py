"""Round feedback and the session summary, on RoundMeasurement values built directly."""

from __future__ import annotations

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
    assert f"1.0{NBSP}s" in fb.praise and "whole question" in fb.praise
    assert f"2.0{NBSP}s longer" in fb.next_step  # 3.0 s target − 1.0 s
    assert "good job" not in fb.praise.lower()


def test_round_two_refers_back_twice_as_long() -> None:
    fb = round_feedback(SPS, [sps(1.0), sps(2.1)], "en")
    assert fb.change is Change.CLOSER
    assert fb.reference_round == 1
    assert fb.praise.endswith(f"That is twice as long as in round 1 (1.0{NBSP}s).")
    nl = round_feedback(SPS, [sps(1.0), sps(2.1)], "nl")
    assert f"2,1{NBSP}s" in nl.praise and "twee keer zo lang als in ronde 1" in nl.praise


def test_ratio_into_band_closer_held_steadier_and_held_all() -> None:
    fb = round_feedback(SPS, [sps(1.0), sps(3.0)], "en")
    assert fb.change is Change.INTO_BAND
    assert "3.0 times as long as in round 1" in fb.praise.replace(NBSP, " ")
    fb = round_feedback(SPS, [sps(2.2), sps(3.0)], "en")
    assert fb.change is Change.INTO_BAND
    assert f"where round 1 (2.2{NBSP}s) was not yet" in fb.praise
    fb = round_feedback(SPS, [sps(6.0), sps(4.8)], "en")
    assert fb.change is Change.CLOSER
    assert f"1.2{NBSP}s closer to the target than round 1" in fb.praise
    fb = round_feedback(SPS, [sps(3.1), sps(3.0)], "en")
    assert fb.change is Change.HELD
    assert "Just like round 1" in fb.praise
    assert "without counting" in fb.next_step  # on target twice: the next step moves on
    fb = round_feedback(SPS, [sps(3.8), sps(3.0)], "en")
    assert fb.change is Change.STEADIER
    assert f"0.8{NBSP}s closer" in fb.praise
    fb = round_feedback(SPS, [sps(2.8), sps(3.1), sps(3.0)], "en")
    assert f"On target in every round so far: 2.8{NBSP}s, 3.1{NBSP}s, 3.0{NBSP}s." in fb.praise


def test_overshot_slipped_further_and_same() -> None:
    fb = round_feedback(SPS, [sps(1.2), sps(5.0)], "en")
    assert fb.change is Change.OVERSHOT and "found the silence" in fb.praise
    assert "Shorten the silence" in fb.next_step
    fb = round_feedback(SPS, [sps(3.0), sps(1.5)], "en")
    assert fb.change is Change.SLIPPED
    assert f"In round 1 you already reached 3.0{NBSP}s" in fb.praise
    assert fb.reference_round == 1
    fb = round_feedback(SPS, [sps(2.0), sps(1.0)], "en")
    assert fb.change is Change.FURTHER
    assert fb.next_step.startswith(f"Round 1 (2.0{NBSP}s) was closer to the target")
    fb = round_feedback(SPS, [sps(1.0), sps(1.1)], "en")
    assert fb.change is Change.SAME and "consistent" in fb.praise


def test_a_problem_round_between_measured_rounds_is_skipped_for_reference() -> None:
    fb = round_feedback(SPS, [sps(1.0), problem(Reason.NO_SPEECH), sps(2.0)], "en")
    assert fb.round_number == 3
    assert fb.reference_round == 1
    assert "twice as long as in round 1" in fb.praise


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
def test_each_problem_gets_its_own_praise_and_next_step(lang: str) -> None:
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
    assert len({f.praise for f in feedbacks}) == len(PROBLEMS)
    assert len({f.next_step for f in feedbacks}) == len(PROBLEMS)


def test_problem_texts_are_grounded_in_what_was_heard() -> None:
    quiet = round_feedback(SPS, [problem(Reason.TOO_QUIET)], "en")
    assert "-51 dBFS" in quiet.praise
    first = round_feedback(SPS, [problem(Reason.NAME_FIRST)], "en")
    assert f"3.3{NBSP}s of speech" in first.praise  # 0.5 s + 2.8 s of segments
    assert f"about 3.0{NBSP}s" in first.next_step
    silent = round_feedback(SPS, [problem(Reason.NO_SPEECH)], "nl")
    assert f"6,0{NBSP}s" in silent.praise


def test_a_problem_after_an_on_target_round_refers_back() -> None:
    fb = round_feedback(SPS, [sps(3.0), problem(Reason.NAME_FIRST)], "en")
    assert fb.reference_round == 1
    assert f"In round 1 you already reached 3.0{NBSP}s" in fb.praise


def test_scenario_overrides_replace_defaults() -> None:
    sc = scenario(
        (
            ("name_first", "Question first, then {target} of silence, then the name."),
            ("next_too_short", "Count to five: you need {missing} more."),
            ("praise_on_target", "Exactly {value}, like Jantien."),
            ("praise_improved", "Round {ref_round} was {ref_value}; now {value}."),
            ("no_speech", "Broken {placeholder"),
        )
    )
    fb = round_feedback(SPS, [problem(Reason.NAME_FIRST)], "en", sc)
    assert fb.next_step == f"Question first, then 3.0{NBSP}s of silence, then the name."
    fb = round_feedback(SPS, [sps(1.0)], "en", sc)
    assert fb.next_step == f"Count to five: you need 2.0{NBSP}s more."
    fb = round_feedback(SPS, [sps(2.0), sps(3.2)], "en", sc)
    assert fb.praise == f"Exactly 3.2{NBSP}s, like Jantien. Round 1 was 2.0{NBSP}s; now 3.2{NBSP}s."
    fb = round_feedback(SPS, [problem(Reason.NO_SPEECH)], "en", sc)
    assert fb.next_step == "Broken {placeholder"  # shown as written, never a crash
    # Without an override the default stays.
    assert "Shorten" in round_feedback(SPS, [sps(6.0)], "en", sc).next_step


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
    assert fb.level_note is not None and "quiet" in fb.level_note
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
    assert (
        s.trend_text
        == f"1.0{NBSP}s → 2.1{NBSP}s → 3.0{NBSP}s: every round closer to the target of 3.0{NBSP}s."
    )
    assert [r.verdict for r in s.rounds] == [
        Verdict.TOO_SHORT,
        Verdict.TOO_SHORT,
        Verdict.ON_TARGET,
    ]
    assert s.rounds[1].text == f"Round 2: 2.1{NBSP}s — too short"
    assert f"You grew from 1.0{NBSP}s in round 1 to 3.0{NBSP}s in round 3." in s.went_well
    assert (s.on_target_count, s.measured_count) == (1, 3)
    # One round on target is not yet a habit: the next step stays with the practice.
    assert s.next_step == round_feedback(SPS, [sps(1.0), sps(2.1), sps(3.0)], "en").next_step


def test_summary_steady_on_target_moves_to_the_classroom() -> None:
    s = summarize(SPS, [sps(2.8), sps(3.2), sps(3.0)], "nl")
    assert s.trend is Trend.STEADY
    assert "elke ronde op doel" in s.trend_text
    assert "In ronde 3 deed je precies" in s.went_well  # closest to the 3 s target
    assert "klas in" in s.next_step


def test_summary_steady_short_declining_mixed_single_none() -> None:
    s = summarize(SPS, [sps(1.0), sps(1.2), sps(1.1)], "en")
    assert s.trend is Trend.STEADY and "short of the band" in s.trend_text
    assert f"up to 1.2{NBSP}s" in s.went_well
    s = summarize(SPS, [sps(3.0), sps(2.0), sps(1.0)], "en")
    assert s.trend is Trend.DECLINING
    assert "further from the target" in s.trend_text
    assert "In round 1 you did exactly" in s.went_well
    s = summarize(SPS, [sps(1.0), sps(3.0), sps(1.0)], "en")
    assert s.trend is Trend.MIXED and "on target in 1 of 3" in s.trend_text
    s = summarize(SPS, [problem(Reason.NO_SPEECH), sps(2.0), problem(Reason.NAME_FIRST)], "en")
    assert s.trend is Trend.SINGLE
    assert s.rounds[0].text == "Round 1: no measurement — no speech heard"
    assert s.rounds[2].problem is Reason.NAME_FIRST
    assert s.next_step == round_feedback(SPS, [problem(Reason.NAME_FIRST)], "en").next_step
    s = summarize(SPS, [problem(Reason.NO_SPEECH)] * 3, "en")
    assert s.trend is Trend.NONE
    assert s.went_well == "You practised 3 rounds out loud, which is the step most teachers skip."


def test_coaching_core_loads_no_ui_or_audio_hardware() -> None:
    code = (
        "import sys; import simulator.coaching, simulator.history, simulator.i18n;"
        "print(sorted(m for m in ('textual', 'sounddevice') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
