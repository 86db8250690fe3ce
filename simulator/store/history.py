"""The practice history: a local SQLite store, one transaction per round.

Each call opens the database, does its work in one ``BEGIN IMMEDIATE`` transaction, commits and
closes, so a round is on disk the moment ``save_round`` returns and a killed app loses nothing
finished. WAL journaling keeps the file intact when a write fails (full disk, read-only folder):
SQLite rolls the transaction back. Every failure becomes one ``HistoryError`` with a message for
the user; ``SessionRecorder`` keeps unsaved rounds in memory and retries them.
"""

from __future__ import annotations

import contextlib
import enum
import errno
import json
import math
import os
import shutil
import sqlite3
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from simulator.audio.pattern import Band, Shape
from simulator.audio.result import (
    ANALYSIS_RATE_HZ,
    Levels,
    LevelWarning,
    Reason,
    RoundMeasurement,
    Segment,
)
from simulator.coaching.plan import STEP_KINDS, StepKind
from simulator.export import ExportRound, ExportSession
from simulator.i18n import t, tn
from simulator.store.files import FileProblemError, make_private_folder
from simulator.text import shortened

SCHEMA_VERSION = 7
BUSY_TIMEOUT_S = 2.0
LOW_SPACE_BYTES = 256 * 1024
FILE_MODE = 0o600
"""The history holds names and coach notes, and school laptops are shared: owner only."""
MAX_UNREADABLE_NAMED = 5
SQLITE_HEADER = b"SQLite format 3\x00"
MAX_STORED_S = 24 * 3600.0
"""No round is longer than a day: a stored time beyond it (``1e300``), below zero or not a
number is a damaged row."""


class HistoryProblem(enum.Enum):
    READ_ONLY = "read_only"
    DISK_FULL = "disk_full"
    LOCKED = "locked"
    CANNOT_OPEN = "cannot_open"
    NOT_DATABASE = "not_database"
    DAMAGED = "damaged"
    NEWER = "newer"
    IO = "io"


class HistoryError(FileProblemError):
    """The history could not be read or written; ``message(lang)`` says why and what to do."""

    CATALOG = "history.error"
    problem: HistoryProblem


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
    reflection: str | None = None
    """Version 4: the teacher's answer to "What did you notice?", before seeing the measurement."""
    own_line: str | None = None
    """Version 4: the teacher's own question (or line) this round prompted, when they typed one."""
    own_name: str | None = None
    """Version 4: the student's name from the teacher's own class, when they typed one."""
    attempt: int = 1
    """Version 7: which attempt at the round this is (1 for a round done once; a round redone
    twice is attempt 3). An attempt a redo replaced keeps its own number."""
    replaced_attempts: tuple[StoredRound, ...] = ()
    """Versions 6 and 7: the attempts redos replaced (their measurements only; their notes went
    with them), oldest first. Version 6 kept only the latest, read back as attempt 1; a damaged
    row is left out."""

    @property
    def replaced(self) -> StoredRound | None:
        """The attempt just before this one, which the round's feedback compared it with (and so
        does the debrief); ``None`` for a round done once, and when that attempt's row is
        damaged (an older attempt does not stand in for it)."""
        before = [a for a in self.replaced_attempts if a.attempt == self.attempt - 1]
        return before[0] if before else None


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
    reflection: str | None = None
    """What the teacher noticed, typed before the measurement was shown (any mode)."""

    @property
    def empty(self) -> bool:
        return self.perceived_s is None and not self.note and not self.marks and not self.reflection


@dataclass(frozen=True, slots=True)
class Attempt:
    """An attempt at a round that a redo replaced: what was measured, and when."""

    measurement: RoundMeasurement
    created_at: str


Replaced = Attempt | Sequence[Attempt] | None
"""The attempts a save replaces, oldest first: one, several (redos the history could not be
written for in between) or none."""


def _attempts(replaced: Replaced) -> tuple[Attempt, ...]:
    if replaced is None:
        return ()
    return (replaced,) if isinstance(replaced, Attempt) else tuple(replaced)


@dataclass(frozen=True, slots=True)
class OwnPrompt:
    """The teacher's own words for a round: their question (or line) and/or a student's name."""

    line: str | None = None
    name: str | None = None


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
    masterclass_id: int | None = None
    """The masterclass this session was a participant's turn in; ``None`` for one's own
    practice (see ``MASTERCLASS_TABLES``)."""
    step_kind: StepKind | None = None
    """Version 5: the scenario's kind of action step when the session started, so the feedback
    keeps its words when the scenario file is gone. ``None`` for a session saved before, and
    for a kind this version does not know (the kind is then taken from the pattern's shape)."""


