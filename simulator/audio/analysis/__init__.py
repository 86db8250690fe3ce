"""Round analysis: from samples to the measured pause (or turn), counted in samples at 16 kHz.

``analyze_samples`` runs the stages in order, each a module of plain functions over arrays:

1. ``levels``: mono, 16 kHz, the speech band; per 10 ms frame webrtcvad's decision and the
   energy; the adaptive noise floor, the speaker's own level and the background;
2. ``detection``: the frames that are the speaker's speech, joined into segments;
3. ``edges``: each segment's boundaries on a 1 ms envelope; later the pause's two edges against
   the background heard in the pause;
4. ``reading``: the pattern read off the segments: question → pause → name, cue → pause →
   response, or one timed turn; or the reason why not.

Settings are grouped by stage in ``config``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import numpy.typing as npt

from simulator.audio.analysis.clipping import clipped_fraction
from simulator.audio.analysis.config import (
    DEFAULT_CONFIG,
    DetectionConfig,
    DetectorConfig,
    EdgeConfig,
    LevelConfig,
    PatternConfig,
)
from simulator.audio.analysis.detection import detect_speech
from simulator.audio.analysis.edges import refine_boundaries, refine_pause, voices_in_pause
from simulator.audio.analysis.levels import measure_levels
from simulator.audio.analysis.reading import read_pattern
from simulator.audio.analysis.signal import (
    FRAME_SAMPLES,
    LazyEnvelope,
    SpeechBandRun,
    envelope_db,
    frame_energy_db,
    speech_band,
)
from simulator.audio.downmix import downmix
from simulator.audio.pattern import Pattern, Shape, question_pause_name
from simulator.audio.resample import resample
from simulator.audio.result import ANALYSIS_RATE_HZ, Levels, LevelWarning, RoundMeasurement
from simulator.audio.vad import VadRun

__all__ = [
    "DEFAULT_CONFIG",
    "DetectionConfig",
    "DetectorConfig",
    "EdgeConfig",
    "LevelConfig",
    "PatternConfig",
    "analyze_samples",
    "envelope_db",
    "frame_energy_db",
    "speaker_segments",
    "speech_band",
]


def analyze_samples(
    samples: npt.NDArray[np.floating],
    sample_rate_hz: int,
    pattern: Pattern | None = None,
    *,
    cue_end_sample: int = 0,
    config: DetectorConfig = DEFAULT_CONFIG,
    find_clip_piles: bool = True,
    vad_run: VadRun | None = None,
    band_run: SpeechBandRun | None = None,
    judge_pause_voices: bool = False,
) -> RoundMeasurement:
    """Analyse one round. ``samples`` are mono or ``(frames, channels)`` floats in [-1, 1]
    (channels combined by ``downmix``: averaged, but without an inverted or a dead channel).

    ``cue_end_sample`` (at the analysis rate) marks where the app's cue ended, for
    cue → pause → speech patterns; offline recordings start at the cue's end by default.
    ``find_clip_piles=False`` counts only samples at full scale as clipped: a live check, which
    needs the pattern so far and looks again every 0.1 s, leaves the whole round's amplitude
    histogram to the finished round. ``vad_run`` and ``band_run`` keep webrtcvad's decisions and
    the speech band between the analyses of a recording that grows (see ``VadRun`` and
    ``SpeechBandRun``). ``judge_pause_voices``: a finished round is also judged for speech
    in its thinking pause, mostly other people talking (``LevelWarning.OTHER_VOICES``; see
    ``voices_in_pause``), which asks the speech model about the whole pause (a live check does not
    need it).
    """
    pattern = pattern or question_pause_name()
    x, clipped_fraction = prepare(
        samples, sample_rate_hz, config.pattern, find_clip_piles, band_run=band_run
    )
    after_cue = cue_end_sample if pattern.shape is Shape.CUE_PAUSE_SPEECH else 0
    env = LazyEnvelope(x)
    segments, levels = speaker_segments(
        x, clipped_fraction, config, after_cue=after_cue, vad_run=vad_run, env=env
    )
    m = read_pattern(
        segments, pattern, levels, x.size, cue_end_sample=cue_end_sample, config=config.pattern
    )
    m = refine_pause(x, m, config.edges, env)
    if judge_pause_voices and voices_in_pause(x, m, config.edges):
        m = replace(m, warnings=(*m.warnings, LevelWarning.OTHER_VOICES))
    return m


def prepare(
    samples: npt.NDArray[np.floating],
    sample_rate_hz: int,
    config: PatternConfig,
    find_clip_piles: bool = True,
    band_run: SpeechBandRun | None = None,
) -> tuple[npt.NDArray[np.float32], float]:
    """Mono speech band at 16 kHz, and the fraction of clipped input samples (at full scale, or
    cut off below it before a gain change or resampling: see ``clipping``)."""
    raw = np.asarray(samples, dtype=np.float32)
    clipped = clipped_fraction(raw, sample_rate_hz, config, find_piles=find_clip_piles)
    mono = downmix(raw)
    x = (
        resample(mono, sample_rate_hz, ANALYSIS_RATE_HZ)
        if sample_rate_hz != ANALYSIS_RATE_HZ
        else mono
    )
    return (speech_band(x) if band_run is None else band_run.band(x)), clipped


def speaker_segments(
    x: npt.NDArray[np.float32],
    clipped_fraction: float,
    config: DetectorConfig = DEFAULT_CONFIG,
    *,
    after_cue: int = 0,
    vad_run: VadRun | None = None,
    env: LazyEnvelope | None = None,
) -> tuple[list[tuple[int, int]], Levels]:
    """Stages 1-3 on the speech band: the speaker's segments in samples, and the round's levels.

    With ``after_cue`` (a sample index), only what follows the cue is the teacher's: the
    student's voice from a loudspeaker sets neither the speaker's level nor the background.
    ``env``: the envelope of ``x``, to share with the pause's edges.
    """
    start = 0
    reference_from = 0
    if after_cue > 0:
        echo = int(config.pattern.cue_echo_s * ANALYSIS_RATE_HZ)
        start = max(0, min(x.size, after_cue - echo))
        reference_from = (2 * echo) // FRAME_SAMPLES
    part = x[start:]
    levels, frame_levels = measure_levels(
        part, clipped_fraction, config.levels, reference_from=reference_from, vad_run=vad_run
    )
    if frame_levels is None:
        return [], levels
    frames = detect_speech(
        part, frame_levels, config.detection, config.levels, name_max_s=config.pattern.name_max_s
    )
    segments = refine_boundaries(
        part, frames, frame_levels, config.edges, env if start == 0 else None
    )
    return [(a + start, b + start) for a, b in segments], levels
