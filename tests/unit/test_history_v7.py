"""History schema version 7: every attempt a redo replaced, numbered per round; its migration from
version 6 (one replaced attempt per round); and the CSV export, one row per attempt, each
replaced attempt marked with the attempt that replaced it."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pytest

from simulator.audio.pattern import question_pause_name
from simulator.audio.result import Reason
from simulator.coaching.feedback import round_feedback
from simulator.coaching.plan import StepKind
from simulator.export import CSV_COLUMNS, Format, build_debrief, render
from simulator.store.history import (
    MIGRATIONS,
    SCHEMA_VERSION,
    HistoryError,
    HistoryStore,
    RoundCoaching,
    SessionRecorder,
    describe_unreadable,
    export_session,
)
from tests.unit import test_export as base
from tests.unit.test_history import failed, integrity, sps
from tests.unit.test_history_v5 import all_rows
from tests.unit.test_history_v6 import TABLES, blocked_recorder, make_v5_database

home = base.home
store = base.store

REPLACED_V6 = (
    "INSERT INTO replaced_rounds (session_id, round, pause_s, measured_s, verdict, reason,"
    " question_end_s, name_start_s, span_start_s, span_end_s, shape, target_s, min_s, max_s,"
    " segments_json, warnings_json, audio_s, created_at, peak_dbfs, speech_dbfs,"
    " noise_floor_dbfs, clipped_fraction) VALUES (3, 2, 1.5, 1.5, 'too_short', NULL, 2.0, 3.5,"
    " 2.0, 3.5, 'speech-pause-speech', 3.0, 2.5, 4.0, '[[0.3, 2.0], [3.5, 3.9]]', '[]', 5.1,"
    " '2025-07-01T10:00:40+00:00', -8.0, -20.0, -60.0, 0.0)"
)


def make_v6_database(path: Path) -> None:
    """A database exactly as version 6 wrote it: version 5's sessions, and the attempt session
    3's round 2 replaced (version 6 kept one per round: the latest redo's)."""
    make_v5_database(path)
    with sqlite3.connect(path) as conn:
        MIGRATIONS[5](conn)
        conn.execute("PRAGMA user_version = 6")
        conn.execute(REPLACED_V6)


def csv_rows(session_id: int, store: HistoryStore) -> list[dict[str, str]]:
    session = store.session(session_id)
    assert session is not None
    page = render(Format.CSV, build_debrief(export_session(session), None, "en"))
    reader = csv.DictReader(io.StringIO(page))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    return list(reader)


def test_a_version_6_history_migrates_to_7_and_keeps_every_row(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    make_v6_database(path)
    before = {table: all_rows(path, table) for table in (*TABLES, "replaced_rounds")}
    assert len(before["replaced_rounds"]) == 1
    store = HistoryStore(path)
    read = store.read()
    assert read.unreadable == ()
    *_, redone = read.sessions
    r1, r2 = redone.rounds
    # The one attempt version 6 kept is attempt 1; the round that replaced it attempt 2.
    assert (r1.attempt, r1.replaced_attempts) == (1, ())
    assert r2.attempt == 2 and [a.attempt for a in r2.replaced_attempts] == [1]
    assert r2.replaced is not None and (r2.replaced.measured_s, r2.replaced.created_at) == (
        1.5,
        "2025-07-01T10:00:40+00:00",
    )
    for table in TABLES:
        assert all_rows(path, table) == before[table]
    # Every value of the replaced attempt as it was, with its number after them.
    (old,) = before["replaced_rounds"]
    assert all_rows(path, "replaced_rounds") == [(*old, 1)]
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 7
    assert integrity(path) == "ok"
    # The debrief still compares round 2 with it: 3.0 s after 1.5 s.
    page = render(Format.MARKDOWN, build_debrief(export_session(redone), None, "nl"))
    assert "Twee keer zo lang als je vorige poging (1,5\xa0s)" in page


def test_older_histories_migrate_straight_to_7(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    make_v5_database(path)
    rounds = all_rows(path, "rounds")
    read = HistoryStore(path).read()
    assert read.unreadable == ()
    assert [(r.attempt, r.replaced_attempts) for s in read.sessions for r in s.rounds] == [
        (1, ())
    ] * len(rounds)
    assert all_rows(path, "rounds") == rounds
    assert integrity(path) == "ok"


# --- every attempt kept, the feedback's the one just before ---------------------------------------


def redone_twice(store: HistoryStore) -> int:
    """Round 1 on target; round 2 name first, redone at 1.0 s, redone again at 3.0 s, with a
    coach's note on the last attempt; round 3 at 3.2 s: as the rounds screen records them."""
    recorder = SessionRecorder(store, "check-question", "en", step_kind=StepKind.QUESTION)
    assert recorder.record(1, sps(3.0)) is None
    assert recorder.record(2, failed(Reason.NAME_FIRST)) is None
    assert recorder.record(2, sps(1.0), replaced=failed(Reason.NAME_FIRST)) is None
    assert recorder.record(2, sps(3.0), replaced=sps(1.0)) is None
    assert recorder.annotate(2, RoundCoaching(perceived_s=4.0, note="calm")) is None
    assert recorder.record(3, sps(3.2)) is None
    assert recorder.session_id is not None
    return recorder.session_id


