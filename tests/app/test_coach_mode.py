"""Coach mode and the debrief saved from the summary, with real espeak-ng speech."""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from textual.notifications import Notification
from textual.widgets import Input, SelectionList, Static

from simulator.app import SimulatorApp, make_app
from simulator.audio.result import Reason
from simulator.cli import main
from simulator.scenarios.library import Library
from simulator.screens.coach import NoteDialog, PerceivedDialog
from simulator.screens.feedback import FeedbackScreen
from simulator.screens.handout import HandoutDialog
from simulator.screens.summary import SummaryScreen
from simulator.store.history import HistoryStore, RoundCoaching, SessionRecorder
from tests.app.conftest import Rounds, speech_round
from tests.speech import clip, silence
from tests.unit.test_history import failed, sps

pytestmark = pytest.mark.espeak
SIZE = (100, 30)


def text(app: SimulatorApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render()).replace("\xa0", " ")


def coach_app(
    library: Library, store: HistoryStore, tmp_path: Path, recordings: list, *, coach: bool = True
) -> SimulatorApp:
    return make_app(
        source_factory=Rounds(recordings),
        library=library,
        store=store,
        lang="en",
        scenario=library.find("check-question", "en"),
        coach_mode=coach,
        export_dir=tmp_path / "exports",
    )


