"""A session: one scenario's rounds, played in order, each redone as often as the teacher wants.

A frozen value: every key returns the next session (``record``, ``redo``, ``next``), so the rounds
screen holds one value and a test can walk a session without a screen.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, replace

from simulator.audio.live import question_s
from simulator.audio.result import RoundMeasurement


@dataclass(frozen=True, slots=True)
class Session:
    rounds: int
    """How many rounds the scenario has."""
    number: int = 1
    """The round being played, from 1."""
    results: tuple[RoundMeasurement, ...] = ()
    """The measured rounds so far, in order (a redone round replaces its entry)."""
    replaced: tuple[RoundMeasurement | None, ...] = ()
    """Beside each of ``results``: the attempt it replaced when it was a redo, else ``None``
    (the round's feedback compared it with that attempt, and the debrief does so too)."""
    asked_from: int = 0
    """The first of ``results`` in which the teacher asked the question they ask now (see
    ``new_question``)."""
    checked_question_s: float | None = None
    """How long the question lasted when the teacher said it in the microphone check before the
    session (``live.sentence_s``; ``None``: not heard there). Each round gets it beside
    ``question_s`` (see ``LiveRound``): a round that ended in a break inside the question
    measured only its first part, and the check still knows the whole."""

    def __post_init__(self) -> None:
        if self.rounds < 1:
            raise ValueError(f"a session has at least one round, not {self.rounds}")
        if not 1 <= self.number <= self.rounds:
            raise ValueError(f"round {self.number} is not one of the session's {self.rounds}")

    @property
    def earlier_attempt(self) -> RoundMeasurement | None:
        """This round's measurement from before, when it is being redone."""
        return self.results[self.number - 1] if len(self.results) >= self.number else None

    @property
    def question_s(self) -> float | None:
        """How long the teacher's question lasted in the rounds measured so far (the median;
        ``None`` before any round with a measured pause)."""
        lengths = [s for s in map(question_s, self.results[self.asked_from :]) if s is not None]
        return statistics.median(lengths) if lengths else None

    @property
    def last(self) -> bool:
        """This is the scenario's last round."""
        return self.number >= self.rounds

    def record(self, measurement: RoundMeasurement) -> Session:
        """The session with this round measured; it replaces an earlier attempt at this round
        and whatever followed it, and keeps that earlier attempt as the one it replaced."""
        kept = self.number - 1
        return replace(
            self,
            results=(*self.results[:kept], measurement),
            replaced=(*self.replaced[:kept], self.earlier_attempt),
        )

    def new_question(self) -> Session:
        """The teacher asks another question from now on (their own words changed): how long
        the earlier rounds' question was, or the one said in the microphone check, says nothing
        about it."""
        return replace(self, asked_from=len(self.results), checked_question_s=None)

    def checked(self, question_s: float) -> Session:
        """The teacher said the question in the microphone check (again), and it lasted
        ``question_s``: the rounds from now on know it (``checked_question_s``)."""
        return replace(self, checked_question_s=question_s)

    def redo(self) -> Session:
        """The same round once more (its measurement is replaced when it is recorded)."""
        return self

    def next(self) -> Session:
        """The following round; after the last one, the session stays where it is."""
        return self if self.last else replace(self, number=self.number + 1)
