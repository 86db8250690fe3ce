"""Band-limited sample-rate conversion, streaming, in plain numpy.

A windowed-sinc interpolator evaluated on a polyphase table: output sample ``n`` sits at input
position ``n * src / dst``; with ``up / down`` the reduced ratio ``dst / src`` there are only ``up``
distinct fractional offsets, so the filter taps for each are computed once. The same object serves
a whole file (one ``process`` call) and a live stream (many small calls): state between calls is
the input history the next outputs still need, so both give identical samples.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

ZERO_CROSSINGS = 8
"""Half-width of the sinc kernel in zero crossings of the (lower) cutoff."""
CUTOFF = 0.92
"""Pass band as a fraction of the lower Nyquist frequency (leaves room for the transition)."""
KAISER_BETA = 7.0


class Resampler:
    def __init__(self, src_hz: int, dst_hz: int) -> None:
        if src_hz <= 0 or dst_hz <= 0:
            raise ValueError("sample rates must be positive")
        g = math.gcd(src_hz, dst_hz)
        self.src_hz = src_hz
        self.dst_hz = dst_hz
        self.up = dst_hz // g
        self.down = src_hz // g
        self._identity = self.up == self.down
        # Kernel cutoff in cycles per input sample; widen the kernel when decimating.
        fc = 0.5 * CUTOFF * min(1.0, self.up / self.down)
        self._half = int(math.ceil(ZERO_CROSSINGS / (2 * fc)))
        taps = 2 * self._half
        offsets = np.arange(-self._half + 1, self._half + 1, dtype=np.float64)  # k - floor(p)
        frac = np.arange(self.up, dtype=np.float64) / self.up  # p - floor(p) for each phase
        t = offsets[None, :] - frac[:, None]
        window = np.kaiser(2 * self._half + 1, KAISER_BETA)
        # Evaluate the continuous Kaiser window at t by interpolating its samples.
        w = np.interp(t, np.arange(-self._half, self._half + 1), window)
        table = 2 * fc * np.sinc(2 * fc * t) * w
        table /= table.sum(axis=1, keepdims=True)  # unity gain at DC for every phase
        self._table = table.astype(np.float32)
        self._taps = taps
        # Streaming state: buffered input (starting at absolute input index _buf_start),
        # the next output index, and the count of input seen.
        self._buf = np.zeros(self._half, dtype=np.float32)  # zero history before the start
        self._buf_start = -self._half
        self._next_out = 0
        self._seen = 0

    def process(self, block: npt.NDArray[np.floating]) -> npt.NDArray[np.float32]:
        x = np.asarray(block, dtype=np.float32).reshape(-1)
        if self._identity:
            self._seen += x.size
            return x.copy()
        self._buf = np.concatenate((self._buf, x))
        self._seen += x.size
        return self._emit(final=False)

    def flush(self) -> npt.NDArray[np.float32]:
        """Emit the outputs that still depend on input past the end (taken as silence)."""
        if self._identity:
            return np.zeros(0, dtype=np.float32)
        self._buf = np.concatenate((self._buf, np.zeros(self._half, dtype=np.float32)))
        return self._emit(final=True)

    def _compute(self, n0: int, n1: int) -> npt.NDArray[np.float32]:
        """Outputs ``n0 .. n1-1``, grouped by filter phase so each group is one strided product."""
        out = np.empty(n1 - n0, dtype=np.float32)
        windows = np.lib.stride_tricks.sliding_window_view(self._buf, self._taps)
        for k in range(min(self.up, n1 - n0)):
            n = n0 + k
            pos = n * self.down
            base = pos // self.up
            phase = pos - base * self.up
            first = base - self._half + 1 - self._buf_start
            count = (n1 - n + self.up - 1) // self.up
            # Consecutive outputs of one phase are `up` apart in n and `down` apart in input.
            rows = windows[first : first + (count - 1) * self.down + 1 : self.down]
            out[k :: self.up] = rows @ self._table[phase]
        return out

    def _emit(self, final: bool) -> npt.NDArray[np.float32]:
        # Output n needs input up to floor(n*down/up) + half.
        if final:
            n_end = -(-self._seen * self.up // self.down)  # ceil: outputs whose position < seen
        else:
            last_in = self._buf_start + self._buf.size - 1
            n_end = ((last_in - self._half) * self.up) // self.down + 1
        n_end = max(n_end, self._next_out)
        parts: list[npt.NDArray[np.float32]] = []
        if n_end > self._next_out:
            parts.append(self._compute(self._next_out, n_end))
        self._next_out = n_end
        # Keep only the history the next output needs.
        next_base = (self._next_out * self.down) // self.up
        keep_from = next_base - self._half + 1
        drop = max(0, keep_from - self._buf_start)
        if drop:
            self._buf = self._buf[drop:]
            self._buf_start += drop
        if not parts:
            return np.zeros(0, dtype=np.float32)
        return np.concatenate(parts).astype(np.float32, copy=False)


def resample(
    samples: npt.NDArray[np.floating], src_hz: int, dst_hz: int
) -> npt.NDArray[np.float32]:
    """Resample a whole mono signal; the result has ``ceil(len * dst / src)`` samples."""
    if src_hz == dst_hz:
        return np.asarray(samples, dtype=np.float32).reshape(-1)
    r = Resampler(src_hz, dst_hz)
    return np.concatenate((r.process(samples), r.flush()))
