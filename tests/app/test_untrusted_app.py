"""Scenario and stored text in the app: shown as written, never read as markup."""

from __future__ import annotations

from pathlib import Path

from textual.markup import to_content
from textual.widgets import OptionList, Static

from simulator.scenarios.library import load_library
from simulator.screens.briefing import BriefingScreen
from simulator.screens.home import HomeScreen
from simulator.store.history import HistoryStore
from tests.app.conftest import app_with

REPO = Path(__file__).resolve().parents[2]
TITLE = "[/] [one] [@click=app.quit]quit[/] [$x]"
STEP = "Ask [b]first[/b], then [ i ]wait"


def hostile_pack(tmp_path: Path) -> Path:
    text = (REPO / "scenarios" / "check-question.en.toml").read_text("utf-8")
    text = text.replace(
        'title = "Check question: the question first, then the name"', f'title = "{TITLE}"'
    ).replace(
        'action_step = "Ask the check question first, pause for about three seconds, and only '
        "then say a student's name.\"",
        f'action_step = "{STEP}"',
    )
    assert TITLE in text and STEP in text
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "check-question.en.toml").write_text(text, "utf-8")
    return pack


async def test_markup_in_a_scenario_is_shown_as_written(tmp_path: Path) -> None:
    library = load_library([hostile_pack(tmp_path)], user=tmp_path / "none")
    store = HistoryStore(tmp_path / "history.sqlite3")
    store.start_session("check-question", "en", participant="[@click=app.quit]Kay")
    app = app_with(library, store, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        options = app.screen.query_one("#scenarios", OptionList)
        shown = [to_content(str(options.get_option_at_index(i).prompt)) for i in range(5)]
        ours = next(c for c in shown if c.plain.startswith(TITLE))
        assert ours.plain == f"{TITLE}\n{STEP}"
        assert all("@click" not in str(span.style) for span in ours.spans)
        recent = str(app.screen.query_one("#recent", Static).render())
        assert TITLE in recent
        options.highlighted = [c.plain for c in shown].index(ours.plain)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        title = app.screen.query_one(".title", Static)
        assert str(title.render()) == TITLE
        assert str(app.screen.query_one("#action-step", Static).render()) == STEP
    assert app.return_code in (0, None)
