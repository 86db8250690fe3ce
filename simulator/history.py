"""The practice history: a local SQLite store, one transaction per round.

Each call opens the database, does its work in one ``BEGIN IMMEDIATE`` transaction, commits and
closes, so a round is on disk the moment ``save_round`` returns and a killed app loses nothing
finished. WAL journaling keeps the file intact when a write fails (full disk, read-only folder):
SQLite rolls the transaction back. Every failure becomes one ``HistoryError`` with a message for
the user; ``SessionRecorder`` keeps unsaved rounds in memory and retries them.
"""

from __future__ import annotations

import enum
import errno
import json
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from simulator.audio.pattern import Shape
from simulator.audio.result import RoundMeasurement
from simulator.files import FileProblemError

SCHEMA_VERSION = 3
BUSY_TIMEOUT_S = 2.0
LOW_SPACE_BYTES = 256 * 1024


class Problem(enum.Enum):
    READ_ONLY = "read_only"
    DISK_FULL = "disk_full"
    LOCKED = "locked"
    CANNOT_OPEN = "cannot_open"
    NOT_DATABASE = "not_database"
    NEWER = "newer"
    IO = "io"


class HistoryError(FileProblemError):
    """The history could not be read or written; ``message(lang)`` says why and what to do."""

    CATALOG = "history.error"
    problem: Problem


@dataclass(frozen=True, slots=True)
class StoredRound:
    round: int
    pause_s: float | None
    measured_s: float | None
    verdict: str
    reason: str | None
    question_end_s: float | None
    name_start_s: float | None
    span_start_s: float | None
    span_end_s: float | None
    shape: str
    target_s: float
    min_s: float
    max_s: float
    segments_s: tuple[tuple[float, float], ...]
    warnings: tuple[str, ...]
    audio_s: float
    created_at: str
    peak_dbfs: float | None = None
    """Input levels (dBFS) and clipped fraction; ``None`` for rounds saved before version 2."""
    speech_dbfs: float | None = None
    noise_floor_dbfs: float | None = None
    clipped_fraction: float | None = None
    perceived_s: float | None = None
    """Coach mode (version 3): how long the teacher felt the pause was, in seconds."""
    coach_note: str | None = None
    marks: tuple[str, ...] = ()
    """What the coach ticked as heard, as codes (see ``COACH_MARKS``)."""


COACH_MARKS: tuple[str, ...] = (
    "name_first",
    "narrated_wait",
    "repeated_question",
    "looked_around",
    "other",
)
"""The marks a coach can tick after a round; texts in the catalogs under ``coach_mode.mark``."""


@dataclass(frozen=True, slots=True)
class RoundCoaching:
    """What a coach adds to a round in coach mode; kept beside the measurement."""

    perceived_s: float | None = None
    note: str | None = None
    marks: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return self.perceived_s is None and not self.note and not self.marks


@dataclass(frozen=True, slots=True)
class StoredSession:
    id: int
    scenario: str
    language: str
    started_at: str
    """ISO-8601 in UTC, e.g. ``2025-03-04T09:15:02+00:00``."""
    participant: str | None
    notes: str | None
    rounds: tuple[StoredRound, ...]


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _problem_for(exc: BaseException) -> Problem:
    if isinstance(exc, OSError):
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return Problem.READ_ONLY
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return Problem.DISK_FULL
        if exc.errno in (errno.ENOTDIR, errno.EEXIST, errno.ENOENT):
            return Problem.CANNOT_OPEN
        return Problem.IO
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    if name.startswith("SQLITE_READONLY") or "readonly" in text or "read-only" in text:
        return Problem.READ_ONLY
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return Problem.DISK_FULL
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return Problem.LOCKED
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
        return Problem.CANNOT_OPEN
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or "not a database" in text:
        return Problem.NOT_DATABASE
    return Problem.IO


def _v1(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            scenario TEXT NOT NULL,
            language TEXT NOT NULL,
            started_at TEXT NOT NULL,
            participant TEXT,
            notes TEXT
        )"""
    )
    conn.execute(
        """CREATE TABLE rounds (
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            round INTEGER NOT NULL CHECK (round >= 1),
            pause_s REAL,
            measured_s REAL,
            verdict TEXT NOT NULL,
            reason TEXT,
            question_end_s REAL,
            name_start_s REAL,
            span_start_s REAL,
            span_end_s REAL,
            shape TEXT NOT NULL,
            target_s REAL NOT NULL,
            min_s REAL NOT NULL,
            max_s REAL NOT NULL,
            segments_json TEXT NOT NULL,
            warnings_json TEXT NOT NULL,
            audio_s REAL NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (session_id, round)
        )"""
    )


def _v2(conn: sqlite3.Connection) -> None:
    """Version 2: the round's input levels, so a debrief can quote them."""
    for column in ("peak_dbfs", "speech_dbfs", "noise_floor_dbfs", "clipped_fraction"):
        conn.execute(f"ALTER TABLE rounds ADD COLUMN {column} REAL")


