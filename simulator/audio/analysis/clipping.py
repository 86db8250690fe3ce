"""Clipped input, also where the clipping happened before a gain change or a resampler.

A microphone or converter that clips cuts every loud wave off at one level. When the sound server
then lowers the gain (an input volume below 100 %), resamples (44.1 → 48 kHz), or a file is
normalised after the fact, the cut tops sit well below full scale, flat or slightly rippled, and
counting samples at full scale finds nothing.

What survives is the shape of the amplitude distribution. Per polarity, relative to that
polarity's own peak: in natural sound the number of samples per amplitude step keeps falling
towards the peak (loud moments are rare, the loudest rarer still). Clipping piles the cut-off
samples up in a narrow band at the clip level, far denser than the amplitudes just below it. A
gain change scales the band with the peak, so it stays where it was relative to the peak;
resampling rings around the cut corners, which widens the band and lifts the peak a little above
it, so the pile is looked for some way below the peak, not only at it.

The pile's samples above the density just below it are counted as clipped, so the result is a
fraction of clipped samples like the full-scale count it complements.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from simulator.audio.analysis.config import PatternConfig

STEP_SAMPLES = 4096
"""How many of the loud samples the input's own step (its quantisation) is read from."""


def clipped_fraction(
    raw: npt.NDArray[np.float32],
    sample_rate_hz: int,
    config: PatternConfig,
    *,
    find_piles: bool = True,
) -> float:
    """The fraction of ``raw``'s samples (mono or ``(frames, channels)``) that are clipped: at
    full scale, or (with ``find_piles``) piled up at a clip level below it."""
    if raw.size == 0:
        return 0.0
    at_full_scale = float(np.count_nonzero(np.abs(raw) >= config.clip_level_fs)) / raw.size
    if not find_piles:
        return at_full_scale
    return max(at_full_scale, piled_fraction(raw, sample_rate_hz, config))


def piled_fraction(
    raw: npt.NDArray[np.float32], sample_rate_hz: int, config: PatternConfig
) -> float:
    """The fraction of ``raw``'s samples piled up at a clip level below their peak."""
    if raw.size == 0:
        return 0.0
    channels = raw.reshape(raw.shape[0], -1) if raw.ndim > 1 else raw.reshape(-1, 1)
    min_pile = config.clip_pile_min_ms * sample_rate_hz / 1000.0
    piled = 0.0
    for c in range(channels.shape[1]):
        x = channels[:, c]
        x = x - np.mean(x)  # a DC offset would pile a quiet round's samples up at the offset
        for polarity in (x, -x):
            excess = _pile_excess(polarity, sample_rate_hz, config)
            if excess >= min_pile:
                piled += excess
    return piled / raw.size


def _pile_excess(x: npt.NDArray[np.float32], sample_rate_hz: int, config: PatternConfig) -> float:
    """Samples of ``x``'s positive side piled up in a narrow band below its peak, beyond the
    density just below the band; 0.0 where there is no such pile."""
    peak = float(np.max(x))
    if peak <= 0.0 or 20.0 * np.log10(peak) < config.clip_min_peak_dbfs:
        return 0.0
    span = (
        config.clip_search_below_peak
        + config.clip_core_width
        + config.clip_reference_gap
        + config.clip_reference_span
    )
    # Bins of a fixed fraction of the peak, never finer than the input's own step (8-bit audio,
    # or 16-bit at a low level), which would leave empty bins between filled ones. A few
    # thousand of the loud samples show those steps as well as all of them would.
    step = config.clip_bin_of_peak
    levels = np.unique(x[x >= peak * (1.0 - span)][:STEP_SAMPLES])
    if levels.size > 1:
        step = max(step, float(np.min(np.diff(levels))) / peak)

    def bins(fraction: float) -> int:
        return max(1, int(round(fraction / step)))

    search, core = bins(config.clip_search_below_peak), bins(config.clip_core_width)
    gap, reference_bins = bins(config.clip_reference_gap), bins(config.clip_reference_span)
    reach = (search + core + gap + reference_bins) * step
    if reach >= 1.0:
        return 0.0  # too few steps below the peak to tell a pile from the steps themselves
    depth = (peak - x[x >= peak * (1.0 - reach)]) / peak  # 0 at the peak, in fractions of it
    index = np.floor(depth / step + 0.5).astype(np.int64)
    counts = np.bincount(index, minlength=search + core + gap + reference_bins).astype(np.float64)
    dense = np.convolve(counts, np.ones(core), mode="valid")[:search]
    start = int(np.argmax(dense))  # the densest stretch of ``core`` bins near the peak
    reference_from = start + core + gap
    reference = counts[reference_from : reference_from + reference_bins]
    density = max(float(np.mean(reference)), 1.0)
    if dense[start] < config.clip_pile_ratio * density * core:
        return 0.0
    just_below = float(np.mean(counts[start + core : reference_from]))
    if start < core and dense[start] < config.clip_step_ratio * just_below * core:
        return 0.0  # at the peak, climbing into it gradually: a steady tone's peaks
    # The pile: the bins around its densest stretch still this much above the density below it.
    edge = config.clip_pile_edge_ratio * density
    lo, hi = start, start + core - 1
    while lo > 0 and counts[lo - 1] >= edge:
        lo -= 1
    while hi + 1 < reference_from and counts[hi + 1] >= edge:
        hi += 1
    if _steady(x, peak * (1.0 - (hi + 0.5) * step), sample_rate_hz, config):
        return 0.0
    return float(np.sum(counts[lo : hi + 1] - density))


def _steady(
    x: npt.NDArray[np.float32], level: float, sample_rate_hz: int, config: PatternConfig
) -> bool:
    """Whether nearly every short block of ``x`` reaches ``level`` with nearly the same energy:
    a steady sound (hum, a tone) whose waveform has broad tops, not loud moments cut off."""
    block = max(1, int(config.clip_block_ms * sample_rate_hz / 1000))
    n = x.size // block
    if n == 0:
        return False
    blocks = x[: n * block].reshape(n, block)
    reaching = blocks.max(axis=1) >= level
    if float(np.mean(reaching)) <= config.clip_steady_block_share:
        return False
    energy = np.mean(np.square(blocks[reaching], dtype=np.float64), axis=1)
    low, high = np.percentile(energy, [10.0, 90.0])
    return bool(10.0 * np.log10(max(high, 1e-20) / max(low, 1e-20)) < config.clip_steady_spread_db)
