"""At 80×24 every screen and dialog keeps what matters in sight, and shows it when it scrolls.

Checked on the layout itself (the compositor's regions), in both languages: each screen's key
widgets (the Save button, the next step, the summary's rounds…) lie wholly inside the visible
part of the screen, and every container whose content is taller than its window has a vertical
scrollbar on screen.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from simulator.app import SimulatorApp, make_app
from simulator.scenarios.library import Library
from simulator.store.settings import Settings
from tests.app.conftest import Rounds
from tests.app.walk import SCREENS, build

pytestmark = pytest.mark.espeak
SMALL = (80, 24)


def fully_visible(app: SimulatorApp, widget: Widget) -> bool:
    """Whether the whole widget is drawn on the screen (not clipped by a scrolling parent, not
    under the edge of the terminal)."""
    visible = app.screen._compositor.visible_widgets  # noqa: SLF001 - Textual's own geometry
    if widget not in visible:
        return False
    region, clip = visible[widget]
    return region.area > 0 and clip.intersection(region) == region


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("name", sorted(SCREENS))
async def test_key_widgets_are_in_sight_at_80x24(
    library: Library,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    lang: str,
) -> None:
    monkeypatch.setenv("COACH_SIM_HOME", str(tmp_path / "home"))
    walk = SCREENS[name]
    app = build(name, library, tmp_path, lang)
    async with app.run_test(size=SMALL) as pilot:
        await walk.steps(pilot)
        assert walk.key_widgets
        hidden = [
            selector
            for selector in walk.key_widgets
            if not fully_visible(app, app.screen.query_one(selector))
        ]
        assert not hidden, f"{name} at 80×24 ({lang}): out of sight: {hidden}"
        unmarked = [
            widget
            for widget in app.screen.query("*")
            if widget.display
            and widget.max_scroll_y > 0
            and widget.styles.overflow_y != "hidden"
            and not (widget.show_vertical_scrollbar and widget.scrollbar_size_vertical > 0)
        ]
        assert not unmarked, f"{name}: scrolls without a scrollbar: {unmarked}"


async def test_the_settings_dialog_scrolls_with_save_in_sight(
    library: Library, tmp_path: Path
) -> None:
    """The dialog is taller than 24 lines: its fields scroll under the buttons, which stay."""
    app = build("settings", library, tmp_path, "nl")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("s")
        await pilot.pause()
        dialog = app.screen.query_one("#settings-dialog")
        assert dialog.max_scroll_y > 0
        assert dialog.scroll_y == 0  # opens at the top, the title in sight
        dialog.scroll_end(animate=False)
        await pilot.pause()
        assert fully_visible(app, app.screen.query_one("#save"))
        assert fully_visible(app, app.screen.query_one("#keep-audio"))


def test_the_app_wraps_text_at_breakable_spaces_only(library: Library) -> None:
    """Text on the screens is wrapped by Rich's word splitter, which would break ``3,0\u00a0s``
    after ``3,0``; the app makes it keep a no-break space (and wrap ordinary ones)."""
    make_app(source_factory=Rounds([]), library=library, settings=Settings(), lang="nl")
    text = Content("Je pauze was 3,0\u00a0s lang")
    lines = [line.plain for line in text.wrap(len("Je pauze was 3,0"))]
    assert lines == ["Je pauze was", "3,0\u00a0s lang"]


def screen_text(app: SimulatorApp) -> str:
    strips = app.screen._compositor.render_strips()  # noqa: SLF001 - what the terminal shows
    return "\n".join(strip.text for strip in strips)


async def test_the_language_setting_reads_the_same_on_home_and_in_settings(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --lang both name the stored choice: "Zoals op deze computer (Nederlands)"."""
    monkeypatch.setenv("LC_ALL", "nl_NL.UTF-8")
    app = make_app(source_factory=Rounds([]), library=library, settings=Settings())
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        home = str(app.screen.query_one("#settings-summary", Static).render())
        assert "Taal: Zoals op deze computer (Nederlands)" in home
        await pilot.press("s")
        await pilot.pause()
        assert "Zoals op deze computer (Nederlands)" in screen_text(app)
        assert not app.screen.query("#language-override")


async def test_under_lang_home_names_the_run_language_and_settings_the_stored_choice(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--lang nl on an English computer: Home says Dutch is for this run, via --lang; Settings
    keeps the stored choice ("as on this computer (English)") with a note that --lang decides,
    and saving a setting keeps the run in Dutch."""
    monkeypatch.setenv("LC_ALL", "en_GB.UTF-8")
    app = build("settings", library, tmp_path, "nl")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        home = str(app.screen.query_one("#settings-summary", Static).render())
        assert "Taal: Nederlands (voor deze keer, via --lang)" in home
        assert "Zoals op deze computer" not in home
        await pilot.press("s")
        await pilot.pause()
        shown = screen_text(app)
        assert "Zoals op deze computer (English)" in shown
        note = str(app.screen.query_one("#language-override", Static).render())
        assert note.startswith("Voor deze keer bepaalt --lang de taal (Nederlands).")
        app.apply_settings(Settings(language="en"))
        await pilot.pause()
        assert app.lang == "nl"
        home = str(app.screen.query_one("#settings-summary", Static).render())
        assert "Taal: Nederlands (voor deze keer, via --lang)" in home
