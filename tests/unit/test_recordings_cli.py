"""``coach-sim recordings``: list and delete the kept round audio; the history is untouched."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from simulator.cli import main
from simulator.commands import manage_recordings as command
from simulator.store.history import HistoryStore
from simulator.store.paths import history_db_path, recordings_dir
from simulator.store.recordings import list_recordings, save_round_audio


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COACH_SIM_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def keep(session: str, rounds: int, seconds: float = 2.0) -> None:
    for r in range(1, rounds + 1):
        save_round_audio(recordings_dir(), session, r, np.zeros(int(16000 * seconds), np.float32))


def test_nothing_kept_says_where_and_how_to_keep(home: Path, capsys) -> None:
    assert main(["recordings"]) == 0
    out = capsys.readouterr().out
    assert str(home / "recordings") in out and "--keep-audio" in out


def test_lists_sessions_with_date_scenario_rounds_and_size(home: Path, capsys) -> None:
    store = HistoryStore(history_db_path())
    sid = store.start_session("check-question", "nl", started_at="2026-11-20T09:30:00+00:00")
    keep(str(sid), 3)
    keep("unsaved-20261121100000", 1)
    assert main(["recordings", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    row = next(line for line in lines if line.startswith(f"{sid} "))
    assert "check-question" in row and "1, 2, 3" in row and "188\u00a0kB" in row
    assert "2026-11-20" in row
    assert any(line.startswith("unsaved-20261121100000") for line in lines)
    assert "In all: 250\u00a0kB" in out

    assert main(["recordings", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["session"] for d in data] == [str(sid), "unsaved-20261121100000"]
    assert data[0]["scenario"] == "check-question" and data[0]["session_id"] == sid
    assert [r["round"] for r in data[0]["rounds"]] == [1, 2, 3]
    assert all(Path(r["path"]).is_file() for r in data[0]["rounds"])
    assert data[0]["size_bytes"] == sum(r["size_bytes"] for r in data[0]["rounds"])


def test_delete_one_session_keeps_the_others_and_the_history(home: Path, capsys) -> None:
    store = HistoryStore(history_db_path())
    sid = store.start_session("check-question", "en")
    keep(str(sid), 2)
    keep("7", 1)
    assert main(["recordings", "delete", str(sid), "--lang", "nl"]) == 0
    assert "De audio van sessie" in capsys.readouterr().out
    assert [k.session for k in list_recordings(recordings_dir())] == ["7"]
    assert [s.id for s in HistoryStore(history_db_path()).sessions()] == [sid]


def test_delete_unknown_or_unsafe_session_fails_clearly(home: Path, capsys) -> None:
    keep("3", 1)
    assert main(["recordings", "delete", "9", "../3", "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "no audio is kept for session 9" in err
    assert "'../3' is not a session id" in err
    assert len(list_recordings(recordings_dir())) == 1


def test_delete_needs_ids_or_all_but_not_both(home: Path, capsys) -> None:
    assert main(["recordings", "delete", "--lang", "en"]) == 2
    assert "which audio?" in capsys.readouterr().err
    assert main(["recordings", "delete", "1", "--all", "--lang", "en"]) == 2
    assert "not both" in capsys.readouterr().err


def test_delete_all_without_a_terminal_needs_yes(home: Path, capsys, monkeypatch) -> None:
    keep("1", 2)
    monkeypatch.setattr("sys.stdin", open(os.devnull))  # noqa: SIM115 - closed by pytest
    assert main(["recordings", "delete", "--all", "--lang", "en"]) == 2
    assert "--yes" in capsys.readouterr().err
    assert len(list_recordings(recordings_dir())) == 2
    assert main(["recordings", "delete", "--all", "--yes", "--lang", "en"]) == 0
    assert "Deleted all kept audio (2 rounds)" in capsys.readouterr().out
    assert list_recordings(recordings_dir()) == ()


@pytest.mark.parametrize(("answer", "code", "left"), [("n", 1, 3), ("", 1, 3), ("j", 0, 0)])
def test_delete_all_asks_first(
    home: Path, capsys, monkeypatch, answer: str, code: int, left: int
) -> None:
    keep("1", 2)
    keep("2", 1)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    asked: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return answer

    args = argparse.Namespace(sessions=[], all=True, yes=False)
    assert command.delete(args, recordings_dir(), "nl", ask=ask) == code
    assert asked and "3 rondes in 2 sessies" in asked[0]
    assert len(list_recordings(recordings_dir())) == left


def test_a_read_only_folder_is_reported_and_nothing_is_lost(home: Path, capsys) -> None:
    """A real read-only folder: chmod 555, or as root a tmpfs remounted read-only."""
    folder = recordings_dir()
    folder.mkdir(parents=True)
    mounted = False
    if os.geteuid() == 0:
        mount = ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)]
        if subprocess.run(mount, capture_output=True).returncode != 0:
            pytest.skip("running as root without permission to mount a tmpfs")
        mounted = True
    try:
        keep("1", 1)
        if mounted:
            remount = ["mount", "-o", "remount,ro", str(folder)]
            subprocess.run(remount, check=True, capture_output=True)
        else:
            (folder / "1").chmod(0o555)
            folder.chmod(0o555)
        assert main(["recordings", "delete", "1", "--lang", "en"]) == 1
        assert "read-only" in capsys.readouterr().err
        assert len(list_recordings(folder)) == 1
        assert main(["recordings", "delete", "--all", "--yes", "--lang", "en"]) == 1
        assert "read-only" in capsys.readouterr().err
        assert len(list_recordings(folder)) == 1
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True)
        else:
            folder.chmod(0o755)
            (folder / "1").chmod(0o755)
