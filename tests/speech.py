"""Real speech for tests, made with espeak-ng during the run, and rounds built from it.

Boundaries are exact by construction: a clip is trimmed where its 5 ms envelope first and last
reaches its peak minus 40 dB, and clips are placed at known sample offsets.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from simulator.audio.analysis import envelope_db
from simulator.audio.resample import resample
from simulator.audio.wav import read_wav

RATE = 16_000
ESPEAK = shutil.which("espeak-ng")


@lru_cache(maxsize=64)
def clip(text: str, voice: str = "nl", speed: int = 160) -> npt.NDArray[np.float32]:
    if ESPEAK is None:
        raise RuntimeError("espeak-ng is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "clip.wav"
        subprocess.run(
            [ESPEAK, "-v", voice, "-s", str(speed), "-w", str(wav), "--", text],
            check=True,
            capture_output=True,
        )
        audio = read_wav(wav)
    x = resample(audio.samples[:, 0], audio.sample_rate_hz, RATE)
    env = envelope_db(x)
    above = np.nonzero(env >= env.max() - 40.0)[0]
    trimmed = x[above[0] * 16 : (above[-1] + 1) * 16]
    return (trimmed / np.max(np.abs(trimmed)) * 0.5).astype(np.float32)


@dataclass(frozen=True)
class Round:
    samples: npt.NDArray[np.float32]
    question_end: int
    name_start: int

    @property
    def pause_s(self) -> float:
        return (self.name_start - self.question_end) / RATE


def silence(seconds: float) -> npt.NDArray[np.float32]:
    return np.zeros(int(round(seconds * RATE)), dtype=np.float32)


def make_round(
    question: npt.NDArray[np.float32],
    name: npt.NDArray[np.float32],
    pause_s: float,
    lead_s: float = 0.5,
    tail_s: float = 1.0,
) -> Round:
    parts = [silence(lead_s), question, silence(pause_s), name, silence(tail_s)]
    q_end = parts[0].size + question.size
    n_start = q_end + parts[2].size
    return Round(np.concatenate(parts), q_end, n_start)
