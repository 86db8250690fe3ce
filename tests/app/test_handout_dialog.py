"""The handout dialog: opened by the summary's export keys, filled in before the file is saved."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from simulator.scenarios.library import Library
from simulator.screens.handout import HandoutDialog
from simulator.screens.summary import SummaryScreen
from simulator.store.history import HistoryStore
from tests.app.test_coach_mode import summary_on_top, type_into


def field(app: object, name: str) -> Input:
    return app.screen.query_one(f"#{name}", Input)  # type: ignore[attr-defined,no-any-return]


async def test_the_agreed_step_is_edited_before_the_handout_is_saved(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    app, make_summary = summary_on_top(library, store, tmp_path / "exports")
    async with app.run_test(size=(80, 24)) as pilot:
        summary = make_summary()
        await app.push_screen(summary)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, HandoutDialog)
        # Offered: the session's date and the summary's next step; the names are empty.
        assert field(app, "next-step").value == summary.summary.next_step
        assert field(app, "date").value.startswith(summary.started_at[:4])
        assert field(app, "teacher").value == "" and field(app, "coach").value == ""
        # Every field is on screen at 80x24, the last one too.
        step_box = field(app, "next-step")
        assert step_box.region.bottom <= 24 and step_box.region.height == 3
        await type_into(pilot, "Kim")
        await pilot.press("enter")
        await type_into(pilot, "Noor")
        await pilot.press("enter", "enter")  # the date stays as offered
        step_box.value = ""
        await type_into(pilot, "Wait three seconds every time")
        await pilot.press("enter")  # Enter on the last field saves
        await pilot.pause()
        assert app.screen is summary
    assert summary.exported is not None
    page = summary.exported.read_text("utf-8")
    assert "<dt>Teacher</dt><dd>Kim</dd>" in page and "<dt>Coach</dt><dd>Noor</dd>" in page
    assert "Agreed next step:</strong> Wait three seconds every time" in page
    assert summary.handout is not None and summary.handout.teacher == "Kim"


async def test_going_back_saves_nothing_and_the_next_export_offers_the_same_names(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    folder = tmp_path / "exports"
    app, make_summary = summary_on_top(library, store, folder)
    async with app.run_test(size=(100, 30)) as pilot:
        summary = make_summary()
        await app.push_screen(summary)
        await pilot.press("x")
        await pilot.pause()
        await type_into(pilot, "Kim")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert summary.exported is None and not folder.exists()
        await pilot.press("m")
        await pilot.pause()
        await type_into(pilot, "Kim")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert field(app, "teacher").value == "Kim"  # offered again for the HTML
        await pilot.press("escape")
    assert summary.exported is not None and summary.exported.suffix == ".md"
    assert "- **Teacher:** Kim" in summary.exported.read_text("utf-8")