class Kind(enum.Enum):
    """Which sessions a read returns: one's own practice, masterclass turns, or both."""

    PRACTICE = "practice"
    MASTERCLASS = "masterclass"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class StoredMasterclass:
    """A masterclass a trainer ran: its scenario, when, and whether names were kept."""

    id: int
    scenario: str
    language: str
    started_at: str
    participants: int
    names_kept: bool
    sessions: tuple[StoredSession, ...]
    """The participants' sessions (one per participant who took a round), in turn order."""
    positions: tuple[int, ...] = ()
    """Each session's place in the list of participants (1 = the first), as ``sessions``."""


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A damaged row of the history, skipped so that the rest can be read."""

    session_id: object
    """The session's id as stored (it may itself be what is damaged)."""
    round: object | None = None
    """The round's number for a damaged round; ``None`` for a damaged session."""
    attempt: object | None = None
    """The attempt's number for a damaged attempt a redo replaced; ``None`` otherwise."""


@dataclass(frozen=True, slots=True)
class HistoryRead:
    """What could be read of the history, and the rows that could not."""

    sessions: tuple[StoredSession, ...]
    unreadable: tuple[Unreadable, ...] = ()


class _DamagedRowError(ValueError):
    """A row whose values are not what this version wrote (a type, a range, broken JSON)."""


