"""The one door to the hardware: the live microphone through sounddevice (PortAudio).

Only this module imports sounddevice, and only inside functions (``load_sounddevice``), so that
everything else — the analysis, ``coach-sim analyze``, the app without a microphone — works on a
machine without PortAudio.

``MicrophoneSource`` opens an input stream whose callback only copies each block into a bounded
queue (counting overflows); mixing to mono and resampling to 16 kHz happen in ``read``, in the
reader's thread. Device choice, sample-rate fallback and error mapping are plain functions over
``DeviceInfo`` values, testable without a sound card.
"""

from __future__ import annotations

import atexit
import contextlib
import math
import queue
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from simulator.audio.downmix import Downmixer, downmix
from simulator.audio.resample import Resampler
from simulator.audio.result import ANALYSIS_RATE_HZ
from simulator.audio.sound_server import ServerState, sound_server_state
from simulator.audio.sources import (
    DeviceLostError,
    DeviceNotFoundError,
    DeviceUnusableError,
    MicrophoneError,
    NoInputDeviceError,
    NoOutputDeviceError,
    NoPortAudioError,
    PlaybackError,
    PlaybackNoPortAudioError,
    Samples,
    SoundServerDownError,
    SoundServerLostError,
    StartStopContext,
    Worded,
    device_lost,
)

__all__ = [
    "CLOSE_WAIT_S",
    "DeviceInfo",
    "DeviceLostError",
    "DeviceNotFoundError",
    "DeviceUnusableError",
    "MicrophoneError",
    "MicrophoneSource",
    "NoInputDeviceError",
    "NoOutputDeviceError",
    "NoPortAudioError",
    "OutputPlayback",
    "PlaybackError",
    "STEADY_BUFFER_S",
    "ServerState",
    "SoundServerDownError",
    "SoundServerLostError",
    "choose_format",
    "devices_from_portaudio",
    "list_input_devices",
    "load_sounddevice",
    "play",
    "playback_error",
    "portaudio_error",
    "rescan_devices",
    "resolve_device",
    "unreachable_error",
]

PREFERRED_RATES_HZ: tuple[int, ...] = (ANALYSIS_RATE_HZ, 48_000)
"""Tried in this order, then the device's own default rate; anything but 16 kHz is resampled."""
FIRST_BLOCK_TIMEOUT_S = 3.0
"""A PulseAudio monitor source was seen to deliver its first block ~1.9 s late."""
BLOCK_TIMEOUT_S = 1.0
"""After the first block, this long without audio means the device is gone."""
STEADY_BUFFER_S = 1.0
"""How much of a sound ``play(..., buffer_s=STEADY_BUFFER_S)`` keeps ahead of the listener.

With the device's default latency (35 ms through PulseAudio) a busy computer that runs the audio
callback late makes the output run dry, and the sound server plays silence until it has sound
again: a model line's 3 s pause was heard as 3.2 to 7.1 s with both cores busy. With 1 s of sound
buffered it was heard as 3.000 s every time. The sound still starts at once."""
ADC_SLACK_S = 0.05
"""How much older than the input's latency and two blocks a block's reported ADC time may be
before it is taken for a wrong report (see ``MicrophoneSource.sample_heard_at``)."""
CLOSE_WAIT_S = 2.0
"""How long closing a stream may take before it is left behind (see ``_close_quietly``): a
close that works takes a few milliseconds, even on a busy computer."""
TAIL_BUFFERS = 2
"""Silence handed over after a sound played with a steady buffer, in buffers: when the stream
ends, PortAudio drops what is still buffered (with 1 s buffered a tone's last 1.3 s went
unheard), so that must be silence. The sound counts as done once its own last sample is heard."""


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """One input device as PortAudio reports it."""

    index: int
    name: str
    host_api: str
    max_input_channels: int
    default_samplerate_hz: int
    is_default: bool

    @property
    def label(self) -> str:
        return f"[{self.index}] {self.name} ({self.host_api})"


# -- user-facing advice -------------------------------------------------------------------------


def _permission_hint(platform: str) -> Worded | str:
    for system in ("darwin", "win", "linux"):
        if platform.startswith(system):
            return Worded(f"audio_error.hint_{system}")
    return ""


def _device_choices(devices: Sequence[DeviceInfo]) -> Worded:
    if not devices:
        return Worded("audio_error.no_choices")
    lines = tuple(
        Worded(
            "audio_error.choice_default" if d.is_default else "audio_error.choice",
            {"label": d.label},
        )
        for d in devices
    )
    return Worded("audio_error.choices", {"lines": lines})


