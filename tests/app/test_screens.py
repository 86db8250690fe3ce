"""Home, briefing, microphone check and settings, driven with the keyboard."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from textual.widgets import OptionList, Select, Static

from simulator.app import SimulatorApp
from simulator.audio.sources import ArraySource, DeviceNotFoundError
from simulator.screens.briefing import BriefingScreen
from simulator.screens.home import HomeScreen
from simulator.screens.mic_check import MicCheckScreen
from simulator.screens.practice import PracticeScreen
from simulator.screens.settings import SettingsScreen
from simulator.store.history import HistoryStore
from tests.app.conftest import AppMaker, no_portaudio, speech_round
from tests.speech import clip, silence

SIZE = (100, 30)


def soft_speech() -> np.ndarray:
    """A voice the check hears, but far too softly (about -50 dBFS), in a quiet room."""
    rng = np.random.default_rng(2)
    speech = clip("Good morning everyone, let us begin with the homework.", "en") * 0.05
    room = (rng.standard_normal(speech.size + 32_000) * 0.0005).astype(np.float32)
    room[16_000 : 16_000 + speech.size] += speech
    return room


DEVICES = [("0", "[0] Built-in microphone (ALSA)"), ("3", "[3] USB headset (ALSA)")]


def text(app: SimulatorApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render()).replace("\xa0", " ")


def option_titles(app: SimulatorApp) -> list[str]:
    options = app.screen.query_one("#scenarios", OptionList)
    return [
        str(options.get_option_at_index(i).prompt).split("\n")[0]
        for i in range(options.option_count)
    ]


async def test_home_lists_scenarios_in_the_chosen_language_and_searches(app_for: AppMaker) -> None:
    app = app_for(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeScreen)
        titles = option_titles(app)
        assert "Check question: the question first, then the name" in titles
        assert len(titles) == 5
        await pilot.press("slash", *"wait time")
        await pilot.pause()
        assert option_titles(app) == ["Wait time after a student's answer"]
        await pilot.press(*"zzz")
        await pilot.pause()
        assert option_titles(app) == []
        assert "No scenario matches" in text(app, "#no-match")
    app = app_for(lang="nl")
    async with app.run_test(size=SIZE):
        assert "Checkvraag: eerst de vraag, dan de naam" in option_titles(app)
        assert "Nog niet geoefend" in text(app, "#recent") or text(app, "#recent")


async def test_home_shows_recent_practice(app_for: AppMaker, store: HistoryStore) -> None:
    from simulator.audio.analysis import analyze_samples

    app = app_for(lang="en")
    pattern = app.library.find("check-question", "en").pattern  # type: ignore[union-attr]
    sid = store.start_session("check-question", "en")
    store.save_round(sid, 1, analyze_samples(speech_round(2.4), 16_000, pattern))
    async with app.run_test(size=SIZE):
        recent = text(app, "#recent")
        assert "Check question" in recent and "2.4 s" in recent


async def test_without_portaudio_the_app_opens_and_says_what_to_do(app_for: AppMaker) -> None:
    app = app_for(devices=no_portaudio)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        banner = text(app, "#mic-banner")
        assert "Audio library missing" in banner
        assert "sudo apt install libportaudio2" in banner
        assert not app.screen.query_one("#mic-banner").has_class("hidden")
        # Everything that needs no microphone still works: the briefing opens.
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)


async def test_briefing_shows_the_action_step_why_story_and_model_line(app_for: AppMaker) -> None:
    app = app_for([np.zeros(1600, dtype=np.float32)])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # the first scenario, by title: the check question
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BriefingScreen)
        assert screen.scenario.id == "check-question"
        assert "pause for about three seconds" in text(app, "#action-step")
        assert "only that one student thinks" in text(app, "#why")
        assert "Jantien" in text(app, "#story")
        assert "Kay?" in text(app, "#model-line")
        assert "2.5–4.0 s" in text(app, "#rounds-info")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MicCheckScreen)
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


@pytest.mark.parametrize(
    ("recording", "shows"),
    [
        (silence(2.0), "The microphone delivers only silence"),
        (soft_speech(), "Too quiet"),
        (np.clip(speech_round(1.0) * 8, -1, 1).astype(np.float32), "Too loud (clipping)"),
        # Cut 12 dB below its peak (0.5), the cut tops at half scale: nothing reaches full scale.
        ((np.clip(speech_round(1.0), -0.125, 0.125) * 4).astype(np.float32), "Too loud (clipping)"),
    ],
)
async def test_mic_check_screen_warns_with_advice(
    app_for: AppMaker, recording: np.ndarray, shows: str
) -> None:
    app = app_for([ArraySource(recording)], devices=lambda: DEVICES)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MicCheckScreen)
        assert shows in text(app, "#mic-warnings")
        assert text(app, "#mic-status") == ""


async def test_mic_check_ready_then_enter_starts_the_rounds(app_for: AppMaker) -> None:
    rng = np.random.default_rng(3)
    room = (rng.standard_normal(16_000 * 4) * 0.0005).astype(np.float32)
    speech = clip("Good morning everyone, let us begin.", "en")
    room[8000 : 8000 + speech.size] += speech
    app = app_for([room], devices=lambda: DEVICES)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "You are ready" in text(app, "#mic-status")
        assert "The room is quiet enough" in text(app, "#noise-floor")
        select = app.screen.query_one("#device", Select)
        assert [str(o[0]) for o in select._options][1:] == [label for _, label in DEVICES]
        said = app.screen.question_s
        assert said is not None and abs(said - speech.size / 16_000) <= 0.2
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)
        assert app.screen.has_class("-ready")
        # The first round will know how long the question said in the check lasted.
        assert app.screen.session.checked_question_s == said


async def test_mic_check_says_when_the_device_does_not_exist(
    app_for: AppMaker, library, store
) -> None:
    from simulator.app import make_app

    def missing(device: str | None) -> ArraySource:
        raise DeviceNotFoundError("no_device_match", spec=device, choices="", device=device)

    app = make_app(
        source_factory=missing, library=library, store=store, lang="en", device="Blue Yeti"
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "No microphone matches “Blue Yeti”" in text(app, "#mic-warnings")
        assert "coach-sim devices" in text(app, "#mic-warnings")


async def test_settings_are_saved_and_the_language_switches(
    app_for: AppMaker, tmp_path: Path
) -> None:
    app = app_for(lang=None, devices=lambda: DEVICES)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        app.screen.query_one("#language", Select).value = "nl"
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.screen.query_one("#microphone", Select).value = "3"
        await pilot.click("#live-timer")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.lang == "nl"
        assert "Scenario's" in text(app, "#home .heading") or "Scenario" in text(
            app, "#home .heading"
        )
        assert "Checkvraag: eerst de vraag, dan de naam" in option_titles(app)
    saved = json.loads((tmp_path / "settings.json").read_text())
    assert saved == {
        "language": "nl",
        "microphone": "3",
        "live_timer": True,
        "keep_audio": False,
        "reflection": False,
    }


async def test_home_says_which_scenario_file_was_skipped_and_why(
    store: HistoryStore, tmp_path: Path
) -> None:
    from simulator.scenarios.library import load_library
    from tests.app.conftest import app_with

    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "broken.toml").write_text('id = "broken"\nlanguage = "nl"\ntitel = "Typfout"\n')
    library = load_library([pack], user=tmp_path / "no-user-folder")
    app = app_with(library, store, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        (note,) = [n for n in app._notifications if "skipped" in (n.title or "")]  # noqa: SLF001
        assert note.title == "Scenario files skipped: 1"
        assert "broken.toml" in note.message and "did you mean 'title'?" in note.message
        assert "coach-sim scenarios check" in note.message
        # The built-in scenarios are still there.
        assert "Check question: the question first, then the name" in option_titles(app)