def _time(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _DamagedRowError(f"not a number: {value!r}")
    if not (math.isfinite(value) and 0.0 <= value <= MAX_STORED_S):
        raise _DamagedRowError(f"time out of range: {value!r}")
    return float(value)


def _opt_time(value: object) -> float | None:
    return None if value is None else _time(value)


def _level(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise _DamagedRowError(f"not a level: {value!r}")
    return float(value)


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise _DamagedRowError(f"not text: {value!r}")
    return value


def _opt_text(value: object) -> str | None:
    return None if value is None else _text(value)


def _whole(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _DamagedRowError(f"not a whole number: {value!r}")
    return value


def _json_list(value: object) -> list[object]:
    try:
        parsed = json.loads(_text(value))
    except (ValueError, RecursionError):
        raise _DamagedRowError("broken JSON") from None
    if not isinstance(parsed, list):
        raise _DamagedRowError("JSON is not a list")
    return parsed


def _segments(value: object) -> tuple[tuple[float, float], ...]:
    pairs = []
    for pair in _json_list(value):
        if not (isinstance(pair, list) and len(pair) == 2):
            raise _DamagedRowError("a segment is not a pair")
        pairs.append((_time(pair[0]), _time(pair[1])))
    return tuple(pairs)


def _round_from_row(
    r: Sequence[object], replaced: Sequence[StoredRound] = (), attempt: int = 1
) -> StoredRound:
    """One ``rounds`` row (columns as in ``ROUND_COLUMNS``), its attempt's number and the
    attempts it replaced; ``_DamagedRowError`` if damaged."""
    return StoredRound(
        round=_whole(r[1]),
        pause_s=_opt_time(r[2]),
        measured_s=_opt_time(r[3]),
        verdict=_text(r[4]),
        reason=_opt_text(r[5]),
        question_end_s=_opt_time(r[6]),
        name_start_s=_opt_time(r[7]),
        span_start_s=_opt_time(r[8]),
        span_end_s=_opt_time(r[9]),
        shape=_text(r[10]),
        target_s=_time(r[11]),
        min_s=_time(r[12]),
        max_s=_time(r[13]),
        segments_s=_segments(r[14]),
        warnings=tuple(_text(w) for w in _json_list(r[15])),
        audio_s=_time(r[16]),
        created_at=_text(r[17]),
        peak_dbfs=_level(r[18]),
        speech_dbfs=_level(r[19]),
        noise_floor_dbfs=_level(r[20]),
        clipped_fraction=_level(r[21]),
        perceived_s=_opt_time(r[22]),
        coach_note=_opt_text(r[23]),
        marks=_marks(r[24] if isinstance(r[24], str) else None),
        reflection=_opt_text(r[25]),
        own_line=_opt_text(r[26]),
        own_name=_opt_text(r[27]),
        attempt=attempt,
        replaced_attempts=tuple(replaced),
    )


def _replaced_from_row(r: Sequence[object]) -> StoredRound:
    """One ``replaced_rounds`` row (columns as in ``REPLACED_COLUMNS``: the first 22 of
    ``ROUND_COLUMNS``, then ``attempt``); ``_DamagedRowError`` if damaged."""
    measured = r[: len(REPLACED_VALUES)]
    blank = (None,) * (len(ROUND_VALUES) - len(REPLACED_VALUES))
    return _round_from_row((*measured, *blank), attempt=_whole(r[len(REPLACED_VALUES)]))


def _step_kind(value: object) -> StepKind | None:
    """A stored kind of step; one this version does not know (a newer version's) is unknown."""
    return StepKind(value) if isinstance(value, str) and value in STEP_KINDS else None


def _session_from_row(
    s: Sequence[object], rounds: Sequence[StoredRound], masterclass_id: int | None = None
) -> StoredSession:
    """One ``sessions`` row (columns as in ``SESSION_COLUMNS``) with its rounds;
    ``_DamagedRowError`` if damaged."""
    return StoredSession(
        _whole(s[0]),
        _text(s[1]),
        _text(s[2]),
        _text(s[3]),
        _opt_text(s[4]),
        _opt_text(s[5]),
        tuple(rounds),
        masterclass_id,
        _step_kind(s[6]),
    )


SESSION_COLUMNS = "id, scenario, language, started_at, participant, notes, step_kind"


ROUND_COLUMNS = (
    "session_id, round, pause_s, measured_s, verdict, reason, question_end_s,"
    " name_start_s, span_start_s, span_end_s, shape, target_s, min_s, max_s,"
    " segments_json, warnings_json, audio_s, created_at,"
    " peak_dbfs, speech_dbfs, noise_floor_dbfs, clipped_fraction,"
    " perceived_s, coach_note, marks_json, reflection, own_line, own_name"
)
ROUND_VALUES = ROUND_COLUMNS.split(", ")

REPLACED_VALUES = ROUND_VALUES[: ROUND_VALUES.index("clipped_fraction") + 1]
"""A replaced attempt keeps what was measured, not the coach's notes or the teacher's words."""
REPLACED_COLUMNS = ", ".join([*REPLACED_VALUES, "attempt"])


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _problem_for(exc: BaseException) -> HistoryProblem:
    if isinstance(exc, OSError):
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return HistoryProblem.READ_ONLY
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return HistoryProblem.DISK_FULL
        if exc.errno in (errno.ENOTDIR, errno.EEXIST, errno.ENOENT):
            return HistoryProblem.CANNOT_OPEN
        return HistoryProblem.IO
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    if name.startswith("SQLITE_READONLY") or "readonly" in text or "read-only" in text:
        return HistoryProblem.READ_ONLY
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return HistoryProblem.DISK_FULL
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return HistoryProblem.LOCKED
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
        return HistoryProblem.CANNOT_OPEN
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or "not a database" in text:
        return HistoryProblem.NOT_DATABASE
    return HistoryProblem.IO


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


def _v4(conn: sqlite3.Connection) -> None:
    """Version 4: the teacher's reflection and own words (question, student's name) per round."""
    for column in ("reflection", "own_line", "own_name"):
        conn.execute(f"ALTER TABLE rounds ADD COLUMN {column} TEXT")


def _v5(conn: sqlite3.Connection) -> None:
    """Version 5: the session's kind of action step (``StepKind``), so a session whose scenario
    is gone keeps its words; older sessions have none (``NULL``)."""
    conn.execute("ALTER TABLE sessions ADD COLUMN step_kind TEXT")


REPLACED_TABLE = """CREATE TABLE {name} (
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
            peak_dbfs REAL,
            speech_dbfs REAL,
            noise_floor_dbfs REAL,
            clipped_fraction REAL,{attempt}
            PRIMARY KEY (session_id, round{attempt_key})
        )"""
"""The table of replaced attempts: the measured columns of ``rounds``; from version 7 also the
attempt's number, so every attempt a redo replaced is kept, not only the latest."""


def _v6(conn: sqlite3.Connection) -> None:
    """Version 6: the attempt a redone round replaced, one per round (the latest redo's), with
    the same measured columns as the round; rounds done once have none."""
    conn.execute(REPLACED_TABLE.format(name="replaced_rounds", attempt="", attempt_key=""))


def _v7(conn: sqlite3.Connection) -> None:
    """Version 7: every attempt a redo replaced, numbered per round (1 is the first attempt).
    Version 6's one attempt per round becomes attempt 1, every value as it was."""
    attempt = "\n            attempt INTEGER NOT NULL CHECK (attempt >= 1),"
    table = REPLACED_TABLE.format(name="replaced_v7", attempt=attempt, attempt_key=", attempt")
    conn.execute(table)
    measured = ", ".join(REPLACED_VALUES)
    conn.execute(
        f"INSERT INTO replaced_v7 ({measured}, attempt) SELECT {measured}, 1 FROM replaced_rounds"
    )
    conn.execute("DROP TABLE replaced_rounds")
    conn.execute("ALTER TABLE replaced_v7 RENAME TO replaced_rounds")


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _v1,
    _v2,
    _v3,
    _v4,
    _v5,
    _v6,
    _v7,
)
"""``MIGRATIONS[n]`` takes the schema from version ``n`` to ``n + 1``."""


MASTERCLASS_TABLES = (
    """CREATE TABLE IF NOT EXISTS masterclasses (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        scenario TEXT NOT NULL,
        language TEXT NOT NULL,
        started_at TEXT NOT NULL,
        participants INTEGER NOT NULL,
        names_kept INTEGER NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS masterclass_turns (
        session_id INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
        masterclass_id INTEGER NOT NULL REFERENCES masterclasses(id) ON DELETE CASCADE,
        position INTEGER NOT NULL
    )""",
)
"""Masterclasses and which sessions were their participants' turns, kept apart from one's own
practice. Created when missing by any write, independent of the schema version: an older
history simply has none, and reading it treats every session as one's own practice."""


@dataclass
class _ReplacedRows:
    """The ``replaced_rounds`` table as read: the attempts by (session id, round), oldest first,
    the highest attempt number seen per round (a damaged row's too, when its number is whole),
    and the damaged rows."""

    attempts: dict[tuple[object, object], list[StoredRound]] = field(default_factory=dict)
    latest: dict[tuple[object, object], int] = field(default_factory=dict)
    damaged: list[Unreadable] = field(default_factory=list)

    def of(self, r: Sequence[object]) -> tuple[list[StoredRound], int]:
        """The attempts the ``rounds`` row ``r`` replaced, and that row's attempt number."""
        key = (r[0], r[1])
        return self.attempts.get(key, []), self.latest.get(key, 0) + 1


def _replaced_attempts(conn: sqlite3.Connection) -> _ReplacedRows:
    """The attempts redone rounds replaced. A damaged row is left out and named (the rest of
    its round reads as usual); when it was the attempt just before the round's, the round's
    feedback compares with no attempt, as for a round done once."""
    found = _ReplacedRows()
    number = len(REPLACED_VALUES)
    query = f"SELECT {REPLACED_COLUMNS} FROM replaced_rounds ORDER BY session_id, round, attempt"
    for r in conn.execute(query):
        key = (r[0], r[1])
        with contextlib.suppress(_DamagedRowError):
            found.latest[key] = max(found.latest.get(key, 0), _whole(r[number]))
        try:
            found.attempts.setdefault(key, []).append(_replaced_from_row(r))
        except _DamagedRowError:
            found.damaged.append(Unreadable(r[0], r[1], r[number]))
    return found


def _masterclass_tables_exist(conn: sqlite3.Connection) -> bool:
    found = conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        " AND name IN ('masterclasses', 'masterclass_turns')"
    ).fetchone()[0]
    return bool(found == 2)


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the schema to ``SCHEMA_VERSION`` inside the caller's transaction."""
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise HistoryError(HistoryProblem.NEWER, path, f"schema {version}")
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
    own: OwnPrompt | None = None,
    replaced: Replaced = None,
) -> StoredRound:
    """A measured round as the history keeps it (values rounded as stored), with the attempts it
    replaced when it was a redo, numbered from 1 (the round is the attempt after them)."""
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
        reflection=c.reflection or None,
        own_line=own.line if own else None,
        own_name=own.name if own else None,
        attempt=len(_attempts(replaced)) + 1,
        replaced_attempts=tuple(
            replace(stored_round(round_number, a.measurement, created_at=a.created_at), attempt=i)
            for i, a in enumerate(_attempts(replaced), start=1)
        ),
    )


