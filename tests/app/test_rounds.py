"""The rounds with real espeak-ng speech through an injected source: every feedback state."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from textual.widgets import Static

from simulator.app import SimulatorApp
from simulator.audio.result import Reason, Verdict
from simulator.audio.sources import ArraySource
from simulator.rehearsal.round import RoundPolicy, expected_speech_s
from simulator.screens.feedback import FeedbackScreen
from simulator.screens.practice import PracticeScreen
from simulator.screens.summary import SummaryScreen
from simulator.store.history import HistoryStore
from simulator.store.settings import Settings
from tests.app.conftest import QUESTION_EN, AppMaker, speech_round
from tests.speech import (
    clip,
    make_round,
    needs_speech_model,
    silence,
    talk_round_parts,
    with_talk_in_the_pause,
)

pytestmark = pytest.mark.espeak
SIZE = (100, 30)


def text(app: SimulatorApp, selector: str) -> str:
    """A widget's text, with the non-breaking spaces before units made plain."""
    return str(app.screen.query_one(selector, Static).render()).replace("\xa0", " ")


async def play_round(app: SimulatorApp, pilot: object) -> None:
    """Space, then wait for the round's worker to finish and its messages to be handled."""
    await pilot.press("space")  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]


def feedback(app: SimulatorApp) -> FeedbackScreen:
    assert isinstance(app.screen, FeedbackScreen), type(app.screen).__name__
    return app.screen


async def start_and_wait(pilot: object, ready: Callable[[], bool], timeout_s: float = 2.0) -> None:
    """Space, then up to ``timeout_s`` (in 20 ms steps) until ``ready()``."""
    await pilot.press("space")  # type: ignore[attr-defined]
    for _ in range(round(timeout_s / 0.02)):
        await pilot.pause(0.02)  # type: ignore[attr-defined]
        if ready():
            return


async def end_round(app: SimulatorApp, pilot: object) -> None:
    """The end key, then wait for the round's worker and its messages."""
    await pilot.press("e")  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]


def listening(app: SimulatorApp) -> Callable[[], bool]:
    return lambda: app.screen.phase == "listening"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("pause_s", "verdict", "praise_has"),
    [
        (3.0, Verdict.ON_TARGET, "within the range"),
        (1.2, Verdict.TOO_SHORT, "of silence, then the name"),
        (5.0, Verdict.TOO_LONG, "of silence, then the name"),
    ],
)
async def test_a_measured_round_gives_praise_timeline_and_one_next_step(
    app_for: AppMaker, store: HistoryStore, pause_s: float, verdict: Verdict, praise_has: str
) -> None:
    app = app_for([speech_round(pause_s)], scenario="check-question")
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, PracticeScreen)
        assert "Which two examples of market forces" in text(app, "#line")
        assert "Kay" in text(app, "#name")
        await play_round(app, pilot)
        fb = feedback(app)
        assert fb.feedback.verdict is verdict
        assert fb.feedback.measured_s == pytest.approx(pause_s, abs=0.05)
        assert praise_has in text(app, "#praise")
        assert text(app, "#next-step")
        assert fb.query_one("#timeline").timeline is fb.feedback.timeline  # type: ignore[attr-defined]
        assert "thinking pause" in str(fb.query_one("#timeline").render())
    # Saved the moment the round ended.
    (session,) = store.sessions()
    assert session.scenario == "check-question" and session.language == "en"
    assert [r.round for r in session.rounds] == [1]
    assert session.rounds[0].pause_s == pytest.approx(pause_s, abs=0.05)
    assert session.rounds[0].verdict == verdict.value


def _name_first() -> np.ndarray:
    name, question = clip("Kay", "en"), clip(QUESTION_EN, "en")
    return np.concatenate([silence(0.5), name, silence(0.4), question, silence(3.0)])


def _no_pause() -> np.ndarray:
    return make_round(clip(QUESTION_EN, "en"), clip("Kay", "en"), 0.05).samples


def _question_only() -> np.ndarray:
    return np.concatenate([silence(0.5), clip(QUESTION_EN, "en"), silence(2.0)])


def _quiet() -> np.ndarray:
    """Faint speech that does not show the pattern: too quiet to tell why."""
    return (_question_only() * 0.002).astype(np.float32)


def _clipped() -> np.ndarray:
    return np.clip(_question_only() * 8.0, -1.0, 1.0).astype(np.float32)


