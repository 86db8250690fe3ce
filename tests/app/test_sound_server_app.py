"""The round and the microphone check say so when the sound system, not the microphone, is gone:
the real ``MicrophoneSource`` on a fake PortAudio (``tests/fake_portaudio.py``) that reports
what the real one did with the PulseAudio server stopped."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from textual.widgets import Static

from simulator.app import SimulatorApp, make_app
from simulator.audio.capture import MicrophoneSource, ServerState
from simulator.audio.sources import AudioSource
from simulator.scenarios.library import Library
from simulator.screens.mic_check import MicCheckScreen
from simulator.screens.practice import PracticeScreen
from simulator.store.history import HistoryStore
from simulator.store.settings import Settings
from tests.fake_portaudio import SERVER_GONE, FakePortAudio

SIZE = (100, 30)


def app_on(
    library: Library, store: HistoryStore, tmp_path: Path, *, scenario: str | None = None
) -> SimulatorApp:
    def open_microphone(device: str | None) -> AudioSource:
        return MicrophoneSource(device, sound_server=lambda: ServerState.DOWN)

    return make_app(
        source_factory=open_microphone,
        library=library,
        store=store,
        settings=Settings(),
        settings_path=tmp_path / "settings.json",
        lang="en",
        scenario=library.find(scenario, "en") if scenario else None,
    )


def text(app: SimulatorApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_the_server_stopping_mid_round_is_named_and_the_round_can_be_redone(
    monkeypatch: pytest.MonkeyPatch, library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    # 1.5 s of sound, then the stream ends by itself, as when the server was stopped.
    monkeypatch.setitem(sys.modules, "sounddevice", FakePortAudio(blocks=75))
    app = app_on(library, store, tmp_path, scenario="check-question")
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, PracticeScreen)
        await pilot.press("space")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.phase == "stopped"
        message = text(app, "#round-message")
        assert message.startswith("Sound system stopped\n")
        assert "The sound system stopped during this round" in message
        assert "press Space to redo the round" in message
        assert "reconnect" not in message
    assert store.sessions() == ()


async def test_the_microphone_check_names_a_stopped_server(
    monkeypatch: pytest.MonkeyPatch, library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    gone = FakePortAudio(refuse=lambda rate, channels: SERVER_GONE)
    monkeypatch.setitem(sys.modules, "sounddevice", gone)
    app = app_on(library, store, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MicCheckScreen)
        warning = text(app, "#mic-warnings")
        assert warning.startswith("Sound system not running\n")
        assert "sample rates" not in warning
        assert "pulseaudio --start" in warning
