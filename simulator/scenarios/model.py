"""The scenario model: what a teacher rehearses, as plain frozen values."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

from simulator.audio.pattern import Pattern

LANGUAGES = ("nl", "en")


class Origin(enum.Enum):
    """Where a scenario file was found.

    A later origin overrides an earlier one with the same id and language.
    """

    BUILT_IN = "built-in"
    PACK = "pack"
    USER = "user"


@dataclass(frozen=True, slots=True)
class RoundPrompt:
    """What the teacher says in one round. Every round of a scenario has a different prompt."""

    situation: str
    """One or two sentences of context shown before the round."""
    line: str
    """What the teacher says: the question, the direction, the compliment."""
    name: str | None = None
    """The student to name after the pause (speech → pause → name patterns)."""
    cue: str | None = None
    """What the simulated student says before the teacher responds (cue → pause → speech)."""


@dataclass(frozen=True, slots=True)
class Material:
    """A follow-up item for the coach's playbook."""

    title: str
    kind: str
    """One of ``article``, ``video``, ``podcast``, ``book``."""
    reference: str


MATERIAL_KINDS = ("article", "video", "podcast", "book")

FEEDBACK_KEYS = (
    "praise_on_target",
    "praise_improved",
    "next_too_short",
    "next_too_long",
    "next_on_target",
    "name_first",
    "no_pause",
    "no_speech",
)
"""Feedback texts a scenario may override (placeholders as in the app's catalog)."""

FEEDBACK_PLACEHOLDERS = (
    "value",
    "target",
    "band",
    "min",
    "max",
    "round",
    "ref_round",
    "ref_value",
    "delta",
    "ratio",
    "missing",
    "excess",
    "speech",
    "duration",
    "level",
)
"""Placeholders a feedback override may use, e.g. ``{value}`` (see ``coaching.feedback``)."""


@dataclass(frozen=True, slots=True)
class Scenario:
    id: str
    language: str
    title: str
    action_step: str
    why: str
    research: str | None
    story: str
    model_line: str
    prompts: tuple[RoundPrompt, ...]
    pattern: Pattern
    rounds: int
    feedback: tuple[tuple[str, str], ...]
    """Overrides of default feedback texts as ``(key, text)`` pairs, keys from ``FEEDBACK_KEYS``."""
    materials: tuple[Material, ...]
    path: Path
    origin: Origin

    def prompt_for(self, round_number: int) -> RoundPrompt:
        """The prompt of round ``round_number`` (1-based); prompts repeat if rounds > prompts."""
        return self.prompts[(round_number - 1) % len(self.prompts)]

    def feedback_text(self, key: str) -> str | None:
        for k, text in self.feedback:
            if k == key:
                return text
        return None
