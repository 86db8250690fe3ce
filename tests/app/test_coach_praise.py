"""Coach mode shows the whole specific praise, the same words the debrief exports print, wrapped
in full on a terminal of 80×24 and of 120×36, in Dutch and in English."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from simulator.app import SimulatorApp, make_app
from simulator.audio.result import Verdict
from simulator.export import Format, build_debrief, md_escape, render
from simulator.scenarios.library import Library
from simulator.screens.feedback import FeedbackScreen
from simulator.store.history import HistoryStore, export_session
from tests.app.conftest import Rounds, speech_round
from tests.app.test_small_terminal import fully_visible

pytestmark = pytest.mark.espeak

COMPARISON = {"en": "times as long as round 1", "nl": "keer zo lang als ronde 1"}
"""The specific part of round 2's praise: how much longer than round 1 the silence was."""


def shown_lines(app: SimulatorApp, selector: str) -> list[str]:
    """The terminal's lines where the widget is drawn, cut to its columns."""
    widget = app.screen.query_one(selector)
    region = widget.content_region
    strips = app.screen._compositor.render_strips()  # noqa: SLF001 - what the terminal shows
    return [
        strips[y].text[region.x : region.right].rstrip()
        for y in range(region.y, region.bottom)
        if strips[y].text[region.x : region.right].strip()
    ]


def words(text: str) -> list[str]:
    return text.replace("\xa0", " ").split()


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
async def test_coach_mode_shows_the_praise_the_debrief_prints_whole_and_wrapped(
    library: Library, store: HistoryStore, tmp_path: Path, lang: str, size: tuple[int, int]
) -> None:
    scenario = library.find("check-question", lang)
    assert scenario is not None
    app = make_app(
        source_factory=Rounds([speech_round(1.0), speech_round(2.2)]),
        library=library,
        store=store,
        lang=lang,
        scenario=scenario,
        coach_mode=True,
        export_dir=tmp_path / "exports",
    )
    async with app.run_test(size=size) as pilot:
        for felt in ("2", "4"):
            await pilot.press("space")
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press(felt, "enter")  # how long the pause felt
            await pilot.pause()
            assert isinstance(app.screen, FeedbackScreen)
            if felt == "2":
                await pilot.press("space")
                await pilot.pause()
        feedback = app.screen.feedback
        assert feedback.round_number == 2 and feedback.verdict is Verdict.TOO_SHORT
        # The specific praise, whole: what went well, and how it compares with round 1.
        praise = str(app.screen.query_one("#praise", Static).render())
        assert praise == feedback.praise
        assert COMPARISON[lang] in praise.replace("\xa0", " "), praise
        # On the terminal: every word of it, wrapped within the screen, nothing cut off.
        for selector in ("#praise", "#next-step", "#perceived-line"):
            assert fully_visible(app, app.screen.query_one(selector)), selector
        lines = shown_lines(app, "#praise")
        assert words(" ".join(lines)) == words(feedback.praise), lines
        assert all(len(line) <= size[0] - 4 for line in lines)
        if len(feedback.praise) > size[0] - 4:
            assert len(lines) > 1  # wrapped, not cut at the edge

    # The debrief built from the history prints the same words for round 2.
    (session,) = store.sessions()
    debrief = build_debrief(export_session(session), scenario, lang)
    exported = debrief.rounds[1].feedback
    assert exported is not None
    assert (exported.praise, exported.next_step) == (feedback.praise, feedback.next_step)
    assert md_escape(feedback.praise) in render(Format.MARKDOWN, debrief)
