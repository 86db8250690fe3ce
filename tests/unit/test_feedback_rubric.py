"""The coaching rubric, over every built-in scenario × language × sequence of outcomes.

Each sequence runs through the real functions (``round_feedback``, ``summarize``,
``perception_text``) and every screen is checked against the structural rules of the method:
praise only for what went well; exactly one next step with one target; no false comparison;
counting that matches the scenario's target; no pause words where a spoken turn is timed; and
short enough to read between two rounds.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from simulator.audio.pattern import Band, Shape
from simulator.audio.result import (
    ANALYSIS_RATE_HZ,
    Levels,
    LevelWarning,
    Reason,
    RoundMeasurement,
    Segment,
    Verdict,
)
from simulator.coaching import round_feedback, summarize
from simulator.coaching.feedback import RoundFeedback, kind_for
from simulator.coaching.plan import (
    DEVICE_PROBLEMS,
    SAME_TOLERANCE_S,
    Good,
    Ref,
    RoundPlan,
    as_shown,
    band_distance_s,
    plan_round,
    plan_session,
)
from simulator.export import build_debrief, perception_text
from simulator.i18n import LANGUAGES, format_number, t
from simulator.scenarios.library import load_library
from simulator.scenarios.model import FEEDBACK_KEYS, LEGACY_FEEDBACK_KEYS, Scenario
from simulator.store.history import export_session, session_snapshot

R = ANALYSIS_RATE_HZ
LEVELS = Levels(peak_dbfs=-8.0, speech_dbfs=-20.0, noise_floor_dbfs=-60.0, clipped_fraction=0.0)
MAX_WORDS = 35
"""Per screen, outside the timeline: what happened or went well, the verdict, the next step."""
MAX_FELT_WORDS = 2
"""Coach mode's felt line beside them: its heading and the teacher's own number ("Felt 2.5 s."),
never a sentence of praise less."""

REASONS = {
    Shape.SPEECH_PAUSE_SPEECH: (
        Reason.NAME_FIRST,
        Reason.NO_PAUSE,
        Reason.ONE_UTTERANCE,
        Reason.NO_SPEECH,
        Reason.TOO_QUIET,
        Reason.CLIPPED,
    ),
    Shape.CUE_PAUSE_SPEECH: (
        Reason.NO_PAUSE,
        Reason.NO_RESPONSE,
        Reason.NO_SPEECH,
        Reason.TOO_QUIET,
        Reason.CLIPPED,
    ),
    Shape.TIMED_TURN: (Reason.NO_SPEECH, Reason.TOO_QUIET, Reason.CLIPPED),
}
"""The failures the analysis can report for each shape (see ``audio/analysis/reading.py``)."""

PAUSE_WORDS = {
    "en": re.compile(r"\b(pause\w*|silen\w*|wait\w*|think\w* time)\b", re.I),
    "nl": re.compile(r"\b(pauze\w*|stilte\w*|stil|wacht\w*|denktijd)\b", re.I),
}
COUNTING = {
    "en": re.compile(r"\b(?:count(?: \w+){0,3} to|until|reach) (\w+)\b", re.I),
    "nl": re.compile(r"\b(?:tel\w*(?: \w+){0,4} tot|tot|bij) (\w+)\b", re.I),
}
NUMBER_WORDS = {
    lang: [w.strip() for w in t("coach.common.numbers", lang).split(",")] for lang in LANGUAGES
}
ROUND_REF = {"en": re.compile(r"\bround (\d+)\b", re.I), "nl": re.compile(r"\bronde (\d+)\b", re.I)}
LITTLE = {"en": re.compile(r"\ba little\b"), "nl": re.compile(r"\biets (langer|korter)\b")}
MUCH = {
    "en": re.compile(r"\bmuch (longer|shorter)\b"),
    "nl": re.compile(r"\bveel (langer|korter)\b"),
}
EXACT = {"en": re.compile(r"\b(exactly|precisely)\b", re.I), "nl": re.compile(r"\bprecies\b", re.I)}
TWICE = {"en": "twice", "nl": "twee keer"}
PREVIOUS = {"en": "previous attempt", "nl": "vorige poging"}


def expected_count(band: Band, lang: str) -> str:
    """The number to count to, worked out here from the target (5 s → "five", 2.5 s → "three")
    rather than by the code under test."""
    return NUMBER_WORDS[lang][int(band.target_s + 0.5) - 1]


def words(text: str) -> int:
    """Words as a reader counts them: "3,0 s" and "2,5–4,0 s" are one each, "→" none."""
    return len([w for w in text.replace("\u00a0s", "s").split() if w != "→"])


def seg(a_s: float, b_s: float) -> Segment:
    return Segment(round(a_s * R), round(b_s * R))


def measured(shape: Shape, band: Band, value_s: float) -> RoundMeasurement:
    if shape is Shape.TIMED_TURN:
        segments = (seg(0.5, 0.5 + value_s),)
        span = (round(0.5 * R), round((0.5 + value_s) * R))
        end_s = 0.5 + value_s
    elif shape is Shape.SPEECH_PAUSE_SPEECH:
        segments = (seg(0.3, 2.5), seg(2.5 + value_s, 2.95 + value_s))
        span = (round(2.5 * R), round((2.5 + value_s) * R))
        end_s = 2.95 + value_s
    else:
        segments = (seg(2.0 + value_s, 4.0 + value_s),)
        span = (round(2.0 * R), round((2.0 + value_s) * R))
        end_s = 4.0 + value_s
    return RoundMeasurement(shape, band, segments, span, None, LEVELS, (), round((end_s + 1) * R))


def failed(shape: Shape, band: Band, reason: Reason) -> RoundMeasurement:
    segments = () if reason is Reason.NO_SPEECH else (seg(0.4, 0.9), seg(1.4, 4.2))
    levels = Levels(-42.0, -51.0, -70.0, 0.0) if reason is Reason.TOO_QUIET else LEVELS
    return RoundMeasurement(shape, band, segments, None, reason, levels, (), round(6.0 * R))


def outcomes(shape: Shape, band: Band) -> list[RoundMeasurement]:
    """Far short, twice that, a little short, on target, on the band's edge, a little long, far
    long, two of them with a note about the sound, and every failure of the shape."""
    values = [
        max(0.1, band.min_s * 0.3),
        max(0.2, band.min_s * 0.6),  # twice the one before
        max(0.05, band.min_s - 0.1),
        band.target_s,
        band.max_s - 0.05,
        band.max_s + 0.2,
        band.max_s + 2 * band.target_s,
    ]
    out = [measured(shape, band, v) for v in values]
    # Measured, but with a note about the sound.
    out.append(dataclasses.replace(out[3], warnings=(LevelWarning.TOO_QUIET,)))
    out.append(dataclasses.replace(out[0], warnings=(LevelWarning.CLIPPED,)))
    out += [failed(shape, band, r) for r in REASONS[shape]]
    # The wait ran past the end of the round: only the question (or the answer) was heard.
    if shape is not Shape.TIMED_TURN:
        reason = Reason.ONE_UTTERANCE if shape is Shape.SPEECH_PAUSE_SPEECH else Reason.NO_RESPONSE
        end_s = 3.25 + band.max_s + 1.0
        out.append(
            RoundMeasurement(
                shape, band, (seg(1.0, 3.25),), None, reason, LEVELS, (), round(end_s * R)
            )
        )
    return out


SCENARIOS = list(load_library(user=Path("/nonexistent")).scenarios)


def test_every_built_in_scenario_in_both_languages_is_covered() -> None:
    ids = {s.id for s in SCENARIOS}
    assert len(ids) == 5
    assert {(s.id, s.language) for s in SCENARIOS} == {(i, lang) for i in ids for lang in LANGUAGES}


@dataclass(frozen=True, slots=True)
class Screen:
    scenario: Scenario
    lang: str
    results: tuple[RoundMeasurement, ...]
    replaced: RoundMeasurement | None
    fb: RoundFeedback
    coach_mode: bool = False


def screens(scenario: Scenario, coach_mode: bool = False) -> Iterator[Screen]:
    """Every three-round sequence, and every redo of round 2, of this scenario's outcomes (in
    coach mode: with the felt-against-measured line on the same screen, beside the same words)."""
    lang = scenario.language
    pattern = scenario.pattern
    band = next(p.band for p in pattern.phases if p.band is not None)
    options = outcomes(pattern.shape, band)
    for seq in itertools.product(options, repeat=3):
        for n in (1, 2, 3):
            results = seq[:n]
            fb = round_feedback(pattern, results, lang, scenario)
            yield Screen(scenario, lang, results, None, fb, coach_mode)
        # Round 2 redone: seq[2] replaces seq[1].
        redo = (seq[0], seq[2])
        fb = round_feedback(pattern, redo, lang, scenario, replaced=seq[1])
        yield Screen(scenario, lang, redo, seq[1], fb, coach_mode)


def all_screens(coach_mode: bool = False) -> Iterator[Screen]:
    for scenario in SCENARIOS:
        yield from screens(scenario, coach_mode)


def felt_words(screen: Screen) -> int:
    """Coach mode's felt-against-measured block on the feedback screen: heading and line."""
    if not screen.coach_mode:
        return 0
    felt = perception_text(12.5, screen.lang)
    return words(t("coach_mode.perceived_heading", screen.lang)) + words(felt)


