"""Stage 1, levels: per 10 ms frame the VAD's decision and the energy; the speaker's own level,
the background and how much it moves; and the band the later stages gate on.

The teacher is close to the microphone, other people in the room are not: the speaker's level is
the 95th percentile of the loud frames webrtcvad calls speech, and the background is what the
frames well below it hold (digital silence in a quiet room; other voices or steady noise in a
training room).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from simulator.audio.analysis.config import LevelConfig
from simulator.audio.analysis.signal import (
    FLOOR_DB,
    FRAME_SAMPLES,
    HIGHPASS_TAPS,
    frame_energy_db,
    noise_floor_db,
)
from simulator.audio.result import ANALYSIS_RATE_HZ, Levels
from simulator.audio.vad import VadRun, WebRtcVad


@dataclass(frozen=True, slots=True, eq=False)
class FrameLevels:
    """What the detection stage gates on, per 10 ms frame and for the round as a whole.

    ``energy_db``/``sound`` and the speaker/background figures are those of the gating band (the
    whole speech band, or its low part in broadband hiss); ``full_*`` are always the whole band.
    """

    vad: npt.NDArray[np.bool_]
    energy_db: npt.NDArray[np.float64]
    sound: npt.NDArray[np.bool_]
    """Frames above the adaptive noise floor by the level margin."""
    speaker_db: float
    background_db: float
    spread_db: float
    """How much the background moves (p90 - p10): steady noise hardly, other voices by 10 dB+."""
    full_energy_db: npt.NDArray[np.float64]
    full_speaker_db: float
    full_background_db: float
    reference: slice
    """The frames levels are learnt from (after a cue: only the teacher's)."""


def measure_levels(
    x: npt.NDArray[np.float32],
    clipped_fraction: float,
    config: LevelConfig,
    *,
    reference_from: int = 0,
    vad_run: VadRun | None = None,
) -> tuple[Levels, FrameLevels | None]:
    """The round's reported levels, and the frame levels (``None`` when nothing sounds like
    speech at all). ``vad_run`` keeps webrtcvad's decisions from one call to the next on a
    recording that grows (a live round)."""
    peak = float(np.max(np.abs(x))) if x.size else 0.0
    peak_dbfs = max(20.0 * np.log10(peak + 1e-12), FLOOR_DB)
    energy = frame_energy_db(x, FRAME_SAMPLES)
    if energy.size == 0:
        return Levels(peak_dbfs, None, FLOOR_DB, clipped_fraction), None
    noise = noise_floor_db(energy)
    vad = _vad_flags(x, peak, config, vad_run)
    n = min(vad.size, energy.size)
    if n == 0:  # shorter than one VAD decision (30 ms)
        return Levels(peak_dbfs, None, FLOOR_DB, clipped_fraction), None
    vad, energy, noise = vad[:n], energy[:n], noise[:n]
    sound = energy >= noise + config.noise_margin_db
    ref = slice(min(reference_from, max(0, n - 1)), n)
    noise_level = float(np.median(noise[ref]))
    figures = _speaker_and_background(energy, vad & sound, ref, config)
    if figures is None:
        return Levels(peak_dbfs, None, noise_level, clipped_fraction), None
    speaker, background, spread = figures
    levels = Levels(peak_dbfs, speaker, noise_level, clipped_fraction)
    frame_levels = FrameLevels(
        vad, energy, sound, speaker, background, spread, energy, speaker, background, ref
    )
    if config.lowband_block_samples and speaker - background < config.lowband_below_db:
        low = _low_band(vad, x, n, ref, config)
        if low is not None:
            low_energy, low_sound, (low_speaker, low_background, low_spread) = low
            if (low_speaker - low_background) - (speaker - background) >= config.band_switch_db:
                frame_levels = FrameLevels(
                    vad,
                    low_energy,
                    low_sound,
                    low_speaker,
                    low_background,
                    low_spread,
                    energy,
                    speaker,
                    background,
                    ref,
                )
    return levels, frame_levels


def vad_frame_samples(config: LevelConfig) -> int:
    """The samples of one webrtcvad decision (a whole number of 10 ms frames)."""
    return FRAME_SAMPLES * max(1, config.vad_frame_ms // 10)


def settled_length(n: int, config: LevelConfig) -> int:
    """The longest start of an ``n``-sample recording, at most 1 ms short of it, whose VAD
    frames all end half the speech band's filter or more before its end: their samples, and so
    their decisions, stay as they are when audio is added (see ``VadRun``)."""
    tail = n % vad_frame_samples(config)
    return n if tail >= HIGHPASS_TAPS // 2 else max(0, n - tail - 1)


def _vad_flags(
    x: npt.NDArray[np.float32], peak: float, config: LevelConfig, vad_run: VadRun | None = None
) -> npt.NDArray[np.bool_]:
    """webrtcvad per frame, on a level-normalised copy so quiet recordings are judged like loud
    ones."""
    gain = min(0.5 / peak, 10 ** (50 / 20)) if peak > 1e-6 else 1.0
    pcm = np.clip(x * gain * 32767.0, -32768, 32767).astype(np.int16)
    vad_frame = vad_frame_samples(config)
    frames_per_decision = vad_frame // FRAME_SAMPLES
    flags = (
        WebRtcVad(config.vad_mode, ANALYSIS_RATE_HZ, vad_frame).flags(pcm)
        if vad_run is None
        else vad_run.flags(config.vad_mode, ANALYSIS_RATE_HZ, vad_frame, pcm)
    )
    return np.repeat(flags, frames_per_decision)


def _speaker_and_background(
    energy: npt.NDArray[np.float64],
    speech_like: npt.NDArray[np.bool_],
    ref: slice,
    config: LevelConfig,
) -> tuple[float, float, float] | None:
    candidates = energy[ref][speech_like[ref]]
    if candidates.size == 0:
        return None
    speaker = float(np.percentile(candidates, 95))
    quieter = energy[ref][energy[ref] < speaker - config.background_split_db]
    background = float(np.median(quieter)) if quieter.size else FLOOR_DB
    spread = float(np.subtract(*np.percentile(quieter, [90, 10]))) if quieter.size > 10 else 0.0
    return speaker, background, spread


def _low_band(
    vad: npt.NDArray[np.bool_],
    x: npt.NDArray[np.float32],
    n: int,
    ref: slice,
    config: LevelConfig,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_], tuple[float, float, float]] | None:
    """Frame energy, sound flags and speaker/background/spread in the low band (about 0-1 kHz)."""
    # The moving average taken once every `taps` samples (block means): the same mean power as
    # the filtered signal, at an eighth of the work.
    taps = config.lowband_block_samples
    whole = x[: x.size // taps * taps]
    blocks = whole[0::taps].copy()
    for k in range(1, taps):  # strided sums: much faster than a reduction over short rows
        blocks += whole[k::taps]
    blocks *= 1.0 / taps
    energy = frame_energy_db(blocks, FRAME_SAMPLES // taps)[:n]
    sound = energy >= noise_floor_db(energy) + config.noise_margin_db
    figures = _speaker_and_background(energy, vad & sound, ref, config)
    if figures is None:
        return None
    return energy, sound, figures
