"""Masterclass mode with real espeak-ng speech: turns, sessions per participant, the anonymous
group view and its CSV."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from textual.widgets import Input, Select, Static

from simulator.app import CoachApp, make_app
from simulator.cli import build_parser
from simulator.history import HistoryStore
from simulator.scenarios.library import Library
from simulator.screens.feedback import FeedbackScreen
from simulator.screens.masterclass import (
    GroupScreen,
    MasterclassRoundsScreen,
    MasterclassSetupScreen,
)
from tests.app.conftest import Audio, Rounds, speech_round

pytestmark = pytest.mark.espeak
SIZE = (100, 30)
NAMES = ("Jantien", "Piet")


def text(app: CoachApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render()).replace("\xa0", " ")


def masterclass_app(
    library: Library,
    store: HistoryStore,
    tmp_path: Path,
    recordings: list[Audio],
    *,
    scenario: str | None = "check-question",
) -> CoachApp:
    return make_app(
        source_factory=Rounds(recordings),
        library=library,
        store=store,
        lang="en",
        scenario=library.find(scenario, "en") if scenario else None,
        masterclass=True,
        export_dir=tmp_path / "exports",
    )


async def type_line(pilot, value: str) -> None:  # type: ignore[no-untyped-def]
    for ch in value:
        await pilot.press("space" if ch == " " else ch)
    await pilot.press("enter")
    await pilot.pause()


async def take_round(app: CoachApp, pilot, then: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """One round; ``then`` is what the feedback screen must say Space leads to."""
    await pilot.press("space")
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, FeedbackScreen)
    if then is not None:
        hint = str(app.screen.query_one(".hint", Static).render())
        assert then in hint, hint
    await pilot.press("space")
    await pilot.pause()


async def test_two_participants_take_turns_and_the_group_view_is_anonymous(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    pauses = {"Jantien": (1.2, 2.0, 3.0), "Piet": (1.5, 3.0, 3.2)}
    recordings = [speech_round(p) for name in NAMES for p in pauses[name]]
    app = masterclass_app(library, store, tmp_path, recordings)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, MasterclassSetupScreen)
        assert (
            text(app, "#masterclass-scenario-fixed")
            == f"Scenario: {app.screen.fixed_scenario.title}"
        )
        for name in NAMES:
            await type_line(pilot, name)
        await type_line(pilot, "jantien")
        assert "“jantien” is already on the list" in text(app, "#setup-message")
        assert app.screen.participants == ["Jantien", "Piet"]
        assert app.screen.query_one("#participant-name", Input).value == "jantien"  # kept to fix
        app.screen.query_one("#participant-name", Input).value = ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        rounds = app.screen
        assert isinstance(rounds, MasterclassRoundsScreen)

        for number in (1, 2, 3):
            assert text(app, "#turn") == f"Turn: Jantien — round {number} of 3"
            await take_round(app, pilot, "hand over to Piet" if number == 3 else "round")
        assert app.screen is rounds
        assert text(app, "#turn") == "Turn: Piet — round 1 of 3"
        message = text(app, "#round-message")
        assert "Jantien has finished all rounds." in message
        assert "Next: Piet. Press Space" in message

        # The group view in between: Jantien's rounds only, no names.
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, GroupScreen)
        strips = text(app, "#group-strips")
        assert "median 1.2 s · 0/1 on target" in strips
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is rounds

        for number in (1, 2, 3):
            assert text(app, "#turn") == f"Turn: Piet — round {number} of 3"
            await take_round(app, pilot, "see the group" if number == 3 else "round")

        group = app.screen
        assert isinstance(group, GroupScreen) and group.final
        strips = text(app, "#group-strips")
        lines = strips.splitlines()
        assert lines[0].startswith("Round 1") and "median 1.4 s · 0/2 on target" in lines[0]
        assert lines[1].startswith("Round 2") and "median 2.5 s · 1/2 on target" in lines[1]
        assert lines[2].startswith("Round 3") and "median 3.1 s · 2/2 on target" in lines[2]
        assert all(line.count("●") == 2 for line in lines[:3])  # two values per round, apart
        first, last = text(app, "#group-first"), text(app, "#group-last")
        assert "First round (round 1)" in first and "On target: 0 of 2 (0%)" in first
        assert "Spread: 1.2 s to 1.5 s" in first
        assert "Last round (round 3)" in last and "On target: 2 of 2 (100%)" in last
        assert "Median: 3.1 s" in last
        shown = "\n".join(str(w.render()) for w in group.query(Static))
        assert not any(name in shown for name in NAMES)

        await pilot.press("c")
        await pilot.pause()
        assert group.exported is not None
        path = Path(group.exported)
        assert path.parent == tmp_path / "exports" and path.suffix == ".csv"
        content = path.read_text(encoding="utf-8")
        await pilot.press("escape")  # the end: back home
        await pilot.pause()
        assert not isinstance(app.screen, (GroupScreen, MasterclassRoundsScreen))

    assert not any(name.lower() in content.lower() for name in NAMES)
    rows = list(csv.DictReader(content.splitlines()))
    assert [(r["participant"], r["round"]) for r in rows] == [
        (code, str(n)) for code in ("P1", "P2") for n in (1, 2, 3)
    ]
    measured = [float(r["measured_s"]) for r in rows]
    expected = [p for name in NAMES for p in pauses[name]]
    assert measured == pytest.approx(expected, abs=0.05)
    assert [r["verdict"] for r in rows][2:4] == ["on_target", "too_short"]
    assert all(r["reason"] == "" for r in rows)

    sessions = store.sessions()
    assert [(s.participant, len(s.rounds)) for s in sessions] == [("Jantien", 3), ("Piet", 3)]
    assert sessions[1].rounds[2].pause_s == pytest.approx(3.2, abs=0.05)


async def test_setup_refuses_bad_input_removes_and_skip_moves_on(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    app = masterclass_app(library, store, tmp_path, [speech_round(3.0)], scenario=None)
    async with app.run_test(size=SIZE) as pilot:
        setup = app.screen
        assert isinstance(setup, MasterclassSetupScreen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert text(app, "#setup-message") == "Add at least one participant before you start."
        await pilot.press("enter")
        assert text(app, "#setup-message") == "Type a name or initials first."
        for name in ("AB", "CD", "EF"):
            await type_line(pilot, name)
        await pilot.press("ctrl+r")  # the highlighted one: the last added
        await pilot.pause()
        assert setup.participants == ["AB", "CD"]
        assert text(app, "#setup-message") == "Removed EF."
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert text(app, "#setup-message") == "Choose a scenario before you start."
        setup.query_one("#masterclass-scenario", Select).value = "check-question:en"
        setup.query_one("#participant-name", Input).focus()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MasterclassRoundsScreen)
        assert text(app, "#turn") == "Turn: AB — round 1 of 3"

        await take_round(app, pilot)  # AB takes one round, then is skipped
        assert text(app, "#turn") == "Turn: AB — round 2 of 3"
        await pilot.press("k")
        await pilot.pause()
        assert text(app, "#turn") == "Turn: CD — round 1 of 3"
        assert "AB was skipped." in text(app, "#round-message")
        await pilot.press("k")  # CD skipped too: the masterclass ends with the group view
        await pilot.pause()
        group = app.screen
        assert isinstance(group, GroupScreen) and group.final
        assert "median 3.0 s · 1/1 on target" in text(app, "#group-strips")
        assert "No measured values yet".lower() in text(app, "#group-last").lower()
        await pilot.press("c")
        await pilot.pause()
        assert group.exported is not None
        rows = list(csv.DictReader(Path(group.exported).read_text().splitlines()))
    assert [(r["participant"], r["round"], r["verdict"]) for r in rows] == [
        ("P1", "1", "on_target")
    ]
    assert [(s.participant, len(s.rounds)) for s in store.sessions()] == [("AB", 1)]


def test_masterclass_option_on_the_app_and_practice() -> None:
    parser = build_parser()
    assert parser.parse_args(["--masterclass", "--scenarios", "pack"]).masterclass is True
    args = parser.parse_args(["practice", "check-question", "--masterclass"])
    assert args.masterclass is True and args.scenario == "check-question"
    assert not hasattr(parser.parse_args(["practice", "check-question"]), "masterclass")


async def test_a_trainer_starts_a_masterclass_from_the_home_screen(app_for) -> None:  # type: ignore[no-untyped-def]
    from simulator.screens.home import HomeScreen

    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MasterclassSetupScreen)
        assert app.screen.fixed_scenario is None  # the trainer picks the scenario here
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
