"""Quitting while the practice history could not take a finished round: Ctrl+C no longer says
"every round is already saved", the app tries once more as it ends, and what is still unsaved
is written to a file instead (the exports folder, else the home or the temporary folder), or,
where no file can be written at all, shown on the terminal once the app is gone (exit status 1):
never lost silently."""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest

from simulator.commands import open_app
from simulator.rescue import Rescue
from simulator.store.history import HistoryStore
from tests.app.conftest import AppMaker, speech_round
from tests.app.test_history_trouble import SIZE, notes, play
from tests.unit.test_recordings import tmpfs

if TYPE_CHECKING:
    from simulator.app import SimulatorApp


def with_read_only_history(app_for: AppMaker, root: Path, pause_s: float) -> SimulatorApp:
    """The app with one round to play and a history on the read-only ``root``."""
    app = app_for([speech_round(pause_s)], scenario="check-question")
    app.store = HistoryStore(root / "history.sqlite3")
    return app


async def test_ctrl_c_and_quitting_tell_that_a_round_was_not_saved(
    app_for: AppMaker, tmp_path: Path, user_data_in_tmp: Path
) -> None:
    with tmpfs(tmp_path / "ro", size_kb=64, read_only=True) as root:
        app = with_read_only_history(app_for, root, 2.9)
        async with app.run_test(size=SIZE) as pilot:
            await play(app, pilot)
            await pilot.press("ctrl+c")
            await pilot.pause()
            hint = notes(app)[-1]
            assert "One finished round could not be saved to your practice history yet" in hint
            assert "quitting writes it to a file instead and says where" in hint
            assert "read-only" in hint and "already saved" not in hint
            await pilot.press("ctrl+q")
            await pilot.pause()
        assert app.unsaved_rounds == 1
        assert app.unsaved_problem is not None and "read-only" in app.unsaved_problem
    # The round is in a debrief in the exports folder, as the summary would have exported it.
    assert app.rescue is not None and app.rescue.rounds == 1
    assert app.rescue.path is not None and app.rescue.path.parent == user_data_in_tmp / "exports"
    kept = app.rescue.path.read_text(encoding="utf-8")
    assert "Measured 2.9\u00a0s: **within the range**" in kept, kept


async def test_where_no_file_can_be_written_the_rounds_are_shown_instead(
    app_for: AppMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with tmpfs(tmp_path / "ro", size_kb=64, read_only=True) as root:
        # The history, the exports folder, the home and the temporary folder: all read-only
        # (the last two only once the round is played: making its speech needs a temporary file).
        monkeypatch.setenv("COACH_SIM_HOME", str(root))
        app = with_read_only_history(app_for, root, 1.2)
        async with app.run_test(size=SIZE) as pilot:
            await play(app, pilot)
            monkeypatch.setattr(Path, "home", lambda: root)
            monkeypatch.setattr(tempfile, "gettempdir", lambda: str(root))
            await pilot.press("ctrl+q")
            await pilot.pause()
        assert app.unsaved_rounds == 1
    assert app.rescue is not None and app.rescue.path is None and app.rescue.rounds == 1
    (line,) = app.rescue.lines
    assert line == (
        "  Check question: the question first, then the name, round 1:"
        " Measured 1.2\u00a0s: too short. Target 3.0\u00a0s, range 2.5–4.0\u00a0s."
    )


def fill_up(root: Path) -> Path:
    """Write one file until the disk is full; returns it, for the teacher to delete."""
    filler = root / "filler"
    with filler.open("wb") as out, contextlib.suppress(OSError):
        while True:
            out.write(bytes(64 * 1024))
            out.flush()
    return filler


async def test_a_round_saved_late_is_saved_as_the_app_ends(
    app_for: AppMaker, tmp_path: Path
) -> None:
    with tmpfs(tmp_path / "small", size_kb=512) as root:
        store = HistoryStore(root / "history.sqlite3")
        filler = fill_up(root)
        app = app_for([speech_round(3.1)], scenario="check-question")
        app.store = store
        async with app.run_test(size=SIZE) as pilot:
            await play(app, pilot)
            assert any("disk is full" in n for n in notes(app))
            filler.unlink()  # room again; the teacher quits straight away
            await pilot.press("ctrl+c")
            await pilot.pause()
            assert "already saved" in notes(app)[-1]  # Ctrl+C's retry saved it
            await pilot.press("ctrl+q")
            await pilot.pause()
        assert app.unsaved_rounds == 0
        (session,) = store.sessions()
        assert [round(r.pause_s or 0, 1) for r in session.rounds] == [3.1]


def test_the_command_says_on_the_terminal_what_was_lost(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(isatty=lambda: True))
    monkeypatch.setattr(sys, "stdout", SimpleNamespace(isatty=lambda: True))
    monkeypatch.setattr("simulator.termguard.stderr_to_log", contextlib.nullcontext)
    ended = SimpleNamespace(  # an app that ended with two rounds the history could not take
        run=lambda: None,
        lang="en",
        return_code=0,
        unsaved_rounds=2,
        unsaved_problem="The disk is full.",
        rescue=Rescue(Path("/home/teacher/unsaved-rounds.md"), 2),
    )
    assert open_app.run_app(ended) == 1  # type: ignore[arg-type]
    assert capsys.readouterr().err.strip() == (
        "coach-sim: 2 finished rounds could not be saved to your practice history."
        " The disk is full. They are written to /home/teacher/unsaved-rounds.md instead."
    )
    # No file could be written either: the rounds themselves, one per line.
    ended.rescue = Rescue(None, 1, ("  Check, round 1: Measured 3.1 s: within the range.",))
    ended.unsaved_rounds = 1
    assert open_app.run_app(ended) == 1  # type: ignore[arg-type]
    assert capsys.readouterr().err.splitlines() == [
        "coach-sim: one finished round could not be saved to your practice history, nor to a"
        " file. The disk is full. Here it is:",
        "  Check, round 1: Measured 3.1 s: within the range.",
    ]
    # Only a coach's input on a saved round was left: that alone is lost.
    ended.rescue = None
    assert open_app.run_app(ended) == 1  # type: ignore[arg-type]
    assert capsys.readouterr().err.strip() == (
        "coach-sim: one finished round could not be saved to your practice history and is lost."
        " The disk is full."
    )


class _GoneTerminal:
    def write(self, text: str) -> int:
        raise OSError(5, "Input/output error")

    def flush(self) -> None:
        raise OSError(5, "Input/output error")


def test_a_closed_terminal_does_not_turn_the_message_into_a_crash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(isatty=lambda: True))
    monkeypatch.setattr(sys, "stdout", SimpleNamespace(isatty=lambda: True))
    monkeypatch.setattr("simulator.termguard.stderr_to_log", contextlib.nullcontext)
    monkeypatch.setattr(sys, "stderr", _GoneTerminal())
    ended = SimpleNamespace(
        run=lambda: None,
        lang="en",
        return_code=0,
        unsaved_rounds=1,
        unsaved_problem="Full.",
        rescue=None,
    )
    assert open_app.run_app(ended) == 1  # type: ignore[arg-type]