def _row_values(session_id: int, r: StoredRound) -> tuple[object, ...]:
    """A round's values in the order of ``ROUND_COLUMNS`` (a replaced attempt's are the first
    ``len(REPLACED_VALUES)``)."""
    return (
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
        r.reflection,
        r.own_line,
        r.own_name,
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
    own: Mapping[int, OwnPrompt] | None = None,
    step_kind: StepKind | None = None,
    replaced: Sequence[RoundMeasurement | None] = (),
) -> StoredSession:
    """A session as the history would return it, built from the rounds held in memory.

    ``replaced`` holds, beside each of ``results``, the attempt it replaced when it was a redo
    (``Session.replaced``: the attempt just before, which the feedback compared it with; the
    history keeps the earlier ones too). The app's summary exports from this, so a debrief can
    be saved even while the history cannot be written.
    """
    coaching = coaching or {}
    own = own or {}
    earlier = dict(enumerate(replaced, start=1))
    return StoredSession(
        session_id,
        scenario,
        language,
        started_at,
        participant,
        notes,
        tuple(
            stored_round(
                i,
                m,
                created_at=started_at,
                coaching=coaching.get(i),
                own=own.get(i),
                replaced=_attempt(earlier.get(i), started_at),
            )
            for i, m in enumerate(results, start=1)
        ),
        step_kind=step_kind,
    )


def _attempt(m: RoundMeasurement | None, created_at: str) -> Attempt | None:
    return None if m is None else Attempt(m, created_at)


# --- between stored rows and rounds --------------------------------------------------------------

UNKNOWN_LEVELS = Levels(
    peak_dbfs=math.nan, speech_dbfs=None, noise_floor_dbfs=math.nan, clipped_fraction=0.0
)
"""For rounds saved before the history kept levels (schema version 2)."""


def _samples(seconds: float) -> int:
    return round(seconds * ANALYSIS_RATE_HZ)


def measurement_from_stored(r: StoredRound) -> RoundMeasurement:
    """Rebuild the round's measurement from the stored columns (the reverse of ``stored_round``).

    Raises ``ValueError`` for values this version does not know (a newer shape or reason) and
    for times that are not a number or out of range (see ``MAX_STORED_S``).
    """
    _check_times(r)
    span: tuple[int, int] | None = None
    if r.span_start_s is not None and r.span_end_s is not None:
        span = (_samples(r.span_start_s), _samples(r.span_end_s))
    reason = None if r.reason is None else Reason(r.reason)
    if span is None and reason is None:
        reason = Reason.NO_SPEECH
    return RoundMeasurement(
        shape=Shape(r.shape),
        band=Band(r.target_s, r.min_s, r.max_s),
        segments=tuple(Segment(_samples(a), _samples(b)) for a, b in r.segments_s),
        span=span,
        reason=reason,
        levels=UNKNOWN_LEVELS
        if r.peak_dbfs is None
        else Levels(
            peak_dbfs=r.peak_dbfs,
            speech_dbfs=r.speech_dbfs,
            noise_floor_dbfs=r.noise_floor_dbfs if r.noise_floor_dbfs is not None else math.nan,
            clipped_fraction=r.clipped_fraction or 0.0,
        ),
        warnings=tuple(LevelWarning(w) for w in r.warnings),
        duration_samples=_samples(r.audio_s),
    )


