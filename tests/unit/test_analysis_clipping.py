"""Clipping below full scale: input cut off by the microphone or its converter, then turned down
(an input volume below 100 %, a normalised file) and perhaps resampled, so the cut tops sit well
below full scale. Such a round is flagged as clipped like one clipped at full scale; loud clean
voices, steady tones and hum, a DC offset and coarse 8-bit steps are not."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from simulator.audio.analysis import DEFAULT_CONFIG, analyze_samples
from simulator.audio.analysis.clipping import clipped_fraction
from simulator.audio.pattern import question_pause_name
from simulator.audio.resample import resample
from simulator.audio.result import LevelWarning, Reason
from simulator.audio.wav import write_wav_pcm16
from simulator.coaching.feedback import round_feedback
from simulator.i18n import t
from tests.speech import RATE, clip, make_round, silence

F32 = npt.NDArray[np.float32]
QUESTION = "Welke twee voorbeelden heb ik net gegeven van economische marktwerking?"
WARN = DEFAULT_CONFIG.pattern.clip_warn_fraction
SIX = (
    Path(__file__).resolve().parents[3] / "shared" / "dev-audio" / "speech"
    / "en_speechcommands_97f4c236" / "en_speechcommands_97f4c236_six_97f4c236_nohash_2.flac"
)  # fmt: skip


def cut_and_turned_down(x: F32, above_db: float, level: float) -> F32:
    """``x`` clipped ``above_db`` below its peak, then scaled so the cut tops sit at ``level``."""
    cut = float(np.max(np.abs(x))) * 10 ** (-above_db / 20)
    return (np.clip(x, -cut, cut) * (level / cut)).astype(np.float32)


def truly_clipped(x: F32, above_db: float) -> float:
    return float(np.mean(np.abs(x) > np.max(np.abs(x)) * 10 ** (-above_db / 20)))


@pytest.fixture(scope="module")
def round_samples(espeak: str) -> F32:
    return make_round(clip(QUESTION, "nl"), clip("Kay?", "nl"), 3.0).samples


@pytest.mark.parametrize("above_db", [6.0, 12.0])
def test_clipped_then_turned_down_is_flagged(round_samples: F32, above_db: float) -> None:
    x = cut_and_turned_down(round_samples, above_db, 0.5)  # tops at -6 dBFS
    assert np.max(np.abs(x)) < DEFAULT_CONFIG.pattern.clip_level_fs  # nothing at full scale
    m = analyze_samples(x, RATE)
    assert LevelWarning.CLIPPED in m.warnings
    assert m.levels.clipped_fraction == pytest.approx(truly_clipped(round_samples, above_db), 0.2)
    assert m.pause_s == pytest.approx(3.0, abs=0.1)  # still measured, with the warning


def test_clipped_turned_down_and_upsampled_is_flagged(round_samples: F32) -> None:
    x = resample(cut_and_turned_down(round_samples, 6.0, 0.4), RATE, 48_000)
    m = analyze_samples(x, 48_000)
    assert LevelWarning.CLIPPED in m.warnings
    assert m.levels.clipped_fraction >= 0.5 * truly_clipped(round_samples, 6.0)


def test_clipped_at_44k_turned_down_and_downsampled_is_flagged(round_samples: F32) -> None:
    """As the app hears it: the device clips at 44.1 kHz, the capture resamples to 16 kHz."""
    at_44k = resample(round_samples, RATE, 44_100)
    x = resample(cut_and_turned_down(at_44k, 6.0, 0.3), 44_100, RATE)
    assert LevelWarning.CLIPPED in analyze_samples(x, RATE).warnings


def test_heavily_clipped_and_turned_down_without_a_pause_says_clipped(espeak: str) -> None:
    x = cut_and_turned_down(
        np.concatenate([silence(0.5), clip(QUESTION, "nl"), silence(1)]), 24, 0.3
    )
    assert analyze_samples(x, RATE).reason is Reason.CLIPPED


def test_speech_clipped_throughout_is_not_taken_for_a_steady_sound(espeak: str) -> None:
    """Every block of a question cut 24 dB below its peak reaches the cut, as hum's would; its
    energy still rises and falls from syllable to syllable."""
    x = cut_and_turned_down(clip(QUESTION, "nl"), 24.0, 0.5)  # no silence around it
    assert (
        clipped_fraction(x, RATE, DEFAULT_CONFIG.pattern)
        >= DEFAULT_CONFIG.pattern.clip_fail_fraction
    )
    energy_ignored = replace(DEFAULT_CONFIG.pattern, clip_steady_spread_db=100.0)
    assert clipped_fraction(x, RATE, energy_ignored) == 0.0


@pytest.mark.parametrize(
    ("text", "voice"),
    [(QUESTION, "nl"), ("Why does ice float on water?", "en+f3"), ("Sanne?", "en+m3")],
)
def test_a_loud_clean_voice_is_not_flagged(espeak: str, text: str, voice: str) -> None:
    x = clip(text, voice)
    loud = (x / np.max(np.abs(x)) * 0.98).astype(np.float32)
    assert clipped_fraction(loud, RATE, DEFAULT_CONFIG.pattern) == 0.0
    # The same voice cut off 6 dB below its peak is found: the rule is not blind to it.
    assert (
        clipped_fraction(cut_and_turned_down(loud, 6.0, 0.98), RATE, DEFAULT_CONFIG.pattern) >= WARN
    )


def test_a_loud_real_voice_is_not_flagged() -> None:
    if not SIX.is_file() or shutil.which("sox") is None:
        pytest.skip(
            "the shared development audio (../shared/dev-audio) is not beside this checkout"
        )
    raw = subprocess.run(
        ["sox", str(SIX), "-t", "raw", "-e", "floating-point", "-b", "32", "-c", "1", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    x = np.frombuffer(raw, dtype=np.float32)
    loud = (x / np.max(np.abs(x)) * 0.98).astype(np.float32)
    assert clipped_fraction(loud, RATE, DEFAULT_CONFIG.pattern) == 0.0
    assert (
        clipped_fraction(cut_and_turned_down(loud, 6.0, 0.98), RATE, DEFAULT_CONFIG.pattern) >= WARN
    )


def test_a_tone_is_not_flagged() -> None:
    """A sine also dwells at its peaks; its count climbs into them gradually, a clip's in a step."""
    tone = (0.5 * np.sin(2 * np.pi * 440 * np.arange(RATE // 2) / RATE)).astype(np.float32)
    beep, clipped_beep = np.zeros(3 * RATE, np.float32), np.zeros(3 * RATE, np.float32)
    beep[RATE : RATE + tone.size] = tone  # half a second of it in silence
    clipped_beep[RATE : RATE + tone.size] = cut_and_turned_down(tone, 1.0, 0.5)
    assert clipped_fraction(beep, RATE, DEFAULT_CONFIG.pattern) == 0.0
    assert clipped_fraction(clipped_beep, RATE, DEFAULT_CONFIG.pattern) >= WARN
    no_step_rule = replace(DEFAULT_CONFIG.pattern, clip_step_ratio=0.0)
    assert clipped_fraction(beep, RATE, no_step_rule) >= WARN


def test_a_steady_hum_with_flat_tops_is_no_speech_not_clipped() -> None:
    """Mains hum whose harmonics flatten its tops piles up like a clip, but in every block of
    the round alike: a steady sound, not loud moments cut off among quieter ones."""
    t = np.arange(3 * RATE) / RATE
    hum = sum(np.sin(2 * np.pi * 50 * k * t) / k for k in (1, 3, 5))
    x = (0.2 * hum / np.max(np.abs(hum))).astype(np.float32)
    assert analyze_samples(x, RATE).reason is Reason.NO_SPEECH
    every_block = replace(DEFAULT_CONFIG.pattern, clip_steady_block_share=1.0)
    assert clipped_fraction(x, RATE, every_block) >= DEFAULT_CONFIG.pattern.clip_fail_fraction


def test_a_quiet_round_with_a_dc_offset_is_not_flagged() -> None:
    noise = 0.001 * np.random.default_rng(1).standard_normal(3 * RATE)
    assert clipped_fraction((0.15 + noise).astype(np.float32), RATE, DEFAULT_CONFIG.pattern) == 0.0


def test_coarse_8_bit_steps_are_not_a_pile(round_samples: F32) -> None:
    """At -26 dBFS, 8-bit audio has six steps to its peak: each is dense, none is a clip."""
    x = round_samples / np.max(np.abs(round_samples)) * 0.05
    eight_bit = (np.round(x * 128) / 128).astype(np.float32)
    assert clipped_fraction(eight_bit, RATE, DEFAULT_CONFIG.pattern) == 0.0


def test_feedback_and_analyze_say_too_loud(round_samples: F32, tmp_path: Path) -> None:
    x = cut_and_turned_down(round_samples, 12.0, 0.5)
    m = analyze_samples(x, RATE)
    feedback = round_feedback(question_pause_name(), [m], "en")
    assert feedback.level_note == t("coach.level.clipped", "en")
    wav = tmp_path / "turned_down.wav"
    write_wav_pcm16(wav, x, RATE)
    out = subprocess.run(
        [sys.executable, "-m", "simulator", "--lang", "en", "analyze", str(wav)],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    assert t("cli.analyze.reason.clipped", "en") in out
