"""What a first-time user ran into, driving the real app: each test holds one finding fixed.

The words on a screen agree with its footer; a key that seems to do nothing says why; a count
of one reads in the singular.
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import pytest
from textual.widgets import Input, Static

from simulator.app import SimulatorApp, make_app
from simulator.audio.pattern import question_pause_name
from simulator.rehearsal.masterclass import Turns
from simulator.rehearsal.round import RoundPhase
from simulator.scenarios.library import Library
from simulator.scenarios.model import Scenario
from simulator.screens.masterclass import GroupScreen, Masterclass, earlier_line
from simulator.screens.own_words import OwnWordsDialog
from simulator.screens.practice import PracticeScreen
from simulator.store.history import HistoryStore
from simulator.store.settings import Settings
from simulator.widgets.progress_chart import trend_text
from tests.app.conftest import Rounds
from tests.unit.test_export import sps


def plain_app(
    library: Library,
    tmp_path: Path,
    lang: str,
    scenario: Scenario | None = None,
    *,
    masterclass: bool = False,
) -> SimulatorApp:
    return make_app(
        source_factory=Rounds([]),
        library=library,
        store=HistoryStore(tmp_path / "history.sqlite3"),
        settings=Settings(),
        settings_path=tmp_path / "settings.json",
        lang=lang,
        scenario=scenario,
        masterclass=masterclass,
        export_dir=tmp_path / "exports",
    )


def group_of(library: Library, lang: str, people: int) -> Masterclass:
    scenario = library.find("check-question", lang)
    assert scenario is not None
    names = tuple(f"P{i}" for i in range(people))
    results = MappingProxyType({i: (sps(3.0), sps(1.0), sps(3.2)) for i in range(people)})
    turns = Turns(names, current=people, results=results)
    return Masterclass(scenario, turns, lang=lang)


def hints(app: SimulatorApp) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(".hint").results(Static))


def footer_words(app: SimulatorApp, key: str) -> str:
    return app.screen.active_bindings[key].binding.description


async def test_the_final_group_view_says_esc_finishes_as_its_footer_does(
    library: Library, tmp_path: Path
) -> None:
    """After the last turn Esc ends the masterclass: the footer says "Afronden", and so must
    the line above it (it said "Esc: terug")."""
    app = plain_app(library, tmp_path, "nl")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(GroupScreen(group_of(library, "nl", 2), final=True))
        await pilot.pause()
        assert footer_words(app, "escape") == "Afronden"
        assert "Esc: afronden" in hints(app) and "Esc: terug" not in hints(app)
        app.pop_screen()
        await pilot.pause()
        await app.push_screen(GroupScreen(group_of(library, "nl", 2), final=False))
        await pilot.pause()
        assert footer_words(app, "escape") == "Terug"
        assert "Esc: terug" in hints(app)


async def test_a_group_of_one_reads_in_the_singular(library: Library, tmp_path: Path) -> None:
    """Not "1 participants" / "1 deelnemers": the group view and the earlier masterclasses."""
    store = HistoryStore(tmp_path / "history.sqlite3")
    masterclass = store.start_masterclass("check-question", "nl", participants=1, names_kept=False)
    turn = store.start_session("check-question", "nl", turn=(masterclass, 1))
    store.save_round(turn, 1, sps(3.0))
    (stored,) = store.masterclasses()
    assert "· 1 deelnemer ·" in earlier_line(stored, library, "nl")
    assert "· 1 participant ·" in earlier_line(stored, library, "en")
    app = plain_app(library, tmp_path, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(GroupScreen(group_of(library, "en", 1), final=True))
        await pilot.pause()
        title = str(app.screen.query_one("#group-intro", Static).render())
        assert title.endswith("· 1 participant")
        app.pop_screen()
        await pilot.pause()
        await app.push_screen(GroupScreen(group_of(library, "en", 2), final=True))
        await pilot.pause()
        title = str(app.screen.query_one("#group-intro", Static).render())
        assert title.endswith("· 2 participants")


async def test_the_own_words_dialog_says_how_its_lines_are_used(
    library: Library, tmp_path: Path
) -> None:
    """The rounds take the own questions in turn (one question: every round asks it). The
    dialog said "Round 2: your question" and "an empty field keeps the scenario's example",
    and round 2 then asked the question typed for round 1."""
    scenario = library.find("check-question", "en")
    app = plain_app(library, tmp_path, "en", scenario)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, OwnWordsDialog)
        intro = str(dialog.query_one("#own-words-intro", Static).render())
        assert "in turn" in intro and "Empty fields keep" not in intro
        second = dialog.query_one("#line-2", Input)
        assert str(second.placeholder).startswith("Your question 2 (e.g.")
        dialog.query_one("#line-1", Input).value = "What is inflation?"
        await pilot.press("ctrl+s")
        await pilot.pause()
        practice = app.screen
        prompts = [practice.own.prompt(scenario.prompt_for(n), n, "") for n in (1, 2, 3)]
        assert {p.line for p in prompts} == {"What is inflation?"}


async def test_enter_on_the_masterclass_scenarios_before_choosing_one_says_what_to_do(
    library: Library, tmp_path: Path
) -> None:
    """The setup opens on the scenario list with none highlighted; Enter there did nothing at
    all, and the names typed next went nowhere."""
    app = plain_app(library, tmp_path, "nl")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "masterclass-scenario"
        await pilot.press("enter")
        await pilot.pause()
        message = str(app.screen.query_one("#setup-message", Static).render())
        assert message == "Kies eerst met ↑↓ een scenario en druk dan op Enter."
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "participant-name"


def screen_text(app: SimulatorApp) -> str:
    strips = app.screen._compositor.render_strips()  # noqa: SLF001 - what the terminal shows
    return "\n".join(strip.text for strip in strips).replace("\xa0", " ")


@pytest.mark.parametrize(
    ("lang", "keys"),
    [
        ("nl", "G: Groepsoverzicht · K: Deelnemer overslaan"),
        ("en", "G: Group view · K: Skip participant"),
    ],
)
async def test_a_masterclass_round_shows_its_group_and_skip_keys_at_80_columns(
    library: Library, tmp_path: Path, lang: str, keys: str
) -> None:
    """The footer of a masterclass's round holds seven keys; at 80 columns it cut off "k Skip
    participant" (and half of "g Group view"), so the trainer never saw how to skip a turn."""
    scenario = library.find("check-question", lang)
    app = plain_app(library, tmp_path, lang, scenario, masterclass=True)
    async with app.run_test(size=(80, 24)) as pilot:
        for key in (*"Ayla", "enter", *"Bram", "enter", "ctrl+s"):
            await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)
        assert keys in screen_text(app)
        await pilot.press("k")  # the key it names works: Ayla's turn is skipped
        await pilot.pause()
        assert "Bram" in str(app.screen.query_one("#turn", Static).render())
        assert keys in screen_text(app)


