"""The command line with the files a user (or a careless script) hands it: what it says about a
file it cannot use, in the reader's language, and what it leaves on disk."""

from __future__ import annotations

import errno
import os
import stat
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from simulator.audio.wav import (
    MAX_WAV_BYTES,
    MAX_WAV_S,
    WavError,
    other_audio_kind,
    parse_wav,
    read_wav,
    wav_bytes_pcm16,
)
from simulator.cli import main, system_error_message
from simulator.scenarios.library import load_file
from simulator.scenarios.loader import ScenarioError
from simulator.scenarios.model import Origin
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


TOO_LONG = "a" * 300  # longer than a file name may be (255 bytes on common file systems)


@pytest.mark.parametrize(
    ("lang", "reason"),
    [
        ("en", "the file name is too long for this computer"),
        ("nl", "de bestandsnaam is te lang voor deze computer"),
    ],
)
def test_a_name_too_long_is_said_not_a_traceback(
    session_id: str, tmp_path: Path, lang: str, reason: str
) -> None:
    home = tmp_path / "home"  # where session_id's history is
    for args in (
        ["export", session_id, "-o", str(tmp_path / TOO_LONG)],
        ["scenarios", "--scenarios", str(tmp_path / TOO_LONG)],
        ["analyze", "--scenario", "check-question", "--scenarios", TOO_LONG, "x.wav"],
    ):
        done = _run(*args, "--lang", lang, home=home)
        assert done.returncode == 1, (args, done.stderr)
        assert "Traceback" not in done.stderr, done.stderr
        assert f"coach-sim {args[0]}: " in done.stderr and reason in done.stderr, done.stderr


