"""The scenario loader/validator: every error class names the file and the key path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.audio.pattern import Band, PhaseKind, Shape
from simulator.scenarios.loader import ScenarioError, ScenarioProblem, parse_scenario
from simulator.scenarios.model import STEP_KINDS, Origin

PATH = Path("packs/my-scenario.en.toml")

HEADER = """\
id = "check-question"
language = "en"
title = "Check question"
action_step = "Ask the question first, pause, then say the name."
why = "Everyone thinks."
story = "Mike coaches Jantien."
model_line = "Which two examples did I give? ... Kay?"
"""

SPS_PATTERN = """
[[pattern]]
kind = "speech"
label = "question"

[[pattern]]
kind = "pause"
label = "thinking"
target_s = 3.0
min_s = 2.5
max_s = 4.0

[[pattern]]
kind = "speech"
label = "name"
"""

SPS_PROMPTS = """
[[prompts]]
situation = "Economics."
line = "Which two examples did I just give?"
name = "Kay"

[[prompts]]
situation = "Supply."
line = "What happens to the price when supply falls?"
name = "Sanne"

[[prompts]]
situation = "Graph."
line = "What do we call the price where the curves cross?"
name = "Daan"
"""

VALID = HEADER + SPS_PATTERN + SPS_PROMPTS


def parse(text: str | bytes) -> object:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_scenario(data, PATH, Origin.PACK)


def problems_of(text: str | bytes) -> list[ScenarioProblem]:
    with pytest.raises(ScenarioError) as info:
        parse(text)
    problems = list(info.value.problems)
    assert problems
    assert all(p.path == PATH for p in problems)
    return problems


def keys_of(text: str | bytes) -> list[str | None]:
    return [p.key for p in problems_of(text)]


# -- a valid file --


def test_valid_file_becomes_scenario() -> None:
    scenario = parse_scenario(VALID.encode(), PATH, Origin.USER)
    assert scenario.id == "check-question"
    assert scenario.language == "en"
    assert scenario.rounds == 3  # the default
    assert scenario.origin is Origin.USER
    assert scenario.path == PATH
    assert scenario.research is None
    assert scenario.pattern.shape is Shape.SPEECH_PAUSE_SPEECH
    assert scenario.pattern.band == Band(3.0, 2.5, 4.0)
    assert [p.kind for p in scenario.pattern.phases] == [
        PhaseKind.SPEECH,
        PhaseKind.PAUSE,
        PhaseKind.SPEECH,
    ]
    assert scenario.pattern.measured.label == "thinking"
    assert [p.name for p in scenario.prompts] == ["Kay", "Sanne", "Daan"]
    assert scenario.feedback == ()
    assert scenario.materials == ()


def test_multiline_text_is_reflowed_into_paragraphs() -> None:
    text = VALID.replace(
        'why = "Everyone thinks."',
        'why = """\nEveryone\n  thinks   hard.\n\nSecond   paragraph.\n"""',
    )
    scenario = parse_scenario(text.encode(), PATH)
    assert scenario.why == "Everyone thinks hard.\n\nSecond paragraph."


def test_feedback_and_materials_are_read() -> None:
    text = (
        VALID
        + """
[feedback]
name_first = "Question first, then the name."
no_pause = "Leave a silence."

