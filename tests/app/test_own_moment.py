"""The teacher's own moment in the app: O on the rounds screen takes their own question(s) and
a student's name; the rounds prompt with them, the model line after a missed round speaks
them, and the history and the debrief keep them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from textual.widgets import Input, Static

from simulator.app import SimulatorApp, make_app
from simulator.audio.sources import FakePlayer
from simulator.scenarios.library import Library
from simulator.screens.feedback import FeedbackScreen
from simulator.screens.mic_check import MicCheckScreen
from simulator.screens.own_words import OwnWordsDialog
from simulator.screens.practice import PracticeScreen
from simulator.store.history import HistoryStore
from tests.app.conftest import Rounds, export_markdown_from_summary
from tests.app.test_modelling import FakeVoice
from tests.speech import clip, make_round

pytestmark = pytest.mark.espeak
SIZE = (80, 24)
QUESTION = "What is inflation?"


def own_round(pause_s: float, name: str = "Daan") -> object:
    return make_round(clip(QUESTION, "en"), clip(name, "en"), pause_s).samples


def build(
    library: Library, store: HistoryStore, tmp_path: Path, recordings: list, lang: str = "en"
) -> tuple[SimulatorApp, FakeVoice, FakePlayer]:  # type: ignore[type-arg]
    voice, player = FakeVoice(), FakePlayer()
    app = make_app(
        source_factory=Rounds(recordings),
        library=library,
        store=store,
        lang=lang,
        scenario=library.find("check-question", lang),
        export_dir=tmp_path / "exports",
        cue_player=voice,
        audio_player=player,
    )
    return app, voice, player


def shown(app: SimulatorApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def fill(app: SimulatorApp, pilot, values: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    for field, value in values.items():
        app.screen.query_one(f"#{field}", Input).value = value
    await pilot.press("ctrl+s")
    await pilot.pause()


async def play(app: SimulatorApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("space")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_own_question_and_name_prompt_the_rounds_and_are_kept(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    recordings = [own_round(1.2), own_round(3.0), own_round(3.1)]
    app, voice, player = build(library, store, tmp_path, recordings)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, PracticeScreen)
        footer = [k for k, b in app.screen.active_bindings.items() if b.binding.show]
        assert "o" in footer
        assert "O: practise with your own question" in shown(app, "#round-message")
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, OwnWordsDialog)
        # Hostile text is refused with a message naming the field, and nothing changes.
        await fill(app, pilot, {"line-1": QUESTION, "own-name": "Daan\x1b]52;c;aGk=\x07"})
        assert isinstance(app.screen, OwnWordsDialog)
        assert shown(app, "#own-words-error").startswith("Name: This text holds an invisible")
        await fill(app, pilot, {"own-name": "  Daan "})
        assert isinstance(app.screen, PracticeScreen)
        assert f"“{QUESTION}”" in shown(app, "#line")
        assert "Daan" in shown(app, "#name")
        assert "Your own words, from your own lesson." in shown(app, "#situation")

        await play(app, pilot)  # round 1: too short, so M models it in their own words
        assert isinstance(app.screen, FeedbackScreen)
        await pilot.press("m")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert voice.spoken == [(QUESTION, "en"), ("Daan", "en")]
        assert len(player.started) == 1
        await pilot.press("m")
        for _ in range(2):
            await pilot.press("space")
            await pilot.pause()
            assert f"“{QUESTION}”" in shown(app, "#line")
            await play(app, pilot)
        await pilot.press("space")
        await pilot.pause()
        exported = await export_markdown_from_summary(app, pilot)
    assert exported is not None
    page = exported.read_text("utf-8")
    assert page.count(f"**Your own question:** {QUESTION}") == 3
    assert page.count("**Student from your class:** Daan") == 3
    (session,) = store.sessions()
    assert [(r.own_line, r.own_name) for r in session.rounds] == [(QUESTION, "Daan")] * 3


async def test_esc_keeps_and_ctrl_r_brings_back_the_scenarios_examples(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    app, _, _ = build(library, store, tmp_path, [], lang="nl")
    async with app.run_test(size=SIZE) as pilot:
        example = shown(app, "#line")
        await pilot.press("o")
        await pilot.pause()
        assert "Jouw eigen moment" in shown(app, "#own-words-dialog .title")
        app.screen.query_one("#line-1", Input).value = "Wat is inflatie?"
        await pilot.press("escape")
        await pilot.pause()
        assert shown(app, "#line") == example  # left with Esc: nothing changed
        await pilot.press("o")
        await pilot.pause()
        await fill(app, pilot, {"line-1": "Wat is inflatie?"})
        assert "Wat is inflatie?" in shown(app, "#line")
        await pilot.press("o")
        await pilot.pause()
        assert app.screen.query_one("#line-1", Input).value == "Wat is inflatie?"  # prefilled
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert shown(app, "#line") == example


async def test_own_words_make_the_round_forget_how_long_the_earlier_question_was(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    # Round 1 with the scenario's long question; then the teacher's own, far shorter one. How
    # long the earlier question was no longer says whether a short silence is a hesitation.
    long_round = make_round(
        clip("Which two examples of market forces did I just give?", "en"), clip("Kay", "en"), 3.0
    ).samples
    app, _, _ = build(library, store, tmp_path, [long_round, own_round(3.0)])
    async with app.run_test(size=SIZE) as pilot:
        await play(app, pilot)
        await pilot.press("space")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PracticeScreen)
        assert screen.session.question_s == pytest.approx(3.0, abs=0.5)
        await pilot.press("o")
        await pilot.pause()
        await fill(app, pilot, {"line-1": QUESTION, "own-name": "Daan"})
        assert app.screen is screen and screen.session.question_s is None
        await play(app, pilot)
        await pilot.press("space")
        await pilot.pause()
        assert screen.session.question_s == pytest.approx(0.9, abs=0.4)


async def test_own_words_the_rounds_have_not_heard_ask_for_the_question_in_the_check(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    # New own words: the rounds do not know how long the question is, and the first round would
    # wait a few seconds after a long name in case it was the rest of the question. The hint
    # says M times it; once the check has, it goes back to the plain one.
    rng = np.random.default_rng(3)
    speech = clip(QUESTION, "en")
    check = (rng.standard_normal(16_000 * 2 + speech.size) * 0.0005).astype(np.float32)
    check[8000 : 8000 + speech.size] += speech
    app, _, _ = build(library, store, tmp_path, [check])
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, PracticeScreen)
        assert shown(app, "#round-message").startswith("O: practise with your own question")
        await pilot.press("o")
        await pilot.pause()
        await fill(app, pilot, {"line-1": QUESTION, "own-name": "Anne-Sophie"})
        assert app.screen is screen
        hint = shown(app, "#round-message").replace("\n", " ")
        assert "M: say your question once first, so the round knows how long it is" in hint
        await pilot.press("m")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MicCheckScreen) and app.screen.question_s is not None
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and screen.session.checked_question_s is not None
        assert shown(app, "#round-message") == "Your own words. O: change them."
