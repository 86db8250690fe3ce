"""History schema version 6 (the attempt a redone round replaced), its migration from version 5,
4 and 3 databases, and the debrief that compares a redone round with that attempt, as the round's
feedback in the app did."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from simulator.audio.pattern import question_pause_name
from simulator.audio.result import Reason
from simulator.coaching.feedback import round_feedback
from simulator.coaching.plan import StepKind
from simulator.export import Format, build_debrief, render
from simulator.store.history import (
    MIGRATIONS,
    SCHEMA_VERSION,
    Attempt,
    HistoryError,
    HistoryStore,
    SessionRecorder,
    export_session,
    session_snapshot,
)
from tests.unit import test_export as base
from tests.unit.test_history import failed, integrity, sps
from tests.unit.test_history_v4 import make_v3_database
from tests.unit.test_history_v5 import TIMED_ROUND, all_rows, make_v4_database

home = base.home
store = base.store

FIXED = "Nu kwam de naam ná de vraag."
"""Round 3's feedback when it redoes a round that put the name first."""
HELD = "Net als in ronde 2."
"""Round 3's feedback when it is compared with round 2 instead (no redo)."""

TABLES = ("sessions", "rounds", "masterclasses", "masterclass_turns")


def make_v5_database(path: Path) -> None:
    """A database exactly as version 5 wrote it: version 4's sessions (no kind) and a session
    with its kind whose round 2 was redone (version 5 kept only the final attempt)."""
    make_v4_database(path)
    with sqlite3.connect(path) as conn:
        MIGRATIONS[4](conn)
        conn.execute("PRAGMA user_version = 5")
        conn.execute(
            "INSERT INTO sessions (scenario, language, started_at, participant, notes, step_kind)"
            " VALUES ('check-question', 'nl', '2025-07-01T10:00:00+00:00', NULL, NULL,"
            " 'question')"
        )
        conn.execute(
            TIMED_ROUND + " (3, 1, 1.2, 1.2, 'too_short', NULL, 2.0, 3.2, 2.0, 3.2,"
            " 'speech-pause-speech', 3.0, 2.5, 4.0, '[[0.3, 2.0], [3.2, 3.6]]', '[]', 4.8,"
            " '2025-07-01T10:00:09+00:00', -8.0, -20.0, -60.0, 0.0, NULL, NULL, NULL, NULL,"
            " NULL, NULL),"
            " (3, 2, 3.0, 3.0, 'on_target', NULL, 2.0, 5.0, 2.0, 5.0, 'speech-pause-speech',"
            " 3.0, 2.5, 4.0, '[[0.3, 2.0], [5.0, 5.4]]', '[]', 6.6,"
            " '2025-07-01T10:01:09+00:00', -8.0, -20.0, -60.0, 0.0, NULL, NULL, NULL,"
            " 'rustig', NULL, NULL)"
        )