[[materials]]
title = "Wait-time: slowing down may be a way of speeding up!"
kind = "article"
reference = "Rowe (1986), Journal of Teacher Education."
"""
    )
    scenario = parse_scenario(text.encode(), PATH)
    assert scenario.feedback_text("name_first") == "Question first, then the name."
    assert scenario.feedback_text("no_pause") == "Leave a silence."
    assert scenario.feedback_text("praise_on_target") is None
    assert len(scenario.materials) == 1
    assert scenario.materials[0].kind == "article"


def test_utf8_byte_order_mark_is_accepted() -> None:
    scenario = parse(b"\xef\xbb\xbf" + VALID.encode())
    assert getattr(scenario, "id", None) == "check-question"


# -- file-level problems --


def test_empty_file() -> None:
    for data in (b"", b"   \n\n"):
        (problem,) = problems_of(data)
        assert "empty" in problem.message


def test_only_comments() -> None:
    (problem,) = problems_of("# just a comment\n")
    assert "no scenario" in problem.message


def test_binary_file() -> None:
    (problem,) = problems_of(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "binary" in problem.message


def test_not_utf8_names_line_and_column() -> None:
    data = VALID.replace('title = "Check question"', 'title = "Caf\xe9"').encode("latin-1")
    (problem,) = problems_of(data)
    assert "UTF-8" in problem.message
    assert problem.line == 3
    assert problem.column == 13
    assert str(problem).startswith(f"{PATH}:3:13: ")


def test_huge_file() -> None:
    (problem,) = problems_of(b"# " + b"x" * 300_000)
    assert "KiB" in problem.message


def test_toml_syntax_error_has_line_and_column() -> None:
    text = VALID.replace('title = "Check question"', "title = Check question")
    (problem,) = problems_of(text)
    assert problem.line == 3
    assert problem.column == 9
    assert "TOML syntax error" in problem.message
    assert str(problem).startswith(f"{PATH}:3:9: TOML syntax error")


def test_toml_error_at_end_of_document() -> None:
    (problem,) = problems_of(VALID + "rounds = ")
    assert problem.line is not None
    assert "end of the file" in problem.message


def test_deep_nesting_is_a_message() -> None:
    (problem,) = problems_of("x = " + "[" * 5000 + "]" * 5000)
    assert problem.message.startswith("tables or lists are nested more than 16 levels deep")
    assert problem.line == 1


# -- keys, types and values --


def test_unknown_key_suggests_closest() -> None:
    # The missing title is also reported; the unknown key comes with a suggestion.
    problems = problems_of(VALID.replace("title =", "titel ="))
    by_key = {p.key: p.message for p in problems}
    assert "did you mean 'title'?" in by_key["titel"]
    assert by_key["title"] == "missing (required)"


def test_unknown_key_in_prompt_names_key_path() -> None:
    text = VALID.replace('name = "Sanne"', 'nme = "Sanne"')
    by_key = {p.key: p.message for p in problems_of(text)}
    assert "did you mean 'name'?" in by_key["prompts[2].nme"]
    assert "every round needs a name" in by_key["prompts[2].name"]


def test_unknown_key_without_close_match_lists_valid_keys() -> None:
    by_key = {p.key: p.message for p in problems_of(VALID + '\n[feedback]\nzzz = "x"\n')}
    assert "valid keys:" in by_key["feedback.zzz"]
    assert "praise_on_target" in by_key["feedback.zzz"]


def test_unknown_phase_key() -> None:
    text = VALID.replace("target_s = 3.0", "target = 3.0\ntarget_s = 3.0")
    by_key = {p.key: p.message for p in problems_of(text)}
    assert "did you mean 'target_s'?" in by_key["pattern[2].target"]


@pytest.mark.parametrize(
    ("old", "new", "key", "fragment"),
    [
        ('title = "Check question"', "title = 3", "title", "not a number (3)"),
        ('title = "Check question"', 'title = "   "', "title", "must not be empty"),
        ('language = "en"', 'language = "de"', "language", "use 'nl' or 'en'"),
        ('language = "en"', 'language = "EN"', "language", "did you mean 'en'?"),
        ('id = "check-question"', 'id = "Check Question!"', "id", "lowercase letters"),
        ('label = "thinking"', "label = true", "pattern[2].label", "true/false"),
        ('kind = "pause"', 'kind = "silence"', "pattern[2].kind", "speech, pause, cue"),
        ("target_s = 3.0", 'target_s = "3"', "pattern[2].target_s", "number of seconds"),
        ("target_s = 3.0", "target_s = -1.0", "pattern[2].target_s", "negative"),
        ("target_s = 3.0", "target_s = nan", "pattern[2].target_s", "finite"),
        ("max_s = 4.0", "max_s = inf", "pattern[2].max_s", "finite"),
        ("max_s = 4.0", "max_s = 500", "pattern[2].max_s", "at most 120"),
        ("min_s = 2.5", "min_s = 5.0", "pattern[2].min_s", "above max_s"),
        ("target_s = 3.0", "target_s = 9.0", "pattern[2].target_s", "outside"),
        ("max_s = 4.0", "max_s = 1979-05-27", "pattern[2].max_s", "date"),
        ('line = "Which two examples did I just give?"', "line = ''", "prompts[1].line", "empty"),
        ('situation = "Graph."', "situation = [1, 2]", "prompts[3].situation", "a list"),
    ],
)
def test_wrong_types_and_impossible_values(old: str, new: str, key: str, fragment: str) -> None:
    assert old in VALID
    problems = problems_of(VALID.replace(old, new, 1))
    messages = [p.message for p in problems if p.key == key]
    assert messages, f"no problem at {key}: {problems}"
    assert any(fragment in m for m in messages), messages


def test_band_with_zero_maximum() -> None:
    text = VALID.replace("target_s = 3.0", "target_s = 0").replace("min_s = 2.5", "min_s = 0")
    by_key = {p.key: p.message for p in problems_of(text.replace("max_s = 4.0", "max_s = 0"))}
    assert "above 0" in by_key["pattern[2].max_s"]


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("0", "at least 1"),
        ("-2", "at least 1"),
        ("11", "at most 10"),
        ("2.5", "whole number"),
        ("true", "whole number"),
    ],
)
def test_rounds(value: str, fragment: str) -> None:
    by_key = {
        p.key: p.message
        for p in problems_of(HEADER + f"rounds = {value}\n" + SPS_PATTERN + SPS_PROMPTS)
    }
    assert fragment in by_key["rounds"]


def test_missing_required_keys_all_reported() -> None:
    keys = keys_of('id = "x"\n')
    for key in (
        "language",
        "title",
        "action_step",
        "why",
        "story",
        "model_line",
        "pattern",
        "prompts",
    ):
        assert key in keys


def test_prompts_as_single_table() -> None:
    text = HEADER + SPS_PATTERN + '\n[prompts]\nsituation = "a"\nline = "b"\nname = "c"\n'
    by_key = {p.key: p.message for p in problems_of(text)}
    assert "[[prompts]]" in by_key["prompts"]


def test_empty_prompts_list() -> None:
    by_key = {p.key: p.message for p in problems_of(HEADER + "prompts = []\n" + SPS_PATTERN)}
    assert "must not be empty" in by_key["prompts"]


def test_name_missing_for_question_pause_name() -> None:
    text = VALID.replace('name = "Daan"\n', "")
    by_key = {p.key: p.message for p in problems_of(text)}
    assert "every round needs a name" in by_key["prompts[3].name"]


def test_cue_missing_for_cue_pattern() -> None:
    pattern = SPS_PATTERN.replace(
        'kind = "speech"\nlabel = "question"', 'kind = "cue"\nlabel = "answer"'
    )
    prompts = SPS_PROMPTS.replace('name = "Kay"', 'name = "Kay"\ncue = "Because."').replace(
        'name = "Daan"', 'name = "Daan"\ncue = "Equilibrium."'
    )
    by_key = {p.key: p.message for p in problems_of(HEADER + pattern + prompts)}
    assert list(by_key) == ["prompts[2].cue"]
    assert "the words the student says" in by_key["prompts[2].cue"]


def test_cue_pattern_loads_with_cues() -> None:
    pattern = SPS_PATTERN.replace(
        'kind = "speech"\nlabel = "question"', 'kind = "cue"\nlabel = "answer"'
    )
    prompts = re.sub(r'(name = "\w+")', r'\1\ncue = "An answer."', SPS_PROMPTS)
    scenario = parse_scenario((HEADER + pattern + prompts).encode(), PATH)
    assert scenario.pattern.shape is Shape.CUE_PAUSE_SPEECH
    assert [p.cue for p in scenario.prompts] == ["An answer."] * 3


def test_cue_not_allowed_for_question_pause_name() -> None:
    text = VALID.replace('name = "Kay"', 'name = "Kay"\ncue = "Hello"')
    by_key = {p.key: p.message for p in problems_of(text)}
    assert "cue → pause → speech" in by_key["prompts[1].cue"]


TIMED = """
[[pattern]]
kind = "speech"
label = "direction"
target_s = 4
min_s = 0.5
max_s = 6
"""


def test_timed_turn_loads_and_rejects_names() -> None:
    prompts = re.sub(r'name = "\w+"\n', "", SPS_PROMPTS)
    scenario = parse_scenario((HEADER + TIMED + prompts).encode(), PATH)
    assert scenario.pattern.shape is Shape.TIMED_TURN
    assert scenario.pattern.band == Band(4.0, 0.5, 6.0)
    by_key = {p.key: p.message for p in problems_of(HEADER + TIMED + SPS_PROMPTS)}
    assert set(by_key) == {"prompts[1].name", "prompts[2].name", "prompts[3].name"}


def test_fewer_distinct_prompts_than_rounds() -> None:
    text = VALID.replace(
        "What happens to the price when supply falls?", "Which two  examples did I just GIVE?"
    )
    by_key = {p.key: p.message for p in problems_of(text)}
    assert "2 different prompt lines for 3 rounds" in by_key["prompts"]
    # Two rounds are fine with two distinct prompts.
    assert parse_scenario(text.replace(HEADER, HEADER + "rounds = 2\n").encode(), PATH).rounds == 2
    # One line for every round is worded in the singular.
    one = text.replace("What do we call the price where the curves cross?", "Which two examples?")
    one = one.replace("Which two examples?", "which two examples did i just give?")
    by_key = {p.key: p.message for p in problems_of(one)}
    assert by_key["prompts"].startswith("one prompt line for 3 rounds;")


def test_no_measured_phase() -> None:
    text = (
        HEADER + SPS_PATTERN.replace("target_s = 3.0\nmin_s = 2.5\nmax_s = 4.0\n", "") + SPS_PROMPTS
    )
    by_key = {p.key: p.message for p in problems_of(text)}
    assert "exactly one phase" in by_key["pattern"]
    assert "found none" in by_key["pattern"]


def test_two_measured_phases() -> None:
    text = VALID.replace('label = "name"', 'label = "name"\ntarget_s = 1\nmin_s = 0\nmax_s = 2')
    by_key = {p.key: p.message for p in problems_of(text)}
    assert "pattern[2], pattern[3]" in by_key["pattern"]


def test_band_missing_one_bound() -> None:
    by_key = {p.key: p.message for p in problems_of(VALID.replace("max_s = 4.0\n", ""))}
    assert "target_s, min_s and max_s" in by_key["pattern[2].max_s"]


def test_unsupported_sequence_is_a_clear_error() -> None:
    pattern = """