def no_portaudio_error(detail: str, platform: str = sys.platform) -> NoPortAudioError:
    system = "linux" if platform.startswith("linux") else platform
    how = f"audio_error.portaudio_how_{system if system in ('linux', 'darwin') else 'other'}"
    return NoPortAudioError("no_portaudio", how=Worded(how), detail=detail)


def no_input_device_error(
    platform: str = sys.platform, *, mention_devices_command: bool = True
) -> NoInputDeviceError:
    return NoInputDeviceError(
        "no_input_device",
        devices_command=Worded("audio_error.devices_command") if mention_devices_command else "",
        hint=_permission_hint(platform),
    )


# -- loading sounddevice ------------------------------------------------------------------------


def load_sounddevice() -> Any:
    """Import sounddevice, turning a missing PortAudio library into ``NoPortAudioError``."""
    try:
        import sounddevice
    except OSError as exc:  # sounddevice raises OSError when libportaudio cannot be loaded
        raise no_portaudio_error(str(exc)) from exc
    except ImportError as exc:
        if exc.name == "_sounddevice_data":  # macOS/Windows: the bundled PortAudio is missing
            raise no_portaudio_error(str(exc)) from exc
        raise MicrophoneError("no_sounddevice", detail=str(exc)) from exc
    return sounddevice


def rescan_devices() -> None:
    """Make PortAudio look for devices again (it lists them once, when it starts).

    Call it only while no stream is open, e.g. before retrying after a device was plugged in or
    after the sound server changed. Does nothing if sounddevice was never loaded, or once a
    stream could not be closed (see ``_close_quietly``).
    """
    sd = sys.modules.get("sounddevice")
    if sd is None:
        return
    _rescan(sd)


def _rescan(sd: Any) -> None:
    if _left_behind:
        return  # restarting PortAudio would wait for the stream that never closed
    sd._terminate()
    sd._initialize()


# -- devices: pure functions over plain values --------------------------------------------------


def devices_from_portaudio(
    devices: Sequence[Mapping[str, Any]],
    host_apis: Sequence[Mapping[str, Any]],
    default_input: int,
) -> list[DeviceInfo]:
    """The input devices among PortAudio's device dicts (``sd.query_devices()``)."""
    out: list[DeviceInfo] = []
    for index, dev in enumerate(devices):
        channels = int(dev.get("max_input_channels", 0))
        if channels <= 0:
            continue
        api_index = int(dev.get("hostapi", -1))
        api = str(host_apis[api_index].get("name", "?")) if 0 <= api_index < len(host_apis) else "?"
        out.append(
            DeviceInfo(
                index=int(dev.get("index", index)),
                name=str(dev.get("name", f"device {index}")),
                host_api=api,
                max_input_channels=channels,
                default_samplerate_hz=int(round(float(dev.get("default_samplerate", 0.0)))),
                is_default=int(dev.get("index", index)) == default_input,
            )
        )
    return out


def _parse_index(spec: str | int) -> int | None:
    if isinstance(spec, int):
        return spec
    text = spec.strip()
    if text.lstrip("-").isdigit():
        return int(text)
    return None


def _words_in_order(words: Sequence[str], text: str) -> bool:
    pos = 0
    for word in words:
        pos = text.find(word, pos)
        if pos < 0:
            return False
        pos += len(word)
    return True


def resolve_device(spec: str | int | None, devices: Sequence[DeviceInfo]) -> DeviceInfo:
    """The input device ``spec`` means: ``None`` (the default), an index, or (part of) a name.

    A name matches case-insensitively; several words must appear in order in
    "name, host API" (as in sounddevice). An exact name wins over partial matches; when the only
    difference between matches is the host API (Windows lists one microphone under MME,
    DirectSound and WASAPI) the one on the default device's host API is taken.
    """
    if not devices:
        raise no_input_device_error()
    if spec is None or (isinstance(spec, str) and not spec.strip()):
        for dev in devices:
            if dev.is_default:
                return dev
        return devices[0]
    index = _parse_index(spec)
    if index is not None:
        for dev in devices:
            if dev.index == index:
                return dev
        raise DeviceNotFoundError(
            "no_device_number", index=index, choices=_device_choices(devices), device=str(spec)
        )
    assert isinstance(spec, str)
    query = spec.strip().casefold()
    exact = [
        d for d in devices if query in (d.name.casefold(), f"{d.name}, {d.host_api}".casefold())
    ]
    if len(exact) == 1:
        return exact[0]
    words = query.split()
    matches = exact or [
        d for d in devices if _words_in_order(words, f"{d.name}, {d.host_api}".casefold())
    ]
    if len(matches) == 1:
        return matches[0]
    if matches and len({d.name for d in matches}) == 1:
        default_api = next((d.host_api for d in devices if d.is_default), None)
        for dev in matches:
            if dev.host_api == default_api:
                return dev
        return matches[0]
    if not matches:
        raise DeviceNotFoundError(
            "no_device_match",
            spec=spec.strip(),
            choices=_device_choices(devices),
            device=str(spec),
        )
    raise DeviceNotFoundError(
        "several_devices",
        spec=spec.strip(),
        labels=", ".join(d.label for d in matches),
        device=str(spec),
    )


