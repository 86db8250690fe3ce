"""What the command line says about the names it is given: a file name with a line break in it,
untrusted text in ``--json`` output, an unknown recording, an output that is a link."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import numpy as np
import pytest

from simulator.audio.wav import write_wav_pcm16
from simulator.cli import main
from simulator.store.history import HistoryStore
from simulator.store.paths import history_db_path
from simulator.store.recordings import save_round_audio
from tests.fake_portaudio import FakePortAudio, alsa_input
from tests.unit import test_cli_files
from tests.unit.test_history import sps

SCENARIO = test_cli_files.SCENARIO

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


# -- --json: every text true to itself, every control character escaped as JSON escapes it ----

HOSTILE = "\x1b]0;pwned\x07\u202e\x9b2J\x7f"
RAW = ("\x1b", "\x07", "\u202e", "\x9b", "\x7f")


def json_out(out: str) -> str:
    for char in RAW:
        assert char not in out, (char, out)
    assert "\\u001b" in out and "\\u202e" in out and "\\u009b" in out, out
    return out


def test_analyze_json_gives_a_file_name_exactly_whether_it_was_read_or_not(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    write_wav_pcm16(tmp_path / f"round{HOSTILE}.wav", np.zeros(16000, np.float32), 16000)
    assert main(["analyze", "--json", f"round{HOSTILE}.wav", f"gone{HOSTILE}.wav"]) == 1
    lines = json_out(capsys.readouterr().out).splitlines()
    read, missing = (json.loads(line) for line in lines)
    assert read["file"] == f"round{HOSTILE}.wav" and read["reason"] == "no_speech"
    assert missing["file"] == f"gone{HOSTILE}.wav" and missing["error"]


def test_scenarios_json_gives_a_packs_file_name_exactly(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A scenario's own texts may hold no control character (the loader refuses them); the
    # names of its folder and file may.
    pack = tmp_path / f"pack{HOSTILE}"
    pack.mkdir()
    text = SCENARIO.read_text("utf-8").replace('id = "check-question"', 'id = "mine"')
    (pack / f"mine{HOSTILE}.toml").write_text(text, "utf-8")
    assert main(["scenarios", "--scenarios", str(pack), "--json"]) == 0
    rows = json.loads(json_out(capsys.readouterr().out))
    assert [r["path"] for r in rows if r["id"] == "mine"] == [str(pack / f"mine{HOSTILE}.toml")]


def test_history_and_recordings_json_give_stored_names_exactly(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = HistoryStore(history_db_path())
    sid = store.start_session(f"check-question{HOSTILE}", "en", participant=HOSTILE)
    store.save_round(sid, 1, sps(3.1))
    save_round_audio(home / "recordings", str(sid), 1, np.zeros(1600, np.float32))
    assert main(["history", "--json"]) == 0
    (session,) = json.loads(json_out(capsys.readouterr().out))
    assert session["scenario"] == f"check-question{HOSTILE}"
    assert session["participant"] == HOSTILE
    assert main(["recordings", "--json"]) == 0
    (kept,) = json.loads(json_out(capsys.readouterr().out))
    assert kept["scenario"] == f"check-question{HOSTILE}"


def test_devices_json_gives_a_device_name_exactly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    name = f"USB{HOSTILE}\U000e0041mic"
    fake = FakePortAudio([alsa_input(name, 0)], default_input=0)
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    assert main(["devices", "--json"]) == 0
    out = json_out(capsys.readouterr().out)
    assert "\\udb40\\udc41" in out  # a tag character, as JSON writes it: a surrogate pair
    assert [d["name"] for d in json.loads(out)] == [name]


# -- recordings delete with an id that is not one, or has no audio -----------------------------


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "'abc' is not a session id: give a session's number as `coach-sim recordings`"),
        ("nl", "'abc' is geen sessie-id: geef het nummer van een sessie zoals `coach-sim"),
    ],
)
def test_recordings_delete_of_a_word_says_what_an_id_is_and_where_to_find_them(
    home: Path, lang: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    save_round_audio(home / "recordings", "3", 1, np.zeros(1600, np.float32))
    assert main(["recordings", "delete", "abc", "--lang", lang]) == 1
    err = capsys.readouterr().err
    assert expected in err, err
    assert (home / "recordings" / "3" / "round-1.wav").exists()


def test_recordings_delete_of_an_unknown_id_names_the_sessions_with_audio(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["recordings", "delete", "7", "--lang", "en"]) == 1
    assert "no audio is kept for session 7. No audio is kept for any session" in (
        capsys.readouterr().err
    )
    for session in ("3", "12", "unsaved-20261204091502"):
        save_round_audio(home / "recordings", session, 1, np.zeros(1600, np.float32))
    assert main(["recordings", "delete", "7", "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert (
        "no audio is kept for session 7. Audio is kept for sessions 3, 12, unsaved-20261204091502;"
        " `coach-sim recordings` lists them" in err
    ), err


# -- export -o LINK: written through to the file the link points at, as a shell's `>` does ------


def test_export_to_a_link_writes_the_file_it_points_at_and_keeps_the_link(
    session_id: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A debrief kept in a shared folder, linked from the coach's own folder.
    shared = tmp_path / "shared"
    shared.mkdir()
    target = shared / "debrief.md"
    target.write_text("last week's debrief\n", "utf-8")
    target.chmod(0o640)
    link = tmp_path / "latest.md"
    link.symlink_to(target)
    assert main(["export", session_id, "-o", str(link), "--lang", "en"]) == 0
    assert link.is_symlink() and link.resolve() == target
    assert target.read_text("utf-8").startswith("# Debrief")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in shared.iterdir()) == ["debrief.md"]  # no temporary file left
    assert capsys.readouterr().out.strip() == f"Debrief written to {link}."


def test_export_to_a_link_whose_file_is_not_there_yet_makes_it(
    session_id: str, tmp_path: Path
) -> None:
    link = tmp_path / "latest.md"
    link.symlink_to("debriefs/week-49.md")
    (tmp_path / "debriefs").mkdir()
    assert main(["export", session_id, "-o", str(link), "--lang", "en"]) == 0
    assert link.is_symlink()
    assert (tmp_path / "debriefs" / "week-49.md").read_text("utf-8").startswith("# Debrief")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "is a link that leads back to itself, so there is no file to write to"),
        ("nl", "is een koppeling die naar zichzelf terugleidt, dus er is geen bestand"),
    ],
)
def test_export_to_a_loop_of_links_says_so_and_leaves_them(
    session_id: str, tmp_path: Path, lang: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.md").symlink_to(tmp_path / "b.md")
    (tmp_path / "b.md").symlink_to(tmp_path / "a.md")
    assert main(["export", session_id, "-o", str(tmp_path / "a.md"), "--lang", lang]) == 1
    err = capsys.readouterr().err
    assert expected in err, err
    assert (tmp_path / "a.md").is_symlink() and (tmp_path / "b.md").is_symlink()
