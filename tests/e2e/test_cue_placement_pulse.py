"""A round's cue placed by the sound system's clocks, on the real path: ``capture.play`` with the
steady buffer → PortAudio → PulseAudio null sink → its monitor → ``MicrophoneSource``.

With headphones the microphone does not hear the cue, so only the output's time for its first
sample, mapped onto the microphone's samples by the input's times, says where the wait starts.
Here the monitor does hear it, so the clocks' answer is checked against where the cue really is
in the recording (found by correlation), in samples.
"""

from __future__ import annotations

import time

import numpy as np
import numpy.typing as npt
import pytest

from simulator.audio.capture import STEADY_BUFFER_S, MicrophoneSource, play
from simulator.audio.cue import locate_cue
from simulator.audio.result import ANALYSIS_RATE_HZ
from tests.e2e.conftest import PulseServer
from tests.speech import clip

pytestmark = [pytest.mark.e2e, pytest.mark.espeak]

TOLERANCE_SAMPLES = round(0.030 * ANALYSIS_RATE_HZ)
ROUNDS = 3


def _one_cue(cue: npt.NDArray[np.float32]) -> tuple[int | None, int | None]:
    """(where the clocks put the cue, where the microphone heard it), in its samples."""
    mic = MicrophoneSource(None)
    blocks: list[npt.NDArray[np.float32]] = []
    deadline = time.monotonic() + 30.0
    with mic:
        while mic.samples_read == 0:  # the round plays its cue once the first block is read
            block = mic.read(timeout_s=0.05)
            assert block is not None and time.monotonic() < deadline
            blocks.append(block)
        read = mic.samples_read
        playback = play(cue, ANALYSIS_RATE_HZ, buffer_s=STEADY_BUFFER_S)
        try:
            while mic.samples_read < read + cue.size + ANALYSIS_RATE_HZ // 2:
                block = mic.read(timeout_s=0.05)
                assert block is not None and time.monotonic() < deadline
                blocks.append(block)
            # Asked once the cue has played, as the round does.
            heard_from_s = playback.heard_from_s
            timed = None if heard_from_s is None else mic.sample_heard_at(heard_from_s)
        finally:
            playback.stop()
    heard = np.concatenate(blocks)
    return timed, locate_cue(cue, heard, 0, heard.size - cue.size)


def test_the_clocks_place_a_steadily_buffered_cue_where_the_microphone_hears_it(
    pulse_server: PulseServer, espeak: str
) -> None:
    cue = clip("I think the price goes up because more people want it.", "en")
    for _ in range(ROUNDS):
        timed, found = _one_cue(cue)
        assert found is not None, "the monitor did not hear the cue"
        assert timed is not None, "the sound system gave no stream times"
        print(f"\ncue start: clocks {timed}, heard {found} ({(timed - found) / 16:.1f} ms)")
        assert abs(timed - found) <= TOLERANCE_SAMPLES