async def end_round(app: SimulatorApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("space")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def type_into(pilot, value: str) -> None:  # type: ignore[no-untyped-def]
    for ch in value:
        await pilot.press("space" if ch == " " else ch)


async def test_coach_mode_felt_pause_notes_marks_saved_and_exported(
    library: Library,
    store: HistoryStore,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recordings = [speech_round(1.5), speech_round(3.0, "Amira"), speech_round(3.2, "Tom")]
    app = coach_app(library, store, tmp_path, recordings)
    async with app.run_test(size=SIZE) as pilot:
        # Round 1: asked before anything is measured-and-shown; bad input says what to type.
        await end_round(app, pilot)
        assert isinstance(app.screen, PerceivedDialog)
        assert store.sessions()[0].rounds[0].perceived_s is None  # the round is saved already
        await type_into(pilot, "twee")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PerceivedDialog)
        assert "“twee” is not a number of seconds" in text(app, "#perceived-error")
        app.screen.query_one("#perceived", Input).value = ""
        await type_into(pilot, "2,5")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        felt = text(app, "#perceived-line")
        assert felt == "2.5 s."  # under "Felt", beside the measured 1.5 s in the praise
        assert "1.5 s" in text(app, "#praise")
        assert store.sessions()[0].rounds[0].perceived_s == 2.5

        # Note and marks on round 1, from the feedback screen.
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        await type_into(pilot, "Eyes on the clock")
        await pilot.press("enter")  # to the marks
        marks = app.screen.query_one("#marks", SelectionList)
        assert marks.has_focus
        await pilot.press("space")  # name came first
        await pilot.press("down", "space")  # narrated the wait
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        notes = text(app, "#coach-notes")
        assert "Coach note: Eyes on the clock" in notes
        assert "Heard: name came first, narrated the wait" in notes

        # Round 2: skipped with Esc.
        await pilot.press("space")
        await end_round(app, pilot)
        assert isinstance(app.screen, PerceivedDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert "No estimate given" in text(app, "#perceived-line")

        # Round 3, then the summary and its debrief.
        await pilot.press("space")
        await end_round(app, pilot)
        await type_into(pilot, "3")
        await pilot.press("enter")
        await pilot.pause()
        assert text(app, "#perceived-line") == "3.0 s."
        await pilot.press("space")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        summary = app.screen
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, HandoutDialog)  # names and the agreed step first
        await type_into(pilot, "Jantien")
        await pilot.press("enter")
        await type_into(pilot, "Sacha")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is summary
        exported = summary.exported
        assert exported is not None and exported.parent == tmp_path / "exports"
        (note,) = [n for n in app._notifications if "Debrief saved" in n.message]  # noqa: SLF001
        assert str(exported) in note.message

    page = exported.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<dt>Teacher</dt><dd>Jantien</dd>" in page and "<dt>Coach</dt><dd>Sacha</dd>" in page
    for n in (1, 2, 3):
        assert f'id="round-{n}"' in page
    assert "<dd>Eyes on the clock</dd>" in page
    assert "2.5\xa0s (measured 1.5\xa0s)" in page
    assert "name came first, narrated the wait" in page

    (session,) = store.sessions()
    assert [(r.round, r.perceived_s) for r in session.rounds] == [(1, 2.5), (2, None), (3, 3.0)]
    monkeypatch.setenv("COACH_SIM_HOME", str(store.path.parent))
    assert main(["history", "--json"]) == 0
    (record,) = json.loads(capsys.readouterr().out)
    first = record["rounds"][0]
    assert first["perceived_s"] == 2.5 and first["coach_note"] == "Eyes on the clock"
    assert first["marks"] == ["name_first", "narrated_wait"]
    assert record["rounds"][1]["marks"] == [] and record["rounds"][1]["perceived_s"] is None


async def test_without_coach_mode_no_question_and_no_note_key(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    app = coach_app(library, store, tmp_path, [speech_round(3.0)], coach=False)
    async with app.run_test(size=SIZE) as pilot:
        await end_round(app, pilot)
        assert isinstance(app.screen, FeedbackScreen)
        assert not app.screen.query("#perceived-line")
        assert app.screen.check_action("coach_note", ()) is False
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)


def summary_on_top(
    library: Library, store: HistoryStore, export_dir: Path
) -> tuple[SimulatorApp, Callable[[], SummaryScreen]]:
    """The summary of a saved three-round session, without playing the rounds (the screen is
    made inside the running app)."""
    scenario = library.find("check-question", "en")
    assert scenario is not None
    recorder = SessionRecorder(store, scenario.id, scenario.language)
    results = (sps(1.3), failed(Reason.NAME_FIRST), sps(3.0))
    for i, m in enumerate(results, start=1):
        assert recorder.record(i, m) is None
    app = make_app(
        source_factory=Rounds([]),
        library=library,
        store=store,
        lang="en",
        export_dir=export_dir,
    )
    coaching = {3: RoundCoaching(note="Calm and clear")}
    return app, lambda: SummaryScreen(scenario, results, None, recorder=recorder, coaching=coaching)


async def test_the_summary_saves_markdown_too(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    app, make_summary = summary_on_top(library, store, tmp_path / "out" / "exports")
    async with app.run_test(size=SIZE) as pilot:
        summary = make_summary()
        await app.push_screen(summary)
        assert "X: save the debrief as HTML" in str(app.screen.query(".hint").last().render())
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert summary.exported is not None and summary.exported.suffix == ".md"
    md = summary.exported.read_text("utf-8")
    for n in (1, 2, 3):
        assert f"### Round {n}" in md
    assert "Measured 1.3\xa0s" in md and "- **Coach note:** Calm and clear" in md
    assert f"-{summary.recorder.session_id}.md" in summary.exported.name  # type: ignore[union-attr]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
async def test_export_into_a_read_only_folder_says_so(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        await _export_fails(library, store, folder, "You may not write in the folder")
    finally:
        folder.chmod(0o700)


async def test_export_on_a_full_disk_says_so_and_leaves_nothing_behind(
    library: Library, store: HistoryStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A simulated ENOSPC while the file is flushed to disk."""

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    folder = tmp_path / "exports"
    await _export_fails(library, store, folder, "The disk is full")
    assert list(folder.iterdir()) == []  # the temporary file was removed


async def test_export_where_the_folder_cannot_exist_says_so_and_keeps_the_session(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    blocker = tmp_path / "exports"
    blocker.write_text("a file where the exports folder should be")
    await _export_fails(library, store, blocker / "debriefs", "cannot be created")
    assert blocker.read_text() == "a file where the exports folder should be"


async def _export_html(
    library: Library, store: HistoryStore, folder: Path
) -> tuple[SummaryScreen, Notification, bool]:
    """X then Ctrl+S on the summary: the summary, the one toast shown, and whether the summary
    is still the screen afterwards."""
    app, make_summary = summary_on_top(library, store, folder)
    async with app.run_test(size=SIZE) as pilot:
        summary = make_summary()
        await app.push_screen(summary)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        (note,) = list(app._notifications)  # noqa: SLF001 - the toast a user sees
        return summary, note, app.screen is summary


async def _export_fails(library: Library, store: HistoryStore, folder: Path, says: str) -> None:
    summary, note, still_there = await _export_html(library, store, folder)
    assert still_there  # press X again after fixing it
    assert note.severity == "error" and note.title == "The debrief was not saved"
    assert says in note.message and "Your session is still here" in note.message
    assert summary.exported is None
    assert not any(p.suffix == ".html" for p in folder.parent.rglob("*"))


async def test_coach_mode_after_a_timed_direction_asks_about_its_length(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    direction = np.concatenate(
        [silence(0.5), clip("Grammar books, page 42, exercise 3. Go.", "en"), silence(2.5)]
    ).astype(np.float32)
    app = make_app(
        source_factory=Rounds([direction]),
        library=library,
        store=store,
        lang="en",
        scenario=library.find("economy-of-language", "en"),
        coach_mode=True,
        export_dir=tmp_path / "exports",
    )
    async with app.run_test(size=SIZE) as pilot:
        await end_round(app, pilot)
        assert isinstance(app.screen, PerceivedDialog)
        asked = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "How long did it feel?" in asked and "pause" not in asked
        await type_into(pilot, "9")
        await pilot.press("enter")
        await pilot.pause()
        felt = text(app, "#perceived-line")
        assert felt == "9.0 s."
        assert "pause" not in text(app, "#praise") + text(app, "#next-step")


async def test_an_export_folder_with_a_line_break_in_its_name_is_shown_as_it_is(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    # A line break in the folder's name is part of the name: the toast shows its code, not a
    # new line (or a space, which would name another folder).
    folder = tmp_path / "team\nexports"
    summary, note, _ = await _export_html(library, store, folder)
    assert summary.exported is not None and summary.exported.parent == folder
    assert "team\\u000aexports" in note.message and "\n" not in note.message
