"""A stand-in for the ``sounddevice`` module: the devices, refusals and streams PortAudio was seen
to report, so the capture code's error paths run without a sound card.

Put it in place with ``monkeypatch.setitem(sys.modules, "sounddevice", fake)``. The errors carry
the arguments sounddevice gives them: ``(message, PortAudio error code[, host error])``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np


class PortAudioError(Exception):
    def __str__(self) -> str:  # as sounddevice words it
        text = str(self.args[0]) if self.args else ""
        if len(self.args) > 1:
            text = f"{text} [PaErrorCode {self.args[1]}]"
        return text


ALSA = [{"name": "ALSA"}]


def alsa_input(name: str, index: int) -> dict[str, Any]:
    return {
        "name": name,
        "index": index,
        "hostapi": 0,
        "max_input_channels": 32,
        "max_output_channels": 32,
        "default_samplerate": 44100.0,
    }


SERVER_DEVICES = [alsa_input("pulse", 0), alsa_input("default", 1)]
"""What PortAudio lists while a PulseAudio server runs (and goes on listing after it stopped)."""

# What PortAudio said, on Debian 12 with the ALSA pulse plugin, when asked for a format:
SERVER_GONE = ("Illegal combination of I/O devices", -9993)
"""... after the PulseAudio server it had listed the devices from was stopped."""
NO_SOURCE = ("Unanticipated host error", -9999, (0, -5, "Input/output error"))
"""... while a PulseAudio server ran that had no source to record from."""
BAD_RATE = ("Invalid sample rate", -9997)
"""... by a device that does not record at the asked rate."""


class FakePortAudio(SimpleNamespace):
    """``refuse(rate, channels)`` returns the error arguments for a format, or ``None`` to
    accept it. A started stream hands ``blocks`` blocks of ``frames`` samples to the callback at
    once, then ends by itself when ``then_ends`` (the device or the server went away).
    ``after_rescan``: the devices PortAudio finds when it is started again (the sound server was
    started in the meantime)."""

    def __init__(
        self,
        devices: Sequence[dict[str, Any]] = SERVER_DEVICES,
        *,
        default_input: int = 1,
        refuse: Callable[[int, int], tuple[object, ...] | None] = lambda rate, channels: None,
        blocks: int = 0,
        frames: int = 320,
        then_ends: bool = True,
        after_rescan: Sequence[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(
            PortAudioError=PortAudioError,
            default=SimpleNamespace(device=[default_input, default_input]),
        )
        self.devices = list(devices)
        self.refuse = refuse
        self.blocks = blocks
        self.frames = frames
        self.then_ends = then_ends
        self.checked: list[tuple[int, int]] = []
        self.after_rescan = None if after_rescan is None else list(after_rescan)
        self.rescans = 0

    def _terminate(self) -> None:
        """PortAudio stopped: it forgets its devices."""
        self.devices = []

    def _initialize(self) -> None:
        """PortAudio started again: it lists ``after_rescan`` (what it finds now), else the
        same nothing."""
        self.rescans += 1
        if self.after_rescan is not None:
            self.devices = list(self.after_rescan)

    def query_devices(self) -> list[dict[str, Any]]:
        return self.devices

    def query_hostapis(self) -> list[dict[str, Any]]:
        return ALSA

    def check_input_settings(self, *, channels: int, samplerate: int, **_: Any) -> None:
        self.checked.append((samplerate, channels))
        refusal = self.refuse(samplerate, channels)
        if refusal is not None:
            raise PortAudioError(*refusal)

    def InputStream(self, **kwargs: Any) -> FakeInputStream:  # noqa: N802 (sounddevice's name)
        return FakeInputStream(self, **kwargs)


class FakeInputStream:
    def __init__(self, pa: FakePortAudio, **kwargs: Any) -> None:
        self.pa = pa
        self.kwargs = kwargs
        self.latency = 0.01

    def start(self) -> None:
        callback = self.kwargs["callback"]
        channels = int(self.kwargs["channels"])
        status = SimpleNamespace(input_overflow=False)
        for _ in range(self.pa.blocks):
            block = np.full((self.pa.frames, channels), 0.01, np.float32)
            callback(block, self.pa.frames, SimpleNamespace(), status)
        if self.pa.then_ends:
            self.kwargs["finished_callback"]()

    def abort(self) -> None:
        pass

    def close(self) -> None:
        pass
