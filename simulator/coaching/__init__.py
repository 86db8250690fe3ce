"""Coaching feedback: pure functions from measured rounds to praise, a timeline, one next step."""

from simulator.coaching.feedback import Change, RoundFeedback, band_distance_s, round_feedback
from simulator.coaching.summary import SessionSummary, SummaryRound, Trend, summarize
from simulator.coaching.timeline import Timeline, TimelinePhase, build_timeline

__all__ = [
    "Change",
    "RoundFeedback",
    "SessionSummary",
    "SummaryRound",
    "Timeline",
    "TimelinePhase",
    "Trend",
    "band_distance_s",
    "build_timeline",
    "round_feedback",
    "summarize",
]
