import shutil

import pytest


@pytest.fixture(scope="session")
def espeak() -> str:
    path = shutil.which("espeak-ng")
    if path is None:
        pytest.fail("espeak-ng is needed for the speech tests (scripts/setup test installs it)")
    return path
