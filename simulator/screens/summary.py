"""The summary after the last round: every round against the band, the trend, what went well,
the next step. Returns ``"again"``, ``"another"`` or ``"quit"``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from simulator.audio.result import RoundMeasurement, Verdict
from simulator.coaching.feedback import kind_for
from simulator.coaching.summary import summarize
from simulator.export import Format, HandoutDetails, build_debrief, render, with_details
from simulator.i18n import format_band
from simulator.scenarios.model import Scenario
from simulator.screens.base import AppScreen
from simulator.screens.handout import HandoutDialog
from simulator.store.history import (
    OwnPrompt,
    RoundCoaching,
    SessionRecorder,
    export_session,
    session_snapshot,
    utc_now_iso,
)
from simulator.text import escape, visible_path

VERDICT_STYLE = {
    Verdict.ON_TARGET: "green",
    Verdict.TOO_SHORT: "yellow",
    Verdict.TOO_LONG: "yellow",
    Verdict.NO_MEASUREMENT: "red",
}


class SummaryScreen(AppScreen[str]):
    BINDINGS = [
        Binding("a", "again", "keys.again"),
        Binding("o", "another", "keys.another"),
        Binding("q", "quit", "keys.quit"),
        # X and M are named in the hint on the screen; in the footer they would push it past 80
        # columns.
        Binding("x", "export('html')", "keys.export_html", show=False),
        Binding("m", "export('md')", "keys.export_md", show=False),
    ]

    def __init__(
        self,
        scenario: Scenario,
        results: tuple[RoundMeasurement, ...],
        save_problem: str | None,
        *,
        recorder: SessionRecorder | None = None,
        coaching: Mapping[int, RoundCoaching] | None = None,
        own: Mapping[int, OwnPrompt] | None = None,
        replaced: tuple[RoundMeasurement | None, ...] = (),
    ) -> None:
        super().__init__()
        self.own = own or {}
        """The teacher's own words per round, for the debrief."""
        self.replaced = replaced
        """Beside each of ``results``: the attempt a redo replaced (``Session.replaced``), so
        the debrief's feedback on a redone round says what the round's feedback said."""
        self.scenario = scenario
        self.results = results
        self.recorder = recorder
        self.coaching = coaching or {}
        self.started_at = recorder.started_at if recorder is not None else utc_now_iso()
        self.exported: Path | None = None
        """The last debrief file written from this summary."""
        self.handout: HandoutDetails | None = None
        """What was filled in for the last handout, offered again for the next."""
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
            if s.went_well:  # only what went well; when nothing did, the trend says what happened
                yield Static(self.t("summary.well_heading"), classes="heading")
                yield Static(escape(s.went_well), id="went-well")
            yield Static(self.t("summary.next_heading"), classes="heading")
            yield Static(escape(s.next_step), id="summary-next", classes="callout")
            if self.sim.store is not None:
                saved = (
                    self.t("summary.not_saved", message=self.save_problem)
                    if self.save_problem
                    else self.t("summary.saved")
                )
                yield Static(escape(saved), id="saved", classes="hint")
            yield Static(
                f"A: {self.t('summary.again')}  ·  O: {self.t('summary.another')}  ·  "
                f"Q: {self.t('summary.quit')}\n{self.t('summary_export.hint')}",
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

    # -- the debrief ----------------------------------------------------------------------------

    def action_export(self, fmt: str) -> None:
        """Ask for the handout's names, date and agreed step, then write the debrief."""
        if self.handout is None:
            started = datetime.fromisoformat(self.started_at).astimezone()
            date = started.strftime("%Y-%m-%d %H:%M")
            self.handout = HandoutDetails(date=date, next_step=self.summary.next_step)

        def filled_in(details: HandoutDetails | None) -> None:
            if details is not None:
                self.handout = details
                self._write_debrief(fmt, details)

        self.app.push_screen(HandoutDialog(self.handout), filled_in)

    def _write_debrief(self, fmt: str, details: HandoutDetails) -> None:
        """Write the session's debrief into the exports folder and say where it went.

        Built from the rounds in memory, so it also works while the history cannot be written;
        a failure leaves the session on screen and nothing half-written behind.
        """
        from simulator.store.files import WriteError, write_atomic

        recorder = self.recorder
        if recorder is not None and (recorder.pending or recorder.pending_coaching):
            recorder.flush()  # a good moment to retry; the export does not depend on it
        session_id = recorder.session_id if recorder is not None else None
        session = session_snapshot(
            session_id=session_id or 0,
            scenario=self.scenario.id,
            language=self.scenario.language,
            started_at=self.started_at,
            results=self.results,
            coaching=self.coaching,
            own=self.own,
            step_kind=kind_for(self.scenario, self.scenario.pattern.shape),
            replaced=self.replaced,
        )
        started = datetime.fromisoformat(self.started_at).astimezone()
        debrief = build_debrief(export_session(session), self.scenario, self.lang, started)
        text = render(Format(fmt), with_details(debrief, details))
        folder = self.sim.export_dir
        stamp = started.strftime("%Y-%m-%d-%H%M")
        suffix = f"-{session_id}" if session_id else ""
        path = folder / f"debrief-{self.scenario.id}-{stamp}{suffix}.{fmt}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._export_failed(
                self.t(
                    "summary_export.folder",
                    folder=visible_path(folder),
                    detail=exc.strerror or exc,
                )
            )
            return
        try:
            write_atomic(path, text.encode("utf-8"))
        except WriteError as exc:
            self._export_failed(self.t(f"summary_export.{exc.key}", **exc.params))
            return
        self.exported = path
        self.notify(escape(self.t("summary_export.written", path=visible_path(path))), timeout=10)

    def _export_failed(self, message: str) -> None:
        self.notify(
            escape(f"{message} {self.t('summary_export.kept')}"),
            title=self.t("summary_export.failed_title"),
            severity="error",
            timeout=12,
        )
