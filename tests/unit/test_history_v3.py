"""History schema version 3 (coach mode's felt pause, note and marks), its export, and the pure
helpers of coach mode and the progress chart."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from simulator.audio.result import Reason
from simulator.export import Format, build_debrief, perception_text, render
from simulator.screens.coach import SecondsInputError, parse_seconds
from simulator.store.history import (
    MIGRATIONS,
    SCHEMA_VERSION,
    HistoryError,
    HistoryStore,
    RoundCoaching,
    SessionRecorder,
    export_session,
    session_snapshot,
)
from simulator.widgets.progress_chart import chart_lines, progress_data
from tests.unit.test_history import failed, integrity, sps

COACHED = RoundCoaching(2.5, "Looked at the clock & waited", ("name_first", "narrated_wait"))


def make_v2_database(path: Path) -> None:
    """A database exactly as version 2 wrote it, with one session and one round."""
    with sqlite3.connect(path) as conn:
        MIGRATIONS[0](conn)
        MIGRATIONS[1](conn)
        conn.execute("PRAGMA user_version = 2")
        conn.execute(
            "INSERT INTO sessions (scenario, language, started_at, notes) VALUES"
            " ('check-question', 'en', '2025-02-03T10:00:00+00:00', 'Good start')"
        )
        conn.execute(
            "INSERT INTO rounds (session_id, round, pause_s, measured_s, verdict, reason,"
            " question_end_s, name_start_s, span_start_s, span_end_s, shape, target_s, min_s,"
            " max_s, segments_json, warnings_json, audio_s, created_at, peak_dbfs, speech_dbfs,"
            " noise_floor_dbfs, clipped_fraction) VALUES (1, 1, 1.6, 1.6, 'too_short', NULL,"
            " 2.0, 3.6, 2.0, 3.6, 'speech-pause-speech', 3.0, 2.5, 4.0,"
            " '[[0.3, 2.0], [3.6, 4.0]]', '[]', 5.2, '2025-02-03T10:00:09+00:00',"
            " -8.0, -20.0, -60.0, 0.0)"
        )


def test_a_version_2_history_migrates_to_3_and_keeps_its_rounds(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    make_v2_database(path)
    store = HistoryStore(path)
    (old,) = store.sessions()
    (r1,) = old.rounds
    assert (r1.round, r1.measured_s, r1.peak_dbfs, old.notes) == (1, 1.6, -8.0, "Good start")
    assert (r1.perceived_s, r1.coach_note, r1.marks) == (None, None, ())
    assert store.update_round_coaching(old.id, 1, COACHED) is True
    store.save_round(old.id, 2, sps(3.0), coaching=RoundCoaching(perceived_s=4.0))
    (after,) = store.sessions()
    assert after.rounds[0].perceived_s == 2.5
    assert after.rounds[0].coach_note == "Looked at the clock & waited"
    assert after.rounds[0].marks == ("name_first", "narrated_wait")
    assert after.rounds[0].measured_s == 1.6  # the measurement itself is untouched
    assert (after.rounds[1].perceived_s, after.rounds[1].marks) == (4.0, ())
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 7
        columns = {row[1] for row in conn.execute("PRAGMA table_info(rounds)")}
    assert {"perceived_s", "coach_note", "marks_json"} <= columns
    assert integrity(path) == "ok"


def test_coaching_of_a_missing_round_and_a_redone_round(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    sid = store.start_session("check-question", "en")
    assert store.update_round_coaching(sid, 1, COACHED) is False
    store.save_round(sid, 1, sps(1.0))
    store.update_round_coaching(sid, 1, COACHED)
    store.save_round(sid, 1, sps(2.9))  # redone: the new attempt has no notes yet
    (r,) = store.sessions()[0].rounds
    assert (r.pause_s, r.perceived_s, r.coach_note, r.marks) == (2.9, None, None, ())


def test_the_recorder_keeps_coaching_while_the_history_cannot_be_written(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.write_text("not a folder yet")
    store = HistoryStore(home / "history.sqlite3")
    recorder = SessionRecorder(store, "check-question", "en")
    assert isinstance(recorder.record(1, sps(1.4)), HistoryError)
    assert isinstance(recorder.annotate(1, COACHED), HistoryError)
    assert 1 in recorder.pending and 1 in recorder.pending_coaching
    home.unlink()
    home.mkdir()
    assert recorder.record(2, failed(Reason.NAME_FIRST)) is None  # retries everything
    assert recorder.pending == {} and recorder.pending_coaching == {}
    (session,) = store.sessions()
    assert [(r.round, r.perceived_s, r.marks) for r in session.rounds] == [
        (1, 2.5, ("name_first", "narrated_wait")),
        (2, None, ()),
    ]


def test_a_snapshot_from_memory_equals_what_the_store_returns(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    recorder = SessionRecorder(store, "check-question", "en")
    results = [sps(1.2), failed(Reason.NO_SPEECH), sps(3.1)]
    for i, m in enumerate(results, start=1):
        assert recorder.record(i, m) is None
    recorder.annotate(2, COACHED)
    assert recorder.session_id is not None
    snapshot = session_snapshot(
        session_id=recorder.session_id,
        scenario="check-question",
        language="en",
        started_at=recorder.started_at,
        results=results,
        coaching={2: COACHED},
    )
    (stored,) = store.sessions()
    strip = [r.__class__(**{**_fields(r), "created_at": ""}) for r in stored.rounds]
    assert [r.__class__(**{**_fields(r), "created_at": ""}) for r in snapshot.rounds] == strip


def _fields(r: object) -> dict[str, object]:
    return {name: getattr(r, name) for name in r.__slots__}  # type: ignore[attr-defined]


def test_every_export_format_carries_the_coach_input(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    sid = store.start_session("check-question", "en")
    store.save_round(sid, 1, sps(1.6), coaching=COACHED)
    store.save_round(sid, 2, failed(Reason.NAME_FIRST), coaching=RoundCoaching(3.0))
    store.save_round(sid, 3, sps(3.0))
    (session,) = store.sessions()
    debrief = build_debrief(export_session(session), None, "en")
    md = render(Format.MARKDOWN, debrief)
    assert "- **Felt:** 2.5\xa0s (measured 1.6\xa0s)" in md
    assert "- **Coach note:** Looked at the clock & waited" in md
    assert "- **Heard:** name came first, narrated the wait" in md
    assert "3.0\xa0s (not measured)" in md
    page = render(Format.HTML, debrief)
    assert "<dt>Coach note</dt><dd>Looked at the clock &amp; waited</dd>" in page
    assert "name came first, narrated the wait" in page
    rows = list(csv.DictReader(io.StringIO(render(Format.CSV, debrief))))
    assert [r["perceived_s"] for r in rows] == ["2.5", "3.0", ""]
    assert rows[0]["coach_note"] == "Looked at the clock & waited"
    assert rows[0]["marks"] == "name_first;narrated_wait" and rows[2]["marks"] == ""
    nl = render(Format.MARKDOWN, build_debrief(export_session(session), None, "nl"))
    assert "- **Gevoeld:** 2,5\xa0s (gemeten 1,6\xa0s)" in nl
    assert "naam kwam eerst, het wachten benoemd" in nl


@pytest.mark.parametrize(
    ("typed", "seconds"),
    [("2", 2.0), ("2,5", 2.5), ("2.5", 2.5), (" 3 s ", 3.0), ("0,8s", 0.8), (".5", 0.5)],
)
def test_typed_seconds_accept_both_decimal_separators(typed: str, seconds: float) -> None:
    assert parse_seconds(typed) == pytest.approx(seconds)


@pytest.mark.parametrize(
    ("typed", "key", "says"),
    [
        ("", "empty", "press Esc to skip"),
        ("twee", "not_number", "“twee” is not a number of seconds"),
        ("1,2,3", "not_number", "is not a number"),
        ("-2", "negative", "cannot be shorter than 0"),
        ("90", "too_long", "90 is longer than a round lasts"),
    ],
)
def test_bad_typed_seconds_say_what_to_type(typed: str, key: str, says: str) -> None:
    with pytest.raises(SecondsInputError) as info:
        parse_seconds(typed)
    assert info.value.key == key
    assert says in info.value.message("en")
    assert info.value.message("nl")  # and the Dutch text exists with the same placeholders


def test_perception_text_is_the_felt_value_in_two_words() -> None:
    """Shown under "Felt", next to the measured value in the feedback's first sentence."""
    assert perception_text(3.0, "en") == "3.0\xa0s."
    assert perception_text(2.5, "nl") == "2,5\xa0s."