def _v3(conn: sqlite3.Connection) -> None:
    """Version 3: coach mode's perceived pause, note and marks beside each measurement."""
    conn.execute("ALTER TABLE rounds ADD COLUMN perceived_s REAL")
    conn.execute("ALTER TABLE rounds ADD COLUMN coach_note TEXT")
    conn.execute("ALTER TABLE rounds ADD COLUMN marks_json TEXT")


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_v1, _v2, _v3)
"""``MIGRATIONS[n]`` takes the schema from version ``n`` to ``n + 1``."""


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the schema to ``SCHEMA_VERSION`` inside the caller's transaction."""
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise HistoryError(Problem.NEWER, path, f"schema {version}")
    for step in MIGRATIONS[version:]:
        step(conn)
    if version != SCHEMA_VERSION:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _opt(v: float | None) -> float | None:
    return None if v is None else round(v, 4)


def _marks_json(marks: tuple[str, ...]) -> str | None:
    return json.dumps(list(marks)) if marks else None


def _marks(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    try:
        value = json.loads(text)
    except ValueError:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def stored_round(
    round_number: int,
    m: RoundMeasurement,
    *,
    created_at: str,
    coaching: RoundCoaching | None = None,
) -> StoredRound:
    """A measured round as the history keeps it (values rounded as stored)."""
    sps = m.shape is Shape.SPEECH_PAUSE_SPEECH
    c = coaching or RoundCoaching()
    return StoredRound(
        round=round_number,
        pause_s=_opt(m.pause_s),
        measured_s=_opt(m.measured_s),
        verdict=m.verdict.value,
        reason=None if m.reason is None else m.reason.value,
        question_end_s=_opt(m.span_start_s) if sps else None,
        name_start_s=_opt(m.span_end_s) if sps else None,
        span_start_s=_opt(m.span_start_s),
        span_end_s=_opt(m.span_end_s),
        shape=m.shape.value,
        target_s=m.band.target_s,
        min_s=m.band.min_s,
        max_s=m.band.max_s,
        segments_s=tuple((round(s.start_s, 4), round(s.end_s, 4)) for s in m.segments),
        warnings=tuple(w.value for w in m.warnings),
        audio_s=round(m.audio_s, 4),
        created_at=created_at,
        peak_dbfs=_opt(float(m.levels.peak_dbfs)),
        speech_dbfs=_opt(None if m.levels.speech_dbfs is None else float(m.levels.speech_dbfs)),
        noise_floor_dbfs=_opt(float(m.levels.noise_floor_dbfs)),
        clipped_fraction=float(m.levels.clipped_fraction),
        perceived_s=_opt(c.perceived_s),
        coach_note=c.note or None,
        marks=c.marks,
    )


def session_snapshot(
    *,
    session_id: int,
    scenario: str,
    language: str,
    started_at: str,
    results: Sequence[RoundMeasurement],
    coaching: Mapping[int, RoundCoaching] | None = None,
    participant: str | None = None,
    notes: str | None = None,
) -> StoredSession:
    """A session as the history would return it, built from the rounds held in memory.

    The app's summary exports from this, so a debrief can be saved even while the history
    cannot be written.
    """
    coaching = coaching or {}
    return StoredSession(
        session_id,
        scenario,
        language,
        started_at,
        participant,
        notes,
        tuple(
            stored_round(i, m, created_at=started_at, coaching=coaching.get(i))
            for i, m in enumerate(results, start=1)
        ),
    )


class HistoryStore:
    """The SQLite history at ``path`` (see ``simulator.paths.history_db_path``)."""

    def __init__(self, path: Path | str, *, busy_timeout_s: float = BUSY_TIMEOUT_S) -> None:
        self.path = Path(path)
        self.busy_timeout_s = busy_timeout_s

    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[sqlite3.Connection]:
        conn: sqlite3.Connection | None = None
        try:
            if write:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=self.busy_timeout_s, isolation_level=None)
            conn.execute("PRAGMA foreign_keys = ON")
            if write:
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                migrate(conn, self.path)
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except HistoryError:
            raise
        except (sqlite3.Error, OSError) as exc:
            raise HistoryError(self._refine(_problem_for(exc)), self.path, str(exc)) from exc
        finally:
            if conn is not None:
                conn.close()

    def _refine(self, problem: Problem) -> Problem:
        """Make SQLite's vaguer errors specific: 'unable to open' also means a folder it may not
        write to (its WAL files on a read-only filesystem), 'disk I/O error' also a full disk."""
        folder = self.path.parent
        if problem is Problem.CANNOT_OPEN and folder.is_dir() and not os.access(folder, os.W_OK):
            return Problem.READ_ONLY
        if problem in (Problem.IO, Problem.CANNOT_OPEN) and folder.is_dir():
            # A full disk often surfaces as a plain I/O error while SQLite grows its WAL or
            # shared-memory file (seen on tmpfs): look at the free space itself.
            try:
                free = shutil.disk_usage(folder).free
            except OSError:
                return problem
            if free < LOW_SPACE_BYTES:
                return Problem.DISK_FULL
        return problem

    def start_session(
        self,
        scenario: str,
        language: str,
        *,
        started_at: str | None = None,
        participant: str | None = None,
        notes: str | None = None,
    ) -> int:
        with self._transaction(write=True) as conn:
            cur = conn.execute(
                "INSERT INTO sessions (scenario, language, started_at, participant, notes)"
                " VALUES (?, ?, ?, ?, ?)",
                (scenario, language, started_at or utc_now_iso(), participant, notes),
            )
            row_id = cur.lastrowid
        assert row_id is not None
        return row_id

    def save_round(
        self,
        session_id: int,
        round_number: int,
        m: RoundMeasurement,
        *,
        created_at: str | None = None,
        coaching: RoundCoaching | None = None,
    ) -> None:
        """Write one round in its own transaction; a redone round replaces the earlier one."""
        r = stored_round(round_number, m, created_at=created_at or utc_now_iso(), coaching=coaching)
        with self._transaction(write=True) as conn:
            conn.execute(
                """INSERT OR REPLACE INTO rounds (session_id, round, pause_s, measured_s, verdict,
                    reason, question_end_s, name_start_s, span_start_s, span_end_s, shape,
                    target_s, min_s, max_s, segments_json, warnings_json, audio_s, created_at,
                    peak_dbfs, speech_dbfs, noise_floor_dbfs, clipped_fraction,
                    perceived_s, coach_note, marks_json)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                    ?, ?, ?)""",
                (
                    session_id,
                    r.round,
                    r.pause_s,
                    r.measured_s,
                    r.verdict,
                    r.reason,
                    r.question_end_s,
                    r.name_start_s,
                    r.span_start_s,
                    r.span_end_s,
                    r.shape,
                    r.target_s,
                    r.min_s,
                    r.max_s,
                    json.dumps([list(pair) for pair in r.segments_s]),
                    json.dumps(list(r.warnings)),
                    r.audio_s,
                    r.created_at,
                    r.peak_dbfs,
                    r.speech_dbfs,
                    r.noise_floor_dbfs,
                    r.clipped_fraction,
                    r.perceived_s,
                    r.coach_note,
                    _marks_json(r.marks),
                ),
            )

    def update_round_coaching(
        self, session_id: int, round_number: int, coaching: RoundCoaching
    ) -> bool:
        """Set a saved round's perceived pause, coach note and marks, in its own transaction.

        Replaces all three; returns ``False`` when there is no such round.
        """
        with self._transaction(write=True) as conn:
            cur = conn.execute(
                "UPDATE rounds SET perceived_s = ?, coach_note = ?, marks_json = ?"
                " WHERE session_id = ? AND round = ?",
                (
                    _opt(coaching.perceived_s),
                    coaching.note or None,
                    _marks_json(coaching.marks),
                    session_id,
                    round_number,
                ),
            )
            return cur.rowcount > 0

    def update_session(
        self, session_id: int, *, participant: str | None = None, notes: str | None = None
    ) -> None:
        """Set a session's participant and/or coach notes (``None`` leaves a field as it is)."""
        with self._transaction(write=True) as conn:
            conn.execute(
                "UPDATE sessions SET participant = COALESCE(?, participant),"
                " notes = COALESCE(?, notes) WHERE id = ?",
                (participant, notes, session_id),
            )

    def sessions(self, scenario: str | None = None) -> tuple[StoredSession, ...]:
        """All sessions, oldest first, each with its rounds in order. No file: no sessions."""
        if not self.path.exists():
            if not self.path.parent.is_dir() and self.path.parent.exists():
                raise HistoryError(Problem.CANNOT_OPEN, self.path, "not a folder")
            return ()
        with self._transaction(write=False) as conn:
            where, args = ("WHERE scenario = ?", (scenario,)) if scenario else ("", ())
            session_rows = conn.execute(
                "SELECT id, scenario, language, started_at, participant, notes FROM sessions "
                f"{where} ORDER BY started_at, id",
                args,
            ).fetchall()
            round_rows = conn.execute(
                "SELECT session_id, round, pause_s, measured_s, verdict, reason, question_end_s,"
                " name_start_s, span_start_s, span_end_s, shape, target_s, min_s, max_s,"
                " segments_json, warnings_json, audio_s, created_at,"
                " peak_dbfs, speech_dbfs, noise_floor_dbfs, clipped_fraction,"
                " perceived_s, coach_note, marks_json"
                " FROM rounds ORDER BY session_id, round"
            ).fetchall()
        by_session: dict[int, list[StoredRound]] = {}
        for r in round_rows:
            by_session.setdefault(r[0], []).append(
                StoredRound(
                    round=r[1],
                    pause_s=r[2],
                    measured_s=r[3],
                    verdict=r[4],
                    reason=r[5],
                    question_end_s=r[6],
                    name_start_s=r[7],
                    span_start_s=r[8],
                    span_end_s=r[9],
                    shape=r[10],
                    target_s=r[11],
                    min_s=r[12],
                    max_s=r[13],
                    segments_s=tuple((a, b) for a, b in json.loads(r[14])),
                    warnings=tuple(json.loads(r[15])),
                    audio_s=r[16],
                    created_at=r[17],
                    peak_dbfs=r[18],
                    speech_dbfs=r[19],
                    noise_floor_dbfs=r[20],
                    clipped_fraction=r[21],
                    perceived_s=r[22],
                    coach_note=r[23],
                    marks=_marks(r[24]),
                )
            )
        return tuple(
            StoredSession(s[0], s[1], s[2], s[3], s[4], s[5], tuple(by_session.get(s[0], [])))
            for s in session_rows
        )

    def session(self, session_id: int) -> StoredSession | None:
        return next((s for s in self.sessions() if s.id == session_id), None)


