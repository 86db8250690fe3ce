"""Signal primitives shared by the stages: the speech band, frame and envelope levels, spectra."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from simulator.audio.result import ANALYSIS_RATE_HZ

FRAME_SAMPLES = ANALYSIS_RATE_HZ // 100  # 10 ms
HOP_SAMPLES = ANALYSIS_RATE_HZ // 1000  # 1 ms
FLOOR_DB = -100.0

HIGHPASS_TAPS = 33
"""Speech-band high-pass: the signal minus its centred 33-sample (2 ms) moving average. Zero phase,
O(n): -35 dB at 50 Hz (mains hum), -16 dB at 150 Hz, within 1.5 dB of flat above 400 Hz. Removes
DC offset, hum and most rumble (brown noise) before anything is measured."""


def speech_band(x: npt.NDArray[np.float32], taps: int = HIGHPASS_TAPS) -> npt.NDArray[np.float32]:
    n = x.size
    if n <= taps:
        return (x - x.mean()).astype(np.float32) if n else x
    return _minus_moving_mean(x, _running_sums(x), 0, taps)


def _running_sums(
    x: npt.NDArray[np.float32], before: npt.NDArray[np.float64] | None = None
) -> npt.NDArray[np.float64]:
    """``c[i]``: the sum of ``x[:i]`` (``c[0] = 0``), added up in order; ``before`` holds these
    sums for a start of ``x`` already (the rest are added on to them, in the same order)."""
    c = np.empty(x.size + 1, dtype=np.float64)
    if before is None:
        c[0] = 0.0
        np.cumsum(x, dtype=np.float64, out=c[1:])
    else:
        k = before.size - 1
        c[: k + 1] = before
        rest = np.concatenate((before[k:], x[k:].astype(np.float64)))
        np.cumsum(rest, out=rest)
        c[k + 1 :] = rest[1:]
    return c


def _minus_moving_mean(
    x: npt.NDArray[np.float32], c: npt.NDArray[np.float64], start: int, taps: int
) -> npt.NDArray[np.float32]:
    """``x[start:]`` minus its centred ``taps``-sample moving average (``c``: the running sums);
    at the edges the part of the window inside the signal. ``start`` is 0 or at least half a
    window from either end."""
    n = x.size
    half = taps // 2
    mean = np.empty(n - start, dtype=np.float64)
    # Interior: the centred mean; the edges use the part of the window inside the signal.
    lo = max(start, half)
    inner = mean[lo - start : n - half - start]
    np.subtract(c[lo + half + 1 : n + 1], c[lo - half : n - 2 * half], out=inner)
    inner *= 1.0 / taps
    if start == 0:
        i = np.arange(half)
        mean[:half] = c[i + half + 1] / (i + half + 1)
    j = n - 1 - np.arange(half)
    mean[j - start] = (c[n] - c[j - half]) / (n - j + half)
    out: npt.NDArray[np.float32] = x[start:] - mean.astype(np.float32)
    return out


class SpeechBandRun:
    """``speech_band`` over a recording that grows between calls (a live round analysed every
    0.1 s): what lies more than half the filter before the end it had does not change when audio
    is added, and is not filtered again (the same samples as ``speech_band`` of the whole)."""

    def __init__(self, taps: int = HIGHPASS_TAPS) -> None:
        self._taps = taps
        self._x = np.zeros(0, dtype=np.float32)
        self._sums = np.zeros(1, dtype=np.float64)
        self._out = np.zeros(0, dtype=np.float32)

    def band(self, x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        taps, k = self._taps, self._x.size
        if x.size <= taps:
            self._x = np.zeros(0, dtype=np.float32)
            return speech_band(x, taps)
        if k <= taps or x.size < k or not np.array_equal(x[:k], self._x):
            self._sums = _running_sums(x)
            self._out = _minus_moving_mean(x, self._sums, 0, taps)
        elif x.size > k:
            self._sums = _running_sums(x, self._sums)
            start = k - taps // 2
            self._out = np.concatenate(
                (self._out[:start], _minus_moving_mean(x, self._sums, start, taps))
            )
        self._x = x.copy()
        return self._out.copy()


def block_power(x: npt.NDArray[np.float32], hop: int = HOP_SAMPLES) -> npt.NDArray[np.float64]:
    """Mean power of every ``hop``-sample block (1 ms at 16 kHz)."""
    n = x.size // hop
    blocks = x[: n * hop].reshape(n, hop)
    power: npt.NDArray[np.float64] = np.einsum("ij,ij->i", blocks, blocks, dtype=np.float64) / hop
    return power


def to_db(power: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    db: npt.NDArray[np.float64] = np.maximum(10.0 * np.log10(power + 1e-12), FLOOR_DB)
    return db


def frame_energy_db(x: npt.NDArray[np.float32], frame: int) -> npt.NDArray[np.float64]:
    n = x.size // frame
    if n == 0:
        return np.zeros(0)
    blocks = x[: n * frame].reshape(n, frame)
    return to_db(np.einsum("ij,ij->i", blocks, blocks, dtype=np.float64) / frame)


def envelope_db(
    x: npt.NDArray[np.float32], hop: int = HOP_SAMPLES, window_hops: int = 5
) -> npt.NDArray[np.float64]:
    """RMS level over ``window_hops`` blocks centred on every ``hop``-sample block, in dBFS."""
    power = block_power(x, hop)
    if power.size == 0:
        return power
    half = window_hops // 2
    c = np.concatenate(([0.0], np.cumsum(power)))
    idx = np.arange(power.size)
    lo = np.clip(idx - half, 0, power.size)
    hi = np.clip(idx + half + 1, 0, power.size)
    return to_db((c[hi] - c[lo]) / (hi - lo))


class LazyEnvelope:
    """``envelope_db(x)``, worked out when first asked for and then kept: the segments' edges and
    the pause's use the same one, and a round with nothing to refine needs none."""

    def __init__(self, x: npt.NDArray[np.float32]) -> None:
        self._x = x
        self._db: npt.NDArray[np.float64] | None = None

    def db(self) -> npt.NDArray[np.float64]:
        if self._db is None:
            self._db = envelope_db(self._x)
        return self._db


