"""What a coach would say after a round, decided before it is worded.

A plan holds no text: what went well (and only that), what to show when nothing did, exactly one
next step with its reason, and the earlier attempt to refer back to. The catalogs word it per kind
of action step (``coaching.feedback``); the round screen, the summary and the debrief export all
read the same plan, so they cannot disagree.

Comparisons are made here, once, so they are right by construction:

* the best round is the one closest to the band (then to the target);
* a change counts only when it is larger than ``SAME_TOLERANCE_S``, and entering the band always
  counts as better;
* a ratio is carried as a number and worded as "twice" only when it rounds to 2.0;
* an earlier round is held up only when it was on target;
* a step carries one target (the scenario's), never a second one from an earlier round.

Pure: plain values in, plain values out.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from simulator.audio.pattern import Band, Shape
from simulator.audio.result import ANALYSIS_RATE_HZ, Reason, RoundMeasurement, Verdict

SAME_TOLERANCE_S = 0.15
"""Differences up to this size count as 'about the same' (a VAD frame or two either way)."""

STEADY_SPREAD_S = 0.4
"""Rounds all on the same side of the band and within this spread count as steady."""

RATIO_WORTH_SAYING = 1.5
"""A too-short pause that grew at least this much is worth saying as a ratio ("1.8 times")."""


def as_shown(value_s: float) -> float:
    """A time as the feedback writes it: to a tenth of a second."""
    return float(f"{value_s:.1f}")


SLIGHT_FRACTION = 0.25
"""Outside the band by at most this fraction of the target: 'a little' too short or too long."""
CLEAR_FRACTION = 0.75
"""Up to this fraction: plainly too short or too long; beyond it: far off ('much longer')."""

TEACHING_PROBLEMS = (
    Reason.NAME_FIRST,
    Reason.NO_PAUSE,
    Reason.ONE_UTTERANCE,
    Reason.NO_RESPONSE,
)
"""Failures of the move itself (not of the microphone): fixing one is worth saying."""

DEVICE_PROBLEMS = (Reason.NO_SPEECH, Reason.TOO_QUIET, Reason.CLIPPED)
"""Failures of the sound, not of the move."""


class StepKind(enum.Enum):
    """The kind of action step a scenario rehearses; each has its own words."""

    QUESTION = "question"
    """Wait after a question before naming a student (check question, cold call)."""
    ANSWER = "answer"
    """Wait after a student's answer before responding."""
    DIRECTION = "direction"
    """A short, timed whole-class direction."""
    COMPLIMENT = "compliment"
    """A coach's specific compliment that opens a debrief, timed."""

    @property
    def timed_turn(self) -> bool:
        """True when the step times a spoken turn, not a silence."""
        return self in (StepKind.DIRECTION, StepKind.COMPLIMENT)


STEP_KINDS = tuple(k.value for k in StepKind)

DEFAULT_KIND = {
    Shape.SPEECH_PAUSE_SPEECH: StepKind.QUESTION,
    Shape.CUE_PAUSE_SPEECH: StepKind.ANSWER,
    Shape.TIMED_TURN: StepKind.DIRECTION,
}


def kind_fits(kind: StepKind, shape: Shape) -> bool:
    """Whether a kind of step can be measured with a pattern of this shape."""
    if shape is Shape.TIMED_TURN:
        return kind.timed_turn
    return kind is DEFAULT_KIND[shape]


class Change(enum.Enum):
    """How a measured attempt compares with an earlier measured one."""

    FIRST = "first"
    """No earlier measured attempt to compare with."""
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


BETTER = frozenset({Change.INTO_BAND, Change.CLOSER, Change.STEADIER})
WORSE = frozenset({Change.SLIPPED, Change.FURTHER})


class Size(enum.Enum):
    """How far outside the band, relative to the target."""

    SLIGHT = "slight"
    CLEAR = "clear"
    FAR = "far"


class Good(enum.Enum):
    """Something that went well, each grounded in the measurement."""

    ON_TARGET = "on_target"
    HELD = "held"
    """On target again, like the referenced earlier round."""
    ALL_HELD = "all_held"
    """On target in every round so far (at least three)."""
    INTO_BAND = "into_band"
    CLOSER = "closer"
    RATIO = "ratio"
    """A too-short pause grew by ``amount`` times."""
    FIXED = "fixed"
    """The previous attempt's failure (``fixed``) did not happen again."""
    ORDER = "order"
    """The structure of the move was right (question before name; the answer was let finish)."""
    EARLIER = "earlier"
    """An earlier round (``ref``) was on target: the teacher has done it before."""


@dataclass(frozen=True, slots=True)
class Ref:
    """An earlier attempt the feedback refers back to."""

    round_number: int
    value_s: float | None
    verdict: Verdict
    reason: Reason | None = None
    redo: bool = False
    """True for the attempt that this round replaces (a redo)."""


