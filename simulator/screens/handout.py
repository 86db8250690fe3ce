"""Before a debrief is saved: who the teacher and coach are, the date, and the step they agreed.

Opened by the summary's export keys; returns the filled-in ``HandoutDetails``, or ``None`` when
the teacher goes back (Esc) without saving.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from simulator.export import HandoutDetails
from simulator.screens.base import AppModal

FIELDS = ("teacher", "coach", "date", "next-step")
MAX_NAME_CHARS = 80
MAX_STEP_CHARS = 400


class HandoutDialog(AppModal[HandoutDetails | None]):
    BINDINGS = [
        Binding("escape", "cancel", "keys.back"),
        Binding("ctrl+s", "save", "keys.save"),
    ]

    def __init__(self, details: HandoutDetails) -> None:
        super().__init__()
        self.details = details

    def compose(self) -> ComposeResult:
        d = self.details
        with VerticalScroll(id="handout-dialog", classes="coach-dialog"):
            yield Static(self.t("handout_dialog.title"), classes="title")
            yield Static(self.t("handout_dialog.intro"), classes="hint")
            for field, value, limit in (
                ("teacher", d.teacher, MAX_NAME_CHARS),
                ("coach", d.coach, MAX_NAME_CHARS),
                ("date", d.date, MAX_NAME_CHARS),
                ("next-step", d.next_step, MAX_STEP_CHARS),
            ):
                key = field.replace("-", "_")
                box = Input(
                    value or "",
                    placeholder=self.t(f"handout_dialog.{key}_placeholder"),
                    max_length=limit,
                    id=field,
                )
                box.border_title = self.t(f"handout_dialog.{key}")
                yield box
            yield Static(self.t("handout_dialog.hint"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#teacher", Input).focus()

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        field = event.input.id or ""
        if field == FIELDS[-1]:
            self.action_save()
        else:
            self.query_one(f"#{FIELDS[FIELDS.index(field) + 1]}", Input).focus()

    def action_save(self) -> None:
        def value(field: str) -> str | None:
            return self.query_one(f"#{field}", Input).value.strip() or None

        self.dismiss(
            HandoutDetails(value("teacher"), value("coach"), value("date"), value("next-step"))
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
