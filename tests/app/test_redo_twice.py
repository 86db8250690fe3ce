"""A round redone twice in the app: the screen compares the last attempt with the one just before
it; the history keeps all three attempts, the debrief says what the screen said, and the CSV has
a row for each attempt, the replaced ones marked with the attempt that replaced them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from textual.widgets import Static

from simulator.app import make_app
from simulator.export import Format, build_debrief, render
from simulator.i18n import format_seconds
from simulator.scenarios.library import Library
from simulator.screens.feedback import FeedbackScreen
from simulator.store.history import HistoryStore, export_session
from tests.app.conftest import Rounds, speech_round

pytestmark = pytest.mark.espeak


async def test_a_round_redone_twice_is_kept_whole_and_the_csv_shows_each_attempt(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    scenario = library.find("check-question", "en")
    assert scenario is not None
    app = make_app(
        source_factory=Rounds([speech_round(1.0), speech_round(1.8), speech_round(3.0)]),
        library=library,
        store=store,
        lang="en",
        scenario=scenario,
        export_dir=tmp_path / "exports",
    )
    async with app.run_test(size=(100, 30)) as pilot:
        for redo in (True, True, False):
            await pilot.press("space")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, FeedbackScreen)
            if redo:
                await pilot.press("r")
                await pilot.pause()
        feedback = app.screen.feedback
        on_screen = str(app.screen.query_one("#praise", Static).render())
        assert feedback.round_number == 1 and on_screen == feedback.praise

    (session,) = store.sessions()
    (r1,) = session.rounds
    assert r1.attempt == 3
    first, second = r1.replaced_attempts
    assert (first.attempt, second.attempt) == (1, 2)
    assert None not in (first.measured_s, second.measured_s, r1.measured_s)
    assert first.measured_s < second.measured_s < r1.measured_s
    # The screen compared the last attempt with the one just before it, not with the first.
    just_before = f"previous attempt ({format_seconds(second.measured_s, 'en')})"
    assert just_before in on_screen, on_screen
    debrief = build_debrief(export_session(session), scenario, "en")
    exported = debrief.rounds[0].feedback
    assert exported is not None and exported.praise == on_screen

    rows = list(csv.DictReader(io.StringIO(render(Format.CSV, debrief))))
    assert [(r["round"], r["attempt"], r["replaced_by"]) for r in rows] == [
        ("1", "1", "2"),
        ("1", "2", "3"),
        ("1", "3", ""),
    ]
    assert [float(r["measured_s"]) for r in rows] == [
        first.measured_s,
        second.measured_s,
        r1.measured_s,
    ]