def choose_format(
    device: DeviceInfo,
    supports: Callable[[int, int], bool],
    preferred_rates_hz: Sequence[int] = PREFERRED_RATES_HZ,
) -> tuple[int, int]:
    """The (sample rate, channels) to open ``device`` with.

    Rates: the preferred ones in order, then the device default. Mono first; a device that only
    records in stereo is opened with two channels (combined by a ``Downmixer`` when read).
    """
    rates: list[int] = []
    for rate in (*preferred_rates_hz, device.default_samplerate_hz):
        if rate > 0 and rate not in rates:
            rates.append(rate)
    channel_options = [1] if device.max_input_channels < 2 else [1, 2]
    for channels in channel_options:
        for rate in rates:
            if supports(rate, channels):
                return rate, channels
    raise DeviceUnusableError(
        "no_usable_rate", device=device.name, rates=", ".join(str(r) for r in rates)
    )


def portaudio_error(message: str, device_name: str | None = None) -> MicrophoneError:
    """The user-facing error for a ``PortAudioError`` message."""
    text = message.casefold()
    name = (
        Worded("audio_error.named", {"device": device_name})
        if device_name
        else Worded("audio_error.unnamed")
    )
    if "querying device -1" in text or "no default input device" in text:
        return no_input_device_error()
    if "device unavailable" in text or "-9985" in text or "device busy" in text:
        key = "busy"
        hint = _permission_hint(sys.platform)
    elif "invalid sample rate" in text or "invalid number of channels" in text:
        key, hint = "refused_format", ""
    else:
        key, hint = "open_failed", ""
    return DeviceUnusableError(key, name=name, device=device_name or "", detail=message, hint=hint)


# -- a microphone that cannot be reached ---------------------------------------------------------

FORMAT_ERROR_CODES = frozenset({-9998, -9997, -9994})
"""PortAudio's paInvalidChannelCount, paInvalidSampleRate, paSampleFormatNotSupported."""
SERVER_DEVICES = frozenset({"default", "pulse", "pipewire"})
"""ALSA devices that hand the sound to the sound server (``default`` does so while it runs)."""


def refuses_format(exc: BaseException) -> bool:
    """Whether a PortAudio error says the device refused the format (rate, channels, sample
    type), rather than that the device could not be reached at all."""
    args = exc.args
    if len(args) > 1 and isinstance(args[1], int):
        return args[1] in FORMAT_ERROR_CODES
    text = str(exc).casefold()
    return any(words in text for words in ("sample rate", "number of channels", "sample format"))


def through_server(device: DeviceInfo | None) -> bool:
    """Whether the microphone is reached through the sound server (``None``: the default one)."""
    if device is None:
        return True
    return device.host_api == "ALSA" and device.name.casefold() in SERVER_DEVICES


def unreachable_error(
    message: str, device: DeviceInfo | None, server: ServerState
) -> MicrophoneError:
    """The user-facing error for a microphone PortAudio could not open (``message``), knowing
    whether the sound server answers.

    PortAudio cannot tell a dead sound server from a broken device: with the server gone, the
    ALSA device that led to it fails with "Illegal combination of I/O devices", and after a
    rescan there is no device at all. A server that runs but has no microphone to give makes
    the same device fail with an "Unanticipated host error".
    """
    error = portaudio_error(message, device.name if device else None)
    vague = error.key == "open_failed" or isinstance(error, NoInputDeviceError)
    if not vague or not through_server(device):
        return error
    if server is ServerState.DOWN:
        key = "server.down_restart" if isinstance(error, NoInputDeviceError) else "server.down"
        return SoundServerDownError(key, device=device.name if device else "", detail=message)
    if server is ServerState.RUNNING and error.key == "open_failed":
        return NoInputDeviceError("server.no_input", detail=message)
    return error


def no_devices_error(server: ServerState) -> MicrophoneError:
    """The error for a PortAudio that lists no microphone at all."""
    if server is ServerState.DOWN:
        return SoundServerDownError("server.down_restart", device="", detail="no input devices")
    return no_input_device_error()


