"""Microphone logic that needs no sound card: devices, formats, error messages, the watchdog."""

from __future__ import annotations

import queue
import sys
import threading
import time
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from simulator.audio.capture import (
    STEADY_BUFFER_S,
    DeviceInfo,
    DeviceLostError,
    DeviceNotFoundError,
    DeviceUnusableError,
    MicrophoneError,
    MicrophoneSource,
    NoInputDeviceError,
    NoPortAudioError,
    OutputPlayback,
    choose_format,
    devices_from_portaudio,
    no_portaudio_error,
    play,
    portaudio_error,
    resolve_device,
)

# What PortAudio reports on a Windows laptop: one microphone under three host APIs, a USB
# headset, and outputs that must never be offered.
HOST_APIS = [{"name": "MME"}, {"name": "Windows DirectSound"}, {"name": "Windows WASAPI"}]
PA_DEVICES = [
    {"name": "Microfoon (Realtek Audio)", "hostapi": 0, "max_input_channels": 2,
     "max_output_channels": 0, "default_samplerate": 44100.0},
    {"name": "Luidsprekers (Realtek Audio)", "hostapi": 0, "max_input_channels": 0,
     "max_output_channels": 2, "default_samplerate": 44100.0},
    {"name": "Microfoon (Realtek Audio)", "hostapi": 1, "max_input_channels": 2,
     "max_output_channels": 0, "default_samplerate": 44100.0},
    {"name": "Microfoon (Realtek Audio)", "hostapi": 2, "max_input_channels": 2,
     "max_output_channels": 0, "default_samplerate": 48000.0},
    {"name": "Headset Microphone (Jabra EVOLVE 20)", "hostapi": 2, "max_input_channels": 1,
     "max_output_channels": 0, "default_samplerate": 16000.0},
    {"name": "Headset Microphone (Jabra EVOLVE 20) 2", "hostapi": 2, "max_input_channels": 1,
     "max_output_channels": 0, "default_samplerate": 16000.0},
]  # fmt: skip


@pytest.fixture
def devices() -> list[DeviceInfo]:
    return devices_from_portaudio(PA_DEVICES, HOST_APIS, default_input=3)


def test_devices_from_portaudio_keeps_inputs_with_host_api_and_default(
    devices: list[DeviceInfo],
) -> None:
    assert [d.index for d in devices] == [0, 2, 3, 4, 5]
    wasapi = devices[2]
    assert wasapi == DeviceInfo(
        index=3,
        name="Microfoon (Realtek Audio)",
        host_api="Windows WASAPI",
        max_input_channels=2,
        default_samplerate_hz=48000,
        is_default=True,
    )
    assert [d.is_default for d in devices] == [False, False, True, False, False]
    assert wasapi.label == "[3] Microfoon (Realtek Audio) (Windows WASAPI)"


def test_no_device_means_the_default(devices: list[DeviceInfo]) -> None:
    assert resolve_device(None, devices).index == 3
    assert resolve_device("  ", devices).index == 3
    without_default = [d for d in devices if not d.is_default]
    assert resolve_device(None, without_default).index == 0


def test_no_input_devices_at_all_is_a_clear_error() -> None:
    with pytest.raises(NoInputDeviceError) as caught:
        resolve_device(None, [])
    assert "No microphone found" in str(caught.value)
    assert caught.value.code == "no_input_device"
    assert isinstance(caught.value, MicrophoneError)


@pytest.mark.parametrize("spec", [4, "4", " 4 "])
def test_index_as_int_or_text(devices: list[DeviceInfo], spec: int | str) -> None:
    assert resolve_device(spec, devices).name == "Headset Microphone (Jabra EVOLVE 20)"


def test_index_of_an_output_is_refused_with_the_list_of_microphones(
    devices: list[DeviceInfo],
) -> None:
    with pytest.raises(DeviceNotFoundError) as caught:
        resolve_device("1", devices)
    message = str(caught.value)
    assert "no microphone with number 1" in message
    for d in devices:
        assert d.label in message
    assert "Luidsprekers" not in message
    assert "(default)" in message


