"""Microphone check: choose the device, watch the level, hear about noise and level problems."""

from __future__ import annotations

import sys

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Select, Static
from textual.worker import get_current_worker

from simulator.audio.pattern import Shape
from simulator.audio.sources import MicrophoneError
from simulator.i18n import format_number, format_seconds
from simulator.messages import AudioFailed, MicCheckUpdate
from simulator.rehearsal.mic_check import MicCheckMeter, Readiness, microphone_message
from simulator.scenarios.model import Scenario
from simulator.screens.base import AppScreen
from simulator.text import escape
from simulator.widgets.level_meter import LevelMeter


class MicCheckScreen(AppScreen[float | None]):
    AUTO_FOCUS = "#mic-check"
    """The page, not the device list, has focus: Enter starts the rounds; D opens the list."""
    BINDINGS = [
        Binding("enter", "ready", "keys.start_round"),
        Binding("d", "choose_device", "keys.choose_microphone"),
        Binding("r", "retry", "keys.retry"),
        Binding("escape", "app.pop_screen", "keys.back"),
    ]

    def __init__(self, scenario: Scenario | None, *, during_rounds: bool = False) -> None:
        """``scenario``: the rounds the check comes before (``None``: opened on its own);
        ``during_rounds``: opened from those rounds, to which Enter returns with the length of
        the question said in the check (``None``: none timed)."""
        super().__init__()
        self.scenario = scenario
        self.during_rounds = during_rounds
        self.question_s: float | None = None
        """How long the question said in the check lasted, before a scenario's rounds whose
        teacher asks a question and then waits (``None``: not heard, or no such scenario)."""

    @property
    def _asks_for_the_question(self) -> bool:
        """Before a scenario's rounds of question, pause and name, the check asks the teacher to
        say the question they will practise (its length helps the first round; see
        ``Session.checked_question_s``); otherwise any sentence will do."""
        return (
            self.scenario is not None and self.scenario.pattern.shape is Shape.SPEECH_PAUSE_SPEECH
        )

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="mic-check"):
            yield Static(self.t("mic.title"), classes="title")
            intro = "mic.intro_question" if self._asks_for_the_question else "mic.intro"
            yield Static(self.t(intro), id="mic-intro")
            yield Static(self.t("mic.device"), classes="heading")
            yield Select[str](
                [], prompt=self.t("settings.microphone_default"), id="device", allow_blank=True
            )
            yield Static(self.t("mic.level"), classes="heading")
            yield LevelMeter(id="mic-level")
            yield Static("", id="mic-level-value", classes="hint")
            yield Static(self.t("mic.noise_floor"), classes="heading")
            yield Static(self.t("mic.listening"), id="noise-floor")
            yield Static("", id="mic-status")
            yield Static("", id="mic-warnings")
        yield Footer()

    def on_mount(self) -> None:
        self._load_devices()  # listening starts on ScreenResume, which also comes first time

    def action_ready(self) -> None:
        if self.during_rounds:
            self.workers.cancel_group(self, "audio")
            self.dismiss(self.question_s)
            return
        if self.scenario is None:
            self.app.pop_screen()
            return
        self.workers.cancel_group(self, "audio")
        self.sim.start_rounds(self.scenario, checked_question_s=self.question_s)

    def on_screen_resume(self) -> None:
        self._listen(self.sim.device)

    def on_screen_suspend(self) -> None:
        self.workers.cancel_group(self, "audio")

    def action_retry(self) -> None:
        self._listen(self.sim.device)

    def action_choose_device(self) -> None:
        select = self.query_one("#device", Select)
        select.focus()
        select.expanded = True

    # -- devices --------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="devices")
    def _load_devices(self) -> None:
        lister = self.sim.device_lister
        if lister is None:
            return
        try:
            devices = list(lister())
        except MicrophoneError:
            return  # the listening worker reports the problem
        self.app.call_from_thread(self._show_devices, devices)

    def _show_devices(self, devices: list[tuple[str, str]]) -> None:
        select = self.query_one("#device", Select)
        select.set_options((label, value) for value, label in devices)
        current = self.sim.device
        if current is not None and any(value == current for value, _ in devices):
            select.value = current

    @on(Select.Changed, "#device")
    def _device_changed(self, event: Select.Changed) -> None:
        value = None if event.value is Select.NULL else str(event.value)
        if value == self.sim.device:
            return  # filling the list, not a choice
        from dataclasses import replace

        self.sim.device_override = None
        self.sim.apply_settings(replace(self.sim.settings, microphone=value))
        self.query_one("#mic-check").focus()
        self._listen(value)

    # -- listening ------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="audio")
    def _listen(self, device: str | None) -> None:
        worker = get_current_worker()
        meter = MicCheckMeter()
        try:
            source = self.sim.source_factory(device)
            with source:
                rate = source.native_rate_hz
                while not worker.is_cancelled:
                    block = source.read(0.5)
                    if block is None:
                        break
                    if block.size == 0:
                        continue
                    before = meter.blocks
                    state = meter.feed(block)
                    if meter.blocks != before:
                        self.post_message(
                            MicCheckUpdate(
                                state.level_dbfs,
                                state.noise_floor_dbfs,
                                state.warnings,
                                rate,
                                state.ok,
                                waiting=state.readiness is Readiness.WAITING,
                                sentence_s=meter.sentence_s,
                            )
                        )
        except MicrophoneError as exc:
            if not worker.is_cancelled:
                title, message = microphone_message(exc, self.lang)
                self.post_message(
                    AudioFailed(message, title=title, device_lost=exc.code == "device_lost")
                )

    def on_mic_check_update(self, message: MicCheckUpdate) -> None:
        self.query_one("#mic-level", LevelMeter).level_dbfs = message.level_dbfs
        self.query_one("#mic-level-value", Static).update(
            self.t("mic.level_value", dbfs=format_number(message.level_dbfs, self.lang, 0))
            + (
                "  ·  " + self.t("mic.sample_rate", rate=message.sample_rate_hz)
                if message.sample_rate_hz
                else ""
            )
        )
        floor = self.query_one("#noise-floor", Static)
        if message.noise_floor_dbfs is None:
            floor.update(self.t("mic.listening"))
        else:
            dbfs = format_number(message.noise_floor_dbfs, self.lang, 0)
            text = self.t("mic.noise_floor_value", dbfs=dbfs) + " — "
            if "noisy" in message.warnings:
                text += self.t("mic.noise_floor_noisy", dbfs=dbfs)
            else:
                text += self.t("mic.noise_floor_quiet")
            floor.update(text)
        self._show_warnings(message.warnings)
        status = self.query_one("#mic-status", Static)
        waiting = message.waiting and "all_zero" not in message.warnings
        asks = self._asks_for_the_question
        text = ""
        if message.ok:
            text = self.t("mic.ok")
            if asks and message.sentence_s is not None:
                self.question_s = message.sentence_s
                said = format_seconds(message.sentence_s, self.lang)
                text += "\n" + self.t("mic.question_heard", seconds=said)
        elif waiting:
            text = self.t("mic_check.waiting_question" if asks else "mic_check.waiting")
        status.update(text)
        status.set_class(waiting, "-waiting")

    def _show_warnings(self, warnings: tuple[str, ...]) -> None:
        parts = []
        for w in warnings:
            if w == "all_zero":
                text = f"[b]{self.t('mic.warn_all_zero_title')}[/b]\n{self.t('mic.warn_all_zero')}"
                if sys.platform == "darwin":
                    text += "\n" + self.t("mic.warn_all_zero_macos")
                parts.append(text)
            elif w == "clipping":
                parts.append(
                    f"[b]{self.t('mic.warn_clipping_title')}[/b]\n{self.t('mic.warn_clipping')}"
                )
            elif w == "too_quiet":
                parts.append(
                    f"[b]{self.t('mic.warn_too_quiet_title')}[/b]\n{self.t('mic.warn_too_quiet')}"
                )
        warnings_widget = self.query_one("#mic-warnings", Static)
        warnings_widget.update("\n\n".join(parts))
        warnings_widget.set_class(bool(parts), "warning")

    def on_audio_failed(self, message: AudioFailed) -> None:
        widget = self.query_one("#mic-warnings", Static)
        widget.update(f"[b]{escape(message.title)}[/b]\n{escape(message.message)}")
        widget.add_class("warning")
        self.query_one("#mic-status", Static).update("")
        self.query_one("#noise-floor", Static).update("–")
