"""Stage 3, edges: each segment's boundaries on a 1 ms envelope, then the pause's two edges
against the background heard in the pause.

Boundaries sit where the envelope falls ``boundary_drop_db`` below the speaker's level (or near
the level of the silence next to it), walking across short dips (a closure before a burst) and a
word-final closure. The pause's edges are then refined spectrally: the pause's interior is a
sample of exactly what the room sounds like.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import numpy.typing as npt

from simulator.audio.analysis.config import EdgeConfig
from simulator.audio.analysis.levels import FrameLevels
from simulator.audio.analysis.model import WINDOW_SAMPLES, window_scores
from simulator.audio.analysis.signal import (
    FRAME_SAMPLES,
    HOP_SAMPLES,
    LazyEnvelope,
    block_power,
    frame_energy_db,
    median_of,
    stft_power,
)
from simulator.audio.pattern import Shape
from simulator.audio.result import ANALYSIS_RATE_HZ, Levels, Reason, RoundMeasurement, Segment


def refine_boundaries(
    x: npt.NDArray[np.float32],
    frames: list[tuple[int, int]],
    fl: FrameLevels,
    config: EdgeConfig,
    envelope: LazyEnvelope | None = None,
) -> list[tuple[int, int]]:
    """Frame-accurate segments to sample boundaries; segments that meet are merged.
    ``envelope``: the envelope of ``x``, shared with other stages."""
    if not frames:
        return []
    env = (envelope or LazyEnvelope(x)).db()
    bounds = [(a * FRAME_SAMPLES, b * FRAME_SAMPLES) for a, b in frames]
    floor = fl.full_speaker_db - config.boundary_drop_db
    refined = []
    for i, (a, b) in enumerate(bounds):
        prev_end = bounds[i - 1][1] if i > 0 else 0
        next_start = bounds[i + 1][0] if i + 1 < len(bounds) else x.size
        before = _gap_level(env, prev_end, a, fl.full_background_db)
        after = _gap_level(env, b, next_start, fl.full_background_db)
        refined.append(
            _refine(
                a,
                b,
                env,
                max(floor, before + config.edge_margin_db),
                max(floor, after + config.edge_margin_db),
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
    return merged


def refine_pause(
    x: npt.NDArray[np.float32],
    m: RoundMeasurement,
    config: EdgeConfig,
    envelope: LazyEnvelope | None = None,
) -> RoundMeasurement:
    """The question's end and the name's start refined against the pause's own background; a
    pause that refines to less than a gap between words is no pause. ``envelope``: the envelope
    of ``x``, shared with other stages."""
    if m.span is None or m.shape is not Shape.SPEECH_PAUSE_SPEECH:
        return m
    q_last = next(seg for seg in m.segments if seg.end == m.span[0])
    name = next(seg for seg in m.segments if seg.start == m.span[1])
    question = Segment(m.segments[0].start, q_last.end)
    end, start = refine_pause_edges(x, q_last, name, m.levels, config, question=question)
    # The name's own end, too: a live round counts its closing silence from where the voice
    # stopped, not from where the room stopped ringing.
    end, name_end = _direct_sound_ends(
        x, ((q_last.start, end), (start, name.end)), m.levels, config, envelope
    )
    end = _model_heard_end(x, end, start, config)
    if (end, start, name_end) != (*m.span, name.end):
        moved = (
            Segment(s.start, end)
            if s.end == m.span[0]
            else Segment(start, name_end)
            if s.start == m.span[1]
            else s
            for s in m.segments
        )
        # A question's last stretch whose voice, refined, ended before it began (a blip the room's
        # ring or a gain control made of nothing) is no stretch of its own.
        segments = tuple(s for s in moved if s.end > s.start)
        m = replace(m, span=(end, start), segments=segments)
    if start - end < config.min_pause_s * ANALYSIS_RATE_HZ:
        # Refined, the gap is no longer than one between words: the name ran straight on.
        m = replace(m, span=None, reason=Reason.NO_PAUSE)
    return m


def fastest_fall_ms(
    env: npt.NDArray[np.float64],
    speaker_db: float,
    config: EdgeConfig,
    below_ms: float | None = None,
) -> float:
    """How fast the round's sound can die away: the time its loud moments (within
    ``fall_from_db`` of the speaker's level) take to fall by ``fall_by_db``, the third fastest
    (in ``fall_hop_ms`` steps, up to ``fall_max_ms``; infinite when fewer fall that far). A dry
    voice stops within 10-20 ms at a word's end; in a room no sound falls faster than the room's
    reverberation decays (15 dB in 75 ms for an RT60 of 0.3 s). With ``below_ms``, only whether
    it is faster than that matters: a slower fall is not looked for (infinite)."""
    hop = config.fall_hop_ms  # the envelope has one value per ms
    e = env[::hop]
    loud = e >= speaker_db - config.fall_from_db
    longest = config.fall_max_ms // hop
    if below_ms is not None:
        longest = min(longest, int(np.ceil(below_ms / hop)) - 1)
    fallen = np.zeros(e.size, dtype=bool)
    count = 0
    for lag in range(1, min(e.size, longest + 1)):
        # The loud moments that fall this far first at this lag; the third to do so decides.
        new = ~fallen[:-lag] & loud[:-lag] & (e[lag:] <= e[:-lag] - config.fall_by_db)
        count += int(np.count_nonzero(new))
        if count >= 3:
            return float(lag * hop)
        fallen[:-lag] |= new
    return float("inf")


def _model_heard_end(x: npt.NDArray[np.float32], end: int, name: int, config: EdgeConfig) -> int:
    """The question's end moved on to where the speech model stops hearing speech right after
    it (see ``EdgeConfig.model_reach_ms``), never closer to the name than a pause's minimum."""
    reach = min(end + config.model_reach_ms * ANALYSIS_RATE_HZ // 1000, name)
    if reach <= end:
        return end
    context = config.model_context_ms * ANALYSIS_RATE_HZ // 1000
    # Only up to the first window that is no speech: the rest cannot move the end.
    scores = window_scores(x, end, reach, context, short_of=config.model_speech)
    if scores is None:
        return end
    heard = next((k for k, p in enumerate(scores) if p < config.model_speech), None)
    if heard is None:
        return end  # speech all the way: other voices in the pause, not a last syllable
    latest = name - int(config.min_pause_s * ANALYSIS_RATE_HZ)
    moved = min(
        end + heard * WINDOW_SAMPLES - config.model_lag_ms * ANALYSIS_RATE_HZ // 1000, latest
    )
    if moved <= end:
        return end
    probe_end = min(reach + config.model_probe_ms * ANALYSIS_RATE_HZ // 1000, name)
    if probe_end - reach >= 3 * WINDOW_SAMPLES:
        probe = window_scores(x, reach, probe_end, context) or ()
        if max(probe, default=0.0) >= config.model_speech:
            return end  # the pause itself sounds like speech to the network: other voices
    return moved


def voices_in_pause(x: npt.NDArray[np.float32], m: RoundMeasurement, config: EdgeConfig) -> bool:
    """Whether speech was heard in a measured thinking pause (mostly other people talking; a
    teacher counting aloud too): the speech model hears speech in enough of it (see
    ``EdgeConfig.voices_share``). Those words may have been taken for the teacher's, which the
    feedback says; the pause is measured all the same. ``False`` without the model, without a
    measured pause, or where the pause is too short to judge."""
    if not config.voices_share or m.span is None or m.shape is not Shape.SPEECH_PAUSE_SPEECH:
        return False
    start = m.span[0] + config.voices_after_ms * ANALYSIS_RATE_HZ // 1000
    end = m.span[1] - config.voices_before_ms * ANALYSIS_RATE_HZ // 1000
    if end - start < config.voices_min_windows * WINDOW_SAMPLES:
        return False
    context = config.model_context_ms * ANALYSIS_RATE_HZ // 1000
    scores = window_scores(x, start, end, context)
    if not scores:
        return False
    speech = sum(p >= config.model_speech for p in scores)
    return speech >= config.voices_min_windows and speech >= config.voices_share * len(scores)


def _direct_sound_ends(
    x: npt.NDArray[np.float32],
    spans: tuple[tuple[int, int], ...],
    levels: Levels,
    config: EdgeConfig,
    envelope: LazyEnvelope | None = None,
) -> tuple[int, ...]:
    """In a reverberant room a word rings on after the voice has stopped; the ring belongs to the
    silence after it. Each span's end moved back to the voice's end: where the envelope last
    stands above the level at which the room's own reverberation masks a word's end (the span's
    end itself in a dry or a loud room, or when nothing in the span is that loud). ``envelope``:
    the envelope of ``x``, shared with other stages."""
    ends = tuple(end for _, end in spans)
    if levels.speech_dbfs is None or not config.reverb_drop_db:
        return ends
    if levels.speech_dbfs - levels.noise_floor_dbfs < config.fall_measurable_db:
        return ends  # a loud room hides how fast sounds fall
    env = (envelope or LazyEnvelope(x)).db()
    fall_ms = fastest_fall_ms(env, levels.speech_dbfs, config, config.reverberant_fall_ms)
    if fall_ms < config.reverberant_fall_ms:
        return ends
    moved = []
    for start, end in spans:
        lo, hi = start // HOP_SAMPLES, min(end // HOP_SAMPLES, env.size)
        loud = np.nonzero(env[lo:hi] >= levels.speech_dbfs - config.reverb_drop_db)[0]
        moved.append(end if loud.size == 0 else min(end, (lo + int(loud[-1]) + 1) * HOP_SAMPLES))
    return tuple(moved)


def _gap_level(env: npt.NDArray[np.float64], start: int, end: int, fallback: float) -> float:
    """The typical envelope level inside a gap between segments (its middle part)."""
    lo, hi = start // HOP_SAMPLES + 40, end // HOP_SAMPLES - 40
    if hi - lo < 60:
        return fallback
    return median_of(env[lo:hi])


def _refine(
    start: int,
    end: int,
    env: npt.NDArray[np.float64],
    onset_thr: float,
    offset_thr: float,
    earliest: int,
    latest: int,
    config: EdgeConfig,
) -> tuple[int, int]:
    """Move a frame-accurate segment's edges to where the 1 ms envelope crosses the threshold of
    the silence next to it, never past the middle of the neighbouring gap."""
    reach = config.refine_ms
    n = env.size
    dip = config.max_dip_ms
    # Onset: from the loudest point of the segment's first 50 ms, walk back while the envelope is
    # above threshold, across dips shorter than `dip` (the closure before a burst, as in "K").
    h0 = min(start // HOP_SAMPLES, n - 1)
    first = h0 + int(np.argmax(env[h0 : min(n, h0 + 50)]))
    edge = h = first
    limit = max(0, h0 - reach, earliest // HOP_SAMPLES)
    while h > limit and edge - h <= dip:
        h -= 1
        if env[h] >= onset_thr:
            edge = h
    onset = _crossing(env, edge - 1, edge, onset_thr) if edge > 0 else 0.0
    # Offset: the same forward from the loudest point of the last 50 ms.
    h1 = max(1, min(n, end // HOP_SAMPLES))
    last = max(0, h1 - 50) + int(np.argmax(env[max(0, h1 - 50) : h1]))
    edge = h = last
    limit = min(n - 1, h1 + reach, latest // HOP_SAMPLES)
    while h < limit and h - edge <= config.final_closure_ms:
        h += 1
        if env[h] >= offset_thr:
            edge = h
    offset = _crossing(env, edge, edge + 1, offset_thr) if edge + 1 < n else float(n)
    refined = int(round(onset * HOP_SAMPLES)), int(round(offset * HOP_SAMPLES))
    # A segment shorter than the 50 ms its loudest points are looked for in can come out
    # inside out; then its frame edges stand.
    return refined if refined[0] < refined[1] else (start, end)


def _crossing(env: npt.NDArray[np.float64], below_or_above: int, other: int, thr: float) -> float:
    """Fractional hop position (between two neighbouring hops) where the envelope meets ``thr``."""
    a, b = env[below_or_above], env[other]
    if a == b:
        return (below_or_above + other) / 2 + 0.5
    frac = (thr - a) / (b - a)
    # Hop k's window is centred at k + 0.5 hops.
    return below_or_above + 0.5 + float(np.clip(frac, 0.0, 1.0)) * (other - below_or_above)


def refine_pause_edges(
    x: npt.NDArray[np.float32],
    question_last: Segment,
    name_first: Segment,
    levels: Levels,
    config: EdgeConfig,
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
    w = config.spectral_window_samples
    margin = ANALYSIS_RATE_HZ // 10
    lo, hi = end + margin, start - margin
    if hi - lo < 3 * w:
        return end, start
    mid = (lo + hi) // 2
    span = min(hi - lo, ANALYSIS_RATE_HZ * 2) // 2
    pause_db = float(np.median(frame_energy_db(x[mid - span : mid + span], FRAME_SAMPLES)))
    if levels.speech_dbfs is None or pause_db < levels.speech_dbfs - config.spectral_below_db:
        return end, start  # a quiet pause: the envelope's edges are already exact
    noise_centres = np.arange(mid - span, mid + span, w // 4, dtype=np.int64)
    noise = stft_power(x, noise_centres, w)
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

    false_alarm = float(np.quantile(excess(noise), config.spectral_false_alarm_quantile))
    reach = config.spectral_reach_ms * HOP_SAMPLES
    dip = config.max_dip_ms

    def loudest(seg: Segment) -> float:
        """The excess at the loudest moment of an utterance: boundaries are relative to it."""
        hops = np.arange(seg.start, seg.end, HOP_SAMPLES * 5, dtype=np.int64)
        if hops.size == 0:
            return 0.0
        env = block_power(x[seg.start : seg.end])[::5]
        best = hops[np.argsort(env[: hops.size])[-3:]]
        return float(excess(stft_power(x, best, w)).max(initial=0.0))

    def walk(anchor: int, direction: int, limit: int, peak_side: float) -> int:
        """From ``anchor`` (inside speech) towards the pause; the last hop still speech."""
        n_hops = max(1, abs(limit - anchor) // HOP_SAMPLES)
        centres = anchor + direction * HOP_SAMPLES * np.arange(n_hops, dtype=np.int64)
        centres = np.clip(centres, 0, x.size - 1)
        e = excess(stft_power(x, centres, w))
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
            if slope < -config.extrapolate_min_slope_db_per_ms:
                # Only the stretch between the detection threshold and the boundary level was
                # hidden; with no background above that level there is nothing to follow.
                extra = (10.0 * np.log10(thr) - target) / -slope
                edge += int(min(max(extra, 0.0), config.extrapolate_max_ms, e.size - 1 - edge))
        return int(centres[edge])

    inside = config.spectral_anchor_ms * HOP_SAMPLES
    q_peak = loudest(question or question_last)
    n_peak = loudest(name_first)
    new_end = walk(max(question_last.start, end - inside), +1, min(mid, end + reach), q_peak)
    new_start = walk(min(name_first.end - 1, start + inside), -1, max(mid, start - reach), n_peak)
    if not (end - reach <= new_end < new_start <= start + reach):
        return end, start
    return new_end, new_start
