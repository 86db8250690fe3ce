"""Text from files and people never reaches the terminal or the app as it is written.

Hostile inputs as an attacker would write them: an OSC 52 sequence (writes the clipboard), a CSI
sequence (clears the screen), a right-to-left override, zero-width and tag characters, C1
controls, and Textual markup (``[/]``, ``[@click=app.quit]``).
"""

from __future__ import annotations

import json
import subprocess
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.markup import to_content

from simulator import cli
from simulator.app import cue_command
from simulator.i18n import fill
from simulator.scenarios.loader import ScenarioError, parse_scenario
from simulator.scenarios.model import Origin
from simulator.store.history import HistoryStore
from simulator.text import UNSAFE_CATEGORIES, escape, find_unsafe, visible

REPO = Path(__file__).resolve().parents[2]
GOOD = (REPO / "scenarios" / "check-question.en.toml").read_text("utf-8")
TITLE = 'title = "Check question: the question first, then the name"'

OSC52 = "\x1b]52;c;ZWNobyBwd25lZA==\x07"
CSI = "\x1b[2J\x1b[31m"
RLO = "\u202e"
HOSTILE = [OSC52, CSI, RLO, "\u200b", "\U000e0041", "\x9b31m", "\x07", "\u2028", "\ufeff"]
MARKUP = ["[/]", "[one]", "[@click=app.quit]quit[/]", "[$x]", "[ b ]", "\\[b]", "a\\"]


def has_unsafe(text: str) -> bool:
    return any(unicodedata.category(c) in UNSAFE_CATEGORIES for c in text if c not in "\n\t")


@pytest.mark.parametrize("hostile", HOSTILE)
def test_visible_replaces_every_control_bidi_and_invisible_character(hostile: str) -> None:
    shown = visible(f"Kay{hostile}Daan")
    assert not has_unsafe(shown)
    assert shown.startswith("Kay") and shown.endswith("Daan")
    assert "\\u" in shown or "\\U" in shown


def test_visible_shows_the_code_and_folds_lines() -> None:
    assert visible(OSC52) == "\\u001b]52;c;ZWNobyBwd25lZA==\\u0007"
    assert visible("Kay\nDaan\r\n\tSanne") == "Kay Daan   Sanne"
    assert visible("Kay\r\nDaan\t!", multiline=True) == "Kay\nDaan\t!"
    assert visible("Zoë · ĳs — 3,0\u00a0s") == "Zoë · ĳs — 3,0\u00a0s"


@given(st.text())
def test_nothing_unsafe_survives_visible(text: str) -> None:
    assert not has_unsafe(visible(text))
    assert not has_unsafe(visible(text, multiline=True).replace("\n", "").replace("\t", ""))
    assert find_unsafe(visible(text), allowed=frozenset()) is None


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp"))))
def test_safe_text_is_left_as_it_is(text: str) -> None:
    assert visible(text) == text


@pytest.mark.parametrize("written", MARKUP)
def test_escape_shows_markup_as_written(written: str) -> None:
    assert to_content(escape(written)).plain == written


@given(st.text(alphabet=st.sampled_from("[]/@=$\\ ab:.\n#\x1b")))
def test_escaped_text_is_never_read_as_markup(text: str) -> None:
    content = to_content(escape(text))
    assert content.plain == visible(text, multiline=True)
    assert not content.spans


# -- the scenario checker ------------------------------------------------------------------


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text.encode("utf-8"), Path("pack/x.toml"), Origin.PACK)
    return [p.describe("en") for p in info.value.problems] + [
        p.describe("nl") for p in info.value.problems
    ]


@pytest.mark.parametrize(
    ("escaped", "code"),
    [
        ("\\u001b]52;c;aGk=\\u0007", "\\u001b"),
        ("Check \\u202e question", "\\u202e"),
        ("Check\\u200bquestion", "\\u200b"),
        ("Check \\u009b31m question", "\\u009b"),
        ("Check \\U000E0041 question", "\\U000e0041"),
    ],
)
def test_checker_reports_control_and_invisible_characters(escaped: str, code: str) -> None:
    english, dutch = problems(GOOD.replace(TITLE, f'title = "{escaped}"'))
    assert english.startswith("pack/x.toml: title: contains an invisible or control character")
    assert dutch.startswith("pack/x.toml: title: bevat een onzichtbaar teken of stuurteken")
    assert code in english and code in dutch
    assert not has_unsafe(english + dutch)


