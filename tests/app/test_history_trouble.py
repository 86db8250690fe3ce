"""The app keeps working when the practice history cannot be written: a real read-only folder
and a real full disk (small tmpfs mounts) each give a clear message, the rounds stay in memory,
and they are saved as soon as the disk has room again."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from simulator.screens.feedback import FeedbackScreen
from simulator.screens.summary import SummaryScreen
from simulator.store.history import HistoryStore
from tests.app.conftest import AppMaker, speech_round
from tests.unit.test_recordings import tmpfs

SIZE = (100, 30)


def notes(app: object) -> list[str]:
    return [n.message for n in app._notifications]  # type: ignore[attr-defined]  # noqa: SLF001


async def play(app: object, pilot: object) -> FeedbackScreen:
    await pilot.press("space")  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, FeedbackScreen), type(screen).__name__
    return screen


async def test_a_read_only_history_folder_keeps_every_round_on_screen(
    app_for: AppMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with tmpfs(tmp_path / "ro", size_kb=64, read_only=True) as root:
        store = HistoryStore(root / "history.sqlite3")
        app = app_for([speech_round(p) for p in (1.4, 2.6, 3.3)], scenario="check-question")
        app.store = store
        async with app.run_test(size=SIZE) as pilot:
            for pause in (1.4, 2.6, 3.3):
                fb = await play(app, pilot)
                assert fb.feedback.measured_s == pytest.approx(pause, abs=0.05)
                assert any("could not be saved yet" in n and "read-only" in n for n in notes(app))
                await pilot.press("space")
                await pilot.pause()
            assert isinstance(app.screen, SummaryScreen)  # every round went on as usual
        assert not (root / "history.sqlite3").exists()


async def test_a_full_disk_keeps_rounds_in_memory_and_saves_them_when_there_is_room(
    app_for: AppMaker, tmp_path: Path
) -> None:
    with tmpfs(tmp_path / "small", size_kb=512) as root:
        store = HistoryStore(root / "history.sqlite3")
        filler = root / "filler"
        subprocess.run(
            ["dd", "if=/dev/zero", f"of={filler}", "bs=1k", "count=1024"],
            capture_output=True,
            timeout=30,
        )  # fills the disk (dd stops at "No space left on device")
        app = app_for([speech_round(2.2), speech_round(3.1)], scenario="check-question")
        app.store = store
        async with app.run_test(size=SIZE) as pilot:
            await play(app, pilot)
            assert any("could not be saved yet" in n and "disk is full" in n for n in notes(app))
            filler.unlink()  # the teacher frees some space
            await pilot.press("space")
            await pilot.pause()
            await play(app, pilot)  # round 2 saves, and round 1 with it
        (session,) = store.sessions()
        assert [r.round for r in session.rounds] == [1, 2]
        assert [round(r.pause_s or 0, 1) for r in session.rounds] == [2.2, 3.1]
        check = subprocess.run(
            [sys.executable, "-c", "import sqlite3,sys; print(sqlite3.connect(sys.argv[1])"
             ".execute('PRAGMA integrity_check').fetchone()[0])", str(root / "history.sqlite3")],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        assert check.stdout.strip() == "ok"
