import struct
from pathlib import Path

import numpy as np
import pytest

from simulator.audio.resample import Resampler, resample
from simulator.audio.wav import WavError, parse_wav, read_wav, write_wav_pcm16


def _wav(fmt_tag: int, channels: int, rate: int, bits: int, payload: bytes) -> bytes:
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", fmt_tag, channels, rate, rate * block, block, bits)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(payload)) + payload
    return b"RIFF" + struct.pack("<I", len(body)) + body


def test_reads_every_pcm_width_to_the_same_values() -> None:
    values = np.array([0.0, 0.5, -0.5, 0.25], dtype=np.float64)
    i16 = (values * 32768).astype("<i2").tobytes()
    i32 = (values * 2**31).astype("<i4").tobytes()
    u8 = (values * 128 + 128).astype(np.uint8).tobytes()
    i24 = b"".join(int(v * 2**23).to_bytes(3, "little", signed=True) for v in values)
    f32 = values.astype("<f4").tobytes()
    for tag, bits, payload in [(1, 16, i16), (1, 32, i32), (1, 8, u8), (1, 24, i24), (3, 32, f32)]:
        audio = parse_wav(_wav(tag, 1, 16000, bits, payload))
        np.testing.assert_allclose(audio.samples[:, 0], values, atol=1e-6)


def test_stereo_keeps_channels(tmp_path: Path) -> None:
    stereo = np.stack([np.full(100, 0.25), np.full(100, -0.25)], axis=1)
    write_wav_pcm16(tmp_path / "s.wav", stereo, 44100)
    audio = read_wav(tmp_path / "s.wav")
    assert audio.channels == 2 and audio.sample_rate_hz == 44100
    np.testing.assert_allclose(audio.samples[0], [0.25, -0.25], atol=1e-4)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"hello, not audio at all", "not a WAV"),
        (_wav(1, 1, 16000, 16, b"\x00\x00" * 10)[:-8], "truncated"),
        (_wav(0x1234, 1, 16000, 16, b"\x00\x00" * 10), "unsupported WAV encoding"),
        (_wav(2, 1, 16000, 16, b"\x00\x00" * 10), "Microsoft ADPCM-compressed audio"),
        (_wav(1, 1, 4000, 16, b"\x00\x00" * 10), "sample rate"),
        (_wav(1, 1, 16000, 12, b"\x00\x00" * 10), "12-bit"),
        (_wav(1, 1, 16000, 16, b""), "no audio"),
    ],
)
def test_broken_files_get_clear_errors(data: bytes, message: str) -> None:
    with pytest.raises(WavError, match=message):
        parse_wav(data)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(WavError, match="not found"):
        read_wav(tmp_path / "nothing.wav")


@pytest.mark.parametrize("src", [8000, 11025, 22050, 32000, 44100, 48000])
def test_resampling_keeps_a_tone_and_its_timing(src: int) -> None:
    t = np.arange(src) / src
    y = resample(np.sin(2 * np.pi * 440 * t), src, 16000)
    assert y.size == 16000
    ty = np.arange(y.size) / 16000
    np.testing.assert_allclose(y[300:-300], np.sin(2 * np.pi * 440 * ty)[300:-300], atol=2e-3)


@pytest.mark.parametrize("src", [44100, 48000])
def test_resampling_removes_what_16k_cannot_hold(src: int) -> None:
    t = np.arange(src) / src
    y = resample(np.sin(2 * np.pi * 9500 * t), src, 16000)  # above the 8 kHz Nyquist
    assert np.sqrt(np.mean(y[300:-300] ** 2)) < 0.01


@pytest.mark.parametrize("block", [1, 160, 441, 1023])
def test_streaming_gives_the_same_samples_as_whole(block: int) -> None:
    x = np.random.default_rng(0).standard_normal(44100 // 4).astype(np.float32)
    whole = resample(x, 44100, 16000)
    r = Resampler(44100, 16000)
    parts = [r.process(x[i : i + block]) for i in range(0, x.size, block)] + [r.flush()]
    np.testing.assert_allclose(np.concatenate(parts), whole, atol=1e-5)
