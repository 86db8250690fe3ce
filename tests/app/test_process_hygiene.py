"""The app on a terminal too small for it, and its exit status after a crash."""

from __future__ import annotations

import random
from pathlib import Path
from types import SimpleNamespace

import pytest

from simulator.commands import open_app as app_command
from simulator.scenarios.library import Library
from simulator.screens.home import HomeScreen
from simulator.screens.too_small import TooSmallScreen
from simulator.store.history import HistoryStore
from tests.app.conftest import app_with

KEYS = ["enter", "space", "tab", "shift+tab", "escape", "p", "s", "m", "slash", "a", "up"]
KEYS += ["down", "left", "right", "r", "n", "c", "e", "l", "k", "g", "1", "ctrl+c"]


@pytest.mark.parametrize("size", [(5, 3), (2, 2), (39, 30), (100, 9)])
async def test_a_tiny_terminal_asks_for_a_larger_window(
    library: Library, store: HistoryStore, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = app_with(library, store, tmp_path)
    keys = random.Random(size[0] * 100 + size[1]).choices(KEYS, k=60)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        assert "Make the window larger" in str(app.screen.query_one("#too-small").render())
        for key in keys:
            await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.resize_terminal(*size)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
    assert app.return_code in (0, None)


async def test_the_notice_speaks_dutch(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    app = app_with(library, store, tmp_path)
    app.lang = "nl"
    async with app.run_test(size=(20, 5)) as pilot:
        await pilot.pause()
        assert "Maak het venster groter" in str(app.screen.query_one("#too-small").render())


async def test_a_crash_sets_a_non_zero_return_code(
    library: Library, store: HistoryStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: HomeScreen) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(HomeScreen, "on_mount", broken)
    app = app_with(library, store, tmp_path)
    with pytest.raises(RuntimeError, match="a bug"):
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
    assert app.return_code == 1


@pytest.mark.parametrize("return_code", [1, 0, None])
def test_run_app_passes_on_the_apps_return_code(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, return_code: int | None
) -> None:
    monkeypatch.setenv("COACH_SIM_HOME", str(tmp_path))
    monkeypatch.setattr("sys.stdin", SimpleNamespace(isatty=lambda: True))
    monkeypatch.setattr("sys.stdout", SimpleNamespace(isatty=lambda: True))
    ran: list[bool] = []
    fake = SimpleNamespace(run=lambda: ran.append(True), return_code=return_code, unsaved_rounds=0)
    assert app_command.run_app(fake) == (return_code or 0)  # type: ignore[arg-type]
    assert ran == [True]