@pytest.mark.parametrize(
    ("make", "reason", "next_has"),
    [
        (_name_first, Reason.NAME_FIRST, "question first"),
        (_no_pause, Reason.NO_PAUSE, None),
        (lambda: silence(3.0), Reason.NO_SPEECH, "level meter"),
        (_quiet, Reason.TOO_QUIET, "closer to the microphone"),
        (_clipped, Reason.CLIPPED, "back from the microphone"),
    ],
)
async def test_each_problem_gets_its_own_feedback(
    app_for: AppMaker, store: HistoryStore, make, reason: Reason, next_has: str | None
) -> None:
    app = app_for([make()], scenario="check-question")
    async with app.run_test(size=SIZE) as pilot:
        await play_round(app, pilot)
        fb = feedback(app)
        assert fb.feedback.verdict is Verdict.NO_MEASUREMENT
        problems = {fb.feedback.problem}
        if reason is Reason.NO_PAUSE:
            problems.discard(Reason.ONE_UTTERANCE)  # one fluent stretch is the same mistake
            problems.add(Reason.NO_PAUSE)
        assert reason in problems
        assert "no measurement" in text(app, "#verdict")
        assert fb.feedback.heading == "What happened"
        drawn = str(fb.query_one("#timeline").render())
        # What was heard is drawn; with nothing heard there is nothing to draw.
        assert ("No timeline" if reason is Reason.NO_SPEECH else "speech heard") in drawn
        if next_has:
            assert next_has in text(app, "#next-step")
    assert store.sessions()[0].rounds[0].verdict == "no_measurement"


@pytest.mark.parametrize(("gain", "note_has"), [(0.002, "Quiet sound"), (4.0, "Loud sound")])
async def test_a_measured_round_with_a_level_warning_gets_a_note(
    app_for: AppMaker, gain: float, note_has: str
) -> None:
    recording = np.clip(speech_round(3.0) * gain, -1.0, 1.0).astype(np.float32)
    app = app_for([recording], scenario="check-question")
    async with app.run_test(size=SIZE) as pilot:
        await play_round(app, pilot)
        fb = feedback(app)
        assert fb.feedback.verdict is Verdict.ON_TARGET
        assert note_has in text(app, "#level-note")


async def test_a_round_with_other_people_talking_in_the_pause_gets_a_note(
    app_for: AppMaker, store: HistoryStore
) -> None:
    needs_speech_model()
    r = talk_round_parts()
    app = app_for([with_talk_in_the_pause(r, 18.0)], scenario="check-question")
    async with app.run_test(size=SIZE) as pilot:
        await play_round(app, pilot)
        fb = feedback(app)
        assert fb.feedback.measured_s == pytest.approx(r.pause_s, abs=0.15)
        assert "Speech was heard during your pause" in text(app, "#level-note")
    assert "other_voices" in store.sessions()[0].rounds[0].warnings


async def test_device_lost_mid_round_can_be_retried(app_for: AppMaker, store: HistoryStore) -> None:
    lost = ArraySource(speech_round(3.0), lose_device_after_s=1.5)
    app = app_for([lost, speech_round(3.0)], scenario="check-question")
    async with app.run_test(size=SIZE) as pilot:
        await play_round(app, pilot)
        screen = app.screen
        assert isinstance(screen, PracticeScreen)
        assert screen.phase == "stopped" and screen.has_class("-stopped")
        assert "Microphone lost" in text(app, "#round-message")
        assert "press Space to redo the round" in text(app, "#round-message")
        assert store.sessions() == ()  # nothing half-measured was saved
        await play_round(app, pilot)  # the retry
        assert feedback(app).feedback.verdict is Verdict.ON_TARGET
    assert [r.round for r in store.sessions()[0].rounds] == [1]


class LossySource(ArraySource):
    """A microphone that reports sound it could not deliver: the device overran its buffer, or
    the queue to the reader was full."""

    def __init__(self, samples: np.ndarray, *, overflows: int, dropped: int) -> None:
        super().__init__(samples)
        self.overflows = overflows
        self.dropped = dropped

    @property
    def overflow_count(self) -> int:
        return self.overflows

    @property
    def dropped_blocks(self) -> int:
        return self.dropped


@pytest.mark.parametrize(("overflows", "dropped"), [(1, 0), (0, 3)])
async def test_a_round_with_sound_lost_on_the_way_is_not_measured_and_can_be_retried(
    app_for: AppMaker, store: HistoryStore, overflows: int, dropped: int
) -> None:
    lossy = LossySource(speech_round(3.0), overflows=overflows, dropped=dropped)
    app = app_for([lossy, speech_round(3.0)], scenario="check-question")
    async with app.run_test(size=SIZE) as pilot:
        await play_round(app, pilot)
        screen = app.screen
        assert isinstance(screen, PracticeScreen) and screen.phase == "stopped"
        assert "Sound was lost" in text(app, "#round-message")
        assert "too busy to record the whole round" in text(app, "#round-message")
        assert store.sessions() == ()  # nothing measured from incomplete sound was saved
        await play_round(app, pilot)  # the retry
        assert feedback(app).feedback.verdict is Verdict.ON_TARGET
    assert [r.round for r in store.sessions()[0].rounds] == [1]