def noise_floor_db(
    energy: npt.NDArray[np.float64], block: int = 50, reach: int = 2
) -> npt.NDArray[np.float64]:
    """Adaptive noise floor per frame: 10th percentile per ``block`` frames, then the lowest of
    each block and its ``reach`` neighbours on either side (minimum statistics)."""
    n = energy.size
    if n == 0:
        return energy
    blocks = -(-n // block)
    full = n // block
    per_block = np.percentile(energy[: full * block].reshape(full, block), 10, axis=1)
    if full < blocks:
        per_block = np.append(per_block, np.percentile(energy[full * block :], 10))
    padded = np.concatenate((np.full(reach, np.inf), per_block, np.full(reach, np.inf)))
    floors = np.lib.stride_tricks.sliding_window_view(padded, 2 * reach + 1).min(axis=1)
    return np.repeat(floors, block)[:n]


def median_of(values: npt.NDArray[np.float64]) -> float:
    """The median (upper middle for even counts) without np.median's per-call overhead: this
    runs for both edges of every segment."""
    k = values.size // 2
    return float(np.partition(values, k)[k])


def stft_power(
    x: npt.NDArray[np.float32], centres: npt.NDArray[np.int64], window: int
) -> npt.NDArray[np.float64]:
    """Power spectra of Hann-windowed frames centred on ``centres`` (zero outside the signal)."""
    half = window // 2
    if centres.size == 0:
        return np.zeros((0, window // 2 + 1))
    # Only the stretch the frames reach, zero-padded where it runs past the signal (a live check
    # asks about a few frames of a round that may be 20 s long).
    lo, hi = int(centres.min()) - half, int(centres.max()) - half + window
    part = np.zeros(hi - lo, np.float32)
    a, b = max(lo, 0), min(hi, x.size)
    if b > a:
        part[a - lo : b - lo] = x[a:b]
    idx = (centres - lo - half)[:, None] + np.arange(window)[None, :]
    frames = part[idx] * np.hanning(window).astype(np.float32)
    spec = np.fft.rfft(frames, axis=1)
    power: npt.NDArray[np.float64] = np.square(np.abs(spec), dtype=np.float64)
    return power
