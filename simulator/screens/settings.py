"""Settings: language, microphone, live pause timer. Returns the new ``Settings`` or ``None``."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Select, Static, Switch

from simulator.audio.sources import MicrophoneError
from simulator.i18n import language_choice, language_override_note
from simulator.screens.base import AppModal
from simulator.store.settings import Settings

SYSTEM = "system"


class SettingsScreen(AppModal[Settings | None]):
    AUTO_FOCUS = ""
    """``on_mount`` focuses the language without scrolling: on a short terminal the dialog
    scrolls, and centring the focused field would hide the title."""
    BINDINGS = [
        Binding("escape", "cancel", "keys.back"),
        Binding("ctrl+s", "save", "keys.save"),
    ]

    def compose(self) -> ComposeResult:
        settings = self.sim.settings
        with Vertical(id="settings-dialog"):
            yield Static(self.t("settings.title"), classes="title")
            yield Label(self.t("settings.language"))
            yield Select[str](
                [
                    (language_choice(None, self.lang), SYSTEM),
                    (language_choice("nl", self.lang), "nl"),
                    (language_choice("en", self.lang), "en"),
                ],
                value=settings.language or SYSTEM,
                allow_blank=False,
                id="language",
            )
            override = language_override_note(self.sim.lang_override, self.lang)
            if override is not None:
                yield Static(override, classes="hint", id="language-override")
            yield Label(self.t("settings.microphone"))
            options = [(self.t("settings.microphone_default"), SYSTEM)]
            if settings.microphone:
                options.append((settings.microphone, settings.microphone))
            yield Select[str](
                options, value=settings.microphone or SYSTEM, allow_blank=False, id="microphone"
            )
            with Horizontal(id="timer-row"):
                yield Switch(value=settings.live_timer, id="live-timer")
                yield Label(self.t("settings.live_timer"))
            yield Static(self.t("settings.live_timer_help"), classes="hint")
            with Horizontal(id="keep-audio-row"):
                yield Switch(value=settings.keep_audio, id="keep-audio")
                yield Label(self.t("settings.keep_audio"))
            yield Static(
                self.t("settings.keep_audio_help", folder=str(self.sim.recordings_root)),
                classes="hint",
            )
            with Horizontal(id="reflection-row"):
                yield Switch(value=settings.reflection, id="reflection")
                yield Label(self.t("reflection.setting"))
            yield Static(self.t("reflection.setting_help"), classes="hint")
            from simulator.store.paths import data_dir

            yield Static(self.t("settings.data_folder", folder=str(data_dir())), classes="hint")
            with Horizontal(id="settings-buttons"):
                yield Button(self.t("keys.save"), variant="primary", id="save")
                yield Button(self.t("keys.back"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#language", Select).focus(scroll_visible=False)
        self._load_devices()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _load_devices(self) -> None:
        lister = self.sim.device_lister
        if lister is None:
            return
        try:
            devices = list(lister())
        except MicrophoneError:
            return
        self.app.call_from_thread(self._show_devices, devices)

    def _show_devices(self, devices: list[tuple[str, str]]) -> None:
        select = self.query_one("#microphone", Select)
        current = self.sim.settings.microphone
        options = [(self.t("settings.microphone_default"), SYSTEM)]
        options.extend((label, value) for value, label in devices)
        if current and all(value != current for value, _ in devices):
            options.append((current, current))
        select.set_options(options)
        select.value = current or SYSTEM

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        language = self.query_one("#language", Select).value
        microphone = self.query_one("#microphone", Select).value
        self.dismiss(
            Settings(
                language=None if language in (SYSTEM, Select.NULL) else str(language),
                microphone=None if microphone in (SYSTEM, Select.NULL) else str(microphone),
                live_timer=self.query_one("#live-timer", Switch).value,
                keep_audio=self.query_one("#keep-audio", Switch).value,
                reflection=self.query_one("#reflection", Switch).value,
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
