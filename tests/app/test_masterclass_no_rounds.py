"""A participant skipped before taking any round: the group view and the printed handout count
them the same way (counted, "1 without rounds"), and the handout lists them as "no rounds"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simulator.scenarios.library import Library
from simulator.screens.masterclass import GroupScreen
from simulator.store.history import HistoryStore
from tests.app.conftest import speech_round
from tests.app.test_masterclass import SIZE, masterclass_app, take_round, text
from tests.app.test_masterclass_unsaved import start

pytestmark = pytest.mark.espeak


@pytest.mark.parametrize(
    ("lang", "title", "cell"),
    [
        ("en", "2 participants (1 without rounds)", "no rounds (skipped)"),
        ("nl", "2 deelnemers (1 zonder rondes)", "geen rondes (overgeslagen)"),
    ],
)
async def test_group_view_and_handout_count_a_participant_without_rounds_alike(
    library: Library, store: HistoryStore, tmp_path: Path, lang: str, title: str, cell: str
) -> None:
    app = masterclass_app(library, store, tmp_path, [speech_round(2.9)])
    app.lang = lang
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, ("Anna", "Bram"))
        await pilot.press("k")  # Anna takes no round at all
        await pilot.pause()
        await take_round(app, pilot)  # Bram takes one, then leaves the rest
        await pilot.press("k")
        await pilot.pause()
        group = app.screen
        assert isinstance(group, GroupScreen) and group.final
        assert text(app, "#group-intro").endswith(title)
        await pilot.press("c")
        await pilot.pause()
        assert group.handout is not None
        handout = Path(group.handout).read_text(encoding="utf-8")
    counted = re.search(r"<dd>([^<]*)</dd>\s*</dl>", handout)  # the last line of the header
    assert counted is not None and counted.group(1) == "2" + title[title.index(" (") :]
    assert f'<tr><td>P1</td><td class="skip" colspan="3">{cell}</td></tr>' in handout
    assert "<tr><td>P2</td>" in handout
