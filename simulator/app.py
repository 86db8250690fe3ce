"""The rehearsal app: home → briefing → microphone check → three rounds with feedback → summary.

Build it with :func:`make_app` so tests can inject an audio source, a temporary history store and
settings. The app holds what every screen shares (language, settings, library, store, the way to
open a microphone); each screen owns its own flow.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import App
from textual.binding import Binding

from simulator.audio.cue import CuePlayer, CueSound
from simulator.audio.sources import (
    AudioPlayer,
    DeviceLister,
    Playback,
    Samples,
    SourceFactory,
)
from simulator.i18n import resolve_language, t, tn
from simulator.rescue import Rescue, rescue_sessions
from simulator.scenarios.library import Library
from simulator.scenarios.model import Scenario
from simulator.screens.base import Simulator
from simulator.screens.home import HomeScreen
from simulator.screens.masterclass import MasterclassSetupScreen
from simulator.screens.practice import PracticeScreen
from simulator.screens.too_small import TooSmallScreen, too_small
from simulator.store.history import HistoryError, HistoryStore, SessionRecorder
from simulator.store.settings import Settings, save_settings
from simulator.text import escape

if TYPE_CHECKING:
    from rich.console import RenderableType

CUE_RENDER_TIMEOUT_S = 10.0


NO_BREAK_SPACES = "\u00a0\u2007\u202f"
"""No-break, figure and narrow no-break space: the catalogs put one between a number and its
unit (``3,0\u00a0s``) so that the two stay on one line."""


def keep_no_break_spaces() -> None:
    """Make the screens' word wrap respect no-break spaces.

    Textual wraps text with Rich's word splitter, which takes every Unicode space as a place to
    break, the no-break space too (Textualize/rich#4196): ``3,0`` could end one line and ``s``
    start the next. This redefines a "word" there as a run of anything but breakable spaces.
    """
    import re

    import rich._wrap

    breakable = f"[^\\S{NO_BREAK_SPACES}]"
    unbreakable = f"[\\S{NO_BREAK_SPACES}]"
    rich._wrap.re_word = re.compile(f"{breakable}*{unbreakable}+{breakable}*")


SIGNAL_EXIT_GRACE_S = 3.0
"""After SIGTERM or SIGHUP the process ends at the latest this long after the app was asked to."""


def default_audio_player(samples: Samples, sample_rate_hz: int, /) -> Playback:
    """Plays through the system's default output device (sounddevice, loaded on first use) with
    ``STEADY_BUFFER_S`` buffered, so that a busy computer cannot stretch the sound."""
    from simulator.audio.capture import STEADY_BUFFER_S, play

    return play(samples, sample_rate_hz, buffer_s=STEADY_BUFFER_S)


def cue_command(espeak: str, text: str, lang: str, wav: Path | None = None) -> list[str]:
    """The espeak-ng command that speaks ``text`` (into ``wav`` when given): ``--`` first, so a
    line starting with ``-`` (``-f/some/file``) is spoken, never read as an option."""
    out = ["-w", str(wav)] if wav is not None else []
    return [espeak, "-v", lang, *out, "--", text]


def espeak_cue_player() -> CuePlayer | None:
    """Renders cues with espeak-ng when it is installed; otherwise the round shows the cue.

    The line is rendered to a file and played by the app itself, so the wait after it is timed
    from its audible end in those very samples, not from when a player process exits.
    """
    espeak = shutil.which("espeak-ng") or shutil.which("espeak")
    if espeak is None:
        return None
    found: str = espeak

    def render(text: str, lang: str) -> CueSound | None:
        import subprocess
        import tempfile

        from simulator.audio.downmix import downmix
        from simulator.audio.wav import WavError, read_wav

        with tempfile.TemporaryDirectory(prefix="coach-sim-cue-") as tmp:
            wav = Path(tmp) / "cue.wav"
            try:
                subprocess.run(
                    cue_command(found, text, lang, wav),
                    stdin=subprocess.DEVNULL,
                    capture_output=True,
                    timeout=CUE_RENDER_TIMEOUT_S,
                    check=True,
                )
                audio = read_wav(wav)
            except (OSError, subprocess.SubprocessError, WavError):
                return None
        return CueSound(downmix(audio.samples), audio.sample_rate_hz)

    return render


class SimulatorApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "coach-sim"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False, priority=True)]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    """Below 30 lines (80×24) the screens close up their spacing (``app.tcss``)."""
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    def __init__(
        self,
        *,
        library: Library,
        source_factory: SourceFactory,
        device_lister: DeviceLister | None,
        store: HistoryStore | None,
        settings: Settings,
        settings_path: Path | None,
        lang: str,
        scenario: Scenario | None,
        device: str | None,
        cue_player: CuePlayer | None,
        settings_problem: str | None = None,
        round_limit_s: float = 45.0,
        coach_mode: bool = False,
        export_dir: Path | None = None,
        keep_audio: bool = False,
        recordings_root: Path | None = None,
        audio_player: AudioPlayer | None = None,
        masterclass: bool = False,
        lang_override: str | None = None,
    ) -> None:
        super().__init__()
        keep_no_break_spaces()
        self.masterclass = masterclass
        """``--masterclass``: a trainer runs the rounds for a group, one participant at a time."""
        self.keep_audio_override = keep_audio
        """``--keep-audio``: keep each round's audio even when the setting is off."""
        self._recordings_root = recordings_root
        self.audio_player: AudioPlayer = audio_player or default_audio_player
        """Plays a round back on the default output device (a fake one in tests)."""
        self.coach_mode = coach_mode
        """``--coach``: ask how long the pause felt before showing it; notes and marks per round."""
        self._export_dir = export_dir
        self.round_limit_s = round_limit_s
        """A round that has not ended by itself after this long stops with a message."""
        self.library = library
        self.source_factory = source_factory
        self.device_lister = device_lister
        self.store = store
        self.settings = settings
        self.settings_path = settings_path
        self.lang = lang
        self.lang_override = lang_override
        """``--lang``: the language for this run, whatever the setting says."""
        self.start_scenario = scenario
        self.device_override = device
        self.cue_player = cue_player
        self.settings_problem = settings_problem
        self.mic_problem: tuple[str, str] | None = None
        """``(title, message)`` when no microphone can be used; set by the home screen's probe."""
        self.unsaved_rounds = 0
        """Finished rounds the history could not take, counted as the app ends (see ``exit``)."""
        self.unsaved_problem: str | None = None
        """Why they could not be saved, in the app's language."""
        self.rescue: Rescue | None = None
        """Where those rounds were written instead (see ``simulator.rescue``)."""
        self.kept_recorders: list[SessionRecorder] = []
        """Sessions of closed screens whose rounds the history could not take yet (see
        ``keep_unsaved``)."""

    @property
    def device(self) -> str | None:
        """The microphone to use: ``--device`` first, then the setting, else the default."""
        return self.device_override or self.settings.microphone

    @property
    def keep_audio(self) -> bool:
        """Keep round audio for listening back: ``--keep-audio`` or the setting (off by default)."""
        return self.keep_audio_override or self.settings.keep_audio

    @property
    def recordings_root(self) -> Path:
        """Where kept round audio goes: ``recordings/`` in the user data folder."""
        if self._recordings_root is not None:
            return self._recordings_root
        from simulator.store.paths import recordings_dir

        return recordings_dir()

    @property
    def export_dir(self) -> Path:
        """Where the summary saves debriefs: ``exports/`` in the user data folder."""
        if self._export_dir is not None:
            return self._export_dir
        from simulator.store.paths import data_dir

        return data_dir() / "exports"

    def t(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    def on_resize(self, event: events.Resize) -> None:
        self._fit_to(event.size.width, event.size.height)

    def _fit_to(self, width: int, height: int) -> None:
        """Cover the app with a "make the window larger" notice while the terminal is too small
        for the screens (a few cells wide or high), and take it away once it is large enough."""
        if too_small(width, height):
            if not isinstance(self.screen, TooSmallScreen):
                self.push_screen(TooSmallScreen())
            return
        while isinstance(self.screen, TooSmallScreen):
            self.pop_screen()

    def action_help_quit(self) -> None:
        """Ctrl+C: say in the user's language how to quit, and whether anything finished would be
        lost (rounds the history could not take yet)."""
        count, problem = self._retry_unsaved()
        if count:
            hint = escape(
                tn("app.quit_hint_unsaved", self.lang, count, count=count, message=problem)
            )
            self.notify(hint, title=self.t("app.quit_hint_title"), severity="warning", timeout=10)
        else:
            self.notify(self.t("app.quit_hint"), title=self.t("app.quit_hint_title"))

    def _retry_unsaved(self) -> tuple[int, str | None]:
        """Try once more to save the rounds the history could not take; how many are still
        unsaved, and why. Each open practice (and its summary) holds its session's recorder, a
        masterclass's rounds screen every participant's; the app those of closed screens
        (``keep_unsaved``)."""
        count, problem = 0, None
        for recorder in held_recorders(self.screen_stack, self.kept_recorders):
            if not recorder.pending and not recorder.pending_coaching:
                continue
            error: HistoryError | None = recorder.flush()
            if error is not None:
                count += len(recorder.pending) or 1  # coach input alone counts as its round
                problem = error.message(self.lang)
        return count, problem

    def keep_unsaved(self, recorders: Iterable[SessionRecorder]) -> None:
        """Sessions a screen lets go of (it closes, or three more rounds start a new session):
        try once more to save what the history could not take yet; what still fails stays with
        the app, saved with a later round or counted when quitting, and the teacher is told how
        many rounds (or, when only that is left, the coach's input on how many) were not saved
        and why."""
        rounds, notes, problem = 0, 0, None
        for recorder in recorders:
            if not recorder.pending and not recorder.pending_coaching:
                continue
            error = recorder.flush()
            if error is None:
                continue
            if not any(recorder is r for r in self.kept_recorders):
                self.kept_recorders.append(recorder)
            rounds += len(recorder.pending)
            notes += len(recorder.pending_coaching.keys() - recorder.pending.keys())
            problem = error.message(self.lang)
        if rounds or notes:
            key, count = ("left", rounds) if rounds else ("notes_left", notes)
            said = tn(f"app.kept_unsaved.{key}", self.lang, count, count=count, message=problem)
            self.notify(
                escape(said),
                title=self.t("app.kept_unsaved.title"),
                severity="warning",
                timeout=15,
            )

    def save_kept(self) -> None:
        """A round was just saved: the history takes rounds again, so save the ones kept from
        closed screens too, and say so once they are in."""
        saved = 0
        for recorder in list(self.kept_recorders):
            count = len(recorder.pending) or 1
            if recorder.flush() is None:
                self.kept_recorders.remove(recorder)
                saved += count
        if saved:
            self.notify(tn("app.kept_unsaved.saved", self.lang, saved, count=saved), timeout=8)

    def exit(
        self, result: None = None, return_code: int = 0, message: RenderableType | None = None
    ) -> None:
        """End the app, first saving what can still be saved; what cannot is counted, so that
        the command can say so once the terminal is back (``commands/open_app.py``)."""
        self.unsaved_rounds, self.unsaved_problem = self._retry_unsaved()
        if self.unsaved_rounds:
            self.rescue = self._write_unsaved()
        super().exit(result, return_code, message)

    def _write_unsaved(self) -> Rescue | None:
        """Write the rounds the history still cannot take to a file (the exports folder, else
        the home or the temporary folder), or have them ready as lines for the terminal."""
        recorders = held_recorders(self.screen_stack, self.kept_recorders)
        sessions = [s for s in (r.unsaved_session() for r in recorders) if s is not None]
        folders = [self.export_dir, Path.home(), Path(tempfile.gettempdir())]
        return rescue_sessions(sessions, self.library.find, self.lang, folders, datetime.now())

    def on_mount(self) -> None:
        self.title = self.t("app.name")
        # SIGTERM (`kill`) and SIGHUP (the terminal window closed, an ssh connection dropped)
        # end the app the normal way: the audio stream is closed and the terminal restored
        # (alternate screen and mouse mode off). Finished rounds are saved already.
        for name in ("SIGTERM", "SIGHUP"):
            number = getattr(signal, name, None)  # Windows has no SIGHUP
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                if number is not None:
                    asyncio.get_running_loop().add_signal_handler(number, self._end_on_signal)
        if self.settings_problem:
            self.notify(escape(self.settings_problem), severity="warning", timeout=8)
        self.push_screen(HomeScreen())
        if self.masterclass:
            self.push_screen(MasterclassSetupScreen(self.start_scenario))
        elif self.start_scenario is not None:
            self.push_screen(PracticeScreen(self.start_scenario))
        self._fit_to(self.size.width, self.size.height)

    def _end_on_signal(self) -> None:
        self.exit()
        # When the terminal itself is gone (its window closed), Textual's input and output
        # threads can wait on it for ever and keep the process alive, busy. Every finished round
        # is saved already, so the process ends shortly after the app, whatever they do.
        timer = threading.Timer(SIGNAL_EXIT_GRACE_S, os._exit, args=(0,))
        timer.daemon = True
        timer.start()

    def scenario_in_language(self, scenario: Scenario) -> Scenario:
        return self.library.find(scenario.id, self.lang) or scenario

    def go_home(self) -> None:
        """Close every screen above the home screen (what they hold unsaved stays)."""
        closed: list[object] = []
        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            closed.append(self.screen)
            self.pop_screen()
        self.keep_unsaved(held_recorders(closed))

    def start_rounds(self, scenario: Scenario, *, checked_question_s: float | None = None) -> None:
        """Open the rounds of ``scenario`` (after the briefing and the microphone check, where
        the teacher's question lasted ``checked_question_s``, when heard)."""
        self.push_screen(PracticeScreen(scenario, checked_question_s=checked_question_s))

    def apply_settings(self, settings: Settings) -> None:
        """Use and save new settings; a language change rebuilds the home screen."""
        language_changed = settings.language != self.settings.language
        self.settings = settings
        if self.settings_path is not None:
            try:
                save_settings(settings, self.settings_path)
            except OSError as exc:
                self.notify(
                    escape(self.t("settings.save_failed", message=exc.strerror or str(exc))),
                    severity="warning",
                    timeout=8,
                )
            else:
                self.notify(self.t("settings.saved"), timeout=3)
        if language_changed:
            self.lang = resolve_language(self.lang_override or settings.language)
            while len(self.screen_stack) > 2:
                self.pop_screen()
            self.switch_screen(HomeScreen())


def held_recorders(
    screens: Iterable[object], also: Iterable[SessionRecorder] = ()
) -> list[SessionRecorder]:
    """The session recorders ``screens`` hold (a practice's and its summary's, a masterclass
    course's every participant's) and ``also``, each once."""
    found: list[SessionRecorder] = []
    for screen in screens:
        course = getattr(screen, "course", None)  # a masterclass: every participant's
        for recorder in (getattr(screen, "recorder", None), *getattr(course, "recorders", ())):
            known = any(recorder is r for r in found)  # two sessions may compare equal
            if isinstance(recorder, SessionRecorder) and not known:
                found.append(recorder)
    return [*found, *(r for r in also if not any(r is f for f in found))]


if TYPE_CHECKING:

    def _gives_screens_what_they_use(app: SimulatorApp) -> Simulator:
        return app  # checked by mypy: the app is a ``Simulator`` (``screens/base.py``)


def make_app(
    *,
    source_factory: SourceFactory,
    library: Library,
    store: HistoryStore | None = None,
    settings: Settings | None = None,
    settings_path: Path | None = None,
    lang: str | None = None,
    scenario: Scenario | None = None,
    device: str | None = None,
    device_lister: DeviceLister | None = None,
    cue_player: CuePlayer | None = None,
    settings_problem: str | None = None,
    round_limit_s: float = 45.0,
    coach_mode: bool = False,
    export_dir: Path | None = None,
    keep_audio: bool = False,
    recordings_root: Path | None = None,
    audio_player: AudioPlayer | None = None,
    masterclass: bool = False,
) -> SimulatorApp:
    """The app, with everything that touches the world passed in.

    ``lang`` (``--lang``) wins over the language setting, which wins over the system locale.
    ``scenario`` goes straight to that scenario's first round (``coach-sim practice``).
    ``masterclass`` opens the masterclass setup (with ``scenario`` chosen when given).
    """
    settings = settings or Settings()
    language = resolve_language(lang or settings.language)
    override = language if lang and lang.strip().lower()[:2] == language else None
    if scenario is not None and scenario.language != language:
        scenario = library.find(scenario.id, language) or scenario
    return SimulatorApp(
        library=library,
        source_factory=source_factory,
        device_lister=device_lister,
        store=store,
        settings=settings,
        settings_path=settings_path,
        lang=language,
        scenario=scenario,
        device=device,
        cue_player=cue_player,
        settings_problem=settings_problem,
        round_limit_s=round_limit_s,
        coach_mode=coach_mode,
        export_dir=export_dir,
        keep_audio=keep_audio,
        recordings_root=recordings_root,
        audio_player=audio_player,
        masterclass=masterclass,
        lang_override=override,
    )
