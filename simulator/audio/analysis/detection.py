"""Stage 2, detection: the stretches (in 10 ms frames) that are the speaker's speech.

A frame counts when the VAD calls it speech, it stands above the noise floor and it is within
reach of the speaker's own level; hysteresis joins frames into segments. A segment then has to
reach near the speaker's level and stand well clear of the background: other people's voices
make short stretches that are loud enough to be speech but not as loud as the person at the
microphone.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from simulator.audio.analysis.config import DetectionConfig, LevelConfig
from simulator.audio.analysis.levels import FrameLevels
from simulator.audio.analysis.signal import FRAME_SAMPLES, frame_energy_db
from simulator.audio.segmenter import segment


def detect_speech(
    x: npt.NDArray[np.float32],
    fl: FrameLevels,
    config: DetectionConfig,
    level_config: LevelConfig,
) -> list[tuple[int, int]]:
    """The speaker's segments as ``[start, end)`` frame indices."""
    prominence = min(
        config.prominence_max_db,
        max(level_config.noise_margin_db, config.prominence_spread_ratio * fl.spread_db),
    )
    gate = max(
        fl.speaker_db - config.speaker_gate_db, fl.background_db + config.background_margin_db
    )
    active = fl.vad & fl.sound & (fl.energy_db >= gate)
    frames = segment(
        active.tolist(),
        max_gap=max(1, config.bridge_ms // 10),
        min_len=max(1, config.min_segment_ms // 10),
    )
    need = max(fl.speaker_db - config.segment_peak_db, fl.background_db + prominence)
    frames = [(a, b) for a, b in frames if fl.energy_db[a:b].max() >= need]
    if fl.full_speaker_db - fl.full_background_db < config.near_voice_below_db and frames:
        frames = _near_voices_only(x, fl, frames, config)
    return frames


def _near_voices_only(
    x: npt.NDArray[np.float32],
    fl: FrameLevels,
    frames: list[tuple[int, int]],
    config: DetectionConfig,
) -> list[tuple[int, int]]:
    """In a loud room, keep the segments that keep the speaker's high frequencies."""
    n = fl.energy_db.size
    hf = frame_energy_db(np.diff(x, prepend=x[:1]).astype(np.float32), FRAME_SAMPLES)[:n]
    ref = fl.reference
    hf_speaker = float(np.percentile(hf[ref][(fl.vad & fl.sound)[ref]], 95))
    return [(a, b) for a, b in frames if hf[a:b].max() - hf_speaker >= config.near_voice_hf_db]
