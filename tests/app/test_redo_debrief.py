"""A redone round's feedback compares it with the attempt it replaced; the debrief saved from the
summary and the one built later from the history say the same as the screen did."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from textual.widgets import Static

from simulator.app import SimulatorApp, make_app
from simulator.audio.result import Reason, Verdict
from simulator.export import build_debrief, md_escape
from simulator.scenarios.library import Library
from simulator.screens.feedback import FeedbackScreen
from simulator.screens.summary import SummaryScreen
from simulator.store.history import HistoryStore, export_session
from tests.app.conftest import QUESTION_EN, Rounds, export_markdown_from_summary, speech_round
from tests.speech import clip, silence

pytestmark = pytest.mark.espeak
SIZE = (100, 30)


def name_first() -> np.ndarray:
    name, question = clip("Kay", "en"), clip(QUESTION_EN, "en")
    return np.concatenate([silence(0.5), name, silence(0.4), question, silence(3.0)])


def shown(app: SimulatorApp) -> FeedbackScreen:
    assert isinstance(app.screen, FeedbackScreen), type(app.screen).__name__
    return app.screen


async def play_round(app: SimulatorApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("space")
    await app.workers.wait_for_complete()
    await pilot.pause()


def round_section(page: str, heading: str) -> str:
    """The Markdown of one round: from its heading to the next one."""
    start = page.index(f"### {heading}\n")
    end = page.find("\n### ", start + 1)
    return page[start : end if end >= 0 else len(page)]


async def test_the_debriefs_say_of_a_redone_round_what_the_screen_said(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    """Rounds 1 and 2 on target, round 3 name first, R, then round 3 on target: the screen
    praises the name now coming after the question (the replaced attempt), not "as in round 2";
    so do the debrief saved from the summary and the one built from the history."""
    scenario = library.find("check-question", "nl")
    assert scenario is not None
    recordings = [speech_round(3.0), speech_round(3.0), name_first(), speech_round(3.0)]
    app = make_app(
        source_factory=Rounds(recordings),
        library=library,
        store=store,
        lang="nl",
        scenario=scenario,
        export_dir=tmp_path / "exports",
    )
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(2):
            await play_round(app, pilot)
            assert shown(app).feedback.verdict is Verdict.ON_TARGET
            await pilot.press("space")
            await pilot.pause()
        await play_round(app, pilot)
        assert shown(app).feedback.problem is Reason.NAME_FIRST
        await pilot.press("r")
        await pilot.pause()
        await play_round(app, pilot)
        feedback = shown(app).feedback
        assert feedback.verdict is Verdict.ON_TARGET
        on_screen = str(shown(app).query_one("#praise", Static).render())
        assert "Nu kwam de naam ná de vraag." in on_screen
        assert feedback.praise in on_screen
        await pilot.press("space")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        exported = await export_markdown_from_summary(app, pilot)

    assert exported is not None
    page = round_section(exported.read_text("utf-8"), "Ronde 3")
    assert md_escape(feedback.praise) in page
    assert "Net als in ronde 2" not in page

    (session,) = store.sessions()
    assert [(r.round, r.verdict) for r in session.rounds] == [
        (1, "on_target"),
        (2, "on_target"),
        (3, "on_target"),
    ]
    debrief = build_debrief(export_session(session), scenario, "nl")
    third = debrief.rounds[2].feedback
    assert third is not None
    assert third.praise == feedback.praise
    assert third.next_step == feedback.next_step
