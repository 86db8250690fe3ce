"""One snapshot per main screen state (pytest-textual-snapshot), with fixed audio."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app.conftest import AppMaker, speech_round

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
