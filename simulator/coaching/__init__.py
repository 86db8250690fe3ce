"""Coaching feedback: pure functions from measured rounds to a plan, then to words."""

from simulator.coaching.feedback import RoundFeedback, round_feedback
from simulator.coaching.plan import (
    Change,
    RoundPlan,
    SessionPlan,
    StepKind,
    Trend,
    band_distance_s,
    plan_round,
    plan_session,
)
from simulator.coaching.summary import SessionSummary, SummaryRound, summarize
from simulator.coaching.timeline import Timeline, TimelinePhase, build_timeline

__all__ = [
    "Change",
    "RoundFeedback",
    "RoundPlan",
    "SessionPlan",
    "StepKind",
    "SessionSummary",
    "SummaryRound",
    "Timeline",
    "TimelinePhase",
    "Trend",
    "band_distance_s",
    "build_timeline",
    "plan_round",
    "plan_session",
    "round_feedback",
    "summarize",
]
