"""The microphone check as a teacher goes through it: room, voice, silence again."""

from __future__ import annotations

import threading

import numpy as np

from simulator.audio.sources import ArraySource, Samples
from simulator.screens.mic_check import MicCheckScreen
from simulator.screens.practice import PracticeScreen
from tests.app.conftest import AppMaker
from tests.speech import clip

SIZE = (100, 30)


class PausingSource(ArraySource):
    """Plays a recording, holding (empty blocks) at each of ``holds`` samples until released."""

    def __init__(self, samples: np.ndarray, holds: list[int]) -> None:
        super().__init__(samples)
        self.holds = holds
        self.holding = threading.Event()
        self.release = threading.Event()

    def read(self, timeout_s: float = 0.5) -> Samples | None:
        if self.holds and self.samples_read >= self.holds[0]:
            self.holding.set()
            if not self.release.wait(timeout_s):
                return np.zeros(0, dtype=np.float32)
            self.holds.pop(0)
            self.release.clear()
            self.holding.clear()
        return super().read(timeout_s)


def status(app: object) -> tuple[str, str, str]:
    screen = app.screen  # type: ignore[attr-defined]
    return tuple(  # type: ignore[return-value]
        str(screen.query_one(f"#{name}").render()).replace("\xa0", " ")
        for name in ("mic-status", "mic-warnings", "noise-floor")
    )


async def test_waiting_then_ready_and_still_ready_after_the_voice(app_for: AppMaker) -> None:
    # Before the first scenario's rounds (a question, a pause, a name) the check asks for the
    # question the teacher will practise, and says how long it took.
    rng = np.random.default_rng(5)
    speech = clip("Which two examples of market forces did I just give you?", "en")
    quiet = 16_000 * 3
    room = (rng.standard_normal(quiet * 2 + speech.size) * 0.0005).astype(np.float32)
    room[quiet : quiet + speech.size] += speech
    source = PausingSource(room, holds=[quiet, quiet + speech.size])
    app = app_for([source])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter")
        for phase in ("silence", "speech"):
            for _ in range(500):
                if source.holding.is_set():
                    break
                await pilot.pause(0.01)
            assert source.holding.is_set(), f"the check never read all of the {phase}"
            await pilot.pause()
            ready, warnings, floor = status(app)
            if phase == "silence":
                # Nothing alarming before the teacher has spoken: no "Too quiet", no red box.
                assert "Say the question you are going to practise, at classroom volume" in ready
                assert warnings == ""
                assert not app.screen.query_one("#mic-warnings").has_class("warning")
                assert "The room is quiet enough" in floor
            else:
                # Timed once a silence has followed it.
                assert ready == "The sound comes through well. You are ready."
                assert warnings == ""
                assert "background noise" not in floor
            source.release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MicCheckScreen)
        ready, warnings, floor = status(app)
        assert ready.startswith("The sound comes through well. You are ready.\n")  # quiet on
        said = app.screen.question_s
        assert said is not None and abs(said - speech.size / 16_000) <= 0.2
        assert f"Your question took {said:.1f} s." in ready
        assert warnings == ""
        assert "The room is quiet enough" in floor


async def test_a_check_during_the_rounds_gives_them_the_question_said_in_it(
    app_for: AppMaker,
) -> None:
    # From the rounds (M), after choosing other words, say: the check asks for the question,
    # times it, and Enter returns to the rounds, which now know how long it is.
    rng = np.random.default_rng(6)
    speech = clip("What do we call the price where the two curves cross?", "en")
    room = (rng.standard_normal(16_000 * 2 + speech.size) * 0.0005).astype(np.float32)
    room[8000 : 8000 + speech.size] += speech
    app = app_for([room], scenario="check-question")
    async with app.run_test(size=SIZE) as pilot:
        rounds = app.screen
        assert isinstance(rounds, PracticeScreen)
        assert rounds.session.checked_question_s is None
        await pilot.press("m")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MicCheckScreen)
        intro = str(app.screen.query_one("#mic-intro").render())
        assert intro.startswith("Say the question you are going to practise")
        said = app.screen.question_s
        assert said is not None and abs(said - speech.size / 16_000) <= 0.2
        assert f"Your question took {said:.1f} s." in status(app)[0]
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is rounds
        assert rounds.session.checked_question_s == said
