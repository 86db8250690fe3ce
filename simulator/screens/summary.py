"""The summary after the last round: every round against the band, the trend, what went well,
the next step. Returns ``"again"``, ``"another"`` or ``"quit"``."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from simulator.audio.result import RoundMeasurement, Verdict
from simulator.coaching.summary import summarize
from simulator.i18n import format_band
from simulator.scenarios.model import Scenario
from simulator.screens.base import CoachScreen

VERDICT_STYLE = {
    Verdict.ON_TARGET: "green",
    Verdict.TOO_SHORT: "yellow",
    Verdict.TOO_LONG: "yellow",
    Verdict.NO_MEASUREMENT: "red",
}


class SummaryScreen(CoachScreen[str]):
    BINDINGS = [
        Binding("a", "again", "keys.again"),
        Binding("o", "another", "keys.another"),
        Binding("q", "quit", "keys.quit"),
    ]

    def __init__(
        self,
        scenario: Scenario,
        results: tuple[RoundMeasurement, ...],
        save_problem: str | None,
    ) -> None:
        super().__init__()
        self.scenario = scenario
        self.summary = summarize(scenario.pattern, results, self.lang, scenario)
        self.save_problem = save_problem

    def compose(self) -> ComposeResult:
        s = self.summary
        yield Header()
        with VerticalScroll(id="summary"):
            yield Static(
                self.t("summary.title", title=escape(self.scenario.title)), classes="title"
            )
            yield Static(self.t("summary.rounds_heading"), classes="heading")
            band = format_band(s.band.min_s, s.band.max_s, self.lang)
            rows = [f"[{VERDICT_STYLE[r.verdict]}]●[/] {escape(r.text)}" for r in s.rounds]
            yield Static(
                "\n".join(rows) + f"\n[dim]{self.t('feedback.band_label', band=band)}[/]",
                id="summary-rounds",
            )
            yield Static(self.t("summary.trend_heading"), classes="heading")
            yield Static(escape(s.trend_text), id="trend")
            yield Static(self.t("summary.well_heading"), classes="heading")
            yield Static(escape(s.went_well), id="went-well")
            yield Static(self.t("summary.next_heading"), classes="heading")
            yield Static(escape(s.next_step), id="summary-next", classes="callout")
            if self.coach.store is not None:
                saved = (
                    self.t("summary.not_saved", message=self.save_problem)
                    if self.save_problem
                    else self.t("summary.saved")
                )
                yield Static(escape(saved), id="saved", classes="hint")
            yield Static(
                f"A: {self.t('summary.again')}  ·  O: {self.t('summary.another')}  ·  "
                f"Q: {self.t('summary.quit')}",
                classes="hint",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#summary").focus()

    def action_again(self) -> None:
        self.dismiss("again")

    def action_another(self) -> None:
        self.dismiss("another")

    def action_quit(self) -> None:
        self.dismiss("quit")
