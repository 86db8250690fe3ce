"""Round feedback in the coaching order: what went well (or what happened), the measurement as a
timeline, and exactly one next step with its why. The plan (``coaching.plan``) decides; this
module only words it, per kind of action step, from the catalogs or the scenario's own texts.
Pure: plain values in, texts out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from simulator.audio.pattern import Pattern, Shape
from simulator.audio.result import LevelWarning, Reason, RoundMeasurement, Verdict
from simulator.coaching.plan import (
    DEFAULT_KIND,
    SAME_TOLERANCE_S,
    Change,
    Good,
    Praise,
    Ref,
    RoundPlan,
    Step,
    StepKind,
    band_distance_s,
    count_for,
    kind_fits,
    plan_round,
    silence_after_s,
)
from simulator.coaching.timeline import Timeline, build_timeline
from simulator.i18n import fill, format_band, format_number, format_seconds, has, t
from simulator.scenarios.model import Scenario

__all__ = [
    "SAME_TOLERANCE_S",
    "Change",
    "RoundFeedback",
    "Words",
    "band_distance_s",
    "kind_for",
    "round_feedback",
]

IMPROVED_SLOTS = ("praise_into_band", "praise_closer", "praise_ratio", "praise_twice")
"""Texts a scenario's older ``praise_improved`` stands in for."""


@dataclass(frozen=True, slots=True)
class RoundFeedback:
    round_number: int
    verdict: Verdict
    measured_s: float | None
    problem: Reason | None
    praise: str
    """What went well, specific and grounded in the measurement; when nothing did (or the round
    failed) a neutral observation of what happened, with real praise only where there is some."""
    timeline: Timeline
    next_step: str
    """Exactly one concrete next step, with one clause of why."""
    change: Change
    reference_round: int | None
    """The earlier round this feedback refers back to, if any."""
    level_note: str | None = None
    """A remark on the input level when the round was measured despite a level warning."""
    heading: str = ""
    """"What went well" when the praise opens, "What happened" otherwise."""
    went_well: bool = False
    plan: RoundPlan | None = None


def kind_for(scenario: Scenario | None, shape: Shape, stored: StepKind | None = None) -> StepKind:
    """The kind of action step: the scenario's own when it fits the shape, else the shape's.

    Without the scenario (its file is gone, or it is not in the language asked for), the kind
    ``stored`` with the session speaks for it when it fits the shape.
    """
    if scenario is not None and scenario.step is not None:
        kind = StepKind(scenario.step)
        if kind_fits(kind, shape):
            return kind
    if scenario is None and stored is not None and kind_fits(stored, shape):
        return stored
    return DEFAULT_KIND[shape]


class Words:
    """Texts for one kind of step in one language, with the scenario's overrides first.

    A slot (``praise_on_target``, ``next_too_short``…) is looked up in the scenario's
    ``[feedback]`` table, then ``coach.<kind>.<slot>``, then ``coach.common.<slot>``.
    """

    def __init__(
        self, kind: StepKind, lang: str, scenario: Scenario | None, params: dict[str, object]
    ) -> None:
        self.kind = kind
        self.lang = lang
        self.scenario = scenario
        self.params = params
        self.params.setdefault("say", t(f"coach.{kind.value}.say", lang))

    def s(self, value_s: float) -> str:
        return format_seconds(value_s, self.lang)

    def own(self, slot: str) -> str | None:
        if self.scenario is None:
            return None
        text = self.scenario.feedback_text(slot)
        if text is None and slot in IMPROVED_SLOTS:
            text = self.scenario.feedback_text("praise_improved")
        return text

    def catalog_key(self, slot: str) -> str:
        for key in (f"coach.{self.kind.value}.{slot}", f"coach.common.{slot}"):
            if has(key, self.lang):
                return key
        return f"coach.question.{slot}"

    def get(self, slot: str, **extra: object) -> str:
        params = {**self.params, **extra}
        own = self.own(slot)
        if own is not None:
            return fill(own, **params)
        return t(self.catalog_key(slot), self.lang, **params)

    def ref(self, ref: Ref) -> dict[str, object]:
        """``{ref}`` ("round 2" / "your previous attempt") and ``{ref_value}``."""
        name = (
            t("coach.common.ref_redo", self.lang)
            if ref.redo
            else t("coach.common.ref_round", self.lang, round=ref.round_number)
        )
        if ref.value_s is not None:
            value = self.s(ref.value_s)
        else:
            value = t(f"reason.{(ref.reason or Reason.NO_SPEECH).value}", self.lang)
        return {"ref": name, "ref_round": ref.round_number, "ref_value": value}

    def praise(self, p: Praise) -> str:
        extra = self.ref(p.ref) if p.ref is not None else {}
        if p.good is Good.FIXED:
            assert p.fixed is not None
            key = p.fixed.value
            if p.fixed is Reason.NO_PAUSE and self.kind is StepKind.ANSWER:
                key = "no_pause_cue"
            return self.get(f"fixed_{key}", **extra)
        if p.good is Good.RATIO:
            ratio = format_number(p.amount, self.lang)
            slot = "praise_twice" if ratio == format_number(2.0, self.lang) else "praise_ratio"
            return self.get(slot, ratio=ratio, **extra)
        if p.good is Good.CLOSER:
            return self.get("praise_closer", delta=self.s(p.amount), **extra)
        if p.good is Good.ALL_HELD:
            return self.get("praise_all_held", rounds=int(p.amount), **extra)
        return self.get(f"praise_{p.good.value}", **extra)

    def step(self, step: Step) -> str:
        more = ""
        if step.size is not None:
            more = t(f"coach.common.more_{step.key}_{step.size.value}", self.lang)
        return " ".join(
            text
            for text in (self.get(f"next_{step.key}", more=more), self.get(f"why_{step.key}"))
            if text
        )


