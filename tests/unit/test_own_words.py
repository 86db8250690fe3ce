"""The teacher's own moment: own lines used round by round, a name for question → name patterns,
untrusted text bounded and refused when it holds control characters."""

from __future__ import annotations

import pytest

from simulator.audio.pattern import Shape
from simulator.coaching.own_words import (
    MAX_LINE_CHARS,
    MAX_NAME_CHARS,
    OwnWords,
    OwnWordsError,
    own_words,
)
from simulator.scenarios.model import RoundPrompt
from simulator.store.history import OwnPrompt

EXAMPLE = RoundPrompt("About strawberries.", "Which two examples did I give?", name="Kay")
SPS = Shape.SPEECH_PAUSE_SPEECH


def test_empty_fields_keep_the_scenarios_example() -> None:
    words = own_words(["", "  "], "", SPS)
    assert words.empty and words == OwnWords()
    assert words.for_round(1) is None
    assert words.prompt(EXAMPLE, 1, "Your own words.") is EXAMPLE


def test_own_lines_are_used_in_turn_with_the_own_situation_and_name() -> None:
    words = own_words(["What is inflation?", "", "Why do prices rise?"], " Daan ", SPS)
    assert words == OwnWords(("What is inflation?", "Why do prices rise?"), "Daan")
    prompts = [words.prompt(EXAMPLE, n, "Your own words.") for n in (1, 2, 3)]
    assert [p.line for p in prompts] == [
        "What is inflation?",
        "Why do prices rise?",
        "What is inflation?",
    ]
    assert {p.name for p in prompts} == {"Daan"}
    assert {p.situation for p in prompts} == {"Your own words."}
    assert words.for_round(2) == OwnPrompt("Why do prices rise?", "Daan")


def test_a_name_alone_keeps_the_scenarios_questions() -> None:
    words = own_words(["", "", ""], "Noor", SPS)
    prompt = words.prompt(EXAMPLE, 1, "Your own words.")
    assert (prompt.line, prompt.name, prompt.situation) == (
        EXAMPLE.line,
        "Noor",
        EXAMPLE.situation,
    )
    assert words.for_round(1) == OwnPrompt(None, "Noor")


def test_a_name_is_only_kept_where_the_pattern_ends_with_one() -> None:
    assert own_words(["Books out."], "Daan", Shape.TIMED_TURN) == OwnWords(("Books out.",))


@pytest.mark.parametrize(
    ("lines", "name", "field", "reason"),
    [
        (["x" * (MAX_LINE_CHARS + 1)], "", "line-1", "too_long"),
        (["ok", "Kay\x1b[31m?"], "", "line-2", "unsafe"),
        (["ok"], "K" * (MAX_NAME_CHARS + 1), "name", "too_long"),
        (["ok"], "Kay\u202e", "name", "unsafe"),
    ],
)
def test_bad_fields_are_named(lines: list[str], name: str, field: str, reason: str) -> None:
    with pytest.raises(OwnWordsError) as caught:
        own_words(lines, name, SPS)
    assert (caught.value.field, caught.value.error.reason) == (field, reason)