@dataclass(frozen=True, slots=True)
class Praise:
    good: Good
    ref: Ref | None = None
    amount: float = 0.0
    """Seconds closer (``CLOSER``), the ratio (``RATIO``) or the number of rounds (``ALL_HELD``)."""
    fixed: Reason | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """Exactly one next step; its why is worded under the same key."""

    key: str
    """``too_short``, ``too_long``, ``on_target``, ``on_target_again``, ``transfer`` or a
    failure (``name_first``, ``no_pause``, ``no_pause_cue``, ``no_speech``…)."""
    size: Size | None = None


@dataclass(frozen=True, slots=True)
class RoundPlan:
    kind: StepKind
    round_number: int
    band: Band
    verdict: Verdict
    value_s: float | None
    problem: Reason | None
    praise: tuple[Praise, ...]
    """Only what went well; empty when nothing did."""
    observation: str | None
    """What to show in plain words when the round failed or nothing went well: a failure key
    (as in ``Step.key``) or ``too_short``/``too_long``; ``None`` when the praise says it all."""
    step: Step
    change: Change
    refer: Ref | None
    """The one earlier attempt this feedback refers back to, if any."""
    redo_of: Ref | None
    """The attempt this round replaces, when it is a redo."""

    @property
    def went_well(self) -> bool:
        """True when the feedback opens with praise of this round (not only of an earlier one)."""
        return self.problem is None and any(p.good is not Good.EARLIER for p in self.praise)


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
class SessionPlan:
    kind: StepKind
    band: Band
    values: tuple[tuple[int, float], ...]
    """Measured rounds as (round number, seconds)."""
    trend: Trend
    trend_side: Verdict | None
    """For a steady trend: the side all rounds were on."""
    best: tuple[int, float] | None
    """The round closest to the band (then to the target)."""
    praise: tuple[Praise, ...]
    """One item, only what went well: ``ON_TARGET`` for the best round when it hit the band,
    else ``CLOSER`` from the first to the last round when they improved, else ``ORDER`` when the
    structure of the move held."""
    step: Step
    on_target_count: int
    total: int


# --- comparisons ---------------------------------------------------------------------------------


def band_distance_s(value_s: float, band: Band) -> float:
    """How far a value lies outside the band (0 inside it)."""
    if value_s < band.min_s:
        return band.min_s - value_s
    if value_s > band.max_s:
        return value_s - band.max_s
    return 0.0


def closeness(value_s: float, band: Band) -> tuple[float, float]:
    """Sort key: smaller is better (outside distance first, then distance from the target)."""
    return band_distance_s(value_s, band), abs(value_s - band.target_s)


def size_of(value_s: float, band: Band) -> Size:
    fraction = band_distance_s(value_s, band) / band.target_s
    if fraction <= SLIGHT_FRACTION:
        return Size.SLIGHT
    if fraction <= CLEAR_FRACTION:
        return Size.CLEAR
    return Size.FAR


def compare(prev_s: float, cur_s: float, band: Band) -> Change:
    """How ``cur_s`` compares with an earlier ``prev_s`` against the same band."""
    from simulator.audio.result import verdict_for

    pv, cv = verdict_for(prev_s, band), verdict_for(cur_s, band)
    if pv is Verdict.ON_TARGET and cv is Verdict.ON_TARGET:
        if abs(cur_s - band.target_s) < abs(prev_s - band.target_s) - SAME_TOLERANCE_S:
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
    dp, dc = band_distance_s(prev_s, band), band_distance_s(cur_s, band)
    if dc < dp - SAME_TOLERANCE_S:
        return Change.CLOSER
    if dc > dp + SAME_TOLERANCE_S:
        return Change.FURTHER
    return Change.SAME


def count_for(band: Band) -> int:
    """The number to count to in silence for this band's target (5 s → 5; 2.5 s → 3)."""
    return max(1, int(band.target_s + 0.5))


# --- one round -----------------------------------------------------------------------------------


RAN_LONG_REASONS = (Reason.ONE_UTTERANCE, Reason.NO_RESPONSE)
"""Failures that, with a long silence after the last speech, mean the wait ran past the end of
the round: the question (or the answer) was there, the name (or the response) never came."""


def silence_after_s(m: RoundMeasurement) -> float:
    """The silence from the end of the last speech to the end of the recording."""
    end = m.segments[-1].end if m.segments else 0
    return max(m.duration_samples - end, 0) / ANALYSIS_RATE_HZ


def ran_long(m: RoundMeasurement) -> bool:
    """True when the round ended in a silence longer than the band: a wait that ran long, not
    one unbroken stretch of speech."""
    return m.reason in RAN_LONG_REASONS and silence_after_s(m) > m.band.max_s


