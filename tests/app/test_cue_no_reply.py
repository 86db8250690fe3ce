"""A student's answer comes from the loudspeaker, the microphone hears it, and the teacher says
nothing: the round stops after the usual ten seconds with the hint, not after 45 s with "no end
could be heard" (the answer itself is not the teacher's speech)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulator.app import espeak_cue_player
from simulator.audio.live import NO_SPEECH_STOP_S
from simulator.audio.resample import resample
from simulator.audio.result import ANALYSIS_RATE_HZ
from simulator.audio.sources import FakePlayer
from simulator.scenarios.library import Library
from simulator.screens.practice import PracticeScreen
from simulator.store.history import HistoryStore
from tests.app.test_cue_timing import cue_app
from tests.app.test_rounds import play_round, text

pytestmark = pytest.mark.espeak


@pytest.mark.parametrize("heard", [True, False])
async def test_no_reply_after_a_heard_answer_stops_after_ten_seconds(
    library: Library, store: HistoryStore, tmp_path: Path, heard: bool
) -> None:
    render = espeak_cue_player()
    assert render is not None
    scenario = library.find("wait-time-after-answer", "nl")
    assert scenario is not None
    sound = render(scenario.prompt_for(1).cue or "", "nl")
    assert sound is not None
    played = resample(sound.samples, sound.sample_rate_hz, ANALYSIS_RATE_HZ)
    hiss = np.random.default_rng(0).standard_normal(60 * ANALYSIS_RATE_HZ) * 0.0003
    recording = hiss.astype(np.float32)
    if heard:  # a loudspeaker: the microphone picks the answer up
        recording[320 : 320 + played.size] += played * 0.5
    app = cue_app(library, store, tmp_path, recording, "nl", FakePlayer())
    async with app.run_test(size=(100, 30)) as pilot:
        await play_round(app, pilot)
        screen = app.screen
        assert isinstance(screen, PracticeScreen) and screen.phase == "stopped"
        message = text(app, "#round-message")
    assert f"Er was {NO_SPEECH_STOP_S:.0f} s lang niets te horen" in message
    assert "45 s" not in message
