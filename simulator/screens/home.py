"""Home: the scenarios (searchable, in the chosen language), recent practice and settings."""

from __future__ import annotations

from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from simulator.audio.sources import MicrophoneError, NoInputDeviceError
from simulator.i18n import format_seconds, language_choice, t
from simulator.rehearsal.mic_check import microphone_message
from simulator.scenarios.library import visible_scenarios
from simulator.screens.base import AppScreen
from simulator.screens.briefing import BriefingScreen
from simulator.screens.masterclass import MasterclassSetupScreen
from simulator.screens.progress import ProgressScreen
from simulator.screens.settings import SettingsScreen
from simulator.store.history import HistoryError, Kind, StoredSession, describe_unreadable
from simulator.store.settings import Settings
from simulator.text import escape

RECENT_SESSIONS = 5
MICROPHONE_RECHECK_S = 3.0
"""While the home screen says no microphone can be reached, it looks again this often (only while
it is the screen in front), so the notice clears by itself once the sound system or a microphone
is back."""


def session_line(session: StoredSession, titles: dict[str, str], lang: str) -> str:
    try:
        date = datetime.fromisoformat(session.started_at).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        date = session.started_at
    parts = []
    for r in session.rounds:
        if r.measured_s is not None:
            parts.append(format_seconds(r.measured_s, lang))
        else:
            parts.append("–")
    summary = " · ".join(parts) if parts else t("history.no_rounds", lang)
    return t(
        "home.recent_item",
        lang,
        date=date,
        scenario=titles.get(session.scenario, session.scenario),
        summary=summary,
    )


