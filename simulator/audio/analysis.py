"""Round analysis: from samples to the measured pause (or turn), counted in samples at 16 kHz.

The steps, each a plain function of arrays:

1. mono, 16 kHz, DC removed (a 100 ms moving average subtracted);
2. per 10 ms frame: webrtcvad's decision on a level-normalised copy, and the frame energy;
3. an adaptive noise floor (low percentile per half second, lowest of the neighbours);
4. the speaker's own level (loud frames the VAD calls speech): the teacher is close to the
   microphone, other people in the room are not, so a frame only counts as the speaker when it
   is within ``speaker_gate_db`` of that level, and a segment must reach near it at least once;
5. hysteresis in the segmenter, then each boundary refined on a 1 ms energy envelope;
6. the pattern read off the segments: question → pause → name, cue → pause → response, or one
   timed turn; or the reason why not.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from simulator.audio.pattern import Pattern, Shape, question_pause_name
from simulator.audio.resample import resample
from simulator.audio.result import (
    ANALYSIS_RATE_HZ,
    Levels,
    LevelWarning,
    Reason,
    RoundMeasurement,
    Segment,
)
from simulator.audio.segmenter import segment
from simulator.audio.vad import WebRtcVad

FRAME = ANALYSIS_RATE_HZ // 100  # 10 ms
HOP = ANALYSIS_RATE_HZ // 1000  # 1 ms
FLOOR_DB = -100.0


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    vad_mode: int = 2
    vad_frames: int = 3
    """webrtcvad decides per 30 ms (three 10 ms frames); edges are refined on a 1 ms envelope."""
    bridge_ms: int = 120
    """Silences shorter than this stay inside a segment (stops, dips between words)."""
    min_segment_ms: int = 50
    noise_margin_db: float = 6.0
    speaker_gate_db: float = 22.0
    background_split_db: float = 12.0
    """Frames this far below the speaker's level count towards the background estimate."""
    background_margin_db: float = 8.0
    """The speaker's frames must be this far above the background."""
    segment_peak_db: float = 9.0
    prominence_db: float = 15.0
    """At most this far above the background must a segment's loudest frame be ..."""
    spread_factor: float = 1.5
    """... and at least this many times the background's spread (p90 - p10)."""
    """A segment must come within this of the speaker's level somewhere (not a distant voice)."""
    boundary_drop_db: float = 38.0
    """Boundaries sit where the envelope falls this far below the speaker's level (or the noise)."""
    refine_ms: int = 200
    spectral_window: int = 256
    """STFT window (samples) of the second, spectral refinement of the pause's two edges."""
    spectral_oversubtract: float = 2.0
    spectral_false_alarm: float = 0.995
    """The excess-energy threshold is this quantile of what the pause itself produces."""
    spectral_reach_ms: int = 250
    spectral_anchor_ms: int = 60
    extrapolate_fit_ms: int = 15
    extrapolate_min_slope_db: float = 0.1
    extrapolate_max_ms: int = 60
    spectral_below_db: float = 40.0
    spectral_normalised_within_db: float = 25.0
    """When the pause's background is within this of the speech, each frequency bin counts by its
    own signal-to-background ratio, so bands the background leaves free (the high frequencies
    under other voices) carry a word's last decay."""
    """Only refine spectrally when the pause's background is within this of the speech level."""
    max_dip_ms: int = 40
    final_closure_ms: int = 120
    """An offset walks across a silence this long to a word-final burst ("kookt", "asked")."""
    utterance_gap_s: float = 0.25
    """Gaps shorter than this are hesitations between words, not a pause."""
    name_max_s: float = 1.5
    """A name (or a short call-out) is at most this long."""
    name_first_max_s: float = 1.0
    cue_echo_s: float = 0.3
    """How late a loudspeaker cue may still reach the microphone after its recorded end."""
    clip_level: float = 0.99
    clip_warn_fraction: float = 0.001
    clip_fail_fraction: float = 0.01
    quiet_speech_dbfs: float = -55.0
    lowband_taps: int = 8
    """Low band: means of blocks of this many samples (about 0-1 kHz, where voices are loud); it
    must divide the 10 ms frame (160 samples)."""
    lowband_below_db: float = 30.0
    """Consider the low band only when the speaker is less than this above the background ..."""
    band_switch_db: float = 3.0
    """... and gate on it when it sets the speaker this much further apart (broadband hiss)."""
    near_voice_below_db: float = 18.0
    """When the speaker is less than this above the background (a loud room) ..."""
    near_voice_hf_db: float = -4.0
    """... a segment must also reach within this of the speaker's level in the first-difference
    (high-frequency tilted) signal: a voice close to the microphone keeps its high frequencies,
    voices across the room reach it duller (directivity, absorption, reverberation)."""