def ref_measurement(screen: Screen, ref: Ref) -> RoundMeasurement:
    if ref.redo:
        assert screen.replaced is not None
        return screen.replaced
    return screen.results[ref.round_number - 1]


def check_praise(screen: Screen, plan: RoundPlan) -> None:
    """Every praise item is true of the rounds."""
    m = screen.results[-1]
    band = m.band
    for p in plan.praise:
        ref = ref_measurement(screen, p.ref) if p.ref is not None else None
        if p.good is Good.ON_TARGET:
            assert m.verdict is Verdict.ON_TARGET
        elif p.good in (Good.HELD, Good.EARLIER):
            assert ref is not None and ref.verdict is Verdict.ON_TARGET
            assert not (p.ref and p.ref.redo)
        elif p.good is Good.ALL_HELD:
            # "In a row": every round so far, none failed in between.
            assert all(r.verdict is Verdict.ON_TARGET for r in screen.results)
            assert p.amount == len(screen.results) >= 3
        elif p.good is Good.INTO_BAND:
            assert m.verdict is Verdict.ON_TARGET and ref is not None
            assert ref.measured_s is not None and ref.verdict is not Verdict.ON_TARGET
        elif p.good is Good.CLOSER:
            assert ref is not None and ref.measured_s is not None and m.measured_s is not None
            gained = band_distance_s(ref.measured_s, band) - band_distance_s(m.measured_s, band)
            assert gained > SAME_TOLERANCE_S
            assert gained == pytest.approx(p.amount)
        elif p.good is Good.RATIO:
            assert ref is not None and ref.measured_s and m.measured_s is not None
            assert ref.verdict is Verdict.TOO_SHORT
            assert band_distance_s(m.measured_s, band) < band_distance_s(ref.measured_s, band)
            # The ratio of the values as the feedback shows them (to 0.1 s).
            assert as_shown(m.measured_s) / as_shown(ref.measured_s) == pytest.approx(p.amount)
        elif p.good is Good.FIXED:
            assert m.measured_s is not None
            before = screen.replaced or screen.results[-2]
            assert before.reason is p.fixed
        elif p.good is Good.ORDER:
            assert m.measured_s is not None and not plan.kind.timed_turn
    if m.measured_s is None:
        # A round that ended in a long silence is a wait that ran long, never "one stretch of
        # speech" or "no response" alone.
        trailing_s = m.audio_s - (m.segments[-1].end_s if m.segments else 0.0)
        long_wait = m.reason in (Reason.ONE_UTTERANCE, Reason.NO_RESPONSE) and (
            trailing_s > band.max_s
        )
        assert (plan.observation == "ran_long") is long_wait, (plan.observation, trailing_s)
        assert not plan.went_well
        assert all(p.good is Good.EARLIER for p in plan.praise)


