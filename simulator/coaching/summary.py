"""The summary after the last round: every round against the band, the trend, what went well,
and one next step. Worded from the session's plan (``coaching.plan.plan_session``), the same plan
the debrief export uses. Pure, like the round feedback."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from simulator.audio.pattern import Band, Pattern
from simulator.audio.result import Reason, RoundMeasurement, Verdict
from simulator.coaching.feedback import Words, count_word, kind_for, round_params
from simulator.coaching.plan import (
    STEADY_SPREAD_S,
    Good,
    SessionPlan,
    StepKind,
    Trend,
    band_distance_s,
    failure_code,
    plan_session,
)
from simulator.i18n import format_band, format_seconds, t
from simulator.scenarios.model import Scenario

__all__ = ["STEADY_SPREAD_S", "SessionSummary", "SummaryRound", "Trend", "summarize"]


@dataclass(frozen=True, slots=True)
class SummaryRound:
    round_number: int
    measured_s: float | None
    verdict: Verdict
    problem: Reason | None
    text: str
    """E.g. "Round 2: 2.8 s — within the range"."""


@dataclass(frozen=True, slots=True)
class SessionSummary:
    rounds: tuple[SummaryRound, ...]
    band: Band
    trend: Trend
    trend_text: str
    went_well: str
    """Only what went well; empty when nothing did."""
    next_step: str
    on_target_count: int
    measured_count: int
    well_heading: str = ""
    plan: SessionPlan | None = None


def summarize(
    pattern: Pattern,
    results: Sequence[RoundMeasurement],
    lang: str,
    scenario: Scenario | None = None,
    *,
    stored_kind: StepKind | None = None,
) -> SessionSummary:
    """Summarise a session's rounds (in order); ``stored_kind`` as in ``round_feedback``."""
    if not results:
        raise ValueError("summarize needs at least one round")
    band = results[-1].band
    kind = kind_for(scenario, results[-1].shape, stored_kind)
    plan = plan_session(results, kind)

    def s(v: float) -> str:
        return format_seconds(v, lang)

    rows: list[SummaryRound] = []
    for i, m in enumerate(results, start=1):
        value = m.measured_s
        if value is None:
            reason = m.reason if m.reason is not None else Reason.NO_SPEECH
            said = failure_code(m)
            text = t("summary.round_problem", lang, round=i, reason=t(f"reason.{said}", lang))
            rows.append(SummaryRound(i, None, Verdict.NO_MEASUREMENT, reason, text))
            continue
        verdict_text = t(f"verdict.{m.verdict.value}", lang)
        text = t("summary.round_line", lang, round=i, value=s(value), verdict=verdict_text)
        rows.append(SummaryRound(i, value, m.verdict, None, text))

    values = [v for _, v in plan.values]
    common = {
        "values": " → ".join(s(v) for v in values),
        "target": s(band.target_s),
        "band": format_band(band.min_s, band.max_s, lang),
    }
    key = plan.trend.value
    if plan.trend.value == "steady":
        key = {
            Verdict.ON_TARGET: "steady_on",
            Verdict.TOO_SHORT: "steady_short",
            Verdict.TOO_LONG: "steady_long",
        }[plan.trend_side or Verdict.ON_TARGET]
    if key == "mixed" and plan.on_target_count == 0:
        key = "mixed_none"
    trend_text = t(
        f"summary.trend.{key}", lang, **common, hits=plan.on_target_count, count=len(values)
    )

    words = Words(kind, lang, scenario, round_params(results[-1], len(results), lang))
    hit_rounds = [i for i, v in plan.values if band_distance_s(v, band) == 0.0]
    well: list[str] = []
    for p in plan.praise:
        if p.good is Good.ON_TARGET and len(hit_rounds) == len(results) >= 2:
            well.append(words.get("summary_all_hit", rounds=count_word(len(hit_rounds), lang)))
        elif p.good is Good.ON_TARGET and len(hit_rounds) >= 2:
            well.append(words.get("summary_some_hit", round=join_numbers(hit_rounds, lang)))
        elif p.good is Good.ON_TARGET and p.ref is not None and p.ref.value_s is not None:
            well.append(words.get("summary_best", round=p.ref.round_number, value=s(p.ref.value_s)))
        elif p.good is Good.CLOSER and p.ref is not None and p.ref.value_s is not None:
            last_round, last = plan.values[-1]
            well.append(
                words.get(
                    "summary_improved",
                    ref_round=p.ref.round_number,
                    ref_value=s(p.ref.value_s),
                    round=last_round,
                    value=s(last),
                )
            )
        elif p.good is Good.ORDER:
            well.append(words.get("summary_order", measured=len(values), total=len(results)))

    return SessionSummary(
        rounds=tuple(rows),
        band=band,
        trend=plan.trend,
        trend_text=trend_text,
        went_well=" ".join(well),
        next_step=words.step(plan.step),
        on_target_count=plan.on_target_count,
        measured_count=len(values),
        well_heading=t("summary.well_heading", lang),
        plan=plan,
    )


def join_numbers(numbers: Sequence[int], lang: str) -> str:
    """ "2 and 3", "1, 2 and 4"."""
    head, last = [str(n) for n in numbers[:-1]], str(numbers[-1])
    return f"{', '.join(head)} {t('coach.common.and', lang)} {last}" if head else last
