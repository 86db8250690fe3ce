"""``coach-sim scenarios``: list, --json, check and show, through the real ``cli.main``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from simulator import cli

REPO = Path(__file__).resolve().parents[2]
GOOD = REPO / "scenarios" / "check-question.nl.toml"


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Only the scenarios subcommand (others may not exist yet); an empty user folder; an
    English system, as messages follow the system language when there is no --lang."""
    monkeypatch.setattr(cli, "COMMANDS", ("scenarios",))
    home = tmp_path / "home"
    monkeypatch.setenv("COACH_SIM_HOME", str(home))
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    return home


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_list_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["scenarios"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "LANG", "TITLE", "ORIGIN", "FILE"]
    assert len(lines) == 11
    flagship = [line for line in lines if line.startswith("check-question ")]
    assert len(flagship) == 2
    assert all("built-in" in line and "check-question." in line for line in flagship)
    assert err == ""


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["scenarios", "--json"], capsys)
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 10
    for row in rows:
        assert {"id", "language", "title", "path", "origin"} <= set(row)
        assert Path(row["path"]).is_file()
        assert row["origin"] == "built-in"
    assert {(r["id"], r["language"]) for r in rows} >= {
        ("check-question", "nl"),
        ("check-question", "en"),
    }


def test_list_filtered_by_global_lang(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--lang", "nl", "scenarios", "--json"], capsys)
    assert code == 0
    assert {r["language"] for r in json.loads(out)} == {"nl"}


def test_user_override_and_skipped_file_are_shown(
    capsys: pytest.CaptureFixture[str], isolated: Path, tmp_path: Path
) -> None:
    user = isolated / "scenarios"
    user.mkdir(parents=True)
    text = GOOD.read_text(encoding="utf-8").replace(
        'title = "Checkvraag: eerst de vraag, dan de naam"', 'title = "Mijn eigen checkvraag"'
    )
    (user / "check-question.nl.toml").write_text(text, encoding="utf-8")
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "broken.toml").write_text('id = "x"\ntitel = "y"\n', encoding="utf-8")

    code, out, err = run(["--scenarios", str(pack), "scenarios"], capsys)
    assert code == 0
    mine = next(line for line in out.splitlines() if "Mijn eigen checkvraag" in line)
    assert "user, overrides built-in" in mine
    assert "skipped" in err and "broken.toml" in err and "did you mean 'title'?" in err

    code, out, _ = run(["--scenarios", str(pack), "scenarios", "--json"], capsys)
    row = next(r for r in json.loads(out) if (r["id"], r["language"]) == ("check-question", "nl"))
    assert row["origin"] == "user"
    assert row["title"] == "Mijn eigen checkvraag"
    assert [o["origin"] for o in row["overrides"]] == ["built-in"]


def test_check_valid_files_exit_zero(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(p) for p in (REPO / "scenarios").glob("*.toml"))
    code, out, _ = run(["scenarios", "check", *files], capsys)
    assert code == 0
    assert out.count("ok  ") == 10
    assert "10 files checked: 10 valid, 0 with problems" in out


def test_check_folder(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["scenarios", "check", str(REPO / "scenarios")], capsys)
    assert code == 0
    assert "10 valid" in out


def test_check_reports_each_error_and_exits_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        GOOD.read_text(encoding="utf-8")
        .replace('language = "nl"', 'language = "de"')
        .replace("min_s = 2.5", "min_s = 4.5"),
        encoding="utf-8",
    )
    syntax = tmp_path / "syntax.toml"
    syntax.write_text('id = "a"\ntitle = \n', encoding="utf-8")
    missing = tmp_path / "missing.toml"
    code, out, _ = run(
        ["scenarios", "check", str(GOOD), str(bad), str(syntax), str(missing)], capsys
    )
    assert code == 1
    assert f"ok  {GOOD}" in out
    assert f"error  {bad}: language: 'de' is not supported" in out
    assert f"error  {bad}: pattern[2].min_s: min_s (4.5\u00a0s) is above max_s (4\u00a0s)" in out
    assert f"error  {syntax}:2:9: TOML syntax error" in out
    assert f"error  {missing}: file not found" in out
    assert "4 files checked: 1 valid, 3 with problems" in out


def test_check_duplicate_in_same_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    a = tmp_path / "a.toml"
    b = tmp_path / "b.toml"
    a.write_bytes(GOOD.read_bytes())
    b.write_bytes(GOOD.read_bytes())
    code, out, _ = run(["scenarios", "check", str(a), str(b)], capsys)
    assert code == 1
    assert "also defined in" in out


def test_show_one_language(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["scenarios", "show", "check-question", "--lang", "nl"], capsys)
    assert code == 0
    assert out.startswith("Checkvraag: eerst de vraag, dan de naam  [check-question, nl]")
    assert "Actiestap:" in out
    assert "vraag → denkpauze 3\u00a0s (2,5–4\u00a0s) → naam" in out
    assert "Ronde 3/3" in out and "Naam: Daan" in out
    assert "Rowe" in out
    assert "Check question: the question first" not in out


def test_show_uses_global_lang_or_both(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--lang", "en", "scenarios", "show", "economy-of-language"], capsys)
    assert code == 0
    assert "direction ~4\u00a0s, at most 6\u00a0s" in out
    assert "Zuinig met woorden" not in out
    code, out, _ = run(["scenarios", "show", "wait-time-after-answer"], capsys)
    assert code == 0
    assert "Wachttijd na het antwoord" in out and "Wait time after a student's answer" in out
    assert "Student says: Then bread gets more expensive." in out


def test_show_unknown_id_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["scenarios", "show", "check-questoin"], capsys)
    assert code == 1
    assert out == ""
    assert "no scenario with id 'check-questoin'; did you mean 'check-question'?" in err


def test_show_missing_language(capsys: pytest.CaptureFixture[str], isolated: Path) -> None:
    user = isolated / "scenarios"
    user.mkdir(parents=True)
    text = GOOD.read_text(encoding="utf-8").replace('id = "check-question"', 'id = "only-dutch"')
    (user / "only-dutch.nl.toml").write_text(text, encoding="utf-8")
    code, _, err = run(["scenarios", "show", "only-dutch", "--lang", "en"], capsys)
    assert code == 1
    assert "has no 'en' version; available: nl" in err


def test_installed_command_json(tmp_path: Path) -> None:
    env = {**os.environ, "COACH_SIM_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "scenarios", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == 10
