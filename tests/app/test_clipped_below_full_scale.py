"""A round the microphone clipped before it was turned down (tops well below full scale) gets the
same feedback in the app as one clipped at full scale, and is saved as clipped. (The microphone
check's warning: ``test_screens.test_mic_check_screen_warns_with_advice``.)"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from simulator.audio.result import Reason, Verdict
from simulator.store.history import HistoryStore
from tests.app.conftest import AppMaker, speech_round
from tests.app.test_rounds import SIZE, _question_only, feedback, play_round, text

pytestmark = pytest.mark.espeak


def cut_and_turned_down(x: npt.NDArray[np.floating], above_db: float) -> npt.NDArray[np.float32]:
    """Cut off ``above_db`` below its peak, then scaled so the cut tops sit at half scale."""
    cut = float(np.max(np.abs(x))) * 10 ** (-above_db / 20)
    return (np.clip(x, -cut, cut) * (0.5 / cut)).astype(np.float32)


async def test_a_measured_round_gets_the_loud_sound_note(
    app_for: AppMaker, store: HistoryStore
) -> None:
    app = app_for([cut_and_turned_down(speech_round(3.0), 12.0)], scenario="check-question")
    async with app.run_test(size=SIZE) as pilot:
        await play_round(app, pilot)
        assert feedback(app).feedback.verdict is Verdict.ON_TARGET
        assert "Loud sound" in text(app, "#level-note")
    (saved,) = store.sessions()[0].rounds
    assert "clipped" in saved.warnings
    assert saved.clipped_fraction is not None and saved.clipped_fraction >= 0.001


async def test_an_unmeasured_round_says_it_was_too_loud(app_for: AppMaker) -> None:
    app = app_for([cut_and_turned_down(_question_only(), 24.0)], scenario="check-question")
    async with app.run_test(size=SIZE) as pilot:
        await play_round(app, pilot)
        assert feedback(app).feedback.problem is Reason.CLIPPED
        assert "back from the microphone" in text(app, "#next-step")
