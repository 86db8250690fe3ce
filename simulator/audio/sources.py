"""Where a round's audio comes from: one protocol for the microphone, tests and recordings.

Every source hands out blocks of float32 mono samples at ``ANALYSIS_RATE_HZ`` (16 kHz), so the
app's live loop, the tests and offline analysis run the same pipeline whatever the origin.
``MicrophoneSource`` (in ``capture.py``) is the live implementation; ``ArraySource`` here feeds a
given array, unpaced (tests) or paced like a real device (demos), and can play a device that is
lost mid-round.

The errors a source can raise form one family, ``MicrophoneError``; each carries a catalog ``key``
under ``audio_error`` with its ``params`` (what is wrong and what to do), worded in the reader's
language by ``describe(lang)``, and a stable ``code`` for the kind of problem.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import ClassVar, Protocol, Self, runtime_checkable

import numpy as np
import numpy.typing as npt

from simulator.audio.downmix import downmix
from simulator.audio.resample import Resampler
from simulator.audio.result import ANALYSIS_RATE_HZ
from simulator.i18n import DEFAULT_LANGUAGE, t

Samples = npt.NDArray[np.float32]

# -- errors -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Worded:
    """A part of an audio error that is itself worded from the catalog (a hint, a device list)."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)


def word(key: str, lang: str, params: Mapping[str, object]) -> str:
    """The catalog text ``key`` in ``lang``; a ``Worded`` parameter is worded too, and a tuple of
    them becomes one line each."""

    def value(v: object) -> object:
        if isinstance(v, Worded):
            return word(v.key, lang, v.params)
        if isinstance(v, tuple):
            return "\n".join(str(value(x)) for x in v)
        return v

    return t(key, lang, **{name: value(v) for name, v in params.items()})


class AudioProblemError(Exception):
    """A microphone or sound-output problem: a catalog key under ``audio_error`` and its params.

    ``describe(lang)`` says it in the reader's language; ``message`` and ``str(err)`` are the
    English text, for logs and scripts. A raw detail from the sound system (``detail``) only
    ever appears in parentheses inside the sentence.
    """

    code: ClassVar[str]
    DEFAULTS: ClassVar[Mapping[str, object]] = MappingProxyType({})

    def __init__(self, key: str | None = None, /, **params: object) -> None:
        self.key = key or self.code
        self.params: Mapping[str, object] = MappingProxyType({**self.DEFAULTS, **params})
        self.message = self.describe(DEFAULT_LANGUAGE)
        super().__init__(self.message)

    def describe(self, lang: str) -> str:
        return word(f"audio_error.{self.key}", lang, self.params)


class MicrophoneError(AudioProblemError):
    """Something stops coach-sim from hearing the microphone."""

    code = "microphone_error"


class NoPortAudioError(MicrophoneError):
    """The PortAudio library (which sounddevice needs) is not installed."""

    code = "no_portaudio"
    DEFAULTS = MappingProxyType({"how": Worded("audio_error.portaudio_how_other")})


class NoInputDeviceError(MicrophoneError):
    """The system has no microphone (or none coach-sim may use)."""

    code = "no_input_device"
    DEFAULTS = MappingProxyType({"devices_command": "", "hint": ""})


class DeviceNotFoundError(MicrophoneError):
    """``--device`` (a name or an index) matches no microphone, or more than one."""

    code = "device_not_found"


class DeviceUnusableError(MicrophoneError):
    """The microphone exists but cannot be opened (busy, or no usable format)."""

    code = "device_unusable"


class DeviceLostError(MicrophoneError):
    """The microphone stopped delivering audio mid-round (unplugged, or taken by the system)."""

    code = "device_lost"


def device_lost(device_name: str, detail: str) -> DeviceLostError:
    return DeviceLostError("device_lost", device=device_name, detail=detail)


class SoundServerDownError(MicrophoneError):
    """The sound server (PulseAudio or PipeWire) the microphone is reached through is not running.

    Key ``server.down``: it stopped after coach-sim found the microphone (start it, try again);
    ``server.down_restart``: it was not running when coach-sim looked for microphones, so none
    was found (start it, then try again: coach-sim looks again when it finds none)."""

    code = "sound_server_down"
    DEFAULTS = MappingProxyType({"how": Worded("audio_error.server.how")})


class SoundServerLostError(DeviceLostError):
    """The sound server stopped while the microphone was recording: the device is lost with it."""

    DEFAULTS = MappingProxyType({"how": Worded("audio_error.server.how")})


# -- the protocol -------------------------------------------------------------------------------