def _check_times(r: StoredRound) -> None:
    times = [r.target_s, r.min_s, r.max_s, r.audio_s, *(v for pair in r.segments_s for v in pair)]
    optional = (r.pause_s, r.measured_s, r.question_end_s, r.name_start_s, r.perceived_s)
    times += [v for v in (r.span_start_s, r.span_end_s, *optional) if v is not None]
    for value in times:
        _time(value)


def _readable(r: StoredRound) -> RoundMeasurement | None:
    """The stored round's measurement; ``None`` when it cannot be read back."""
    try:
        return measurement_from_stored(r)
    except ValueError:
        return None


def export_round(r: StoredRound) -> ExportRound:
    """The round in the plain values the exports render; its measurement is ``None`` when it
    cannot be read back, and so is the attempt it replaced (which must also be of the round's
    shape: one of another is not the same move tried again). Every attempt a redo replaced is
    listed in ``earlier`` as it was stored, for the CSV."""
    measurement = _readable(r)
    replaced: RoundMeasurement | None = None
    if measurement is not None and r.replaced is not None:
        earlier = _readable(r.replaced)
        if earlier is not None and earlier.shape is measurement.shape:
            replaced = earlier
    return ExportRound(
        round=r.round,
        measurement=measurement,
        measured_s=r.measured_s,
        pause_s=r.pause_s,
        verdict=r.verdict,
        reason=r.reason,
        question_end_s=r.question_end_s,
        name_start_s=r.name_start_s,
        target_s=r.target_s,
        min_s=r.min_s,
        max_s=r.max_s,
        speech_dbfs=r.speech_dbfs,
        perceived_s=r.perceived_s,
        coach_note=r.coach_note,
        marks=r.marks,
        reflection=r.reflection,
        own_line=r.own_line,
        own_name=r.own_name,
        replaced=replaced,
        attempt=r.attempt,
        recorded_at=r.created_at,
        earlier=tuple(export_round(a) for a in r.replaced_attempts),
    )


def export_session(session: StoredSession) -> ExportSession:
    """The session in the plain values the exports render (``simulator.export``)."""
    return ExportSession(
        id=session.id,
        scenario=session.scenario,
        language=session.language,
        started_at=session.started_at,
        participant=session.participant,
        notes=session.notes,
        rounds=tuple(export_round(r) for r in session.rounds),
        step_kind=session.step_kind,
    )


