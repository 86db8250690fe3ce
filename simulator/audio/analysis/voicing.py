"""Voicing: does a stretch of sound have the periodicity of a voice?

A name has a voiced vowel: tens of milliseconds in a row where the sound repeats itself at the
speaker's pitch (about 60-400 Hz). A cough, a scrape, a breath, a footstep or a door has no such
run, or a much shorter one. Periodicity is measured on the band below about 1.5 kHz (means of
four samples, a 4 kHz signal), where a voice's fundamental and first harmonics live and where the
metallic ring of a key or a chair leg does not fool the pitch search.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

import numpy as np
import numpy.typing as npt

from simulator.audio.analysis.signal import FRAME_SAMPLES

DECIMATE = 4
"""The low band is the mean of every 4 samples: a 4 kHz signal."""
WINDOW_SAMPLES = 100
"""25 ms at 4 kHz, compared with itself one period later."""
MIN_LAG_SAMPLES = 10
"""400 Hz at 4 kHz: the highest pitch searched."""
MAX_LAG_SAMPLES = 80
"""50 Hz at 4 kHz: the lowest pitch searched."""

_CACHE: OrderedDict[bytes, npt.NDArray[np.float64]] = OrderedDict()
_CACHE_SIZE = 1024
"""A live round looks at the same finished words at every check (every 0.1 s); their audio does
not change, so their periodicity is kept, keyed by the audio itself."""

_HOP = FRAME_SAMPLES // DECIMATE
_SPAN = WINDOW_SAMPLES + MAX_LAG_SAMPLES
_FFT = 1 << (_SPAN - 1).bit_length()
"""The smallest power of two that holds a window and its lags (256): the window's products
with the stretch at every lag then never wrap around."""


def periodicity(x: npt.NDArray[np.float32], first: int, last: int) -> npt.NDArray[np.float64]:
    """Per 10 ms frame in ``[first, last)``: the strongest normalised cross-correlation between
    the frame and itself one pitch period later (1 = perfectly periodic, around 0 = noise)."""
    n = last - first
    out = np.zeros(max(n, 0))
    lo = first * FRAME_SAMPLES
    hi = min(x.size, lo + ((n - 1) * _HOP + _SPAN) * DECIMATE)
    part = np.ascontiguousarray(x[lo:hi])
    key = hashlib.blake2b(part.tobytes(), digest_size=16, person=str(n).encode()).digest()
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key].copy()
    low = _low_band(part)
    if n > 0 and low.size >= _SPAN:
        count = min(n, (low.size - _SPAN) // _HOP + 1)
        out[:count] = _strongest_correlation(
            low[np.arange(count)[:, None] * _HOP + np.arange(_SPAN)[None, :]]
        )
    _CACHE[key] = out.copy()
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return out


def _low_band(part: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    """A box of twice the decimation (first null at 2 kHz, the new Nyquist), then every 4th."""
    c = np.concatenate(([0.0], np.cumsum(part, dtype=np.float64)))
    low: npt.NDArray[np.float64] = (c[2 * DECIMATE :: DECIMATE] - c[: -2 * DECIMATE : DECIMATE]) / (
        2 * DECIMATE
    )
    return low


def _strongest_correlation(chunks: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Per row (a window and the lags after it, at 4 kHz): the highest normalised correlation
    of the window with itself at a pitch lag."""
    chunks = chunks - chunks.mean(axis=1, keepdims=True)
    head = chunks[:, :WINDOW_SAMPLES]
    # Sliding dot products of the window with every lag, at once by FFT.
    cross = np.fft.irfft(
        np.conj(np.fft.rfft(head, _FFT, axis=1)) * np.fft.rfft(chunks, _FFT, axis=1), _FFT, axis=1
    )[:, MIN_LAG_SAMPLES:MAX_LAG_SAMPLES]
    sq = np.concatenate(
        (np.zeros((chunks.shape[0], 1)), np.cumsum(np.square(chunks), axis=1)), axis=1
    )
    lags = np.arange(MIN_LAG_SAMPLES, MAX_LAG_SAMPLES)
    shifted = sq[:, lags + WINDOW_SAMPLES] - sq[:, lags]
    own = sq[:, WINDOW_SAMPLES : WINDOW_SAMPLES + 1]
    best: npt.NDArray[np.float64] = (cross / np.sqrt(np.maximum(own * shifted, 1e-30))).max(axis=1)
    return best


def longest_run_ms(voiced: npt.NDArray[np.bool_]) -> int:
    """The longest run of voiced 10 ms frames, in ms."""
    best = run = 0
    for v in voiced.tolist():
        run = run + 1 if v else 0
        best = max(best, run)
    return best * (FRAME_SAMPLES * 1000 // 16_000)


def last_run_end(voiced: npt.NDArray[np.bool_], frames: int) -> int:
    """Where the last run of at least ``frames`` voiced 10 ms frames ends (a frame index into
    ``voiced``; 0 when there is none)."""
    end = run = 0
    for k, v in enumerate(voiced.tolist()):
        run = run + 1 if v else 0
        if run >= frames:
            end = k + 1
    return end
