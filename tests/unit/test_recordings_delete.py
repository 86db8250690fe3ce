"""``coach-sim recordings delete`` removes only the round files coach-sim wrote, and says which.

A teacher may keep their own notes beside the audio, link a folder elsewhere, or have a file
named like a round that is a link to something else: none of that is touched.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulator.cli import main
from simulator.store.paths import recordings_dir
from simulator.store.recordings import delete_all_audio, delete_session_audio, save_round_audio


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COACH_SIM_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    return tmp_path / "home"


def keep(session: str, *rounds: int) -> Path:
    for r in rounds:
        save_round_audio(recordings_dir(), session, r, np.zeros(1600, np.float32))
    return recordings_dir() / session


def test_only_round_files_are_deleted_and_named(home: Path, capsys) -> None:
    folder = keep("5", 1, 2)
    notes = folder / "notes.txt"
    notes.write_text("my own notes")
    assert main(["recordings", "delete", "5"]) == 0
    out, err = capsys.readouterr()
    assert "Deleted the audio of session 5 (2 rounds: round-1.wav, round-2.wav)" in out
    assert f"Left in place, because coach-sim did not make them: {notes}" in err
    assert notes.read_text() == "my own notes"
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_a_folder_with_only_a_users_file_deletes_nothing_and_says_so(home: Path, capsys) -> None:
    folder = recordings_dir() / "7"
    folder.mkdir(parents=True)
    (folder / "essay.docx").write_bytes(b"mine")
    assert main(["recordings", "delete", "7"]) == 1
    out, err = capsys.readouterr()
    assert "no audio is kept for session 7" in err and "essay.docx" in err
    assert "Deleted" not in out
    assert (folder / "essay.docx").read_bytes() == b"mine"


def test_links_are_never_followed(home: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "music"
    elsewhere.mkdir()
    (elsewhere / "round-1.wav").write_bytes(b"a song")
    recordings_dir().mkdir(parents=True)
    (recordings_dir() / "8").symlink_to(elsewhere)
    result = delete_session_audio(recordings_dir(), "8")
    assert result.rounds == 0 and result.left == (recordings_dir() / "8",)
    assert (elsewhere / "round-1.wav").read_bytes() == b"a song"

    folder = keep("9", 1)
    target = tmp_path / "precious.wav"
    target.write_bytes(b"precious")
    (folder / "round-2.wav").symlink_to(target)
    (folder / "round-3.wav").mkdir()
    result = delete_session_audio(recordings_dir(), "9")
    assert [p.name for p in result.removed] == ["round-1.wav"]
    assert sorted(p.name for p in result.left) == ["round-2.wav", "round-3.wav"]
    assert target.read_bytes() == b"precious"


def test_delete_all_keeps_what_is_not_ours(home: Path, capsys) -> None:
    keep("1", 1, 2)
    keep("unsaved-20261121100000", 1)
    own = recordings_dir() / "README.txt"
    own.write_text("do not delete")
    leftover = recordings_dir() / "1" / ".round-abc.tmp"
    leftover.write_bytes(b"half")
    assert main(["recordings", "delete", "--all", "--yes"]) == 0
    out, err = capsys.readouterr()
    assert "Deleted all kept audio (3 rounds)" in out
    assert f"{own}" in err
    assert own.read_text() == "do not delete"
    assert sorted(p.name for p in recordings_dir().iterdir()) == ["README.txt"]


def test_delete_all_of_only_round_files_removes_the_folder(home: Path) -> None:
    keep("2", 1)
    result = delete_all_audio(recordings_dir())
    assert result.rounds == 1 and result.left == ()
    assert not recordings_dir().exists()
