"""Quitting while the practice history could not take a finished round: Ctrl+C no longer says
"every round is already saved", the app tries once more as it ends, and what is still unsaved
is said on the terminal once the app is gone (exit status 1) instead of vanishing silently."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from simulator.commands import open_app
from simulator.store.history import HistoryStore
from tests.app.conftest import AppMaker, speech_round
from tests.app.test_history_trouble import SIZE, notes, play
from tests.unit.test_recordings import tmpfs


async def test_ctrl_c_and_quitting_tell_that_a_round_was_not_saved(
    app_for: AppMaker, tmp_path: Path
) -> None:
    with tmpfs(tmp_path / "ro", size_kb=64, read_only=True) as root:
        app = app_for([speech_round(2.9)], scenario="check-question")
        app.store = HistoryStore(root / "history.sqlite3")
        async with app.run_test(size=SIZE) as pilot:
            await play(app, pilot)
            await pilot.press("ctrl+c")
            await pilot.pause()
            hint = notes(app)[-1]
            assert "one finished round could not be saved yet and would be lost" in hint
            assert "read-only" in hint and "already saved" not in hint
            await pilot.press("ctrl+q")
            await pilot.pause()
        assert app.unsaved_rounds == 1
        assert app.unsaved_problem is not None and "read-only" in app.unsaved_problem


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
    )
    assert open_app.run_app(ended) == 1  # type: ignore[arg-type]
    err = capsys.readouterr().err
    assert err.strip() == (
        "coach-sim: 2 finished rounds could not be saved to your practice history and are lost."
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
        run=lambda: None, lang="en", return_code=0, unsaved_rounds=1, unsaved_problem="Full."
    )
    assert open_app.run_app(ended) == 1  # type: ignore[arg-type]
