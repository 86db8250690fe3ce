"""No text from a scenario file reaches the app as markup, on any screen of a whole session.

Every text of the flagship scenario is replaced by Textual markup an attacker would write
(``[@click=app.quit]``, ``[/]``, ``[$x]``, ``[ b ]``); the session is practised with real speech
(three rounds, the summary, the briefing), and on every screen each widget is checked: the
markup shows as written and no part of it became a style or an action.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.content import Content
from textual.widget import Widget

from simulator.app import SimulatorApp, make_app
from simulator.scenarios.library import load_library
from simulator.screens.briefing import BriefingScreen
from simulator.screens.feedback import FeedbackScreen
from simulator.screens.summary import SummaryScreen
from simulator.store.history import HistoryStore
from simulator.store.settings import Settings
from tests.app.conftest import Rounds, speech_round

pytestmark = pytest.mark.espeak
REPO = Path(__file__).resolve().parents[2]
HOSTILE = "[@click=app.quit]click[/] [$x] [ b ]bold [/]"


def hostile_pack(tmp_path: Path) -> Path:
    """The flagship with every text (title to feedback override) replaced by markup."""
    text = (REPO / "scenarios" / "check-question.en.toml").read_text("utf-8")
    keys = "title|action_step|model_line|situation|line|name|label|reference|name_first"
    count = 0

    def swap(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return f"{match.group(1)} = '{HOSTILE} {count}'"

    text = re.sub(rf'^({keys}) = "[^"\n]*"', swap, text, flags=re.M)
    text = re.sub(r'^(why|research|story) = """.*?"""', swap, text, flags=re.M | re.S)
    assert "[feedback]" not in text  # the built-in file has no overrides: add them
    text = text.replace(
        "[[materials]]\n",
        f"[feedback]\nnext_too_short = '{HOSTILE} {{value}}'\n"
        f"praise_on_target = '{HOSTILE} on target'\n\n[[materials]]\n",
        1,
    )
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "check-question.en.toml").write_text(text, "utf-8")
    return pack


def check_screen(app: SimulatorApp) -> int:
    """Every widget on the screen: no style or action from the file; returns how many widgets
    show the markup as written."""
    shown = 0
    widgets: list[Widget] = [app.screen, *app.screen.walk_children(Widget)]
    for widget in widgets:
        try:
            visual = widget.render()
        except Exception:  # noqa: BLE001 - containers without their own rendering
            continue
        if not isinstance(visual, Content):
            continue
        assert "\x1b" not in visual.plain
        for span in visual.spans:
            style = str(span.style)
            assert "click" not in style and "app.quit" not in style, (widget, style)
        if HOSTILE in visual.plain:
            shown += 1
    return shown


async def test_a_whole_session_shows_markup_as_written(tmp_path: Path) -> None:
    library = load_library([hostile_pack(tmp_path)], user=tmp_path / "none")
    scenario = library.find("check-question", "en")
    assert scenario is not None and scenario.title.startswith(HOSTILE)
    app = make_app(
        source_factory=Rounds([speech_round(3.0), speech_round(1.2), speech_round(3.0)]),
        library=library,
        store=HistoryStore(tmp_path / "history.sqlite3"),
        settings=Settings(),
        settings_path=tmp_path / "settings.json",
        lang="en",
        scenario=scenario,
    )
    seen: dict[str, int] = {}
    async with app.run_test(size=(120, 60)) as pilot:
        seen["practice"] = check_screen(app)
        for number in (1, 2, 3):
            await pilot.press("space")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, FeedbackScreen), type(app.screen).__name__
            seen[f"feedback {number}"] = check_screen(app)
            await pilot.press("space")
            await pilot.pause()
            if number < 3:
                seen[f"round {number + 1}"] = check_screen(app)
        assert isinstance(app.screen, SummaryScreen), type(app.screen).__name__
        seen["summary"] = check_screen(app)
        app.push_screen(BriefingScreen(scenario))
        await pilot.pause()
        seen["briefing"] = check_screen(app)
    assert app.return_code in (0, None)
    # The markup was on each screen, as text: the situation, the line, the name, the feedback.
    assert all(count >= 1 for count in seen.values()), seen
