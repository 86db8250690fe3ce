"""What the command line says about the names it is given: a file name with a line break in it,
untrusted text in ``--json`` output, an unknown recording, an output that is a link."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli import main
from tests.unit import test_cli_files

NEWLINE_NAME = "round\n2.wav"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COACH_SIM_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


session_id = test_cli_files.session_id  # one saved session, in its own COACH_SIM_HOME


def test_analyze_shows_a_line_break_in_a_file_name_as_its_code(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / NEWLINE_NAME
    path.write_text("not audio")
    assert main(["analyze", str(path), str(tmp_path / "gone\n.wav"), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "round\\u000a2.wav: not a WAV file" in err, err
    assert "gone\\u000a.wav: file not found" in err, err
    assert "round 2.wav" not in err and "round\n2" not in err


def test_scenarios_check_shows_a_line_break_in_a_file_name_as_its_code(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "pack\nmine.toml"
    path.write_text("title = \n")
    assert main(["scenarios", "check", str(path), "--lang", "nl"]) == 1
    out = capsys.readouterr().out
    assert "pack\\u000amine.toml:1" in out, out
    assert "pack mine.toml" not in out and "pack\nmine" not in out


def test_export_names_the_file_it_wrote_and_the_folder_it_missed_with_line_breaks_as_codes(
    session_id: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "debrief\n.md"
    assert main(["export", session_id, "-o", str(out), "--lang", "en"]) == 0
    assert out.read_text("utf-8").startswith("#")
    said = capsys.readouterr().out
    assert said.endswith("debrief\\u000a.md.\n"), said
    missing = tmp_path / "no\tfolder" / "debrief.md"
    assert main(["export", session_id, "-o", str(missing), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "no\\u0009folder" in err and "no folder" not in err and "\t" not in err, err
