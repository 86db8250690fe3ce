"""The masterclass screens at a laptop's 80×24 and a larger 120×36 (pytest-textual-snapshot):
the group chart is drawn for the size it gets, and the setup fits."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.app import CoachApp, make_app
from simulator.audio.result import ANALYSIS_RATE_HZ, Levels, RoundMeasurement, Segment
from simulator.history import HistoryStore
from simulator.scenarios.library import Library
from simulator.screens.masterclass import GroupScreen, Masterclass
from tests.app.conftest import Rounds

R = ANALYSIS_RATE_HZ
PAUSES = ((1.2, 2.0, 3.0), (1.5, 3.0, 3.2), (0.9, 2.6, 2.9), (1.1, 1.8, 4.6))


def group_app(library: Library, store: HistoryStore, lang: str) -> CoachApp:
    scenario = library.find("check-question", lang)
    assert scenario is not None
    band = scenario.pattern.band

    def measured(pause_s: float) -> RoundMeasurement:
        q, n = 2.0, 2.0 + pause_s
        return RoundMeasurement(
            scenario.pattern.shape,
            band,
            (Segment(int(0.3 * R), int(q * R)), Segment(int(n * R), int((n + 0.4) * R))),
            (int(q * R), int(n * R)),
            None,
            Levels(-8.0, -20.0, -60.0, 0.0),
            (),
            int((n + 1.2) * R),
        )

    masterclass = Masterclass(scenario, ["Ayla", "Bram", "Chris", "Dana"], lang=lang)
    masterclass.results = {i: [measured(p) for p in ps] for i, ps in enumerate(PAUSES)}
    masterclass.current = len(PAUSES)

    class GroupApp(CoachApp):
        def on_mount(self) -> None:  # after the app's own: the group view on top of home
            self.call_after_refresh(self.push_screen, GroupScreen(masterclass, final=True))

    app = make_app(source_factory=Rounds([]), library=library, store=store, lang=lang)
    app.__class__ = GroupApp
    return app


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
def test_group_view(
    snap_compare: Any, library: Library, store: HistoryStore, size: tuple[int, int]
) -> None:
    assert snap_compare(group_app(library, store, "en"), terminal_size=size)


def test_group_view_in_dutch_at_80x24(
    snap_compare: Any, library: Library, store: HistoryStore
) -> None:
    assert snap_compare(group_app(library, store, "nl"), terminal_size=(80, 24))


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
def test_setup(snap_compare: Any, library: Library, store: HistoryStore, size: Any) -> None:
    app = make_app(
        source_factory=Rounds([]), library=library, store=store, lang="en", masterclass=True
    )

    async def names(pilot: Any) -> None:
        await pilot.press("down", "down")  # the second scenario
        await pilot.press("enter")
        for name in ("Ayla", "Bram"):
            await pilot.press(*name, "enter")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=names)
