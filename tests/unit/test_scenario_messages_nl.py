"""Problems in scenario files read in the reader's language: Dutch and English, from real files.

Every problem is a code with parameters; the text comes from the catalogs when it is shown. These
tests write broken files, load them the way the app and ``coach-sim scenarios`` do, and compare the
whole texts in both languages. The last tests make sure every code the loader, the library and the
``check`` command can produce has a text in both catalogs, by producing each one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator import cli
from simulator.i18n import catalog
from simulator.scenarios import library as library_module
from simulator.scenarios.library import load_file, load_folder
from simulator.scenarios.loader import (
    CATALOG,
    Phrase,
    ScenarioError,
    ScenarioProblem,
    parse_scenario,
    parse_toml,
)
from simulator.scenarios.model import Origin
from tests.unit.test_scenario_loader import HEADER, SPS_PATTERN, SPS_PROMPTS, TIMED, VALID
from tests.unit.test_toml_messages import BROKEN as TOML_BROKEN

REPO = Path(__file__).resolve().parents[2]
GOOD_NL = REPO / "scenarios" / "check-question.nl.toml"
CUE_PATTERN = SPS_PATTERN.replace(
    'kind = "speech"\nlabel = "question"', 'kind = "cue"\nlabel = "answer"'
)


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def problems_in(path: Path) -> list[ScenarioProblem]:
    """The problems of one file on disk, loaded as a trainer's pack is."""
    with pytest.raises(ScenarioError) as info:
        load_file(path, Origin.PACK)
    return list(info.value.problems)


def at(problems: list[ScenarioProblem], key: str | None) -> ScenarioProblem:
    found = [p for p in problems if p.key == key]
    assert found, f"no problem at {key}: {[str(p) for p in problems]}"
    return found[0]


# -- a representative set, whole texts in both languages ---------------------------------------


def test_unknown_key_with_suggestion_and_the_missing_key(tmp_path: Path) -> None:
    path = write(tmp_path, "x.toml", VALID.replace("title =", "titel ="))
    problems = problems_in(path)
    unknown = at(problems, "titel")
    assert unknown.code == "unknown_key"
    assert unknown.describe("en") == f"{path}: titel: unknown key; did you mean 'title'?"
    assert unknown.describe("nl") == f"{path}: titel: onbekende sleutel; bedoel je 'title'?"
    missing = at(problems, "title")
    assert (missing.text("en"), missing.text("nl")) == (
        "missing (required)",
        "ontbreekt (verplicht)",
    )


def test_unknown_key_without_a_close_match_lists_the_valid_keys(tmp_path: Path) -> None:
    path = write(tmp_path, "x.toml", VALID + '\n[feedback]\nzzz = "x"\n')
    problem = at(problems_in(path), "feedback.zzz")
    assert problem.text("en").startswith("unknown key; valid keys: praise_on_target, ")
    assert problem.text("nl").startswith("onbekende sleutel; geldige sleutels: praise_on_target, ")


@pytest.mark.parametrize(
    ("old", "new", "key", "english", "dutch"),
    [
        (
            'title = "Check question"',
            "title = 3",
            "title",
            "must be text in quotes, not a number (3)",
            "moet tekst tussen aanhalingstekens zijn, geen getal (3)",
        ),
        (
            'label = "thinking"',
            "label = true",
            "pattern[2].label",
            "must be text in quotes, not true/false (true)",
            "moet tekst tussen aanhalingstekens zijn, geen ja/nee-waarde (true)",
        ),
        (
            'situation = "Graph."',
            "situation = [1, 2]",
            "prompts[3].situation",
            "must be text in quotes, not a list",
            "moet tekst tussen aanhalingstekens zijn, geen lijst",
        ),
        (
            "target_s = 3.0",
            'target_s = "3"',
            "pattern[2].target_s",
            "must be a number of seconds, not text",
            "moet een aantal seconden zijn, geen tekst",
        ),
        (
            "max_s = 4.0",
            "max_s = 1979-05-27",
            "pattern[2].max_s",
            "must be a number of seconds, not a date or time (1979-05-27)",
            "moet een aantal seconden zijn, geen datum of tijd (1979-05-27)",
        ),
        (
            "min_s = 2.5",
            "min_s = 4.5",
            "pattern[2].min_s",
            "min_s (4.5\u00a0s) is above max_s (4\u00a0s)",
            "min_s (4.5\u00a0s) is groter dan max_s (4\u00a0s)",
        ),
    ],
)
def test_wrong_types_and_values(
    tmp_path: Path, old: str, new: str, key: str, english: str, dutch: str
) -> None:
    assert old in VALID
    problem = at(problems_in(write(tmp_path, "x.toml", VALID.replace(old, new, 1))), key)
    assert problem.text("en") == english
    assert problem.text("nl") == dutch
    assert problem.message == english


