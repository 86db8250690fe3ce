"""The command line with the files a user (or a careless script) hands it: what it says about a
file it cannot use, in the reader's language, and what it leaves on disk."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.audio.wav import WavError, other_audio_kind, parse_wav
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


def _run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COACH_SIM_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


HEADERS = {
    "FLAC": b"fLaC\x00\x00\x00\x22" + bytes(40),
    "Ogg": b"OggS\x00\x02" + bytes(40),
    "MP3": b"ID3\x04\x00\x00" + bytes(40),
    "MP4/M4A": b"\x00\x00\x00\x20ftypM4A " + bytes(40),
    "AIFF": b"FORM\x00\x00\x10\x00AIFF" + bytes(40),
}


@pytest.mark.parametrize("kind", sorted(HEADERS))
def test_other_audio_formats_are_named(kind: str) -> None:
    assert other_audio_kind(HEADERS[kind]) == kind
    with pytest.raises(WavError) as caught:
        parse_wav(HEADERS[kind])
    assert caught.value.code == "other_audio"


def test_an_mp3_frame_without_tag_is_named_but_utf16_text_is_not() -> None:
    assert other_audio_kind(b"\xff\xfb\x90\x64" + bytes(40)) == "MP3"  # MPEG-1 layer III
    assert other_audio_kind("id = 1\n".encode("utf-16")) is None  # BOM FF FE
    assert other_audio_kind(b"hello world") is None


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "this is MP4/M4A audio, not WAV; coach-sim reads WAV files only. Convert it first"),
        ("nl", "dit is MP4/M4A-audio, geen WAV; coach-sim leest alleen WAV-bestanden. Zet het"),
    ],
)
def test_analyze_says_a_voice_memo_needs_converting(
    tmp_path: Path, lang: str, expected: str
) -> None:
    memo = tmp_path / "voice memo.m4a"
    memo.write_bytes(HEADERS["MP4/M4A"])
    done = _run("analyze", str(memo), "--lang", lang, home=tmp_path / "home")
    assert done.returncode == 1
    assert f"coach-sim analyze: {memo}: {expected}" in done.stderr, done.stderr
    assert "ffmpeg -i" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""
