"""Reflection: with the setting on, "What did you notice?" comes before the measurement; the
answer is kept with the round and appears in the debrief. Off by default."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Switch

from simulator.app import SimulatorApp, make_app
from simulator.scenarios.library import Library
from simulator.screens.coach import PerceivedDialog, ReflectionDialog
from simulator.screens.feedback import FeedbackScreen
from simulator.screens.settings import SettingsScreen
from simulator.store.history import HistoryStore
from simulator.store.settings import Settings, load_settings
from tests.app.conftest import Rounds, export_markdown_from_summary, speech_round
from tests.app.test_coach_mode import end_round, text

pytestmark = pytest.mark.espeak
SIZE = (80, 24)


def reflecting_app(
    library: Library,
    store: HistoryStore,
    tmp_path: Path,
    recordings: list,  # type: ignore[type-arg]
    *,
    reflection: bool = True,
    coach: bool = False,
    lang: str = "en",
) -> SimulatorApp:
    return make_app(
        source_factory=Rounds(recordings),
        library=library,
        store=store,
        settings=Settings(reflection=reflection),
        lang=lang,
        scenario=library.find("check-question", lang),
        coach_mode=coach,
        export_dir=tmp_path / "exports",
    )


async def answer(app: SimulatorApp, pilot, value: str) -> None:  # type: ignore[no-untyped-def]
    app.screen.query_one("#reflection", Input).value = value
    await pilot.press("enter")
    await pilot.pause()


async def test_what_you_noticed_is_asked_first_kept_and_exported(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    recordings = [speech_round(1.5), speech_round(3.0, "Amira"), speech_round(3.2, "Tom")]
    app = reflecting_app(library, store, tmp_path, recordings)
    async with app.run_test(size=SIZE) as pilot:
        await end_round(app, pilot)
        assert isinstance(app.screen, ReflectionDialog)
        assert "round 1" in text(app, "#reflection-prompt")
        # A pasted escape sequence is refused with a specific message, not kept.
        await answer(app, pilot, "I counted \x1b]0;owned\x07 to three")
        assert isinstance(app.screen, ReflectionDialog)
        assert "\\u001b" in text(app, "#reflection-error")
        await answer(app, pilot, "  I counted   to three  ")
        assert isinstance(app.screen, FeedbackScreen)
        assert store.sessions()[0].rounds[0].reflection == "I counted to three"

        await pilot.press("space")  # round 2: skipped
        await end_round(app, pilot)
        assert isinstance(app.screen, ReflectionDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)

        await pilot.press("space")  # round 3, then the debrief
        await end_round(app, pilot)
        await answer(app, pilot, "Tom <b>looked</b> up = *first*")
        await pilot.press("space")
        await pilot.pause()
        exported = await export_markdown_from_summary(app, pilot)
    assert exported is not None
    page = exported.read_text("utf-8")
    assert "**What you noticed:** I counted to three" in page
    assert "Tom \\<b\\>looked\\</b\\> up = \\*first\\*" in page  # Markdown-escaped
    (session,) = store.sessions()
    assert [r.reflection for r in session.rounds] == [
        "I counted to three",
        None,
        "Tom <b>looked</b> up = *first*",
    ]


async def test_off_by_default_no_question(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    app = reflecting_app(library, store, tmp_path, [speech_round(1.5)], reflection=False)
    async with app.run_test(size=SIZE) as pilot:
        await end_round(app, pilot)
        assert isinstance(app.screen, FeedbackScreen)
    assert Settings().reflection is False


async def test_in_coach_mode_reflection_comes_before_the_felt_pause(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    app = reflecting_app(library, store, tmp_path, [speech_round(1.5)], coach=True, lang="nl")
    async with app.run_test(size=(100, 30)) as pilot:
        await end_round(app, pilot)
        assert isinstance(app.screen, ReflectionDialog)
        assert "Wat viel je op?" in text(app, "#reflection-dialog .title")
        await answer(app, pilot, "te snel")
        assert isinstance(app.screen, PerceivedDialog)
        app.screen.query_one("#perceived", Input).value = "2"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
    (r,) = store.sessions()[0].rounds
    assert (r.reflection, r.perceived_s) == ("te snel", 2.0)


async def test_the_settings_screen_switches_reflection_on_and_saves_it(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    path = tmp_path / "settings.json"
    app = make_app(
        source_factory=Rounds([]), library=library, store=store, settings_path=path, lang="en"
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        switch = app.screen.query_one("#reflection", Switch)
        assert switch.value is False
        switch.value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.settings.reflection is True
    assert load_settings(path).settings.reflection is True