@pytest.mark.parametrize(
    ("value", "english", "dutch"),
    [
        ("0", "must be at least 1 (found 0)", "moet minstens 1 zijn (er staat 0)"),
        ("11", "at most 10 rounds (found 11)", "hooguit 10 rondes (er staat 11)"),
        (
            "2.5",
            "must be a whole number, not a number (2.5)",
            "moet een heel getal zijn, geen getal (2.5)",
        ),
    ],
)
def test_rounds_out_of_range(tmp_path: Path, value: str, english: str, dutch: str) -> None:
    text = HEADER + f"rounds = {value}\n" + SPS_PATTERN + SPS_PROMPTS
    path = write(tmp_path, "pack/x.toml", text)
    problem = at(problems_in(path), "rounds")
    assert problem.describe("en") == f"{path}: rounds: {english}"
    assert problem.describe("nl") == f"{path}: rounds: {dutch}"


def test_bad_language(tmp_path: Path) -> None:
    path = write(tmp_path, "x.toml", VALID.replace('language = "en"', 'language = "de"'))
    problem = at(problems_in(path), "language")
    assert problem.text("en") == "'de' is not supported; use 'nl' or 'en'"
    assert problem.text("nl") == "'de' wordt niet ondersteund; gebruik 'nl' of 'en'"
    path = write(tmp_path, "y.toml", VALID.replace('language = "en"', 'language = "EN"'))
    problem = at(problems_in(path), "language")
    assert (
        problem.text("nl") == "'EN' wordt niet ondersteund; gebruik 'nl' of 'en' (bedoel je 'en'?)"
    )


def test_toml_syntax_error_keeps_line_column_and_says_the_detail_in_the_readers_language(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "x.toml", VALID.replace('title = "Check question"', "title = Check"))
    (problem,) = problems_in(path)
    en_detail = 'this is not a value TOML knows: put text in quotes, e.g. "..."'
    nl_detail = 'dit is geen waarde die TOML kent: zet tekst tussen aanhalingstekens, bijv. "..."'
    assert problem.describe("en") == f"{path}:3:9: TOML syntax error ({en_detail})"
    assert problem.describe("nl") == f"{path}:3:9: TOML-syntaxfout ({nl_detail})"
    path = write(tmp_path, "end.toml", VALID + "rounds = ")
    (problem,) = problems_in(path)
    assert problem.text("en") == f"TOML syntax error at the end of the file ({en_detail})"
    assert problem.text("nl") == f"TOML-syntaxfout aan het eind van het bestand ({nl_detail})"


def test_file_not_utf8(tmp_path: Path) -> None:
    data = VALID.replace('title = "Check question"', 'title = "Caf\xe9"').encode("latin-1")
    path = write(tmp_path, "x.toml", data)
    (problem,) = problems_in(path)
    assert problem.describe("nl") == (
        f"{path}:3:13: het bestand is geen UTF-8-tekst (byte 0xe9 is niet te lezen); "
        "sla het in je editor op als UTF-8"
    )
    assert problem.describe("en") == (
        f"{path}:3:13: the file is not UTF-8 text (byte 0xe9 cannot be read); "
        "save it as UTF-8 in your editor"
    )


def test_empty_file(tmp_path: Path) -> None:
    (problem,) = problems_in(write(tmp_path, "x.toml", "\n  \n"))
    assert (problem.text("en"), problem.text("nl")) == ("the file is empty", "het bestand is leeg")


