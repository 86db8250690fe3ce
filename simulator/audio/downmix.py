"""From a microphone's channels to the one signal the analysis hears.

Averaging the channels is right for an ordinary stereo recording, but it fails on two kinds of
input that real microphones produce:

- **A channel in opposite polarity.** Some USB and laptop microphone arrays record their second
  capsule inverted (right = -left). The average of such a pair is silence: the voice is lost.
- **A dead channel.** A mono microphone on a stereo input, or a plug half in, gives one channel
  with the voice and one with nothing (or only its own hiss). The average halves the voice
  (-6 dB) and mixes the empty channel's hiss in, so quiet speech is refused or timed late.

So the channels are compared first, over the whole recording (or, while recording live, over
everything heard so far): a channel more than ``DEAD_CHANNEL_DB`` below the loudest is left out,
and a channel whose correlation with the loudest is below ``ANTI_CORRELATED_BELOW`` is inverted
before the rest are averaged. Ordinary stereo (channels at similar levels, in phase) is averaged
exactly as before.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

DEAD_CHANNEL_DB = 20.0
"""A channel this far below the loudest one (in energy, without its DC offset) is left out: at a
tenth of the loudest one's amplitude it would add mostly its own noise. Two microphones of one
recording hear the same speaker within a few dB."""

ANTI_CORRELATED_BELOW = -0.3
"""A channel correlating below this with the loudest one is inverted. An inverted capsule of a
close pair correlates near -1. Two ordinary microphones in a room correlate positively on the
speech they share; in a diffuse sound field their coherence never goes below about -0.22 at any
frequency (sin(kd)/kd), so a whole round correlating below -0.3 means a channel is inverted."""

STATS_BLOCK_FRAMES = 1024
"""Each block's own mean is removed before channels are compared, so a DC offset is no voice."""


def channel_products(block: npt.NDArray[np.floating]) -> npt.NDArray[np.float64]:
    """The (channels, channels) sums of products of a ``(frames, channels)`` block's samples,
    each channel's mean taken out first: energies on the diagonal, shared sound off it."""
    x = np.asarray(block, dtype=np.float64)
    x = x - x.mean(axis=0)
    products: npt.NDArray[np.float64] = x.T @ x
    return products


def channel_weights(products: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """How much of each channel goes into the mono signal, from ``channel_products`` summed over
    the audio compared: +-1/k for the k channels kept (inverted ones negative), 0 for dead ones.
    Without any sound to compare, the plain average."""
    channels = products.shape[0]
    energy = np.diag(products)
    loudest = int(np.argmax(energy))
    top = float(energy[loudest])
    if not top > 0.0:
        return np.full(channels, 1.0 / channels)
    kept = energy >= top * 10 ** (-DEAD_CHANNEL_DB / 10)
    correlation = products[:, loudest] / np.sqrt(np.maximum(energy, 1e-300) * top)
    signs = np.where(correlation < ANTI_CORRELATED_BELOW, -1.0, 1.0)
    weights: npt.NDArray[np.float64] = np.where(kept, signs, 0.0) / int(np.count_nonzero(kept))
    return weights


def downmix(samples: npt.NDArray[np.generic]) -> npt.NDArray[np.float32]:
    """A 1-D float32 copy of a (frames,) or (frames, channels) signal, its channels compared over
    the whole signal and combined by ``channel_weights``."""
    x = np.asarray(samples)
    if x.ndim == 1:
        return np.array(x, dtype=np.float32, copy=True)
    if x.ndim != 2:
        raise ValueError(f"audio must be 1-D or (frames, channels), not shape {x.shape}")
    if x.shape[1] == 1:
        return np.array(x[:, 0], dtype=np.float32, copy=True)
    products = np.zeros((x.shape[1], x.shape[1]), dtype=np.float64)
    for start in range(0, x.shape[0], STATS_BLOCK_FRAMES):
        products += channel_products(x[start : start + STATS_BLOCK_FRAMES])
    return _apply(x, channel_weights(products))


class Downmixer:
    """``downmix`` for audio that arrives in blocks: each block is combined by the weights of
    everything heard so far, so a live recording ends up combined like the same recording
    analysed as a file."""

    def __init__(self) -> None:
        self._products: npt.NDArray[np.float64] | None = None

    def process(self, block: npt.NDArray[np.generic]) -> npt.NDArray[np.float32]:
        x = np.asarray(block)
        if x.ndim != 2 or x.shape[1] == 1:
            return downmix(x)
        if self._products is None or self._products.shape[0] != x.shape[1]:
            self._products = np.zeros((x.shape[1], x.shape[1]), dtype=np.float64)
        self._products += channel_products(x)
        return _apply(x, channel_weights(self._products))


def _apply(x: npt.NDArray[np.generic], weights: npt.NDArray[np.float64]) -> npt.NDArray[np.float32]:
    mono: npt.NDArray[np.float32] = np.asarray(x, dtype=np.float32) @ weights.astype(np.float32)
    return np.array(mono, dtype=np.float32, copy=True)