def failure_code(m: RoundMeasurement) -> str:
    """Why a round has no measurement, as the code its words are kept under (``reason.<code>``):
    ``ran_long`` for a wait that ran past the end of the round, else the analysis's reason."""
    if ran_long(m):
        return "ran_long"
    return (m.reason if m.reason is not None else Reason.NO_SPEECH).value


def failure_key(reason: Reason, kind: StepKind, m: RoundMeasurement | None = None) -> str:
    if m is not None and ran_long(m):
        return "ran_long"
    if reason is Reason.NO_PAUSE and kind is StepKind.ANSWER:
        return "no_pause_cue"
    return reason.value


def _ref(round_number: int, m: RoundMeasurement, redo: bool = False) -> Ref:
    return Ref(round_number, m.measured_s, m.verdict, m.reason, redo)


def _reason(m: RoundMeasurement) -> Reason | None:
    if m.measured_s is not None:
        return None
    return m.reason if m.reason is not None else Reason.NO_SPEECH


def plan_round(
    results: Sequence[RoundMeasurement],
    kind: StepKind,
    replaced: RoundMeasurement | None = None,
) -> RoundPlan:
    """The plan for the last of ``results`` (this session's rounds so far, in order).

    ``replaced`` is the attempt the last round redoes, if it is a redo: the feedback then
    compares with that attempt rather than with the round before.
    """
    if not results:
        raise ValueError("plan_round needs at least one round")
    m = results[-1]
    n = len(results)
    band = m.band
    earlier = [(i + 1, r) for i, r in enumerate(results[:-1])]
    on_target_before = [(i, r) for i, r in earlier if r.verdict is Verdict.ON_TARGET]
    redo_of = _ref(n, replaced, redo=True) if replaced is not None else None

    # The attempt just before this one: the one it replaces, else the previous round.
    before: Ref | None = redo_of or (_ref(*earlier[-1]) if earlier else None)
    # The measured attempt to compare with.
    compare_with: Ref | None = None
    if redo_of is not None:
        # A redo is compared with the attempt it replaces, and only with that one.
        compare_with = redo_of if redo_of.value_s is not None else None
    else:
        measured_before = [(i, r) for i, r in earlier if r.measured_s is not None]
        compare_with = _ref(*measured_before[-1]) if measured_before else None
    earlier_hit = _ref(*on_target_before[-1]) if on_target_before else None

    problem = _reason(m)
    if problem is not None:
        key = failure_key(problem, kind, m)
        # A redo refers to the attempt it replaces; otherwise an earlier hit is real praise.
        hit = earlier_hit if redo_of is None else None
        failed_praise = (Praise(Good.EARLIER, hit),) if hit is not None else ()
        return RoundPlan(
            kind=kind,
            round_number=n,
            band=band,
            verdict=Verdict.NO_MEASUREMENT,
            value_s=None,
            problem=problem,
            praise=failed_praise,
            observation=key,
            step=Step(key),
            change=Change.NOT_MEASURED,
            refer=hit or redo_of,
            redo_of=redo_of,
        )

    value = m.measured_s
    assert value is not None
    verdict = m.verdict
    change = Change.FIRST
    if compare_with is not None and compare_with.value_s is not None:
        change = compare(compare_with.value_s, value, band)

    fixed: Praise | None = None
    before_m = replaced if replaced is not None else (earlier[-1][1] if earlier else None)
    if (
        before is not None
        and before.reason in TEACHING_PROBLEMS
        and not (before_m is not None and ran_long(before_m))
    ):
        fixed = Praise(Good.FIXED, before, fixed=before.reason)

    improvement: Praise | None = None
    if compare_with is not None and compare_with.value_s is not None and change in BETTER:
        prev_s = compare_with.value_s
        # The ratio of the values as the teacher reads them (to 0.1 s): "3.4 s, 3.9 times as
        # long as round 1 (0.8 s)" would not add up.
        shown_prev, shown_value = as_shown(prev_s), as_shown(value)
        ratio = shown_value / shown_prev if shown_prev > 0 else 0.0
        grew = compare_with.verdict is Verdict.TOO_SHORT and not kind.timed_turn
        if change is not Change.STEADIER and grew and ratio >= RATIO_WORTH_SAYING:
            improvement = Praise(Good.RATIO, compare_with, amount=ratio)
        elif change is Change.INTO_BAND:
            improvement = Praise(Good.INTO_BAND, compare_with)
        else:
            delta = band_distance_s(prev_s, band) - band_distance_s(value, band)
            if change is Change.STEADIER:
                delta = abs(prev_s - band.target_s) - abs(value - band.target_s)
            improvement = Praise(Good.CLOSER, compare_with, amount=delta)

    items: list[Praise] = []
    if verdict is Verdict.ON_TARGET:
        items.append(Praise(Good.ON_TARGET))
        if fixed is not None:
            items.append(fixed)
        elif improvement is not None and change is not Change.STEADIER:
            items.append(improvement)
        elif redo_of is not None:
            pass  # a redo refers to the attempt it replaces, not to other rounds
        elif len(on_target_before) >= 2 and len(on_target_before) == len(earlier):
            items.append(Praise(Good.ALL_HELD, amount=len(on_target_before) + 1))
        elif earlier_hit is not None:
            items.append(Praise(Good.HELD, earlier_hit))
    else:
        if fixed is not None:
            items.append(fixed)
        elif not kind.timed_turn:
            items.append(Praise(Good.ORDER))
        if improvement is not None:
            items.append(improvement)
        elif earlier_hit is not None and redo_of is None:
            items.append(Praise(Good.EARLIER, earlier_hit))
    # A note about the sound takes the room of a second sentence: the screen stays short.
    praise = tuple(items[: 1 if m.warnings else 2])
    about_this_round = any(p.good is not Good.EARLIER for p in praise)

    if verdict is Verdict.ON_TARGET:
        step = Step("on_target_again" if on_target_before else "on_target")
    else:
        step = Step(verdict.value, size_of(value, band))
    refer = next((p.ref for p in praise if p.ref is not None), None) or redo_of
    return RoundPlan(
        kind=kind,
        round_number=n,
        band=band,
        verdict=verdict,
        value_s=value,
        problem=None,
        praise=praise,
        observation=None if about_this_round else verdict.value,
        step=step,
        change=change,
        refer=refer,
        redo_of=redo_of,
    )


