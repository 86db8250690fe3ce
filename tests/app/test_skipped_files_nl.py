"""The home screen says why a scenario file was skipped in the app's language."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.app import SimulatorApp, make_app
from simulator.scenarios.library import load_library
from simulator.store.history import HistoryStore
from simulator.store.settings import Settings
from tests.app.conftest import Rounds


def app_with_broken_pack(tmp_path: Path, store: HistoryStore, lang: str) -> SimulatorApp:
    pack = tmp_path / "pack"
    pack.mkdir(exist_ok=True)
    (pack / "broken.toml").write_text(
        'id = "broken"\nlanguage = "nl"\ntitel = "Typfout"\n', encoding="utf-8"
    )
    return make_app(
        source_factory=Rounds([]),
        library=load_library([pack], user=tmp_path / "no-user-folder"),
        store=store,
        settings=Settings(),
        settings_path=tmp_path / "settings.json",
        lang=lang,
    )


@pytest.mark.parametrize(
    ("lang", "title", "expected", "not_expected"),
    [
        (
            "nl",
            "Scenariobestanden overgeslagen: 1",
            "titel: onbekende sleutel; bedoel je 'title'?",
            "did you mean",
        ),
        (
            "en",
            "Scenario files skipped: 1",
            "titel: unknown key; did you mean 'title'?",
            "bedoel je",
        ),
    ],
)
async def test_home_shows_the_skipped_file_s_problem_in_the_app_s_language(
    store: HistoryStore, tmp_path: Path, lang: str, title: str, expected: str, not_expected: str
) -> None:
    app = app_with_broken_pack(tmp_path, store, lang)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        notes = [n for n in app._notifications if n.title == title]  # noqa: SLF001
        assert len(notes) == 1, [n.title for n in app._notifications]  # noqa: SLF001
        message = notes[0].message
        # Only the first problem of each file is shown: here the misspelt key.
        first = message.splitlines()[0]
        assert first.startswith(str(tmp_path / "pack" / "broken.toml"))
        assert first.endswith(expected), first
        assert not_expected not in message
