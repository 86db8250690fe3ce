"""The masterclass screens at a laptop's 80×24 and a larger 120×36 (pytest-textual-snapshot):
the group chart is drawn for the size it gets (up to a projector's 200×50), and the setup fits."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Any

import pytest

from simulator.app import SimulatorApp, make_app
from simulator.audio.result import ANALYSIS_RATE_HZ, Levels, RoundMeasurement, Segment
from simulator.rehearsal.masterclass import Turns
from simulator.scenarios.library import Library
from simulator.screens.masterclass import GroupScreen, Masterclass
from simulator.store.history import HistoryStore
from simulator.widgets.group_chart import GroupChart
from tests.app.conftest import Rounds

R = ANALYSIS_RATE_HZ
PAUSES = ((1.2, 2.0, 3.0), (1.5, 3.0, 3.2), (0.9, 2.6, 2.9), (1.1, 1.8, 4.6))


def group_app(
    library: Library,
    store: HistoryStore,
    lang: str,
    pauses: Sequence[Sequence[float]] = PAUSES,
) -> SimulatorApp:
    scenario = library.find("check-question", lang)
    assert scenario is not None
    scenario = dataclasses.replace(scenario, rounds=len(pauses[0]))
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

    names = [f"Name {i}" for i in range(len(pauses))]
    results = {i: tuple(measured(p) for p in ps) for i, ps in enumerate(pauses)}
    turns = Turns(tuple(names), len(pauses), results)
    masterclass = Masterclass(scenario, turns, lang=lang)

    class GroupApp(SimulatorApp):
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


def bar_size(chart: str, lane: int) -> tuple[int, int]:
    """The widest run of full blocks on a row of the lane, and how many rows have one."""
    lanes = re.split(r"\n(?=Round \d)", chart)
    rows = lanes[lane].splitlines()
    widths = [max((len(m) for m in re.findall("█+", row)), default=0) for row in rows]
    return max(widths), sum(1 for w in widths if w)


async def test_the_chart_grows_with_the_terminal(library: Library, store: HistoryStore) -> None:
    pauses = ((1.0, 2.0, 3.0),)  # one participant: one bar per round
    sizes = {}
    for size in ((80, 24), (200, 50)):
        app = group_app(library, store, "en", pauses)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            chart = app.screen.query_one(GroupChart)
            assert chart.size.width >= size[0] - 4  # it takes the screen's width
            sizes[size] = bar_size(str(chart.render()), 2)
    (narrow_w, narrow_h), (wide_w, wide_h) = sizes[(80, 24)], sizes[(200, 50)]
    assert narrow_w >= 2 and narrow_h >= 2  # big enough to see from the back of the room
    assert wide_w > narrow_w and wide_h > narrow_h


async def test_many_rounds_and_participants_still_fit_80x24(
    library: Library, store: HistoryStore
) -> None:
    pauses = [tuple(1.0 + 0.1 * i + r for r in range(5)) for i in range(20)]
    app = group_app(library, store, "nl", pauses)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        chart = str(app.screen.query_one(GroupChart).render())
    for number in range(1, 6):
        assert f"Ronde {number} ┃" in chart  # round and median on the lane's first row
    assert chart.count("/20 raak") == 5
    for row in chart.splitlines():
        if row.startswith("Ronde "):  # bars too low to count: each says how many it stands for
            counts = [int(n) for n in re.findall(r"\d+", row.split("│", 1)[1])]
            assert sum(counts) == 20 and max(counts) > 1, row