# --- the session ---------------------------------------------------------------------------------


def trend_of(values: Sequence[float], band: Band) -> Trend:
    """The direction of a session's measured values, by the same comparison as the rounds."""
    if not values:
        return Trend.NONE
    if len(values) == 1:
        return Trend.SINGLE
    if all(band_distance_s(v, band) == 0.0 for v in values):
        return Trend.STEADY
    same_side = all(v < band.min_s for v in values) or all(v > band.max_s for v in values)
    if same_side and max(values) - min(values) <= STEADY_SPREAD_S:
        return Trend.STEADY
    steps = [compare(a, b, band) for a, b in zip(values, values[1:], strict=False)]
    overall = compare(values[0], values[-1], band)
    if overall in BETTER and not any(c in WORSE for c in steps):
        return Trend.IMPROVING
    if overall in WORSE and not any(c in BETTER for c in steps):
        return Trend.DECLINING
    return Trend.MIXED


def plan_session(results: Sequence[RoundMeasurement], kind: StepKind) -> SessionPlan:
    """The summary's plan: the trend, what went well over the rounds, and one next step —
    the last round's step, or taking it into class once the move held."""
    if not results:
        raise ValueError("plan_session needs at least one round")
    band = results[-1].band
    measured = tuple(
        (i, r.measured_s) for i, r in enumerate(results, start=1) if r.measured_s is not None
    )
    values = [v for _, v in measured]
    trend = trend_of(values, band)
    side: Verdict | None = None
    if trend is Trend.STEADY and values:
        from simulator.audio.result import verdict_for

        side = verdict_for(values[0], band)
    hits = [(i, v) for i, v in measured if band_distance_s(v, band) == 0.0]
    best = min(measured, key=lambda h: (*closeness(h[1], band), -h[0])) if measured else None

    praise: list[Praise] = []
    if best is not None and band_distance_s(best[1], band) == 0.0:
        praise.append(
            Praise(Good.ON_TARGET, Ref(best[0], best[1], Verdict.ON_TARGET), amount=len(hits))
        )
    elif trend is Trend.IMPROVING:
        (first_round, first), (_, last) = measured[0], measured[-1]
        first_ref = Ref(first_round, first, results[first_round - 1].verdict)
        praise.append(Praise(Good.CLOSER, first_ref, amount=last))
    if not praise and measured and not kind.timed_turn:
        praise.append(Praise(Good.ORDER, amount=len(measured)))

    if results[-1].verdict is Verdict.ON_TARGET and len(hits) >= 2:
        step = Step("transfer")
    elif _reason(results[-1]) not in DEVICE_PROBLEMS or not measured:
        step = plan_round(results, kind).step
    else:  # the microphone failed at the end: the step is about the move, from the last round
        step = plan_round(results[: measured[-1][0]], kind).step
    return SessionPlan(
        kind=kind,
        band=band,
        values=measured,
        trend=trend,
        trend_side=side,
        best=best,
        praise=tuple(praise[:2]),
        step=step,
        on_target_count=len(hits),
        total=len(results),
    )