def lost_error(device_name: str, detail: str, server: ServerState) -> DeviceLostError:
    """The error for a microphone that stopped delivering: with the sound server gone, that
    is what to restart; else the microphone itself (unplugged, taken by another program)."""
    if server is ServerState.DOWN:
        return SoundServerLostError("server.lost", device=device_name, detail=detail)
    return device_lost(device_name, detail)


# -- talking to PortAudio -----------------------------------------------------------------------


def _query_input_devices(sd: Any) -> list[DeviceInfo]:
    try:
        devices = list(sd.query_devices())
        if not devices:
            # PortAudio lists devices once, when it starts. With none at all (the sound server
            # was not running then) none of its streams can be open, so it may look again: the
            # sound server may have been started since, and no restart of coach-sim is needed.
            _rescan(sd)
            devices = list(sd.query_devices())
        host_apis = list(sd.query_hostapis())
    except sd.PortAudioError as exc:
        raise portaudio_error(str(exc)) from exc
    try:
        default_input = int(sd.default.device[0])  # an input/output pair; -1 when none
    except (TypeError, ValueError, IndexError, sd.PortAudioError):
        default_input = -1
    return devices_from_portaudio(devices, host_apis, default_input)


def list_input_devices(
    sound_server: Callable[[], ServerState] = sound_server_state,
) -> list[DeviceInfo]:
    """Every input device PortAudio knows of (raises ``NoPortAudioError`` without PortAudio,
    ``SoundServerDownError`` when there is none because the sound server is not running)."""
    devices = _query_input_devices(load_sounddevice())
    if not devices and sound_server() is ServerState.DOWN:
        raise no_devices_error(ServerState.DOWN)
    return devices


def _extra_settings(sd: Any, device: DeviceInfo) -> Any:
    if "WASAPI" in device.host_api and hasattr(sd, "WasapiSettings"):
        return sd.WasapiSettings(auto_convert=True)  # let Windows convert to the asked rate
    return None


# -- the live source ----------------------------------------------------------------------------


