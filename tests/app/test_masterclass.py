"""Masterclass mode with real espeak-ng speech: the setup by arrows and Enter, turns with the
participant's name on the round and its feedback, sessions kept apart from one's own practice,
the group view and its files."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from textual.widgets import Button, Checkbox, Input, OptionList, Static

from simulator.app import SimulatorApp, make_app
from simulator.cli import build_parser
from simulator.scenarios.library import Library, builtin_dir, load_library
from simulator.screens.feedback import FeedbackScreen
from simulator.screens.masterclass import GroupScreen, MasterclassCourse, MasterclassSetupScreen
from simulator.screens.practice import PracticeScreen
from simulator.store.history import HistoryStore, Kind
from simulator.text import visible
from simulator.widgets.group_chart import GroupChart
from tests.app.conftest import Audio, Rounds, speech_round

pytestmark = pytest.mark.espeak


def masterclass_rounds(screen: object) -> bool:
    """The rounds screen running a masterclass's turns."""
    return isinstance(screen, PracticeScreen) and isinstance(screen.course, MasterclassCourse)


SIZE = (100, 30)
NAMES = ("Jantien", "Piet")


def text(app: SimulatorApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render()).replace("\xa0", " ")


def masterclass_app(
    library: Library,
    store: HistoryStore,
    tmp_path: Path,
    recordings: list[Audio],
    *,
    scenario: str | None = "check-question",
) -> SimulatorApp:
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


def chart(app: SimulatorApp) -> str:
    return str(app.screen.query_one(GroupChart).render())