@dataclass
class SessionRecorder:
    """Saves a session's rounds as they end, keeping whatever could not be saved yet.

    The app calls ``record`` when a round ends; a failure returns the ``HistoryError`` (for a
    message on screen) and the round stays pending; every later call (or ``flush``) retries the
    pending rounds in order. A redone round replaces the pending or stored one. Coach mode's
    input (``annotate``) is kept and retried the same way.
    """

    store: HistoryStore
    scenario: str
    language: str
    participant: str | None = None
    started_at: str = field(default_factory=utc_now_iso)
    session_id: int | None = None
    pending: dict[int, tuple[RoundMeasurement, str]] = field(default_factory=dict)
    pending_coaching: dict[int, RoundCoaching] = field(default_factory=dict)
    """Coach mode input not saved yet, by round; written after the round itself."""

    def record(self, round_number: int, m: RoundMeasurement) -> HistoryError | None:
        self.pending[round_number] = (m, utc_now_iso())
        self.pending_coaching.pop(round_number, None)  # a redone round starts without notes
        return self.flush()

    def annotate(self, round_number: int, coaching: RoundCoaching) -> HistoryError | None:
        """Keep the coach's input for a recorded round (replacing earlier input) and save it."""
        self.pending_coaching[round_number] = coaching
        return self.flush()

    def flush(self) -> HistoryError | None:
        try:
            if self.session_id is None:
                self.session_id = self.store.start_session(
                    self.scenario,
                    self.language,
                    started_at=self.started_at,
                    participant=self.participant,
                )
            for number in sorted(self.pending):
                m, created_at = self.pending[number]
                self.store.save_round(self.session_id, number, m, created_at=created_at)
                del self.pending[number]
            for number in sorted(self.pending_coaching):
                self.store.update_round_coaching(
                    self.session_id, number, self.pending_coaching[number]
                )
                del self.pending_coaching[number]
        except HistoryError as exc:
            return exc
        return None