DEFAULT_CONFIG = DetectorConfig()


def to_mono(samples: npt.NDArray[np.floating]) -> npt.NDArray[np.float32]:
    arr = np.asarray(samples, dtype=np.float32)
    if arr.ndim == 2:
        return arr.mean(axis=1, dtype=np.float32) if arr.shape[1] > 1 else arr[:, 0]
    return arr.reshape(-1)


def analyze_samples(
    samples: npt.NDArray[np.floating],
    sample_rate_hz: int,
    pattern: Pattern | None = None,
    *,
    cue_end_sample: int = 0,
    config: DetectorConfig = DEFAULT_CONFIG,
) -> RoundMeasurement:
    """Analyse one round. ``samples`` are mono or ``(frames, channels)`` floats in [-1, 1].

    ``cue_end_sample`` (at the analysis rate) marks where the app's cue ended, for
    cue → pause → speech patterns; offline recordings start at the cue's end by default.
    """
    pattern = pattern or question_pause_name()
    raw = np.asarray(samples, dtype=np.float32)
    clipped_fraction = float(np.mean(np.abs(raw) >= config.clip_level)) if raw.size else 0.0
    mono = to_mono(raw)
    x = (
        resample(mono, sample_rate_hz, ANALYSIS_RATE_HZ)
        if sample_rate_hz != ANALYSIS_RATE_HZ
        else mono
    )
    x = speech_band(x)
    if pattern.shape is Shape.CUE_PAUSE_SPEECH and cue_end_sample > 0:
        # Only what follows the cue is the teacher's: the student's voice from a loudspeaker
        # must set neither the speaker's level nor the background.
        echo = int(config.cue_echo_s * ANALYSIS_RATE_HZ)
        start = max(0, min(x.size, cue_end_sample - echo))
        seg_samples, levels = detect_segments(
            x[start:], clipped_fraction, config, reference_from=(2 * echo) // FRAME
        )
        seg_samples = [(a + start, b + start) for a, b in seg_samples]
    else:
        seg_samples, levels = detect_segments(x, clipped_fraction, config)
    m = interpret(
        seg_samples, pattern, levels, x.size, cue_end_sample=cue_end_sample, config=config
    )
    if m.span is not None and m.shape is Shape.SPEECH_PAUSE_SPEECH:
        q_last = next(seg for seg in m.segments if seg.end == m.span[0])
        name = next(seg for seg in m.segments if seg.start == m.span[1])
        question = Segment(m.segments[0].start, q_last.end)
        end, start = refine_pause_edges(x, q_last, name, m.levels, config, question=question)
        if (end, start) != m.span:
            segments = tuple(
                Segment(s.start, end)
                if s.end == m.span[0]
                else Segment(start, s.end)
                if s.start == m.span[1]
                else s
                for s in m.segments
            )
            m = replace(m, span=(end, start), segments=segments)
        if start - end < config.utterance_gap_s * ANALYSIS_RATE_HZ:
            # Refined, the gap is no longer than one between words: the name ran straight on.
            m = replace(m, span=None, reason=Reason.NO_PAUSE)
    return m


HIGHPASS_TAPS = 33
"""Speech-band high-pass: the signal minus its centred 33-sample (2 ms) moving average. Zero phase,
O(n): -35 dB at 50 Hz (mains hum), -16 dB at 150 Hz, within 1.5 dB of flat above 400 Hz. Removes
DC offset, hum and most rumble (brown noise) before anything is measured."""


