"""The VAD adapter: webrtcvad behind ``is_speech(frame) -> bool``.

webrtcvad (from the ``webrtcvad-wheels`` distribution) wants 16-bit mono *bytes* in frames of
10, 20 or 30 ms. A fresh instance is made per round so no state leaks between rounds.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import webrtcvad

VAD_MODES = (0, 1, 2, 3)


class WebRtcVad:
    def __init__(self, mode: int, sample_rate_hz: int, frame_samples: int) -> None:
        if mode not in VAD_MODES:
            raise ValueError(f"VAD mode must be one of {VAD_MODES}, not {mode!r}")
        if sample_rate_hz not in (8000, 16000, 32000, 48000):
            raise ValueError(f"webrtcvad cannot run at {sample_rate_hz} Hz")
        frame_ms = 1000 * frame_samples / sample_rate_hz
        if frame_ms not in (10, 20, 30):
            raise ValueError(f"webrtcvad frames must be 10, 20 or 30 ms, not {frame_ms} ms")
        self._vad = webrtcvad.Vad(mode)
        self._rate = sample_rate_hz
        self.frame_samples = frame_samples

    def is_speech(self, frame: npt.NDArray[np.int16]) -> bool:
        return bool(self._vad.is_speech(frame.tobytes(), self._rate))

    def flags(self, pcm16: npt.NDArray[np.int16]) -> npt.NDArray[np.bool_]:
        """One decision per whole frame of ``pcm16`` (a trailing partial frame is ignored)."""
        n = pcm16.size // self.frame_samples
        raw = pcm16[: n * self.frame_samples].tobytes()
        step = 2 * self.frame_samples
        is_speech = self._vad.is_speech
        rate = self._rate
        return np.fromiter(
            (is_speech(raw[i * step : (i + 1) * step], rate) for i in range(n)),
            dtype=np.bool_,
            count=n,
        )


class VadRun:
    """webrtcvad's decisions over a recording that grows between calls (a live round analysed
    every 0.1 s): the frames already decided are not decided again while everything up to them
    is unchanged. webrtcvad adapts as it listens, so a frame's decision depends on all frames
    before it: the run keeps one instance and the audio it has heard, and starts afresh whenever
    that audio differs from the new recording's start (another gain, another mode or frame)."""

    def __init__(self) -> None:
        self._setting: tuple[int, int, int] | None = None
        self._vad: WebRtcVad | None = None
        self._heard = np.zeros(0, dtype=np.int16)
        self._flags = np.zeros(0, dtype=np.bool_)

    def flags(
        self, mode: int, sample_rate_hz: int, frame_samples: int, pcm16: npt.NDArray[np.int16]
    ) -> npt.NDArray[np.bool_]:
        """As ``WebRtcVad(mode, sample_rate_hz, frame_samples).flags(pcm16)``."""
        setting = (mode, sample_rate_hz, frame_samples)
        heard = self._heard.size
        if (
            self._vad is None
            or setting != self._setting
            or pcm16.size < heard
            or not np.array_equal(pcm16[:heard], self._heard)
        ):
            self._setting = setting
            self._vad = WebRtcVad(mode, sample_rate_hz, frame_samples)
            self._flags = np.zeros(0, dtype=np.bool_)
            heard = 0
        whole = pcm16.size // frame_samples * frame_samples
        if whole > heard:
            self._flags = np.concatenate((self._flags, self._vad.flags(pcm16[heard:whole])))
        self._heard = pcm16[:whole].copy()
        return self._flags.copy()
