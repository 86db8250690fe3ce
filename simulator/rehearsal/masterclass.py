"""A masterclass's turn order: participant after participant, each one session of rounds.

A frozen value the masterclass screens hold; each participant's rounds are a
:class:`~simulator.rehearsal.session.Session` of their own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from simulator.audio.result import RoundMeasurement


@dataclass(frozen=True, slots=True)
class Turns:
    participants: tuple[str, ...]
    """Who takes part, in entry order."""
    current: int = 0
    """Whose turn it is (an index into ``participants``); past the end once everyone is done."""
    results: Mapping[int, tuple[RoundMeasurement, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    """Measured rounds by participant index."""
    skipped: frozenset[int] = frozenset()
    """Participants who left their rounds (or some of them) untaken."""

    @property
    def finished(self) -> bool:
        return self.current >= len(self.participants)

    @property
    def name(self) -> str:
        """Whose turn it is."""
        return self.participants[self.current]

    @property
    def following(self) -> str | None:
        """Who comes after this participant; ``None``: the group view comes next."""
        index = self.current + 1
        return self.participants[index] if index < len(self.participants) else None

    def record(self, rounds: Sequence[RoundMeasurement]) -> Turns:
        """This participant's rounds so far."""
        results = {**self.results, self.current: tuple(rounds)}
        return replace(self, results=MappingProxyType(results))

    def skip(self) -> Turns:
        """This participant leaves the rest of their rounds; the next one's turn."""
        return replace(self, skipped=self.skipped | {self.current}).advance()

    def advance(self) -> Turns:
        """The next participant's turn."""
        return replace(self, current=self.current + 1)
