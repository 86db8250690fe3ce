import os
import shutil
from pathlib import Path

import pytest

E2E_DIR = Path(__file__).resolve().parent / "e2e"
# The tests that play and record real sound (a private PulseAudio server, the app in tmux) run
# one after another on a single worker when the suite runs on several (pytest-xdist): they time
# real audio, and two of them at once would compete for the CPU and the sound server.
SOUND_SERVER_GROUP = "sound-server"


def uses_the_sound_server(item: pytest.Item) -> bool:
    """A test in tests/e2e (new ones too), or one marked e2e wherever it is."""
    return item.path.is_relative_to(E2E_DIR) or item.get_closest_marker("e2e") is not None


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if uses_the_sound_server(item):
            item.add_marker(pytest.mark.xdist_group(SOUND_SERVER_GROUP))


@pytest.fixture(scope="session")
def espeak() -> str:
    path = shutil.which("espeak-ng")
    if path is None:
        pytest.fail("espeak-ng is needed for the speech tests (scripts/setup test installs it)")
    return path


@pytest.fixture(scope="session")
def chromium() -> str:
    """A headless browser to print the debrief handout with. ``scripts/setup test`` installs it
    where the system has it as a package (Debian); elsewhere the tests that need it are skipped,
    except in CI (``COACH_SIM_REQUIRE_E2E=1``), where they must run."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        reason = "needs chromium to print the handout (Debian: apt-get install chromium)"
        if os.environ.get("COACH_SIM_REQUIRE_E2E") == "1":
            pytest.fail(reason + "; COACH_SIM_REQUIRE_E2E=1 makes this an error")
        pytest.skip(reason)
    return path