async def test_a_round_that_never_ends_stops_at_the_maximum_length(
    app_for: AppMaker, store: HistoryStore
) -> None:
    talking = np.concatenate([clip(QUESTION_EN, "en")] * 4)
    app = app_for([talking, speech_round(3.0)], scenario="check-question", round_limit_s=9.0)
    async with app.run_test(size=SIZE) as pilot:
        await play_round(app, pilot)
        screen = app.screen
        assert isinstance(screen, PracticeScreen) and screen.phase == "stopped"
        assert "No end was heard after 9 s" in text(app, "#round-message")
        await play_round(app, pilot)
        assert feedback(app).feedback.verdict is Verdict.ON_TARGET


async def test_the_end_key_ends_a_round_early(app_for: AppMaker) -> None:
    paced = ArraySource(silence(20.0), realtime=True)
    app = app_for([paced], scenario="check-question")
    async with app.run_test(size=SIZE) as pilot:
        await start_and_wait(pilot, listening(app))
        assert app.screen.has_class("-listening")
        assert "Listening" in text(app, "#round-status")
        await end_round(app, pilot)
        fb = feedback(app)
        assert fb.feedback.problem is Reason.NO_SPEECH
        assert fb.feedback.timeline.total_s < 5.0


@pytest.mark.parametrize(
    ("lang", "says"), [("en", "Said the name already? Press E"), ("nl", "Druk op E")]
)
async def test_a_round_waiting_on_for_the_name_says_so_and_the_end_key_finishes_it(
    app_for: AppMaker, lang: str, says: str
) -> None:
    # A short own question, 0.6 s and a long name: in a first round the name may still be the
    # question's rest, so the round waits on for up to 5 s. The teacher sees why, and E ends it.
    said = make_round(clip("Why?", "en"), clip("Maximilian?", "en"), 0.6, tail_s=10.0).samples
    app = app_for([ArraySource(said, realtime=True)], scenario="check-question", lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await start_and_wait(pilot, lambda: says in text(app, "#round-status"), 6.0)
        assert says in text(app, "#round-status")
        assert app.screen.has_class("-listening")
        await end_round(app, pilot)
        fb = feedback(app)
        assert fb.feedback.verdict is Verdict.TOO_SHORT
        assert fb.feedback.timeline.total_s < 4.5


async def test_three_rounds_refer_back_then_summary_and_every_round_saved(
    app_for: AppMaker, store: HistoryStore
) -> None:
    app = app_for(
        [speech_round(1.5), speech_round(3.0, "Amira"), speech_round(3.2, "Tom")],
        scenario="check-question",
    )
    async with app.run_test(size=SIZE) as pilot:
        await play_round(app, pilot)
        assert feedback(app).feedback.verdict is Verdict.TOO_SHORT
        assert "Space: round 2" in str(app.screen.query(".hint").last().render())
        await pilot.press("space")
        await pilot.pause()
        assert "Round 2 of 3" in text(app, "#round-title")
        assert "Amira" in text(app, "#name")
        # Killing the app now would keep round 1: it is already stored.
        assert [r.round for r in store.sessions()[0].rounds] == [1]
        await play_round(app, pilot)
        fb = feedback(app)
        assert fb.feedback.reference_round == 1
        assert "round 1" in text(app, "#praise")
        await pilot.press("space")
        await play_round(app, pilot)
        assert feedback(app).last
        await pilot.press("space")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        rounds = text(app, "#summary-rounds")
        assert "Round 1: 1.5 s — too short" in rounds
        assert "Round 2: 3.0 s — within the range" in rounds
        assert "Round 3: 3.2 s — within the range" in rounds
        assert "1.5 s → 3.0 s → 3.2 s" in text(app, "#trend")
        assert text(app, "#went-well") and text(app, "#summary-next")
        assert "saved" in text(app, "#saved")
    (session,) = store.sessions()
    assert [(r.round, round(r.pause_s or 0, 1)) for r in session.rounds] == [
        (1, 1.5),
        (2, 3.0),
        (3, 3.2),
    ]


async def test_redo_replaces_the_round(app_for: AppMaker, store: HistoryStore) -> None:
    app = app_for([speech_round(1.0), speech_round(3.0)], scenario="check-question")
    async with app.run_test(size=SIZE) as pilot:
        await play_round(app, pilot)
        assert feedback(app).feedback.verdict is Verdict.TOO_SHORT
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)
        assert "Round 1 of 3" in text(app, "#round-title")
        await play_round(app, pilot)
        assert feedback(app).feedback.verdict is Verdict.ON_TARGET
    rounds = store.sessions()[0].rounds
    assert [(r.round, r.verdict) for r in rounds] == [(1, "on_target")]


