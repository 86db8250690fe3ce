"""History schema version 4 (the teacher's reflection and own words per round), its migration
from a version 3 database, and how the exports show them."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pytest

from simulator.export import Format, build_debrief, render
from simulator.store.history import (
    MIGRATIONS,
    SCHEMA_VERSION,
    HistoryStore,
    OwnPrompt,
    RoundCoaching,
    SessionRecorder,
    export_session,
    session_snapshot,
)
from simulator.text import TypedTextError, typed_text
from tests.unit.test_history import integrity, sps


def make_v3_database(path: Path) -> None:
    """A database exactly as version 3 wrote it: one session, one round with a felt pause."""
    with sqlite3.connect(path) as conn:
        for step in MIGRATIONS[:3]:
            step(conn)
        conn.execute("PRAGMA user_version = 3")
        conn.execute(
            "INSERT INTO sessions (scenario, language, started_at) VALUES"
            " ('check-question', 'nl', '2025-05-06T10:00:00+00:00')"
        )
        conn.execute(
            "INSERT INTO rounds (session_id, round, pause_s, measured_s, verdict, reason,"
            " question_end_s, name_start_s, span_start_s, span_end_s, shape, target_s, min_s,"
            " max_s, segments_json, warnings_json, audio_s, created_at, peak_dbfs, speech_dbfs,"
            " noise_floor_dbfs, clipped_fraction, perceived_s, coach_note, marks_json)"
            " VALUES (1, 1, 2.8, 2.8, 'on_target', NULL, 2.0, 4.8, 2.0, 4.8,"
            " 'speech-pause-speech', 3.0, 2.5, 4.0, '[[0.3, 2.0], [4.8, 5.2]]', '[]', 6.0,"
            " '2025-05-06T10:00:09+00:00', -8.0, -20.0, -60.0, 0.0, 3.5, 'Calm', '[\"other\"]')"
        )


def test_a_version_3_history_migrates_to_4_and_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    make_v3_database(path)
    store = HistoryStore(path)
    (old,) = store.sessions()
    (r1,) = old.rounds
    assert (r1.measured_s, r1.perceived_s, r1.coach_note, r1.marks) == (
        2.8,
        3.5,
        "Calm",
        ("other",),
    )
    assert (r1.reflection, r1.own_line, r1.own_name) == (None, None, None)
    own = OwnPrompt("Wat is inflatie?", "Daan")
    store.save_round(old.id, 2, sps(3.0), own=own, coaching=RoundCoaching(reflection="rustig"))
    assert store.update_round_coaching(old.id, 1, RoundCoaching(3.5, "Calm", (), "te snel"))
    (after,) = store.sessions()
    assert after.rounds[0].reflection == "te snel"
    assert after.rounds[0].measured_s == 2.8 and after.rounds[0].own_line is None
    assert (after.rounds[1].own_line, after.rounds[1].own_name) == ("Wat is inflatie?", "Daan")
    assert after.rounds[1].reflection == "rustig"
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 7
        columns = {row[1] for row in conn.execute("PRAGMA table_info(rounds)")}
    assert {"reflection", "own_line", "own_name"} <= columns
    assert integrity(path) == "ok"


def test_the_recorder_saves_own_words_and_a_redo_replaces_them(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    recorder = SessionRecorder(store, "check-question", "en")
    assert recorder.record(1, sps(1.0), OwnPrompt("What is a market?", "Sam")) is None
    assert recorder.record(2, sps(3.0)) is None  # the scenario's own prompt
    assert recorder.record(1, sps(3.0), OwnPrompt("What is a price?", None)) is None
    (session,) = store.sessions()
    assert [(r.own_line, r.own_name) for r in session.rounds] == [
        ("What is a price?", None),
        (None, None),
    ]


def test_reflection_alone_is_not_empty_coaching() -> None:
    assert RoundCoaching().empty
    assert not RoundCoaching(reflection="calm").empty


HOSTILE = '=HYPERLINK("http://x")|<script>alert(1)</script> *Kay* \x1b[2J'


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_exports_show_own_words_and_reflection_safely(lang: str) -> None:
    session = session_snapshot(
        session_id=7,
        scenario="check-question",
        language=lang,
        started_at="2025-05-06T10:00:00+00:00",
        results=[sps(1.2), sps(3.0)],
        coaching={1: RoundCoaching(reflection=HOSTILE)},
        own={1: OwnPrompt("Which two examples did I give?", HOSTILE)},
    )
    debrief = build_debrief(export_session(session), None, lang)
    md = render(Format.MARKDOWN, debrief)
    label = "Your own question" if lang == "en" else "Je eigen vraag"
    assert f"**{label}:** Which two examples did I give?" in md
    noticed = "What you noticed" if lang == "en" else "Wat je opviel"
    assert f"**{noticed}:**" in md
    assert "<script>" not in md and "\\<script\\>" in md and "\x1b" not in md
    assert md.count("\\u001b") == 2  # the escape sequence shown as a code, twice

    page = render(Format.HTML, debrief)
    assert "<script>" not in page and "&lt;script&gt;" in page and "\x1b" not in page
    assert "Which two examples did I give?" in page

    rows = list(csv.DictReader(io.StringIO(render(Format.CSV, debrief))))
    assert rows[0]["own_line"] == "Which two examples did I give?"
    assert rows[0]["own_name"].startswith("'=HYPERLINK")  # never a formula
    assert rows[0]["reflection"].startswith("'=") and "\x1b" not in rows[0]["reflection"]
    assert (rows[1]["own_line"], rows[1]["reflection"]) == ("", "")


def test_typed_text_is_folded_bounded_and_refuses_control_characters() -> None:
    assert typed_text("  What   is\tthis?  ", 40) == "What is this?"
    with pytest.raises(TypedTextError) as too_long:
        typed_text("x" * 41, 40)
    assert too_long.value.reason == "too_long" and too_long.value.params["max"] == 40
    with pytest.raises(TypedTextError) as unsafe:
        typed_text("Kay\u202e?", 40)
    assert unsafe.value.reason == "unsafe" and unsafe.value.params["code"] == "\\u202e"
