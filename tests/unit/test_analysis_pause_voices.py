"""Speech in the thinking pause (other people talking, or the teacher counting aloud): a finished
round says so (``OTHER_VOICES``), in the feedback and in ``coach-sim analyze``, because those words
may have been taken for the teacher's. The pause is measured all the same; a quiet pause, or one
with a cough in it, is no talk."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from simulator.audio.analysis import analyze_samples
from simulator.audio.live import LiveRound
from simulator.audio.pattern import question_pause_name
from simulator.audio.result import LevelWarning
from simulator.audio.wav import write_wav_pcm16
from simulator.coaching.feedback import round_feedback
from simulator.i18n import t
from tests.speech import (
    RATE,
    clip,
    cough_in_a_reverberant_pause,
    needs_speech_model,
    silence,
    talk_round_parts,
    with_talk_in_the_pause,
)
from tests.unit.test_live import ended_at

F32 = npt.NDArray[np.float32]


@pytest.fixture(scope="module")
def talk_round(espeak: str) -> tuple[F32, float]:
    r = talk_round_parts()
    return with_talk_in_the_pause(r, 18.0), r.pause_s


def test_talk_in_the_pause_is_noted_and_the_pause_still_measured(
    talk_round: tuple[F32, float],
) -> None:
    needs_speech_model()
    x, pause_s = talk_round
    m = analyze_samples(x, RATE, judge_pause_voices=True)
    # Here the pause is read right; shifted by a few milliseconds, the same round is sometimes
    # read with their first words as the question's end (about 1.85 s): noted all the same.
    assert m.pause_s == pytest.approx(pause_s, abs=0.15)
    assert LevelWarning.OTHER_VOICES in m.warnings
    for shift_ms in (7, 50, 150):  # 7 ms: read short here
        shifted = np.concatenate([np.zeros(shift_ms * RATE // 1000, np.float32), x])
        later = analyze_samples(shifted, RATE, judge_pause_voices=True)
        assert later.pause_s is not None
        assert LevelWarning.OTHER_VOICES in later.warnings
    # A live check does not ask: it needs no more than when the round is over.
    assert LevelWarning.OTHER_VOICES not in analyze_samples(x, RATE).warnings


def test_talk_loud_enough_to_be_taken_for_the_teacher_is_noted(espeak: str) -> None:
    """Where other people's words were taken for the teacher's (the pause measured short), the
    note is what tells the teacher not to trust the number."""
    needs_speech_model()
    r = talk_round_parts()
    m = analyze_samples(with_talk_in_the_pause(r, 10.0), RATE, judge_pause_voices=True)
    assert m.pause_s is not None and m.pause_s < r.pause_s - 1.0
    assert LevelWarning.OTHER_VOICES in m.warnings


def test_counting_softly_aloud_in_the_pause_is_noted(espeak: str) -> None:
    """The note does not say whose speech it heard: a teacher counting under their breath
    instead of in their head is told the same (the feedback asks to count in your head)."""
    needs_speech_model()
    r = talk_round_parts()
    count = np.concatenate([clip("een"), silence(0.6), clip("twee"), silence(0.6), clip("drie")])
    x = r.samples.copy()
    start = r.question_end + int(0.5 * RATE)
    x[start : start + count.size] += count * np.float32(10 ** (-20 / 20))
    m = analyze_samples(x, RATE, judge_pause_voices=True)
    assert m.pause_s == pytest.approx(r.pause_s, abs=0.05)
    assert LevelWarning.OTHER_VOICES in m.warnings


def test_a_quiet_pause_is_no_talk(espeak: str) -> None:
    needs_speech_model()
    r = talk_round_parts()
    m = analyze_samples(r.samples, RATE, judge_pause_voices=True)
    assert m.pause_s == pytest.approx(r.pause_s, abs=0.05)
    assert m.warnings == ()


def test_a_cough_in_the_pause_is_no_talk(espeak: str) -> None:
    """The network hears a cough as speech at its loudest moment, no more: a window or two."""
    needs_speech_model()
    r = cough_in_a_reverberant_pause()
    m = analyze_samples(r.played, RATE, judge_pause_voices=True)
    assert m.pause_s is not None
    assert LevelWarning.OTHER_VOICES not in m.warnings


def test_the_finished_live_round_notes_talk_in_the_pause(talk_round: tuple[F32, float]) -> None:
    needs_speech_model()
    x, pause_s = talk_round
    live = LiveRound(question_pause_name())
    ended_at(live, x)
    m = live.finish()
    assert m.pause_s == pytest.approx(pause_s, abs=0.15)
    assert LevelWarning.OTHER_VOICES in m.warnings


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_feedback_and_analyze_say_other_voices(
    talk_round: tuple[F32, float], tmp_path: Path, lang: str
) -> None:
    needs_speech_model()
    x, _ = talk_round
    m = analyze_samples(x, RATE, judge_pause_voices=True)
    feedback = round_feedback(question_pause_name(), [m], lang)
    assert feedback.level_note == t("coach.level.other_voices", lang)
    wav = tmp_path / "talk.wav"
    write_wav_pcm16(wav, x, RATE)
    out = subprocess.run(
        [sys.executable, "-m", "simulator", "--lang", lang, "analyze", str(wav)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert t("cli.analyze.reason.other_voices", lang) in out