def test_a_round_redone_twice_keeps_both_attempts_it_replaced(store: HistoryStore) -> None:
    session_id = redone_twice(store)
    session = store.session(session_id)
    assert session is not None
    r2 = session.rounds[1]
    assert (r2.attempt, r2.measured_s, r2.coach_note) == (3, 3.0, "calm")
    assert [(a.attempt, a.reason, a.measured_s) for a in r2.replaced_attempts] == [
        (1, "name_first", None),
        (2, None, 1.0),
    ]
    # The feedback compared the last attempt with the one just before it (1.0 s), not with
    # the first; so does the debrief.
    assert r2.replaced is not None and r2.replaced.attempt == 2
    on_screen = round_feedback(
        question_pause_name(), [sps(3.0), sps(3.0)], "en", replaced=sps(1.0)
    ).praise
    assert "previous attempt (1.0\xa0s)" in on_screen
    debrief = build_debrief(export_session(session), None, "en")
    feedback = debrief.rounds[1].feedback
    assert feedback is not None and feedback.praise == on_screen
    # Saving the round as done once (a new first attempt) keeps none of them.
    store.save_round(session_id, 2, sps(2.0))
    again = store.session(session_id)
    assert again is not None and (again.rounds[1].attempt, again.rounds[1].replaced_attempts) == (
        1,
        (),
    )


def test_redos_the_history_could_not_take_are_all_kept_when_it_can(tmp_path: Path) -> None:
    recorder, blocker = blocked_recorder(tmp_path)
    redo = recorder.record(1, sps(1.0), replaced=failed(Reason.NAME_FIRST))
    assert isinstance(redo, HistoryError)
    assert isinstance(recorder.record(1, sps(3.0), replaced=sps(1.0)), HistoryError)
    blocker.unlink()
    assert recorder.flush() is None
    ((r1,),) = [s.rounds for s in recorder.store.sessions()]
    assert (r1.attempt, r1.measured_s) == (3, 3.0)
    assert [(a.attempt, a.reason, a.measured_s) for a in r1.replaced_attempts] == [
        (1, "name_first", None),
        (2, None, 1.0),
    ]


# --- the CSV -------------------------------------------------------------------------------------


def test_the_csv_shows_every_attempt_marked_with_the_attempt_that_replaced_it(
    store: HistoryStore,
) -> None:
    rows = csv_rows(redone_twice(store), store)
    assert [(r["round"], r["attempt"], r["replaced_by"]) for r in rows] == [
        ("1", "1", ""),
        ("2", "1", "2"),
        ("2", "2", "3"),
        ("2", "3", ""),
        ("3", "1", ""),
    ]
    _, first, second, last, _ = rows
    assert (first["verdict"], first["reason"], first["measured_s"]) == (
        "no_measurement",
        "name_first",
        "",
    )
    assert (second["verdict"], float(second["measured_s"])) == ("too_short", 1.0)
    assert (last["verdict"], float(last["measured_s"])) == ("on_target", 3.0)
    # When each attempt was made, in order; the coach's input belongs to the attempt that counts.
    times = [r["recorded_at"] for r in (first, second, last)]
    assert all(times) and times == sorted(times)
    assert (last["coach_note"], last["perceived_s"]) == ("calm", "4.0")
    assert all(r["coach_note"] == r["perceived_s"] == "" for r in (first, second))
    # Every row carries the session and the target, so a filter keeps what it needs.
    assert {(r["session_id"], r["target_s"], r["min_s"], r["max_s"]) for r in rows} == {
        (rows[0]["session_id"], "3.0", "2.5", "4.0")
    }


def test_a_damaged_attempt_is_left_out_of_the_csv_with_a_message(
    store: HistoryStore, capsys: pytest.CaptureFixture[str]
) -> None:
    session_id = redone_twice(store)
    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE replaced_rounds SET segments_json = '[[0.3' WHERE attempt = 1")
    read = store.read()
    assert [(u.session_id, u.round, u.attempt) for u in read.unreadable] == [(session_id, 2, 1)]
    warning = describe_unreadable(read.unreadable, "en")
    assert warning is not None and f"attempt 1 at round 2 of session {session_id}" in warning
    nl = describe_unreadable(read.unreadable, "nl")
    assert nl is not None and f"poging 1 van ronde 2 van sessie {session_id}" in nl
    rows = csv_rows(session_id, store)
    assert [(r["round"], r["attempt"], r["replaced_by"]) for r in rows] == [
        ("1", "1", ""),
        ("2", "2", "3"),
        ("2", "3", ""),
        ("3", "1", ""),
    ]
    code, out, err = base.run(capsys, str(session_id), "--format", "csv")
    assert code == 0 and len(list(csv.reader(io.StringIO(out)))) == 5
    assert f"attempt 1 at round 2 of session {session_id}" in err


def test_when_the_attempt_just_before_is_damaged_no_older_one_stands_in(
    store: HistoryStore,
) -> None:
    """The feedback compared the last attempt with attempt 2; with attempt 2 unreadable the
    debrief compares with nothing rather than with attempt 1, which the screen never did."""
    session_id = redone_twice(store)
    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE replaced_rounds SET audio_s = 'long' WHERE attempt = 2")
    session = store.session(session_id)
    assert session is not None
    r2 = session.rounds[1]
    assert [a.attempt for a in r2.replaced_attempts] == [1] and r2.replaced is None
    feedback = build_debrief(export_session(session), None, "en").rounds[1].feedback
    assert feedback is not None
    assert "previous attempt" not in feedback.praise
    done_once = round_feedback(question_pause_name(), [sps(3.0), sps(3.0)], "en")
    assert feedback.praise == done_once.praise
