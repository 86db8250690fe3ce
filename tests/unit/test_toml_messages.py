"""tomllib says what is wrong with a scenario file in English only; coach-sim says it in the
reader's language, for every message tomllib has (Python 3.11's parser)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simulator.scenarios.loader import ScenarioError, parse_toml

BROKEN = [
    ('id = "broken\n', "unterminated"),
    ('id = "x\x1b"\n', "illegal"),
    ("id = drie\n", "value"),
    ('id "x"\n', "equals"),
    ("x = 1 2\n", "newline"),
    ("[t\n", "table header"),
    ("[[t\n", "array header"),
    ("x = [1, 2\n", "list"),
    ("x = {a=1\n", "inline table"),
    ("x = {a=1, a=2}\n", "duplicate"),
    ("a = 1\na = 2\n", "twice"),
    ("[a]\n[a]\n", "twice"),
    ('x = "a\\qb"\n', "escape"),
    ('x = "\\uD800"\n', "escape code"),
    ("x = 1979-02-30\n", "date"),
    ("x = 'abc\n", "closing quote"),
    ("= 1\n", "key start"),
    ("x = 'a'\n[\n", "key start"),
]
ENGLISH_TOMLLIB = re.compile(
    r"Illegal character|Unterminated|Invalid (value|statement|initial|date|hex)|Expected|"
    r"Unclosed|Cannot (overwrite|declare|redefine|mutate)|Duplicate|Unescaped|Escaped|Found"
)


def syntax_error(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        parse_toml(text, Path("s.toml"))
    return info.value


@pytest.mark.parametrize(("text", "what"), BROKEN)
def test_every_tomllib_message_reads_in_dutch_and_in_plain_english(text: str, what: str) -> None:
    (problem,) = syntax_error(text).problems
    nl, en = problem.describe("nl"), problem.describe("en")
    assert nl.startswith("s.toml:1") or nl.startswith("s.toml:2")
    assert "TOML-syntaxfout" in nl and not ENGLISH_TOMLLIB.search(nl), nl
    assert "TOML syntax error" in en and not ENGLISH_TOMLLIB.search(en), en
    assert "\x1b" not in nl + en


def test_a_message_tomllib_may_add_later_is_shown_as_it_is() -> None:
    from simulator.scenarios.loader import _toml_detail

    assert _toml_detail("Something new went wrong") == "Something new went wrong"
