"""The tests that use the sound server run on one worker, one after another (tests/conftest.py):
every test in tests/e2e, and any test marked e2e, is put in one pytest-xdist group."""

from __future__ import annotations

from tests.collected import ROOT, collected_node_ids

E2E = ROOT / "tests" / "e2e"


def test_every_e2e_test_and_no_other_is_in_the_sound_server_group() -> None:
    modules = sorted(E2E.glob("test_*.py")) + [ROOT / "tests" / "unit" / "test_start_scripts.py"]
    everything = collected_node_ids(modules)
    grouped = collected_node_ids(modules, "-m", "xdist_group")
    e2e = {nodeid for nodeid in everything if nodeid.startswith("tests/e2e/")}
    assert len(e2e) >= 15
    assert grouped == e2e
