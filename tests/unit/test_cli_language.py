"""The command line speaks the user's language: every command's help, argparse's own words, the
errors and the result lines, under ``--lang nl``, the stored language setting and the locale.

A Dutch text is checked for English by a list of marker words that never occur in Dutch; the same
check on the English output must find them (so it can fail).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simulator.audio.sources import DeviceNotFoundError, NoInputDeviceError, NoPortAudioError
from simulator.audio.wav import write_wav_pcm16
from simulator.cli import main
from simulator.commands.devices import _problem
from simulator.store.settings import Settings, save_settings

ENGLISH = frozenset(
    (
        "the",
        "and",
        "not",
        "no",
        "with",
        "this",
        "that",
        "your",
        "you",
        "from",
        "into",
        "only",
        "each",
        "what",
        "which",
        "see",
        "shows",
        "usage",
        "error",
        "required",
        "arguments",
        "options",
        "invalid",
        "choose",
        "expected",
        "found",
        "measure",
        "print",
        "list",
        "help",
        "message",
        "exit",
        "seconds",
        "default",
        "language",
        "microphone",
        "folder",
        "file",
        "files",
        "session",
        "rounds",
        "round",
        "go",
        "straight",
    )
)
"""Words of the English texts that Dutch never uses (command names such as ``show`` and
``delete`` are left out: they stay English in both languages)."""

HELP = [
    [],
    ["practice"],
    ["analyze"],
    ["scenarios"],
    ["scenarios", "check"],
    ["scenarios", "show"],
    ["history"],
    ["devices"],
    ["export"],
    ["recordings"],
    ["recordings", "delete"],
]

MESSAGES = [
    ["analyze"],
    ["analyze", "missing.wav"],
    ["analyze", "--target", "abc", "x.wav"],
    ["analyze", "--target", "99999", "x.wav"],
    ["analyze", "--band", "1"],
    ["analyze", "--band", "4", "2", "x.wav"],
    ["analyze", "--band", "1", "2", "x.wav"],
    ["analyze", "--scenario", "nope", "x.wav"],
    ["practice"],
    ["practice", "nope"],
    ["practice", "check-question"],
    ["bogus"],
    ["history", "--bogus"],
    ["export", "abc"],
    ["export", "5"],
    ["export", "--format", "pdf", "1"],
    ["scenarios", "show", "nope"],
    ["scenarios", "check", "missing.toml"],
    ["recordings", "delete"],
    ["scenarios"],
    ["scenarios", "show", "check-question"],
    ["history"],
]


def english_words(text: str) -> set[str]:
    """The marker words in ``text``, leaving out option names, ids, commands and paths."""
    words = set()
    for token in text.split():
        token = token.strip("`'\"“”‘’()[]{},;:.!?")
        if token.startswith("-") or "-" in token or "/" in token or "." in token:
            continue
        words.update(w.lower() for w in re.findall(r"[A-Za-z]+", token))
    return words & ENGLISH


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    try:
        main(argv)
    except SystemExit as exc:
        if isinstance(exc.code, str):  # a message given to SystemExit goes to stderr
            print(exc.code)
    out, err = capsys.readouterr()
    return out + err


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COACH_SIM_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LC_ALL", "en_GB.UTF-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "home"


@pytest.mark.parametrize("command", HELP, ids=lambda c: " ".join(c) or "coach-sim")
def test_every_help_is_dutch_under_lang_nl(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    dutch = run(["--lang", "nl", *command, "--help"], capsys)
    assert dutch.startswith("gebruik: coach-sim")
    assert "opties:" in dutch
    assert not english_words(dutch), dutch
    english = run(["--lang", "en", *command, "--help"], capsys)
    assert english.startswith("usage: coach-sim")
    assert english_words(english)


@pytest.mark.parametrize("command", MESSAGES, ids=" ".join)
def test_messages_and_errors_are_dutch_under_lang_nl(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    dutch = run(["--lang", "nl", *command], capsys)
    assert dutch.strip()
    assert not english_words(dutch), dutch
    english = run(["--lang", "en", *command], capsys)
    assert english_words(english), english


def test_lang_after_the_subcommand_also_counts(capsys: pytest.CaptureFixture[str]) -> None:
    text = run(["analyze", "--target", "abc", "x.wav", "--lang", "nl"], capsys)
    assert "fout: argument --target: 'abc' is geen aantal seconden" in text


def test_the_stored_language_setting_decides_without_lang(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save_settings(Settings(language="nl"), home / "settings.json")
    text = run(["analyze"], capsys)
    assert "fout: deze argumenten ontbreken: BESTAND" in text
    assert run(["--lang", "en", "analyze"], capsys).count("the following arguments") == 1


def test_the_computer_s_language_decides_without_setting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LC_ALL", "nl_BE.UTF-8")
    assert run(["--help"], capsys).startswith("gebruik: coach-sim")


@pytest.mark.parametrize(
    "error",
    [
        NoPortAudioError(),
        NoInputDeviceError(),
        DeviceNotFoundError("no_device_match", spec="USB", choices="", device="USB"),
    ],
    ids=lambda e: e.code,
)
@pytest.mark.parametrize("platform", ["linux", "darwin", "win32"])
def test_microphone_problems_of_devices_in_both_languages(error: Exception, platform: str) -> None:
    assert isinstance(error, NoPortAudioError | NoInputDeviceError | DeviceNotFoundError)
    dutch = _problem(error, "nl", platform)
    assert dutch.startswith("coach-sim devices: ")
    assert not english_words(dutch), dutch
    assert english_words(_problem(error, "en", platform))


@pytest.mark.espeak
def test_analyze_result_lines_in_dutch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.speech import RATE, clip, make_round, silence

    good, quiet = tmp_path / "ronde.wav", tmp_path / "stil.wav"
    question = clip("Welke twee voorbeelden heb ik net gegeven?", "nl")
    write_wav_pcm16(good, make_round(question, clip("Kay?", "nl"), 3.1).samples, RATE)
    write_wav_pcm16(quiet, silence(2.0), RATE)
    dutch = run(["--lang", "nl", "analyze", str(good), str(quiet)], capsys)
    first, second = dutch.splitlines()
    assert re.search(
        r": pauze 3,1\d\u00a0s \(binnen de marge; doel 3,0\u00a0s, marge 2,5–4,0\u00a0s\)", first
    )
    assert "einde vraag" in first and "begin naam" in first
    assert second.endswith(": geen meting: geen spraak gehoord")
    assert not english_words(dutch), dutch
    english = run(["--lang", "en", "analyze", str(good)], capsys)
    assert re.search(r": pause 3\.1\d\u00a0s \(within the range; target 3\.0\u00a0s", english)


def test_a_broken_settings_file_is_reported_in_the_app_s_language(home: Path) -> None:
    """The app warns about a settings file it cannot use in the language it speaks."""
    from simulator.cli import build_parser
    from simulator.commands.open_app import build_app

    home.mkdir(parents=True)
    (home / "settings.json").write_text('{"language": "fr", "live_timer": "ja"}')
    app = build_app(build_parser("nl").parse_args(["--lang", "nl"]))
    assert app.settings_problem is not None
    assert "language moet een van nl, en zijn, of null" in app.settings_problem
    assert "live_timer moet true of false zijn" in app.settings_problem
    # (language and live_timer are the file's own keys, the same in both languages)
    english = build_app(build_parser("en").parse_args(["--lang", "en"])).settings_problem
    assert english is not None and "live_timer must be true or false" in english
