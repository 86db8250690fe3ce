"""The SQLite practice history, on real temporary folders (and real tmpfs mounts as root)."""

from __future__ import annotations

import argparse
import errno
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.audio.pattern import question_pause_name
from simulator.audio.result import (
    ANALYSIS_RATE_HZ,
    Levels,
    Reason,
    RoundMeasurement,
    Segment,
)
from simulator.commands import show_history as history_command
from simulator.store.history import (
    SCHEMA_VERSION,
    HistoryError,
    HistoryProblem,
    HistoryStore,
    SessionRecorder,
)
from simulator.store.paths import (
    data_dir,
    history_db_path,
    logs_dir,
    settings_path,
    user_scenarios_dir,
)

R = ANALYSIS_RATE_HZ
BAND = question_pause_name().band
LEVELS = Levels(-8.0, -20.0, -60.0, 0.0)


def sps(pause_s: float, q_end_s: float = 2.0) -> RoundMeasurement:
    name = q_end_s + pause_s
    return RoundMeasurement(
        question_pause_name().shape,
        BAND,
        (Segment(int(0.3 * R), int(q_end_s * R)), Segment(int(name * R), int((name + 0.4) * R))),
        (int(q_end_s * R), int(name * R)),
        None,
        LEVELS,
        (),
        int((name + 1.2) * R),
    )


def failed(reason: Reason) -> RoundMeasurement:
    return RoundMeasurement(question_pause_name().shape, BAND, (), None, reason, LEVELS, (), 5 * R)