def speech_band(x: npt.NDArray[np.float32], taps: int = HIGHPASS_TAPS) -> npt.NDArray[np.float32]:
    n = x.size
    if n <= taps:
        return (x - x.mean()).astype(np.float32) if n else x
    half = taps // 2
    c = np.empty(n + 1, dtype=np.float64)
    c[0] = 0.0
    np.cumsum(x, dtype=np.float64, out=c[1:])
    mean = np.empty(n, dtype=np.float64)
    # Interior: the centred mean; the edges use the part of the window inside the signal.
    inner = mean[half : n - half]
    np.subtract(c[taps:], c[:-taps], out=inner)
    inner *= 1.0 / taps
    i = np.arange(half)
    mean[:half] = c[i + half + 1] / (i + half + 1)
    j = n - 1 - i
    mean[j] = (c[n] - c[j - half]) / (n - j + half)
    out: npt.NDArray[np.float32] = x - mean.astype(np.float32)
    return out


def _block_power(x: npt.NDArray[np.float32], hop: int = HOP) -> npt.NDArray[np.float64]:
    """Mean power of every ``hop``-sample block (1 ms at 16 kHz)."""
    n = x.size // hop
    blocks = x[: n * hop].reshape(n, hop)
    power: npt.NDArray[np.float64] = np.einsum("ij,ij->i", blocks, blocks, dtype=np.float64) / hop
    return power