def test_scenarios_check_goes_on_after_a_name_too_long(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_bytes((Path(__file__).parents[2] / "scenarios/check-question.en.toml").read_bytes())
    long_name = tmp_path / f"{TOO_LONG}.toml"
    done = _run("scenarios", "check", str(long_name), str(good), "--lang", "en", home=tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr, done.stderr
    assert f"ok  {good}  (check-question, en)" in done.stdout
    assert f"error  {long_name}: cannot be read (the file name is too long" in done.stdout
    assert "2 files checked: 1 valid, 1 with problems" in done.stdout


def test_a_loop_of_links_is_said_in_the_readers_language(tmp_path: Path) -> None:
    (tmp_path / "a.wav").symlink_to(tmp_path / "b.wav")
    (tmp_path / "b.wav").symlink_to(tmp_path / "a.wav")
    done = _run("analyze", str(tmp_path / "a.wav"), "--lang", "nl", home=tmp_path / "home")
    assert done.returncode == 1
    assert "symbolische koppeling die naar zichzelf terugleidt" in done.stderr, done.stderr
    assert "Too many levels" not in done.stderr


def test_the_net_shows_a_path_safely_and_an_unforeseen_failure_as_the_system_says_it() -> None:
    exc = OSError(errno.ENAMETOOLONG, "File name too long", "name\x1b[2J")
    assert system_error_message(exc, "export", "en") == (
        "coach-sim export: name\\u001b[2J: the file name is too long for this computer; "
        "choose a shorter name"
    )
    odd = OSError(errno.EXDEV, "Invalid cross-device link")
    assert system_error_message(odd, None, "nl") == "coach-sim: Invalid cross-device link"


SCENARIO = Path(__file__).parents[2] / "scenarios" / "check-question.en.toml"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_scenario_saved_as_utf16_is_named_as_such(encoding: str, tmp_path: Path) -> None:
    # Windows Notepad's "Unicode": a text file, not a binary one; the fix is to save it as UTF-8.
    path = tmp_path / "mine.toml"
    path.write_bytes(SCENARIO.read_text("utf-8").encode(encoding))
    with pytest.raises(ScenarioError) as caught:
        load_file(path, Origin.PACK)
    (problem,) = caught.value.problems
    assert problem.code == "utf16"
    assert "save it as UTF-8" in problem.describe("en")
    assert "sla het in je editor op als UTF-8" in problem.describe("nl")


def test_binary_data_with_zero_bytes_is_still_binary(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(56))
    with pytest.raises(ScenarioError) as caught:
        load_file(path, Origin.PACK)
    assert [p.code for p in caught.value.problems] == ["binary"]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "The practice history at {path} is damaged and cannot be read. Move it aside"),
        ("nl", "De oefengeschiedenis in {path} is beschadigd en kan niet gelezen worden."),
    ],
)
def test_a_damaged_history_is_called_damaged_and_left_as_it_is(
    session_id: str, lang: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A history cut short (a crash while copying it to a USB stick) is coach-sim's own file,
    # damaged: saying it "is not a coach-sim practice history" would be wrong.
    path = history_db_path()
    for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        extra.unlink(missing_ok=True)
    cut = path.read_bytes()[:3000]
    path.write_bytes(cut)
    for command in (["history"], ["export", session_id]):
        assert main([*command, "--lang", lang]) == 1
        err = capsys.readouterr().err
        assert expected.format(path=path) in err, err
        assert path.read_bytes() == cut


def _chunk(chunk_id: bytes, body: bytes) -> bytes:
    return chunk_id + struct.pack("<I", len(body)) + body + b"\x00" * (len(body) & 1)


def test_a_wav_with_its_format_after_the_audio_is_read() -> None:
    # RIFF allows the chunks in any order; a format chunk after the audio is still the format.
    tone = np.sin(np.arange(1600) / 5.0).astype(np.float64) * 0.5
    plain = wav_bytes_pcm16(tone, 16_000)
    fmt, data = plain[12:36], plain[36:]
    body = b"WAVE" + _chunk(b"LIST", b"INFOINAM\x03\x00\x00\x00ab\x00") + data + fmt
    audio = parse_wav(b"RIFF" + struct.pack("<I", len(body)) + body)
    assert audio.sample_rate_hz == 16_000
    assert audio.samples.shape == (1600, 1)
    assert audio.samples[:, 0] == pytest.approx(tone, abs=1 / 32768)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_wav_too_large_says_how_to_make_it_fit(lang: str, tmp_path: Path) -> None:
    big = tmp_path / "lesson.wav"
    with big.open("wb") as handle:
        handle.truncate(MAX_WAV_BYTES + 1)  # sparse: no disk space used
    with pytest.raises(WavError) as caught:
        read_wav(big)
    assert caught.value.code == "too_large"
    message = caught.value.message(lang)
    assert "ffmpeg -i" in message and "-ac 1 -ar 16000" in message, message
    assert "mono 16\u00a0kHz" in message


def test_scenarios_check_counts_a_files_problems_past_twenty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A file written for another format: three problems in each of 25 extra prompts. The 75
    # lines would push the other files' results off the screen.
    monkeypatch.setenv("COACH_SIM_HOME", str(tmp_path / "home"))
    old = tmp_path / "old.toml"
    wrong = "\n[[prompts]]\nquestion = 'q'\nname = 'n'\n" * 25
    old.write_text(SCENARIO.read_text("utf-8") + wrong, "utf-8")
    good = tmp_path / "good.toml"
    good.write_bytes(SCENARIO.read_bytes())
    assert main(["scenarios", "check", str(old), str(good), "--lang", "en"]) == 1
    lines = capsys.readouterr().out.splitlines()
    errors = [line for line in lines if line.startswith(f"error  {old}: ")]
    assert len(errors) == 20
    assert f"error  … and 55 more problems in {old}: fix the ones above and check again" in lines
    assert f"ok  {good}  (check-question, en)" in lines
    assert lines[-1] == "2 files checked: 1 valid, 1 with problems"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "coach-sim: skipped {pack}: "), ("nl", "coach-sim: overgeslagen: {pack}: ")],
)
def test_analyze_says_when_the_scenario_pack_is_not_there(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lang: str,
    expected: str,
) -> None:
    # A typo in --scenarios must not pass in silence: the built-in scenario of the same id would
    # be measured instead of the pack's own.
    monkeypatch.setenv("COACH_SIM_HOME", str(tmp_path / "home"))
    recording = tmp_path / "round.wav"
    recording.write_bytes(wav_bytes_pcm16(np.zeros(16_000), 16_000))
    pack = tmp_path / "pakc"
    args = ["analyze", "--scenario", "check-question", "--scenarios", str(pack), str(recording)]
    assert main([*args, "--lang", lang]) == 0
    assert expected.format(pack=pack) in capsys.readouterr().err


def _wav_8bit_8khz(seconds: int) -> bytes:
    pcm = b"\x80" * (8_000 * seconds)  # 8-bit silence: one byte a sample
    fmt = struct.pack("<HHIIHH", 1, 1, 8_000, 8_000, 1, 8)
    body = b"WAVE" + _chunk(b"fmt ", fmt) + _chunk(b"data", pcm)
    return b"RIFF" + struct.pack("<I", len(body)) + body


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_hours_of_audio_in_a_small_file_are_refused_before_they_are_converted(lang: str) -> None:
    # 64 MiB of 8-bit 8 kHz audio lasts over two hours, and analysing it took over 3 GB of
    # memory; the length is read from the header and refused with how to cut the round out.
    with pytest.raises(WavError) as caught:
        parse_wav(_wav_8bit_8khz(21 * 60))
    assert caught.value.code == "too_long"
    message = caught.value.message(lang)
    assert {"en": "lasts 21 minutes", "nl": "duurt 21 minuten"}[lang] in message
    assert "ffmpeg -i" in message and "-ss 12:30 -t 60" in message


