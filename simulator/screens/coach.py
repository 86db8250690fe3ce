"""Coach mode (``--coach``): the felt pause before the measurement, and a note with marks after.

``PerceivedDialog`` asks how long the pause felt (typed seconds, ``2`` or ``2,5``) before the
feedback is shown; ``NoteDialog`` takes the coach's note and what they heard. ``RoundNotes`` keeps
that input for one round in the session's memory and saves it beside the measurement through the
session's ``SessionRecorder`` (which retries when the history cannot be written).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from simulator.export import marks_text, perception_text
from simulator.i18n import t
from simulator.screens.base import AppModal
from simulator.store.history import COACH_MARKS, HistoryError, RoundCoaching, SessionRecorder
from simulator.text import TypedTextError, escape, typed_text

AnswerT = TypeVar("AnswerT")

MAX_PERCEIVED_S = 60.0
"""A felt pause longer than this is a typing mistake (a round stops after 45 s)."""

_NUMBER = re.compile(r"^([0-9]+(\.[0-9]*)?|\.[0-9]+)$")  # ASCII digits only
_UNIT = re.compile(r"\s*(s|sec|secs|seconds?|seconden?|sec\.)$", re.IGNORECASE)


class SecondsInputError(ValueError):
    """Typed seconds that cannot be used; ``message(lang)`` says what to type instead."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(key)

    def message(self, lang: str) -> str:
        return t(f"coach_mode.error_{self.key}", lang, **self.params)


def parse_seconds(text: str, max_s: float = MAX_PERCEIVED_S) -> float:
    """Seconds typed by a teacher: ``2``, ``2.5``, ``2,5``, ``2,5 s``. Raises SecondsInputError."""
    value = _UNIT.sub("", text.strip()).strip()
    if not value:
        raise SecondsInputError("empty")
    plain = value.replace(",", ".")
    if plain.startswith("-") and _NUMBER.match(plain[1:].strip()):
        raise SecondsInputError("negative")
    if plain.count(".") > 1 or not _NUMBER.match(plain):
        raise SecondsInputError("not_number", value=text.strip())
    seconds = float(plain)
    if seconds > max_s:
        raise SecondsInputError("too_long", value=text.strip())
    return seconds


@dataclass
class RoundNotes:
    """The coach's input for one round: kept in the session's ``coaching`` map (shared with the
    rounds screen, for the summary's export) and saved beside the measurement."""

    round_number: int
    coaching: dict[int, RoundCoaching]
    recorder: SessionRecorder | None

    @property
    def current(self) -> RoundCoaching:
        return self.coaching.get(self.round_number, RoundCoaching())

    def update(self, coaching: RoundCoaching) -> HistoryError | None:
        self.coaching[self.round_number] = coaching
        if self.recorder is None:
            return None
        return self.recorder.annotate(self.round_number, coaching)

    def _keep(self, app: App[object], coaching: RoundCoaching) -> None:
        """Keep the input; a history that cannot be written is told (and retried later)."""
        problem = self.update(coaching)
        if problem is not None:
            lang = getattr(app, "lang", "en")
            app.notify(
                escape(t("coach_mode.note_kept", lang, message=problem.message(lang))),
                severity="warning",
                timeout=8,
            )

    def ask_perceived(
        self, app: App[object], then: Callable[[], object], *, timed_turn: bool = False
    ) -> None:
        """Ask how long the pause (or, for a timed turn, the turn) felt, keep the answer, then
        call ``then`` (the feedback)."""

        def answered(perceived_s: float | None) -> None:
            if perceived_s is not None:
                self._keep(app, replace(self.current, perceived_s=perceived_s))
            then()

        app.push_screen(PerceivedDialog(self.round_number, timed_turn=timed_turn), answered)

    def ask_reflection(self, app: App[object], then: Callable[[], object]) -> None:
        """Ask what the teacher noticed, keep the answer, then call ``then``."""

        def answered(reflection: str | None) -> None:
            if reflection:
                self._keep(app, replace(self.current, reflection=reflection))
            then()

        app.push_screen(ReflectionDialog(self.round_number), answered)

    def open_note(self, app: App[object], then: Callable[[], object]) -> None:
        """Open the note dialog; a saved note is kept and stored, then ``then`` refreshes."""

        def saved(coaching: RoundCoaching | None) -> None:
            if coaching is None:
                return
            lang = getattr(app, "lang", "en")
            problem = self.update(coaching)
            if problem is None:
                app.notify(t("coach_mode.note_saved", lang, round=self.round_number), timeout=3)
            else:
                app.notify(
                    escape(t("coach_mode.note_kept", lang, message=problem.message(lang))),
                    severity="warning",
                    timeout=8,
                )
            then()

        app.push_screen(NoteDialog(self.round_number, self.current), saved)


class AnswerRefusedError(ValueError):
    """A typed answer that cannot be used; the text says what to type instead."""


