"""Progress: every saved round of one scenario over time, against the target band.

Opened from home (P). A selector lists the scenarios with saved practice; the chart shows each
round (oldest on the left), with a line on the trend and the counts below it.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Footer, Header, Label, Select, Static

from simulator.screens.base import AppScreen
from simulator.store.history import HistoryError, Kind, StoredSession
from simulator.text import escape, visible
from simulator.widgets.progress_chart import ProgressChart, capacity, legend, progress_data


class ProgressScreen(AppScreen[None]):
    BINDINGS = [
        Binding("escape", "back", "keys.back"),
        Binding("q", "back", "keys.back", show=False),
    ]

    def __init__(self, scenario_id: str | None = None) -> None:
        super().__init__()
        self.wanted = scenario_id
        """The scenario to show first (the one highlighted on home), when it has practice."""
        self.by_scenario: dict[str, list[StoredSession]] = {}
        self.problem: str | None = None
        self.shown: str | None = None
        store = self.sim.store
        if store is not None:
            try:
                for session in store.sessions(kind=Kind.PRACTICE):
                    if session.rounds:
                        self.by_scenario.setdefault(session.scenario, []).append(session)
            except HistoryError as exc:
                self.problem = self.t("progress.unavailable", message=exc.message(self.lang))

    def _title(self, scenario_id: str) -> str:
        found = self.sim.library.find(scenario_id, self.lang) or next(
            (s for s in self.sim.library.scenarios if s.id == scenario_id), None
        )
        return found.title if found is not None else scenario_id

    def _first_choice(self) -> str | None:
        if not self.by_scenario:
            return None
        if self.wanted in self.by_scenario:
            return self.wanted
        # Otherwise the scenario practised most recently.
        return max(self.by_scenario, key=lambda sid: self.by_scenario[sid][-1].started_at)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="progress"):
            with Horizontal(id="progress-top"):
                yield Label(self.t("progress.scenario_label"), id="progress-label")
                options = sorted(
                    ((self._title(sid), sid) for sid in self.by_scenario),
                    key=lambda o: o[0].lower(),
                )
                first = self._first_choice()
                yield Select[str](
                    [(Content(visible(title)), sid) for title, sid in options],
                    value=first if first is not None else Select.NULL,
                    allow_blank=first is None,
                    id="progress-scenario",
                )
            yield ProgressChart(self.lang, id="progress-chart")
            yield Static("", id="progress-legend", classes="hint")
            yield Static("", id="progress-trend")
            yield Static("", id="progress-count", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.t("progress.title")
        first = self._first_choice()
        if first is None:
            message = self.problem or self.t("progress.no_history")
            self.query_one("#progress-scenario").display = False
            self.query_one("#progress-label").display = False
            self.query_one("#progress-chart").display = False
            self.query_one("#progress-trend", Static).update(escape(message))
            return
        self.show(first)
        self.query_one("#progress-scenario", Select).focus()

    @on(Select.Changed, "#progress-scenario")
    def _chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.show(event.value)

    def show(self, scenario_id: str) -> None:
        self.shown = scenario_id
        data = progress_data(self.by_scenario.get(scenario_id, []), self.lang)
        chart = self.query_one("#progress-chart", ProgressChart)
        chart.data = data
        if data is None:
            self.query_one("#progress-trend", Static).update(self.t("progress.empty"))
            return
        self.query_one("#progress-legend", Static).update(legend(data.band, self.lang))
        self.query_one("#progress-trend", Static).update(escape(data.trend_text))
        count = data.count_text
        fits = capacity(chart.size.width or self.app.size.width - 4)
        if len(data.points) > fits:
            count += "  ·  " + self.t("progress.more", shown=fits, total=len(data.points))
        self.query_one("#progress-count", Static).update(
            f"{escape(count)}\n{self.t('progress.axis_rounds')}"
        )

    def action_back(self) -> None:
        self.app.pop_screen()