class MicrophoneSource(StartStopContext):
    """The live microphone as an ``AudioSource``: 16 kHz float32 mono blocks.

    ``device``: ``None`` for the system default, an index (int or numeric string), or (part of)
    a name. ``read`` doubles as the watchdog: no audio for ``first_block_timeout_s`` after start,
    or ``block_timeout_s`` later on, or a stream that ends by itself, raises ``DeviceLostError``.
    Every way out closes the stream with ``abort()`` + ``close()`` (``stop()`` can hang when the
    callbacks have stopped), and waits for that at most ``CLOSE_WAIT_S``.
    """

    def __init__(
        self,
        device: str | int | None = None,
        *,
        block_ms: float = 20.0,
        queue_s: float = 10.0,
        first_block_timeout_s: float = FIRST_BLOCK_TIMEOUT_S,
        block_timeout_s: float = BLOCK_TIMEOUT_S,
        preferred_rates_hz: Sequence[int] = PREFERRED_RATES_HZ,
        clock: Callable[[], float] = time.monotonic,
        sound_server: Callable[[], ServerState] = sound_server_state,
    ) -> None:
        if block_ms <= 0 or queue_s <= 0:
            raise ValueError("block_ms and queue_s must be positive")
        self._spec = device
        self._block_ms = block_ms
        self._queue_blocks = max(4, math.ceil(queue_s * 1000 / block_ms))
        self._first_timeout_s = first_block_timeout_s
        self._block_timeout_s = block_timeout_s
        self._preferred_rates = tuple(preferred_rates_hz)
        self._clock = clock
        self._sound_server = sound_server
        self._stream: Any = None
        self._queue: queue.Queue[npt.NDArray[np.float32]] = queue.Queue(self._queue_blocks)
        self._finished = threading.Event()
        self._resampler = Resampler(ANALYSIS_RATE_HZ, ANALYSIS_RATE_HZ)
        self._downmixer = Downmixer()
        self._info: DeviceInfo | None = None
        self._rate_hz = 0
        self._channels = 0
        self._overflows = 0
        self._dropped = 0
        self._blocks_in = 0
        self._samples_out = 0
        self._last_audio_at = 0.0
        self._frames_in = 0
        self._clock_at: tuple[int, float, float, int] | None = None
        """The latest block's first frame, its ADC time, the callback's time, and its length."""

    # -- AudioSource properties

    @property
    def device(self) -> DeviceInfo | None:
        """The device in use (known once started)."""
        return self._info

    @property
    def device_name(self) -> str:
        if self._info is not None:
            return self._info.name
        return "default microphone" if self._spec is None else str(self._spec)

    @property
    def native_rate_hz(self) -> int:
        """The rate the stream was opened with (0 before ``start``)."""
        return self._rate_hz

    @property
    def channels(self) -> int:
        return self._channels

    @property
    def overflow_count(self) -> int:
        return self._overflows

    @property
    def dropped_blocks(self) -> int:
        return self._dropped

    @property
    def samples_read(self) -> int:
        return self._samples_out

    @property
    def behind_samples(self) -> int:
        stream = self._stream
        if stream is None or self._rate_hz <= 0:
            return 0
        latency = getattr(stream, "latency", 0.0)
        latency_s = float(latency) if isinstance(latency, (int, float)) else 0.0
        block_s = max(1, round(self._rate_hz * self._block_ms / 1000)) / self._rate_hz
        return round((self._queue.qsize() * block_s + latency_s) * ANALYSIS_RATE_HZ)

    @property
    def running(self) -> bool:
        return self._stream is not None

    def sample_heard_at(self, stream_time_s: float) -> int | None:
        """The 16 kHz sample the microphone records at PortAudio stream time ``stream_time_s``
        (counted like ``samples_read``), from the latest block's timing; ``None`` when the host
        API gives no times.

        The block's ADC time is used when it is plausible. Through PulseAudio the first stream
        after the sound server started was seen to report its blocks 0.6 s older than they
        were; then the time the callback ran stands in for the block's last frame (at most a
        block early).
        """
        clock, stream, rate = self._clock_at, self._stream, self._rate_hz
        if clock is None or stream is None or rate <= 0:
            return None
        first, adc_s, now_s, frames = clock
        if now_s <= 0:
            return None
        latency = getattr(stream, "latency", 0.0)
        latency_s = float(latency) if isinstance(latency, (int, float)) else 0.0
        plausible_s = latency_s + 2 * frames / rate + ADC_SLACK_S
        if adc_s > 0 and 0 <= now_s - adc_s <= plausible_s:
            frame = first + (stream_time_s - adc_s) * rate
        else:
            frame = first + frames + (stream_time_s - now_s) * rate
        return round(frame * ANALYSIS_RATE_HZ / rate)

    # -- the audio callback: copy, queue, count. Nothing else runs here.

    def _callback(
        self, indata: npt.NDArray[np.float32], frames: int, time_info: Any, status: Any
    ) -> None:
        if status.input_overflow:
            self._overflows += 1
        self._clock_at = (
            self._frames_in,
            float(getattr(time_info, "inputBufferAdcTime", 0.0)),
            float(getattr(time_info, "currentTime", 0.0)),
            frames,
        )
        self._frames_in += frames
        try:
            self._queue.put_nowait(indata.copy())
        except queue.Full:
            self._dropped += 1

    def _on_finished(self) -> None:
        self._finished.set()

    # -- lifecycle

    def start(self) -> None:
        if self._stream is not None:
            return
        sd = load_sounddevice()
        info: DeviceInfo | None = None
        stream: Any = None
        try:
            devices = _query_input_devices(sd)
            if not devices:
                raise no_devices_error(self._sound_server())
            info = resolve_device(self._spec, devices)
            rate, channels = self._choose_format(sd, info)
            self._reset(info, rate, channels)
            stream = sd.InputStream(
                device=info.index,
                samplerate=rate,
                channels=channels,
                dtype="float32",
                blocksize=max(1, round(rate * self._block_ms / 1000)),
                # The device's low input latency: the round ends (and the feedback appears) that
                # much sooner after the name; the callback only queues, so it keeps up.
                latency="low",
                callback=self._callback,
                finished_callback=self._on_finished,
                extra_settings=_extra_settings(sd, info),
            )
            stream.start()
        except (sd.PortAudioError, ValueError) as exc:  # ValueError: e.g. a vanished device
            _close_quietly(stream)
            raise self._open_error(exc, info) from exc
        except MicrophoneError:
            _close_quietly(stream)
            raise
        self._stream = stream
        self._last_audio_at = self._clock()

    def _choose_format(self, sd: Any, device: DeviceInfo) -> tuple[int, int]:
        """``choose_format`` asking PortAudio; when no format works and PortAudio never said
        that a format was refused, the device itself cannot be reached: that is the error."""
        failures: list[Exception] = []

        def supports(rate: int, channels: int) -> bool:
            try:
                sd.check_input_settings(
                    device=device.index,
                    channels=channels,
                    dtype="float32",
                    samplerate=rate,
                    extra_settings=_extra_settings(sd, device),
                )
            except (sd.PortAudioError, ValueError) as exc:
                failures.append(exc)
                return False
            return True

        try:
            return choose_format(device, supports, self._preferred_rates)
        except DeviceUnusableError:
            if failures and not any(refuses_format(exc) for exc in failures):
                raise self._open_error(failures[-1], device) from failures[-1]
            raise

    def _open_error(self, exc: Exception, device: DeviceInfo | None) -> MicrophoneError:
        server = ServerState.NONE
        if not refuses_format(exc) and through_server(device):
            server = self._sound_server()
        return unreachable_error(str(exc), device, server)

    def _reset(self, info: DeviceInfo, rate: int, channels: int) -> None:
        self._info = info
        self._rate_hz = rate
        self._channels = channels
        self._queue = queue.Queue(self._queue_blocks)
        self._finished = threading.Event()
        self._resampler = Resampler(rate, ANALYSIS_RATE_HZ)
        self._downmixer = Downmixer()
        self._overflows = 0
        self._dropped = 0
        self._blocks_in = 0
        self._samples_out = 0
        self._frames_in = 0
        self._clock_at = None

    def stop(self) -> None:
        stream, self._stream = self._stream, None
        _close_quietly(stream)

    # -- reading

    def read(self, timeout_s: float = 0.5) -> Samples | None:
        if self._stream is None:
            return None
        limit_s = self._first_timeout_s if self._blocks_in == 0 else self._block_timeout_s
        now = self._clock()
        lost_at = self._last_audio_at + limit_s
        wait = max(0.0, min(timeout_s, lost_at - now))
        try:
            raw = self._queue.get(timeout=wait) if wait > 0 else self._queue.get_nowait()
        except queue.Empty:
            if self._finished.is_set():
                self._fail("the audio stream ended")
            if self._clock() >= lost_at:
                self._fail(f"no audio for {limit_s:g} s")
            return np.zeros(0, dtype=np.float32)
        self._blocks_in += 1
        self._last_audio_at = self._clock()
        out = self._resampler.process(self._downmixer.process(raw))
        self._samples_out += int(out.size)
        return out

    def _fail(self, detail: str) -> None:
        name = self.device_name
        self.stop()
        server = self._sound_server() if through_server(self._info) else ServerState.NONE
        raise lost_error(name, detail, server)


