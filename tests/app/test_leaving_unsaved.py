"""Leaving rounds the history could not take: "three more rounds" on the summary, "another
scenario", Esc from the rounds and the end of a masterclass each try once more to save them; what
still fails stays with the app (saved by a later round, counted when quitting) and is said on
screen, never dropped silently."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from simulator.app import SimulatorApp
from simulator.scenarios.library import Library
from simulator.screens.coach import PerceivedDialog
from simulator.screens.home import HomeScreen
from simulator.screens.masterclass import GroupScreen, MasterclassSetupScreen
from simulator.screens.practice import PracticeScreen
from simulator.screens.summary import SummaryScreen
from simulator.store.history import HistoryStore
from tests.app.conftest import AppMaker, speech_round
from tests.app.test_coach_mode import coach_app, end_round, type_into
from tests.app.test_history_trouble import SIZE, notes, play
from tests.app.test_masterclass import masterclass_app, take_round
from tests.app.test_masterclass_unsaved import start
from tests.app.test_quit_unsaved import fill_up
from tests.unit.test_recordings import tmpfs

PAUSES = (2.2, 2.9, 3.4)


async def three_rounds(app: SimulatorApp, pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in PAUSES:
        await play(app, pilot)
        await pilot.press("space")
        await pilot.pause()
    assert isinstance(app.screen, SummaryScreen)


@contextlib.contextmanager
def unwritable(tmp_path: Path) -> Iterator[HistoryStore]:
    """A history in a real read-only folder."""
    with tmpfs(tmp_path / "ro", size_kb=64, read_only=True) as root:
        yield HistoryStore(root / "history.sqlite3")


async def quit_app(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+q")
    await pilot.pause()


def left_note(app: SimulatorApp) -> str:
    said = [n for n in notes(app) if "kept until you quit" in n]
    assert said, notes(app)
    return said[-1]


async def test_three_more_rounds_keeps_the_unsaved_ones_and_says_so(
    app_for: AppMaker, tmp_path: Path
) -> None:
    with unwritable(tmp_path) as store:
        app = app_for([speech_round(p) for p in PAUSES], scenario="check-question")
        app.store = store
        async with app.run_test(size=SIZE) as pilot:
            await three_rounds(app, pilot)
            await pilot.press("a")
            await pilot.pause()
            assert isinstance(app.screen, PracticeScreen) and app.screen.round_number == 1
            said = left_note(app)
            assert "3 finished rounds could not be saved" in said and "read-only" in said
            await pilot.press("ctrl+c")
            await pilot.pause()
            said = notes(app)[-1]
            assert "3 finished rounds could not be saved to your practice history yet" in said
            await quit_app(pilot)
        assert app.unsaved_rounds == 3
        assert app.unsaved_problem is not None and "read-only" in app.unsaved_problem
    # The screen that held them is long gone; on quitting they are written to a debrief.
    assert app.rescue is not None and app.rescue.rounds == 3 and app.rescue.path is not None
    kept = app.rescue.path.read_text(encoding="utf-8")
    assert all(f"### Round {n}" in kept for n in (1, 2, 3)), kept


async def test_rounds_kept_after_three_more_are_saved_by_the_next_round(
    app_for: AppMaker, tmp_path: Path
) -> None:
    with tmpfs(tmp_path / "small", size_kb=512) as root:
        store = HistoryStore(root / "history.sqlite3")
        filler = fill_up(root)
        app = app_for([speech_round(p) for p in (*PAUSES, 3.0)], scenario="check-question")
        app.store = store
        async with app.run_test(size=SIZE) as pilot:
            await three_rounds(app, pilot)
            await pilot.press("a")
            await pilot.pause()
            assert "disk is full" in left_note(app)
            filler.unlink()  # room again
            await play(app, pilot)  # the first of the three more rounds
            assert any("3 earlier rounds are saved now" in n for n in notes(app))
            await quit_app(pilot)
        assert app.unsaved_rounds == 0
        first, second = store.sessions()
        assert [round(r.pause_s or 0, 1) for r in first.rounds] == list(PAUSES)
        assert [round(r.pause_s or 0, 1) for r in second.rounds] == [3.0]


async def test_esc_from_the_rounds_keeps_the_unsaved_ones_and_says_so(
    app_for: AppMaker, tmp_path: Path
) -> None:
    with unwritable(tmp_path) as store:
        app = app_for([speech_round(2.9)], scenario="check-question", lang="nl")
        app.store = store
        async with app.run_test(size=SIZE) as pilot:
            await play(app, pilot)
            await pilot.press("space")  # back to the rounds, round 2
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
            said = [n for n in notes(app) if "bewaard tot je stopt" in n]
            assert said and "Eén afgemaakte ronde kon niet" in said[-1], notes(app)
            await quit_app(pilot)
        assert app.unsaved_rounds == 1


async def test_another_scenario_keeps_the_unsaved_ones_and_says_so(
    app_for: AppMaker, tmp_path: Path
) -> None:
    with unwritable(tmp_path) as store:
        app = app_for([speech_round(p) for p in PAUSES], scenario="check-question")
        app.store = store
        async with app.run_test(size=SIZE) as pilot:
            await three_rounds(app, pilot)
            await pilot.press("o")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
            assert "3 finished rounds could not be saved" in left_note(app)
            await quit_app(pilot)
        assert app.unsaved_rounds == 3


async def test_leaving_a_masterclass_keeps_every_participants_unsaved_rounds(
    library: Library, tmp_path: Path
) -> None:
    with unwritable(tmp_path) as store:
        app = masterclass_app(library, store, tmp_path, [speech_round(2.8), speech_round(3.2)])
        async with app.run_test(size=SIZE) as pilot:
            await start(app, pilot, ("Anna", "Bram"))
            await take_round(app, pilot, who="Anna")
            await pilot.press("k")  # Bram's turn; Anna's round stays unsaved
            await pilot.pause()
            await take_round(app, pilot, who="Bram")
            await pilot.press("escape")  # the trainer leaves the rounds
            await pilot.pause()
            assert isinstance(app.screen, MasterclassSetupScreen)
            assert "2 finished rounds could not be saved" in left_note(app)
            await quit_app(pilot)
        assert app.unsaved_rounds == 2


async def test_closing_the_final_group_view_keeps_the_unsaved_rounds(
    library: Library, tmp_path: Path
) -> None:
    with unwritable(tmp_path) as store:
        app = masterclass_app(library, store, tmp_path, [speech_round(2.8)])
        async with app.run_test(size=SIZE) as pilot:
            await start(app, pilot, ("Anna",))
            await take_round(app, pilot, who="Anna")
            await pilot.press("k")  # Anna leaves the rest: the final group view
            await pilot.pause()
            assert isinstance(app.screen, GroupScreen) and app.screen.final
            await pilot.press("escape")  # the end of the masterclass: home
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
            assert "One finished round could not be saved" in left_note(app)
            await quit_app(pilot)
        assert app.unsaved_rounds == 1


async def test_esc_keeps_coach_input_the_history_could_not_take_and_says_so(
    library: Library, tmp_path: Path
) -> None:
    with tmpfs(tmp_path / "small", size_kb=512) as root:
        store = HistoryStore(root / "history.sqlite3")
        app = coach_app(library, store, tmp_path, [speech_round(2.9)])
        async with app.run_test(size=SIZE) as pilot:
            await end_round(app, pilot)  # the round is saved; then the disk fills up
            assert isinstance(app.screen, PerceivedDialog)
            filler = fill_up(root)
            await type_into(pilot, "2")
            await pilot.press("enter")
            await pilot.pause()
            assert any("The note could not be saved yet" in n for n in notes(app))
            await pilot.press("space")  # on to round 2, then back home
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
            said = left_note(app)
            assert "The coach's input on one round" in said and "disk is full" in said
            await quit_app(pilot)
        assert app.unsaved_rounds == 1
        filler.unlink()  # to read the history: the round is in it, the felt pause is not
        (session,) = store.sessions()
        assert len(session.rounds) == 1 and session.rounds[0].perceived_s is None
