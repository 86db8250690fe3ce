"""The masterclass group view's title stays on one line on a laptop's 80 columns, in both
languages, with a large group and participants who took no round — and says all it said."""

from __future__ import annotations

import dataclasses

import pytest
from textual.widgets import Static

from simulator.app import SimulatorApp
from simulator.rehearsal.masterclass import Turns
from simulator.scenarios.library import Library
from simulator.screens.masterclass import GroupScreen
from simulator.store.history import HistoryStore
from simulator.widgets.group_chart import GroupChart
from tests.app.test_masterclass_snapshots import group_app


def with_absent(app: SimulatorApp, absent: int) -> SimulatorApp:
    """The group app, with ``absent`` more participants skipped before taking any round."""
    base = type(app)

    class AbsentApp(base):  # type: ignore[valid-type, misc]
        def push_screen(self, screen: object, *args: object, **kwargs: object) -> object:
            if isinstance(screen, GroupScreen):
                m = screen.masterclass
                people = len(m.turns.participants)
                turns = Turns(
                    m.turns.participants + tuple(f"Absent {i}" for i in range(absent)),
                    people + absent,
                    m.turns.results,
                    frozenset(range(people, people + absent)),
                )
                screen = GroupScreen(dataclasses.replace(m, turns=turns), final=screen.final)
            return super().push_screen(screen, *args, **kwargs)

    app.__class__ = AbsentApp
    return app


@pytest.mark.parametrize(
    ("lang", "title", "band"),
    [
        ("en", "The group, round by round · 112 participants (12 without rounds)", "2.5–4.0 s"),
        ("nl", "De groep, ronde voor ronde · 112 deelnemers (12 zonder rondes)", "2,5–4,0 s"),
    ],
)
async def test_the_group_title_fits_80_columns_with_a_large_group(
    library: Library, store: HistoryStore, lang: str, title: str, band: str
) -> None:
    pauses = [(1.2 + 0.01 * i, 2.0, 3.0) for i in range(100)]
    app = with_absent(group_app(library, store, lang, pauses), 12)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, GroupScreen)
        intro = app.screen.query_one("#group-intro", Static)
        shown = str(intro.render()).replace("\xa0", " ")
        assert shown == title
        assert intro.size.height == 1
        # The band the title no longer repeats is in the chart's legend, on screen.
        legend = str(app.screen.query_one(GroupChart).render()).splitlines()[-1]
        assert f"{band} ·" in legend.replace("\xa0", " ")
        assert len(legend) <= 78
