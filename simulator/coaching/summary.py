"""The summary after the last round: every round against the band, the trend, what went well,
and one next step. Pure, like the round feedback."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from simulator.audio.pattern import Band, Pattern
from simulator.audio.result import Reason, RoundMeasurement, Verdict
from simulator.coaching.feedback import (
    SAME_TOLERANCE_S,
    SHAPE_KEY,
    band_distance_s,
    round_feedback,
)
from simulator.i18n import format_band, format_seconds, t
from simulator.scenarios.model import Scenario

STEADY_SPREAD_S = 0.4
"""Rounds all on the same side of the band and within this spread count as steady."""


class Trend(enum.Enum):
    IMPROVING = "improving"
    STEADY = "steady"
    DECLINING = "declining"
    MIXED = "mixed"
    SINGLE = "single"
    """Only one round could be measured."""
    NONE = "none"
    """No round could be measured."""


@dataclass(frozen=True, slots=True)
class SummaryRound:
    round_number: int
    measured_s: float | None
    verdict: Verdict
    problem: Reason | None
    text: str
    """E.g. "Round 2: 2.8 s — on target"."""


@dataclass(frozen=True, slots=True)
class SessionSummary:
    rounds: tuple[SummaryRound, ...]
    band: Band
    trend: Trend
    trend_text: str
    went_well: str
    next_step: str
    on_target_count: int
    measured_count: int


def _trend(values: list[float], band: Band) -> Trend:
    if not values:
        return Trend.NONE
    if len(values) == 1:
        return Trend.SINGLE
    dist = [band_distance_s(v, band) for v in values]
    if all(d == 0.0 for d in dist):
        return Trend.STEADY
    same_side = all(v < band.min_s for v in values) or all(v > band.max_s for v in values)
    if same_side and max(values) - min(values) <= STEADY_SPREAD_S:
        return Trend.STEADY
    steps = list(zip(dist, dist[1:], strict=False))
    if all(b <= a + SAME_TOLERANCE_S for a, b in steps) and dist[-1] < dist[0] - SAME_TOLERANCE_S:
        return Trend.IMPROVING
    if all(b >= a - SAME_TOLERANCE_S for a, b in steps) and dist[-1] > dist[0] + SAME_TOLERANCE_S:
        return Trend.DECLINING
    return Trend.MIXED


def summarize(
    pattern: Pattern,
    results: Sequence[RoundMeasurement],
    lang: str,
    scenario: Scenario | None = None,
) -> SessionSummary:
    """Summarise a session's rounds (in order)."""
    if not results:
        raise ValueError("summarize needs at least one round")
    band = results[-1].band
    shape = SHAPE_KEY[results[-1].shape]

    def s(v: float) -> str:
        return format_seconds(v, lang)

    rows: list[SummaryRound] = []
    measured: list[tuple[int, float]] = []
    for i, m in enumerate(results, start=1):
        value = m.measured_s
        if value is None:
            reason = m.reason if m.reason is not None else Reason.NO_SPEECH
            text = t(
                "summary.round_problem", lang, round=i, reason=t(f"reason.{reason.value}", lang)
            )
            rows.append(SummaryRound(i, None, Verdict.NO_MEASUREMENT, reason, text))
            continue
        measured.append((i, value))
        verdict_text = t(f"verdict.{m.verdict.value}", lang)
        text = t("summary.round_line", lang, round=i, value=s(value), verdict=verdict_text)
        rows.append(SummaryRound(i, value, m.verdict, None, text))

    values = [v for _, v in measured]
    trend = _trend(values, band)
    hits = [(i, v) for i, v in measured if band_distance_s(v, band) == 0.0]
    joined = " → ".join(s(v) for v in values)
    common = {
        "values": joined,
        "target": s(band.target_s),
        "band": format_band(band.min_s, band.max_s, lang),
    }
    if trend is Trend.STEADY:
        if hits and len(hits) == len(measured):
            key = "steady_on"
        else:
            key = "steady_short" if values[0] < band.min_s else "steady_long"
    else:
        key = trend.value
    trend_text = t(f"summary.trend.{key}", lang, **common, hits=len(hits), count=len(measured))

    well: list[str] = []
    if trend is Trend.IMPROVING:
        (first_round, first), (last_round, last) = measured[0], measured[-1]
        well.append(
            t(
                "summary.well.improved",
                lang,
                first=s(first),
                first_round=first_round,
                last=s(last),
                last_round=last_round,
            )
        )
    if hits:
        best_round, best = min(hits, key=lambda h: (abs(h[1] - band.target_s), -h[0]))
        well.append(t(f"summary.well.{shape}", lang, round=best_round, value=s(best)))
    elif measured and not well:
        best = min(values) if shape == "turn" else max(values)
        well.append(
            t(
                f"summary.well.order_{shape}",
                lang,
                count=len(measured),
                total=len(results),
                best=s(best),
            )
        )
    elif not measured:
        well.append(t("summary.well.none", lang, total=len(results)))

    if results[-1].verdict is Verdict.ON_TARGET and len(hits) >= 2:
        next_step = t(f"summary.next.transfer_{shape}", lang)
    else:
        next_step = round_feedback(pattern, results, lang, scenario).next_step

    return SessionSummary(
        rounds=tuple(rows),
        band=band,
        trend=trend,
        trend_text=trend_text,
        went_well=" ".join(well),
        next_step=next_step,
        on_target_count=len(hits),
        measured_count=len(measured),
    )
