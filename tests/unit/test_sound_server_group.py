"""The tests that use the sound server run on one worker, one after another (tests/conftest.py):
every test in tests/e2e, and any test marked e2e, is put in one pytest-xdist group."""

from __future__ import annotations

from pathlib import Path

from tests.collected import ROOT, collected_node_ids

E2E = ROOT / "tests" / "e2e"


def test_every_e2e_test_and_no_other_is_in_the_sound_server_group() -> None:
    # Collected with every e2e test, this test alone is outside any group.
    ungrouped = collected_node_ids([E2E, Path(__file__)], "-m", "not xdist_group")
    assert ungrouped == {
        "tests/unit/test_sound_server_group.py::"
        "test_every_e2e_test_and_no_other_is_in_the_sound_server_group"
    }
