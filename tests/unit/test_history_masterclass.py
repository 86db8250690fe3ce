"""Masterclass turns in the history: their own list, never in one's own practice, and no change
of the schema version (the tables are created when missing)."""

from __future__ import annotations

import argparse
import json
import sqlite3
from pathlib import Path

import pytest

from simulator.commands import show_history as history_command
from simulator.store.history import (
    SCHEMA_VERSION,
    HistoryError,
    HistoryProblem,
    HistoryStore,
    Kind,
    MasterclassLog,
    SessionRecorder,
)
from tests.unit.test_history import sps


def turn_recorder(store: HistoryStore, log: MasterclassLog, position: int) -> SessionRecorder:
    return SessionRecorder(
        store,
        "check-question",
        "en",
        participant=f"Participant {position}",
        masterclass=log,
        position=position,
    )


def test_turns_are_kept_apart_from_practice(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    own = SessionRecorder(store, "check-question", "en")
    assert own.record(1, sps(1.0)) is None
    log = MasterclassLog(store, "check-question", "en", participants=2, names_kept=False)
    for position, pause_s in ((1, 2.0), (2, 3.0)):
        assert turn_recorder(store, log, position).record(1, sps(pause_s)) is None

    practice = store.sessions(kind=Kind.PRACTICE)
    assert [s.id for s in practice] == [own.session_id]
    assert practice[0].masterclass_id is None
    turns = store.sessions(kind=Kind.MASTERCLASS)
    assert [(s.participant, s.masterclass_id) for s in turns] == [
        ("Participant 1", log.id),
        ("Participant 2", log.id),
    ]
    assert len(store.sessions()) == 3  # everything, for an export by session id
    (masterclass,) = store.masterclasses()
    assert (masterclass.scenario, masterclass.participants, masterclass.names_kept) == (
        "check-question",
        2,
        False,
    )
    assert [s.rounds[0].measured_s for s in masterclass.sessions] == pytest.approx(
        [2.0, 3.0], abs=0.01
    )
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_history_without_the_masterclass_tables_reads_as_practice(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    SessionRecorder(store, "check-question", "en").record(1, sps(2.0))
    with sqlite3.connect(store.path) as conn:  # as an earlier version left it
        conn.execute("DROP TABLE masterclass_turns")
        conn.execute("DROP TABLE masterclasses")
    assert len(store.sessions(kind=Kind.PRACTICE)) == 1
    assert store.sessions(kind=Kind.MASTERCLASS) == ()
    assert store.masterclasses() == ()


class FailingOnce(HistoryStore):
    """A history whose first masterclass write fails (a locked database, a full disk)."""

    failed = False

    def start_masterclass(self, *args: object, **kwargs: object) -> int:
        if not self.failed:
            self.failed = True
            raise HistoryError(HistoryProblem.LOCKED, self.path, "database is locked")
        return super().start_masterclass(*args, **kwargs)  # type: ignore[arg-type]


def test_a_turn_whose_masterclass_could_not_be_saved_waits_rather_than_count_as_practice(
    tmp_path: Path,
) -> None:
    store = FailingOnce(tmp_path / "h.sqlite3")
    log = MasterclassLog(store, "check-question", "en", participants=1, names_kept=False)
    recorder = turn_recorder(store, log, 1)
    assert isinstance(recorder.record(1, sps(2.0)), HistoryError)
    assert log.id is None and recorder.session_id is None
    assert store.sessions() == ()  # nothing saved as the trainer's own practice meanwhile
    assert recorder.flush() is None  # retried with the next round or flush
    assert store.sessions(kind=Kind.PRACTICE) == ()
    assert [s.masterclass_id for s in store.sessions(kind=Kind.MASTERCLASS)] == [log.id]


def test_history_command_lists_ones_own_practice_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = HistoryStore(tmp_path / "history.sqlite3")
    SessionRecorder(store, "check-question", "en").record(1, sps(1.0))
    log = MasterclassLog(store, "check-question", "en", participants=1, names_kept=True)
    SessionRecorder(
        store, "check-question", "en", participant="Ayla", masterclass=log, position=1
    ).record(1, sps(3.0))
    monkeypatch.setenv("COACH_SIM_HOME", str(tmp_path))
    args = argparse.Namespace(json=True, lang="en", scenario=None, scenarios=[], device=None)
    assert history_command.run(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["participant"] for s in data] == [None]  # Ayla's turn is not listed
