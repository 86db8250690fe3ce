"""Every screen and dialog of the app, reached the way a teacher reaches it (keys from home), for
the snapshot tests and the small-terminal layout tests.

``SCREENS`` names each one; ``build(name, ...)`` makes the app for it and ``open_screen`` drives
it there with a Pilot. ``KEY_WIDGETS`` lists per screen what must be in sight at 80×24.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.app import SimulatorApp, make_app
from simulator.scenarios.library import Library
from simulator.store.history import HistoryStore
from simulator.store.settings import Settings
from tests.app.conftest import Rounds, speech_round
from tests.app.test_progress import fill

Steps = Callable[[Any], Awaitable[None]]


async def _settle(pilot: Any) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _keys(pilot: Any, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await _settle(pilot)


async def _home(pilot: Any) -> None:
    await _settle(pilot)


async def _settings(pilot: Any) -> None:
    await _keys(pilot, "s")


async def _masterclass_setup(pilot: Any) -> None:
    await _keys(pilot, "m", "down", "enter", *"Anna", "enter", *"Bram", "enter")


async def _briefing(pilot: Any) -> None:
    await _keys(pilot, "enter")


async def _mic_check(pilot: Any) -> None:
    await _keys(pilot, "enter", "enter")


async def _perceived(pilot: Any) -> None:
    await _keys(pilot, "space")


async def _feedback(pilot: Any) -> None:
    await _keys(pilot, "space", *"2.5", "enter")


async def _feedback_compared(pilot: Any) -> None:
    await _keys(pilot, "space", "2", "enter", "space", "space", "4", "enter")


async def _note(pilot: Any) -> None:
    await _keys(pilot, "space", *"2.5", "enter", "n")


async def _summary(pilot: Any) -> None:
    for _ in range(3):
        await _keys(pilot, "space", "space")


async def _progress(pilot: Any) -> None:
    await _keys(pilot, "p")


@dataclass(frozen=True)
class Walk:
    steps: Steps
    scenario: str | None = None
    rounds: tuple[float, ...] = ()
    coach: bool = False
    history: bool = False
    key_widgets: tuple[str, ...] = field(default=())
    """Selectors of what must lie wholly inside the visible screen at 80×24."""


SCREENS: dict[str, Walk] = {
    "home": Walk(_home, key_widgets=("#search", "#scenarios", "#settings-summary")),
    "settings": Walk(_settings, key_widgets=("#language", "#save", "#cancel")),
    "masterclass_setup": Walk(
        _masterclass_setup,
        key_widgets=("#masterclass-scenario", "#participant-name", "#participants"),
    ),
    "briefing": Walk(_briefing, key_widgets=("#action-step",)),
    "mic_check": Walk(_mic_check, key_widgets=("#device", "#mic-level", "#noise-floor")),
    "practice": Walk(
        _home, scenario="check-question", key_widgets=("#situation", "#line", "#round-status")
    ),
    "perceived": Walk(
        _perceived,
        scenario="check-question",
        rounds=(1.8,),
        coach=True,
        key_widgets=("#perceived",),
    ),
    "feedback": Walk(
        _feedback,
        scenario="check-question",
        rounds=(1.8,),
        coach=True,
        key_widgets=("#praise", "#timeline", "#verdict", "#perceived-line", "#next-step"),
    ),
    "feedback_compared": Walk(  # coach mode, round 2: the whole praise beside the felt line
        _feedback_compared,
        scenario="check-question",
        rounds=(1.0, 2.2),
        coach=True,
        key_widgets=("#praise", "#timeline", "#verdict", "#perceived-line", "#next-step"),
    ),
    "note": Walk(
        _note,
        scenario="check-question",
        rounds=(1.8,),
        coach=True,
        key_widgets=("#note", "#marks", "#save-note", "#cancel-note"),
    ),
    "summary": Walk(
        _summary,
        scenario="check-question",
        rounds=(1.8, 3.0, 3.2),
        key_widgets=("#summary-rounds", "#trend", "#went-well", "#summary-next"),
    ),
    "progress": Walk(
        _progress,
        history=True,
        key_widgets=("#progress-scenario", "#progress-chart", "#progress-trend", "#progress-count"),
    ),
}


def build(name: str, library: Library, tmp_path: Path, lang: str) -> SimulatorApp:
    walk = SCREENS[name]
    store = HistoryStore(tmp_path / "history.sqlite3")
    if walk.history:
        fill(store)  # three sessions on fixed dates: the chart is the same on every day
    scenario = library.find(walk.scenario, lang) if walk.scenario else None
    return make_app(
        source_factory=Rounds([speech_round(p) for p in walk.rounds]),
        library=library,
        store=store,
        settings=Settings(),
        settings_path=tmp_path / "settings.json",
        lang=lang,
        scenario=scenario,
        coach_mode=walk.coach,
        export_dir=tmp_path / "exports",
        recordings_root=Path("/home/teacher/coach-sim/recordings"),
    )
