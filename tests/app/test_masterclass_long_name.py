"""A participant's name longer than a turn's heading can hold (a pasted sentence, a key held
down) is cut at the name field's limit, so "…'s turn" still fits on one line."""

from __future__ import annotations

from pathlib import Path

from simulator.scenarios.library import Library
from simulator.screens.masterclass import MAX_NAME_CHARS, MasterclassSetupScreen
from simulator.store.history import HistoryStore
from tests.app.test_masterclass import SIZE, masterclass_app, type_line


async def test_a_very_long_name_is_kept_to_the_fields_limit(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    app = masterclass_app(library, store, tmp_path, [])
    async with app.run_test(size=SIZE) as pilot:
        setup = app.screen
        assert isinstance(setup, MasterclassSetupScreen)
        await type_line(pilot, "W" * 200)
        await type_line(pilot, "Ayla")
        assert setup.participants == ["W" * MAX_NAME_CHARS, "Ayla"]