def test_duplicate_id_in_one_folder(tmp_path: Path) -> None:
    first = write(tmp_path, "a.toml", VALID)
    write(tmp_path, "b.toml", VALID)
    _, (problem,) = load_folder(tmp_path, Origin.PACK)
    assert problem.key == "id"
    assert problem.text("en") == (
        f"skipped: id 'check-question' in language 'en' is already defined in {first} "
        "(same folder); give one of them another id"
    )
    assert problem.text("nl") == (
        f"overgeslagen: id 'check-question' in de taal 'en' staat al in {first} "
        "(zelfde map); geef een van beide een ander id"
    )


def test_missing_and_unreadable_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (missing,) = problems_in(tmp_path / "nope.toml")
    assert (missing.text("en"), missing.text("nl")) == ("file not found", "bestand niet gevonden")
    (folder,) = problems_in(tmp_path)
    assert folder.text("nl") == "dit is een map, geen scenariobestand"
    _, (no_folder,) = load_folder(tmp_path / "no-pack", Origin.PACK)
    assert no_folder.text("nl") == "scenariomap niet gevonden"

    path = write(tmp_path, "locked.toml", VALID)

    def refuse(self: Path, max_bytes: int) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    # root may read anything: fake the refusal
    monkeypatch.setattr(library_module, "read_regular", refuse)
    (locked,) = problems_in(path)
    assert locked.text("en") == "cannot be read (Permission denied)"
    assert locked.text("nl") == "kan niet gelezen worden (geen leesrechten)"

    def fail(self: Path, max_bytes: int) -> bytes:
        raise OSError(5, "Input/output error", str(self))

    monkeypatch.setattr(library_module, "read_regular", fail)
    (broken,) = problems_in(path)
    assert broken.text("nl") == "kan niet gelezen worden (Input/output error)"


def test_english_stays_the_default_for_str_and_the_error(tmp_path: Path) -> None:
    path = write(tmp_path, "x.toml", VALID.replace('language = "en"', 'language = "fr"'))
    with pytest.raises(ScenarioError) as info:
        load_file(path, Origin.PACK)
    (problem,) = info.value.problems
    assert str(problem) == problem.describe("en") == str(info.value)
    assert problem.message == problem.text("en")
    assert problem.params == {"language": "fr"}


# -- the command line and its --lang ------------------------------------------------------------


