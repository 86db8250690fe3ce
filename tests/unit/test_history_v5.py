"""History schema version 5 (each session's kind of action step), its migration from version 4
and version 3 databases, and the debrief of a session whose scenario file is gone."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from simulator.audio.pattern import Shape, question_pause_name
from simulator.coaching.feedback import kind_for
from simulator.coaching.plan import StepKind
from simulator.export import Format, build_debrief, render
from simulator.scenarios.library import load_library
from simulator.store.history import (
    MASTERCLASS_TABLES,
    MIGRATIONS,
    SCHEMA_VERSION,
    HistoryStore,
    Kind,
    MasterclassLog,
    SessionRecorder,
    export_session,
)
from simulator.store.paths import user_scenarios_dir
from tests.unit import test_export as base
from tests.unit.test_export import turn
from tests.unit.test_history import integrity, sps
from tests.unit.test_history_v4 import make_v3_database

BUILT_IN = Path(__file__).resolve().parents[2] / "scenarios"

home = base.home
store = base.store

TIMED_ROUND = (
    "INSERT INTO rounds (session_id, round, pause_s, measured_s, verdict, reason,"
    " question_end_s, name_start_s, span_start_s, span_end_s, shape, target_s, min_s,"
    " max_s, segments_json, warnings_json, audio_s, created_at, peak_dbfs, speech_dbfs,"
    " noise_floor_dbfs, clipped_fraction, perceived_s, coach_note, marks_json, reflection,"
    " own_line, own_name) VALUES"
)


def make_v4_database(path: Path) -> None:
    """A database exactly as version 4 wrote it: a compliment session of one's own practice
    (two rounds, with a reflection and own words), and a masterclass with one participant's
    turn."""
    with sqlite3.connect(path) as conn:
        for step in MIGRATIONS[:4]:
            step(conn)
        for statement in MASTERCLASS_TABLES:
            conn.execute(statement)
        conn.execute("PRAGMA user_version = 4")
        conn.execute(
            "INSERT INTO sessions (scenario, language, started_at, participant, notes) VALUES"
            " ('my-praise', 'nl', '2025-06-02T10:00:00+00:00', 'Mike', 'Korter'),"
            " ('check-question', 'en', '2025-06-03T10:00:00+00:00', 'Participant 1', NULL)"
        )
        conn.execute(
            TIMED_ROUND + " (1, 1, NULL, 14.0, 'too_long', NULL, NULL, NULL, 0.5, 14.5,"
            " 'timed-turn', 8.0, 3.0, 12.0, '[[0.5, 14.5]]', '[]', 16.0,"
            " '2025-06-02T10:00:20+00:00', -8.0, -20.0, -60.0, 0.0, 9.0, 'Te lang',"
            " '[\"other\"]', 'ik praatte door', NULL, NULL),"
            " (1, 2, NULL, 7.0, 'on_target', NULL, NULL, NULL, 0.5, 7.5, 'timed-turn', 8.0,"
            " 3.0, 12.0, '[[0.5, 7.5]]', '[]', 9.0, '2025-06-02T10:01:00+00:00', -8.0, -20.0,"
            " -60.0, 0.0, NULL, NULL, NULL, NULL, 'Ruben, je wachtte vier tellen.', 'Ruben'),"
            " (2, 1, 2.8, 2.8, 'on_target', NULL, 2.0, 4.8, 2.0, 4.8, 'speech-pause-speech',"
            " 3.0, 2.5, 4.0, '[[0.3, 2.0], [4.8, 5.2]]', '[]', 6.0,"
            " '2025-06-03T10:00:09+00:00', -8.0, -20.0, -60.0, 0.0, NULL, NULL, NULL, NULL,"
            " NULL, NULL)"
        )
        conn.execute(
            "INSERT INTO masterclasses (scenario, language, started_at, participants, names_kept)"
            " VALUES ('check-question', 'en', '2025-06-03T10:00:00+00:00', 2, 1)"
        )
        conn.execute(
            "INSERT INTO masterclass_turns (session_id, masterclass_id, position) VALUES (2, 1, 1)"
        )


def all_rows(path: Path, table: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()


def test_a_version_4_history_migrates_to_5_and_keeps_every_row(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    make_v4_database(path)
    tables = ("sessions", "rounds", "masterclasses", "masterclass_turns")
    before = {table: all_rows(path, table) for table in tables}
    store = HistoryStore(path)
    read = store.read()
    assert read.unreadable == ()
    own, participant = read.sessions
    assert (own.scenario, own.language, own.participant, own.notes) == (
        "my-praise",
        "nl",
        "Mike",
        "Korter",
    )
    assert [(r.round, r.measured_s, r.verdict) for r in own.rounds] == [
        (1, 14.0, "too_long"),
        (2, 7.0, "on_target"),
    ]
    r1, r2 = own.rounds
    assert (r1.perceived_s, r1.coach_note, r1.marks, r1.reflection) == (
        9.0,
        "Te lang",
        ("other",),
        "ik praatte door",
    )
    assert (r2.own_line, r2.own_name) == ("Ruben, je wachtte vier tellen.", "Ruben")
    assert (participant.masterclass_id, participant.rounds[0].pause_s) == (1, 2.8)
    assert own.step_kind is None and participant.step_kind is None  # not known for older sessions
    # Without its kind and its scenario, an older session is worded by its shape, as before.
    page = render(Format.MARKDOWN, build_debrief(export_session(own), None, "nl"))
    assert "Je instructie duurde 7,0\xa0s: binnen de marge." in page
    assert [s.id for s in store.sessions(kind=Kind.PRACTICE)] == [own.id]
    (masterclass,) = store.masterclasses()
    assert (masterclass.participants, masterclass.sessions, masterclass.positions) == (
        2,
        (participant,),
        (1,),
    )

    # Every row as version 4 wrote it, and the new column empty for all of them.
    for table in tables:
        after = all_rows(path, table)
        if table == "sessions":
            assert [row[:-1] for row in after] == before[table]
            assert [row[-1] for row in after] == [None, None]
        else:
            assert after == before[table]

    new = store.start_session("my-praise", "nl", step_kind=StepKind.COMPLIMENT)
    written = store.session(new)
    assert written is not None and written.step_kind is StepKind.COMPLIMENT
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 7
        columns = {row[1] for row in conn.execute("PRAGMA table_info(sessions)")}
    assert "step_kind" in columns
    assert integrity(path) == "ok"


def test_a_version_3_history_migrates_straight_to_5(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    make_v3_database(path)
    (old,) = HistoryStore(path).sessions()
    assert (old.scenario, old.step_kind, old.rounds[0].measured_s) == ("check-question", None, 2.8)
    assert old.rounds[0].perceived_s == 3.5 and old.rounds[0].reflection is None
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert integrity(path) == "ok"


def test_the_recorder_keeps_the_kind_for_practice_and_masterclass_turns(
    store: HistoryStore,
) -> None:
    own = SessionRecorder(store, "debrief-praise", "en", step_kind=StepKind.COMPLIMENT)
    assert own.record(1, turn(7.0)) is None
    log = MasterclassLog(store, "check-question", "en", participants=2, names_kept=False)
    taken = SessionRecorder(
        store, "check-question", "en", masterclass=log, position=1, step_kind=StepKind.QUESTION
    )
    assert taken.record(1, sps(3.0)) is None
    store.start_session("check-question", "en")  # a caller that does not say
    kinds = [(s.scenario, s.masterclass_id, s.step_kind) for s in store.sessions()]
    assert kinds == [
        ("debrief-praise", None, StepKind.COMPLIMENT),
        ("check-question", log.id, StepKind.QUESTION),
        ("check-question", None, None),
    ]


def test_the_stored_kind_speaks_only_when_the_scenario_is_not_at_hand() -> None:
    library = load_library(user=Path("/nonexistent"))
    compliment = library.find("debrief-praise", "en")
    question = library.find("check-question", "en")
    assert compliment is not None and question is not None
    assert kind_for(None, Shape.TIMED_TURN, StepKind.COMPLIMENT) is StepKind.COMPLIMENT
    assert kind_for(None, Shape.TIMED_TURN, None) is StepKind.DIRECTION
    # A stored kind that does not fit the rounds' shape is ignored.
    assert kind_for(None, Shape.TIMED_TURN, StepKind.ANSWER) is StepKind.DIRECTION
    assert kind_for(None, question_pause_name().shape, StepKind.COMPLIMENT) is StepKind.QUESTION
    # The scenario, when found, says what its kind is.
    assert kind_for(compliment, Shape.TIMED_TURN, StepKind.DIRECTION) is StepKind.COMPLIMENT
    assert kind_for(question, Shape.SPEECH_PAUSE_SPEECH, StepKind.ANSWER) is StepKind.QUESTION


# --- a session whose scenario file is gone, exported with `coach-sim export` -------------------


COMPLIMENT_WORDS = {
    "en": (
        "Debrief",
        "Your compliment took 7.0\xa0s: within the range.",
        "Keep it this short and look at the teacher.",
        "Your direction took",
    ),
    "nl": (
        "Nabespreking",
        "Je compliment duurde 7,0\xa0s: binnen de marge.",
        "Houd het zo kort en kijk de leraar erbij aan.",
        "Je instructie duurde",
    ),
}


def own_compliment_session(store: HistoryStore, lang: str) -> tuple[int, Path]:
    """A session of the user's own compliment scenario, started as the app starts one; the
    scenario's file."""
    folder = user_scenarios_dir()
    folder.mkdir(parents=True)
    text = (BUILT_IN / f"debrief-praise.{lang}.toml").read_text("utf-8")
    file = folder / f"my-praise.{lang}.toml"
    file.write_text(text.replace('id = "debrief-praise"', 'id = "my-praise"'), "utf-8")
    scenario = load_library().find("my-praise", lang)
    assert scenario is not None and scenario.step == "compliment"
    recorder = SessionRecorder(
        store,
        scenario.id,
        scenario.language,
        step_kind=kind_for(scenario, scenario.pattern.shape),
    )
    assert recorder.record(1, turn(14.0)) is None
    assert recorder.record(2, turn(7.0)) is None
    assert recorder.session_id is not None
    return recorder.session_id, file


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_compliment_stays_a_compliment_when_its_scenario_file_is_gone(
    store: HistoryStore, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    session_id, file = own_compliment_session(store, lang)
    file.unlink()
    code, out, _ = base.run(capsys, str(session_id))
    assert code == 0
    title, praised, next_step, direction = COMPLIMENT_WORDS[lang]
    assert out.startswith(f"# {title}: my-praise\n")  # the scenario was not found
    assert praised in out
    assert next_step in out  # the summary's step is a compliment's too
    assert direction not in out


@pytest.mark.parametrize("stored", [None, "toast", "answer", 7, b"\x00"])
def test_an_unknown_or_unfitting_stored_kind_falls_back_to_the_shape(
    store: HistoryStore, capsys: pytest.CaptureFixture[str], stored: object
) -> None:
    session_id, file = own_compliment_session(store, "en")
    file.unlink()
    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE sessions SET step_kind = ?", (stored,))
    read = store.read()
    assert read.unreadable == ()
    (session,) = read.sessions
    assert session.step_kind is (StepKind.ANSWER if stored == "answer" else None)
    code, out, _ = base.run(capsys, str(session_id))
    assert code == 0
    assert "Your direction took 7.0\xa0s: within the range." in out
    assert "compliment" not in out