def _db(power: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    db: npt.NDArray[np.float64] = np.maximum(10.0 * np.log10(power + 1e-12), FLOOR_DB)
    return db


def frame_energy_db(x: npt.NDArray[np.float32], frame: int) -> npt.NDArray[np.float64]:
    n = x.size // frame
    if n == 0:
        return np.zeros(0)
    blocks = x[: n * frame].reshape(n, frame)
    return _db(np.einsum("ij,ij->i", blocks, blocks, dtype=np.float64) / frame)


def envelope_db(
    x: npt.NDArray[np.float32], hop: int = HOP, window_hops: int = 5
) -> npt.NDArray[np.float64]:
    """RMS level over ``window_hops`` blocks centred on every ``hop``-sample block, in dBFS."""
    power = _block_power(x, hop)
    if power.size == 0:
        return power
    half = window_hops // 2
    c = np.concatenate(([0.0], np.cumsum(power)))
    idx = np.arange(power.size)
    lo = np.clip(idx - half, 0, power.size)
    hi = np.clip(idx + half + 1, 0, power.size)
    return _db((c[hi] - c[lo]) / (hi - lo))


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


def detect_segments(
    x: npt.NDArray[np.float32],
    clipped_fraction: float,
    config: DetectorConfig = DEFAULT_CONFIG,
    *,
    reference_from: int = 0,
) -> tuple[list[tuple[int, int]], Levels]:
    """The speaker's speech segments (sample indices at 16 kHz) and the round's levels."""
    peak = float(np.max(np.abs(x))) if x.size else 0.0
    peak_dbfs = max(20.0 * np.log10(peak + 1e-12), FLOOR_DB)
    energy = frame_energy_db(x, FRAME)
    if energy.size == 0:
        return [], Levels(peak_dbfs, None, FLOOR_DB, clipped_fraction)
    noise = noise_floor_db(energy)
    # Level-normalise the VAD's copy so quiet recordings are judged like loud ones.
    gain = min(0.5 / peak, 10 ** (50 / 20)) if peak > 1e-6 else 1.0
    pcm = np.clip(x * gain * 32767.0, -32768, 32767).astype(np.int16)
    vad_frame = FRAME * config.vad_frames
    vad = np.repeat(
        WebRtcVad(config.vad_mode, ANALYSIS_RATE_HZ, vad_frame).flags(pcm), config.vad_frames
    )
    n = min(vad.size, energy.size)
    vad, energy, noise = vad[:n], energy[:n], noise[:n]
    above_noise = energy >= noise + config.noise_margin_db
    # Levels are learnt from `reference_from` (a frame index) on: after a cue, only the teacher.
    ref = slice(min(reference_from, max(0, n - 1)), n)
    candidates = energy[ref][(vad & above_noise)[ref]]
    noise_level = float(np.median(noise[ref]))
    if candidates.size == 0:
        return [], Levels(peak_dbfs, None, noise_level, clipped_fraction)
    speaker = float(np.percentile(candidates, 95))
    # The background: what the quieter frames hold. Digital silence in a quiet room; other
    # voices or steady noise in a training room. The speaker must stand out above it.
    quieter = energy[ref][energy[ref] < speaker - config.background_split_db]
    background = float(np.median(quieter)) if quieter.size else FLOOR_DB
    # How much the background moves: steady noise hardly, other voices by 10 dB or more.
    spread = float(np.subtract(*np.percentile(quieter, [90, 10]))) if quieter.size > 10 else 0.0
    prominence = min(
        config.prominence_db, max(config.noise_margin_db, config.spread_factor * spread)
    )
    # Levels are reported for the whole band; the gate may use a band where the speaker stands
    # further above the background.
    full_speaker, full_background = speaker, background
    if config.lowband_taps and speaker - background < config.lowband_below_db:
        low = _low_band(vad, x, n, ref, config)
        if low is not None and (low[2] - low[3]) - (speaker - background) >= config.band_switch_db:
            energy, above_noise, speaker, background, spread = low
            prominence = min(
                config.prominence_db, max(config.noise_margin_db, config.spread_factor * spread)
            )
    gate = max(speaker - config.speaker_gate_db, background + config.background_margin_db)
    active = vad & above_noise & (energy >= gate)
    frames = segment(
        active.tolist(),
        max_gap=max(1, config.bridge_ms // 10),
        min_len=max(1, config.min_segment_ms // 10),
    )
    # A segment must reach near the speaker's level, and stand well clear of the background:
    # other people's voices make short stretches that are loud enough to be speech but not
    # as loud as the person at the microphone.
    need = max(speaker - config.segment_peak_db, background + prominence)
    frames = [(a, b) for a, b in frames if energy[a:b].max() >= need]
    if full_speaker - full_background < config.near_voice_below_db and frames:
        hf = frame_energy_db(np.diff(x, prepend=x[:1]).astype(np.float32), FRAME)[:n]
        hf_speaker = float(np.percentile(hf[ref][(vad & above_noise)[ref]], 95))
        frames = [
            (a, b) for a, b in frames if hf[a:b].max() - hf_speaker >= config.near_voice_hf_db
        ]
    speaker, background = full_speaker, full_background
    levels = Levels(peak_dbfs, speaker, noise_level, clipped_fraction)
    if not frames:
        return [], levels
    env = envelope_db(x)
    bounds = [(a * FRAME, b * FRAME) for a, b in frames]
    refined = []
    for i, (a, b) in enumerate(bounds):
        prev_end = bounds[i - 1][1] if i > 0 else 0
        next_start = bounds[i + 1][0] if i + 1 < len(bounds) else x.size
        before = _gap_level(env, prev_end, a, background)
        after = _gap_level(env, b, next_start, background)
        floor = speaker - config.boundary_drop_db
        refined.append(
            _refine(
                a,
                b,
                env,
                max(floor, before + config.noise_margin_db),
                max(floor, after + config.noise_margin_db),
                (prev_end + a) // 2,
                (b + next_start) // 2,
                config,
            )
        )
    merged: list[tuple[int, int]] = []
    for a, b in refined:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged, levels


def _low_band(
    vad: npt.NDArray[np.bool_],
    x: npt.NDArray[np.float32],
    n: int,
    ref: slice,
    config: DetectorConfig,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_], float, float, float] | None:
    """Frame energy, above-noise flags, speaker level, background and its spread in the low band."""
    # The moving average taken once every `taps` samples (block means): the same mean power as
    # the filtered signal, at an eighth of the work.
    taps = config.lowband_taps
    whole = x[: x.size // taps * taps]
    blocks = whole[0::taps].copy()
    for k in range(1, taps):  # strided sums: much faster than a reduction over short rows
        blocks += whole[k::taps]
    blocks *= 1.0 / taps
    energy = frame_energy_db(blocks, FRAME // taps)[:n]
    above = energy >= noise_floor_db(energy) + config.noise_margin_db
    candidates = energy[ref][(vad & above)[ref]]
    if candidates.size == 0:
        return None
    speaker = float(np.percentile(candidates, 95))
    quieter = energy[ref][energy[ref] < speaker - config.background_split_db]
    background = float(np.median(quieter)) if quieter.size else FLOOR_DB
    spread = float(np.subtract(*np.percentile(quieter, [90, 10]))) if quieter.size > 10 else 0.0
    return energy, above, speaker, background, spread


def _middle(values: npt.NDArray[np.float64]) -> float:
    """The median (upper middle for even counts) without np.median's per-call overhead: this
    runs for both edges of every segment."""
    k = values.size // 2
    return float(np.partition(values, k)[k])


def _gap_level(env: npt.NDArray[np.float64], start: int, end: int, fallback: float) -> float:
    """The typical envelope level inside a gap between segments (its middle part)."""
    lo, hi = start // HOP + 40, end // HOP - 40
    if hi - lo < 60:
        return fallback
    return _middle(env[lo:hi])


def _refine(
    start: int,
    end: int,
    env: npt.NDArray[np.float64],
    onset_thr: float,
    offset_thr: float,
    earliest: int,
    latest: int,
    config: DetectorConfig,
) -> tuple[int, int]:
    """Move a frame-accurate segment's edges to where the 1 ms envelope crosses the threshold of
    the silence next to it, never past the middle of the neighbouring gap."""
    reach = config.refine_ms
    n = env.size
    dip = config.max_dip_ms
    # Onset: from the loudest point of the segment's first 50 ms, walk back while the envelope is
    # above threshold, across dips shorter than `dip` (the closure before a burst, as in "K").
    h0 = min(start // HOP, n - 1)
    first = h0 + int(np.argmax(env[h0 : min(n, h0 + 50)]))
    edge = h = first
    limit = max(0, h0 - reach, earliest // HOP)
    while h > limit and edge - h <= dip:
        h -= 1
        if env[h] >= onset_thr:
            edge = h
    onset = _crossing(env, edge - 1, edge, onset_thr) if edge > 0 else 0.0
    # Offset: the same forward from the loudest point of the last 50 ms.
    h1 = max(1, min(n, end // HOP))
    last = max(0, h1 - 50) + int(np.argmax(env[max(0, h1 - 50) : h1]))
    edge = h = last
    limit = min(n - 1, h1 + reach, latest // HOP)
    while h < limit and h - edge <= config.final_closure_ms:
        h += 1
        if env[h] >= offset_thr:
            edge = h
    offset = _crossing(env, edge, edge + 1, offset_thr) if edge + 1 < n else float(n)
    return int(round(onset * HOP)), int(round(offset * HOP))


def _crossing(env: npt.NDArray[np.float64], below_or_above: int, other: int, thr: float) -> float:
    """Fractional hop position (between two neighbouring hops) where the envelope meets ``thr``."""
    a, b = env[below_or_above], env[other]
    if a == b:
        return (below_or_above + other) / 2 + 0.5
    frac = (thr - a) / (b - a)
    # Hop k's window is centred at k + 0.5 hops.
    return below_or_above + 0.5 + float(np.clip(frac, 0.0, 1.0)) * (other - below_or_above)


def interpret(
    segs: list[tuple[int, int]],
    pattern: Pattern,
    levels: Levels,
    n_samples: int,
    *,
    cue_end_sample: int = 0,
    config: DetectorConfig = DEFAULT_CONFIG,
) -> RoundMeasurement:
    """Read the pattern off the speaker's segments."""
    warnings: list[LevelWarning] = []
    if levels.speech_dbfs is not None and levels.speech_dbfs < config.quiet_speech_dbfs:
        warnings.append(LevelWarning.TOO_QUIET)
    if levels.clipped_fraction >= config.clip_warn_fraction:
        warnings.append(LevelWarning.CLIPPED)
    segments = tuple(Segment(a, b) for a, b in segs)
    span, reason = _read_pattern(segments, pattern.shape, cue_end_sample, config)
    if span is None and reason is not Reason.NAME_FIRST:
        if levels.clipped_fraction >= config.clip_fail_fraction:
            reason = Reason.CLIPPED
        elif LevelWarning.TOO_QUIET in warnings:
            # Speech-like sound was there, only too faint to measure; silence stays "no speech".
            reason = Reason.TOO_QUIET
    return RoundMeasurement(
        shape=pattern.shape,
        band=pattern.band,
        segments=segments,
        span=span,
        reason=reason,
        levels=levels,
        warnings=tuple(warnings),
        duration_samples=n_samples,
    )


def utterances(segments: tuple[Segment, ...], gap_s: float) -> list[list[Segment]]:
    """Group segments separated by less than ``gap_s`` (hesitations between words)."""
    groups: list[list[Segment]] = []
    gap = int(gap_s * ANALYSIS_RATE_HZ)
    for s in segments:
        if groups and s.start - groups[-1][-1].end < gap:
            groups[-1].append(s)
        else:
            groups.append([s])
    return groups


def _read_pattern(
    segments: tuple[Segment, ...], shape: Shape, cue_end: int, config: DetectorConfig
) -> tuple[tuple[int, int] | None, Reason | None]:
    if not segments:
        return None, Reason.NO_SPEECH
    if shape is Shape.TIMED_TURN:
        return (segments[0].start, segments[-1].end), None
    if shape is Shape.CUE_PAUSE_SPEECH:
        # A stretch that began before the cue's end and stops soon after it is the cue's own
        # tail reaching the microphone late (loudspeaker latency), not the teacher.
        echo = int(config.cue_echo_s * ANALYSIS_RATE_HZ)
        after = [
            s
            for s in segments
            if s.end > cue_end and not (s.start <= cue_end < s.end <= cue_end + echo)
        ]
        if not after:
            return None, Reason.NO_RESPONSE
        first = after[0]
        if first.start <= cue_end:
            return None, Reason.NO_PAUSE  # already talking when the cue ended
        return (cue_end, first.start), None
    groups = utterances(segments, config.utterance_gap_s)
    if len(groups) == 1:
        only = groups[0]
        if len(only) >= 2 and (only[-1].end - only[-1].start) / ANALYSIS_RATE_HZ <= 0.8:
            return None, Reason.NO_PAUSE
        return None, Reason.ONE_UTTERANCE

    def length_s(group: list[Segment]) -> float:
        return (group[-1].end - group[0].start) / ANALYSIS_RATE_HZ

    name = groups[-1]
    # Name first: a short call-out, then the round's longest silence, then the (long) question —
    # even when a hesitation inside that question leaves a short last stretch like a name.
    gaps = [groups[i + 1][0].start - groups[i][-1].end for i in range(len(groups) - 1)]
    if (
        len(groups) >= 3
        and int(np.argmax(gaps)) == 0
        and length_s(groups[0]) <= config.name_first_max_s
        and sum(length_s(g) for g in groups[1:]) > config.name_max_s
    ):
        return None, Reason.NAME_FIRST
    if length_s(name) > config.name_max_s and length_s(groups[0]) <= config.name_first_max_s:
        return None, Reason.NAME_FIRST
    # (A long last stretch after a long first one: the name came with more words; the pause
    # before it still counts.)
    return (groups[-2][-1].end, name[0].start), None


def _stft_power(
    x: npt.NDArray[np.float32], centres: npt.NDArray[np.int64], window: int
) -> npt.NDArray[np.float64]:
    """Power spectra of Hann-windowed frames centred on ``centres`` (zero outside the signal)."""
    half = window // 2
    padded = np.concatenate((np.zeros(half, np.float32), x, np.zeros(half, np.float32)))
    idx = centres[:, None] + np.arange(window)[None, :]
    frames = padded[idx] * np.hanning(window).astype(np.float32)
    spec = np.fft.rfft(frames, axis=1)
    power: npt.NDArray[np.float64] = np.square(np.abs(spec), dtype=np.float64)
    return power


def refine_pause_edges(
    x: npt.NDArray[np.float32],
    question_last: Segment,
    name_first: Segment,
    levels: Levels,
    config: DetectorConfig = DEFAULT_CONFIG,
    *,
    question: Segment | None = None,
) -> tuple[int, int]:
    """Refine the question's end and the name's start against the background heard in the pause.

    The pause's interior is a sample of exactly what the room sounds like. Speech is where the
    spectrum exceeds that background (spectral subtraction) by more than the pause itself ever
    does (a constant false-alarm threshold), or more than 38 dB below the speech's own peak.
    Weak word endings that drown in broadband noise stand out in the bands where they live.
    """
    end, start = question_last.end, name_first.start
    w = config.spectral_window
    margin = ANALYSIS_RATE_HZ // 10
    lo, hi = end + margin, start - margin
    if hi - lo < 3 * w:
        return end, start
    mid = (lo + hi) // 2
    span = min(hi - lo, ANALYSIS_RATE_HZ * 2) // 2
    pause_db = float(np.median(frame_energy_db(x[mid - span : mid + span], FRAME)))
    if levels.speech_dbfs is None or pause_db < levels.speech_dbfs - config.spectral_below_db:
        return end, start  # a quiet pause: the envelope's edges are already exact
    noise_centres = np.arange(mid - span, mid + span, w // 4, dtype=np.int64)
    noise = _stft_power(x, noise_centres, w)
    floor = noise.mean(axis=0) * config.spectral_oversubtract

    # Bins below 500 Hz are left out: that is where mains hum and rumble live.
    first_bin = int(500 * w / ANALYSIS_RATE_HZ)

    # In a loud pause every bin counts by its own ratio to the background; in a quieter one by
    # its excess power (the loud low bins then carry the edge, and stray high-frequency specks
    # of distant voices do not).
    normalised = pause_db >= levels.speech_dbfs - config.spectral_normalised_within_db
    weight = 1.0 / np.maximum(floor[first_bin:], 1e-20) if normalised else 1.0
    offset = 1.0 if normalised else floor[first_bin:]

    def excess(power: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        out: npt.NDArray[np.float64] = np.maximum(power[:, first_bin:] * weight - offset, 0.0).sum(
            axis=1
        )
        return out

    false_alarm = float(np.quantile(excess(noise), config.spectral_false_alarm))
    reach = config.spectral_reach_ms * HOP
    dip = config.max_dip_ms

    def loudest(seg: Segment) -> float:
        """The excess at the loudest moment of an utterance: boundaries are relative to it."""
        hops = np.arange(seg.start, seg.end, HOP * 5, dtype=np.int64)
        if hops.size == 0:
            return 0.0
        env = _block_power(x[seg.start : seg.end])[::5]
        best = hops[np.argsort(env[: hops.size])[-3:]]
        return float(excess(_stft_power(x, best, w)).max(initial=0.0))

    def walk(anchor: int, direction: int, limit: int, peak_side: float) -> int:
        """From ``anchor`` (inside speech) towards the pause; the last hop still speech."""
        n_hops = max(1, abs(limit - anchor) // HOP)
        centres = anchor + direction * HOP * np.arange(n_hops, dtype=np.int64)
        centres = np.clip(centres, 0, x.size - 1)
        e = excess(_stft_power(x, centres, w))
        peak_side = max(peak_side, e[: min(e.size, 80)].max(initial=0.0))
        thr = max(false_alarm, peak_side * 10 ** (-config.boundary_drop_db / 10))
        edge = 0
        for i in range(1, e.size):
            if e[i] > thr:
                edge = i
            elif i - edge > dip:
                break
        # Where the background hid the last of the decay (or the first of the rise), follow
        # the slope the edge itself shows down to the level a boundary is defined at.
        fit = config.extrapolate_fit_ms
        if edge >= fit and e[edge] > 0:
            seg = 10.0 * np.log10(e[edge - fit : edge + 1] + 1e-30)
            slope = float(np.polyfit(np.arange(fit + 1), seg, 1)[0])  # dB per hop, < 0
            target = 10.0 * np.log10(peak_side + 1e-30) - config.boundary_drop_db
            if slope < -config.extrapolate_min_slope_db:
                # Only the stretch between the detection threshold and the boundary level was
                # hidden; with no background above that level there is nothing to follow.
                extra = (10.0 * np.log10(thr) - target) / -slope
                edge += int(min(max(extra, 0.0), config.extrapolate_max_ms, e.size - 1 - edge))
        return int(centres[edge])

    inside = config.spectral_anchor_ms * HOP
    q_peak = loudest(question or question_last)
    n_peak = loudest(name_first)
    new_end = walk(max(question_last.start, end - inside), +1, min(mid, end + reach), q_peak)
    new_start = walk(min(name_first.end - 1, start + inside), -1, max(mid, start - reach), n_peak)
    if not (end - reach <= new_end < new_start <= start + reach):
        return end, start
    return new_end, new_start
