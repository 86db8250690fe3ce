"""A laptop microphone's automatic gain control lifts the first consonant after a pause: the
"s" of "six" comes out as loud as its vowel, so the name is far brighter than the question.
Brightness alone would call it a cough or typing; the speech model is sure it is speech, and the
name counts.

The name is a real recording from the shared development audio (Speech Commands, CC BY 4.0;
speaker 97f4c236, not one the room benchmark holds apart), read from ``../shared/dev-audio`` at
test time and not copied into the repository. The gain control is the room benchmark's model of
a laptop's (``benchmarks/rooms.py``: ``Agc``).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from simulator.audio.analysis import DEFAULT_CONFIG, analyze_samples, model
from tests.speech import RATE, clip, make_round

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import rooms  # noqa: E402

SIX = (
    Path(__file__).resolve().parents[3] / "shared" / "dev-audio" / "speech"
    / "en_speechcommands_97f4c236" / "en_speechcommands_97f4c236_six_97f4c236_nohash_2.flac"
)  # fmt: skip
BRIGHTNESS_ALONE = replace(
    DEFAULT_CONFIG, detection=replace(DEFAULT_CONFIG.detection, bright_speech_probability=1.01)
)


def _six() -> npt.NDArray[np.float32]:
    """The whole one-second clip, its soft "s" included."""
    if not SIX.is_file() or shutil.which("sox") is None:
        pytest.skip(
            "the shared development audio (../shared/dev-audio) is not beside this checkout"
        )
    raw = subprocess.run(
        ["sox", str(SIX), "-t", "raw", "-e", "floating-point", "-b", "32", "-c", "1",
         "-r", str(RATE), "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    x = np.frombuffer(raw, dtype=np.float32)
    return (x / np.max(np.abs(x)) * 0.12).astype(np.float32)


@pytest.mark.usefixtures("espeak")
@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("What did we just learn about market forces?", "en"),
        ("Welke twee voorbeelden heb ik net gegeven?", "nl"),
    ],
)
@pytest.mark.parametrize("attack_s", [0.005, 0.02, 0.05])
def test_a_name_whose_first_consonant_the_gain_lifted_still_counts(
    question: str, lang: str, attack_s: float
) -> None:
    assert model.available()
    r = make_round(clip(question, lang) * np.float32(0.3), _six(), 3.2)
    floor = np.random.default_rng(0).standard_normal(r.samples.size) * 1e-4
    agc = rooms.Agc(target_dbfs=-26.0, max_gain_db=30.0, attack_s=attack_s, hold_s=0.1,
                    release_s=0.3)  # fmt: skip
    x = np.clip(agc.apply(r.samples + floor), -1.0, 1.0).astype(np.float32)
    m = analyze_samples(x, RATE)
    assert m.pause_s is not None and abs(m.pause_s - r.pause_s) <= 0.15, m.reason
    # Brightness alone drops the name: the round has no pause left to measure.
    assert analyze_samples(x, RATE, config=BRIGHTNESS_ALONE).pause_s is None