def check_text(screen: Screen) -> None:
    fb, lang, plan = screen.fb, screen.lang, screen.fb.plan
    assert plan is not None
    band = screen.results[-1].band
    body, step = fb.praise, fb.next_step
    # The heading says what the body is.
    expected = "feedback.praise_heading" if plan.went_well else "feedback.happened_heading"
    assert fb.heading == t(expected, lang)
    assert body and step and "{" not in body + step
    # Exactly one next step with one why, worded from the plan's one step.
    assert step.count(". ") <= 2 and step.endswith(".")
    # Counting matches the target; no other number to aim for in the step.
    for found in COUNTING[lang].findall(step):
        if found.lower() in NUMBER_WORDS[lang]:
            assert found.lower() == expected_count(band, lang), (step, band)
    assert len(re.findall(r"\d+(?:[.,]\d)?\u00a0s", step)) <= 1, step
    # "A little" and "much" are scaled to the real distance from the band.
    value = screen.results[-1].measured_s
    if value is not None:
        outside = max(band.min_s - value, value - band.max_s, 0.0) / band.target_s
        assert not LITTLE[lang].search(step) or outside <= 0.25, (value, step)
        assert not MUCH[lang].search(step) or outside > 0.75, (value, step)
    # Comparisons: a round named in the text is one a praise item refers to, and what is said
    # of it is true (``check_praise``).
    refs = {p.ref.round_number for p in plan.praise if p.ref is not None and not p.ref.redo}
    for number in ROUND_REF[lang].findall(body):
        assert int(number) in refs, body
    assert not EXACT[lang].search(body), body
    if TWICE[lang] in body:
        ratio = next(p.amount for p in plan.praise if p.good is Good.RATIO)
        assert format_number(ratio, lang) == format_number(2.0, lang)
    # A redo refers to the attempt it replaces.
    if screen.replaced is not None:
        fixed_it = any(p.good is Good.FIXED and p.ref and p.ref.redo for p in plan.praise)
        assert PREVIOUS[lang] in body.lower() or fixed_it, body
    # Timed turns: no pause words.
    if plan.kind.timed_turn:
        assert not PAUSE_WORDS[lang].search(body + " " + step), (body, step)
    # Short enough for a glance between two rounds.
    verdict = t(f"verdict.{fb.verdict.value}", lang)
    total = words(body) + words(step) + words(verdict) + words(fb.level_note or "")
    assert total <= MAX_WORDS, (total, body, step)
    assert felt_words(screen) <= MAX_FELT_WORDS


