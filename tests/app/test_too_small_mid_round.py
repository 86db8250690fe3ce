"""The terminal made too small while a round runs, and larger again: the "make the window
larger" notice goes for good, even when the round's end opened a dialog above it meanwhile. It
must not come back later over a large window, swallowing the keys of the next round."""

from __future__ import annotations

import threading

from simulator.audio.sources import ArraySource, Samples
from simulator.screens.feedback import FeedbackScreen
from simulator.screens.practice import PracticeScreen
from simulator.screens.too_small import TooSmallScreen
from tests.app.conftest import AppMaker, speech_round


class HeldSource(ArraySource):
    """A recording whose sound arrives only once ``go`` is set: the round ends when the test
    says so, after the window was made small."""

    def __init__(self, samples: Samples, go: threading.Event) -> None:
        super().__init__(samples)
        self.go = go

    def read(self, timeout_s: float = 0.5) -> Samples | None:
        self.go.wait(timeout=10)
        return super().read(timeout_s)


async def test_the_notice_does_not_come_back_after_the_window_grew(app_for: AppMaker) -> None:
    go = threading.Event()
    app = app_for([HeldSource(speech_round(3.0), go)], scenario="check-question")
    app.coach_mode = True  # the round's end asks how long the pause felt: a dialog
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("space")
        await pilot.resize_terminal(30, 8)  # the teacher shrinks the window mid-round
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        go.set()  # the round ends while the window is small
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.resize_terminal(100, 30)  # and the window is made large again
        await pilot.pause()
        assert not isinstance(app.screen, TooSmallScreen)
        for key in ("3", "enter"):  # the felt pause
            await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        await pilot.press("r")  # redo the round
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen), type(app.screen).__name__
        assert not any(isinstance(s, TooSmallScreen) for s in app.screen_stack)
