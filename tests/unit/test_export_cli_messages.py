"""`coach-sim export` of a session practised in Dutch, on an English computer: the debrief is in
Dutch (the session's language), but what the command says on the terminal — where the file went,
why it could not be written — is in the reader's language, like every other command's messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli import main
from simulator.store.history import HistoryStore
from simulator.store.paths import history_db_path
from tests.unit.test_export import sps


@pytest.fixture
def dutch_session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COACH_SIM_HOME", str(tmp_path / "home"))
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    store = HistoryStore(history_db_path())
    sid = store.start_session("check-question", "nl", started_at="2026-12-04T09:15:02+00:00")
    store.save_round(sid, 1, sps(3.1))
    return str(sid)


def test_the_file_is_dutch_and_the_message_english(
    dutch_session: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "debrief.md"
    assert main(["export", dutch_session, "-o", str(out)]) == 0
    assert out.read_text("utf-8").startswith("# Nabespreking")
    assert capsys.readouterr().out.strip() == f"Debrief written to {out}."


def test_a_write_error_is_in_the_readers_language(
    dutch_session: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "missing" / "debrief.md"
    assert main(["export", dutch_session, "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"coach-sim export: Cannot write {out}"), err
    assert "bestaat niet" not in err


def test_lang_sets_both(
    dutch_session: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "debrief.md"
    assert main(["export", dutch_session, "-o", str(out), "--lang", "nl"]) == 0
    assert capsys.readouterr().out.strip() == f"Nabespreking opgeslagen in {out}."