_left_behind: list[Any] = []
"""Streams whose closing never returned (see ``_close_quietly``). Kept, so that they are never
freed under the thread still waiting on them, and so that PortAudio is not restarted."""


def _close_quietly(stream: Any) -> None:
    """``abort()`` + ``close()``, never ``stop()``, and never for longer than ``CLOSE_WAIT_S``.

    When the sound server dies mid-recording, PortAudio's own audio thread can deadlock inside
    the sound server's client library (seen through PulseAudio: about one lost server in twenty
    on a busy computer, the audio thread waiting for a lock that the library's own thread holds
    while it waits for that audio thread). ``abort()`` waits for the audio thread for ever. So
    the closing runs in a thread of its own; when it does not return in time, the stream is left
    to it, and PortAudio is neither restarted (``_rescan``) nor shut down when coach-sim exits,
    as both would wait for that same thread. A new stream still opens.
    """
    if stream is None:
        return
    closed = threading.Event()

    def close() -> None:
        # Closing a dead stream must not hide the error that brought us here.
        with contextlib.suppress(Exception):
            stream.abort()
        with contextlib.suppress(Exception):
            stream.close()
        closed.set()

    threading.Thread(target=close, name="close audio stream", daemon=True).start()
    if not closed.wait(CLOSE_WAIT_S):
        _leave_behind(stream)


def _leave_behind(stream: Any) -> None:
    _left_behind.append(stream)
    sd = sys.modules.get("sounddevice")
    exit_handler = getattr(sd, "_exit_handler", None)
    if exit_handler is not None:
        # sounddevice shuts PortAudio down at exit, which closes every open stream first.
        atexit.unregister(exit_handler)


# -- playing sound back (listen back) -----------------------------------------------------------


def playback_error(message: str) -> PlaybackError:
    """The user-facing error for a ``PortAudioError`` raised while opening the output."""
    text = message.casefold()
    if (
        "querying device -1" in text
        or "no default output device" in text
        or "no output device" in text
    ):
        return NoOutputDeviceError("no_output", detail=message)
    return PlaybackError("output_open_failed", detail=message)