def test_checker_reports_them_in_prompts_too() -> None:
    text = GOOD.replace('name = "Kay"', 'name = "Kay\\u202e\\u2066"')
    english = problems(text)[0]
    assert "prompts[1].name" in english and "(2 in all)" in english


def test_hostile_keys_and_values_in_messages_are_made_visible() -> None:
    text = GOOD + '\n"\\u001b[2J" = 1\n'
    for line in problems(text.replace('language = "en"', 'language = "\\u001b]0;x\\u0007"')):
        assert "\x1b" not in line and "\x07" not in line
        assert "\\u001b" in line


@pytest.mark.parametrize("spec", ["{value:>300000000}", "{value!r}", "{value:{value}}"])
def test_placeholders_are_bare_names_only(spec: str) -> None:
    override = f'[feedback]\nno_pause = "Wait {spec}"\n\n[[materials]]\n'
    text = GOOD.replace("[[materials]]\n", override, 1)
    english = problems(text)[0]
    assert english.startswith("pack/x.toml: feedback.no_pause: placeholder {value")


def test_fill_leaves_a_format_spec_unfilled() -> None:
    assert fill("{value:>300000000}", value="3") == "{value:>300000000}"
    assert fill("{value.real}", value=3) == "{value.real}"
    assert fill("{value} s", value="3") == "3 s"


# -- the terminal commands -----------------------------------------------------------------


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("COACH_SIM_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    return tmp_path / "home"


def test_check_shows_hostile_file_names_and_keys_as_codes(
    tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = tmp_path / f"pack{OSC52}{RLO}.toml"
    hostile.write_text(GOOD + '\n"\\u001b[2J" = 1\n', "utf-8")
    assert cli.main(["scenarios", "check", str(hostile)]) == 1
    out, err = capsys.readouterr()
    assert not has_unsafe(out + err)
    assert "\\u001b]52;c;ZWNobyBwd25lZA==\\u0007\\u202e.toml" in out
    assert '"\\u001b[2J": unknown key' not in out  # the key is shown as its code, unquoted
    assert "\\u001b[2J: unknown key" in out


def test_show_prints_markup_as_plain_text(
    tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    title = "[/] [one] [@click=app.quit]quit"
    (pack / "x.toml").write_text(GOOD.replace(TITLE, f'title = "{title}"'), "utf-8")
    assert cli.main(["scenarios", "--scenarios", str(pack), "show", "check-question"]) == 0
    out = capsys.readouterr().out
    assert f"{title}  [check-question, en]" in out


def test_unknown_scenario_id_is_echoed_as_codes(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["scenarios", "show", OSC52]) == 1
    out, err = capsys.readouterr()
    assert "\\u001b]52" in err and not has_unsafe(out + err)


def test_argument_errors_echo_no_escape_sequences(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        cli.main(["history", CSI])  # argparse repeats unrecognised arguments as they are
    out, err = capsys.readouterr()
    assert "unrecognized arguments: \\u001b[2J" in err and not has_unsafe(out + err)


def test_history_shows_stored_names_notes_and_ids_as_codes(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home.mkdir()
    store = HistoryStore(home / "history.sqlite3")
    store.start_session(f"check{OSC52}", "en", participant=f"Kay{RLO}", notes=CSI)
    assert cli.main(["history"]) == 0
    assert cli.main(["history", "--json"]) == 0
    out, err = capsys.readouterr()
    assert not has_unsafe(out + err)
    assert "check\\u001b]52" in out
    # JSON carries the name as it is, the override escaped as JSON escapes it.
    assert '"participant": "Kay\\u202e"' in out
    record = json.loads(out[out.index("[") :])[0]
    assert record["participant"] == f"Kay{RLO}"


# -- subprocesses get data, not options ----------------------------------------------------


def phonemes(command: list[str]) -> str:
    """What espeak-ng would say for ``command`` (``-q -x``: phonemes, no sound)."""
    done = subprocess.run(
        [command[0], "-q", "-x", *command[1:]], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_cue_that_looks_like_an_option_is_spoken_not_obeyed(espeak: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("zebra xylophone\n")
    heard = phonemes([espeak, "-v", "en", "-f", str(secret)])
    assert heard.strip()
    for cue in (f"-f{secret}", "--help", "-w/tmp/overwritten.wav"):
        command = cue_command(espeak, cue, "en")
        assert command[-2:] == ["--", cue]
        spoken = phonemes(command)
        assert spoken.strip() and heard.strip() not in spoken
    # Without the "--" espeak-ng would have read the file aloud.
    assert phonemes([espeak, "-v", "en", f"-f{secret}"]) == heard