def test_a_version_5_history_migrates_to_6_and_keeps_every_row(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    make_v5_database(path)
    before = {table: all_rows(path, table) for table in TABLES}
    assert len(before["sessions"]) == 3 and len(before["rounds"]) == 5
    store = HistoryStore(path)
    read = store.read()
    assert read.unreadable == ()
    own, participant, redone = read.sessions
    assert [(r.round, r.measured_s, r.replaced) for r in own.rounds] == [
        (1, 14.0, None),
        (2, 7.0, None),
    ]
    assert (own.rounds[0].coach_note, own.rounds[1].own_name) == ("Te lang", "Ruben")
    assert (participant.masterclass_id, participant.rounds[0].pause_s) == (1, 2.8)
    assert redone.step_kind is StepKind.QUESTION
    assert [(r.round, r.verdict, r.replaced) for r in redone.rounds] == [
        (1, "too_short", None),
        (2, "on_target", None),
    ]
    assert redone.rounds[1].reflection == "rustig"
    # Without the replaced attempt (never kept before), round 2 reads as done once.
    page = render(Format.MARKDOWN, build_debrief(export_session(redone), None, "nl"))
    assert "binnen de marge" in page
    for table in TABLES:
        assert all_rows(path, table) == before[table]
    assert all_rows(path, "replaced_rounds") == []

    # A redo saved in the migrated history keeps the attempt it replaced.
    store.save_round(
        redone.id, 3, sps(3.0), replaced=Attempt(failed(Reason.NAME_FIRST), "2025-07-01T10:02")
    )
    after = store.session(redone.id)
    assert after is not None and after.rounds[2].replaced is not None
    assert (after.rounds[2].replaced.reason, after.rounds[2].replaced.created_at) == (
        "name_first",
        "2025-07-01T10:02",
    )
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 7
    assert integrity(path) == "ok"


@pytest.mark.parametrize("make", [make_v3_database, make_v4_database])
def test_older_histories_migrate_straight_to_6(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "history.sqlite3"
    make(path)
    rounds = all_rows(path, "rounds")
    read = HistoryStore(path).read()
    assert read.unreadable == ()
    assert [r.replaced for s in read.sessions for r in s.rounds] == [None] * len(rounds)
    # Every round as it was, with the columns the later versions added left empty.
    assert [row[: len(old)] for row, old in zip(all_rows(path, "rounds"), rounds, strict=True)] == [
        tuple(old) for old in rounds
    ]
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert integrity(path) == "ok"


# --- the recorder and the debrief ---------------------------------------------------------------


def redone_session(store: HistoryStore) -> int:
    """Round 1 too short, round 2 on target, round 3 name first, redone on target: as the rounds
    screen records them (``Session.earlier_attempt`` is the attempt a redo replaces)."""
    recorder = SessionRecorder(store, "check-question", "nl", step_kind=StepKind.QUESTION)
    assert recorder.record(1, sps(1.2)) is None
    assert recorder.record(2, sps(3.0)) is None
    assert recorder.record(3, failed(Reason.NAME_FIRST)) is None
    assert recorder.record(3, sps(3.0), replaced=failed(Reason.NAME_FIRST)) is None
    assert recorder.session_id is not None
    return recorder.session_id


def round_3_praise(session_id: int, store: HistoryStore) -> str:
    session = store.session(session_id)
    assert session is not None
    feedback = build_debrief(export_session(session), None, "nl").rounds[2].feedback
    assert feedback is not None
    return feedback.praise


def test_the_debrief_compares_a_redone_round_with_the_attempt_it_replaced(
    store: HistoryStore,
) -> None:
    session_id = redone_session(store)
    session = store.session(session_id)
    assert session is not None
    assert [(r.round, r.verdict) for r in session.rounds] == [
        (1, "too_short"),
        (2, "on_target"),
        (3, "on_target"),
    ]
    r1, r2, r3 = session.rounds
    assert r1.replaced is None and r2.replaced is None
    assert r3.replaced is not None and r3.replaced.reason == "name_first"
    # What the round's feedback said on screen, and so what the debrief says.
    on_screen = round_feedback(
        question_pause_name(),
        [sps(1.2), sps(3.0), sps(3.0)],
        "nl",
        replaced=failed(Reason.NAME_FIRST),
        stored_kind=StepKind.QUESTION,
    ).praise
    assert FIXED in on_screen
    assert round_3_praise(session_id, store) == on_screen
    # The debrief saved from the summary (the rounds in memory) says the same.
    snapshot = session_snapshot(
        session_id=session_id,
        scenario="check-question",
        language="nl",
        started_at=session.started_at,
        results=[sps(1.2), sps(3.0), sps(3.0)],
        replaced=[None, None, failed(Reason.NAME_FIRST)],
        step_kind=StepKind.QUESTION,
    )
    from_memory = build_debrief(export_session(snapshot), None, "nl").rounds[2].feedback
    assert from_memory is not None and from_memory.praise == on_screen


def test_a_round_redone_twice_compares_with_the_attempt_just_before_it(
    store: HistoryStore,
) -> None:
    recorder = SessionRecorder(store, "check-question", "nl")
    assert recorder.record(1, failed(Reason.NAME_FIRST)) is None
    first_at = recorder.recorded_at[1]
    assert recorder.record(1, sps(1.0), replaced=failed(Reason.NAME_FIRST)) is None
    (session,) = store.sessions()
    replaced = session.rounds[0].replaced
    assert replaced is not None and (replaced.reason, replaced.created_at) == (
        "name_first",
        first_at,
    )
    assert recorder.record(1, sps(3.0), replaced=sps(1.0)) is None
    (session,) = store.sessions()
    replaced = session.rounds[0].replaced
    assert replaced is not None and (replaced.reason, replaced.measured_s) == (None, 1.0)
    # Every attempt is kept (see test_history_v7); the feedback's is the one just before.
    assert len(all_rows(store.path, "replaced_rounds")) == 2
    # A round saved as done once keeps no replaced attempt of an earlier save.
    assert recorder.session_id is not None
    store.save_round(recorder.session_id, 1, sps(2.0))
    assert store.sessions()[0].rounds[0].replaced is None
    assert all_rows(store.path, "replaced_rounds") == []


def blocked_recorder(tmp_path: Path) -> tuple[SessionRecorder, Path]:
    """A recorder whose history cannot be written until the file in its way is removed."""
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    store = HistoryStore(blocker / "history.sqlite3")
    recorder = SessionRecorder(store, "check-question", "nl")
    assert isinstance(recorder.record(1, failed(Reason.NAME_FIRST)), HistoryError)
    return recorder, blocker


def test_a_redo_that_could_not_be_saved_keeps_its_replaced_attempt_for_later(
    tmp_path: Path,
) -> None:
    recorder, blocker = blocked_recorder(tmp_path)
    store = recorder.store
    assert isinstance(
        recorder.record(1, sps(3.0), replaced=failed(Reason.NAME_FIRST)), HistoryError
    )
    assert sorted(recorder.pending) == [1]
    blocker.unlink()
    assert recorder.flush() is None
    (session,) = store.sessions()
    (r1,) = session.rounds
    assert r1.measured_s == 3.0
    assert r1.replaced is not None and r1.replaced.reason == "name_first"


# --- a damaged or unknown replaced attempt ----------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("measured_s", "three"),
        ("measured_s", 1e300),
        ("span_end_s", -1.0),
        ("segments_json", "[[0.3"),
        ("warnings_json", "{}"),
        ("audio_s", "long"),
        ("round", "three"),
        ("shape", "newer-shape"),
        ("reason", "newer-reason"),
        ("shape", "cue-pause-speech"),
    ],
)
def test_a_damaged_replaced_attempt_is_skipped_and_the_round_still_reads(
    store: HistoryStore, capsys: pytest.CaptureFixture[str], column: str, value: object
) -> None:
    session_id = redone_session(store)
    with sqlite3.connect(store.path) as conn:
        conn.execute(f"UPDATE replaced_rounds SET {column} = ?", (value,))
    read = store.read()
    # The round itself is whole; a damaged attempt is named, one it cannot use (another shape,
    # a newer version's code) is only left out of the comparison.
    damaged = (
        []
        if column in ("shape", "reason")
        else [(session_id, 3 if column != "round" else value, 1)]
    )
    assert [(u.session_id, u.round, u.attempt) for u in read.unreadable] == damaged
    (session,) = read.sessions
    assert [(r.round, r.measured_s) for r in session.rounds] == [(1, 1.2), (2, 3.0), (3, 3.0)]
    (record,) = [r for r in export_session(session).rounds if r.round == 3]
    assert record.measurement is not None and record.replaced is None
    # Its feedback is as if the round was done once: compared with round 2.
    praise = round_3_praise(session_id, store)
    assert HELD in praise and FIXED not in praise
    code, out, err = base.run(capsys, str(session_id), "--lang", "nl")
    assert code == 0 and HELD in out
    assert ("poging 1 van ronde" in err) is bool(damaged), err


def test_a_replaced_attempt_of_a_damaged_round_does_not_bring_the_round_back(
    store: HistoryStore,
) -> None:
    session_id = redone_session(store)
    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE rounds SET measured_s = 'x' WHERE round = 3")
    read = store.read()
    assert [(u.session_id, u.round) for u in read.unreadable] == [(session_id, 3)]
    assert [r.round for r in read.sessions[0].rounds] == [1, 2]
