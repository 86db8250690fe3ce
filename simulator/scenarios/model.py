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

STEP_KINDS = ("question", "answer", "direction", "compliment")
"""Kinds of action step (``step = "…"`` in a scenario): wait after a question, wait after a
student's answer, a timed direction, a debrief compliment. Each has its own feedback words."""

FAILURE_KEYS = (
    "name_first",
    "no_pause",
    "no_pause_cue",
    "one_utterance",
    "no_response",
    "no_speech",
    "too_quiet",
    "clipped",
    "ran_long",
)
"""Why a round could not be measured, as the feedback names it (``no_pause_cue``: no silence
after a student's answer; ``ran_long``: the silence ran past the range and the round ended before
the name or the response came)."""

STEP_KEYS = ("too_short", "too_long", "on_target", "on_target_again", "transfer", *FAILURE_KEYS)
"""The one next step of a round or a summary; each has a ``next_`` and a ``why_`` text."""

FEEDBACK_KEYS = (
    "praise_on_target",
    "praise_held",
    "praise_all_held",
    "praise_into_band",
    "praise_closer",
    "praise_ratio",
    "praise_twice",
    "praise_improved",
    "praise_order",
    "praise_earlier",
    *(f"fixed_{k}" for k in ("name_first", "no_pause", "no_pause_cue", "one_utterance")),
    "fixed_no_response",
    "observe_too_short",
    "observe_too_long",
    *(f"observe_{k}" for k in FAILURE_KEYS),
    *(f"next_{k}" for k in STEP_KEYS),
    *(f"why_{k}" for k in STEP_KEYS),
    "redo_was",
    "redo_failed",
    "summary_best",
    "summary_all_hit",
    "summary_some_hit",
    "summary_improved",
    "summary_order",
    # Older names, still read: the next step after these failures.
    "name_first",
    "no_pause",
    "no_speech",
)
"""Feedback texts a scenario may override (placeholders as in the app's catalog): every text
the feedback of its kind of step uses. ``praise_improved`` stands for ``praise_into_band``,
``praise_closer`` and ``praise_ratio`` when those are not given."""

LEGACY_FEEDBACK_KEYS = {
    "name_first": ("next_name_first",),
    "no_pause": ("next_no_pause", "next_no_pause_cue"),
    "no_speech": ("next_no_speech",),
}

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
    "count",
    "ref",
    "more",
    "rounds",
    "measured",
    "total",
    "say",
    "silence",
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
    step: str | None = None
    """The kind of action step (one of ``STEP_KINDS``); ``None``: the kind its pattern implies."""

    def prompt_for(self, round_number: int) -> RoundPrompt:
        """The prompt of round ``round_number`` (1-based); prompts repeat if rounds > prompts."""
        return self.prompts[(round_number - 1) % len(self.prompts)]

    def feedback_text(self, key: str) -> str | None:
        """The scenario's own text for ``key``, also when written under an older name."""
        found = None
        for k, text in self.feedback:
            if k == key:
                return text
            if key in LEGACY_FEEDBACK_KEYS.get(k, ()):
                found = text
        return found