class HistoryStore:
    """The SQLite history at ``path`` (see ``simulator.store.paths.history_db_path``)."""

    def __init__(self, path: Path | str, *, busy_timeout_s: float = BUSY_TIMEOUT_S) -> None:
        self.path = Path(path)
        self.busy_timeout_s = busy_timeout_s

    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[sqlite3.Connection]:
        conn: sqlite3.Connection | None = None
        self._refuse_special_file()
        try:
            conn = self._open_for_writing() if write else self._open_for_reading()
            conn.execute("PRAGMA foreign_keys = ON")
            if write:
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                migrate(conn, self.path)
                if write:
                    for statement in MASTERCLASS_TABLES:
                        conn.execute(statement)
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

    def _refuse_special_file(self) -> None:
        """A FIFO or a device where the history should be would make opening it wait forever."""
        try:
            mode = os.stat(self.path).st_mode
        except OSError:
            return  # missing (a new history) or unreachable: opening it says what is wrong
        if not stat.S_ISREG(mode):
            raise HistoryError(HistoryProblem.NOT_DATABASE, self.path, "not an ordinary file")

    def _open_for_writing(self) -> sqlite3.Connection:
        """The database, created owner-only (folder 0700, file 0600) when it is new.

        SQLite gives its ``-wal`` and ``-shm`` files the database file's permissions, so those
        are owner-only too; a database made by an older version is tightened on first write.
        """
        make_private_folder(self.path.parent)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
        try:
            if os.fstat(fd).st_mode & 0o077:
                with contextlib.suppress(OSError):
                    os.fchmod(fd, FILE_MODE)
        finally:
            os.close(fd)
        return sqlite3.connect(self.path, timeout=self.busy_timeout_s, isolation_level=None)

    def _open_for_reading(self) -> sqlite3.Connection:
        """The database opened read-only: reading never creates or changes a file.

        On a read-only folder SQLite cannot make the ``-shm`` file a WAL database needs; there
        nothing can change the file either, so it is opened as immutable.
        """
        uri = self.path.resolve().as_uri() + "?mode=ro"
        try:
            return self._connect_uri(uri)
        except sqlite3.OperationalError:
            if os.access(self.path.parent, os.W_OK):
                raise
            return self._connect_uri(uri + "&immutable=1")

    def _connect_uri(self, uri: str) -> sqlite3.Connection:
        conn = sqlite3.connect(uri, uri=True, timeout=self.busy_timeout_s, isolation_level=None)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except BaseException:
            conn.close()
            raise
        return conn

    def _is_sqlite_file(self) -> bool:
        """Whether the file starts as every SQLite database does: then it is a history (or
        another database) that is damaged, not some other file put in its place."""
        try:
            with open(self.path, "rb") as handle:
                return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
        except OSError:
            return False

    def _refine(self, problem: HistoryProblem) -> HistoryProblem:
        """Make SQLite's vaguer errors specific: 'unable to open' also means a folder it may not
        write to (its WAL files on a read-only filesystem), 'disk I/O error' also a full disk."""
        folder = self.path.parent
        if problem is HistoryProblem.NOT_DATABASE and self._is_sqlite_file():
            return HistoryProblem.DAMAGED
        if (
            problem is HistoryProblem.CANNOT_OPEN
            and folder.is_dir()
            and not os.access(folder, os.W_OK)
        ):
            return HistoryProblem.READ_ONLY
        if problem in (HistoryProblem.IO, HistoryProblem.CANNOT_OPEN) and folder.is_dir():
            # A full disk often surfaces as a plain I/O error while SQLite grows its WAL or
            # shared-memory file (seen on tmpfs): look at the free space itself.
            try:
                free = shutil.disk_usage(folder).free
            except OSError:
                return problem
            if free < LOW_SPACE_BYTES:
                return HistoryProblem.DISK_FULL
        return problem

    def start_session(
        self,
        scenario: str,
        language: str,
        *,
        started_at: str | None = None,
        participant: str | None = None,
        notes: str | None = None,
        turn: tuple[int, int] | None = None,
        step_kind: StepKind | None = None,
    ) -> int:
        """A new session; ``turn`` = ``(masterclass id, position)`` makes it a participant's
        turn in that masterclass instead of one's own practice. ``step_kind`` is the scenario's
        kind of action step (``coaching.feedback.kind_for``)."""
        kind = None if step_kind is None else step_kind.value
        with self._transaction(write=True) as conn:
            cur = conn.execute(
                "INSERT INTO sessions (scenario, language, started_at, participant, notes,"
                " step_kind) VALUES (?, ?, ?, ?, ?, ?)",
                (scenario, language, started_at or utc_now_iso(), participant, notes, kind),
            )
            row_id = cur.lastrowid
            if turn is not None:
                conn.execute(
                    "INSERT INTO masterclass_turns (session_id, masterclass_id, position)"
                    " VALUES (?, ?, ?)",
                    (row_id, turn[0], turn[1]),
                )
        assert row_id is not None
        return row_id

    def start_masterclass(
        self,
        scenario: str,
        language: str,
        *,
        participants: int,
        names_kept: bool,
        started_at: str | None = None,
    ) -> int:
        """Record a masterclass; its participants' sessions refer to the id returned."""
        with self._transaction(write=True) as conn:
            cur = conn.execute(
                "INSERT INTO masterclasses (scenario, language, started_at, participants,"
                " names_kept) VALUES (?, ?, ?, ?, ?)",
                (scenario, language, started_at or utc_now_iso(), participants, int(names_kept)),
            )
            row_id = cur.lastrowid
        assert row_id is not None
        return row_id

    def masterclasses(self) -> tuple[StoredMasterclass, ...]:
        """Every masterclass that can be read, oldest first, with its participants' sessions."""
        if not self.path.exists():
            return ()
        by_masterclass: dict[int, list[StoredSession]] = {}
        for session in self.read(kind=Kind.MASTERCLASS).sessions:
            assert session.masterclass_id is not None
            by_masterclass.setdefault(session.masterclass_id, []).append(session)
        found: list[StoredMasterclass] = []
        with self._transaction(write=False) as conn:
            if not _masterclass_tables_exist(conn):
                return ()
            rows = conn.execute(
                "SELECT id, scenario, language, started_at, participants, names_kept"
                " FROM masterclasses ORDER BY started_at, id"
            ).fetchall()
            places = dict(conn.execute("SELECT session_id, position FROM masterclass_turns"))
        for row in rows:
            sessions = tuple(by_masterclass.get(row[0], ()))
            try:
                found.append(
                    StoredMasterclass(
                        _whole(row[0]),
                        _text(row[1]),
                        _text(row[2]),
                        _text(row[3]),
                        _whole(row[4]),
                        bool(row[5]),
                        sessions,
                        tuple(_whole(places.get(s.id)) for s in sessions),
                    )
                )
            except _DamagedRowError:
                continue
        return tuple(found)

    def save_round(
        self,
        session_id: int,
        round_number: int,
        m: RoundMeasurement,
        *,
        created_at: str | None = None,
        coaching: RoundCoaching | None = None,
        own: OwnPrompt | None = None,
        replaced: Replaced = None,
    ) -> None:
        """Write one round in its own transaction; a redone round replaces the earlier one,
        which is kept as the attempt it ``replaced``, numbered after the attempts at the round
        kept already (several when redos could not be written in between). A round saved
        without one is done once: it keeps no attempts of an earlier save."""
        r = stored_round(
            round_number,
            m,
            created_at=created_at or utc_now_iso(),
            coaching=coaching,
            own=own,
            replaced=replaced,
        )
        places = ", ".join("?" * len(ROUND_VALUES))
        with self._transaction(write=True) as conn:
            conn.execute(
                f"INSERT OR REPLACE INTO rounds ({ROUND_COLUMNS}) VALUES ({places})",
                _row_values(session_id, r),
            )
            where = "WHERE session_id = ? AND round = ?"
            if not r.replaced_attempts:
                conn.execute(f"DELETE FROM replaced_rounds {where}", (session_id, round_number))
            (kept,) = conn.execute(
                f"SELECT max(attempt) FROM replaced_rounds {where} AND typeof(attempt) = 'integer'",
                (session_id, round_number),
            ).fetchone()
            before = kept if isinstance(kept, int) else 0
            for a in r.replaced_attempts:
                conn.execute(
                    f"INSERT INTO replaced_rounds ({REPLACED_COLUMNS})"
                    f" VALUES ({', '.join('?' * (len(REPLACED_VALUES) + 1))})",
                    (*_row_values(session_id, a)[: len(REPLACED_VALUES)], before + a.attempt),
                )

    def update_round_coaching(
        self, session_id: int, round_number: int, coaching: RoundCoaching
    ) -> bool:
        """Set a saved round's perceived pause, coach note, marks and the teacher's reflection,
        in its own transaction.

        Replaces all four; returns ``False`` when there is no such round.
        """
        with self._transaction(write=True) as conn:
            cur = conn.execute(
                "UPDATE rounds SET perceived_s = ?, coach_note = ?, marks_json = ?, reflection = ?"
                " WHERE session_id = ? AND round = ?",
                (
                    _opt(coaching.perceived_s),
                    coaching.note or None,
                    _marks_json(coaching.marks),
                    coaching.reflection or None,
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

    def sessions(
        self, scenario: str | None = None, *, kind: Kind = Kind.ALL
    ) -> tuple[StoredSession, ...]:
        """All sessions that can be read, oldest first, each with its rounds in order."""
        return self.read(scenario, kind=kind).sessions

    def read(self, scenario: str | None = None, *, kind: Kind = Kind.ALL) -> HistoryRead:
        """All sessions, oldest first, each with its rounds in order. No file: no sessions.

        ``kind`` keeps one's own practice (``PRACTICE``) and the turns of the masterclasses one
        ran for others (``MASTERCLASS``) apart; ``ALL`` returns both.

        Rows are read one by one: a damaged row (a value of the wrong type, a time out of range,
        broken JSON) is left out and named in ``unreadable``, and the rest is read as usual.
        """
        if not self.path.exists():
            if not self.path.parent.is_dir() and self.path.parent.exists():
                raise HistoryError(HistoryProblem.CANNOT_OPEN, self.path, "not a folder")
            return HistoryRead(())
        self._refuse_special_file()
        if self._needs_migration():
            with self._transaction(write=True):
                pass
        unreadable: list[Unreadable] = []
        by_session: dict[object, list[StoredRound]] = {}
        sessions: list[StoredSession] = []
        with self._transaction(write=False) as conn:
            where, args = ("WHERE scenario = ?", (scenario,)) if scenario else ("", ())
            replaced = _replaced_attempts(conn)
            unreadable.extend(replaced.damaged)
            for r in conn.execute(f"SELECT {ROUND_COLUMNS} FROM rounds ORDER BY session_id, round"):
                try:
                    row = _round_from_row(r, *replaced.of(r))
                    by_session.setdefault(r[0], []).append(row)
                except _DamagedRowError:
                    unreadable.append(Unreadable(r[0], r[1]))
            query = f"SELECT {SESSION_COLUMNS} FROM sessions {where} ORDER BY started_at, id"
            turns: dict[object, int] = {}
            if _masterclass_tables_exist(conn):
                turns = dict(
                    conn.execute("SELECT session_id, masterclass_id FROM masterclass_turns")
                )
            for s in conn.execute(query, args):
                masterclass_id = turns.get(s[0])
                if kind is Kind.PRACTICE and masterclass_id is not None:
                    continue
                if kind is Kind.MASTERCLASS and masterclass_id is None:
                    continue
                try:
                    sessions.append(_session_from_row(s, by_session.get(s[0], []), masterclass_id))
                except _DamagedRowError:
                    unreadable.append(Unreadable(s[0]))
        shown = {s.id for s in sessions}
        unreadable = [u for u in unreadable if u.round is None or u.session_id in shown]
        return HistoryRead(tuple(sessions), tuple(unreadable))

    def _needs_migration(self) -> bool:
        """Whether the file was written by an older version (reading it needs the new columns)."""
        try:
            conn = self._open_for_reading()
        except sqlite3.Error:
            return False  # the read itself reports what is wrong
        try:
            version: int = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.Error:
            return False
        finally:
            conn.close()
        return version < SCHEMA_VERSION

    def session(self, session_id: int) -> StoredSession | None:
        return next((s for s in self.sessions() if s.id == session_id), None)


@dataclass
class MasterclassLog:
    """A masterclass as the history keeps it, written with its first participant's round (and
    retried with the next one when that failed), so its turns never land in one's own practice."""

    store: HistoryStore
    scenario: str
    language: str
    participants: int
    names_kept: bool
    started_at: str = field(default_factory=utc_now_iso)
    id: int | None = None

    def saved_id(self) -> int:
        """The masterclass's id, writing it first if needed; raises ``HistoryError``."""
        if self.id is None:
            self.id = self.store.start_masterclass(
                self.scenario,
                self.language,
                participants=self.participants,
                names_kept=self.names_kept,
                started_at=self.started_at,
            )
        return self.id


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
    masterclass: MasterclassLog | None = None
    """Set when the session is a participant's turn in a masterclass (``position`` from 1)."""
    position: int = 0
    pending: dict[int, tuple[RoundMeasurement, str, OwnPrompt | None, tuple[Attempt, ...]]] = field(
        default_factory=dict
    )
    """Rounds not saved yet, by round: the measurement, when, own words, the attempts replaced
    (oldest first) that are not saved yet either."""
    recorded_at: dict[int, str] = field(default_factory=dict)
    """When each round's latest attempt was recorded (the time a redo's replaced attempt keeps)."""
    pending_coaching: dict[int, RoundCoaching] = field(default_factory=dict)
    """Coach mode input not saved yet, by round; written after the round itself."""
    step_kind: StepKind | None = None
    """The scenario's kind of action step, kept with the session (see ``StoredSession``)."""

    def record(
        self,
        round_number: int,
        m: RoundMeasurement,
        own: OwnPrompt | None = None,
        replaced: RoundMeasurement | None = None,
    ) -> HistoryError | None:
        """Keep and save a finished round (with the teacher's own words when it prompted them);
        ``replaced`` is the attempt a redo replaces (``Session.earlier_attempt``)."""
        now = utc_now_iso()
        earlier = _attempt(replaced, self.recorded_at.get(round_number, now))
        attempts: tuple[Attempt, ...] = ()
        if earlier is not None:
            # A redo of an attempt that is not saved yet keeps that attempt's own predecessors.
            unsaved = self.pending.get(round_number)
            attempts = (*(unsaved[3] if unsaved else ()), earlier)
        self.recorded_at[round_number] = now
        self.pending[round_number] = (m, now, own, attempts)
        self.pending_coaching.pop(round_number, None)  # a redone round starts without notes
        return self.flush()

    def annotate(self, round_number: int, coaching: RoundCoaching) -> HistoryError | None:
        """Keep the coach's input for a recorded round (replacing earlier input) and save it."""
        self.pending_coaching[round_number] = coaching
        return self.flush()

    def flush(self) -> HistoryError | None:
        try:
            if self.session_id is None:
                turn = None
                if self.masterclass is not None:
                    turn = (self.masterclass.saved_id(), self.position)
                self.session_id = self.store.start_session(
                    self.scenario,
                    self.language,
                    started_at=self.started_at,
                    participant=self.participant,
                    turn=turn,
                    step_kind=self.step_kind,
                )
            for number in sorted(self.pending):
                m, created_at, own, replaced = self.pending[number]
                self.store.save_round(
                    self.session_id, number, m, created_at=created_at, own=own, replaced=replaced
                )
                del self.pending[number]
            for number in sorted(self.pending_coaching):
                self.store.update_round_coaching(
                    self.session_id, number, self.pending_coaching[number]
                )
                del self.pending_coaching[number]
        except HistoryError as exc:
            return exc
        return None

    def unsaved_session(self) -> StoredSession | None:
        """The rounds the history has not taken yet, as a session the exports render (their own
        round numbers, the coach's input and the teacher's own words with them); ``None`` when
        every round is saved."""
        if not self.pending:
            return None
        return StoredSession(
            self.session_id or 0,
            self.scenario,
            self.language,
            self.started_at,
            self.participant,
            None,
            tuple(
                stored_round(
                    number,
                    m,
                    created_at=created_at,
                    coaching=self.pending_coaching.get(number),
                    own=own,
                    replaced=replaced,
                )
                for number, (m, created_at, own, replaced) in sorted(self.pending.items())
            ),
            step_kind=self.step_kind,
        )


def _unreadable_name(r: Unreadable, lang: str) -> str:
    """ "session 4", "round 2 of session 4" or "attempt 1 at round 2 of session 4"."""
    where = {"id": shortened(str(r.session_id)), "round": shortened(str(r.round))}
    if r.round is None:
        return t("history.unreadable_session", lang, **where)
    if r.attempt is None:
        return t("history.unreadable_round", lang, **where)
    return t("history.unreadable_attempt", lang, attempt=shortened(str(r.attempt)), **where)


def describe_unreadable(rows: Sequence[Unreadable], lang: str) -> str | None:
    """One line naming the damaged rows that were left out, or ``None`` when there are none."""
    if not rows:
        return None
    names = [_unreadable_name(r, lang) for r in rows[:MAX_UNREADABLE_NAMED]]
    if len(rows) > MAX_UNREADABLE_NAMED:
        names.append("…")
    return tn("history.unreadable", lang, len(rows), count=len(rows), rows=", ".join(names))