@pytest.mark.parametrize("coach_mode", [False, True], ids=["practice", "coach-mode"])
def test_rubric_over_every_generated_round_screen(coach_mode: bool) -> None:
    count = 0
    for screen in all_screens(coach_mode):
        assert screen.fb.plan is not None
        check_praise(screen, screen.fb.plan)
        check_text(screen)
        count += 1
    assert count > 20_000


def test_summary_rubric_over_every_generated_session() -> None:
    count = 0
    for scenario in SCENARIOS:
        lang, pattern = scenario.language, scenario.pattern
        band = next(p.band for p in pattern.phases if p.band is not None)
        kind = kind_for(scenario, pattern.shape)
        for seq in itertools.product(outcomes(pattern.shape, band), repeat=3):
            s = summarize(pattern, seq, lang, scenario)
            plan = s.plan
            assert plan is not None and s.trend is plan.trend
            hits = [r for r in seq if r.verdict is Verdict.ON_TARGET]
            for p in plan.praise:
                if p.good is Good.ON_TARGET:
                    assert p.ref is not None and p.ref.verdict is Verdict.ON_TARGET
                    best = min(
                        (r.measured_s for r in seq if r.measured_s is not None),
                        key=lambda v: band_distance_s(v, band),
                    )
                    assert band_distance_s(best, band) == 0.0
                elif p.good is Good.CLOSER:
                    assert p.ref is not None and p.ref.value_s is not None
                    last = plan.values[-1][1]
                    assert band_distance_s(last, band) < band_distance_s(p.ref.value_s, band) or (
                        band_distance_s(last, band) == 0.0
                    )
                else:
                    assert p.good is Good.ORDER and not kind.timed_turn
            # Several rounds within the range: the summary names them all, not only the best.
            hit_numbers = [i for i, r in enumerate(seq, start=1) if r.verdict is Verdict.ON_TARGET]
            if len(hit_numbers) == len(seq):
                assert f" {NUMBER_WORDS[lang][len(seq) - 1]} " in s.went_well, s.went_well
            elif len(hit_numbers) >= 2:
                named = re.findall(r"\b(\d)\b(?![.,]\d)", s.went_well.split("(")[0])
                assert named == [str(i) for i in hit_numbers], s.went_well
            if not hits and not any(r.measured_s for r in seq):
                assert s.went_well == ""
            # One next step: the last round's, or taking it into class once it held.
            if seq[-1].verdict is Verdict.ON_TARGET and len(hits) >= 2:
                assert plan.step.key == "transfer"
            elif seq[-1].reason in DEVICE_PROBLEMS and plan.values:
                last_measured = plan.values[-1][0]
                assert plan.step == plan_round(seq[:last_measured], kind).step
            else:
                assert plan.step == plan_round(seq, kind).step
            assert s.next_step and "{" not in s.next_step + s.went_well
            for found in COUNTING[lang].findall(s.next_step):
                if found.lower() in NUMBER_WORDS[lang]:
                    assert found.lower() == expected_count(band, lang), s.next_step
            if kind.timed_turn:
                text = " ".join((s.trend_text, s.went_well, s.next_step))
                assert not PAUSE_WORDS[lang].search(text), text
            total = words(s.trend_text) + words(s.went_well) + words(s.next_step)
            assert total <= MAX_WORDS, (total, s.trend_text, s.went_well, s.next_step)
            count += 1
    assert count > 1000


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: f"{s.id}.{s.language}")
def test_coach_mode_felt_line_fits_the_kind_of_step(scenario: Scenario) -> None:
    kind = kind_for(scenario, scenario.pattern.shape)
    lang = scenario.language
    text = f"{t('coach_mode.perceived_heading', lang)} {perception_text(3.0, lang)}"
    if kind.timed_turn:
        assert not PAUSE_WORDS[lang].search(text), text


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: f"{s.id}.{s.language}")
def test_debrief_export_and_summary_use_the_same_plan(scenario: Scenario) -> None:
    lang, pattern = scenario.language, scenario.pattern
    band = next(p.band for p in pattern.phases if p.band is not None)
    options = outcomes(pattern.shape, band)
    for seq in [(options[2], options[3], options[9]), (options[0], options[0], options[3])]:
        session = session_snapshot(
            session_id=1,
            scenario=scenario.id,
            language=lang,
            started_at="2026-01-01T10:00:00+00:00",
            results=seq,
            coaching={},
        )
        debrief = build_debrief(export_session(session), scenario, lang)
        summary = summarize(pattern, seq, lang, scenario)
        assert debrief.summary is not None
        assert debrief.summary.next_step == summary.next_step
        assert debrief.summary.went_well == summary.went_well
        for i, dr in enumerate(debrief.rounds, start=1):
            assert dr.feedback is not None
            fb = round_feedback(pattern, seq[:i], lang, scenario)
            assert (dr.feedback.heading, dr.feedback.praise, dr.feedback.next_step) == (
                fb.heading,
                fb.praise,
                fb.next_step,
            )
        kind = kind_for(scenario, pattern.shape)
        assert summary.plan == plan_session(seq, kind)


def test_a_scenario_can_replace_every_feedback_text() -> None:
    """With every key overridden by a marker, every marker is shown somewhere (and so every
    text the feedback uses can be replaced by the scenario)."""
    keys = [k for k in FEEDBACK_KEYS if k not in LEGACY_FEEDBACK_KEYS and k != "praise_improved"]
    seen: set[str] = set()
    for original in SCENARIOS:
        scenario = dataclasses.replace(original, feedback=tuple((k, f"<{k}>") for k in keys))
        pattern, lang = scenario.pattern, scenario.language
        band = next(p.band for p in pattern.phases if p.band is not None)
        options = outcomes(pattern.shape, band)
        for seq in itertools.product(options, repeat=3):
            texts = [summarize(pattern, seq, lang, scenario)]
            texts.append(round_feedback(pattern, seq, lang, scenario))
            texts.append(round_feedback(pattern, seq[:2], lang, scenario, replaced=seq[2]))
            for x in texts:
                seen.update(re.findall(r"<(\w+)>", " ".join(map(str, vars_of(x)))))
    assert sorted(set(keys) - seen) == []


def vars_of(x: object) -> list[object]:
    return [getattr(x, f) for f in ("praise", "next_step", "went_well") if hasattr(x, f)]
