"""The round and the microphone check say so when the sound system, not the microphone, is gone:
the real ``MicrophoneSource`` on a fake PortAudio (``tests/fake_portaudio.py``) that reports
what the real one did with the PulseAudio server stopped."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from textual.widgets import Static

from simulator.app import SimulatorApp, make_app
from simulator.audio.capture import MicrophoneSource, ServerState, list_input_devices
from simulator.audio.sources import AudioSource
from simulator.scenarios.library import Library
from simulator.screens import home
from simulator.screens.mic_check import MicCheckScreen
from simulator.screens.practice import PracticeScreen
from simulator.store.history import HistoryStore
from simulator.store.settings import Settings
from tests.fake_portaudio import SERVER_DEVICES, SERVER_GONE, FakePortAudio

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


async def test_the_home_notice_clears_once_the_sound_system_runs_again(
    monkeypatch: pytest.MonkeyPatch, library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    # PortAudio found nothing when coach-sim started (the server was down): the home screen says
    # so, keeps looking, and takes the notice away once the teacher has started the server.
    fake = FakePortAudio([])
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    monkeypatch.setattr(home, "MICROPHONE_RECHECK_S", 0.05)
    server = ServerState.DOWN

    def devices() -> list[tuple[str, str]]:
        return [(str(d.index), d.label) for d in list_input_devices(sound_server=lambda: server)]

    app = app_on(library, store, tmp_path)
    app.device_lister = devices
    async with app.run_test(size=SIZE) as pilot:
        # Not workers.wait_for_complete(): looking again every 0.05 s, a new look may cancel the
        # first one on a busy machine (the looks are one exclusive group), which it reports as
        # an error. What counts is what the screen shows.
        for _ in range(100):
            await pilot.pause(0.05)
            if text(app, "#mic-banner").startswith("Sound system not running\n"):
                break
        assert text(app, "#mic-banner").startswith("Sound system not running\n")
        await pilot.pause(0.2)  # still down: it looks again, and the notice stays
        assert fake.rescans >= 2
        assert not app.screen.query_one("#mic-banner").has_class("hidden")
        server, fake.after_rescan = ServerState.RUNNING, SERVER_DEVICES
        for _ in range(50):
            await pilot.pause(0.05)
            if app.screen.query_one("#mic-banner").has_class("hidden"):
                break
        assert app.screen.query_one("#mic-banner").has_class("hidden")
        assert app.mic_problem is None
        assert "A microphone can be reached again" in " ".join(
            str(n.message) for n in app._notifications
        )
        looked = fake.rescans
        await pilot.pause(0.2)
        assert fake.rescans == looked  # found: it stops looking
