"""What every screen of the app shares: what it needs from the app, translation, and
translated key labels.

Screens never import the app module: :class:`Simulator` says what they use of it, and the app
(``simulator.app.SimulatorApp``) provides it. So the app imports the screens and not the other
way round.

Bindings are declared with a catalog key as their description (``"keys.quit"``); each screen
replaces those with the text in the app's language when it is created, so the footer speaks the
teacher's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Protocol, TypeVar, cast

from textual.screen import ModalScreen, Screen

from simulator.audio.cue import CuePlayer
from simulator.audio.sources import AudioPlayer, DeviceLister, SourceFactory
from simulator.i18n import has, t
from simulator.scenarios.library import Library
from simulator.scenarios.model import Scenario
from simulator.store.history import HistoryStore, SessionRecorder
from simulator.store.settings import Settings


class Simulator(Protocol):
    """What screens use of the app: the shared state and the doors to the world."""

    lang: str
    lang_override: str | None
    library: Library
    settings: Settings
    store: HistoryStore | None
    source_factory: SourceFactory
    device_lister: DeviceLister | None
    device_override: str | None
    cue_player: CuePlayer | None
    audio_player: AudioPlayer
    round_limit_s: float
    coach_mode: bool
    mic_problem: tuple[str, str] | None

    @property
    def device(self) -> str | None: ...

    @property
    def keep_audio(self) -> bool: ...

    @property
    def recordings_root(self) -> Path: ...

    @property
    def export_dir(self) -> Path: ...

    def scenario_in_language(self, scenario: Scenario) -> Scenario: ...

    def apply_settings(self, settings: Settings) -> None: ...

    def go_home(self) -> None:
        """Close every screen above the home screen."""

    def start_rounds(self, scenario: Scenario, *, checked_question_s: float | None = None) -> None:
        """Open the rounds of ``scenario`` (after the briefing and the microphone check, where
        the teacher's question lasted ``checked_question_s``, when heard)."""

    def keep_unsaved(self, recorders: Iterable[SessionRecorder]) -> None:
        """Sessions a screen lets go of: save them, or keep (and tell) what the history could
        not take yet."""

    def save_kept(self) -> None:
        """Save the rounds kept from screens that let go of them, now that a round was saved."""


ResultT = TypeVar("ResultT")


def translate_bindings(node: Screen[object], lang: str) -> None:
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [
            replace(b, description=t(b.description, lang))
            if b.description.startswith("keys.") and has(b.description, lang)
            else b
            for b in bindings
        ]


class _OnApp:
    """What every coach-sim screen shares: the app, its language, and translated text."""

    @property
    def sim(self) -> Simulator:
        return cast("Simulator", cast("Screen[object]", self).app)

    @property
    def lang(self) -> str:
        return self.sim.lang

    def t(self, key: str, **params: object) -> str:
        return t(key, self.sim.lang, **params)


class AppScreen(_OnApp, Screen[ResultT]):
    def __init__(self) -> None:
        super().__init__()
        translate_bindings(cast("Screen[object]", self), self.sim.lang)


class AppModal(_OnApp, ModalScreen[ResultT]):
    def __init__(self) -> None:
        super().__init__()
        translate_bindings(cast("Screen[object]", self), self.sim.lang)