@pytest.fixture
def only_scenarios(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(cli, "COMMANDS", ("scenarios",))
    monkeypatch.setenv("COACH_SIM_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)


def broken_dutch_file(folder: Path) -> Path:
    text = GOOD_NL.read_text(encoding="utf-8").replace("rounds = 3", "rounds = 0")
    assert "rounds = 0" in text
    return write(folder, "bad.toml", text)


@pytest.mark.usefixtures("only_scenarios")
@pytest.mark.parametrize(
    "where",
    [
        ["scenarios", "check", "{file}", "--lang", "nl"],
        ["scenarios", "check", "--lang", "nl", "{file}"],
        ["scenarios", "--lang", "nl", "check", "{file}"],
        ["--lang", "nl", "scenarios", "check", "{file}"],
    ],
)
def test_check_prints_dutch_with_lang(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: list[str]
) -> None:
    bad = broken_dutch_file(tmp_path)
    code = cli.main([str(bad) if arg == "{file}" else arg for arg in where])
    out = capsys.readouterr().out
    assert code == 1
    assert f"fout  {bad}: rounds: moet minstens 1 zijn (er staat 0)" in out
    assert "1 bestand gecontroleerd: 0 in orde, 1 met problemen" in out
    assert "must be" not in out


@pytest.mark.usefixtures("only_scenarios")
def test_check_follows_the_system_language_without_lang(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = broken_dutch_file(tmp_path)
    assert cli.main(["scenarios", "check", str(bad)]) == 1
    assert f"error  {bad}: rounds: must be at least 1 (found 0)" in capsys.readouterr().out
    monkeypatch.setenv("LANG", "nl_NL.UTF-8")
    assert cli.main(["scenarios", "check", str(bad)]) == 1
    assert f"fout  {bad}: rounds: moet minstens 1 zijn (er staat 0)" in capsys.readouterr().out


@pytest.mark.usefixtures("only_scenarios")
def test_skipped_files_are_reported_in_dutch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = tmp_path / "pack"
    broken_dutch_file(pack)
    assert cli.main(["--scenarios", str(pack), "scenarios", "--lang", "nl"]) == 0
    err = capsys.readouterr().err
    assert f"coach-sim: overgeslagen: {pack / 'bad.toml'}: rounds: moet minstens 1 zijn" in err
    assert cli.main(["--scenarios", str(pack), "scenarios", "show", "nope", "--lang", "nl"]) == 1
    err = capsys.readouterr().err
    assert "coach-sim: er is geen scenario met id 'nope'" in err
    assert "Met 'coach-sim scenarios' zie je alle scenario's." in err
    assert "coach-sim: overgeslagen: " in err


# -- every code has a text in both languages -----------------------------------------------------

SOURCES = ("scenarios/loader.py", "scenarios/library.py", "commands/list_scenarios.py")
_CODE_IN_SOURCE = re.compile(
    r"""(?:self\.error\(\s*[^,()]+(?:\([^()]*\))?,\s*|ScenarioProblem\(\s*[\w.]+,\s*|Phrase\(\s*|missing(?::\s*str\s*)?=\s*)"([\w.]+)\""""
)
UNREACHABLE = {"band_invalid", "toml_too_deep"}
"""Kept so that a Band the loader's own checks let through, or a recursion in the TOML parser
that the nesting check before it missed, is still a message, not a traceback."""


def codes_in_source() -> set[str]:
    root = REPO / "simulator"
    codes: set[str] = set()
    for name in SOURCES:
        codes.update(_CODE_IN_SOURCE.findall((root / name).read_text(encoding="utf-8")))
    return codes


def catalog_codes(lang: str) -> set[str]:
    prefix = CATALOG + "."
    return {k.removeprefix(prefix) for k in catalog(lang) if k.startswith(prefix)}


def test_source_scan_finds_the_codes() -> None:
    found = codes_in_source()
    assert {"unknown_key", "rounds_min", "missing_name", "value.number", "duplicate_id"} <= found
    assert {"folder_no_files", "duplicate_id_check", "reason.permission"} <= found
    assert len(found) > 50


def test_every_code_in_the_source_has_a_text_in_both_catalogs() -> None:
    for lang in ("en", "nl"):
        assert codes_in_source() - catalog_codes(lang) == set(), lang
    assert catalog_codes("en") == catalog_codes("nl")


def _broken(text: str) -> bytes:
    return text.encode("utf-8")


BROKEN_FILES: list[tuple[str, bytes]] = [
    ("too_large", b"# " + b"x" * 300_000),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00"),
    ("not_utf8", 'title = "Caf\xe9"'.encode("latin-1")),
    ("empty", b""),
    ("toml_syntax", b"title = Check\n"),
    ("toml_syntax_at_end", b"rounds = "),
    ("toml_nesting", b"x = " + b"[" * 5000 + b"]" * 5000),
    ("key_too_deep", b"a" + b".a" * 5000 + b" = 1"),
    ("no_scenario", b"# only a comment\n"),
    ("unknown_key", _broken(VALID.replace("title =", "titel ="))),
    ("unknown_key", _broken(VALID + '\n[feedback]\nzzz = "x"\n')),
    ("not_text", _broken(VALID.replace('title = "Check question"', "title = {a = 1}"))),
    ("not_text", _broken(VALID.replace('title = "Check question"', "title = 3"))),
    ("empty_text", _broken(VALID.replace('title = "Check question"', 'title = " "'))),
    ("not_seconds", _broken(VALID.replace("target_s = 3.0", "target_s = [1]"))),
    ("not_seconds", _broken(VALID.replace("target_s = 3.0", 'target_s = "3"'))),
    ("not_seconds", _broken(VALID.replace("max_s = 4.0", "max_s = 07:32:00"))),
    ("not_finite", _broken(VALID.replace("target_s = 3.0", "target_s = nan"))),
    ("negative", _broken(VALID.replace("target_s = 3.0", "target_s = -1"))),
    ("too_long", _broken(VALID.replace("max_s = 4.0", "max_s = 500"))),
    ("text_too_long", _broken(VALID.replace('title = "Check question"', f'title = "{"T" * 500}"'))),
    ("tables_missing", _broken(HEADER + SPS_PATTERN)),
    ("tables_single", _broken(HEADER + SPS_PATTERN + '\n[prompts]\nline = "b"\n')),
    ("tables_type", _broken(VALID.replace(HEADER, HEADER + "materials = 3\n"))),
    ("tables_empty", _broken(HEADER + "prompts = []\n" + SPS_PATTERN)),
    ("tables_too_many", _broken(VALID + "\n[[materials]]\ntitle = 'x'\n" * 13)),
    ("bad_id", _broken(VALID.replace('id = "check-question"', 'id = "Check!"'))),
    ("bad_language", _broken(VALID.replace('language = "en"', 'language = "de"'))),
    ("bad_language_case", _broken(VALID.replace('language = "en"', 'language = "NL"'))),
    ("rounds_type", _broken(VALID.replace(HEADER, HEADER + "rounds = true\n"))),
    ("rounds_min", _broken(VALID.replace(HEADER, HEADER + "rounds = 0\n"))),
    ("rounds_max", _broken(VALID.replace(HEADER, HEADER + "rounds = 11\n"))),
    ("bad_phase_kind", _broken(VALID.replace('kind = "pause"', 'kind = "silence"'))),
    ("measured_none", _broken(VALID.replace("target_s = 3.0\nmin_s = 2.5\nmax_s = 4.0\n", ""))),
    (
        "measured_many",
        _broken(
            VALID.replace('label = "name"', 'label = "name"\ntarget_s = 1\nmin_s = 0\nmax_s = 2')
        ),
    ),
    ("pattern_sequence", _broken(HEADER + TIMED + '\n[[pattern]]\nkind = "pause"\nlabel = "x"\n')),
    ("band_missing", _broken(VALID.replace("max_s = 4.0\n", ""))),
    (
        "max_zero",
        _broken(
            VALID.replace("target_s = 3.0", "target_s = 0")
            .replace("min_s = 2.5", "min_s = 0")
            .replace("max_s = 4.0", "max_s = 0")
        ),
    ),
    ("min_above_max", _broken(VALID.replace("min_s = 2.5", "min_s = 5"))),
    ("target_outside", _broken(VALID.replace("target_s = 3.0", "target_s = 9"))),
    ("missing_name", _broken(VALID.replace('name = "Daan"\n', ""))),
    ("missing_cue", _broken(HEADER + CUE_PATTERN + SPS_PROMPTS)),
    ("name_not_used", _broken(HEADER + TIMED + SPS_PROMPTS)),
    ("cue_not_used", _broken(VALID.replace('name = "Kay"', 'name = "Kay"\ncue = "Hi"'))),
    (
        "too_few_lines",
        _broken(
            VALID.replace(
                "What happens to the price when supply falls?",
                "Which two examples did I just give?",
            )
        ),
    ),
    (
        "too_few_lines_one",
        _broken(
            VALID.replace(
                "What happens to the price when supply falls?",
                "Which two examples did I just give?",
            ).replace(
                "What do we call the price where the curves cross?",
                "which two  examples did I just give?",
            )
        ),
    ),
    ("feedback_type", _broken(VALID.replace(HEADER, HEADER + "feedback = 3\n"))),
    ("broken_placeholder", _broken(VALID + '\n[feedback]\nno_pause = "a { b"\n')),
    ("unknown_placeholder", _broken(VALID + '\n[feedback]\nno_pause = "{pauze}"\n')),
    ("bad_material_kind", _broken(VALID + '\n[[materials]]\ntitle = "A"\nkind = "blog"\n')),
    ("bad_step", _broken(VALID.replace(HEADER, HEADER + 'step = "lecture"\n'))),
    ("step_shape", _broken(VALID.replace(HEADER, HEADER + 'step = "direction"\n'))),
    ("unsafe_character", _broken(VALID.replace('title = "Check question"', 'title = "\\u202e"'))),
    ("placeholder_format", _broken(VALID + '\n[feedback]\nno_pause = "{value:>9}"\n')),
]


def _produced() -> Iterator[ScenarioProblem]:
    for code, data in BROKEN_FILES:
        try:
            parse_scenario(data, Path("x.toml"), Origin.PACK)
        except ScenarioError as exc:
            assert code in [p.code for p in exc.problems], (code, [str(p) for p in exc.problems])
            yield from exc.problems
        else:
            pytest.fail(f"the file for {code} loaded without a problem")


def _phrases(problem: ScenarioProblem) -> set[str]:
    return {v.code for v in problem.params.values() if isinstance(v, Phrase)}


def test_every_code_and_phrase_is_produced_and_reads_in_both_languages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    problems = list(_produced())
    for text, _ in TOML_BROKEN:  # each of tomllib's messages, in the reader's language
        try:
            parse_toml(text, Path("x.toml"))
        except ScenarioError as exc:
            problems += exc.problems
    # The library: missing, folder, unreadable, duplicate id, unreadable folder.
    write(tmp_path / "dup", "a.toml", VALID)
    write(tmp_path / "dup", "b.toml", VALID)
    problems += load_folder(tmp_path / "dup", Origin.PACK)[1]
    problems += load_folder(tmp_path / "no-such-pack", Origin.PACK)[1]
    for path in (tmp_path / "nope.toml", tmp_path / "dup"):
        problems += problems_in(path)

    def refuse(*_: object) -> list[Path]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(library_module, "scenario_files", refuse)
    problems += load_folder(tmp_path / "dup", Origin.PACK)[1]
    monkeypatch.setattr(library_module, "read_regular", refuse)
    problems += problems_in(tmp_path / "dup" / "a.toml")
    monkeypatch.undo()
    # What the system refuses: a loop of links, a name too long; and a file saved as UTF-16.
    (tmp_path / "loop.toml").symlink_to(tmp_path / "loop.toml")
    problems += problems_in(tmp_path / "loop.toml")
    problems += problems_in(tmp_path / ("n" * 300 + ".toml"))
    (tmp_path / "utf16.toml").write_bytes(VALID.encode("utf-16"))
    problems += problems_in(tmp_path / "utf16.toml")
    (tmp_path / "cr.toml").write_bytes(VALID.replace("\n", "\r").encode("utf-8"))
    problems += problems_in(tmp_path / "cr.toml")
    problems += problems_in(Path("-"))
    write(tmp_path / "notepad", "mine.toml.txt", VALID)
    problems += load_folder(tmp_path / "notepad", Origin.PACK)[1]
    # Bounded reading: a FIFO, a pack too deep and one of too many files.
    os.mkfifo(tmp_path / "stuck.toml")
    problems += problems_in(tmp_path / "stuck.toml")
    (tmp_path / "dup" / "sub").mkdir()
    monkeypatch.setattr(library_module, "MAX_PACK_DEPTH", 0)
    monkeypatch.setattr(library_module, "MAX_PACK_FILES", 1)
    problems += load_folder(tmp_path / "dup", Origin.PACK)[1]
    monkeypatch.undo()

    produced = {p.code for p in problems} | {c for p in problems for c in _phrases(p)}
    for problem in problems:
        english, dutch = problem.text("en"), problem.text("nl")
        assert english and dutch and english != dutch, problem.code
        for value in problem.params.values():
            if isinstance(value, Phrase):
                assert value.text("nl") in dutch and value.text("en") not in dutch, problem.code

    # The check command's own two: a folder without files, one id twice among the given files.
    monkeypatch.setattr(cli, "COMMANDS", ("scenarios",))
    (tmp_path / "empty-pack").mkdir()
    a = write(tmp_path / "twice", "a.toml", VALID)
    b = write(tmp_path / "twice", "b.toml", VALID)
    args = ["scenarios", "check", str(tmp_path / "empty-pack"), str(a), str(b), "--lang", "nl"]
    assert cli.main(args) == 1
    out = capsys.readouterr().out
    assert f"fout  {tmp_path / 'empty-pack'}: geen .toml-scenariobestanden in deze map" in out
    assert f"fout  {b}: id: id 'check-question' in de taal 'en' staat ook in {a}" in out
    produced |= {"folder_no_files", "duplicate_id_check"}

    assert catalog_codes("nl") - produced == UNREACHABLE
    assert produced <= catalog_codes("en")


def test_the_unreachable_band_code_still_has_both_texts() -> None:
    problem = ScenarioProblem(
        Path("x.toml"), "band_invalid", {"detail": "band minimum 5 s"}, key="pattern[2]"
    )
    assert problem.text("en").endswith("(band minimum 5 s)")
    assert problem.text("nl").startswith("target_s, min_s en max_s vormen samen geen geldig bereik")