class OutputPlayback:
    """Mono samples played through a PortAudio output stream (see :func:`play`).

    The callback only copies the next stretch of the prepared array into PortAudio's buffer and
    counts the frames it handed over, notes when PortAudio says the first of them will be heard
    (its stream time), and counts the times PortAudio says the output ran dry (``underflows``).
    ``position_samples`` is the frame being heard now by the stream's clock, counted on from the
    last of those notes, converted back to the caller's rate: it moves smoothly even when a long
    buffer is refilled in large steps. Without those times it is the frame count minus the
    stream's output latency.

    Those notes also say whether the sound played without a gap (``late_s``): each buffer's
    first frame should be heard its distance in frames after the sound's first frame; when the
    output ran dry, the sound server played silence first and the buffer is heard later.
    """

    def __init__(
        self,
        data: npt.NDArray[np.float32],
        *,
        source_samples: int,
        source_rate_hz: int,
        device_rate_hz: int,
        callback_stop: type[BaseException],
    ) -> None:
        self._data = data  # (frames, channels) at the device rate
        self._source_samples = source_samples
        self._source_rate_hz = source_rate_hz
        self._device_rate_hz = device_rate_hz
        self._callback_stop = callback_stop
        self._written = 0
        self._underflows = 0
        self._heard_at: tuple[int, float] | None = None
        """A frame and the stream time at which it is heard (from the last callback)."""
        self._handed: list[tuple[int, float]] = []
        """Each buffer's first frame and the stream time at which it is heard."""
        self._position = 0
        self._latency_frames = 0
        self._start_latency_s: float | None = None
        self._finished = threading.Event()
        self._stopped = False
        self._stream: Any = None

    # the audio callback: copy, count. Nothing else runs here.
    def _callback(
        self, outdata: npt.NDArray[np.float32], frames: int, time_info: Any, status: Any
    ) -> None:
        if status.output_underflow:
            self._underflows += 1
        start = self._written
        heard_at = getattr(time_info, "outputBufferDacTime", 0.0)
        if heard_at > 0:  # 0: the host API does not say
            self._heard_at = (start, float(heard_at))
            self._handed.append(self._heard_at)
        chunk = self._data[start : start + frames]
        n = int(chunk.shape[0])
        outdata[:n] = chunk
        self._written = start + n
        if n < frames:
            outdata[n:] = 0.0
            raise self._callback_stop

    def _on_finished(self) -> None:
        self._finished.set()

    def _attach(self, stream: Any, *, start_latency_s: float | None = None) -> None:
        self._stream = stream
        latency = getattr(stream, "latency", 0.0)
        if isinstance(latency, (int, float)) and latency > 0:
            self._latency_frames = int(latency * self._device_rate_hz)
        self._start_latency_s = start_latency_s

    @property
    def device_rate_hz(self) -> int:
        return self._device_rate_hz

    @property
    def latency_s(self) -> float:
        """How long the first sample takes to the listener: the output stream's latency as
        PortAudio reports it, or for a steady buffer (filled before the stream starts, so the
        sound still starts at once) the device's own short latency."""
        if self._start_latency_s is not None:
            return self._start_latency_s
        return self._latency_frames / self._device_rate_hz

    @property
    def heard_from_s(self) -> float | None:
        """The stream time at which the sound's first sample is heard (``None``: not handed
        over yet, or the host API gives no times).

        PortAudio fills the output's buffer before the device starts, each buffer stamped with
        the time it was handed over plus what was already waiting: on a busy computer the
        device starts only after the last of them (seen 9-30 ms after the first through
        PulseAudio). So the start is the latest that any buffer of that first fill says."""
        handed = list(self._handed)
        if not handed or handed[0][0] != 0:
            return None
        rate = self._device_rate_hz
        first_fill = max(1, self._latency_frames)
        return max(at - frame / rate for frame, at in handed if frame < first_fill)

    def late_s(self, until_samples: int) -> float | None:
        """How much later the sound up to ``until_samples`` (at the caller's rate) is heard than
        its first sample's time plus its length: 0 when it played without a gap, else the
        silence the output inserted on the way. A part not handed over yet counts as late as
        the stream's clock says it already is. ``None`` without the stream's times."""
        first_at = self.heard_from_s
        if first_at is None:
            return None
        handed = list(self._handed)
        rate = self._device_rate_hz
        until = math.ceil(until_samples * rate / self._source_rate_hz)
        late = max(
            (at - (first_at + frame / rate) for frame, at in handed if frame < until), default=0.0
        )
        if self._written < until:
            now = self._stream_time()
            if now is not None:
                late = max(late, now - (first_at + until / rate))
        return max(0.0, late)

    def _stream_time(self) -> float | None:
        stream = self._stream
        if stream is None:
            return None
        try:
            return float(stream.time)
        except Exception:  # a stream being closed has no clock any more
            return None

    @property
    def underflows(self) -> int:
        return self._underflows

    def _heard_frames(self) -> int:
        written = self._written
        heard_at = self._heard_at
        if heard_at is not None:
            now = self._stream_time()
            if now is not None:
                frame, at = heard_at
                return min(written, max(0, frame + int((now - at) * self._device_rate_hz)))
        return max(0, written - self._latency_frames)

    @property
    def position_samples(self) -> int:
        if self._finished.is_set():
            return self._source_samples
        heard = self._heard_frames() * self._source_rate_hz // self._device_rate_hz
        self._position = max(self._position, min(self._source_samples, heard))  # only forward
        return self._position

    @property
    def done(self) -> bool:
        """Stopped, finished, or the stream's clock says the sound's last sample was heard."""
        if self._stopped or self._finished.is_set():
            return True
        return self.position_samples >= self._source_samples

    def stop(self) -> None:
        """Stop at once (``abort`` + ``close``); safe to call more than once, and after the end."""
        self._stopped = True
        stream, self._stream = self._stream, None
        _close_quietly(stream)