def test_twenty_minutes_are_still_read() -> None:
    audio = parse_wav(_wav_8bit_8khz(MAX_WAV_S))
    assert audio.duration_s == MAX_WAV_S


@pytest.fixture
def pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty scenario pack folder, with a data folder of its own."""
    monkeypatch.setenv("COACH_SIM_HOME", str(tmp_path / "home"))
    folder = tmp_path / "pack"
    folder.mkdir()
    return folder


def test_scenarios_show_takes_the_pack_after_the_id(
    pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `coach-sim scenarios --help` offers --scenarios; typed after `show ID`, as a trainer
    # would, it was "unrecognized arguments".
    text = SCENARIO.read_text("utf-8").replace('id = "check-question"', 'id = "my-check"', 1)
    (pack / "my-check.en.toml").write_text(text, "utf-8")
    assert main(["scenarios", "show", "my-check", "--scenarios", str(pack)]) == 0
    out = capsys.readouterr().out
    assert "[my-check, en]" in out and str(pack / "my-check.en.toml") in out


@pytest.mark.parametrize(
    ("lang", "advice"),
    [
        ("en", "copy or export the recording again"),
        ("nl", "kopieer of exporteer de opname opnieuw"),
    ],
)
def test_a_cut_off_wav_says_what_to_do(tmp_path: Path, lang: str, advice: str) -> None:
    whole = wav_bytes_pcm16(np.zeros(16_000), 16_000)
    cut, header_cut = tmp_path / "cut.wav", tmp_path / "header.wav"
    cut.write_bytes(whole[:10_000])  # a copy that stopped half-way
    header_cut.write_bytes(whole[:20])  # stopped inside the format chunk
    done = _run("analyze", str(cut), str(header_cut), "--lang", lang, home=tmp_path / "home")
    assert done.returncode == 1
    for path in (cut, header_cut):
        line = next(
            x for x in done.stderr.splitlines() if x.startswith(f"coach-sim analyze: {path}")
        )
        assert line.endswith(advice) or f"{advice} (" in line, line


@pytest.mark.parametrize(
    ("lang", "advice"),
    [("en", "`coach-sim analyze FOLDER/*.wav`"), ("nl", "`coach-sim analyze MAP/*.wav`")],
)
def test_analyze_of_a_folder_says_how_to_give_its_recordings(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lang: str,
    advice: str,
) -> None:
    monkeypatch.setenv("COACH_SIM_HOME", str(tmp_path / "home"))
    folder = tmp_path / "rounds"
    folder.mkdir()
    assert main(["analyze", str(folder), "--lang", lang]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"coach-sim analyze: {folder}: ") and advice in err, err


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Cannot write {path}: {folder} is a file, not a folder."),
        ("nl", "Kan {path} niet schrijven: {folder} is een bestand, geen map."),
    ],
)
def test_export_into_a_file_as_if_a_folder_says_so(
    session_id: str, tmp_path: Path, lang: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes"
    notes.write_text("mine", "utf-8")
    target = notes / "debrief.md"
    assert main(["export", session_id, "-o", str(target), "--lang", lang]) == 1
    err = capsys.readouterr().err
    assert expected.format(path=target, folder=notes) in err, err
    assert "does not exist" not in err and "bestaat niet" not in err
    assert notes.read_text("utf-8") == "mine"


@pytest.mark.parametrize("empty", ["", "  "])
def test_export_with_an_empty_output_name_is_refused(
    session_id: str, empty: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # An empty name (a script's unset variable) used to print the debrief on the terminal as if
    # no --output were given.
    assert main(["export", session_id, "-o", empty, "--lang", "en"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "--output needs a file name" in captured.err


def test_a_scenario_file_named_for_another_program_is_said_not_skipped_in_silence(
    pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Notepad saves "mine.toml" as "mine.toml.txt"; a pack copied from Windows may say ".TOML".
    # Both were passed over without a word ("no .toml scenario files in this folder").
    (pack / "mine.toml.txt").write_bytes(SCENARIO.read_bytes())
    (pack / "OTHER.TOML").write_bytes(SCENARIO.read_bytes())
    (pack / "notes.txt").write_text("not a scenario", "utf-8")
    assert main(["scenarios", "check", str(pack), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert f"error  {pack / 'mine.toml.txt'}: not read: only names ending in .toml are; " in out
    assert "rename the file to mine.toml\n" in out
    assert f"error  {pack / 'OTHER.TOML'}: " in out and "rename the file to OTHER.toml\n" in out
    assert "notes.txt" not in out
    assert "no .toml scenario files" not in out


@pytest.mark.parametrize("odd_chunk", [b"LIST", b"JUNK", b"zzzz"])
@pytest.mark.parametrize("before", ["fmt", "data"])
@pytest.mark.parametrize("pad", [b"", b"\x00"])
def test_an_odd_chunk_with_or_without_its_pad_byte_is_read(
    odd_chunk: bytes, before: str, pad: bytes
) -> None:
    # RIFF pads an odd-sized chunk to an even length; some writers leave the byte out. The
    # next chunk then starts one byte early and was reported as "truncated inside 'mt \\x10'".
    tone = np.sin(np.arange(800) / 3.0) * 0.25
    plain = wav_bytes_pcm16(tone, 16_000)
    fmt, data = plain[12:36], plain[36:]
    odd = odd_chunk + struct.pack("<I", 3) + b"abc" + pad
    chunks = odd + fmt + data if before == "fmt" else fmt + odd + data
    body = b"WAVE" + chunks
    audio = parse_wav(b"RIFF" + struct.pack("<I", len(body)) + body)
    assert audio.samples[:, 0] == pytest.approx(tone, abs=1 / 32768)


READ_ONLY = {
    "en": "the file is read-only, so it is left as it is",
    "nl": "het bestand is alleen-lezen",
}


@pytest.mark.parametrize("lang", sorted(READ_ONLY))
def test_export_keeps_a_read_only_file(
    session_id: str, tmp_path: Path, lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The atomic rename replaces a file whatever its permissions; one made read-only (a signed
    # debrief kept as it was) must stay, as `cp` or a shell's `>` would leave it.
    kept = tmp_path / "signed.md"
    kept.write_text("signed by the coach", "utf-8")
    kept.chmod(0o444)
    assert main(["export", session_id, "-o", str(kept), "--lang", lang]) == 1
    assert READ_ONLY[lang] in capsys.readouterr().err
    assert kept.read_text("utf-8") == "signed by the coach"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "signed.md"]


def test_export_replaces_a_writable_file_whole(
    session_id: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "debrief.md"
    old.write_text("last week's debrief\n" * 500, "utf-8")
    old.chmod(0o640)
    assert main(["export", session_id, "-o", str(old), "--lang", "en"]) == 0
    assert old.read_text("utf-8").startswith("# Debrief")
    assert "last week" not in old.read_text("utf-8")
    assert stat.S_IMODE(old.stat().st_mode) == 0o640


@pytest.mark.parametrize(
    ("tag", "name"), [(0x0006, "A-law"), (0x0007, "\u00b5-law"), (0x0011, "IMA ADPCM")]
)
def test_compressed_wav_is_named_by_its_encoding(tag: int, name: str) -> None:
    # A telephone system's or dictaphone's WAV: "format tag 0x0007" meant nothing to a user.
    fmt = struct.pack("<HHIIHH", tag, 1, 8_000, 8_000, 1, 8)
    body = b"WAVE" + _chunk(b"fmt ", fmt) + _chunk(b"data", b"\xff" * 800)
    with pytest.raises(WavError) as caught:
        parse_wav(b"RIFF" + struct.pack("<I", len(body)) + body)
    assert caught.value.code == "compressed"
    english, dutch = caught.value.message("en"), caught.value.message("nl")
    assert f"holds {name}-compressed audio" in english and "ffmpeg -i" in english
    assert f"bevat met {name} gecomprimeerde audio" in dutch and "ffmpeg -i" in dutch


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "No practice saved for scenario 'check-questoin'. Scenarios you have practised: "),
        ("nl", "Geen oefening opgeslagen voor scenario 'check-questoin'. Scenario's die je "),
    ],
)
def test_history_of_a_scenario_without_practice_is_not_called_empty(
    session_id: str, lang: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A typo in --scenario said "No practice saved yet" beside a history full of rounds.
    assert main(["history", "--scenario", "check-questoin", "--lang", lang]) == 0
    out = capsys.readouterr().out
    assert out.startswith(expected) and out.rstrip().endswith("check-question."), out


def test_analyze_says_when_cue_end_cannot_apply(tmp_path: Path) -> None:
    # --cue-end on a question-pause-name recording was ignored without a word; past the end of
    # the recording it gave "no speech heard".
    recording = tmp_path / "round.wav"
    recording.write_bytes(wav_bytes_pcm16(np.zeros(16_000 * 2), 16_000))
    home = tmp_path / "home"
    unused = _run("analyze", "--cue-end", "1", str(recording), "--lang", "en", home=home)
    assert unused.returncode == 1
    assert "--cue-end is only for a scenario that starts with a cue" in unused.stderr
    cue = ["--scenario", "wait-time-after-answer"]
    beyond = _run("analyze", *cue, "--cue-end", "9", str(recording), "--lang", "nl", home=home)
    assert beyond.returncode == 1
    assert (
        f"coach-sim analyze: {recording}: --cue-end 9,0\u00a0s ligt voorbij het einde van de "
        "opname (2,0\u00a0s)" in beyond.stderr
    ), beyond.stderr
    assert "gelezen" not in beyond.stderr and beyond.stdout == ""


def test_a_scenario_with_lines_ended_by_cr_alone_says_so(tmp_path: Path) -> None:
    # Read as one line, it was "TOML syntax error at 1:110 (a character that is not allowed
    # here: '\r')".
    path = tmp_path / "mac.toml"
    path.write_bytes(SCENARIO.read_text("utf-8").replace("\n", "\r").encode("utf-8"))
    with pytest.raises(ScenarioError) as caught:
        load_file(path, Origin.PACK)
    (problem,) = caught.value.problems
    assert problem.code == "cr_line_endings"
    assert "(LF) or Windows (CRLF) line endings" in problem.describe("en")
    crlf = tmp_path / "windows.toml"
    crlf.write_bytes(SCENARIO.read_text("utf-8").replace("\n", "\r\n").encode("utf-8"))
    assert load_file(crlf, Origin.PACK).id == "check-question"


def test_a_dash_for_standard_input_is_said_to_be_unsupported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # `sox in.flac -t wav - | coach-sim analyze -` said "-: file not found".
    monkeypatch.setenv("COACH_SIM_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    assert main(["analyze", "-", "--lang", "en"]) == 1
    assert "coach-sim analyze: -: reading a recording from standard input (-) is not supported" in (
        capsys.readouterr().err
    )
    assert main(["scenarios", "check", "-", "--lang", "nl"]) == 1
    assert "fout  -: een scenario lezen van standaardinvoer (-) kan niet" in capsys.readouterr().out


@pytest.mark.parametrize(("table", "most"), [("prompts", 30), ("materials", 12)])
def test_a_scenario_with_blocks_by_the_thousand_is_refused(
    tmp_path: Path, table: str, most: int
) -> None:
    # 1000 prompts or 4000 materials fit in the 256 KiB a file may have; they were accepted and
    # listed on the briefing, in `scenarios show` and on the one-page handout.
    text = SCENARIO.read_text("utf-8")
    start = text.index(f"[[{table}]]")
    end = text.find("\n[[", start + 3)
    block = text[start : end + 1 if end >= 0 else len(text)]
    path = tmp_path / "many.toml"
    path.write_text(text.rstrip("\n") + "\n\n" + block * 1000, "utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_file(path, Origin.PACK)
    problems = [p for p in caught.value.problems if p.code == "tables_too_many"]
    assert [p.key for p in problems] == [table]
    assert f"[[{table}]] blocks; a scenario has at most {most}" in problems[0].describe("en")
    exactly = tmp_path / "exactly.toml"
    count = text.count(f"[[{table}]]")
    exactly.write_text(text.rstrip("\n") + "\n\n" + block * (most - count), "utf-8")
    assert len(getattr(load_file(exactly, Origin.PACK), table)) == most


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_terminal_without_utf8_gets_question_marks_not_a_traceback(
    session_id: str, tmp_path: Path, encoding: str
) -> None:
    # A Latin-1 locale has no en dash or box-drawing line: printing the band "2.5–4.0 s" or
    # the history table's rule failed with UnicodeEncodeError.
    recording = tmp_path / "round\u20131.wav"  # an en dash in the name too
    recording.write_bytes(wav_bytes_pcm16(np.zeros(16_000), 16_000))
    env = {**os.environ, "COACH_SIM_HOME": str(tmp_path / "home"), "PYTHONIOENCODING": encoding}
    for args in (["history"], ["analyze", str(recording)], ["scenarios", "show", "check-question"]):
        done = subprocess.run(
            [sys.executable, "-m", "simulator", *args, "--lang", "en"],
            capture_output=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, (args, done.stderr.decode(encoding))
        assert b"Traceback" not in done.stderr
        assert b"?" in done.stdout
