"""Listen back on the real path: ``capture.play`` → PortAudio → PulseAudio null sink → its monitor
→ ``MicrophoneSource``. A known signal (tone, 2 s gap, tone) played by the app's player must be
heard with the same lengths, counted in samples, and the player's position must run from 0 to
the end while it plays."""

from __future__ import annotations

import time

import numpy as np
import numpy.typing as npt
import pytest

from simulator.audio.capture import STEADY_BUFFER_S, MicrophoneSource, play
from simulator.audio.result import ANALYSIS_RATE_HZ
from tests.e2e.conftest import PulseServer
from tests.e2e.test_capture_pulse import TOLERANCE_SAMPLES, loud_runs

pytestmark = pytest.mark.e2e

RATE = ANALYSIS_RATE_HZ
AMPLITUDE = 0.3
LEAD_S, FIRST_S, GAP_S, SECOND_S, TAIL_S = 0.3, 1.0, 2.0, 0.5, 0.3


def known_signal() -> npt.NDArray[np.float32]:
    def tone(seconds: float, hz: float) -> npt.NDArray[np.float32]:
        t = np.arange(int(seconds * RATE)) / RATE
        return (AMPLITUDE * np.sin(2 * np.pi * hz * t)).astype(np.float32)

    def quiet(seconds: float) -> npt.NDArray[np.float32]:
        return np.zeros(int(seconds * RATE), np.float32)

    return np.concatenate(
        [quiet(LEAD_S), tone(FIRST_S, 440.0), quiet(GAP_S), tone(SECOND_S, 660.0), quiet(TAIL_S)]
    )


@pytest.mark.parametrize("buffer_s", [None, STEADY_BUFFER_S], ids=["short", "steady"])
def test_played_round_is_heard_with_its_lengths_and_the_position_follows(
    pulse_server: PulseServer, buffer_s: float | None
) -> None:
    signal = known_signal()
    mic = MicrophoneSource(None)
    blocks: list[npt.NDArray[np.float32]] = []
    positions: list[int] = []
    deadline = time.monotonic() + 30.0

    def take() -> None:
        assert time.monotonic() < deadline, "playing took far longer than the sound"
        block = mic.read(timeout_s=0.05)
        assert block is not None
        blocks.append(block)

    with mic:
        while mic.samples_read == 0:  # the first block may come late; count samples, not time
            take()
        playback = play(signal, RATE, buffer_s=buffer_s)
        try:
            while not playback.done:
                positions.append(playback.position_samples)
                take()
            end = mic.samples_read + int(0.6 * RATE)
            while mic.samples_read < end:
                take()
        finally:
            playback.stop()
    recorded = np.concatenate(blocks)

    # The player's position: from the start, only forward, through the pause, to the very end.
    assert positions[0] < RATE // 2
    assert all(b >= a for a, b in zip(positions, positions[1:], strict=False))
    gap_start, gap_end = int((LEAD_S + FIRST_S) * RATE), int((LEAD_S + FIRST_S + GAP_S) * RATE)
    assert any(gap_start < p < gap_end for p in positions), "never seen inside the pause"
    assert len(set(positions)) > 20
    assert playback.position_samples == signal.size

    # What the microphone heard: the same tone, gap, tone lengths.
    start, heard_gap_start, heard_gap_end, last = loud_runs(recorded)
    info = (
        f"tone 1 {heard_gap_start - start}, gap {heard_gap_end - heard_gap_start}, "
        f"tone 2 {last - heard_gap_end} samples"
    )
    assert abs((heard_gap_start - start) - FIRST_S * RATE) <= TOLERANCE_SAMPLES, info
    assert abs((heard_gap_end - heard_gap_start) - GAP_S * RATE) <= TOLERANCE_SAMPLES, info
    assert abs((last - heard_gap_end) - SECOND_S * RATE) <= TOLERANCE_SAMPLES, info
    assert float(np.max(np.abs(recorded))) == pytest.approx(AMPLITUDE, abs=0.03)


def test_stopping_playback_silences_it_at_once(pulse_server: PulseServer) -> None:
    """``stop`` mid-sound: the rest of a 3 s tone is never heard, and nothing hangs."""
    t = np.arange(3 * RATE) / RATE
    tone = (AMPLITUDE * np.sin(2 * np.pi * 440.0 * t)).astype(np.float32)
    mic = MicrophoneSource(None)
    blocks: list[npt.NDArray[np.float32]] = []
    with mic:
        while mic.samples_read == 0:
            block = mic.read(timeout_s=0.05)
            assert block is not None
        playback = play(tone, RATE)
        while playback.position_samples < RATE // 2:  # half a second has been heard
            block = mic.read(timeout_s=0.05)
            assert block is not None
            blocks.append(block)
        started = time.monotonic()
        playback.stop()
        assert time.monotonic() - started < 1.0
        assert playback.done
        end = mic.samples_read + 2 * RATE
        while mic.samples_read < end:
            block = mic.read(timeout_s=0.05)
            assert block is not None
            blocks.append(block)
    recorded = np.concatenate(blocks)
    loud = np.flatnonzero(np.abs(recorded) > 0.05)
    assert loud.size > 0
    heard = int(loud[-1] - loud[0])
    assert heard < 1.5 * RATE, f"heard {heard / RATE:.2f} s of a tone stopped after 0.5 s"
