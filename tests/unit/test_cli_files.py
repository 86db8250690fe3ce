"""The command line with the files a user (or a careless script) hands it: what it says about a
file it cannot use, in the reader's language, and what it leaves on disk."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.store.history import HistoryStore
from simulator.store.paths import history_db_path
from tests.unit.test_export import sps


@pytest.fixture
def session_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COACH_SIM_HOME", str(tmp_path / "home"))
    store = HistoryStore(history_db_path())
    sid = store.start_session("check-question", "en", started_at="2026-12-04T09:15:02+00:00")
    store.save_round(sid, 1, sps(3.1))
    return str(sid)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_export_never_puts_a_file_in_place_of_a_pipe(
    session_id: str, tmp_path: Path, lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A device node (/dev/null for root) or a named pipe would be replaced by the rename of the
    # atomic write; it must stay what it is, and the message must say why and what to do.
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert main(["export", session_id, "-o", str(fifo), "--lang", lang]) == 1
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    err = capsys.readouterr().err
    expected = {"en": "not an ordinary file", "nl": "geen gewoon bestand"}[lang]
    assert expected in err and "--output" in err, err
    assert str(fifo) in err
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".pipe")] == []


@pytest.mark.parametrize("fmt", ["md", "csv", "html"])
def test_a_folder_as_output_suggests_a_file_of_the_chosen_format(
    session_id: str, tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    assert main(["export", session_id, "--format", fmt, "-o", str(folder), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert f"e.g. {folder / f'debrief.{fmt}'}." in err, err
    assert list(folder.iterdir()) == []
