"""Round feedback in the coaching order: praise, the timeline, one next step.

Returns ``"next"`` (Space) or ``"redo"`` (R) to the rounds screen.
"""

from __future__ import annotations

from dataclasses import replace

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from simulator.audio.result import Verdict
from simulator.coaching.feedback import RoundFeedback
from simulator.scenarios.model import Scenario
from simulator.screens.base import CoachScreen
from simulator.widgets.timeline import TimelineView


class FeedbackScreen(CoachScreen[str]):
    BINDINGS = [
        Binding("space", "next", "keys.next_round"),
        Binding("enter", "next", "keys.next_round", show=False),
        Binding("r", "redo", "keys.redo_round"),
    ]

    def __init__(
        self, scenario: Scenario, feedback: RoundFeedback, round_number: int, *, last: bool
    ) -> None:
        super().__init__()
        self.scenario = scenario
        self.feedback = feedback
        self.round_number = round_number
        self.last = last
        if last:
            self._bindings.key_to_bindings["space"] = [
                replace(b, description=self.t("keys.to_summary"))
                for b in self._bindings.key_to_bindings["space"]
            ]

    def compose(self) -> ComposeResult:
        fb = self.feedback
        verdict_class = "problem" if fb.verdict is Verdict.NO_MEASUREMENT else fb.verdict.value
        yield Header()
        with VerticalScroll(id="feedback", classes=f"-{verdict_class}"):
            yield Static(
                self.t("feedback.title", round=self.round_number, rounds=self.scenario.rounds),
                classes="title",
            )
            yield Static(self.t("feedback.praise_heading"), classes="heading")
            yield Static(escape(fb.praise), id="praise")
            yield Static(self.t("feedback.timeline_heading"), classes="heading")
            timeline = TimelineView(self.lang, id="timeline")
            timeline.timeline = fb.timeline
            yield timeline
            yield Static(self._verdict_line(), id="verdict")
            yield Static(self.t("feedback.next_heading"), classes="heading")
            yield Static(escape(fb.next_step), id="next-step", classes="callout")
            if fb.level_note:
                yield Static(self.t("feedback.level_heading"), classes="heading")
                yield Static(escape(fb.level_note), id="level-note")
            hint = (
                self.t("feedback.summary_hint")
                if self.last
                else self.t("feedback.next_hint", round=self.round_number + 1)
            )
            yield Static(f"{hint}  ·  {self.t('feedback.redo_hint')}", classes="hint")
        yield Footer()

    def _verdict_line(self) -> str:
        fb = self.feedback
        verdict = self.t(f"verdict.{fb.verdict.value}")
        if fb.problem is not None:
            return f"[b]{verdict}[/b] — {self.t(f'reason.{fb.problem.value}')}"
        return f"[b]{verdict}[/b]"

    def on_mount(self) -> None:
        self.query_one("#feedback").focus()

    def action_next(self) -> None:
        self.dismiss("next")

    def action_redo(self) -> None:
        self.dismiss("redo")