def test_name_parts_match_case_insensitively(devices: list[DeviceInfo]) -> None:
    # The exact name wins over the longer "... 2".
    assert resolve_device("headset microphone (jabra evolve 20)", devices).index == 4
    assert resolve_device("jabra 20) 2", devices).index == 5
    # Several words must appear in order in "name, host API".
    assert resolve_device("microfoon directsound", devices).index == 2


def test_one_microphone_under_several_host_apis_takes_the_default_host_api(
    devices: list[DeviceInfo],
) -> None:
    assert resolve_device("realtek", devices).index == 3


def test_a_name_matching_nothing_lists_the_microphones(devices: list[DeviceInfo]) -> None:
    with pytest.raises(DeviceNotFoundError) as caught:
        resolve_device("Blue Yeti", devices)
    message = str(caught.value)
    assert "No microphone matches 'Blue Yeti'" in message
    assert "[4] Headset Microphone (Jabra EVOLVE 20) (Windows WASAPI)" in message


def test_an_ambiguous_name_asks_for_the_number(devices: list[DeviceInfo]) -> None:
    with pytest.raises(DeviceNotFoundError) as caught:
        resolve_device("microphone", devices)
    message = str(caught.value)
    assert "More than one microphone matches 'microphone'" in message
    assert "[4]" in message and "[5]" in message and "[3]" not in message


def test_format_prefers_16k_mono(devices: list[DeviceInfo]) -> None:
    tried: list[tuple[int, int]] = []

    def supports(rate: int, channels: int) -> bool:
        tried.append((rate, channels))
        return True

    assert choose_format(devices[2], supports) == (16000, 1)
    assert tried == [(16000, 1)]


def test_format_falls_back_to_48k_then_the_device_default(devices: list[DeviceInfo]) -> None:
    realtek_mme = devices[0]  # default rate 44.1 kHz
    tried: list[tuple[int, int]] = []

    def only(rate_ok: int, channels_ok: int) -> Any:
        def supports(rate: int, channels: int) -> bool:
            tried.append((rate, channels))
            return rate == rate_ok and channels == channels_ok

        return supports

    assert choose_format(realtek_mme, only(48000, 1)) == (48000, 1)
    tried.clear()
    assert choose_format(realtek_mme, only(44100, 1)) == (44100, 1)
    assert tried == [(16000, 1), (48000, 1), (44100, 1)]
    tried.clear()
    assert choose_format(realtek_mme, only(48000, 2)) == (48000, 2)
    assert tried[-1] == (48000, 2) and (44100, 1) in tried


def test_no_usable_format_names_the_rates_tried(devices: list[DeviceInfo]) -> None:
    with pytest.raises(DeviceUnusableError) as caught:
        choose_format(devices[0], lambda rate, channels: False)
    assert "16000, 48000, 44100\u00a0Hz" in str(caught.value)  # the unit on the number's line
    assert "--device" in str(caught.value)


def test_portaudio_messages_become_user_errors() -> None:
    assert isinstance(portaudio_error("Error querying device -1"), NoInputDeviceError)
    busy = portaudio_error(
        "Error opening InputStream: Device unavailable [PaErrorCode -9985]", "USB mic"
    )
    assert isinstance(busy, DeviceUnusableError)
    assert "'USB mic' is busy" in str(busy) and "Close other programs" in str(busy)
    rate = portaudio_error("Error opening InputStream: Invalid sample rate [PaErrorCode -9997]")
    assert isinstance(rate, DeviceUnusableError) and "refused the recording format" in str(rate)
    other = portaudio_error("Error starting stream: Unanticipated host error [PaErrorCode -9999]")
    assert type(other) is DeviceUnusableError
    assert "Unanticipated host error" in str(other)


def test_platform_advice() -> None:
    assert "sudo apt install libportaudio2" in str(no_portaudio_error("x", "linux"))
    assert "brew install portaudio" in str(no_portaudio_error("x", "darwin"))
    assert isinstance(no_portaudio_error("x"), NoPortAudioError)
    from simulator.audio.capture import no_input_device_error

    assert "Privacy & Security › Microphone" in str(no_input_device_error("darwin"))
    assert "libasound2-plugins" in str(no_input_device_error("linux"))


