"""Rounds with the teacher's own question and name, a silent round and a whispered one, through
the app with an injected audio source (real espeak-ng speech)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.app import SimulatorApp
from simulator.audio.live import RING_MAX_S
from simulator.audio.result import ANALYSIS_RATE_HZ, Reason, Verdict
from simulator.screens.feedback import FeedbackScreen
from simulator.screens.practice import PracticeScreen
from simulator.store.history import HistoryStore
from tests.app.conftest import AppMaker
from tests.app.test_rounds import play_round, text
from tests.speech import RATE, clip, make_round

pytestmark = pytest.mark.espeak
SIZE = (100, 30)


def practice(app: SimulatorApp) -> PracticeScreen:
    screen = next(s for s in app.screen_stack if isinstance(s, PracticeScreen))
    return screen


@pytest.mark.parametrize(
    ("lang", "question", "name", "speed"),
    [
        ("en", "What did you notice?", "Kay?", 160),  # a short own question
        ("nl", "Wat zie je hier?", "Anne-Sophie de Vries?", 130),  # and a long, slow name
        ("en", "Which two examples of market forces did I just give?", "Anne-Sophie?", 110),
    ],
)
async def test_own_question_and_name_end_the_round_just_after_the_name(
    app_for: AppMaker, store: HistoryStore, lang: str, question: str, name: str, speed: int
) -> None:
    spoken = clip(name, lang, speed)
    r = make_round(clip(question, lang), spoken, 3.0, tail_s=10.0)
    app = app_for([r.samples], scenario="check-question", lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await play_round(app, pilot)
        assert isinstance(app.screen, FeedbackScreen)
        assert app.screen.feedback.verdict is Verdict.ON_TARGET
        measured = practice(app).results[-1]
    name_end = r.name_start + spoken.size
    # The round's audio stops where the round ended: 0.8 s after the name, not 5-8 s (after this
    # long a pause, 0.8 s after where the name's voice stopped, by its level).
    after_s = (measured.duration_samples - name_end) / ANALYSIS_RATE_HZ
    assert 0.8 - RING_MAX_S <= after_s <= 1.0
    assert store.sessions()[0].rounds[0].pause_s == pytest.approx(3.0, abs=0.05)


@pytest.mark.parametrize(
    ("lang", "hint"),
    [("en", "Nothing was heard for 10 s"), ("nl", "Er was 10 s lang niets te horen")],
)
async def test_a_silent_round_stops_after_ten_seconds_with_a_hint(
    app_for: AppMaker, store: HistoryStore, lang: str, hint: str
) -> None:
    speech = make_round(clip("Wat zie je hier?", "nl"), clip("Kay?", "nl"), 3.0).samples
    silent = np.zeros(30 * RATE, dtype=np.float32)
    app = app_for([silent, speech], scenario="check-question", lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await play_round(app, pilot)
        screen = app.screen
        assert isinstance(screen, PracticeScreen) and screen.phase == "stopped"
        message = text(app, "#round-message")
        assert hint in message and ("M" in message)
        assert store.sessions() == ()  # nothing measured, nothing saved
        await play_round(app, pilot)  # Space tries again
        assert isinstance(app.screen, FeedbackScreen)
        assert app.screen.feedback.verdict is Verdict.ON_TARGET


async def test_very_quiet_speech_is_refused_with_advice(
    app_for: AppMaker, store: HistoryStore
) -> None:
    r = make_round(clip("What did you notice?", "en"), clip("Kay?", "en"), 3.2, tail_s=2.0)
    x = r.samples / np.max(np.abs(r.samples)) * 10 ** (-45 / 20)  # peak at -45 dBFS
    x = x + np.random.default_rng(3).standard_normal(x.size) * 10 ** (-64 / 20)  # the mic's hiss
    app = app_for([x.astype(np.float32)], scenario="check-question")
    async with app.run_test(size=SIZE) as pilot:
        await play_round(app, pilot)
        assert isinstance(app.screen, FeedbackScreen)
        fb = app.screen.feedback
        assert fb.verdict is Verdict.NO_MEASUREMENT and fb.problem is Reason.TOO_QUIET
        assert "closer to the microphone" in text(app, "#next-step")
    assert store.sessions()[0].rounds[0].verdict == "no_measurement"


@pytest.mark.parametrize(
    ("scenario", "lang", "offer", "absent"),
    [
        ("check-question", "en", "your own question and a student", None),
        ("economy-of-language", "en", "your own words", "question"),
        ("debrief-praise", "nl", "je eigen woorden", "vraag"),
        ("wait-time-after-answer", "nl", "je eigen reactie", "vraag"),
        ("wait-time-after-answer", "en", "your own reply", "question"),
    ],
)
async def test_the_offer_of_own_words_fits_the_scenario(
    app_for: AppMaker, scenario: str, lang: str, offer: str, absent: str | None
) -> None:
    # A direction or a compliment has no question and no student's name to replace.
    app = app_for([], scenario=scenario, lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        message = text(app, "#round-message")
    assert offer in message
    if absent is not None:
        assert absent not in message
