"""A control character in a scenario file or a typed line is named by its standard abbreviation,
not by the English words "control character" in the middle of a Dutch message."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.scenarios.loader import ScenarioError, parse_scenario
from simulator.scenarios.model import Origin
from simulator.text import TypedTextError, find_unsafe, typed_text
from tests.unit.test_scenario_loader import VALID


@pytest.mark.parametrize(
    ("char", "name"),
    [("\x00", "NUL"), ("\x07", "BEL"), ("\x1b", "ESC"), ("\x7f", "DEL"), ("\x9b", "CSI")],
)
def test_control_characters_have_their_abbreviation(char: str, name: str) -> None:
    unsafe = find_unsafe(f"a{char}b")
    assert unsafe is not None and unsafe.name == name


@pytest.mark.parametrize(
    ("char", "name"),
    [("\u202e", "RLO"), ("\u2066", "LRI"), ("\u200b", "ZWSP"), ("\ufeff", "ZWNBSP"),
     ("\u2028", "LSEP")],
)  # fmt: skip
def test_a_bidi_or_zero_width_character_has_its_abbreviation(char: str, name: str) -> None:
    unsafe = find_unsafe(f"a{char}b")
    assert unsafe is not None and unsafe.name == name


def test_another_format_character_keeps_its_unicode_name() -> None:
    unsafe = find_unsafe("a\U000e0041b")  # a tag character
    assert unsafe is not None and unsafe.name == "tag latin capital letter a"


def test_a_scenario_title_with_an_escape_reads_in_dutch() -> None:
    text = VALID.replace('title = "Check question"', 'title = "Check \\u001b[31m question"')
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text.encode(), Path("x.toml"), Origin.PACK)
    (problem,) = info.value.problems
    dutch = problem.describe("nl")
    assert "(\\u001b, ESC)" in dutch and "control character" not in dutch


def test_a_typed_line_with_a_bell_names_it() -> None:
    with pytest.raises(TypedTextError) as info:
        typed_text("Kay\x07", 40)
    assert info.value.params == {"code": "\\u0007", "name": "BEL"}