def round_params(m: RoundMeasurement, round_number: int, lang: str) -> dict[str, object]:
    """The placeholders every feedback text may use (see ``scenarios.model``)."""
    band = m.band

    def s(value_s: float) -> str:
        return format_seconds(value_s, lang)

    speech_total = sum(seg.duration_s for seg in m.segments)
    level_db = m.levels.speech_dbfs if m.levels.speech_dbfs is not None else m.levels.peak_dbfs
    value = m.measured_s
    return {
        "round": round_number,
        "target": s(band.target_s),
        "band": format_band(band.min_s, band.max_s, lang),
        "min": s(band.min_s),
        "max": s(band.max_s),
        "speech": s(speech_total),
        "duration": s(m.audio_s),
        "silence": s(silence_after_s(m)),
        "level": f"{format_number(level_db, lang, 0)} dBFS",
        "count": count_word(count_for(band), lang),
        "value": s(value) if value is not None else "",
        "missing": s(max(band.target_s - value, 0.0)) if value is not None else "",
        "excess": s(max(value - band.target_s, 0.0)) if value is not None else "",
        "ref": "",
        "ref_round": "",
        "ref_value": "",
        "delta": "",
        "ratio": "",
        "more": "",
    }


def count_word(n: int, lang: str) -> str:
    """ "five" for 5 (one to ten as words, larger numbers as digits)."""
    words = [w.strip() for w in t("coach.common.numbers", lang).split(",")]
    return words[n - 1] if 1 <= n <= len(words) else str(n)


def word_plan(
    plan: RoundPlan, m: RoundMeasurement, lang: str, scenario: Scenario | None
) -> tuple[str, str, str]:
    """(heading, what went well or what happened, next step) for a round's plan."""
    words = Words(plan.kind, lang, scenario, round_params(m, plan.round_number, lang))
    parts: list[str] = []
    if plan.observation is not None:
        parts.append(words.get(f"observe_{plan.observation}"))
    parts.extend(words.praise(p) for p in plan.praise)
    if plan.redo_of is not None and not any(p.ref is not None and p.ref.redo for p in plan.praise):
        slot = "redo_was" if plan.redo_of.value_s is not None else "redo_failed"
        parts.append(words.get(slot, **words.ref(plan.redo_of)))
    heading = t("feedback.praise_heading" if plan.went_well else "feedback.happened_heading", lang)
    return heading, " ".join(p for p in parts if p), words.step(plan.step)


def round_feedback(
    pattern: Pattern,
    results: Sequence[RoundMeasurement],
    lang: str,
    scenario: Scenario | None = None,
    replaced: RoundMeasurement | None = None,
    *,
    stored_kind: StepKind | None = None,
) -> RoundFeedback:
    """Feedback on the last of ``results`` (this session's rounds so far, in order).

    ``replaced`` is the attempt the last round redoes, if any. The words are the same in every
    mode and in every export: in coach mode the felt-against-measured line is shown beside them,
    never in place of a sentence of praise. ``stored_kind`` is the session's kind of step as the
    history kept it, for when ``scenario`` is ``None`` (see ``kind_for``). Scenario overrides
    (``Scenario.feedback_text``) replace the default texts; they may use the placeholders listed
    in ``scenarios.model.FEEDBACK_PLACEHOLDERS``.
    """
    if not results:
        raise ValueError("round_feedback needs at least one round")
    m = results[-1]
    kind = kind_for(scenario, m.shape, stored_kind)
    plan = plan_round(results, kind, replaced)
    heading, body, next_step = word_plan(plan, m, lang, scenario)

    level_note: str | None = None
    if plan.problem is None:
        if LevelWarning.TOO_QUIET in m.warnings:
            level_note = t("coach.level.too_quiet", lang)
        elif LevelWarning.CLIPPED in m.warnings:
            level_note = t("coach.level.clipped", lang)
        elif LevelWarning.OTHER_VOICES in m.warnings:
            level_note = t("coach.level.other_voices", lang)

    refer = plan.refer
    return RoundFeedback(
        round_number=plan.round_number,
        verdict=plan.verdict,
        measured_s=plan.value_s,
        problem=plan.problem,
        praise=body,
        timeline=build_timeline(pattern, m),
        next_step=next_step,
        change=plan.change,
        reference_round=None if refer is None or refer.redo else refer.round_number,
        level_note=level_note,
        heading=heading,
        went_well=plan.went_well,
        plan=plan,
    )