class HomeScreen(AppScreen[None]):
    BINDINGS = [
        Binding("slash", "search", "keys.search", key_display="/"),
        Binding("s", "settings", "keys.settings"),
        Binding("p", "progress", "keys.progress"),
        Binding("m", "masterclass", "keys.masterclass"),
        Binding("q", "app.quit", "keys.quit"),
    ]
    _warned_unreadable = False
    """Whether damaged history rows were reported already (once per screen)."""
    _recheck: Timer | None = None
    """Looks for a microphone again while the notice that none can be reached is shown."""

    def compose(self) -> ComposeResult:
        lang = self.sim.lang
        yield Header(show_clock=False)
        with Vertical(id="home"):
            yield Static(t("home.subtitle", lang), id="subtitle")
            yield Static("", id="mic-banner", classes="banner hidden")
            with Horizontal(id="home-columns"):
                with Vertical(id="scenario-column"):
                    yield Static(t("home.scenarios_heading", lang), classes="heading")
                    yield Input(placeholder=t("home.search_placeholder", lang), id="search")
                    yield OptionList(id="scenarios")
                    yield Static("", id="no-match", classes="hint")
                with Vertical(id="recent-column"):
                    yield Static(t("home.recent_heading", lang), classes="heading")
                    yield Static("", id="recent")
                    yield Static(t("home.settings_heading", lang), classes="heading")
                    yield Static("", id="settings-summary")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = t("app.tagline", self.sim.lang)
        self._fill_scenarios("")
        self.refresh_recent()
        self._show_settings()
        self.query_one("#scenarios", OptionList).focus()
        if self.sim.mic_problem is not None:
            self._show_mic_problem()
        elif self.sim.device_lister is not None:
            self._probe_microphone()
        self._report_skipped_files()

    def _report_skipped_files(self) -> None:
        """Scenario files that could not be used: say which and why, in the app's language (the
        rest still load)."""
        problems = self.sim.library.problems
        if not problems:
            return
        first_per_file: dict[str, str] = {}
        for problem in problems:
            first_per_file.setdefault(str(problem.path), problem.describe(self.lang))
        lines = list(first_per_file.values())
        shown = "\n".join(escape(line) for line in lines[:3])
        if len(lines) > 3:
            shown += "\n" + self.t("home.skipped_more", count=len(lines) - 3)
        shown += "\n" + self.t("home.skipped_hint")
        self.notify(
            shown,
            title=self.t("home.skipped_title", count=len(lines)),
            severity="warning",
            timeout=15,
        )

    def on_screen_resume(self) -> None:
        self.refresh_recent()
        self._show_settings()
        if self.sim.mic_problem is not None and self.sim.device_lister is not None:
            self._probe_microphone()

    # -- scenarios ------------------------------------------------------------------------------

    def _fill_scenarios(self, query: str) -> None:
        lang = self.sim.lang
        shown = visible_scenarios(self.sim.library.scenarios, lang, query)
        self._shown = shown
        options = self.query_one("#scenarios", OptionList)
        options.clear_options()
        options.add_options(
            Option(
                f"{escape(s.title)}\n[dim]{escape(s.action_step)}[/dim]", id=f"{s.id}:{s.language}"
            )
            for s in shown
        )
        if shown:
            options.highlighted = 0
        note = self.query_one("#no-match", Static)
        if not self.sim.library.scenarios:
            from simulator.store.paths import user_scenarios_dir

            note.update(t("home.no_scenarios", lang, folder=str(user_scenarios_dir())))
        elif not shown:
            note.update(t("home.no_match", lang, query=query))
        else:
            note.update("")

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._fill_scenarios(event.value)

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.query_one("#scenarios", OptionList).focus()

    @on(OptionList.OptionSelected, "#scenarios")
    def _scenario_chosen(self, event: OptionList.OptionSelected) -> None:
        scenario = self._shown[event.option_index]
        self.app.push_screen(BriefingScreen(scenario))

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_progress(self) -> None:
        options = self.query_one("#scenarios", OptionList)
        index = options.highlighted
        shown = getattr(self, "_shown", [])
        wanted = shown[index].id if index is not None and index < len(shown) else None
        self.app.push_screen(ProgressScreen(wanted))

    def action_masterclass(self) -> None:
        """A trainer runs the rounds for a group (the same as ``coach-sim --masterclass``)."""
        self.app.push_screen(MasterclassSetupScreen())

    def action_settings(self) -> None:
        def done(result: object) -> None:
            if isinstance(result, Settings):
                self.sim.apply_settings(result)
                self._show_settings()

        self.app.push_screen(SettingsScreen(), done)

    # -- recent practice ------------------------------------------------------------------------

    def refresh_recent(self) -> None:
        lang = self.sim.lang
        recent = self.query_one("#recent", Static)
        store = self.sim.store
        if store is None:
            recent.update(t("home.recent_empty", lang))
            return
        try:
            read = store.read(kind=Kind.PRACTICE)  # masterclasses have their own list
        except HistoryError as exc:
            recent.update(escape(t("home.recent_unavailable", lang, message=exc.message(lang))))
            return
        sessions = read.sessions
        warning = describe_unreadable(read.unreadable, lang)
        if warning is not None and not self._warned_unreadable:
            self._warned_unreadable = True  # once, not on every return to this screen
            self.notify(escape(warning), severity="warning", timeout=12)
        if not sessions:
            recent.update(t("home.recent_empty", lang))
            return
        titles = {s.id: s.title for s in self.sim.library.scenarios if s.language == lang}
        titles.update({s.id: s.title for s in self.sim.library.scenarios if s.id not in titles})
        lines = [session_line(s, titles, lang) for s in reversed(sessions[-RECENT_SESSIONS:])]
        recent.update(escape("\n".join(lines)))

    def _show_settings(self) -> None:
        lang = self.sim.lang
        settings = self.sim.settings
        language = language_choice(settings.language, lang, self.sim.lang_override)
        microphone = self.sim.device or t("settings.microphone_default", lang)
        timer = t(
            "settings.live_timer_on" if settings.live_timer else "settings.live_timer_off", lang
        )
        self.query_one("#settings-summary", Static).update(
            f"{t('settings.language', lang)}: {language}\n"
            f"{t('settings.microphone', lang)}: {microphone}\n"
            f"{t('settings.live_timer', lang)}: {timer}"
        )

    # -- microphone availability ----------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="probe")
    def _probe_microphone(self) -> None:
        lister = self.sim.device_lister
        if lister is None:
            return
        try:
            devices = lister()
        except MicrophoneError as exc:
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self._microphone_unavailable, exc)
            return
        if get_current_worker().is_cancelled:
            return
        if devices:
            self.app.call_from_thread(self._microphone_available)
        else:
            self.app.call_from_thread(self._microphone_unavailable, NoInputDeviceError())

    def _recheck_microphone(self) -> None:
        if self.is_current and self.sim.mic_problem is not None:
            self._probe_microphone()

    def _microphone_available(self) -> None:
        if self._recheck is not None:
            self._recheck.stop()
            self._recheck = None
        if self.sim.mic_problem is None:
            return
        self.sim.mic_problem = None
        self.query_one("#mic-banner", Static).add_class("hidden")
        self.notify(self.t("home.microphone_back"), timeout=6)

    def _microphone_unavailable(self, error: MicrophoneError) -> None:
        self.sim.mic_problem = microphone_message(error, self.sim.lang)
        self._show_mic_problem()

    def _show_mic_problem(self) -> None:
        problem = self.sim.mic_problem
        if problem is None:
            return
        title, message = problem
        banner = self.query_one("#mic-banner", Static)
        banner.update(f"[b]{escape(title)}[/b]\n{escape(message)}")
        banner.remove_class("hidden")
        if self._recheck is None and self.sim.device_lister is not None:
            self._recheck = self.set_interval(MICROPHONE_RECHECK_S, self._recheck_microphone)