def integrity(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


# --- paths -----------------------------------------------------------------------------------


def test_paths_follow_coach_sim_home(tmp_path: Path) -> None:
    env = {"COACH_SIM_HOME": str(tmp_path / "data")}
    assert data_dir(env) == tmp_path / "data"
    assert history_db_path(env) == tmp_path / "data" / "history.sqlite3"
    assert user_scenarios_dir(env) == tmp_path / "data" / "scenarios"
    assert logs_dir(env) == tmp_path / "data" / "logs"
    assert settings_path(env) == tmp_path / "data" / "settings.json"


def test_paths_default_to_platformdirs() -> None:
    import platformdirs

    assert data_dir({}) == Path(platformdirs.user_data_dir("coach-sim", appauthor=False))
    assert logs_dir({"COACH_SIM_HOME": "  "}) == Path(
        platformdirs.user_log_dir("coach-sim", appauthor=False)
    )


# --- the store -------------------------------------------------------------------------------


def test_round_trip_schema_and_wal(tmp_path: Path) -> None:
    db = tmp_path / "new" / "folder" / "history.sqlite3"
    store = HistoryStore(db)
    assert store.sessions() == ()
    assert not db.exists()  # reading does not create anything
    later = store.start_session("wait-time", "nl", started_at="2025-03-05T09:00:00+00:00")
    first = store.start_session(
        "check-question", "en", started_at="2025-03-04T09:00:00+00:00", participant="Jantien"
    )
    store.save_round(first, 1, sps(1.0))
    store.save_round(first, 2, failed(Reason.NAME_FIRST))
    store.save_round(first, 3, sps(3.1))
    store.update_session(first, notes="Scanned the room during the pause.")

    sessions = store.sessions()
    assert [s.id for s in sessions] == [first, later]  # oldest first
    s = sessions[0]
    assert (s.scenario, s.language, s.participant) == ("check-question", "en", "Jantien")
    assert s.notes == "Scanned the room during the pause."
    assert [r.round for r in s.rounds] == [1, 2, 3]
    r1, r2, r3 = s.rounds
    assert r1.pause_s == pytest.approx(1.0) and r1.verdict == "too_short" and r1.reason is None
    assert r1.question_end_s == pytest.approx(2.0) and r1.name_start_s == pytest.approx(3.0)
    assert [x for pair in r1.segments_s for x in pair] == pytest.approx([0.3, 2.0, 3.0, 3.4])
    assert (r2.pause_s, r2.verdict, r2.reason) == (None, "no_measurement", "name_first")
    assert r3.verdict == "on_target" and (r3.min_s, r3.max_s) == (2.5, 4.0)
    assert sessions[1].rounds == ()
    assert store.sessions(scenario="wait-time")[0].id == later

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 7
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert integrity(db) == "ok"


def test_a_redone_round_replaces_the_earlier_attempt(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    sid = store.start_session("check-question", "en")
    store.save_round(sid, 2, sps(1.0))
    store.save_round(sid, 2, sps(2.9))
    (session,) = store.sessions()
    assert [(r.round, r.pause_s) for r in session.rounds] == [(2, pytest.approx(2.9))]


def test_killed_after_round_two_keeps_rounds_one_and_two(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    code = f"""
import os, signal
from tests.unit.test_history import sps
from simulator.store.history import HistoryStore
store = HistoryStore({str(db)!r})
sid = store.start_session("check-question", "en")
store.save_round(sid, 1, sps(1.5))
store.save_round(sid, 2, sps(2.6))
os.kill(os.getpid(), signal.SIGKILL)
"""
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True)
    assert proc.returncode == -9, proc.stderr
    (session,) = HistoryStore(db).sessions()
    assert [(r.round, r.pause_s) for r in session.rounds] == [
        (1, pytest.approx(1.5)),
        (2, pytest.approx(2.6)),
    ]
    assert integrity(db) == "ok"


def test_an_empty_database_file_is_migrated_and_a_newer_one_refused(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    sqlite3.connect(db).close()  # a zero-length file: schema version 0
    store = HistoryStore(db)
    assert store.sessions() == ()
    sid = store.start_session("check-question", "nl")
    assert sid == 1
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(HistoryError) as info:
        store.sessions()
    assert info.value.problem is HistoryProblem.NEWER
    assert "newer version of coach-sim" in str(info.value)


def test_not_a_database(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    db.write_bytes(b"these are my lesson notes, not a database\n" * 200)
    with pytest.raises(HistoryError) as info:
        HistoryStore(db).start_session("check-question", "en")
    assert info.value.problem is HistoryProblem.NOT_DATABASE
    assert "is not a coach-sim practice history" in str(info.value)
    assert db.read_bytes().startswith(b"these are my lesson notes")  # untouched


def test_a_file_where_the_data_folder_should_be(tmp_path: Path) -> None:
    """A real, root-proof way to make the folder unwritable: it is a file."""
    home = tmp_path / "home"
    home.write_text("not a folder")
    store = HistoryStore(home / "history.sqlite3")
    with pytest.raises(HistoryError) as info:
        store.start_session("check-question", "en")
    assert info.value.problem is HistoryProblem.CANNOT_OPEN
    assert str(home / "history.sqlite3") in info.value.message("en")
    with pytest.raises(HistoryError):
        store.sessions()


def test_locked_database(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    store = HistoryStore(db, busy_timeout_s=0.1)
    sid = store.start_session("check-question", "en")
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(HistoryError) as info:
            store.save_round(sid, 1, sps(3.0))
        assert info.value.problem is HistoryProblem.LOCKED
        assert "another coach-sim window" in str(info.value)
        assert "ander coach-sim-venster" in info.value.message("nl")
    finally:
        other.execute("ROLLBACK")
        other.close()
    store.save_round(sid, 1, sps(3.0))
    assert len(store.sessions()[0].rounds) == 1


# --- real read-only folder and full disk -----------------------------------------------------


def _mount_tmpfs(where: Path, options: str) -> bool:
    if os.geteuid() != 0:
        return False
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True
    )
    return done.returncode == 0


def _umount(where: Path) -> None:
    subprocess.run(["umount", "-l", str(where)], capture_output=True)


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A real read-only folder. Not as root: chmod 555. As root (chmod does not stop root):
    a tmpfs mounted read-only, where even root gets EROFS."""
    folder = tmp_path / "ro"
    if os.geteuid() != 0:
        folder.mkdir()
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    if not _mount_tmpfs(folder, "size=1m,ro"):
        pytest.skip("running as root without permission to mount a read-only tmpfs")
    try:
        yield folder
    finally:
        _umount(folder)


def test_read_only_folder(read_only_folder: Path) -> None:
    with pytest.raises(OSError):
        (read_only_folder / "probe").write_text("x")  # the folder really is read-only
    store = HistoryStore(read_only_folder / "history.sqlite3")
    assert store.sessions() == ()
    with pytest.raises(HistoryError) as info:
        store.start_session("check-question", "en")
    assert info.value.problem is HistoryProblem.READ_ONLY
    assert str(read_only_folder) in str(info.value)


def test_folder_turned_read_only_mid_session(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    if not _mount_tmpfs(folder, "size=1m"):
        pytest.skip("needs root with permission to mount tmpfs")
    try:
        db = folder / "history.sqlite3"
        store = HistoryStore(db)
        recorder = SessionRecorder(store, "check-question", "en")
        assert recorder.record(1, sps(1.0)) is None
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        error = recorder.record(2, sps(2.0))
        assert isinstance(error, HistoryError)
        assert error.problem is HistoryProblem.READ_ONLY
        assert "read-only" in str(error)
        assert sorted(recorder.pending) == [2]  # kept in memory
        subprocess.run(["mount", "-o", "remount,rw", str(folder)], check=True)
        assert recorder.flush() is None
        assert recorder.pending == {}
        assert [r.round for r in store.sessions()[0].rounds] == [1, 2]
        assert integrity(db) == "ok"
    finally:
        _umount(folder)


def test_full_disk_gives_a_clear_error_and_leaves_the_database_intact(tmp_path: Path) -> None:
    """A real full disk: a 512 KiB tmpfs, filled up with a file after round 1."""
    folder = tmp_path / "small"
    if not _mount_tmpfs(folder, "size=512k"):
        pytest.skip("needs root with permission to mount tmpfs")
    try:
        db = folder / "history.sqlite3"
        store = HistoryStore(db)
        recorder = SessionRecorder(store, "check-question", "nl")
        assert recorder.record(1, sps(1.2)) is None
        filler = folder / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
        finally:
            os.close(fd)
        big = RoundMeasurement(
            question_pause_name().shape,
            BAND,
            tuple(Segment(i * 100, i * 100 + 50) for i in range(3000)),
            (0, 48000),
            None,
            LEVELS,
            (),
            10 * R,
        )
        error = recorder.record(2, big)
        assert isinstance(error, HistoryError)
        assert error.problem is HistoryProblem.DISK_FULL
        assert "disk is full" in str(error)
        assert "schijf vol" in error.message("nl")
        assert sorted(recorder.pending) == [2]
        filler.unlink()
        assert integrity(db) == "ok"
        assert [r.round for r in store.sessions()[0].rounds] == [1]
        assert recorder.flush() is None
        assert [r.round for r in store.sessions()[0].rounds] == [1, 2]
    finally:
        _umount(folder)


# --- coach-sim history -----------------------------------------------------------------------


def _run(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, **kw: object
) -> tuple[int, str, str]:
    monkeypatch.setenv("COACH_SIM_HOME", str(home))
    args = argparse.Namespace(json=False, lang="en", scenario=None, scenarios=[], device=None)
    for k, v in kw.items():
        setattr(args, k, v)
    code = history_command.run(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_history_command_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _run(tmp_path, capsys, monkeypatch, json=True) == (0, "[]\n", "")
    code, out, _ = _run(tmp_path, capsys, monkeypatch)
    assert code == 0 and out.startswith("No practice saved yet.")
    code, out, _ = _run(tmp_path, capsys, monkeypatch, lang="nl")
    assert out.startswith("Nog niets geoefend")


def test_history_command_json_and_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = HistoryStore(tmp_path / "history.sqlite3")
    sid = store.start_session("check-question", "nl", started_at="2025-03-04T09:15:00+00:00")
    store.save_round(sid, 1, sps(1.04))
    store.save_round(sid, 2, failed(Reason.NAME_FIRST))
    store.save_round(sid, 3, sps(3.0))
    store.start_session("wait-time-after-answer", "en", started_at="2025-03-05T10:00:00+00:00")

    code, out, _ = _run(tmp_path, capsys, monkeypatch, json=True)
    assert code == 0
    data = json.loads(out)
    assert [s["scenario"] for s in data] == ["check-question", "wait-time-after-answer"]
    first = data[0]
    assert set(first) >= {"id", "scenario", "language", "started_at", "participant", "notes"}
    assert first["started_at"] == "2025-03-04T09:15:00+00:00"
    assert first["participant"] is None and first["notes"] is None
    assert [(r["round"], r["pause_s"], r["verdict"], r["reason"]) for r in first["rounds"]] == [
        (1, pytest.approx(1.04, abs=1e-3), "too_short", None),
        (2, None, "no_measurement", "name_first"),
        (3, pytest.approx(3.0, abs=1e-3), "on_target", None),
    ]
    assert data[1]["rounds"] == []

    code, out, _ = _run(tmp_path, capsys, monkeypatch)
    lines = out.splitlines()
    assert lines[0].split() == ["id", "Date", "Scenario", "Language", "Rounds"]
    assert "check-question" in lines[2] and "1: 1.0\u00a0s too short" in lines[2]
    assert "2: the name came before the question" in lines[2]
    assert "no rounds" in lines[3]
    code, out, _ = _run(tmp_path, capsys, monkeypatch, lang="nl")
    assert "1: 1,0\u00a0s te kort" in out and "3: 3,0\u00a0s binnen de marge" in out


def test_history_command_reports_a_broken_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "history.sqlite3").write_bytes(b"garbage" * 1000)
    code, out, err = _run(tmp_path, capsys, monkeypatch, json=True)
    assert code == 1 and out == ""
    assert err.startswith("coach-sim history: The file ") and "Traceback" not in err


def test_a_version_1_history_is_migrated_and_keeps_its_rounds(tmp_path: Path) -> None:
    """A database written by version 1 (no level columns) opens, migrates, and keeps its rounds."""
    import sqlite3

    from simulator.store.history import MIGRATIONS

    path = tmp_path / "history.sqlite3"
    with sqlite3.connect(path) as conn:
        MIGRATIONS[0](conn)
        conn.execute("PRAGMA user_version = 1")
        conn.execute(
            "INSERT INTO sessions (scenario, language, started_at) VALUES"
            " ('check-question', 'nl', '2025-01-02T10:00:00+00:00')"
        )
        conn.execute(
            "INSERT INTO rounds (session_id, round, pause_s, measured_s, verdict, reason,"
            " question_end_s, name_start_s, span_start_s, span_end_s, shape, target_s, min_s,"
            " max_s, segments_json, warnings_json, audio_s, created_at) VALUES (1, 1, 2.1, 2.1,"
            " 'too_short', NULL, 3.0, 5.1, 3.0, 5.1, 'speech-pause-speech', 3.0, 2.5, 4.0,"
            " '[[0.5, 3.0], [5.1, 5.5]]', '[]', 6.5, '2025-01-02T10:00:09+00:00')"
        )
    store = HistoryStore(path)
    (old,) = store.sessions()
    assert [(r.round, r.pause_s, r.peak_dbfs) for r in old.rounds] == [(1, 2.1, None)]
    store.save_round(old.id, 2, sps(3.0))
    (after,) = store.sessions()
    assert after.rounds[1].peak_dbfs is not None
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