async def take_round(
    app: SimulatorApp, pilot, then: str | None = None, who: str | None = None
) -> None:  # type: ignore[no-untyped-def]
    """One round; ``then`` is what the feedback screen must say Space leads to, ``who`` whose
    turn it must say it was."""
    await pilot.press("space")
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, FeedbackScreen)
    if who is not None:
        assert text(app, "#feedback-turn") == f"{who}'s turn"
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
        assert masterclass_rounds(rounds)

        for number in (1, 2, 3):
            assert text(app, "#turn") == f"Jantien's turn — round {number} of 3"
            then = "hand over to Piet" if number == 3 else "round"
            await take_round(app, pilot, then, who="Jantien")
        assert app.screen is rounds
        assert text(app, "#turn") == "Piet's turn — round 1 of 3"
        message = text(app, "#round-message")
        assert "Jantien has finished all rounds." in message
        assert "Next: Piet. Press Space" in message

        # The group view in between: Jantien's rounds only, no names.
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, GroupScreen)
        assert "┃ median 1.2 s" in chart(app) and "0/1 on target" in chart(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is rounds

        for number in (1, 2, 3):
            assert text(app, "#turn") == f"Piet's turn — round {number} of 3"
            await take_round(app, pilot, "see the group" if number == 3 else "round", who="Piet")

        group = app.screen
        assert isinstance(group, GroupScreen) and group.final
        drawn = chart(app)
        for median, on in (("1.4 s", "0/2"), ("2.5 s", "1/2"), ("3.1 s", "2/2")):
            assert f"┃ median {median}" in drawn and f"{on} on target" in drawn
        first, last = text(app, "#group-first"), text(app, "#group-last")
        assert "First round (round 1)" in first and "median 1.4 s · 0 of 2 on target" in first
        assert "Last round (round 3)" in last and "median 3.1 s · 2 of 2 on target" in last
        shown = "\n".join(str(w.render()) for w in group.query(Static)) + drawn
        assert not any(name in shown for name in NAMES)

        await pilot.press("c")
        await pilot.pause()
        assert group.exported is not None and group.handout is not None
        path = Path(group.exported)
        assert path.parent == tmp_path / "exports" and path.suffix == ".csv"
        assert Path(group.handout) == path.with_suffix(".html")
        content = path.read_text(encoding="utf-8")
        handout = Path(group.handout).read_text(encoding="utf-8")
        await pilot.press("escape")  # the end: back home
        await pilot.pause()
        assert not isinstance(app.screen, GroupScreen) and not masterclass_rounds(app.screen)

    assert not any(name.lower() in content.lower() for name in NAMES)
    assert not any(name in handout for name in NAMES)  # names were not kept: codes only
    assert "<td>P1</td>" in handout and "<td>P2</td>" in handout
    rows = list(csv.DictReader(content.splitlines()))
    assert {(r["scenario"], r["language"], r["band_min_s"], r["band_max_s"]) for r in rows} == {
        ("check-question", "en", "2.50", "4.00")
    }
    assert len({r["date"] for r in rows}) == 1
    assert [(r["participant"], r["round"]) for r in rows] == [
        (code, str(n)) for code in ("P1", "P2") for n in (1, 2, 3)
    ]
    measured = [float(r["measured_s"]) for r in rows]
    expected = [p for name in NAMES for p in pauses[name]]
    assert measured == pytest.approx(expected, abs=0.05)
    assert [r["verdict"] for r in rows][2:4] == ["on_target", "too_short"]
    assert all(r["reason"] == "" for r in rows)

    sessions = store.sessions(kind=Kind.MASTERCLASS)
    assert [(s.participant, len(s.rounds)) for s in sessions] == [
        ("Participant 1", 3),
        ("Participant 2", 3),
    ]  # names are not kept unless the trainer ticks it
    assert sessions[1].rounds[2].pause_s == pytest.approx(3.2, abs=0.05)
    assert store.sessions(kind=Kind.PRACTICE) == ()
    (masterclass,) = store.masterclasses()
    assert masterclass.participants == 2 and not masterclass.names_kept
    assert [s.id for s in masterclass.sessions] == [s.id for s in sessions]


async def test_setup_refuses_bad_input_removes_and_skip_moves_on(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    app = masterclass_app(library, store, tmp_path, [speech_round(3.0)], scenario=None)
    async with app.run_test(size=SIZE) as pilot:
        setup = app.screen
        assert isinstance(setup, MasterclassSetupScreen)
        # Several scenarios, none from a pack: the trainer chooses, starting in that list.
        assert setup.focused is setup.query_one("#masterclass-scenario", OptionList)
        assert text(app, "#scenario-chosen") == "Scenario: choose one with ↑↓ and Enter"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert text(app, "#setup-message") == "Add at least one participant before you start."
        assert setup.focused is setup.query_one("#participant-name", Input)
        await pilot.press("enter")  # Enter on the empty line means "start": not yet
        assert text(app, "#setup-message") == "Add at least one participant before you start."
        for name in ("AB", "CD", "EF"):
            await type_line(pilot, name)
        await pilot.press("ctrl+r")  # the highlighted one: the last added
        await pilot.pause()
        assert setup.participants == ["AB", "CD"]
        assert text(app, "#setup-message") == "Removed EF."
        await pilot.press("enter")  # empty line: start
        await pilot.pause()
        assert text(app, "#setup-message") == "Choose a scenario before you start."
        scenarios = setup.query_one("#masterclass-scenario", OptionList)
        assert setup.focused is scenarios
        wanted = [s.id for s in setup._shown].index("check-question")
        for _ in range(wanted + 1):  # the first ↓ highlights the first scenario
            await pilot.press("down")
        assert text(app, "#scenario-chosen") == f"Scenario: {setup._shown[wanted].title}"
        await pilot.press("enter")  # chosen: on to the names
        assert setup.focused is setup.query_one("#participant-name", Input)
        await pilot.press("enter")  # and start
        await pilot.pause()
        assert masterclass_rounds(app.screen)
        assert text(app, "#turn") == "AB's turn — round 1 of 3"

        await take_round(app, pilot, who="AB")  # AB takes one round, then is skipped
        assert text(app, "#turn") == "AB's turn — round 2 of 3"
        await pilot.press("k")
        await pilot.pause()
        assert text(app, "#turn") == "CD's turn — round 1 of 3"
        assert "AB was skipped." in text(app, "#round-message")
        await pilot.press("k")  # CD skipped too: the masterclass ends with the group view
        await pilot.pause()
        group = app.screen
        assert isinstance(group, GroupScreen) and group.final
        assert "┃ median 3.0 s" in chart(app) and "1/1 on target" in chart(app)
        assert "nobody yet" in text(app, "#group-last")  # round 3: nobody took it
        assert "nobody yet" in chart(app)
        await pilot.press("c")
        await pilot.pause()
        assert group.exported is not None
        rows = list(csv.DictReader(Path(group.exported).read_text().splitlines()))
    assert [(r["participant"], r["round"], r["verdict"], r["measured_s"]) for r in rows] == [
        ("P1", "1", "on_target", "3.00"),
        ("P1", "2", "skipped", ""),
        ("P1", "3", "skipped", ""),
        ("P2", "1", "skipped", ""),
        ("P2", "2", "skipped", ""),
        ("P2", "3", "skipped", ""),
    ]
    assert [(s.participant, len(s.rounds)) for s in store.sessions()] == [("Participant 1", 1)]


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


def pack_with_one_scenario(folder: Path) -> Path:
    """A trainer's pack: the check question under its own id and title."""
    folder.mkdir()
    source = (builtin_dir() / "check-question.en.toml").read_text(encoding="utf-8")
    text = source.replace('id = "check-question"', 'id = "pack-question"', 1)
    assert text != source
    (folder / "pack-question.toml").write_text(text, encoding="utf-8")
    return folder


async def test_a_pack_scenario_is_preselected_and_everything_works_with_arrows_and_enter(
    store: HistoryStore, tmp_path: Path
) -> None:
    library = load_library([pack_with_one_scenario(tmp_path / "pack")], user=tmp_path / "none")
    app = make_app(
        source_factory=Rounds([speech_round(p) for p in (2.0, 3.0, 3.0, 1.5, 3.0, 3.0)]),
        library=library,
        store=store,
        lang="en",
        masterclass=True,
        export_dir=tmp_path / "exports",
    )
    async with app.run_test(size=(80, 24)) as pilot:
        setup = app.screen
        assert isinstance(setup, MasterclassSetupScreen)
        chosen = setup._scenario()
        assert chosen is not None and chosen.id == "pack-question"  # among the built-in ones
        name = setup.query_one("#participant-name", Input)
        assert setup.focused is name  # scenario chosen: straight to the names
        await type_line(pilot, "Ayla")
        await type_line(pilot, "Bo")
        await pilot.press("up")  # ↑ from the names goes back to the scenario list …
        assert setup.focused is setup.query_one("#masterclass-scenario", OptionList)
        await pilot.press("down")  # … and ↓ on its last option (the pack's) comes back
        if setup.focused is not name:  # the pack's scenario is not the last one listed
            assert setup._scenario() is not chosen
            while setup.focused is not name:
                await pilot.press("down")
            for _ in range(len(setup._shown)):
                await pilot.press("up")
                if setup._scenario() is chosen:
                    break
            await pilot.press("enter")
        assert setup._scenario() is chosen and setup.focused is name
        for key, widget in (("down", "#participants"), ("down", "#keep-names")):
            await pilot.press(key)
            assert setup.focused is setup.query_one(widget), widget
        await pilot.press("space")  # keep the names this time
        assert setup.query_one("#keep-names", Checkbox).value is True
        await pilot.press("down")
        assert setup.focused is setup.query_one("#start-masterclass", Button)
        await pilot.press("enter")
        await pilot.pause()
        assert masterclass_rounds(app.screen)
        assert app.screen.scenario.id == "pack-question"
        for who in ("Ayla", "Bo"):
            for _ in range(3):
                await take_round(app, pilot, who=who)
        assert isinstance(app.screen, GroupScreen)
        await pilot.press("c")
        await pilot.pause()
        handout = Path(app.screen.handout or "").read_text(encoding="utf-8")
    assert "<td>Ayla</td>" in handout and "<td>Bo</td>" in handout  # names kept: named
    assert [s.participant for s in store.sessions(kind=Kind.MASTERCLASS)] == ["Ayla", "Bo"]
    assert store.masterclasses()[0].names_kept


async def test_masterclass_turns_stay_out_of_recent_and_progress(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    from simulator.screens.home import HomeScreen
    from simulator.screens.progress import ProgressScreen

    own = store.start_session("check-question", "en", participant=None)
    app = masterclass_app(library, store, tmp_path, [speech_round(3.0)])
    async with app.run_test(size=SIZE) as pilot:
        await type_line(pilot, "Ayla")
        await pilot.press("enter")
        await pilot.pause()
        await take_round(app, pilot, who="Ayla")
        await pilot.press("escape")  # leave the masterclass after one round
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        app.screen.refresh_recent()
        recent = text(app, "#recent")
        assert "3.0 s" not in recent  # Ayla's round is not the trainer's practice
        app.push_screen(ProgressScreen("check-question"))
        await pilot.pause()
        assert isinstance(app.screen, ProgressScreen)
        assert app.screen.by_scenario == {}  # the trainer's own session has no rounds
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        setup = app.screen
        assert isinstance(setup, MasterclassSetupScreen)
        earlier = setup.query_one("#earlier-masterclasses", OptionList)
        item = str(earlier.get_option_at_index(0).prompt).replace("\xa0", " ")
        assert "Check question" in item and "1 participant ·" in item
        assert "median 3.0 s → 3.0 s" in item
        earlier.focus()
        earlier.highlighted = 0
        await pilot.press("enter")  # its group view again, and its files
        await pilot.pause()
        group = app.screen
        assert isinstance(group, GroupScreen) and not group.final
        assert "┃ median 3.0 s" in chart(app) and "1/1 on target" in chart(app)
        await pilot.press("c")
        await pilot.pause()
        assert group.exported is not None
        rows = list(csv.DictReader(Path(group.exported).read_text().splitlines()))
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is setup
    assert [(r["participant"], r["round"], r["verdict"]) for r in rows] == [
        ("P1", "1", "on_target"),
        ("P1", "2", "skipped"),
        ("P1", "3", "skipped"),
    ]
    (session,) = store.sessions(kind=Kind.MASTERCLASS)
    assert session.participant == "Participant 1" and session.id != own
    assert [s.id for s in store.sessions(kind=Kind.PRACTICE)] == [own]


async def test_a_name_is_shown_as_typed_never_as_markup(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    name = "[b red]Ayla[/] \x1b[31m"
    app = masterclass_app(library, store, tmp_path, [speech_round(3.0)])
    async with app.run_test(size=SIZE) as pilot:
        setup = app.screen
        assert isinstance(setup, MasterclassSetupScreen)
        assert setup.add_participant(name)
        await pilot.press("enter")
        await pilot.pause()
        shown = visible(name)  # the escape character as a visible code, the brackets as typed
        assert shown.startswith("[b red]Ayla[/] ") and "\x1b" not in shown
        assert text(app, "#turn").startswith(f"{shown}'s turn")
        await take_round(app, pilot, who=shown)


async def test_the_chart_tells_an_unmeasured_round_from_one_nobody_took() -> None:
    from textual.app import App, ComposeResult

    from simulator.audio.pattern import Band
    from simulator.coaching.group import round_stats

    band = Band(target_s=3.0, min_s=2.5, max_s=4.0)
    stats = [round_stats(1, [None, None, None], band), round_stats(2, [], band)]

    class Room(App[None]):
        def compose(self) -> ComposeResult:
            yield GroupChart(stats, band, 8.0, "nl")

    app = Room()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        drawn = str(app.query_one(GroupChart).render())
    lanes = [line.split("│")[0].strip() for line in drawn.splitlines()]
    assert lanes[:4] == ["Ronde 1", "geen meting:", "3 niet meetbaar", ""]
    assert "Ronde 2" in lanes and "nog niemand" in lanes
