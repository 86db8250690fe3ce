"""A round whose wait ran past its end (the question, then silence until the round stopped) is
named the same way everywhere it is shown: history, exports and the summary."""

from __future__ import annotations

from pathlib import Path

from simulator.audio.result import Reason, RoundMeasurement, Segment
from simulator.store.history import HistoryStore
from tests.unit.test_bounded_reading import coach_sim
from tests.unit.test_history import BAND, LEVELS, R, sps
from tests.unit.test_history import question_pause_name as pattern


def one_utterance(speech_end_s: float, audio_s: float) -> RoundMeasurement:
    """One stretch of speech from 0.3 s, then silence to the end of the recording."""
    return RoundMeasurement(
        pattern().shape, BAND, (Segment(int(0.3 * R), int(speech_end_s * R)),), None,
        Reason.ONE_UTTERANCE, LEVELS, (), int(audio_s * R),
    )  # fmt: skip


def test_history_and_exports_say_the_wait_ran_past_the_end(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "history.sqlite3")
    session = store.start_session("check-question", "en")
    store.save_round(session, 1, one_utterance(2.0, 9.0))  # 7 s of silence: ran long
    store.save_round(session, 2, one_utterance(4.6, 5.4))  # speech to the end
    store.save_round(session, 3, sps(3.0))
    ran_long = "the silence ran past the end of the round"
    one_stretch = "one continuous stretch of speech (no pause heard)"

    history = coach_sim("history", home=tmp_path)
    assert history.returncode == 0, history.stderr
    assert ran_long in history.stdout and one_stretch in history.stdout
    for fmt in ("md", "html"):
        export = coach_sim("export", str(session), "--format", fmt, home=tmp_path)
        assert export.returncode == 0, export.stderr
        assert ran_long in export.stdout, fmt
        assert "one continuous stretch" in export.stdout, fmt
    # The CSV keeps the analysis's own codes for programs that read it.
    csv = coach_sim("export", str(session), "--format", "csv", home=tmp_path)
    assert csv.stdout.count(",one_utterance,") == 2
    dutch = coach_sim("history", "--lang", "nl", home=tmp_path)
    assert "de stilte liep door tot het eind van de ronde" in dutch.stdout
