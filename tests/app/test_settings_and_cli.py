"""The settings file and the app's command-line entry points (no terminal needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.cli import build_parser, main
from simulator.store.settings import Settings, load_settings, parse_settings, save_settings


def test_settings_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "deeper" / "settings.json"
    assert load_settings(path).settings == Settings()
    save_settings(Settings("nl", "USB headset", True), path)
    loaded = load_settings(path)
    assert loaded.problem is None
    assert loaded.settings == Settings("nl", "USB headset", True)
    assert json.loads(path.read_text()) == {
        "language": "nl",
        "microphone": "USB headset",
        "live_timer": True,
        "keep_audio": False,
        "reflection": False,
    }


@pytest.mark.parametrize(
    ("text", "expected", "problem_has"),
    [
        ("{not json", Settings(), "not valid JSON on line 1"),
        ("[1, 2]", Settings(), "expected a JSON object"),
        ('{"language": "fr"}', Settings(), "language must be one of nl, en"),
        ('{"live_timer": "yes"}', Settings(), "live_timer must be true or false"),
        ('{"microphone": 3, "language": "en"}', Settings("en", "3"), None),
        ('{"microphone": [3]}', Settings(), "microphone must be"),
        ('{"reflection": 1}', Settings(), "reflection must be true or false"),
        ('{"reflection": true}', Settings(reflection=True), None),
    ],
)
def test_bad_settings_fall_back_with_a_reason(
    text: str, expected: Settings, problem_has: str | None
) -> None:
    loaded = parse_settings(text)
    assert loaded.settings == expected
    if problem_has is None:
        assert loaded.problem is None
    else:
        assert loaded.problem is not None and problem_has in loaded.problem


def test_practice_takes_lang_and_device_before_or_after_the_subcommand() -> None:
    parser = build_parser()
    after = parser.parse_args(["practice", "check-question", "--lang", "en", "--device", "2"])
    assert (after.scenario, after.lang, after.device) == ("check-question", "en", "2")
    before = parser.parse_args(["--lang", "nl", "--device", "USB", "practice", "check-question"])
    assert (before.lang, before.device) == ("nl", "USB")


def test_practice_with_an_unknown_scenario_says_which_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_SIM_HOME", str(tmp_path))
    with pytest.raises(SystemExit) as exc:
        main(["practice", "no-such-step"])
    message = str(exc.value)
    assert "no scenario with id 'no-such-step'" in message
    assert "check-question" in message


def test_the_app_needs_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COACH_SIM_HOME", str(tmp_path))
    assert main(["practice", "check-question"]) == 2
    assert "needs an interactive terminal" in capsys.readouterr().err
