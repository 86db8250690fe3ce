"""A masterclass while the practice history cannot be written: each participant's rounds stay
in memory when the next one takes over, are tried again then and as the app ends, and what is
still unsaved is counted when the trainer quits, every participant's rounds, not only the last
one's."""

from __future__ import annotations

from pathlib import Path

from simulator.scenarios.library import Library
from simulator.store.history import HistoryStore
from tests.app.conftest import speech_round
from tests.app.test_masterclass import SIZE, masterclass_app, take_round, text, type_line
from tests.app.test_quit_unsaved import fill_up
from tests.unit.test_recordings import tmpfs


async def start(app, pilot, names: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    for name in names:
        await type_line(pilot, name)
    await pilot.press("ctrl+s")
    await pilot.pause()


async def test_every_participants_unsaved_rounds_are_counted_on_quitting(
    library: Library, tmp_path: Path
) -> None:
    with tmpfs(tmp_path / "ro", size_kb=64, read_only=True) as root:
        store = HistoryStore(root / "history.sqlite3")
        app = masterclass_app(library, store, tmp_path, [speech_round(2.8), speech_round(3.2)])
        async with app.run_test(size=SIZE) as pilot:
            await start(app, pilot, ("Anna", "Bram"))
            await take_round(app, pilot, who="Anna")
            await pilot.press("k")  # Anna leaves her other rounds; Bram's turn
            await pilot.pause()
            assert text(app, "#turn") == "Bram's turn — round 1 of 3"
            await take_round(app, pilot, who="Bram")
            await pilot.press("ctrl+q")
            await pilot.pause()
        assert app.unsaved_rounds == 2


async def test_a_participants_round_is_saved_when_the_next_one_takes_over(
    library: Library, tmp_path: Path
) -> None:
    with tmpfs(tmp_path / "small", size_kb=512) as root:
        store = HistoryStore(root / "history.sqlite3")
        store.sessions()  # the history exists before the disk fills up
        filler = fill_up(root)
        app = masterclass_app(library, store, tmp_path, [speech_round(2.8)])
        async with app.run_test(size=SIZE) as pilot:
            await start(app, pilot, ("Anna", "Bram"))
            await take_round(app, pilot, who="Anna")
            filler.unlink()  # room again while Anna is still at the front
            await pilot.press("k")  # Bram's turn: Anna's round is saved now
            await pilot.pause()
            assert text(app, "#turn") == "Bram's turn — round 1 of 3"
            (masterclass,) = store.masterclasses()
            assert [len(s.rounds) for s in masterclass.sessions] == [1]
