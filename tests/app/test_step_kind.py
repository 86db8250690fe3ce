"""The app keeps each session's kind of action step with the session, and the debrief saved from
the summary is worded by that kind, also when the scenario is in another language than the app."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulator.app import make_app
from simulator.coaching.plan import StepKind
from simulator.scenarios.library import Library
from simulator.screens.feedback import FeedbackScreen
from simulator.screens.summary import SummaryScreen
from simulator.store.history import HistoryStore
from tests.app.conftest import AppMaker, Rounds, export_markdown_from_summary
from tests.speech import clip, silence
from tests.unit.test_export import turn

SIZE = (100, 30)


@pytest.mark.espeak
async def test_a_compliment_session_is_stored_with_its_kind(
    app_for: AppMaker, store: HistoryStore
) -> None:
    compliment = np.concatenate(
        [silence(0.5), clip("Ruben, you waited four seconds after every question.", "en")]
        + [silence(2.5)]
    ).astype(np.float32)
    app = app_for([compliment], scenario="debrief-praise")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        assert app.screen.feedback.plan is not None
        assert app.screen.feedback.plan.kind is StepKind.COMPLIMENT
    (session,) = store.sessions()
    assert (session.scenario, session.step_kind) == ("debrief-praise", StepKind.COMPLIMENT)


async def test_the_debrief_of_a_scenario_in_another_language_keeps_its_kind(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    """A Dutch-only compliment scenario practised in the English app: the debrief is English
    (without the scenario's Dutch texts), and still about a compliment, not a direction."""
    scenario = library.find("debrief-praise", "nl")
    assert scenario is not None
    app = make_app(
        source_factory=Rounds([]),
        library=library,
        store=store,
        lang="en",
        export_dir=tmp_path / "exports",
    )
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(SummaryScreen(scenario, (turn(14.0), turn(7.0)), None))
        exported = await export_markdown_from_summary(app, pilot)
    assert exported is not None
    page = exported.read_text("utf-8")
    assert "Your compliment took 7.0\xa0s: within the range." in page
    assert "direction" not in page
