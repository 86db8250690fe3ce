"""The teacher's own moment: their own question(s) and a student's name from their own class.

The coaching method has the teacher practise on a moment from their own lesson. Before the
rounds the teacher may type up to ``MAX_OWN_LINES`` lines of their own (questions, directions,
replies, by the scenario's shape) and, when the pattern ends with a name, a student's name; the
rounds then prompt with those, round by round, instead of the scenario's example. Everything
typed passes ``typed_text`` (folded, bounded, no control characters) before it is kept.

Pure: text in, values out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from simulator.audio.pattern import Shape
from simulator.scenarios.model import RoundPrompt
from simulator.store.history import OwnPrompt
from simulator.text import TypedTextError, typed_text

MAX_OWN_LINES = 3
MAX_LINE_CHARS = 200
"""A question said in one breath; the scenarios' own lines are at most about 120 characters."""
MAX_NAME_CHARS = 40


class OwnWordsError(ValueError):
    """A field that cannot be kept: ``field`` (``line-1``…, ``name``) and the typed-text error."""

    def __init__(self, field: str, error: TypedTextError) -> None:
        super().__init__(field)
        self.field = field
        self.error = error


@dataclass(frozen=True, slots=True)
class OwnWords:
    """The teacher's own lines (used in turn, round by round) and student's name; empty: the
    scenario's prompts."""

    lines: tuple[str, ...] = ()
    name: str | None = None

    @property
    def empty(self) -> bool:
        return not self.lines and not self.name

    def for_round(self, round_number: int) -> OwnPrompt | None:
        """What the history keeps for a round: the own line and name it prompted, if any."""
        if self.empty:
            return None
        line = self.lines[(round_number - 1) % len(self.lines)] if self.lines else None
        return OwnPrompt(line, self.name)

    def prompt(self, example: RoundPrompt, round_number: int, situation: str) -> RoundPrompt:
        """The round's prompt: the scenario's ``example`` with the teacher's own words in it.

        An own line replaces the example's line and its situation (which belongs to the
        example) with ``situation``; an own name replaces the example's name.
        """
        own = self.for_round(round_number)
        if own is None:
            return example
        prompt = example
        if own.line is not None:
            prompt = replace(prompt, line=own.line, situation=situation)
        if own.name is not None:
            prompt = replace(prompt, name=own.name)
        return prompt


def own_words(lines: Sequence[str], name: str, shape: Shape) -> OwnWords:
    """The teacher's own words from the dialog's fields; empty fields are left out.

    A name is kept only for patterns that end with one (question → pause → name). Raises
    ``OwnWordsError`` naming the first field that cannot be kept.
    """
    kept: list[str] = []
    for i, line in enumerate(lines[:MAX_OWN_LINES], start=1):
        try:
            text = typed_text(line, MAX_LINE_CHARS)
        except TypedTextError as exc:
            raise OwnWordsError(f"line-{i}", exc) from None
        if text:
            kept.append(text)
    own_name: str | None = None
    if shape is Shape.SPEECH_PAUSE_SPEECH:
        try:
            own_name = typed_text(name, MAX_NAME_CHARS) or None
        except TypedTextError as exc:
            raise OwnWordsError("name", exc) from None
    return OwnWords(tuple(kept), own_name)
