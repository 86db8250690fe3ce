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