def play(
    samples: npt.NDArray[np.floating],
    sample_rate_hz: int,
    device: str | int | None = None,
    *,
    buffer_s: float | None = None,
) -> OutputPlayback:
    """Start playing mono ``samples`` on the output device (``None``: the system default).

    Returns at once; the sound plays in PortAudio's thread. The device's rate is used when it
    does not accept ``sample_rate_hz`` (the samples are resampled first). ``buffer_s`` keeps
    that much sound ahead of the listener (``STEADY_BUFFER_S``: nothing stretches the sound on a
    busy computer); ``None`` uses the device's default, short latency. Raises
    ``PlaybackError`` (``NoOutputDeviceError`` without speakers, ``PlaybackNoPortAudioError``
    without PortAudio) with a message for the user.
    """
    if sample_rate_hz <= 0:
        raise ValueError("sample_rate_hz must be positive")
    if buffer_s is not None and not buffer_s > 0:
        raise ValueError("buffer_s must be positive")
    mono = downmix(np.asarray(samples, dtype=np.float32))
    source_samples = int(mono.size)
    try:
        sd = load_sounddevice()
    except MicrophoneError as exc:
        raise PlaybackNoPortAudioError(f"{exc.key}_playback", **exc.params) from exc
    stream: Any = None
    try:
        info = sd.query_devices(device, kind="output")
        index = int(info["index"]) if "index" in info else device
        max_channels = int(info.get("max_output_channels", 0))
        if max_channels < 1:
            raise NoOutputDeviceError(
                "output_cannot_play",
                device=str(info.get("name", device)),
                detail="no output channels",
            )

        def supports(rate: int, channels: int) -> bool:
            try:
                sd.check_output_settings(
                    device=index, channels=channels, dtype="float32", samplerate=rate
                )
            except (sd.PortAudioError, ValueError):
                return False
            return True

        default_rate = int(round(float(info.get("default_samplerate", 0.0))))
        rates = [r for r in dict.fromkeys((sample_rate_hz, 48_000, default_rate)) if r > 0]
        options = [(r, c) for c in (1, 2) if c <= max_channels for r in rates]
        chosen = next(((r, c) for r, c in options if supports(r, c)), None)
        if chosen is None:
            raise PlaybackError(
                "output_no_rate",
                device=str(info.get("name", "?")),
                rates=", ".join(str(r) for r in rates),
                detail="no usable format",
            )
        rate, channels = chosen
        if rate != sample_rate_hz:
            resampler = Resampler(sample_rate_hz, rate)
            mono = np.concatenate((resampler.process(mono), resampler.flush()))
        if buffer_s is not None:
            # PortAudio drops what is still buffered when the callback ends the stream: hand
            # over silence after the sound, so that what is dropped is that silence.
            tail = np.zeros(round(TAIL_BUFFERS * buffer_s * rate), np.float32)
            mono = np.concatenate((mono, tail))
        data = np.repeat(mono[:, None], channels, axis=1).astype(np.float32)
        playback = OutputPlayback(
            data,
            source_samples=source_samples,
            source_rate_hz=sample_rate_hz,
            device_rate_hz=rate,
            callback_stop=sd.CallbackStop,
        )
        stream = sd.OutputStream(
            device=index,
            samplerate=rate,
            channels=channels,
            dtype="float32",
            callback=playback._callback,
            finished_callback=playback._on_finished,
            **({} if buffer_s is None else {"latency": buffer_s}),
        )
        start_latency_s = None
        if buffer_s is not None:
            start_latency_s = float(info.get("default_low_output_latency", 0.0))
        playback._attach(stream, start_latency_s=start_latency_s)
        stream.start()
    except sd.PortAudioError as exc:
        _close_quietly(stream)
        raise playback_error(str(exc)) from exc
    except ValueError as exc:  # e.g. a device name that matches nothing
        _close_quietly(stream)
        raise PlaybackError("output_not_found", device=str(device), detail=str(exc)) from exc
    except PlaybackError:
        _close_quietly(stream)
        raise
    return playback