class AnswerDialog(AppModal[AnswerT | None]):
    """One typed answer before the measurement is shown: Enter keeps it (once ``parse`` accepts
    it), Esc skips (``None``). Subclasses compose the dialog around an ``Input`` with id
    ``FIELD`` and a hidden ``FIELD-error`` line."""

    BINDINGS = [Binding("escape", "skip", "keys.skip")]
    FIELD = ""

    def __init__(self, round_number: int, *, timed_turn: bool = False) -> None:
        super().__init__()
        self.round_number = round_number
        self.timed_turn = timed_turn

    def parse(self, value: str) -> AnswerT | None:
        raise NotImplementedError

    def on_mount(self) -> None:
        self.query_one(f"#{self.FIELD}", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        error = self.query_one(f"#{self.FIELD}-error", Static)
        try:
            answer = self.parse(event.value)
        except AnswerRefusedError as exc:
            error.update(escape(str(exc)))
            error.remove_class("hidden")
            return
        self.dismiss(answer)

    def action_skip(self) -> None:
        self.dismiss(None)


class PerceivedDialog(AnswerDialog[float]):
    """How long did the pause feel? Returns the seconds, or ``None`` when skipped (Esc)."""

    FIELD = "perceived"

    def compose(self) -> ComposeResult:
        title, prompt = ("coach_mode.perceived_title", "coach_mode.perceived_prompt")
        if self.timed_turn:  # a spoken turn is timed, not a silence
            title, prompt = ("coach.felt.turn_title", "coach.felt.turn_prompt")
        with Vertical(id="perceived-dialog", classes="coach-dialog"):
            yield Static(self.t(title), classes="title")
            yield Static(self.t(prompt))
            yield Input(placeholder=self.t("coach_mode.perceived_placeholder"), id="perceived")
            yield Static("", id="perceived-error", classes="dialog-error hidden")
            yield Static(self.t("coach_mode.perceived_hint"), classes="hint")

    def parse(self, value: str) -> float:
        try:
            return parse_seconds(value)
        except SecondsInputError as exc:
            raise AnswerRefusedError(exc.message(self.lang)) from None


MAX_REFLECTION_CHARS = 300
"""A reflection is a few words between two rounds, not an essay."""


class ReflectionDialog(AnswerDialog[str]):
    """What did you notice? Returns the typed text, or ``None`` when skipped (Esc) or empty."""

    FIELD = "reflection"

    def compose(self) -> ComposeResult:
        with Vertical(id="reflection-dialog", classes="coach-dialog"):
            yield Static(self.t("reflection.title"), classes="title")
            yield Static(
                self.t("reflection.prompt", round=self.round_number), id="reflection-prompt"
            )
            yield Input(
                placeholder=self.t("reflection.placeholder"),
                max_length=MAX_REFLECTION_CHARS,
                id="reflection",
            )
            yield Static("", id="reflection-error", classes="dialog-error hidden")
            yield Static(self.t("reflection.hint"), classes="hint")

    def parse(self, value: str) -> str | None:
        try:
            return typed_text(value, MAX_REFLECTION_CHARS) or None
        except TypedTextError as exc:
            raise AnswerRefusedError(self.t(f"typed.{exc.reason}", **exc.params)) from None


class NoteDialog(AppModal[RoundCoaching | None]):
    """The coach's note and marks for a round. Returns the new input, or ``None`` (Esc)."""

    BINDINGS = [
        Binding("escape", "cancel", "keys.back"),
        Binding("ctrl+s", "save", "keys.save"),
    ]

    def __init__(self, round_number: int, coaching: RoundCoaching) -> None:
        super().__init__()
        self.round_number = round_number
        self.coaching = coaching

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog", classes="coach-dialog"):
            yield Static(self.t("coach_mode.note_title", round=self.round_number), classes="title")
            yield Label(self.t("coach_mode.note_label"))
            yield Input(
                self.coaching.note or "",
                placeholder=self.t("coach_mode.note_placeholder"),
                id="note",
            )
            yield Label(self.t("coach_mode.marks_label"))
            known = list(COACH_MARKS)
            known += [m for m in self.coaching.marks if m not in known]
            yield SelectionList[str](
                *(
                    Selection(self._mark_label(m), m, m in self.coaching.marks, id=f"mark-{m}")
                    for m in known
                ),
                id="marks",
            )
            yield Static(self.t("coach_mode.note_hint"), classes="hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.t("keys.save"), variant="primary", id="save-note")
                yield Button(self.t("keys.back"), id="cancel-note")

    def _mark_label(self, mark: str) -> str:
        return marks_text((mark,), self.lang)

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()

    @on(Input.Submitted, "#note")
    def _note_done(self) -> None:
        self.query_one("#marks", SelectionList).focus()

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        if event.button.id == "save-note":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        note = self.query_one("#note", Input).value.strip()
        chosen = set(self.query_one("#marks", SelectionList).selected)
        order = list(COACH_MARKS) + [m for m in self.coaching.marks if m not in COACH_MARKS]
        marks = tuple(m for m in order if m in chosen)
        self.dismiss(replace(self.coaching, note=note or None, marks=marks))

    def action_cancel(self) -> None:
        self.dismiss(None)


def coach_lines(notes: RoundNotes, lang: str) -> tuple[str, str]:
    """The feedback screen's coach panel: ``(felt against measured, note and marks)``."""
    current = notes.current
    if current.perceived_s is None:
        felt = t("coach_mode.perceived_skipped", lang)
    else:
        felt = perception_text(current.perceived_s, lang)
    parts: list[str] = []
    if current.note:
        parts.append(f"[b]{t('coach_mode.note_heading', lang)}:[/b] {escape(current.note)}")
    if current.marks:
        marks = escape(marks_text(current.marks, lang))
        parts.append(f"[b]{t('coach_mode.marks_heading', lang)}:[/b] {marks}")
    parts.append(f"[dim]{t('coach_mode.note_empty', lang)}[/dim]")
    return escape(felt), "\n".join(parts)
