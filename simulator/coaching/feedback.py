"""Round feedback in the coaching order: specific praise, the measurement as a timeline, and
exactly one next step. Pure: plain values in, texts from the catalogs out."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from simulator.audio.pattern import Band, Pattern, Shape
from simulator.audio.result import LevelWarning, Reason, RoundMeasurement, Verdict
from simulator.coaching.timeline import Timeline, build_timeline
from simulator.i18n import fill, format_band, format_number, format_seconds, t
from simulator.scenarios.model import Scenario

SHAPE_KEY = {
    Shape.SPEECH_PAUSE_SPEECH: "sps",
    Shape.CUE_PAUSE_SPEECH: "cps",
    Shape.TIMED_TURN: "turn",
}

SAME_TOLERANCE_S = 0.15
"""Differences up to this size count as 'about the same' (a VAD frame or two either way)."""


class Change(enum.Enum):
    """How this round compares with the most recent earlier measured round."""

    FIRST = "first"
    """No earlier measured round to compare with."""
    INTO_BAND = "into_band"
    CLOSER = "closer"
    HELD = "held"
    STEADIER = "steadier"
    OVERSHOT = "overshot"
    UNDERSHOT = "undershot"
    SLIPPED = "slipped"
    FURTHER = "further"
    SAME = "same"
    NOT_MEASURED = "not_measured"


@dataclass(frozen=True, slots=True)
class RoundFeedback:
    round_number: int
    verdict: Verdict
    measured_s: float | None
    problem: Reason | None
    praise: str
    """Specific and grounded in the measurement; for a round with nothing to praise, a plain
    observation of what was heard."""
    timeline: Timeline
    next_step: str
    """Exactly one concrete next step."""
    change: Change
    reference_round: int | None
    """The earlier round this feedback refers back to, if any."""
    level_note: str | None = None
    """A remark on the input level when the round was measured despite a level warning."""


def band_distance_s(value_s: float, band: Band) -> float:
    """How far a value lies outside the band (0 inside it)."""
    if value_s < band.min_s:
        return band.min_s - value_s
    if value_s > band.max_s:
        return value_s - band.max_s
    return 0.0


def _classify(prev: RoundMeasurement, cur: RoundMeasurement) -> Change:
    p, c = prev.measured_s, cur.measured_s
    assert p is not None and c is not None
    band = cur.band
    pv, cv = prev.verdict, cur.verdict
    if pv is Verdict.ON_TARGET and cv is Verdict.ON_TARGET:
        if abs(c - band.target_s) < abs(p - band.target_s) - SAME_TOLERANCE_S:
            return Change.STEADIER
        return Change.HELD
    if cv is Verdict.ON_TARGET:
        return Change.INTO_BAND
    if pv is Verdict.ON_TARGET:
        return Change.SLIPPED
    if pv is Verdict.TOO_SHORT and cv is Verdict.TOO_LONG:
        return Change.OVERSHOT
    if pv is Verdict.TOO_LONG and cv is Verdict.TOO_SHORT:
        return Change.UNDERSHOT
    dp, dc = band_distance_s(p, band), band_distance_s(c, band)
    if dc < dp - SAME_TOLERANCE_S:
        return Change.CLOSER
    if dc > dp + SAME_TOLERANCE_S:
        return Change.FURTHER
    return Change.SAME


class _Texts:
    """Catalog texts for one round, with the scenario's overrides where it has them."""

    def __init__(self, lang: str, scenario: Scenario | None, params: dict[str, object]) -> None:
        self.lang = lang
        self.scenario = scenario
        self.params = params

    def get(
        self, key: str, override: str | None = None, extra: Mapping[str, object] | None = None
    ) -> str:
        params = {**self.params, **(extra or {})}
        if override is not None and self.scenario is not None:
            text = self.scenario.feedback_text(override)
            if text is not None:
                return fill(text, **params)
        return t(key, self.lang, **params)


def _join(*parts: str | None) -> str:
    return " ".join(p for p in parts if p)


