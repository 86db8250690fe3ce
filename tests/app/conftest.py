"""Helpers for the app's Pilot tests: real espeak-ng speech fed through ``ArraySource``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pytest

from simulator.app import SimulatorApp, make_app
from simulator.audio.sources import ArraySource, AudioSource, NoPortAudioError
from simulator.scenarios.library import Library, load_library
from simulator.store.history import HistoryStore
from simulator.store.settings import Settings
from tests.speech import clip, make_round, silence

if TYPE_CHECKING:
    from textual.pilot import Pilot

Audio = npt.NDArray[np.float32]

QUESTION_EN = "Which two examples of market forces did I just give?"


class Rounds:
    """A source factory handing out one prepared recording per opened source, in order.

    An entry may be an array, or an ``ArraySource`` (e.g. one that loses the device).
    """

    def __init__(self, recordings: Sequence[Audio | ArraySource]) -> None:
        self.recordings = list(recordings)
        self.opened: list[str | None] = []

    def __call__(self, device: str | None) -> AudioSource:
        self.opened.append(device)
        if not self.recordings:
            return ArraySource(silence(0.2))
        item = self.recordings.pop(0)
        return item if isinstance(item, ArraySource) else ArraySource(item)


def speech_round(pause_s: float, name: str = "Kay", voice: str = "en") -> Audio:
    return make_round(clip(QUESTION_EN, voice), clip(name, voice), pause_s).samples


@pytest.fixture(autouse=True)
def user_data_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user data folder (exports, rounds kept when the history fails) of every app test is
    its own, never the real one."""
    home = tmp_path / "coach-sim-home"
    monkeypatch.setenv("COACH_SIM_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library(user=Path("/nonexistent-coach-sim-user-dir"))


@pytest.fixture
def store(tmp_path: Path) -> HistoryStore:
    return HistoryStore(tmp_path / "history.sqlite3")


AppMaker = Callable[..., SimulatorApp]


@pytest.fixture
def app_for(library: Library, store: HistoryStore, tmp_path: Path) -> AppMaker:
    def build(
        recordings: Sequence[Audio | ArraySource] = (),
        *,
        scenario: str | None = None,
        lang: str = "en",
        settings: Settings | None = None,
        devices: Callable[[], list[tuple[str, str]]] | None = None,
        round_limit_s: float = 45.0,
    ) -> SimulatorApp:
        found = library.find(scenario, lang) if scenario else None
        if scenario:
            assert found is not None
        return make_app(
            source_factory=Rounds(recordings),
            library=library,
            store=store,
            settings=settings or Settings(),
            settings_path=tmp_path / "settings.json",
            lang=lang,
            scenario=found,
            device_lister=devices,
            round_limit_s=round_limit_s,
        )

    return build


def no_portaudio() -> list[tuple[str, str]]:
    raise NoPortAudioError(detail="PortAudio library not found")


def app_with(library: Library, store: HistoryStore, tmp_path: Path) -> SimulatorApp:
    """The app on a given library (e.g. with a pack), no microphone, English."""
    return make_app(
        source_factory=Rounds([]),
        library=library,
        store=store,
        settings=Settings(),
        settings_path=tmp_path / "settings.json",
        lang="en",
    )


async def export_markdown_from_summary(app: SimulatorApp, pilot: Pilot[None]) -> Path | None:
    """On the summary: M (the debrief as Markdown), the handout dialog that comes first saved
    as it is (Ctrl+S); the exported file."""
    from simulator.screens.handout import HandoutDialog
    from simulator.screens.summary import SummaryScreen

    assert isinstance(app.screen, SummaryScreen)
    summary = app.screen
    await pilot.press("m")
    await pilot.pause()
    assert isinstance(app.screen, HandoutDialog)  # names and the agreed step first
    await pilot.press("ctrl+s")
    await pilot.pause()
    return summary.exported