async def _finish_session(app: SimulatorApp, pilot: object) -> None:
    for _ in range(3):
        await play_round(app, pilot)
        await pilot.press("space")  # type: ignore[attr-defined]
        await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, SummaryScreen)


async def test_summary_offers_three_more_rounds(app_for: AppMaker, store: HistoryStore) -> None:
    app = app_for([speech_round(3.0)] * 4, scenario="check-question")
    async with app.run_test(size=SIZE) as pilot:
        await _finish_session(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)
        assert "Round 1 of 3" in text(app, "#round-title")
        await play_round(app, pilot)
    sessions = store.sessions()
    assert [len(s.rounds) for s in sessions] == [3, 1]  # a new session for the new rounds


async def test_summary_another_scenario_and_quit(app_for: AppMaker) -> None:
    from simulator.audio.analysis import analyze_samples
    from simulator.screens.home import HomeScreen

    app = app_for([], scenario="check-question")
    scenario = app.start_scenario
    assert scenario is not None
    results = tuple(analyze_samples(speech_round(p), 16_000, scenario.pattern) for p in (2.0, 3.0))
    async with app.run_test(size=SIZE) as pilot:
        practice = app.screen
        assert isinstance(practice, PracticeScreen)
        app.push_screen(SummaryScreen(scenario, results, None), practice._after_summary)
        await pilot.pause()
        assert "Round 2: 3.0 s — within the range" in text(app, "#summary-rounds")
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        app.push_screen(SummaryScreen(scenario, results, None), practice._after_summary)
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_cue_scenario_measures_from_the_end_of_the_cue(
    app_for: AppMaker, store: HistoryStore
) -> None:
    app = app_for([], scenario="wait-time-after-answer")
    cue = app.start_scenario.prompt_for(1).cue  # type: ignore[union-attr]
    assert cue is not None
    cue_s = max(RoundPolicy().silent_cue_min_s, expected_speech_s(cue, "en"))
    wait_s = 3.2
    response = clip("Can you tell us more about that?", "en")
    recording = np.concatenate([silence(cue_s + wait_s), response, silence(1.5)])
    app.source_factory.recordings.append(recording)  # type: ignore[attr-defined]
    async with app.run_test(size=SIZE) as pilot:
        assert "The student says" in text(app, "#cue")
        await play_round(app, pilot)
        fb = feedback(app)
        assert fb.feedback.measured_s == pytest.approx(wait_s, abs=0.05)
    assert store.sessions()[0].rounds[0].shape == "cue-pause-speech"


async def test_live_timer_only_when_the_setting_is_on(app_for: AppMaker) -> None:
    for on in (False, True):
        paced = ArraySource(silence(20.0), realtime=True)
        app = app_for([paced], scenario="check-question", settings=Settings(live_timer=on))
        async with app.run_test(size=SIZE) as pilot:
            await start_and_wait(pilot, listening(app))
            await pilot.pause(0.3)
            timer = app.screen.query_one("#live-timer")
            assert timer.display is on
            assert ("Pause:" in text(app, "#live-timer")) is on
            await end_round(app, pilot)


async def test_rounds_in_dutch(app_for: AppMaker, store: HistoryStore) -> None:
    question = "Welke twee voorbeelden van marktwerking heb ik net gegeven?"
    recording = make_round(clip(question, "nl"), clip("Kay", "nl"), 2.8).samples
    app = app_for([recording], scenario="check-question", lang="nl")
    async with app.run_test(size=SIZE) as pilot:
        assert "Ronde 1 van 3" in text(app, "#round-title")
        await play_round(app, pilot)
        fb = feedback(app)
        assert fb.feedback.verdict is Verdict.ON_TARGET
        assert "2,8" in text(app, "#praise")
    assert store.sessions()[0].language == "nl"


async def test_without_portaudio_a_round_says_exactly_what_to_do(library, store) -> None:
    from simulator.app import make_app
    from simulator.audio.sources import NoPortAudioError

    def no_library(device: str | None) -> ArraySource:
        raise NoPortAudioError(detail="PortAudio library not found")

    app = make_app(
        source_factory=no_library,
        library=library,
        store=store,
        lang="en",
        scenario=library.find("check-question", "en"),
    )
    async with app.run_test(size=SIZE) as pilot:
        await play_round(app, pilot)
        assert app.screen.has_class("-stopped")
        message = text(app, "#round-message")
        assert "Audio library missing" in message
        assert "sudo apt install libportaudio2" in message
    assert store.sessions() == ()


