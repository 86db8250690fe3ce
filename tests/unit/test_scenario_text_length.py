"""A scenario's title and action step are shown as one entry of the scenario list: a file whose
title runs to pages is refused with a message that says how long it is and what is allowed."""

from __future__ import annotations

from simulator.scenarios.loader import MAX_STEP_CHARS, MAX_TITLE_CHARS
from tests.unit.test_scenario_loader import VALID, parse, problems_of


def test_a_title_of_the_longest_allowed_length_is_read() -> None:
    text = VALID.replace('title = "Check question"', f'title = "{"T" * MAX_TITLE_CHARS}"')
    assert parse(text) is not None


def test_a_title_longer_than_a_list_entry_is_refused_with_its_length() -> None:
    text = VALID.replace('title = "Check question"', f'title = "{"T" * 5000}"')
    [problem] = problems_of(text)
    assert (problem.key, problem.code) == ("title", "text_too_long")
    assert "5000" in problem.describe("en") and str(MAX_TITLE_CHARS) in problem.describe("en")
    assert "5000" in problem.describe("nl") and "hooguit" in problem.describe("nl")


def test_an_action_step_that_runs_to_pages_is_refused() -> None:
    step = "Ask the question first, pause, then say the name."
    text = VALID.replace(step, "wait " * MAX_STEP_CHARS)
    assert [(p.key, p.code) for p in problems_of(text)] == [("action_step", "text_too_long")]


def test_a_material_title_is_held_to_the_same_length() -> None:
    material = f'\n[[materials]]\ntitle = "{"M" * 500}"\nkind = "book"\nreference = "Lemov"\n'
    assert [(p.key, p.code) for p in problems_of(VALID + material)] == [
        ("materials[1].title", "text_too_long")
    ]
