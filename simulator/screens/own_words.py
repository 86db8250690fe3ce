"""Your own moment: type your own question(s) and a student's name from your own class.

Returns the new ``OwnWords`` (empty: back to the scenario's examples), or ``None`` when left
with Esc (nothing changes).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from simulator.audio.pattern import Shape
from simulator.coaching.own_words import (
    MAX_LINE_CHARS,
    MAX_NAME_CHARS,
    MAX_OWN_LINES,
    OwnWords,
    OwnWordsError,
    own_words,
)
from simulator.scenarios.model import Scenario
from simulator.screens.base import AppModal
from simulator.text import escape, visible

LINE_KEY = {
    Shape.SPEECH_PAUSE_SPEECH: "own_words.line_question",
    Shape.CUE_PAUSE_SPEECH: "own_words.line_reply",
    Shape.TIMED_TURN: "own_words.line_turn",
}


class OwnWordsDialog(AppModal[OwnWords | None]):
    BINDINGS = [
        Binding("escape", "cancel", "keys.back"),
        Binding("ctrl+s", "use", "keys.teach.use_own"),
        Binding("ctrl+r", "example", "keys.teach.example"),
    ]

    def __init__(self, scenario: Scenario, current: OwnWords) -> None:
        super().__init__()
        self.scenario = scenario
        self.current = current
        self.shape = scenario.pattern.shape
        self.line_count = min(MAX_OWN_LINES, scenario.rounds)

    def compose(self) -> ComposeResult:
        s = self.scenario
        with VerticalScroll(id="own-words-dialog", classes="coach-dialog"):
            yield Static(self.t("own_words.title"), classes="title")
            yield Static(self.t(f"{LINE_KEY[self.shape]}_intro"), id="own-words-intro")
            for i in range(1, self.line_count + 1):
                example = s.prompt_for(i).line
                value = self.current.lines[i - 1] if i <= len(self.current.lines) else ""
                yield Input(
                    value,
                    placeholder=visible(self.t(LINE_KEY[self.shape], round=i, example=example)),
                    max_length=MAX_LINE_CHARS,
                    id=f"line-{i}",
                )
            if self.shape is Shape.SPEECH_PAUSE_SPEECH:
                yield Input(
                    self.current.name or "",
                    placeholder=visible(
                        self.t("own_words.name", example=s.prompt_for(1).name or "")
                    ),
                    max_length=MAX_NAME_CHARS,
                    id="own-name",
                )
            yield Static("", id="own-words-error", classes="dialog-error hidden")
            yield Static(self.t("own_words.hint"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#line-1", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter moves to the next field; on the last one it uses the words."""
        fields = list(self.query(Input))
        at = fields.index(event.input)
        if at + 1 < len(fields):
            fields[at + 1].focus()
        else:
            self.action_use()

    def action_use(self) -> None:
        lines = [self.query_one(f"#line-{i}", Input).value for i in range(1, self.line_count + 1)]
        name = self.query_one("#own-name", Input).value if self.query("#own-name") else ""
        try:
            words = own_words(lines, name, self.shape)
        except OwnWordsError as exc:
            message = self.t(f"typed.{exc.error.reason}", **exc.error.params)
            field = self.t(
                "own_words.field_name" if exc.field == "name" else "own_words.field_line",
                round=exc.field.removeprefix("line-"),
            )
            error = self.query_one("#own-words-error", Static)
            error.update(escape(f"{field}: {message}"))
            error.remove_class("hidden")
            self.query_one(f"#{'own-name' if exc.field == 'name' else exc.field}", Input).focus()
            return
        self.dismiss(words)

    def action_example(self) -> None:
        self.dismiss(OwnWords())

    def action_cancel(self) -> None:
        self.dismiss(None)