def round_feedback(
    pattern: Pattern,
    results: Sequence[RoundMeasurement],
    lang: str,
    scenario: Scenario | None = None,
) -> RoundFeedback:
    """Feedback on the last of ``results`` (this session's rounds so far, in order).

    Scenario overrides (``Scenario.feedback_text``) replace the default texts; they may use the
    placeholders ``value``, ``target``, ``band``, ``min``, ``max``, ``round``, ``ref_round``,
    ``ref_value``, ``delta``, ``ratio``, ``missing``, ``excess``, ``speech``, ``duration``,
    ``level``.
    """
    if not results:
        raise ValueError("round_feedback needs at least one round")
    m = results[-1]
    round_number = len(results)
    band = m.band
    shape = SHAPE_KEY[m.shape]

    def s(value_s: float) -> str:
        return format_seconds(value_s, lang)

    speech_total = sum(seg.duration_s for seg in m.segments)
    level_db = m.levels.speech_dbfs if m.levels.speech_dbfs is not None else m.levels.peak_dbfs
    params: dict[str, object] = {
        "round": round_number,
        "target": s(band.target_s),
        "band": format_band(band.min_s, band.max_s, lang),
        "min": s(band.min_s),
        "max": s(band.max_s),
        "speech": s(speech_total),
        "duration": s(m.audio_s),
        "level": f"{format_number(level_db, lang, 0)} dBFS",
    }
    earlier = [(i + 1, r) for i, r in enumerate(results[:-1]) if r.measured_s is not None]
    on_target_before = [(i, r) for i, r in earlier if r.verdict is Verdict.ON_TARGET]
    timeline = build_timeline(pattern, m)
    texts = _Texts(lang, scenario, params)

    def recall() -> tuple[str | None, int | None]:
        if not on_target_before:
            return None, None
        ref_round, ref = on_target_before[-1]
        assert ref.measured_s is not None
        text = t("coach.compare.recall", lang, ref_round=ref_round, ref_value=s(ref.measured_s))
        return text, ref_round

    if m.reason is not None or m.measured_s is None:
        reason = m.reason if m.reason is not None else Reason.NO_SPEECH
        key = reason.value
        if reason is Reason.NO_PAUSE and m.shape is Shape.CUE_PAUSE_SPEECH:
            key = "no_pause_cue"
        override = reason.value if reason.value in ("name_first", "no_pause", "no_speech") else None
        back, ref_round = recall()
        return RoundFeedback(
            round_number=round_number,
            verdict=Verdict.NO_MEASUREMENT,
            measured_s=None,
            problem=reason,
            praise=_join(texts.get(f"coach.problem.{key}.praise"), back),
            timeline=timeline,
            next_step=texts.get(f"coach.problem.{key}.next", override),
            change=Change.NOT_MEASURED,
            reference_round=ref_round,
        )

    value = m.measured_s
    verdict = m.verdict
    params.update(
        value=s(value),
        missing=s(max(band.target_s - value, 0.0)),
        excess=s(max(value - band.target_s, 0.0)),
    )
    opening = texts.get(
        f"coach.praise.{shape}.{verdict.value}",
        "praise_on_target" if verdict is Verdict.ON_TARGET else None,
    )

    change = Change.FIRST
    reference_round: int | None = None
    comparison: str | None = None
    back_in_next: str | None = None
    if earlier:
        reference_round, ref = earlier[-1]
        ref_value = ref.measured_s
        assert ref_value is not None
        change = _classify(ref, m)
        cmp = {
            "ref_round": reference_round,
            "ref_value": s(ref_value),
            "delta": s(abs(abs(ref_value - band.target_s) - abs(value - band.target_s))),
        }
        ratio = value / ref_value if ref_value > 0 else 0.0
        if change in (Change.INTO_BAND, Change.CLOSER):
            if ref.verdict is Verdict.TOO_SHORT and ratio >= 1.5:
                key = "twice" if 1.85 <= ratio <= 2.15 else "ratio"
                cmp["ratio"] = format_number(ratio, lang)
            else:
                key = "into_band" if change is Change.INTO_BAND else "closer"
            comparison = texts.get(f"coach.compare.{key}", "praise_improved", cmp)
        elif change in (Change.HELD, Change.STEADIER):
            if len(on_target_before) == len(earlier) and len(earlier) >= 2:
                values = ", ".join(s(r.measured_s or 0.0) for _, r in earlier) + f", {s(value)}"
                comparison = t("coach.compare.held_all", lang, values=values)
            else:
                comparison = texts.get(f"coach.compare.{change.value}", extra=cmp)
        elif change is Change.OVERSHOT:
            comparison = texts.get("coach.compare.overshot", extra=cmp)
        elif change is Change.SAME:
            comparison = texts.get("coach.compare.same", extra=cmp)
        elif on_target_before:
            comparison, reference_round = recall()
        else:  # further from the band, or from too long to too short: point back in the next step
            back_in_next = texts.get("coach.compare.back", extra=cmp)

    if verdict is Verdict.ON_TARGET:
        hits = len(on_target_before) + 1
        next_key = "on_target_again" if hits >= 2 else "on_target"
        next_text = texts.get(f"coach.next.{shape}.{next_key}", "next_on_target")
    else:
        next_text = texts.get(f"coach.next.{shape}.{verdict.value}", f"next_{verdict.value}")

    level_note: str | None = None
    if LevelWarning.TOO_QUIET in m.warnings:
        level_note = t("coach.level.too_quiet", lang)
    elif LevelWarning.CLIPPED in m.warnings:
        level_note = t("coach.level.clipped", lang)

    return RoundFeedback(
        round_number=round_number,
        verdict=verdict,
        measured_s=value,
        problem=None,
        praise=_join(opening, comparison),
        timeline=timeline,
        next_step=_join(back_in_next, next_text),
        change=change,
        reference_round=reference_round,
        level_note=level_note,
    )
