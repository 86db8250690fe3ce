"""The microphone check also warns of a microphone that clips before the sound server turns it
down: tops cut off well below full scale, which no single block shows by reaching it."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from simulator.rehearsal.mic_check import MicCheckMeter, Readiness
from tests.speech import clip

pytestmark = pytest.mark.espeak


def checked(samples: npt.NDArray[np.float32]) -> MicCheckMeter:
    meter = MicCheckMeter()
    for i in range(0, samples.size, 320):  # 20 ms at a time, as the screen feeds it
        meter.feed(samples[i : i + 320])
    return meter


def talk(speech: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    room = (np.random.default_rng(1).standard_normal(16_000 * 2) * 0.0005).astype(np.float32)
    return np.concatenate([room, speech + np.resize(room, speech.size), room])


@pytest.fixture(scope="module")
def speech(espeak: str) -> npt.NDArray[np.float32]:
    return clip("Good morning everyone, let us begin with the homework.", "en")


def test_a_voice_clipped_and_turned_down_warns_of_clipping(
    speech: npt.NDArray[np.float32],
) -> None:
    cut = float(np.max(np.abs(speech))) / 4  # 12 dB below its peak, then at half scale
    clipped = (np.clip(speech, -cut, cut) * (0.5 / cut)).astype(np.float32)
    meter = checked(talk(clipped))
    assert np.max(np.abs(clipped)) < 0.99  # no block reaches full scale
    assert "clipping" in meter.state.warnings and not meter.state.ok


def test_a_loud_clean_voice_is_ready_without_a_clipping_warning(
    speech: npt.NDArray[np.float32],
) -> None:
    loud = (speech / np.max(np.abs(speech)) * 0.9).astype(np.float32)
    state = checked(talk(loud)).state
    assert state.readiness is Readiness.READY and state.ok and state.warnings == ()
