"""ArraySource: the audio source the app tests, demos and recordings share with the microphone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulator.audio.capture import MicrophoneSource
from simulator.audio.resample import resample
from simulator.audio.result import ANALYSIS_RATE_HZ
from simulator.audio.sources import (
    ArraySource,
    AudioSource,
    DeviceLostError,
    MicrophoneError,
)
from simulator.audio.wav import write_wav_pcm16

RATE = ANALYSIS_RATE_HZ


def drain(source: ArraySource, timeout_s: float = 0.5) -> tuple[np.ndarray, int]:
    blocks = []
    reads = 0
    while (block := source.read(timeout_s)) is not None:
        reads += 1
        blocks.append(block)
    return (np.concatenate(blocks) if blocks else np.zeros(0, np.float32)), reads


def ramp(n: int) -> np.ndarray:
    return (np.arange(n, dtype=np.float32) / n) - 0.5


def test_both_sources_satisfy_the_protocol() -> None:
    assert isinstance(ArraySource(np.zeros(10, np.float32)), AudioSource)
    assert isinstance(MicrophoneSource(), AudioSource)


def test_unpaced_blocks_reassemble_the_input_exactly() -> None:
    x = ramp(RATE + 123)
    with ArraySource(x, block_ms=20) as source:
        first = source.read()
        assert first is not None and first.dtype == np.float32 and first.shape == (320,)
        rest, reads = drain(source)
        assert source.samples_read == x.size
    np.testing.assert_array_equal(np.concatenate((first, rest)), x)
    assert reads == (x.size - 320 + 319) // 320  # full blocks, then one short one
    assert source.read() is None  # stopped


def test_read_before_start_gives_nothing() -> None:
    assert ArraySource(ramp(100)).read() is None


def test_blocks_are_copies() -> None:
    x = ramp(640)
    with ArraySource(x) as source:
        block = source.read()
        assert block is not None
        block[:] = 9.0
    assert float(x[0]) == -0.5


def test_other_rates_are_resampled_to_16k_and_report_the_native_rate() -> None:
    rate = 48_000
    t = np.arange(rate) / rate
    tone = (0.5 * np.sin(2 * np.pi * 1000.0 * t)).astype(np.float32)
    source = ArraySource(tone, rate)
    assert source.native_rate_hz == rate
    with source:
        out, _ = drain(source)
    assert out.size == RATE
    np.testing.assert_allclose(out, resample(tone, rate, RATE), atol=1e-6)
    # 1 kHz survives: ~2000 zero crossings in one second.
    crossings = int(np.count_nonzero(np.diff(np.signbit(out[100:-100]))))
    assert abs(crossings - 2000 * (out.size - 200) / RATE) <= 3


def test_stereo_is_mixed_to_mono() -> None:
    left = np.full(400, 0.25, np.float32)
    right = np.full(400, -0.75, np.float32)
    with ArraySource(np.stack([left, right], axis=1)) as source:
        out, _ = drain(source)
    np.testing.assert_allclose(out, np.full(400, -0.25, np.float32))


def test_silent_source_is_bit_exact_zeros() -> None:
    with ArraySource.silent(1.5) as source:
        out, _ = drain(source)
    assert out.size == int(1.5 * RATE)
    assert not np.any(out)


def test_device_lost_mid_round_delivers_audio_up_to_the_loss_then_raises() -> None:
    x = ramp(3 * RATE)
    source = ArraySource(x, lose_device_after_s=1.25, device_name="USB mic")
    source.start()
    got = []
    with pytest.raises(DeviceLostError) as caught:
        while True:
            block = source.read()
            assert block is not None, "the source must not just end: the device was lost"
            got.append(block)
    np.testing.assert_array_equal(np.concatenate(got), x[: int(1.25 * RATE)])
    assert isinstance(caught.value, MicrophoneError)
    assert caught.value.code == "device_lost"
    assert "USB mic" in str(caught.value) and "try the round again" in str(caught.value)
    with pytest.raises(DeviceLostError):
        source.read()  # stays lost
    source.stop()
    assert source.read() is None
    source.start()  # a retry starts from the beginning again
    block = source.read()
    assert block is not None and block.size == 320


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_paced_source_releases_each_block_when_a_device_would_have_recorded_it() -> None:
    clock = FakeClock()
    x = ramp(RATE // 2)  # 0.5 s, 25 blocks of 20 ms
    source = ArraySource(x, realtime=True, clock=clock, sleep=clock.sleep)
    with source:
        block = source.read(timeout_s=0.5)
        assert block is not None and block.size == 320
        assert clock.now == pytest.approx(100.02)
        # Asked to wait less than the next block needs: nothing yet, after waiting the timeout.
        early = source.read(timeout_s=0.005)
        assert early is not None and early.size == 0
        assert clock.now == pytest.approx(100.025)
        rest, _ = drain(source)
    assert rest.size == x.size - 320
    assert clock.now == pytest.approx(100.5)


def test_from_wav_reads_a_recording(tmp_path: Path) -> None:
    x = (0.25 * np.sin(np.arange(8000) / 5.0)).astype(np.float32)
    path = tmp_path / "round.wav"
    write_wav_pcm16(path, x, 8000)
    source = ArraySource.from_wav(path)
    assert source.device_name == "round.wav"
    assert source.native_rate_hz == 8000
    with source:
        out, _ = drain(source)
    assert out.size == RATE


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        ArraySource(np.zeros((2, 2, 2), np.float32))
    with pytest.raises(ValueError):
        ArraySource(np.zeros(10, np.float32), block_ms=0)
    with pytest.raises(ValueError):
        ArraySource(np.zeros(10, np.float32), lose_device_after_s=-1)