async def test_ctrl_c_after_a_round_says_how_to_quit_in_the_users_language(
    app_for: AppMaker, store: HistoryStore
) -> None:
    app = app_for([speech_round(2.8, voice="nl")], scenario="check-question", lang="nl")
    async with app.run_test(size=SIZE) as pilot:
        await play_round(app, pilot)
        await pilot.press("space")  # into round 2
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.is_running
        (note,) = list(app._notifications)  # noqa: SLF001 - the toast a user sees
        assert note.title == "Wil je stoppen?" and "Ctrl+Q" in note.message
        assert "bewaard" in note.message
    # The finished round was saved before anything else happened.
    (session,) = store.sessions()
    assert [r.round for r in session.rounds] == [1]


async def test_a_fault_while_measuring_stops_the_round_with_a_message(
    app_for: AppMaker, store: HistoryStore
) -> None:
    class Faulty(ArraySource):
        def read(self, timeout_s: float = 0.5) -> np.ndarray | None:
            raise ValueError("a fault inside the measurement")

    app = app_for([Faulty(speech_round(3.0)), speech_round(3.0)], scenario="check-question")
    async with app.run_test(size=SIZE) as pilot:
        await play_round(app, pilot)
        assert app.screen.has_class("-stopped")
        message = text(app, "#round-message")
        assert "Something went wrong" in message and "ValueError" in message
        assert "Press Space to try the round again" in message
        assert store.sessions() == ()
        await play_round(app, pilot)  # the retry works
        assert feedback(app).feedback.verdict is Verdict.ON_TARGET


async def test_a_summary_with_nothing_that_went_well_praises_nothing(app_for: AppMaker) -> None:
    from tests.unit.test_history import failed

    app = app_for([], scenario="check-question")
    scenario = app.start_scenario
    assert scenario is not None
    results = (failed(Reason.NO_SPEECH),) * 3
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(SummaryScreen(scenario, results, None))
        await pilot.pause()
        assert not app.screen.query("#went-well")
        assert "No round could be measured" in text(app, "#trend")
        assert text(app, "#summary-next")


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_the_next_step_is_in_view_at_80x24(app_for: AppMaker, lang: str) -> None:
    # A failure with the heard speech drawn, then a quiet round with a note about the sound.
    quiet = (speech_round(3.0) * 0.01).astype(np.float32)
    app = app_for([_name_first(), quiet], scenario="check-question", lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        for number in (1, 2):
            await play_round(app, pilot)
            fb = feedback(app)
            if number == 1:
                assert fb.feedback.problem is Reason.NAME_FIRST
            else:
                assert fb.feedback.level_note or fb.feedback.problem is Reason.TOO_QUIET
            step = fb.query_one("#next-step")
            assert fb.query_one("#feedback").scroll_y == 0
            assert step.region.height >= 1 and step.region.bottom <= 23, step.region
            await pilot.press("space")
            await pilot.pause()


async def test_a_hesitation_before_the_last_words_is_no_pause_once_the_question_is_known(
    app_for: AppMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Round 1: the teacher's whole question, 3 s, the name. Round 2: the same question with a
    # 0.6 s hesitation before its last words, then 3 s and the name. The session knows how long
    # the question was, so round 2 does not end in its thinking pause.
    first, rest = clip("Which two examples of market forces", "en"), clip("have I given?", "en")
    name = clip("Kay?", "en")
    whole = make_round(np.concatenate([first, silence(0.2), rest]), name, 3.0, tail_s=3.0)
    halting = np.concatenate([silence(0.5), first, silence(0.6), rest, silence(3.0), name])
    halting = np.concatenate([halting, silence(3.0)])
    for rule, measured in ((True, 3.0), (False, 0.6)):
        if not rule:
            monkeypatch.setattr("simulator.audio.live.SHORTER_THAN_BEFORE", 0.0)
        app = app_for([whole.samples, halting], scenario="check-question")
        async with app.run_test(size=SIZE) as pilot:
            await play_round(app, pilot)
            assert feedback(app).feedback.measured_s == pytest.approx(3.0, abs=0.1)
            await pilot.press("space")
            await pilot.pause()
            await play_round(app, pilot)
            assert feedback(app).feedback.measured_s == pytest.approx(measured, abs=0.1)