@runtime_checkable
class AudioSource(Protocol):
    """A start/stop stream of 16 kHz float32 mono blocks.

    ``read`` waits up to ``timeout_s`` for audio and returns what arrived: a block (possibly
    empty when nothing came in time), or ``None`` once the source has nothing more (a recording
    ended, or the source was stopped). A source that should be delivering but is not raises
    ``DeviceLostError``.
    """

    @property
    def device_name(self) -> str: ...

    @property
    def native_rate_hz(self) -> int:
        """The rate the device (or recording) really runs at, before resampling to 16 kHz."""
        ...

    @property
    def overflow_count(self) -> int:
        """Times the device reported lost input (it produced audio faster than it was taken)."""
        ...

    @property
    def dropped_blocks(self) -> int:
        """Blocks thrown away because the reader fell too far behind."""
        ...

    @property
    def samples_read(self) -> int:
        """16 kHz samples handed out by ``read`` since ``start``."""
        ...

    @property
    def behind_samples(self) -> int:
        """How far (16 kHz samples) what ``read`` has handed out lags what the microphone hears
        now: blocks waiting to be read plus the input's latency. Used to place a played cue."""
        ...

    def sample_heard_at(self, stream_time_s: float) -> int | None:
        """The sample (counted like ``samples_read``) recorded at the sound system's stream time
        ``stream_time_s`` — the clock a ``Playback``'s ``heard_from_s`` is on; ``None`` when the
        source has no such clock."""
        ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def read(self, timeout_s: float = 0.5) -> Samples | None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


# -- an array played as if it were a microphone -------------------------------------------------