def test_progress_across_sessions_says_its_numbers_are_averages() -> None:
    """Session one: 0.8, 3.3 and 3.3 s. "From 2.5 s in the first session" named a value no round
    had (and one inside the band); it is the session's average and now says so."""
    band = question_pause_name().band
    text = trend_text([[0.8, 3.3, 3.3], [3.3], [0.8, 3.4]], band, "en")
    assert "from 2.5\xa0s on average in the first session" in text
    assert "to 2.1\xa0s on average in the latest session" in text
    nl = trend_text([[0.8, 3.3, 3.3], [0.8, 3.4]], band, "nl")
    assert "van gemiddeld 2,5\xa0s in de eerste sessie naar gemiddeld 2,1\xa0s" in nl
    # Within one session the values are the rounds' own: no average is claimed.
    one = trend_text([[0.8, 3.3]], band, "en")
    assert "average" not in one and "from 0.8\xa0s in the first round" in one


async def test_while_a_round_runs_the_screen_offers_no_key_that_does_nothing(
    library: Library, tmp_path: Path
) -> None:
    """While listening the footer shows only E, but "O: practise with your own question" (and in
    a masterclass "G: … · K: …") stayed on the screen, and pressing O did nothing."""
    scenario = library.find("check-question", "en")
    app = plain_app(library, tmp_path, "en", scenario, masterclass=True)
    async with app.run_test(size=(80, 24)) as pilot:
        for key in (*"Ayla", "enter", "ctrl+s"):
            await pilot.press(key)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PracticeScreen)
        lines = [screen.query_one("#round-message"), screen.query_one("#course-keys")]
        assert all(line.display for line in lines)
        assert "O: practise" in screen_text(app)
        for phase in (RoundPhase.STARTING, RoundPhase.LISTENING, RoundPhase.ANALYSING):
            screen.phase = phase
            await pilot.pause()
            assert not any(line.display for line in lines), phase
            assert "O: practise" not in screen_text(app) and "K: Skip" not in screen_text(app)
        screen.phase = RoundPhase.READY
        await pilot.pause()
        assert all(line.display for line in lines)