[[pattern]]
kind = "pause"
label = "silence"
target_s = 3
min_s = 2
max_s = 4

[[pattern]]
kind = "speech"
label = "question"
"""
    by_key = {p.key: p.message for p in problems_of(HEADER + pattern + SPS_PROMPTS)}
    assert "unsupported phase sequence pause → speech" in by_key["pattern"]


def test_material_kind_and_missing_reference() -> None:
    text = VALID + '\n[[materials]]\ntitle = "A blog"\nkind = "blog"\n'
    by_key = {p.key: p.message for p in problems_of(text)}
    assert "article, video, podcast, book" in by_key["materials[1].kind"]
    assert by_key["materials[1].reference"] == "missing (required)"


def test_feedback_must_be_table_of_texts() -> None:
    by_key = {
        p.key: p.message for p in problems_of(VALID.replace(HEADER, HEADER + "feedback = 3\n"))
    }
    assert "[feedback] table" in by_key["feedback"]
    by_key = {p.key: p.message for p in problems_of(VALID + "\n[feedback]\nno_pause = 1\n")}
    assert "text in quotes" in by_key["feedback.no_pause"]


def test_feedback_placeholders() -> None:
    text = VALID + '\n[feedback]\nnext_too_short = "Only {value}; aim for {target}. {{sic}}"\n'
    scenario = parse_scenario(text.encode(), PATH)
    assert scenario.feedback_text("next_too_short") == "Only {value}; aim for {target}. {{sic}}"
    by_key = {p.key: p.message for p in problems_of(VALID + '\n[feedback]\nno_pause = "{pauze}"\n')}
    assert "unknown placeholder {pauze}" in by_key["feedback.no_pause"]
    assert "{value}" in by_key["feedback.no_pause"]
    by_key = {p.key: p.message for p in problems_of(VALID + '\n[feedback]\nno_pause = "a { b"\n')}
    assert "broken placeholder" in by_key["feedback.no_pause"]


def test_error_string_lists_every_problem_with_file_and_key() -> None:
    text = VALID.replace('language = "en"', 'language = "fr"').replace("min_s = 2.5", "min_s = 9")
    with pytest.raises(ScenarioError) as info:
        parse(text)
    lines = str(info.value).splitlines()
    assert f"{PATH}: language: 'fr' is not supported; use 'nl' or 'en'" in lines
    assert any(line.startswith(f"{PATH}: pattern[2].min_s: ") for line in lines)


# -- fuzzing: whatever the bytes, only ScenarioError --

_keys = st.sampled_from(
    [
        "id",
        "language",
        "title",
        "rounds",
        "pattern",
        "prompts",
        "feedback",
        "materials",
        "kind",
        "label",
        "target_s",
        "min_s",
        "max_s",
        "name",
        "cue",
        "line",
        "situation",
        "x",
    ]
)
_scalars = st.one_of(
    st.integers(-5, 20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda f: repr(f).replace("inf", "inf")),
    st.sampled_from(
        [
            '"nl"',
            '"en"',
            '""',
            '"speech"',
            '"pause"',
            '"cue"',
            "true",
            "[]",
            "{}",
            "1979-05-27",
            '"a"',
            "[1, 'x']",
        ]
    ),
)


@st.composite
def _toml_like(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 12))):
        choice = draw(st.integers(0, 3))
        if choice == 0:
            lines.append(f"[[{draw(_keys)}]]")
        elif choice == 1:
            lines.append(f"[{draw(_keys)}]")
        else:
            lines.append(f"{draw(_keys)} = {draw(_scalars)}")
    return "\n".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_fuzz_bytes_only_raise_scenario_error(data: bytes) -> None:
    try:
        parse_scenario(data, PATH)
    except ScenarioError as exc:
        assert exc.problems and all(isinstance(str(p), str) for p in exc.problems)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_toml_like())
def test_fuzz_toml_structures_only_raise_scenario_error(text: str) -> None:
    try:
        parse_scenario(text.encode(), PATH)
    except ScenarioError as exc:
        assert all(p.path == PATH for p in exc.problems)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, len(VALID)),
    st.integers(0, 20),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=8),
)
def test_fuzz_mutated_valid_file_only_raises_scenario_error(at: int, cut: int, insert: str) -> None:
    text = VALID[:at] + insert + VALID[at + cut :]
    try:
        scenario = parse_scenario(text.encode("utf-8", "surrogatepass"), PATH)
    except ScenarioError:
        return
    assert scenario.pattern.shape in set(Shape)


def test_the_kind_of_step_is_read_and_fits_the_pattern() -> None:
    from simulator.coaching.feedback import kind_for
    from simulator.coaching.plan import StepKind

    prompts = SPS_PROMPTS
    for name in ("Kay", "Sanne", "Daan"):
        prompts = prompts.replace(f'name = "{name}"\n', "")
    text = HEADER + 'step = "compliment"\n' + TIMED + prompts
    timed = parse_scenario(text.encode(), PATH)
    assert timed.step == "compliment"
    assert kind_for(timed, timed.pattern.shape) is StepKind.COMPLIMENT
    plain = parse_scenario(VALID.encode(), PATH)
    assert plain.step is None
    assert kind_for(plain, plain.pattern.shape) is StepKind.QUESTION
    assert set(STEP_KINDS) == {k.value for k in StepKind}