# -- the stream side, with PortAudio's stream replaced by a recorder of abort/close calls ------


class RecordingStream:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def abort(self) -> None:
        self.calls.append("abort")

    def close(self) -> None:
        self.calls.append("close")

    def stop(self) -> None:  # must never be used: it can hang on a dead device
        raise AssertionError("stop() called")


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def flags(overflow: bool = False) -> Any:
    return SimpleNamespace(input_overflow=overflow)


def opened(
    rate: int = 48000, channels: int = 2, **kwargs: Any
) -> tuple[MicrophoneSource, RecordingStream, Clock]:
    clock = Clock()
    source = MicrophoneSource("usb", clock=clock, **kwargs)
    info = DeviceInfo(7, "USB mic", "ALSA", channels, rate, False)
    source._reset(info, rate, channels)
    stream = RecordingStream()
    source._stream = stream
    source._last_audio_at = clock.now
    return source, stream, clock


def test_callback_queues_copies_and_counts_overflows_and_drops() -> None:
    source, _, _ = opened(queue_s=0.08, block_ms=20)  # room for 4 blocks
    block = np.ones((960, 2), np.float32)
    source._callback(block, 960, None, flags(overflow=True))
    block[:] = 0.0  # PortAudio reuses its buffer: the queued block must be a copy
    for _ in range(5):
        source._callback(block, 960, None, flags())
    assert source.overflow_count == 1
    assert source.dropped_blocks == 2
    first = source.read(timeout_s=0.01)
    assert first is not None and first.dtype == np.float32 and first.ndim == 1
    assert first.size > 0 and float(first[first.size // 2]) == pytest.approx(1.0, abs=1e-3)


def test_read_mixes_to_mono_and_resamples_48k_to_16k() -> None:
    source, _, _ = opened(queue_s=2.0)
    t = np.arange(48000) / 48000
    tone = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    stereo = np.stack([tone, tone], axis=1)
    out = []
    for start in range(0, 48000, 960):
        source._callback(stereo[start : start + 960], 960, None, flags())
        block = source.read(timeout_s=0.01)
        assert block is not None
        out.append(block)
    samples = np.concatenate(out)
    assert 15900 <= samples.size <= 16000  # the resampler holds back only its filter tail
    assert source.samples_read == samples.size
    assert float(np.max(np.abs(samples[1000:]))) == pytest.approx(0.5, abs=0.01)


def test_watchdog_allows_a_late_first_block_then_a_short_gap() -> None:
    source, stream, clock = opened()
    clock.now += 2.9  # PulseAudio's first block can come ~1.9 s late: still fine
    empty = source.read(timeout_s=0.01)
    assert empty is not None and empty.size == 0
    source._callback(np.zeros((960, 2), np.float32), 960, None, flags())
    assert source.read(timeout_s=0.01) is not None
    clock.now += 0.9
    assert source.read(timeout_s=0.01) is not None  # a quiet moment, not a loss
    clock.now += 0.2  # 1.1 s without audio after the first block
    with pytest.raises(DeviceLostError) as caught:
        source.read(timeout_s=0.01)
    assert "USB mic" in str(caught.value) and "no audio for 1 s" in str(caught.value)
    assert stream.calls == ["abort", "close"]
    assert not source.running
    assert source.read() is None


def test_watchdog_gives_up_when_the_first_block_never_comes() -> None:
    source, stream, clock = opened()
    clock.now += 3.01
    with pytest.raises(DeviceLostError, match="no audio for 3 s"):
        source.read(timeout_s=0.01)
    assert stream.calls == ["abort", "close"]


def test_a_stream_that_finishes_by_itself_is_a_lost_device_after_its_last_block() -> None:
    source, stream, _ = opened()
    source._callback(np.zeros((960, 2), np.float32), 960, None, flags())
    source._on_finished()
    block = source.read(timeout_s=0.01)
    assert block is not None and block.size > 0  # what came before the end is kept
    with pytest.raises(DeviceLostError, match="the audio stream ended"):
        source.read(timeout_s=0.01)
    assert stream.calls == ["abort", "close"]


def test_stop_aborts_and_closes_and_is_idempotent() -> None:
    source, stream, _ = opened()
    with source:
        pass  # already "open": start() leaves a running stream alone
    assert stream.calls == ["abort", "close"]
    source.stop()
    assert stream.calls == ["abort", "close"]


class StuckStream(RecordingStream):
    """A stream whose ``abort()`` never returns by itself, as PortAudio's did when the sound
    server died under it: its audio thread had deadlocked inside the server's client library."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def abort(self) -> None:
        self.calls.append("abort")
        self.release.wait(30)


def test_a_stream_that_never_closes_is_left_behind_and_the_loss_is_still_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from simulator.audio import capture

    portaudio: list[str] = []
    sd = SimpleNamespace(
        _exit_handler=lambda: portaudio.append("shut down"),
        _terminate=lambda: portaudio.append("terminate"),
        _initialize=lambda: portaudio.append("initialize"),
    )
    unregistered: list[Any] = []
    monkeypatch.setitem(sys.modules, "sounddevice", sd)
    monkeypatch.setattr(capture.atexit, "unregister", unregistered.append)
    monkeypatch.setattr(capture, "_left_behind", [])
    monkeypatch.setattr(capture, "CLOSE_WAIT_S", 0.2)
    source, _, clock = opened()
    stream = StuckStream()
    source._stream = stream
    try:
        capture.rescan_devices()
        assert portaudio == ["terminate", "initialize"]  # PortAudio restarts while it can
        clock.now += 3.01
        started = time.monotonic()
        with pytest.raises(DeviceLostError, match="no audio for 3 s"):
            source.read(timeout_s=0.01)
        assert time.monotonic() - started < 5  # not the 30 s the abort would take
        assert stream.calls == ["abort"]  # still waiting there
        assert not source.running
        assert capture._left_behind == [stream]
        # Shutting PortAudio down at exit would wait for that stream: it no longer happens.
        assert unregistered == [sd._exit_handler]
        capture.rescan_devices()  # nor does a restart, for the same reason
        assert portaudio == ["terminate", "initialize"]
    finally:
        stream.release.set()


def test_missing_portaudio_library_is_reported_not_raised(tmp_path: Any) -> None:
    """The real sounddevice import, with the library lookup finding nothing."""
    import subprocess

    code = (
        "import ctypes.util, sys\n"
        "ctypes.util.find_library = lambda name: None\n"
        "from simulator.audio.capture import MicrophoneSource, NoPortAudioError\n"
        "try:\n"
        "    MicrophoneSource().start()\n"
        "except NoPortAudioError as exc:\n"
        "    print('CODE', exc.code)\n"
        "    print(exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "CODE no_portaudio" in done.stdout
    assert "PortAudio sound library is missing" in done.stdout


def test_queue_is_bounded() -> None:
    source = MicrophoneSource(queue_s=1.0, block_ms=20)
    assert isinstance(source._queue, queue.Queue) and source._queue.maxsize == 50


# -- playing: PortAudio's output replaced by a fake sounddevice module --------------------------


class FakeOutputStream:
    opened: list[dict[str, Any]] = []

    def __init__(self, **kwargs: Any) -> None:
        FakeOutputStream.opened.append(kwargs)
        self.latency = kwargs.get("latency", 0.035)
        self.started = False

    def start(self) -> None:
        self.started = True


def fake_sounddevice() -> Any:
    class PortAudioError(Exception):
        pass

    class CallbackStop(Exception):
        pass

    return SimpleNamespace(
        PortAudioError=PortAudioError,
        CallbackStop=CallbackStop,
        OutputStream=FakeOutputStream,
        query_devices=lambda device, kind: {
            "index": 3,
            "name": "speakers",
            "max_output_channels": 2,
            "default_samplerate": 48000.0,
            "default_low_output_latency": 0.009,
        },
        check_output_settings=lambda **kwargs: None,
    )


@pytest.mark.parametrize(("buffer_s", "latency"), [(None, None), (STEADY_BUFFER_S, 1.0)])
def test_play_keeps_the_asked_buffer_ahead_of_the_listener(
    monkeypatch: pytest.MonkeyPatch, buffer_s: float | None, latency: float | None
) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", fake_sounddevice())
    FakeOutputStream.opened = []
    playback = play(np.zeros(16_000, np.float32), 16_000, buffer_s=buffer_s)
    (kwargs,) = FakeOutputStream.opened
    assert kwargs.get("latency") == latency  # None: not given, the device's default
    # A steady buffer is filled before the stream starts: the first sample still comes after
    # the device's short latency, not after the buffer.
    assert playback.latency_s == pytest.approx(0.009 if latency else 0.035)


def test_play_refuses_a_buffer_that_is_not_positive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", fake_sounddevice())
    with pytest.raises(ValueError, match="buffer_s"):
        play(np.zeros(10, np.float32), 16_000, buffer_s=0.0)


def test_the_output_callback_counts_the_times_the_output_ran_dry() -> None:
    class Stop(Exception):
        pass

    data = np.arange(10, dtype=np.float32)[:, None]
    playback = OutputPlayback(
        data, source_samples=10, source_rate_hz=100, device_rate_hz=100, callback_stop=Stop
    )
    out = np.empty((4, 1), np.float32)
    playback._callback(out, 4, None, SimpleNamespace(output_underflow=False))
    playback._callback(out, 4, None, SimpleNamespace(output_underflow=True))
    assert playback.underflows == 1
    assert out[:, 0].tolist() == [4.0, 5.0, 6.0, 7.0]  # the sound goes on where it was
    with pytest.raises(Stop):
        playback._callback(out, 4, None, SimpleNamespace(output_underflow=True))
    assert playback.underflows == 2


def test_a_steady_buffer_is_followed_by_silence_that_may_be_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", fake_sounddevice())
    sound = np.ones(16_000, np.float32)
    playback = play(sound, 16_000, buffer_s=0.5)
    assert playback._data.shape == (16_000 + 16_000, 1)  # two buffers of silence after it
    assert float(np.abs(playback._data[16_000:]).max()) == 0.0
    short = play(sound, 16_000)
    assert short._data.shape == (16_000, 1)


class ClockedStream:
    def __init__(self) -> None:
        self.time = 100.0
        self.latency = 1.0


def test_the_position_follows_the_stream_clock_between_large_refills() -> None:
    class Stop(Exception):
        pass

    data = np.zeros((3000, 1), np.float32)  # 1000 frames of sound, then 2000 of silence
    playback = OutputPlayback(
        data, source_samples=1000, source_rate_hz=1000, device_rate_hz=1000, callback_stop=Stop
    )
    stream = ClockedStream()
    playback._attach(stream)
    out = np.empty((1500, 1), np.float32)
    # The first frame handed over is heard at stream time 100.0, all 1500 at once.
    playback._callback(
        out,
        1500,
        SimpleNamespace(outputBufferDacTime=100.0),
        SimpleNamespace(output_underflow=False),
    )
    assert playback.position_samples == 0
    stream.time = 100.25
    assert playback.position_samples == 250  # not 1500 - 1000: the clock, not the refill
    stream.time = 100.2  # a clock read a little early never moves the position back
    assert playback.position_samples == 250
    assert not playback.done
    stream.time = 101.0  # the sound's last frame has been heard: done, the silence may go
    assert playback.position_samples == 1000 and playback.done


# -- the streams' clocks: where a played sound lies in the microphone's samples ----------------


def adc(block_start_s: float, callback_s: float) -> Any:
    return SimpleNamespace(inputBufferAdcTime=block_start_s, currentTime=callback_s)


def test_a_stream_time_is_placed_in_the_microphone_s_samples_by_the_block_s_adc_time() -> None:
    source, stream, _ = opened(rate=48000, channels=1)
    stream.latency = 0.02
    block = np.zeros((960, 1), np.float32)
    assert source.sample_heard_at(10.0) is None  # no block yet: no clock
    source._callback(block, 960, adc(10.000, 10.041), flags())
    source._callback(block, 960, adc(10.020, 10.061), flags())
    # The second block's first frame (960 at 48 kHz = 320 at 16 kHz) was recorded at 10.020.
    assert source.sample_heard_at(10.020) == 320
    assert source.sample_heard_at(10.050) == 320 + 480  # 30 ms later


def test_an_adc_time_far_older_than_the_input_latency_is_not_believed() -> None:
    # Through PulseAudio the first stream after the server started reported its blocks 0.6 s
    # older than they were: the callback's own time stands in for the block's last frame.
    source, stream, _ = opened(rate=16000, channels=1)
    stream.latency = 0.02
    source._callback(np.zeros((320, 1), np.float32), 320, adc(9.4, 10.0), flags())
    assert source.sample_heard_at(10.0) == 320
    assert source.sample_heard_at(10.01) == 480


def test_without_the_host_api_s_times_no_sample_is_placed() -> None:
    source, _, _ = opened(rate=16000, channels=1)
    source._callback(np.zeros((320, 1), np.float32), 320, None, flags())
    assert source.sample_heard_at(10.0) is None


def dac(heard_s: float) -> Any:
    return SimpleNamespace(outputBufferDacTime=heard_s)


NO_UNDERFLOW = SimpleNamespace(output_underflow=False)


def clocked_playback(
    frames: int = 1000, buffer_s: float = 0.25
) -> tuple[OutputPlayback, ClockedStream]:
    class Stop(Exception):
        pass

    playback = OutputPlayback(
        np.zeros((frames, 1), np.float32),
        source_samples=frames // 2,  # the caller's rate is half the device's
        source_rate_hz=500,
        device_rate_hz=1000,
        callback_stop=Stop,
    )
    stream = ClockedStream()
    stream.latency = buffer_s  # the first fill: frames handed over before the device starts
    playback._attach(stream)
    return playback, stream


def test_a_sound_handed_over_on_time_is_not_late() -> None:
    playback, stream = clocked_playback()
    out = np.empty((250, 1), np.float32)
    assert playback.heard_from_s is None and playback.late_s(100) is None  # nothing handed over
    for i in range(4):
        playback._callback(out, 250, dac(100.0 + i * 0.25), NO_UNDERFLOW)
    assert playback.heard_from_s == 100.0
    assert playback.late_s(500) == pytest.approx(0.0)


def test_silence_the_output_inserted_makes_the_rest_of_the_sound_late() -> None:
    playback, stream = clocked_playback()
    out = np.empty((250, 1), np.float32)
    playback._callback(out, 250, dac(100.0), NO_UNDERFLOW)
    playback._callback(out, 250, dac(100.25), NO_UNDERFLOW)
    # The callback came late; the sound server played 0.2 s of silence before frame 500.
    playback._callback(out, 250, dac(100.7), NO_UNDERFLOW)
    assert playback.late_s(250) == pytest.approx(0.0)  # frames 0-499 came out whole
    assert playback.late_s(251) == pytest.approx(0.2)  # frame 502 is in the late buffer
    # Frames 750 on were not handed over yet and are already 0.3 s overdue by the clock.
    stream.time = 101.3
    assert playback.late_s(500) == pytest.approx(0.3)


def test_without_the_host_api_s_times_lateness_is_unknown() -> None:
    playback, _ = clocked_playback()
    playback._callback(np.empty((250, 1), np.float32), 250, None, NO_UNDERFLOW)
    assert playback.heard_from_s is None and playback.late_s(100) is None


def test_the_sound_starts_when_the_buffer_s_first_fill_has_been_handed_over() -> None:
    # A busy computer took 10 ms for each of the four buffers that fill the output before it
    # starts: the first frame is heard only after the last of them, and nothing after is late.
    playback, _ = clocked_playback(frames=2000, buffer_s=1.0)
    out = np.empty((250, 1), np.float32)
    for i in range(4):
        playback._callback(out, 250, dac(100.0 + i * 0.26), NO_UNDERFLOW)
    assert playback.heard_from_s == pytest.approx(100.03)
    playback._callback(out, 250, dac(101.03), NO_UNDERFLOW)  # once the device has played 250
    assert playback.late_s(1000) == pytest.approx(0.0)
