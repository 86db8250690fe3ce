"""The scenario library: built-in scenarios, packs, the user's folder, overrides, skipped files."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from simulator.audio.pattern import Band, Shape
from simulator.scenarios import Origin, load_folder, load_library
from simulator.scenarios.library import builtin_dir, user_dir
from simulator.scenarios.loader import parse_scenario
from simulator.scenarios.model import FEEDBACK_KEYS, LANGUAGES, MATERIAL_KINDS

REPO = Path(__file__).resolve().parents[2]
SHIPPED_IDS = {
    "check-question",
    "cold-call-think-time",
    "wait-time-after-answer",
    "economy-of-language",
    "debrief-praise",
}


def scenario_text(scenario_id: str = "demo", language: str = "en", title: str = "Demo") -> str:
    return f'''\
id = "{scenario_id}"
language = "{language}"
title = "{title}"
action_step = "Give a direction in one breath."
why = "Short directions are followed."
story = "Sophie coaches Thomas."
model_line = "Books closed. Pens down."
rounds = 2

[[pattern]]
kind = "speech"
label = "direction"
target_s = 4
min_s = 0.5
max_s = 6

[[prompts]]
situation = "End of the lesson."
line = "Books closed, pens away."

[[prompts]]
situation = "Start of pair work."
line = "With your partner: read and underline two arguments."
'''


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# -- the shipped library --


@pytest.fixture(scope="module")
def shipped() -> tuple:  # type: ignore[type-arg]
    return load_folder(builtin_dir(), Origin.BUILT_IN)


def test_builtin_dir_is_the_repository_folder_in_a_checkout() -> None:
    assert builtin_dir().resolve() == (REPO / "scenarios").resolve()
    assert not (REPO / "scenarios" / ".keep").exists()


def test_every_shipped_scenario_loads(shipped: tuple) -> None:  # type: ignore[type-arg]
    scenarios, problems = shipped
    assert problems == ()
    assert len(scenarios) == len(list((REPO / "scenarios").glob("*.toml"))) == 10
    assert {s.id for s in scenarios} == SHIPPED_IDS


def test_every_id_has_both_languages(shipped: tuple) -> None:  # type: ignore[type-arg]
    scenarios, _ = shipped
    for scenario_id in SHIPPED_IDS:
        languages = sorted(s.language for s in scenarios if s.id == scenario_id)
        assert languages == sorted(LANGUAGES), scenario_id


def test_file_names_follow_id_and_language(shipped: tuple) -> None:  # type: ignore[type-arg]
    scenarios, _ = shipped
    for s in scenarios:
        assert s.path.name == f"{s.id}.{s.language}.toml"


def test_shipped_rounds_have_distinct_prompts(shipped: tuple) -> None:  # type: ignore[type-arg]
    scenarios, _ = shipped
    for s in scenarios:
        assert s.rounds == 3, s.path
        prompts = [s.prompt_for(n) for n in range(1, s.rounds + 1)]
        assert len({p.line for p in prompts}) == s.rounds, s.path
        assert len({p.situation for p in prompts}) == s.rounds, s.path
        if s.pattern.shape is Shape.SPEECH_PAUSE_SPEECH:
            assert len({p.name for p in prompts}) == s.rounds, s.path
        if s.pattern.shape is Shape.CUE_PAUSE_SPEECH:
            assert len({p.cue for p in prompts}) == s.rounds, s.path
            assert all(p.cue and len(p.cue.split()) <= 12 for p in prompts), s.path


def test_shipped_patterns(shipped: tuple) -> None:  # type: ignore[type-arg]
    scenarios, _ = shipped
    shapes = {
        "check-question": (Shape.SPEECH_PAUSE_SPEECH, Band(3.0, 2.5, 4.0)),
        "cold-call-think-time": (Shape.SPEECH_PAUSE_SPEECH, Band(5.0, 4.0, 7.0)),
        "wait-time-after-answer": (Shape.CUE_PAUSE_SPEECH, Band(3.0, 2.5, 5.0)),
        "economy-of-language": (Shape.TIMED_TURN, Band(4.0, 1.0, 6.0)),
        "debrief-praise": (Shape.TIMED_TURN, Band(8.0, 3.0, 12.0)),
    }
    for s in scenarios:
        assert (s.pattern.shape, s.pattern.band) == shapes[s.id], s.path


def test_shipped_texts_and_materials(shipped: tuple) -> None:  # type: ignore[type-arg]
    scenarios, _ = shipped
    for s in scenarios:
        assert s.materials, s.path
        assert all(m.kind in MATERIAL_KINDS for m in s.materials)
        assert all(key in FEEDBACK_KEYS for key, _ in s.feedback)
        # No invented web addresses in the shipped materials.
        assert not any(re.search(r"https?://", m.reference) for m in s.materials), s.path
    flagship = next(s for s in scenarios if s.id == "check-question" and s.language == "nl")
    assert "Jantien" in flagship.story and "Mike" in flagship.story
    assert flagship.prompts[0].name == "Kay"
    assert flagship.research is not None and "Rowe" in flagship.research
    assert any("Rowe" in m.reference and "1986" in m.reference for m in flagship.materials)


def test_docs_example_is_a_valid_scenario() -> None:
    text = (REPO / "docs" / "scenarios.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, re.S)
    example = next(b for b in blocks if b.lstrip().startswith("# Lines starting"))
    tomllib.loads(example)
    scenario = parse_scenario(example.encode(), Path("docs/scenarios.md"))
    assert scenario.pattern.shape is Shape.SPEECH_PAUSE_SPEECH
    assert scenario.feedback and scenario.materials


# -- folders, skipped files, duplicates --


def test_bad_files_never_stop_the_others(tmp_path: Path) -> None:
    write(tmp_path, "a-good.toml", scenario_text("good"))
    write(tmp_path, "b-empty.toml", "")
    write(tmp_path, "c-binary.toml", b"\x00\x01\x02")
    write(tmp_path, "d-latin1.toml", scenario_text("latin", title="Caf\xe9").encode("latin-1"))
    write(tmp_path, "e-syntax.toml", "id = \n")
    write(tmp_path, "sub/f-good.toml", scenario_text("nested"))
    write(tmp_path, "notes.txt", "not a scenario")
    write(tmp_path, ".hidden/g.toml", "broken = ")
    scenarios, problems = load_folder(tmp_path, Origin.PACK)
    assert sorted(s.id for s in scenarios) == ["good", "nested"]
    assert all(s.origin is Origin.PACK for s in scenarios)
    skipped = {p.path.name: p for p in problems}
    assert set(skipped) == {"b-empty.toml", "c-binary.toml", "d-latin1.toml", "e-syntax.toml"}
    assert "empty" in skipped["b-empty.toml"].message
    assert "binary" in skipped["c-binary.toml"].message
    assert "UTF-8" in skipped["d-latin1.toml"].message
    assert skipped["e-syntax.toml"].line == 1


def test_duplicate_id_and_language_in_one_folder(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", scenario_text("same", title="First"))
    write(tmp_path, "b.toml", scenario_text("same", title="Second"))
    write(tmp_path, "c.toml", scenario_text("same", language="nl", title="Dutch"))
    scenarios, problems = load_folder(tmp_path, Origin.PACK)
    assert sorted((s.title, s.language) for s in scenarios) == [("Dutch", "nl"), ("First", "en")]
    (problem,) = problems
    assert problem.path.name == "b.toml"
    assert problem.key == "id"
    assert "already defined in" in problem.message and "a.toml" in problem.message


def test_missing_pack_folder_is_a_problem(tmp_path: Path) -> None:
    scenarios, problems = load_folder(tmp_path / "nope", Origin.PACK)
    assert scenarios == ()
    assert [p.message for p in problems] == ["scenario folder not found"]


def test_user_wins_over_pack_wins_over_builtin(tmp_path: Path) -> None:
    builtin = tmp_path / "builtin"
    pack = tmp_path / "pack"
    user = tmp_path / "user"
    write(builtin, "x.toml", scenario_text("x", title="Built-in X"))
    write(builtin, "y.toml", scenario_text("y", title="Built-in Y"))
    write(builtin, "z.toml", scenario_text("z", title="Built-in Z"))
    write(pack, "x.toml", scenario_text("x", title="Pack X"))
    write(pack, "y.toml", scenario_text("y", title="Pack Y"))
    write(pack, "bad.toml", "title = 3")
    write(user, "x.toml", scenario_text("x", title="User X"))
    library = load_library([pack], builtin=builtin, user=user)
    assert [(s.id, s.title, s.origin) for s in library.scenarios] == [
        ("x", "User X", Origin.USER),
        ("y", "Pack Y", Origin.PACK),
        ("z", "Built-in Z", Origin.BUILT_IN),
    ]
    x = library.find("x", "en")
    assert x is not None
    assert [(s.title, s.origin) for s in library.overrides_of(x)] == [
        ("Built-in X", Origin.BUILT_IN),
        ("Pack X", Origin.PACK),
    ]
    assert [p.path.name for p in library.problems] == ["bad.toml"] * len(library.problems)
    assert library.find("x", "nl") is None
    assert library.ids() == ("x", "y", "z")
    assert library.languages_of("x") == ("en",)
    assert library.languages_of("nope") == ()


def test_later_pack_wins_and_missing_user_folder_is_fine(tmp_path: Path) -> None:
    write(tmp_path / "p1", "x.toml", scenario_text("x", title="First pack"))
    write(tmp_path / "p2", "x.toml", scenario_text("x", title="Second pack"))
    library = load_library(
        [tmp_path / "p1", str(tmp_path / "p2")], builtin=tmp_path / "p1", user=tmp_path / "none"
    )
    x = library.find("x", "en")
    assert x is not None and x.title == "Second pack"
    assert library.problems == ()


def test_user_dir_follows_coach_sim_home(tmp_path: Path) -> None:
    assert user_dir({"COACH_SIM_HOME": str(tmp_path)}) == tmp_path / "scenarios"
    default = user_dir({})
    assert default.name == "scenarios" and "coach-sim" in str(default)


def test_load_library_reads_user_folder_from_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_SIM_HOME", str(tmp_path))
    write(tmp_path / "scenarios", "mine.toml", scenario_text("check-question", title="Mine"))
    library = load_library()
    mine = library.find("check-question", "en")
    assert mine is not None and mine.title == "Mine" and mine.origin is Origin.USER
    assert [s.origin for s in library.overrides_of(mine)] == [Origin.BUILT_IN]
    nl = library.find("check-question", "nl")
    assert nl is not None and nl.origin is Origin.BUILT_IN
    assert set(library.ids()) == SHIPPED_IDS


def test_core_does_not_import_ui_or_audio_hardware() -> None:
    import subprocess
    import sys

    code = (
        "import sys, simulator.scenarios, simulator.commands.list_scenarios;"
        "print('textual' in sys.modules, 'sounddevice' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