class StartStopContext:
    """``with source:`` starts a source and stops it again, whatever happens inside."""

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class ArraySource(StartStopContext):
    """Feeds a given signal in blocks: the audio source for tests, demos and recordings.

    ``realtime=False`` (tests) hands out a block per ``read`` as fast as asked; ``realtime=True``
    releases each block only once its last sample would have been recorded by a real device.
    ``lose_device_after_s`` plays a microphone unplugged mid-round: audio up to that point is
    delivered, then ``read`` raises ``DeviceLostError`` (until the source is started again).
    """

    def __init__(
        self,
        samples: npt.NDArray[np.generic],
        sample_rate_hz: int = ANALYSIS_RATE_HZ,
        *,
        block_ms: float = 20.0,
        realtime: bool = False,
        lose_device_after_s: float | None = None,
        device_name: str = "recording",
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if sample_rate_hz <= 0:
            raise ValueError("sample_rate_hz must be positive")
        if block_ms <= 0:
            raise ValueError("block_ms must be positive")
        if lose_device_after_s is not None and lose_device_after_s < 0:
            raise ValueError("lose_device_after_s must not be negative")
        mono = downmix(samples)
        if sample_rate_hz != ANALYSIS_RATE_HZ:
            resampler = Resampler(sample_rate_hz, ANALYSIS_RATE_HZ)
            mono = np.concatenate((resampler.process(mono), resampler.flush()))
        self._samples = mono
        self._native_rate_hz = sample_rate_hz
        self._block = max(1, round(block_ms * ANALYSIS_RATE_HZ / 1000))
        self._realtime = realtime
        self._lost_at = (
            None if lose_device_after_s is None else round(lose_device_after_s * ANALYSIS_RATE_HZ)
        )
        self._device_name = device_name
        self._clock = clock
        self._sleep = sleep
        self._pos = 0
        self._started_at = 0.0
        self._running = False

    @classmethod
    def silent(cls, duration_s: float, **kwargs: object) -> ArraySource:
        """Bit-exact zeros, as a Mac delivers them when the microphone permission is missing."""
        n = round(duration_s * ANALYSIS_RATE_HZ)
        return cls(np.zeros(n, dtype=np.float32), ANALYSIS_RATE_HZ, **kwargs)  # type: ignore[arg-type]

    @classmethod
    def from_wav(cls, path: Path, **kwargs: object) -> ArraySource:
        """A recording as a source (raises ``WavError`` with a clear message if unreadable)."""
        from simulator.audio.wav import read_wav

        audio = read_wav(path)
        kwargs.setdefault("device_name", path.name)
        return cls(audio.samples, audio.sample_rate_hz, **kwargs)  # type: ignore[arg-type]

    @property
    def device_name(self) -> str:
        return self._device_name

    @property
    def native_rate_hz(self) -> int:
        return self._native_rate_hz

    @property
    def overflow_count(self) -> int:
        return 0

    @property
    def dropped_blocks(self) -> int:
        return 0

    @property
    def samples_read(self) -> int:
        return self._pos

    @property
    def behind_samples(self) -> int:
        return 0

    def sample_heard_at(self, stream_time_s: float) -> int | None:
        return None

    @property
    def duration_samples(self) -> int:
        return int(self._samples.size)

    def start(self) -> None:
        self._pos = 0
        self._started_at = self._clock()
        self._running = True

    def stop(self) -> None:
        self._running = False

    def read(self, timeout_s: float = 0.5) -> Samples | None:
        if not self._running:
            return None
        end = self._samples.size
        if self._lost_at is not None:
            if self._pos >= self._lost_at:
                raise device_lost(self._device_name, "the test source was unplugged")
            end = min(end, self._lost_at)
        if self._pos >= end:
            return None
        stop = min(self._pos + self._block, end)
        if self._realtime:
            due = self._started_at + stop / ANALYSIS_RATE_HZ
            wait = due - self._clock()
            if wait > timeout_s:
                self._sleep(max(timeout_s, 0.0))
                return np.zeros(0, dtype=np.float32)
            if wait > 0:
                self._sleep(wait)
        block = self._samples[self._pos : stop].copy()
        self._pos = stop
        return block


# -- playing a round back -----------------------------------------------------------------------


class PlaybackError(AudioProblemError):
    """coach-sim cannot play sound (listen back); a sibling of ``MicrophoneError``."""

    code = "playback_failed"
    DEFAULTS = MappingProxyType({"detail": ""})


class NoOutputDeviceError(PlaybackError):
    """The system has no speaker or headphones (or none coach-sim may use)."""

    code = "no_output_device"

    def __init__(self, key: str | None = None, /, **params: object) -> None:
        super().__init__(key or "no_output", **params)


class PlaybackNoPortAudioError(PlaybackError):
    """The PortAudio library is missing, so nothing can be played."""

    code = "no_portaudio"
    DEFAULTS = MappingProxyType({"how": Worded("audio_error.portaudio_how_other")})

    def __init__(self, key: str | None = None, /, **params: object) -> None:
        super().__init__(key or "no_portaudio_playback", **params)


@runtime_checkable
class Playback(Protocol):
    """Sound being played: where it is, whether it has finished, and a way to stop it.

    ``position_samples`` counts samples of the played array (at the rate it was given) that have
    reached the listener so far; it only grows, and equals the array's length once ``done``.
    ``latency_s`` is how long a sample takes from the start of playback to the listener.
    ``underflows`` counts the times the output ran dry because the sound was not handed over in
    time (a busy computer): each one played silence that is not in the sound. ``heard_from_s`` is
    the sound system's stream time at which the first sample is heard, and ``late_s(n)`` how
    much later than that plus its length the sound up to sample ``n`` is heard (the silence
    inserted on the way); both ``None`` when the sound system gives no times.
    """

    @property
    def position_samples(self) -> int: ...

    @property
    def latency_s(self) -> float: ...

    @property
    def underflows(self) -> int: ...

    @property
    def heard_from_s(self) -> float | None: ...

    def late_s(self, until_samples: int) -> float | None: ...

    @property
    def done(self) -> bool: ...

    def stop(self) -> None: ...


SourceFactory = Callable[[str | None], AudioSource]
"""Opens the microphone (or a test source) for a device name/index, ``None`` = the default."""
DeviceLister = Callable[[], Sequence[tuple[str, str]]]
"""The input devices as ``(value for --device, label)`` pairs; raises ``MicrophoneError``."""


class AudioPlayer(Protocol):
    """Starts playing mono float32 ``samples`` at ``sample_rate_hz`` on the default output device;
    raises ``PlaybackError`` when that is impossible.

    A sound is played with a generous buffer ahead of the listener, so that a busy computer
    cannot stretch its silences (the model line's pause, a round listened back, a round's cue).
    A cue is placed in the microphone's samples from the stream times the playback reports.
    """

    def __call__(self, samples: Samples, sample_rate_hz: int, /) -> Playback: ...


class FakePlayback:
    """A playback the test moves by hand: nothing is heard, the position is what the test says."""

    def __init__(self, samples: Samples, sample_rate_hz: int) -> None:
        self.samples = samples
        self.sample_rate_hz = sample_rate_hz
        self._position = 0
        self.stopped = False
        self.underflows = 0
        """Set by the test: how often the output ran dry."""
        self.heard_from_s: float | None = None
        """Set by the test: the stream time of the first sample (``None``: no times)."""
        self.late: float | None = None
        """Set by the test: how late the sound is heard (``late_s``; ``None``: no times)."""

    @property
    def position_samples(self) -> int:
        return self._position

    @property
    def latency_s(self) -> float:
        return 0.0

    @property
    def done(self) -> bool:
        return self.stopped or self._position >= self.samples.size

    def late_s(self, until_samples: int) -> float | None:
        return self.late

    def advance_to(self, seconds: float) -> None:
        """Move the position to ``seconds`` into the sound (never backwards, never past the end)."""
        target = round(seconds * self.sample_rate_hz)
        self._position = min(max(self._position, target), int(self.samples.size))

    def finish(self) -> None:
        self._position = int(self.samples.size)

    def stop(self) -> None:
        self.stopped = True


class FakePlayer:
    """An ``AudioPlayer`` for tests: keeps every playback it started, or fails like a machine
    without speakers when given an error."""

    def __init__(self, error: PlaybackError | None = None) -> None:
        self.error = error
        self.started: list[FakePlayback] = []

    def __call__(self, samples: Samples, sample_rate_hz: int, /) -> FakePlayback:
        if self.error is not None:
            raise self.error
        playback = FakePlayback(np.asarray(samples, dtype=np.float32), sample_rate_hz)
        self.started.append(playback)
        return playback


def playback_start_clock(playback: Playback, source: AudioSource) -> Callable[[], int | None]:
    """Where the sound system's clocks put ``playback``'s first sample among ``source``'s samples
    (``None`` until both know it): for placing a cue when the microphone does not hear it."""

    def clock() -> int | None:
        heard_from_s = playback.heard_from_s
        return None if heard_from_s is None else source.sample_heard_at(heard_from_s)

    return clock