def test_the_progress_chart_draws_one_mark_per_round_oldest_left(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    values = [(1.0, 1.4, None), (2.2, 2.8, 3.1)]
    for day, rounds in zip(("2025-03-04", "2025-03-11"), values, strict=True):
        sid = store.start_session("check-question", "en", started_at=f"{day}T09:00:00+00:00")
        for i, v in enumerate(rounds, start=1):
            store.save_round(sid, i, failed(Reason.NO_SPEECH) if v is None else sps(v))
    data = progress_data(store.sessions(), "en")
    assert data is not None
    assert [p.measured_s for p in data.points] == [1.0, 1.4, None, 2.2, 2.8, 3.1]
    assert data.count_text == "Rounds: 6 · sessions: 2 · on target: 2"
    assert "moved towards the target" in data.trend_text
    assert "the first session" in data.trend_text
    lines = [line.plain for line in chart_lines(data.points, data.band, 96, 14, "en")]
    assert len(lines) == 14 and all(len(line) <= 96 for line in lines)
    plot = lines[:-2]
    assert sum(line.count("●") for line in plot) == 5
    assert sum(line.count("×") for line in plot) == 1
    # Oldest left: the columns of the dots follow the order of the rounds.
    dots = [(c, r) for r, line in enumerate(plot) for c, ch in enumerate(line) if ch == "●"]
    by_col = [r for _, r in sorted(dots)]
    assert by_col == sorted(by_col, reverse=True)  # rising values: higher rows, further right
    assert any("░" in line for line in plot) and any("─" in line for line in plot)
    assert any(line.lstrip().startswith("3 s") for line in plot)
    assert "03-04" in lines[-1] and "03-11" in lines[-1]


def test_history_json_lists_the_coach_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from simulator.cli import main

    monkeypatch.setenv("COACH_SIM_HOME", str(tmp_path))
    store = HistoryStore(tmp_path / "history.sqlite3")
    sid = store.start_session("check-question", "en")
    store.save_round(sid, 1, sps(1.6), coaching=COACHED)
    assert main(["history", "--json"]) == 0
    (record,) = json.loads(capsys.readouterr().out)
    (r,) = record["rounds"]
    assert (r["perceived_s"], r["coach_note"], r["marks"]) == (
        2.5,
        "Looked at the clock & waited",
        ["name_first", "narrated_wait"],
    )
