"""A damaged, hostile or read-only history: every read still works and says what it skipped;
reading never writes; what coach-sim creates is readable by its owner only."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest

from simulator.store.history import HistoryStore, Unreadable
from simulator.store.settings import Settings, save_settings
from tests.unit.test_bounded_reading import coach_sim
from tests.unit.test_history import _mount_tmpfs, _umount, sps

DAMAGE = [
    ("rounds", "segments_json", "not json"),
    ("rounds", "measured_s", "3,1 s"),
    ("rounds", "span_end_s", 1e300),
    ("rounds", "audio_s", float("-inf")),
    ("rounds", "warnings_json", '{"a": 1}'),
    ("rounds", "round", -1),
    ("rounds", "verdict", b"\x00\xff"),
    ("sessions", "started_at", b"2025-03-04"),  # a BLOB: TEXT affinity would convert a number
    ("sessions", "scenario", b"\xff"),
]


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return coach_sim(*args, home=home)


def history_with_two_sessions(home: Path) -> tuple[HistoryStore, int, int]:
    store = HistoryStore(home / "history.sqlite3")
    good = store.start_session("check-question", "en", participant="Kay")
    store.save_round(good, 1, sps(2.0))
    store.save_round(good, 2, sps(3.0))
    bad = store.start_session("wait-time-after-answer", "en")
    store.save_round(bad, 1, sps(1.0))
    store.save_round(bad, 2, sps(1.5))
    return store, good, bad


def damage(store: HistoryStore, session_id: int, table: str, column: str, value: object) -> None:
    """Write a value this version never writes, as a broken disk or another program might."""
    with sqlite3.connect(store.path) as conn:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        where = "id" if table == "sessions" else "round = 2 AND session_id"
        conn.execute(f"UPDATE {table} SET {column} = ? WHERE {where} = ?", (value, session_id))


@pytest.mark.parametrize(("table", "column", "value"), DAMAGE)
def test_a_damaged_row_is_skipped_and_named(
    tmp_path: Path, table: str, column: str, value: object
) -> None:
    store, good, bad = history_with_two_sessions(tmp_path)
    damage(store, bad, table, column, value)
    read = store.read()
    assert [s.id for s in read.sessions] == ([good, bad] if table == "rounds" else [good])
    if table == "rounds":
        damaged = next(s for s in read.sessions if s.id == bad)
        assert [r.round for r in damaged.rounds] == [1]
        expected = Unreadable(bad, 2 if column != "round" else -1)
    else:
        expected = Unreadable(bad)
    assert read.unreadable == (expected,)
    assert store.sessions() == read.sessions


def test_the_commands_work_around_a_damaged_row(tmp_path: Path) -> None:
    store, good, bad = history_with_two_sessions(tmp_path)
    damage(store, bad, "rounds", "segments_json", "[[1, ")
    history = cli(tmp_path, "history")
    assert history.returncode == 0, history.stderr
    assert "check-question" in history.stdout and "wait-time-after-answer" in history.stdout
    assert (
        f"One damaged entry in the practice history could not be read and was left out: "
        f"round 2 of session {bad}" in history.stderr
    )
    as_json = cli(tmp_path, "history", "--json")
    assert as_json.returncode == 0 and len(json.loads(as_json.stdout)) == 2
    export = cli(tmp_path, "export", str(bad), "--format", "html")
    assert (
        export.returncode == 0 and "Round 1" in export.stdout and "Traceback" not in export.stderr
    )
    dutch = cli(tmp_path, "history", "--lang", "nl")
    assert f"ronde 2 van sessie {bad}" in dutch.stderr
    recordings = cli(tmp_path, "recordings")
    assert recordings.returncode == 0 and "Traceback" not in recordings.stderr


async def test_home_screen_lists_the_rest_and_warns_once(tmp_path: Path) -> None:
    from simulator.scenarios.library import load_library
    from simulator.screens.home import HomeScreen
    from tests.app.conftest import app_with

    store, _, bad = history_with_two_sessions(tmp_path)
    damage(store, bad, "rounds", "measured_s", "oops")
    library = load_library(user=tmp_path / "none")
    app = app_with(library, store, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        notes = [n for n in app._notifications if "damaged" in n.message]  # noqa: SLF001
        assert len(notes) == 1 and f"round 2 of session {bad}" in notes[0].message
        recent = str(app.screen.query_one("#recent").render())
        assert recent.count("\n") == 1  # both sessions listed


def test_reading_opens_the_database_read_only(tmp_path: Path) -> None:
    store, good, _ = history_with_two_sessions(tmp_path)
    conn = store._open_for_reading()  # noqa: SLF001 - the connection every read uses
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("DELETE FROM sessions")
    finally:
        conn.close()
    assert [s.id for s in store.read().sessions][0] == good


def test_history_on_a_read_only_folder_reads_and_does_not_claim_saving_fails(
    tmp_path: Path,
) -> None:
    home = tmp_path / "data"
    if not _mount_tmpfs(home, "size=2m"):
        pytest.skip("needs root with permission to mount tmpfs")
    try:
        history_with_two_sessions(home)
        subprocess.run(["mount", "-o", "remount,ro", str(home)], check=True)
        done = cli(home, "history")
        assert done.returncode == 0, done.stderr
        assert "check-question" in done.stdout
        assert "cannot be saved" not in done.stderr and done.stderr == ""
        assert cli(home, "export", "1").returncode == 0
    finally:
        _umount(home)


def test_the_data_folder_and_its_files_are_private(tmp_path: Path) -> None:
    home = tmp_path / "new" / "coach-sim"
    store = HistoryStore(home / "history.sqlite3")
    store.save_round(store.start_session("check-question", "en"), 1, sps(3.0))
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    with sqlite3.connect(store.path) as conn:  # while open, SQLite's own files exist
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("SELECT count(*) FROM sessions").fetchone()
        for extra in home.glob("history.sqlite3-*"):
            assert stat.S_IMODE(extra.stat().st_mode) == 0o600, extra
    save_settings(Settings(), home / "settings.json")
    assert stat.S_IMODE((home / "settings.json").stat().st_mode) == 0o600


def test_an_older_world_readable_history_is_tightened_on_the_next_write(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "history.sqlite3")
    sid = store.start_session("check-question", "en")
    store.path.chmod(0o644)
    store.save_round(sid, 1, sps(3.0))
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600


@pytest.mark.parametrize("command", [["history"], ["export", "1"], ["recordings"]])
def test_a_fifo_in_place_of_the_history_is_refused_not_waited_on(
    tmp_path: Path, command: list[str]
) -> None:
    tmp_path.joinpath("home").mkdir()
    os.mkfifo(tmp_path / "home" / "history.sqlite3")
    done = cli(tmp_path / "home", *command)
    assert "Traceback" not in done.stderr
    if command != ["recordings"]:  # the list of recordings does without the history
        assert done.returncode == 1
        assert "is not a coach-sim practice history" in done.stderr


async def test_the_app_starts_with_a_fifo_in_place_of_the_history(tmp_path: Path) -> None:
    from simulator.scenarios.library import load_library
    from simulator.screens.home import HomeScreen
    from tests.app.conftest import app_with

    os.mkfifo(tmp_path / "history.sqlite3")
    store = HistoryStore(tmp_path / "history.sqlite3")
    app = app_with(load_library(user=tmp_path / "none"), store, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "not a coach-sim practice history" in str(app.screen.query_one("#recent").render())
