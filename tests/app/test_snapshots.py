"""One snapshot per main screen state (pytest-textual-snapshot), with fixed audio."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simulator.scenarios.library import Library
from tests.app.conftest import AppMaker, speech_round
from tests.app.walk import SCREENS, build

pytestmark = pytest.mark.espeak
SIZE = (100, 30)


def test_home(snap_compare: Any, app_for: AppMaker) -> None:
    assert snap_compare(app_for(lang="en"), terminal_size=SIZE)


def test_round_ready(snap_compare: Any, app_for: AppMaker) -> None:
    assert snap_compare(app_for(scenario="check-question", lang="en"), terminal_size=SIZE)


def test_feedback_too_short_in_dutch(snap_compare: Any, app_for: AppMaker) -> None:
    app = app_for([speech_round(1.8)], scenario="check-question", lang="nl")

    async def play(pilot: Any) -> None:
        await pilot.press("space")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=play)


def test_feedback_on_target(snap_compare: Any, app_for: AppMaker) -> None:
    app = app_for([speech_round(3.0)], scenario="check-question", lang="en")

    async def play(pilot: Any) -> None:
        await pilot.press("space")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=play)


# -- every screen and dialog at 80×24 (Dutch, the longer texts) and at 120×36 (English) ---------

WALKS = [("nl", (80, 24)), ("en", (120, 36))]


@pytest.mark.parametrize(("lang", "size"), WALKS, ids=["80x24-nl", "120x36-en"])
@pytest.mark.parametrize("name", sorted(SCREENS))
def test_every_screen(
    snap_compare: Any,
    library: Library,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    lang: str,
    size: tuple[int, int],
) -> None:
    monkeypatch.setenv("COACH_SIM_HOME", "/home/teacher/coach-sim")
    monkeypatch.setenv("LC_ALL", "en_GB.UTF-8")
    app = build(name, library, tmp_path, lang)
    assert snap_compare(app, terminal_size=size, run_before=SCREENS[name].steps)
