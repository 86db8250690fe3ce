"""Seeded room corpus: rehearsal rounds in rooms, with real voices, microphones, noise and events.

Each round has the kinds of ``generate.py`` (question → thinking pause → name, and the failure
rounds ``no_pause``, ``name_first``, ``one_utterance``, ``silence``), spoken either by a real
person from the dev-audio pack (``../shared/dev-audio`` beside the repository, or
``--dev-audio DIR`` / ``COACH_SIM_DEV_AUDIO``) or by espeak-ng as in ``generate.py``. The round is
then played in a room (a pyroomacoustics shoebox or the measured seminar room, or dry), picked up
by a microphone (flat, a laptop microphone, a laptop microphone with automatic gain control), with
room noise (fan/HVAC, keyboard typing, distant talkers) and non-speech events (coughs, breathing,
key presses, footsteps, doors, chair scrapes, paper, pen taps) inside the pause and elsewhere.

Labels are the boundaries of the dry direct sound: the speech boundary rule of ``generate.py``
(5 ms RMS envelope at peak − 40 dB, on the clean clip) shifted by the direct path's delay through
the room. The reverberant tail after the question belongs to the pause.

Real speakers and event files are split into ``tune`` and ``heldout`` (``room_split.py``); a
corpus is made from one split only. Command line::

    python benchmarks/rooms.py --split heldout --seed 0 --count 600 --out benchmarks/out/rooms-h

writes one WAV per round and ``labels.jsonl``. ``room_items(split, seed, count)`` gives the same
rounds in memory, cached on disk under ``benchmarks/out/rooms/``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import pickle
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from generate import (
    DEFAULT_CACHE,
    ENVELOPE_MS,
    EXPECTED_REASON,
    KIND_WEIGHTS,
    KINDS,
    NAMES,
    PITCHES,
    QUESTIONS,
    SPEEDS_WPM,
    VOICE_VARIANTS,
    Clip,
    Item,
    SpeechBank,
    SpeechError,
    _coloured,
    _pause_s,
    _pick,
    _quantize,
    _split_question,
    place_clips,
    speech_bounds,
    write_items,
)
from room_split import SPLITS, event_split, speaker_split

F64 = npt.NDArray[np.float64]

HERE = Path(__file__).resolve().parent
DEFAULT_DEV_AUDIO = HERE.parents[1] / "shared" / "dev-audio"
DEV_AUDIO_ENV = "COACH_SIM_DEV_AUDIO"
CORPUS_DIR = HERE / "out" / "rooms"

RATE_HZ = 16_000
SPEED_OF_SOUND = 343.0

FLOOR_LIMIT_DB = -45.0
"""A clip whose noise floor (index.csv, dB re its peak) is above this is not used as speech: the
label rule (peak − 40 dB) would land in its floor."""
WORD_MAX_S = 1.0
"""An utterance with at most this much active speech (index.csv) can serve as a name."""
LINE_MAX_S = 7.0
MAX_ROUND_S = 20.0
MIN_AROUND_S = 1.0
"""Speech plus at least this much before and after it must fit in a round."""
MAX_DRAWS = 20
EVENT_MARGIN_S = 0.2
"""An event in the pause lies at least this far from the question's end and the name's start."""

EVENT_KINDS: tuple[str, ...] = (
    "cough",
    "breathing",
    "keyboard",
    "footsteps",
    "door",
    "chair",
    "paper",
    "pen",
)
REAL_EVENT_KINDS = EVENT_KINDS[:5]
EVENT_LEVEL_DB: dict[str, tuple[float, float]] = {
    # peak of the event at the microphone, dB re the peak of the teacher's speech there
    "cough": (-12.0, 0.0),
    "breathing": (-30.0, -15.0),
    "keyboard": (-25.0, -8.0),
    "footsteps": (-25.0, -8.0),
    "door": (-15.0, 0.0),
    "chair": (-18.0, -3.0),
    "paper": (-28.0, -12.0),
    "pen": (-25.0, -8.0),
}
NOISE_KINDS: tuple[str, ...] = ("fan", "keyboard", "talkers")
NOISE_WEIGHTS: tuple[float, ...] = (0.25, 0.25, 0.2, 0.3)  # none, fan, keyboard, talkers
SNRS_DB: tuple[int, ...] = (20, 10, 5)
MICS: tuple[str, ...] = ("flat", "laptop", "agc")
MIC_LABELS = {"flat": "flat", "laptop": "laptop", "agc": "laptop + AGC"}
REAL_VOICE_SHARE = 0.7
CLEAN_SHARE = 0.12
"""Rounds with no room, a flat microphone, no noise and no events."""
EVENT_IN_PAUSE_SHARE = 0.5
EVENT_OUTSIDE_SHARE = 0.2
WORDS_AFTER_SHARE = 0.2
"""Of the rounds that end with the name, the share where the teacher goes on straight after it
("Kay, wat denk jij?"). Drawn from a generator of its own: every other round stays as it was."""
WORDS_AFTER_GAP_S = (0.05, 0.3)
"""Silence between the name and the words after it (real voices; espeak says them on)."""
WORDS_AFTER_MAX = 3
WORDS_AFTER_LINE_MAX_S = 3.0
"""A speaker with sentences only says one of at most this much active speech after the name."""
WORDS_AFTER: dict[str, tuple[str, ...]] = {
    "nl": ("wat denk jij?", "wat denk jij daarvan?", "kun jij het uitleggen?", "jij mag."),
    "en": ("what do you think?", "what would you say?", "can you explain it?", "your turn."),
}
ROOMS_PER_SPLIT = 24
MAX_IMAGE_ORDER = 40


class RoomCorpusError(RuntimeError):
    pass


def _need(module: str) -> Any:
    """Import a benchmark-only dependency, with a clear message when it is missing."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise RoomCorpusError(
            f"the room benchmark needs {module!r}: .venv/bin/pip install -e '.[bench]'"
        ) from None


# --- the item -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class RoomItem(Item):
    """A round of the room corpus: an ``Item`` plus how it was recorded."""

    split: str
    voice_source: str
    """``real`` or ``espeak``."""
    speaker: str
    name_speaker: str | None
    room: str
    """``dry``, ``shoebox`` or ``seminar`` (the measured room)."""
    rt60_s: float | None
    distance_m: float | None
    mic: str
    event_in_pause: str | None
    events_outside: tuple[str, ...]
    event_spans_s: tuple[tuple[str, float, float], ...]
    clean: bool
    words_after_name: str | None
    """What the teacher says straight after the name ("wat denk jij?"), or ``None``. The
    name's span in ``speech_spans_s`` runs on to the end of these words: to the pause they are
    part of the name's utterance."""

    def label(self) -> dict[str, object]:
        row = Item.label(self)
        row.update(
            split=self.split,
            voice_source=self.voice_source,
            speaker=self.speaker,
            name_speaker=self.name_speaker,
            room=self.room,
            rt60_s=self.rt60_s,
            distance_m=self.distance_m,
            mic=self.mic,
            event_in_pause=self.event_in_pause,
            events_outside=list(self.events_outside),
            event_spans_s=[list(s) for s in self.event_spans_s],
            clean=self.clean,
            words_after_name=self.words_after_name,
        )
        return row

    def groups(self) -> list[str]:
        g = ["all"]
        if self.clean:
            g.append("clean: dry, flat mic, no noise, no events")
        if self.room == "dry":
            g.append("room: dry (voice close to the mic)")
        else:
            g.append(f"RT60 {rt60_bin(self.rt60_s)}")
            if self.room == "seminar":
                g.append("room: measured seminar room")
        if self.distance_m is not None:
            g.append(f"distance {distance_bin(self.distance_m)}")
        g.append(f"mic: {MIC_LABELS[self.mic]}")
        if not self.clean:
            g.append(mic_noise_group(self.mic, self.noise))
        if self.kind == "round":
            g.append(f"event in pause: {self.event_in_pause or 'none'}")
        if self.events_outside:
            g.append("event outside the pause")
        g.append(self.condition if self.noise is None else f"noise: {self.condition}")
        if self.noise is not None:
            g.append(f"noise: {self.noise} (all SNR)")
        g.append(f"voice: {self.voice_source}")
        g.append(f"lang: {self.lang}")
        if self.voice_source == "real" and self.kind in ("round", "no_pause", "name_first"):
            same = self.name_speaker == self.speaker
            g.append("real: name by the same speaker" if same else "real: name by another speaker")
        if self.speaker.startswith("en_coswara_"):
            g.append("real: counting (natural pauses)")
        if self.hesitation_s is not None:
            g.append("hesitation in question")
        if self.words_after_name is not None:
            g.append(WORDS_AFTER_GROUP)
        if self.kind != "round":
            g.append("failure rounds")
        if self.room != "dry" and self.event_in_pause is not None:
            g.append(TARGET_REVERB_EVENT)
        if self.voice_source == "real" and self.condition == "talkers@10dB":
            g.append(TARGET_TALKERS_10)
        if self.voice_source == "real" and self.clean:
            g.append(TARGET_CLEAN_REAL)
        return g


WORDS_AFTER_GROUP = "more words after the name"
TARGET_REVERB_EVENT = "target: reverberant room, event in pause"
TARGET_TALKERS_10 = "target: real voice, talkers @ 10 dB"
TARGET_CLEAN_REAL = "target: real voice, clean"

RT60_BINS: tuple[tuple[float, str], ...] = (
    (0.5, "0.3–0.5 s"),
    (0.7, "0.5–0.7 s"),
    (1.0, "0.7–1.0 s"),
    (99.0, "over 1.0 s"),
)


def rt60_bin(rt60_s: float | None) -> str:
    value = rt60_s or 0.0
    return next(label for top, label in RT60_BINS if value < top)


def distance_bin(distance_m: float) -> str:
    if distance_m < 0.7:
        return "0.3–0.7 m"
    if distance_m < 1.1:
        return "0.7–1.1 m"
    return "1.1–1.5 m"


def mic_noise_group(mic: str, noise: str | None) -> str:
    """Microphone and room noise together (outside the clean rounds, every SNR): a laptop's gain
    control fails differently in a quiet room than where others talk."""
    return f"mic × noise: {MIC_LABELS[mic]}, {noise or 'none'}"


def _group_order() -> list[str]:
    order = [
        "all",
        "clean: dry, flat mic, no noise, no events",
        "room: dry (voice close to the mic)",
    ]
    order += [f"RT60 {label}" for _, label in RT60_BINS] + ["room: measured seminar room"]
    order += [f"distance {distance_bin(d)}" for d in (0.5, 0.9, 1.3)]
    order += [f"mic: {MIC_LABELS[m]}" for m in MICS]
    order += [mic_noise_group(m, n) for m in MICS for n in (None, *NOISE_KINDS)]
    order += [f"event in pause: {k}" for k in ("none", *EVENT_KINDS)]
    order += ["event outside the pause", "no noise"]
    for kind in NOISE_KINDS:
        order += [f"noise: {kind}@{snr}dB" for snr in SNRS_DB] + [f"noise: {kind} (all SNR)"]
    order += ["voice: real", "voice: espeak", "lang: nl", "lang: en", "lang: de"]
    order += ["real: name by the same speaker", "real: name by another speaker"]
    order += ["real: counting (natural pauses)", "hesitation in question", WORDS_AFTER_GROUP]
    order += ["failure rounds"]
    order += [TARGET_REVERB_EVENT, TARGET_TALKERS_10, TARGET_CLEAN_REAL]
    return order


GROUP_ORDER = _group_order()

TARGETS: tuple[tuple[str, str, str, float, bool], ...] = (
    # label, group, Stats field, goal, higher is better (as run.TARGETS)
    (
        "verdict %, reverberant room + event in pause",
        TARGET_REVERB_EVENT,
        "verdict_agree",
        90,
        True,
    ),
    ("±250 ms %, reverberant room + event in pause", TARGET_REVERB_EVENT, "within_250", 90, True),
    (
        "no meas %, reverberant room + event in pause",
        TARGET_REVERB_EVENT,
        "no_measurement",
        3,
        False,
    ),
    ("verdict %, real voices + talkers @ 10 dB", TARGET_TALKERS_10, "verdict_agree", 85, True),
    ("±100 ms %, clean real voices", TARGET_CLEAN_REAL, "within_100", 90, True),
)


# --- dev-audio ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of dev-audio's index.csv."""

    path: str
    kind: str
    owner: str
    lang: str
    sex: str
    transcript: str
    active_s: float
    floor_db: float
    onset_cut: bool
    tail_cut: bool

    @property
    def file_name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def usable_speech(self) -> bool:
        return not self.onset_cut and not self.tail_cut and self.floor_db <= FLOOR_LIMIT_DB


def dev_audio_dir(option: Path | None = None) -> Path:
    if option is not None:
        return option
    env = os.environ.get(DEV_AUDIO_ENV)
    return Path(env) if env else DEFAULT_DEV_AUDIO


def _sex(text: str, f0: str) -> str:
    low = text.strip().lower()
    if low.startswith("female"):
        return "f"
    if low.startswith("male"):
        return "m"
    try:
        return "m" if float(f0) < 165.0 else "f"  # a rough guess from the pitch estimate
    except ValueError:
        return "?"


class DevAudio:
    """The dev-audio pack: its index and its decoded files (kept in memory once read)."""

    COLUMNS = ("path", "kind", "speaker_or_event", "language", "sex", "duration_s")

    def __init__(self, root: Path) -> None:
        self.root = root
        index = root / "index.csv"
        if not index.is_file():
            raise RoomCorpusError(
                f"the dev-audio pack is not at {root} ({index.name} is missing); pass "
                f"--dev-audio DIR or set {DEV_AUDIO_ENV}"
            )
        with index.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        missing = [c for c in self.COLUMNS if rows and c not in rows[0]]
        if not rows or missing:
            raise RoomCorpusError(f"{index}: not a dev-audio index (missing {missing or 'rows'})")
        self.entries: list[Entry] = []
        for row in rows:
            try:
                active = float(row["duration_s"]) - float(row["lead_in_s"]) - float(row["tail_s"])
                self.entries.append(
                    Entry(
                        path=row["path"],
                        kind=row["kind"],
                        owner=row["speaker_or_event"],
                        lang=row["language"].split(" ")[0],  # "en (presumed: …)" → "en"
                        sex=_sex(row["sex"], row.get("f0_hz_median", "")),
                        transcript=row.get("transcript", ""),
                        active_s=active,
                        floor_db=float(row["noise_floor_db_re_peak"]),
                        onset_cut=row["onset_cut"] == "1",
                        tail_cut=row["tail_cut"] == "1",
                    )
                )
            except (KeyError, ValueError) as exc:
                raise RoomCorpusError(f"{index}: bad row for {row.get('path')!r}: {exc}") from None
        self._memo: dict[str, F64] = {}

    def samples(self, path: str) -> F64:
        if path not in self._memo:
            sf = _need("soundfile")
            try:
                x, rate = sf.read(str(self.root / path), dtype="float64", always_2d=True)
            except (OSError, RuntimeError) as exc:
                raise RoomCorpusError(f"cannot read {self.root / path}: {exc}") from None
            if rate != RATE_HZ:
                raise RoomCorpusError(f"{path}: {rate} Hz, expected {RATE_HZ} Hz")
            self._memo[path] = x.mean(axis=1)
        return self._memo[path]

    def clip(self, entry: Entry) -> Clip:
        """The file, without what lies below any voice (see ``BELOW_VOICE_HZ``), trimmed around
        its speech (or sound) boundaries, as espeak clips are."""
        x = below_voice_removed(self.samples(entry.path))
        bounds = speech_bounds(x, RATE_HZ)
        if bounds is None:
            raise RoomCorpusError(f"{entry.path} is silent")
        return trim_clip(x, *bounds)

    def events(self, kind: str, split: str) -> list[Entry]:
        return sorted(
            (
                e
                for e in self.entries
                if e.kind == "event" and e.owner == kind and event_split(e.file_name) == split
            ),
            key=lambda e: e.path,
        )

    def rir(self) -> F64:
        rirs = [e for e in self.entries if e.kind == "rir"]
        if not rirs:
            raise RoomCorpusError(f"{self.root}: no measured room response in the index")
        return self.samples(rirs[0].path)


def trim_clip(x: F64, start: int, end: int, margin_s: float = 0.02) -> Clip:
    """Keep ``margin_s`` around [start, end) and fade the kept margins in and out (5 ms)."""
    margin = round(margin_s * RATE_HZ)
    lo, hi = max(0, start - margin), min(x.size, end + margin)
    out = x[lo:hi].astype(np.float32)
    fade = min(round(0.005 * RATE_HZ), start - lo, hi - end)
    if fade > 0:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        out[:fade] *= ramp
        out[out.size - fade :] *= ramp[::-1]
    return Clip(out, start - lo, end - lo)


BORROWED_NAME_SPREAD_DB = 3.0
"""A borrowed name's level re the question's: normal with this standard deviation (the pack's
own names lie 0.6 ± 3.1 dB from their speaker's question, tune split, seed 0), cut at twice it."""


def speech_level_db(clips: list[Clip]) -> float:
    """The mean power of the clips' speech (between their boundaries), in dB."""
    power = [np.mean(c.samples[c.start : c.end].astype(np.float64) ** 2) for c in clips]
    return float(10 * np.log10(np.mean(power) + 1e-20))


def at_level_of(clip: Clip, question: list[Clip], rng: np.random.Generator) -> Clip:
    """The clip scaled so its speech lies about at the question's level (see
    ``BORROWED_NAME_SPREAD_DB``)."""
    spread = BORROWED_NAME_SPREAD_DB
    offset = float(np.clip(rng.normal(0.0, spread), -2 * spread, 2 * spread))
    gain_db = speech_level_db(question) + offset - speech_level_db([clip])
    return Clip((clip.samples * 10 ** (gain_db / 20)).astype(np.float32), clip.start, clip.end)


def _envelope_db(clip: Clip) -> F64:
    """The clip's centred 5 ms RMS envelope in dB re its peak."""
    x = clip.samples.astype(np.float64)
    width = max(1, round(RATE_HZ * ENVELOPE_MS / 1000))
    env = np.sqrt(np.convolve(x * x, np.ones(width) / width, mode="same"))
    return 20 * np.log10(env / (env.max() + 1e-30) + 1e-12)


def internal_gaps(clip: Clip, min_s: float = 0.1) -> list[tuple[int, int]]:
    """Runs inside the clip's speech where its 5 ms envelope stays under peak − 40 dB."""
    quiet = _envelope_db(clip) < -40.0
    quiet[: clip.start] = quiet[clip.end :] = False
    edges = np.flatnonzero(np.diff(np.concatenate(([0], quiet.astype(np.int8), [0]))))
    runs = list(zip(edges[::2], edges[1::2], strict=True))
    return [(int(a), int(b)) for a, b in runs if b - a >= min_s * RATE_HZ]


EDGE_RUN_S = 0.2
EDGE_RUN_DB = -30.0
WORD_GAP_S = 0.15
CLICK_S = 0.06


def label_safe(clip: Clip, word: bool) -> bool:
    """Whether the boundary rule finds this clip's speech and nothing else.

    Refused: a word with a gap of 0.15 s or more inside (a click or a breath before or after
    it); an utterance whose first or last active stretch before such a gap is under 60 ms (a
    click); an utterance whose first or last 0.2 s stay under −30 dB re its peak (a long breath,
    noise or room tail that the rule counts as speech).
    """
    gaps = internal_gaps(clip, WORD_GAP_S)
    if word and gaps:
        return False
    if gaps and (
        gaps[0][0] - clip.start < CLICK_S * RATE_HZ or clip.end - gaps[-1][1] < CLICK_S * RATE_HZ
    ):
        return False
    env = _envelope_db(clip)[clip.start : clip.end]
    edge = round(EDGE_RUN_S * RATE_HZ)
    return bool(env[:edge].max() > EDGE_RUN_DB and env[-edge:].max() > EDGE_RUN_DB)


MIXED_TAIL_FAMILIES = frozenset({"nl_fillets"})
"""Sources whose lines end in a reverberant tail from their mix (the game's dub): 0.2–0.4 s at
−30…−40 dB re the peak, which the boundary rule would count as speech."""


def cut_mixed_tail(clip: Clip) -> Clip:
    """Fade the clip out over 20 ms from the last point its envelope reaches −30 dB re its peak,
    and find its boundaries again with the same rule on what is left."""
    env = _envelope_db(clip)
    last = int(np.flatnonzero(env >= EDGE_RUN_DB)[-1])
    fade = round(0.02 * RATE_HZ)
    x = clip.samples.astype(np.float64)[: last + fade].copy()
    x[last:] *= np.linspace(1.0, 0.0, x.size - last)
    bounds = speech_bounds(x, RATE_HZ)
    return clip if bounds is None else trim_clip(x, *bounds)


@dataclass(slots=True)
class Speaker:
    name: str
    lang: str
    sex: str
    words: list[Entry] = field(default_factory=list)
    lines: list[Entry] = field(default_factory=list)
    counting: list[Entry] = field(default_factory=list)


def _majority_sex(dev: DevAudio, speaker: str) -> str:
    """The sex most of a speaker's files give (metadata, or the pitch guess where it has none)."""
    votes = [e.sex for e in dev.entries if e.owner == speaker and e.sex != "?"]
    return max(sorted(set(votes)), key=votes.count) if votes else "?"


def speakers_of(dev: DevAudio, split: str) -> dict[str, Speaker]:
    """The split's speakers with their usable clips (cut or noisy clips left out)."""
    out: dict[str, Speaker] = {}
    for e in dev.entries:
        if e.kind not in ("word", "sentence", "question") or speaker_split(e.owner) != split:
            continue
        if not e.usable_speech:
            continue
        s = out.setdefault(e.owner, Speaker(e.owner, e.lang, _majority_sex(dev, e.owner)))
        if e.owner.startswith("en_coswara_"):
            s.counting.append(e)
        elif e.active_s <= WORD_MAX_S:
            s.words.append(e)
        elif e.active_s <= LINE_MAX_S:
            s.lines.append(e)
    return {k: v for k, v in sorted(out.items()) if v.counting or v.lines or len(v.words) >= 3}


# --- rooms --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rir:
    h: F64
    delay: int
    """Samples from the start of ``h`` to the direct sound."""
    distance_m: float | None


@dataclass(frozen=True, slots=True)
class Room:
    name: str
    kind: str
    rt60_s: float
    near: tuple[Rir, ...]
    """The teacher, 0.3–1.5 m from the microphone."""
    events: tuple[Rir, ...]
    """Sources of events and typing, 1–4 m away."""
    far: tuple[Rir, ...]
    """Other talkers, 3–7 m away (as far as the room allows)."""


def measure_rt60(h: F64) -> float:
    """RT60 from the Schroeder decay: the −5…−25 dB slope, extrapolated to 60 dB."""
    energy = np.cumsum((h * h)[::-1])[::-1]
    db = 10 * np.log10(energy / energy[0] + 1e-30)
    t5 = int(np.argmax(db <= -5.0))
    t25 = int(np.argmax(db <= -25.0))
    if t25 <= t5:
        return float("nan")
    return 3.0 * (t25 - t5) / RATE_HZ


def _position(
    rng: np.random.Generator,
    mic: F64,
    dims: F64,
    dist: tuple[float, float],
    elevation_deg: tuple[float, float],
) -> tuple[F64, float]:
    lo, hi = dist
    for _ in range(200):
        d = rng.uniform(lo, hi)
        az = rng.uniform(0, 2 * np.pi)
        el = np.radians(rng.uniform(*elevation_deg))
        p = mic + d * np.array([np.cos(el) * np.cos(az), np.cos(el) * np.sin(az), np.sin(el)])
        if np.all(p > 0.15) and np.all(p < dims - 0.15):
            return p, float(d)
        lo, hi = max(0.3, lo * 0.97), max(0.3, hi * 0.97)  # a small room: come closer
    raise RoomCorpusError("no source position fits in the room")


def make_room(rng: np.random.Generator, name: str) -> Room:
    """A shoebox office or classroom with a target RT60 of 0.3–1.0 s (pyroomacoustics)."""
    pra = _need("pyroomacoustics")
    kind = "office" if rng.random() < 0.5 else "classroom"
    if kind == "office":
        dims = np.array([rng.uniform(3.5, 6.0), rng.uniform(3.0, 5.0), rng.uniform(2.5, 3.0)])
    else:
        dims = np.array([rng.uniform(7.0, 10.0), rng.uniform(6.0, 9.0), rng.uniform(2.8, 3.4)])
    target = rng.uniform(0.3, 1.0)
    mic = np.array([rng.uniform(0.8, dims[0] - 0.8), rng.uniform(0.8, dims[1] - 0.8), 0.0])
    mic[2] = rng.uniform(0.7, 1.0)  # on a table
    near = [_position(rng, mic, dims, (0.3, 1.5), (-10.0, 45.0)) for _ in range(3)]
    events = [_position(rng, mic, dims, (1.0, 4.0), (-50.0, 30.0)) for _ in range(3)]
    far = [_position(rng, mic, dims, (3.0, 7.0), (-5.0, 25.0)) for _ in range(2)]
    sources = near + events + far
    design = target
    for _ in range(2):  # image sources outlast Sabine's estimate: correct the design once
        absorption, order = pra.inverse_sabine(design, dims)
        room = pra.ShoeBox(
            dims,
            fs=RATE_HZ,
            materials=pra.Material(absorption),
            max_order=min(order, MAX_IMAGE_ORDER),
        )
        for p, _ in sources:
            room.add_source(p)
        room.add_microphone(mic)
        room.compute_rir()
        rirs = [np.asarray(room.rir[0][k], dtype=np.float64) for k in range(len(sources))]
        measured = measure_rt60(rirs[0])
        if abs(measured - target) <= 0.08 * target:
            break
        design *= target / measured
    offset = pra.constants.get("frac_delay_length") // 2

    def rir(k: int) -> Rir:
        pos, dist = sources[k]
        h = rirs[k]
        h = h[: min(h.size, round(1.5 * max(measured, 0.3) * RATE_HZ))]
        return Rir(h / np.max(np.abs(h)), round(dist / SPEED_OF_SOUND * RATE_HZ) + offset, dist)

    return Room(
        name=name,
        kind=kind,
        rt60_s=round(float(measured), 3),
        near=tuple(rir(k) for k in range(3)),
        events=tuple(rir(k) for k in range(3, 6)),
        far=tuple(rir(k) for k in range(6, 8)),
    )


def measured_room(dev: DevAudio) -> Room:
    """The measured seminar room: its response trimmed to 2.5 ms before the direct peak."""
    h = np.asarray(dev.rir(), dtype=np.float64)
    peak = int(np.argmax(np.abs(h)))
    pre = round(0.0025 * RATE_HZ)
    h = np.concatenate((np.zeros(max(0, pre - peak)), h[max(0, peak - pre) :]))
    h = h / np.max(np.abs(h))
    r = Rir(h, pre, None)
    return Room("seminar", "seminar", round(measure_rt60(h), 3), (r,), (r,), (r,))


def _source_key(*extra: object) -> str:
    """Key of the cached pools and corpora: this code, the generator's, the split and options."""
    digest = hashlib.sha1()
    for name in ("rooms.py", "generate.py", "room_split.py"):
        digest.update((HERE / name).read_bytes())
    digest.update(repr(extra).encode())
    return digest.hexdigest()[:16]


def _plain_rooms(rooms: list[Room]) -> list[tuple[Any, ...]]:
    """Rooms as tuples of built-in values and arrays: a cache file that does not depend on the
    module the classes were defined in (``rooms`` imported, or run as a script)."""

    def rirs(group: tuple[Rir, ...]) -> tuple[tuple[F64, int, float | None], ...]:
        return tuple((r.h, r.delay, r.distance_m) for r in group)

    return [(r.name, r.kind, r.rt60_s, rirs(r.near), rirs(r.events), rirs(r.far)) for r in rooms]


def _rooms_from_plain(data: list[tuple[Any, ...]]) -> list[Room]:
    def rirs(group: tuple[tuple[F64, int, float | None], ...]) -> tuple[Rir, ...]:
        return tuple(Rir(np.asarray(h, dtype=np.float64), int(d), m) for h, d, m in group)

    return [
        Room(str(name), str(kind), float(rt60), rirs(near), rirs(events), rirs(far))
        for name, kind, rt60, near, events, far in data
    ]


class RoomPool:
    """The split's simulated rooms (made once, cached on disk) and the measured room."""

    def __init__(self, split: str, dev: DevAudio, cache_dir: Path = CORPUS_DIR) -> None:
        path = cache_dir / f"pool-{split}-{_source_key(split, ROOMS_PER_SPLIT)}.pkl"
        rooms: list[Room] | None = None
        if path.is_file():
            try:
                with path.open("rb") as f:
                    rooms = _rooms_from_plain(pickle.load(f))  # noqa: S301 — our own cache file
            except Exception:  # unreadable or of another layout: made anew below
                rooms = None
        if rooms is None:
            seed = int(hashlib.sha1(f"rooms-{split}".encode()).hexdigest()[:8], 16)
            rng = np.random.default_rng(seed)
            rooms = [make_room(rng, f"{split}-room{k:02d}") for k in range(ROOMS_PER_SPLIT)]
            cache_dir.mkdir(parents=True, exist_ok=True)
            for stale in cache_dir.glob(f"pool-{split}-*.pkl"):
                stale.unlink(missing_ok=True)  # made by other code
            tmp = path.with_name(f".{os.getpid()}-{path.name}")  # two processes may make it at once
            with tmp.open("wb") as f:
                pickle.dump(_plain_rooms(rooms), f)
            tmp.replace(path)
        self.shoeboxes = rooms
        self.seminar = measured_room(dev)


# --- sounds -------------------------------------------------------------------------------------


BELOW_VOICE_HZ = 50.0
"""The pack's recordings are high-passed here before their boundaries are found: no voice has
anything below 50 Hz, but recordings do (a DC offset, a handling thump, a breath pop: 0–30 Hz),
and the boundary rule would count it as speech. In 105 of the 965 speech files it moved a
boundary by more than 20 ms, in some by over 150 ms (a word "ending" in a thump)."""


def below_voice_removed(x: F64) -> F64:
    """``x`` without what lies under ``BELOW_VOICE_HZ``: a second-order Butterworth high-pass
    applied forwards and backwards (its magnitude squared, no phase, so no delay), in the
    frequency domain over the whole file padded with silence."""
    x = np.asarray(x, dtype=np.float64)
    n = 1 << int(np.ceil(np.log2(x.size + RATE_HZ)))  # a second of padding: no wrap-around
    f = np.fft.rfftfreq(n, 1.0 / RATE_HZ)
    r4 = (f / BELOW_VOICE_HZ) ** 4
    gain = r4 / (1.0 + r4)
    return np.fft.irfft(np.fft.rfft(x, n) * gain, n)[: x.size]


def _butter(x: F64, kind: str, cutoff: float | tuple[float, float], order: int = 2) -> F64:
    signal = _need("scipy.signal")
    sos = signal.butter(order, cutoff, btype=kind, fs=RATE_HZ, output="sos")
    return np.asarray(signal.sosfilt(sos, x), dtype=np.float64)


def _convolve(x: F64, h: F64) -> F64:
    signal = _need("scipy.signal")
    return np.asarray(signal.fftconvolve(x, h)[: x.size], dtype=np.float64)


def synth_chair(rng: np.random.Generator) -> F64:
    """A chair scraped over the floor: stick-slip judder (a jittered 25–90 Hz pulse train through
    floor and chair-leg resonances, 200 Hz–4 kHz) plus broadband friction noise, 0.3–1.2 s."""
    n = round(rng.uniform(0.3, 1.2) * RATE_HZ)
    rate = rng.uniform(25.0, 90.0) * np.exp(np.cumsum(rng.normal(0, 0.002, n)))
    phase = np.cumsum(rate / RATE_HZ)
    pulses = np.diff(np.floor(phase), prepend=0.0) * rng.lognormal(0.0, 0.4, n)
    judder = _butter(
        _convolve(pulses, rng.standard_normal(80) * np.exp(-np.arange(80) / 15)),
        "bandpass",
        (200.0, 4000.0),
    )
    friction = _butter(rng.standard_normal(n), "bandpass", (1000.0, 6000.0))
    y = judder / (np.std(judder) + 1e-12) + 0.3 * friction / np.std(friction)
    env = np.minimum(1.0, np.arange(n) / (0.03 * RATE_HZ)) * np.minimum(
        1.0, (n - np.arange(n)) / (0.05 * RATE_HZ)
    )
    wobble = 1.0 + 0.4 * np.sin(2 * np.pi * rng.uniform(1.0, 4.0) * np.arange(n) / RATE_HZ)
    return y * env * wobble


def synth_paper(rng: np.random.Generator) -> F64:
    """Paper rustle: random crackles (1–8 ms bursts of noise above 1 kHz, 30–120 a second,
    log-normal loudness) over a soft hiss, swelling two or three times, 0.4–1.5 s."""
    n = round(rng.uniform(0.4, 1.5) * RATE_HZ)
    y = 0.1 * rng.standard_normal(n)
    count = rng.poisson(rng.uniform(30.0, 120.0) * n / RATE_HZ)
    for start in rng.integers(0, n, size=count):
        length = int(rng.integers(16, 128))
        burst = rng.standard_normal(length) * np.hanning(length) * rng.lognormal(0.0, 0.8)
        y[start : start + length] += burst[: n - start]
    y = _butter(y, "highpass", 1000.0)
    t = np.arange(n) / n
    swells = rng.integers(2, 4)
    env = 0.3 + 0.7 * np.abs(np.sin(np.pi * swells * t + rng.uniform(0, np.pi)))
    return y * env * np.hanning(n) ** 0.2


def synth_pen(rng: np.random.Generator) -> F64:
    """One to four pen taps on a desk, 0.12–0.4 s apart: each a click (1 ms of noise) and two or
    three damped resonances of 1.5–6 kHz decaying in 3–15 ms, plus a 600–1000 Hz body knock."""
    taps = int(rng.integers(1, 5))
    gaps = rng.uniform(0.12, 0.4, taps - 1)
    n = round((gaps.sum() + 0.1) * RATE_HZ)
    y = np.zeros(n)
    t = np.arange(round(0.06 * RATE_HZ)) / RATE_HZ
    pos = 0
    for k in range(taps):
        tap = np.zeros(t.size)
        tap[:16] += rng.standard_normal(16)
        for _ in range(int(rng.integers(2, 4))):
            f, tau = rng.uniform(1500.0, 6000.0), rng.uniform(0.003, 0.015)
            tap += rng.uniform(0.3, 1.0) * np.sin(2 * np.pi * f * t) * np.exp(-t / tau)
        tap += 0.5 * np.sin(2 * np.pi * rng.uniform(600, 1000) * t) * np.exp(-t / 0.008)
        y[pos : pos + t.size] += tap[: n - pos] * rng.uniform(0.6, 1.0)
        if k < taps - 1:
            pos += round(gaps[k] * RATE_HZ)
    return y


SYNTH_EVENTS: dict[str, Callable[[np.random.Generator], F64]] = {
    "chair": synth_chair,
    "paper": synth_paper,
    "pen": synth_pen,
}


def fan_noise(rng: np.random.Generator, n: int) -> F64:
    """Fan / HVAC: pink and brown noise, low-passed at 2–5 kHz, with motor hum (40–120 Hz and
    harmonics), a blade-pass tone (100–400 Hz) and a slow flutter. Unit RMS."""
    y = 0.7 * _coloured(rng, n, 1.0) + 0.5 * _coloured(rng, n, 2.0)
    y = _butter(y, "lowpass", rng.uniform(2000.0, 5000.0))
    y /= np.std(y) + 1e-12
    t = np.arange(n) / RATE_HZ
    motor, blade = rng.uniform(40.0, 120.0), rng.uniform(100.0, 400.0)
    tones = np.zeros(n)
    for k in range(1, 6):
        tones += rng.uniform(0.2, 0.6) / k * np.sin(2 * np.pi * motor * k * t + rng.uniform(0, 6))
    for k in (1, 2):
        tones += rng.uniform(0.3, 0.8) / k * np.sin(2 * np.pi * blade * k * t + rng.uniform(0, 6))
    y = y + rng.uniform(0.2, 0.6) * tones / (np.std(tones) + 1e-12)
    y *= 1.0 + 0.05 * np.sin(2 * np.pi * rng.uniform(0.1, 0.5) * t)
    return y / (np.sqrt(np.mean(y * y)) + 1e-12)


# --- microphones --------------------------------------------------------------------------------


def laptop_response(rng: np.random.Generator, x: F64) -> F64:
    """A laptop microphone: high-pass at 150–350 Hz, low-pass at 6–7.5 kHz, and a rising tilt
    (+3…+8 dB above about 2 kHz)."""
    y = _butter(x, "highpass", rng.uniform(150.0, 350.0))
    y = _butter(y, "lowpass", rng.uniform(6000.0, 7500.0), order=4)
    boost = 10 ** (rng.uniform(3.0, 8.0) / 20) - 1.0
    return y + boost * _butter(y, "highpass", rng.uniform(1500.0, 2500.0), order=1)


@dataclass(frozen=True, slots=True)
class Agc:
    """Automatic gain control: the gain follows target − level (20 ms RMS), falls within the
    attack time when the level rises, and after a hold rises with the release time constant, so
    over a pause of 0.5–2 s it climbs towards its maximum and lifts the room with it."""

    target_dbfs: float
    max_gain_db: float
    attack_s: float
    hold_s: float
    release_s: float

    @classmethod
    def draw(cls, rng: np.random.Generator) -> Agc:
        return cls(
            target_dbfs=rng.uniform(-26.0, -18.0),
            max_gain_db=rng.uniform(20.0, 35.0),
            attack_s=rng.uniform(0.005, 0.05),
            hold_s=rng.uniform(0.05, 0.3),
            release_s=rng.uniform(0.5, 2.0) / 3.0,
        )

    def gains_db(self, x: F64) -> F64:
        block = round(0.005 * RATE_HZ)
        nb = x.size // block + 1
        padded = np.zeros(nb * block)
        padded[: x.size] = x
        power = (padded.reshape(nb, block) ** 2).mean(axis=1)
        level = 10 * np.log10(np.convolve(power, np.ones(4) / 4, mode="same") + 1e-12)
        desired = np.clip(self.target_dbfs - level, -20.0, self.max_gain_db)
        a_att = 1 - np.exp(-0.005 / self.attack_s)
        a_rel = 1 - np.exp(-0.005 / self.release_s)
        g = np.empty(nb)
        gain, held = float(desired[0]), 0.0
        for k in range(nb):
            want = desired[k]
            if want < gain:
                gain += (want - gain) * a_att
                held = 0.0
            elif held < self.hold_s:
                held += 0.005
            else:
                gain += (want - gain) * a_rel
            g[k] = gain
        centres = np.arange(nb) * block + block / 2
        return np.interp(np.arange(x.size), centres, g)

    def apply(self, x: F64) -> F64:
        return np.clip(x * 10 ** (self.gains_db(x) / 20), -0.99, 0.99)


# --- the corpus ---------------------------------------------------------------------------------


@dataclass(slots=True)
class Voice:
    """The speech of one round before the room: clips with the gap before each."""

    source: str
    lang: str
    speaker: str
    name_speaker: str | None
    question_text: str | None
    name_text: str | None
    parts: list[tuple[Clip, float]]
    hesitation_s: float | None
    voice: str = ""
    speed_wpm: int = 0
    pitch: int = 0
    words_after_name: str | None = None


class RoomCorpus:
    """Makes the rounds of one split; round ``index`` of seed ``seed`` is always the same."""

    def __init__(self, split: str, dev: DevAudio, bank: SpeechBank, pool: RoomPool) -> None:
        if split not in SPLITS:
            raise RoomCorpusError(f"unknown split {split!r}; choose from {', '.join(SPLITS)}")
        self.split = split
        self.dev = dev
        self.bank = bank
        self.pool = pool
        self._clips: dict[str, Clip] = {}
        self.speakers: dict[str, Speaker] = {}
        for name, sp in speakers_of(dev, split).items():
            sp.words = [e for e in sp.words if label_safe(self.clip(e), word=True)]
            sp.lines = [e for e in sp.lines if label_safe(self.clip(e), word=False)]
            sp.counting = [e for e in sp.counting if label_safe(self.clip(e), word=False)]
            if sp.counting or sp.lines or len(sp.words) >= 3:
                self.speakers[name] = sp
        self.events = {k: dev.events(k, split) for k in REAL_EVENT_KINDS}
        empty = [k for k, v in self.events.items() if not v]
        if not self.speakers or empty:
            raise RoomCorpusError(f"split {split}: no speakers or no {empty} events in {dev.root}")

    def clip(self, entry: Entry) -> Clip:
        if entry.path not in self._clips:
            clip = self.dev.clip(entry)
            if family(entry.owner) in MIXED_TAIL_FAMILIES:
                clip = cut_mixed_tail(clip)
            self._clips[entry.path] = clip
        return self._clips[entry.path]

    # -- voices --

    def espeak_voice(self, rng: np.random.Generator, after: np.random.Generator | None) -> Voice:
        """A synthetic voice; with ``after``, it says words of ``WORDS_AFTER`` on after the name
        (drawn from ``after`` alone)."""
        lang = "nl" if rng.random() < 0.5 else "en"
        variant = VOICE_VARIANTS[int(rng.integers(len(VOICE_VARIANTS)))]
        speed = SPEEDS_WPM[int(rng.integers(len(SPEEDS_WPM)))]
        pitch = PITCHES[int(rng.integers(len(PITCHES)))]
        question = QUESTIONS[lang][int(rng.integers(len(QUESTIONS[lang])))]
        name = NAMES[int(rng.integers(len(NAMES)))]

        def say(text: str) -> Clip:
            return self.bank.clip(text, lang, variant, speed, pitch, RATE_HZ)

        hesitation = float(rng.uniform(0.3, 0.8)) if rng.random() < 0.25 else None
        if hesitation is not None:
            first, second = _split_question(question, rng)
            q_parts = [(say(first), 0.0), (say(second), hesitation)]
        else:
            q_parts = [(say(question), 0.0)]
        words_after = None
        if after is not None:
            words_after = WORDS_AFTER[lang][int(after.integers(len(WORDS_AFTER[lang])))]
        name_said = say(f"{name}.") if words_after is None else say(f"{name}, {words_after}")
        return Voice(
            "espeak",
            lang,
            f"espeak {lang}+{variant}",
            f"espeak {lang}+{variant}",
            question,
            name,
            q_parts + [(name_said, 0.0)],
            hesitation,
            f"{lang}+{variant}",
            speed,
            pitch,
            words_after,
        )

    def real_voice(self, rng: np.random.Generator, after: np.random.Generator | None) -> Voice:
        """A speaker of the split; with ``after``, the speaker goes on after the name with words
        of their own (``_words_after``), drawn from ``after`` alone."""
        # A source first (the 41 speech-commands speakers must not drown the 4 Dutch ones).
        families = sorted({family(name) for name in self.speakers})
        chosen_family = families[int(rng.integers(len(families)))]
        names = [name for name in self.speakers if family(name) == chosen_family]
        sp = self.speakers[names[int(rng.integers(len(names)))]]
        hes_wanted = rng.random() < 0.25
        used: set[str] = set()
        q_parts: list[tuple[Clip, float]] = []
        texts: list[str] = []
        hesitation: float | None = None
        if sp.counting:
            entry = sp.counting[int(rng.integers(len(sp.counting)))]
            full = self.clip(entry)
            gaps = internal_gaps(full, 0.15)
            # Cut the counting in a gap so that 2–6 s of it remain: a question with natural pauses.
            cuts = [
                (a + b) // 2 for a, b in gaps if 2.0 * RATE_HZ <= a - full.start <= 6.0 * RATE_HZ
            ]
            if cuts:
                part = full.samples.astype(np.float64)[: cuts[int(rng.integers(len(cuts)))]]
                bounds = speech_bounds(part, RATE_HZ)
                clip = full if bounds is None else trim_clip(part, *bounds)
            else:
                clip = full
            inner = [b - a for a, b in internal_gaps(clip, 0.3)]
            hesitation = max(inner) / RATE_HZ if inner else None
            q_parts.append((clip, 0.0))
            texts.append("counting")
            used.add(entry.path)
        elif sp.lines:
            picks = 2 if hes_wanted and len(sp.lines) >= 2 else 1
            chosen = rng.choice(len(sp.lines), size=picks, replace=False)
            for k, idx in enumerate(chosen):
                entry = sp.lines[int(idx)]
                gap = 0.0
                if k:
                    hesitation = float(rng.uniform(0.3, 0.8))
                    gap = hesitation
                q_parts.append((self.clip(entry), gap))
                texts.append(_line_text(entry))
                used.add(entry.path)
        else:
            count = min(len(sp.words) - 1, int(rng.integers(3, 7)))
            chosen = rng.choice(len(sp.words), size=count, replace=False)
            hes_at = int(rng.integers(1, count)) if hes_wanted and count >= 2 else -1
            for k, idx in enumerate(chosen):
                entry = sp.words[int(idx)]
                gap = 0.0 if k == 0 else float(rng.uniform(0.05, 0.2))
                if k == hes_at:
                    gap = hesitation = float(rng.uniform(0.3, 0.8))
                q_parts.append((self.clip(entry), gap))
                texts.append(_word_text(entry))
                used.add(entry.path)
        name_entry, name_speaker = self._name_for(rng, sp, used)
        name_clip = self.clip(name_entry)
        if name_speaker != sp.name:
            # A name borrowed from another recording carries that recording's gain (up to 17 dB
            # off the question's); a teacher says the name at about the level of the question.
            name_clip = at_level_of(name_clip, [c for c, _ in q_parts], rng.spawn(1)[0])
        words_after = None
        if after is not None:
            more = self._words_after(after, sp, used | {name_entry.path})
            if more:
                words_after = " ".join(text for text, _, _ in more)
                name_clip = run_on(name_clip, [(clip, gap) for _, clip, gap in more])
        return Voice(
            "real",
            sp.lang,
            sp.name,
            name_speaker,
            " ".join(texts),
            _word_text(name_entry),
            q_parts + [(name_clip, 0.0)],
            hesitation,
            sp.name,
            words_after_name=words_after,
        )

    def _words_after(
        self, rng: np.random.Generator, sp: Speaker, used: set[str]
    ) -> list[tuple[str, Clip, float]]:
        """What ``sp`` says straight after the name: 1–3 of their words not yet said, else one
        of their short lines; nothing for a speaker who only counts. Each with the gap before
        it."""
        words = [w for w in sp.words if w.path not in used]
        lines = [e for e in sp.lines if e.path not in used and e.active_s <= WORDS_AFTER_LINE_MAX_S]
        if words:
            count = min(len(words), int(rng.integers(1, WORDS_AFTER_MAX + 1)))
            chosen = [words[int(k)] for k in rng.choice(len(words), size=count, replace=False)]
            texts = [_word_text(e) for e in chosen]
        elif lines:
            chosen = [lines[int(rng.integers(len(lines)))]]
            texts = [_line_text(e) for e in chosen]
        else:
            return []
        gaps = rng.uniform(*WORDS_AFTER_GAP_S, len(chosen))
        return [
            (text, self.clip(e), float(g)) for text, e, g in zip(texts, chosen, gaps, strict=True)
        ]

    def _name_for(self, rng: np.random.Generator, sp: Speaker, used: set[str]) -> tuple[Entry, str]:
        """A word of the same speaker; else one of a speaker of the same language and sex."""
        own = [w for w in sp.words if w.path not in used]
        if own:
            names = [w for w in own if _word_text(w) in ("marvin", "sheila")]
            if names and rng.random() < 0.5:
                own = names
            return own[int(rng.integers(len(own)))], sp.name
        for same_sex in (True, False):
            donors = [
                d
                for d in self.speakers.values()
                if d.name != sp.name
                and d.words
                and d.lang == sp.lang
                and (d.sex == sp.sex or not same_sex)
            ]
            if donors:
                d = donors[int(rng.integers(len(donors)))]
                return d.words[int(rng.integers(len(d.words)))], d.name
        short = sorted(sp.lines, key=lambda e: e.active_s)[:3]
        if short:
            return short[int(rng.integers(len(short)))], sp.name
        donors = [d for d in self.speakers.values() if d.words]
        d = donors[int(rng.integers(len(donors)))]
        return d.words[int(rng.integers(len(d.words)))], d.name

    # -- events and noise --

    def event(self, rng: np.random.Generator, kind: str) -> F64:
        """The dry sound of one event of this kind (a bout, a few key presses or steps)."""
        if kind in SYNTH_EVENTS:
            return SYNTH_EVENTS[kind](rng)
        files = self.events[kind]
        if kind in ("keyboard", "footsteps"):
            count = int(rng.integers(1, 5 if kind == "keyboard" else 4))
            spacing = (0.12, 0.35) if kind == "keyboard" else (0.4, 0.65)
            return self._sequence(rng, files, count, spacing)
        return self.clip(files[int(rng.integers(len(files)))]).samples.astype(np.float64)

    def _sequence(
        self,
        rng: np.random.Generator,
        files: list[Entry],
        count: int,
        spacing: tuple[float, float],
        length: int | None = None,
    ) -> F64:
        starts = np.concatenate(([0.0], np.cumsum(rng.uniform(*spacing, count - 1))))
        clips = [self.clip(files[int(rng.integers(len(files)))]).samples for _ in range(count)]
        n = length or round(starts[-1] * RATE_HZ) + clips[-1].size
        y = np.zeros(n)
        for s, c in zip(starts, clips, strict=True):
            a = round(s * RATE_HZ)
            if a < n:
                y[a : a + c.size] += c[: n - a] * rng.uniform(0.5, 1.0)
        return y

    def typing(self, rng: np.random.Generator, n: int, rir: Rir) -> F64:
        """Someone typing: words of 2–8 keys 90–220 ms apart, 0.2–0.7 s between words, now and
        then a pause of 1–2.5 s. Real key sounds through a room response. Unit RMS."""
        y = np.zeros(n)
        pos = -int(rng.integers(0, RATE_HZ))
        files = self.events["keyboard"]
        while pos < n:
            keys = int(rng.integers(2, 9))
            word = self._sequence(rng, files, keys, (0.09, 0.22))
            lo, hi = max(pos, 0), min(pos + word.size, n)
            if hi > lo:
                y[lo:hi] += word[lo - pos : hi - pos]
            pause = rng.uniform(1.0, 2.5) if rng.random() < 0.15 else rng.uniform(0.2, 0.7)
            pos += word.size + round(pause * RATE_HZ)
        y = _convolve(y, rir.h)
        return y / (np.sqrt(np.mean(y * y)) + 1e-12)

    def talkers(self, rng: np.random.Generator, n: int, rirs: list[Rir], skip: set[str]) -> F64:
        """Two or three other people talking across the room: real utterances of this split's
        other speakers, one after another with 0.1–0.6 s between, each talker through its own
        far room response. Unit RMS."""
        others = [s for s in self.speakers.values() if s.name not in skip]
        out = np.zeros(n)
        for k in range(int(rng.integers(2, 4))):
            sp = others[int(rng.integers(len(others)))]
            pool = sp.lines + sp.counting or sp.words
            stream = np.zeros(n)
            pos = -int(rng.integers(0, 2 * RATE_HZ))
            while pos < n:
                seg = self.clip(pool[int(rng.integers(len(pool)))]).samples.astype(np.float64)
                seg = seg / (np.max(np.abs(seg)) + 1e-9)
                lo, hi = max(pos, 0), min(pos + seg.size, n)
                if hi > lo:
                    stream[lo:hi] += seg[lo - pos : hi - pos]
                pos += seg.size + round(rng.uniform(0.1, 0.6) * RATE_HZ)
            stream = _convolve(stream, rirs[k % len(rirs)].h)
            out += stream / (np.std(stream) + 1e-12) * 10 ** (rng.uniform(-3.0, 3.0) / 20)
        return out / (np.sqrt(np.mean(out * out)) + 1e-12)

    # -- the round --

    def make(self, seed: int, index: int, more_room_s: float = 0.0) -> RoomItem:
        """Round ``index`` of seed ``seed``. ``more_room_s``: the room goes on this much longer
        after the recording (the ring of the last sound, the room's noise, the microphone's
        floor and gain), the round itself the same: up to its last 50 ms the first samples are
        those of the round without it (but for a rescale where the longer round peaks higher).
        The live benchmark needs it: there a round has to be able to end by itself however long
        it waits after the name."""
        split_no = SPLITS.index(self.split)
        # A round whose speech does not fit in MAX_ROUND_S is drawn again from a key of its own
        # (the first draw, which almost always fits, keeps the round as it always was).
        for attempt in range(MAX_DRAWS):
            extra = [attempt] if attempt else []
            rng = np.random.default_rng([seed, 9_000 + split_no, index, *extra])
            kind = _pick(rng, KINDS, KIND_WEIGHTS)
            real = rng.random() < REAL_VOICE_SHARE
            clean = rng.random() < CLEAN_SHARE
            # Words after the name: from a generator of its own, so that every other round
            # is drawn as it was before there were such rounds.
            after_rng = np.random.default_rng([seed, 29_000 + split_no, index, *extra])
            goes_on = kind in ("round", "no_pause") and after_rng.random() < WORDS_AFTER_SHARE
            after = after_rng if goes_on else None
            voice = self.real_voice(rng, after) if real else self.espeak_voice(rng, after)
            pause = _pause_s(rng)
            if voice.hesitation_s is not None:
                pause = max(pause, voice.hesitation_s + 0.7, 1.5)

            *q_parts, (name_clip, _) = voice.parts
            parts: list[tuple[Clip, float]] = []
            if kind in ("round", "no_pause"):
                parts = q_parts + [
                    (name_clip, pause if kind == "round" else float(rng.uniform(0.0, 0.08)))
                ]
            elif kind == "name_first":
                parts = [(name_clip, 0.0)] + [(c, g) for c, g in q_parts]
                parts[1] = (parts[1][0], float(rng.uniform(1.0, 4.0)))
            elif kind == "one_utterance":
                parts = q_parts
            hesitation = voice.hesitation_s if kind in ("round", "no_pause") else None
            speech_s = sum((c.end - c.start) / RATE_HZ + g for c, g in parts)
            if speech_s + MIN_AROUND_S <= MAX_ROUND_S:
                break
        else:
            raise RoomCorpusError(f"round {index}: no draw fits in {MAX_ROUND_S} s")

        # The scene.
        if clean:
            room_kind, mic, noise, snr = "dry", "flat", None, None
        else:
            room_kind = _pick(rng, ("dry", "shoebox", "seminar"), (0.1, 0.75, 0.15))
            mic = MICS[int(rng.integers(len(MICS)))]
            noise_pick = _pick(rng, ("none", *NOISE_KINDS), NOISE_WEIGHTS)
            noise = None if noise_pick == "none" else noise_pick
            snr = float(SNRS_DB[int(rng.integers(len(SNRS_DB)))]) if noise else None
        shoe = self.pool.shoeboxes[int(rng.integers(len(self.pool.shoeboxes)))]
        room = self.pool.seminar if room_kind == "seminar" else shoe
        near = room.near[int(rng.integers(len(room.near)))]
        speech_rir = None if room_kind == "dry" else near
        # Noise and events always come from across a room, even when the voice is dry.
        around = shoe if room_kind == "dry" else room

        # Place the dry clips: speech boundaries at exact sample offsets.
        total_s = float(np.clip(speech_s + rng.uniform(1.0, 3.0), 6.0, MAX_ROUND_S))
        lead_s = float(rng.uniform(0.3, max(0.35, min(1.5, total_s - speech_s - 0.5))))
        n = round(total_s * RATE_HZ)
        dry, spans = place_clips(parts, n, round(lead_s * RATE_HZ), RATE_HZ)
        if spans and spans[-1][1] > n - round(0.4 * RATE_HZ):
            raise RoomCorpusError(f"round {index} does not fit in {MAX_ROUND_S} s")
        # The room after the recording: from a generator of its own, so that every draw above
        # and below is the same with it as without it.
        more = round(more_room_s * RATE_HZ)
        more_rng = np.random.default_rng([seed, 19_000 + split_no, index])
        if more:
            dry = np.concatenate((dry, np.zeros(more)))

        # Through the room: labels move by the direct path's delay.
        delay = 0 if speech_rir is None else speech_rir.delay
        wet = dry if speech_rir is None else _convolve(dry, speech_rir.h)
        spans = [(a + delay, b + delay) for a, b in spans]
        target_peak = 10 ** (rng.uniform(-26.0, -6.0) / 20)
        if spans:
            wet = wet * (target_peak / np.max(np.abs(wet)))
            speech_rms = float(np.sqrt(np.mean(np.concatenate([wet[a:b] for a, b in spans]) ** 2)))
        else:
            speech_rms = 0.18 * target_peak
        x = wet.copy()

        # Events.
        event_spans: list[tuple[str, float, float]] = []
        event_in_pause: str | None = None
        outside: list[str] = []
        if kind == "round" and not clean and rng.random() < EVENT_IN_PAUSE_SHARE:
            lo_s = spans[-2][1] / RATE_HZ + EVENT_MARGIN_S
            hi_s = spans[-1][0] / RATE_HZ - EVENT_MARGIN_S
            event_in_pause = self._add_event(rng, x, target_peak, around, lo_s, hi_s, event_spans)
        if not clean and rng.random() < (EVENT_OUTSIDE_SHARE if spans else 0.6):
            if spans and rng.random() < 0.5:
                window = (0.05, spans[0][0] / RATE_HZ - EVENT_MARGIN_S)
            elif spans:
                window = (spans[-1][1] / RATE_HZ + 0.3, total_s - 0.3)
            else:
                window = (0.3, total_s - 0.3)
            got = self._add_event(rng, x, target_peak, around, *window, event_spans)
            if got is not None:
                outside.append(got)

        # Room noise at its SNR (speech power over its spans, noise power over the round).
        def background(r: np.random.Generator, length: int) -> F64 | None:
            if noise == "fan":
                return fan_noise(r, length)
            if noise == "keyboard":
                return self.typing(r, length, around.events[int(r.integers(len(around.events)))])
            if noise == "talkers":
                far = list(shoe.far) if room_kind == "dry" else list(room.far)
                return self.talkers(r, length, far, {voice.speaker, voice.name_speaker or ""})
            return None

        bg = background(rng, n)
        if bg is not None and more:
            if noise == "fan":
                # A fan goes on as it was (its hum and blade tones, its flutter): played on
                # backwards and forwards from the recording's end, without a jump.
                t = np.arange(n, n + more) % (2 * n)
                bg = np.concatenate((bg, bg[np.where(t < n, t, 2 * n - 1 - t)]))
            else:
                later = background(more_rng, more + JOIN)
                assert later is not None
                bg = joined(bg, later, JOIN)
        if bg is not None and snr is not None:
            x += bg * speech_rms * 10 ** (-snr / 20)

        # The microphone.
        if mic in ("laptop", "agc"):
            x = laptop_response(rng, x)
        floor = rng.standard_normal(n)
        if more:
            floor = np.concatenate((floor, more_rng.standard_normal(more)))
        x += speech_rms * 10 ** (-65 / 20) * floor
        if mic == "agc":
            x = Agc.draw(rng).apply(x)
        top = float(np.max(np.abs(x)))
        if top > 0.99:
            x *= 0.99 / top

        question_end_s = name_start_s = pause_s = None
        if kind == "round":
            question_end_s = spans[-2][1] / RATE_HZ
            name_start_s = spans[-1][0] / RATE_HZ
            pause_s = (spans[-1][0] - spans[-2][1]) / RATE_HZ
        condition = "no noise" if noise is None else f"{noise}@{snr:g}dB"
        return RoomItem(
            item_id=f"r{seed}-{self.split[0]}{index:05d}",
            kind=kind,
            expected_reason=EXPECTED_REASON[kind],
            lang=voice.lang,
            condition=condition,
            noise=noise,
            snr_db=snr,
            sample_rate_hz=RATE_HZ,
            sample_format="pcm16",
            samples=_quantize(x, "pcm16"),
            question_text=voice.question_text if kind != "silence" else None,
            name_text=voice.name_text if kind in ("round", "no_pause", "name_first") else None,
            voice=voice.voice,
            speed_wpm=voice.speed_wpm,
            pitch=voice.pitch,
            hesitation_s=None if hesitation is None else round(hesitation, 6),
            question_end_s=question_end_s,
            name_start_s=name_start_s,
            pause_s=pause_s,
            speech_spans_s=tuple((a / RATE_HZ, b / RATE_HZ) for a, b in spans),
            split=self.split,
            voice_source=voice.source,
            speaker=voice.speaker if kind != "silence" else "-",
            name_speaker=voice.name_speaker if kind != "silence" else None,
            room=room_kind,
            rt60_s=None if room_kind == "dry" else room.rt60_s,
            distance_m=None if speech_rir is None else speech_rir.distance_m,
            mic=mic,
            event_in_pause=event_in_pause,
            events_outside=tuple(outside),
            event_spans_s=tuple(event_spans),
            clean=clean,
            words_after_name=voice.words_after_name,
        )

    def _add_event(
        self,
        rng: np.random.Generator,
        x: F64,
        speech_peak: float,
        room: Room,
        lo_s: float,
        hi_s: float,
        spans: list[tuple[str, float, float]],
    ) -> str | None:
        """Add an event whose dry sound, after its direct path, lies within [lo_s, hi_s]."""
        kinds = list(EVENT_KINDS)
        first = kinds.pop(int(rng.integers(len(kinds))))
        rir = room.events[int(rng.integers(len(room.events)))]
        for kind in [first, "pen", "keyboard"]:  # short ones when the first does not fit
            dry = shorten_event(self.event(rng, kind), (hi_s - lo_s) * RATE_HZ)
            bounds = speech_bounds(dry, RATE_HZ)
            if bounds is None:
                continue
            a, b = bounds
            earliest = round(lo_s * RATE_HZ) - a - rir.delay
            latest = round(hi_s * RATE_HZ) - b - rir.delay
            if latest < earliest:
                continue
            offset = int(rng.integers(earliest, latest + 1))
            wet = _convolve(np.concatenate((dry, np.zeros(rir.h.size))), rir.h)
            wet *= (
                speech_peak * 10 ** (rng.uniform(*EVENT_LEVEL_DB[kind]) / 20) / np.max(np.abs(wet))
            )
            s, e = max(offset, 0), min(offset + wet.size, x.size)
            x[s:e] += wet[s - offset : e - offset]
            start = (offset + a + rir.delay) / RATE_HZ
            spans.append((kind, round(start, 4), round((offset + b + rir.delay) / RATE_HZ, 4)))
            return kind
        return None


JOIN = round(0.05 * RATE_HZ)
"""Typing or other voices after the recording, drawn anew, join the recording's over 50 ms."""


def run_on(first: Clip, then: list[tuple[Clip, float]]) -> Clip:
    """``first`` with ``then`` said after it (each clip with the silence before its speech) as
    one clip, whose speech runs from the start of ``first`` to the end of the last."""
    parts = [(first, 0.0), *then]
    n = first.samples.size + sum(round(g * RATE_HZ) + c.samples.size for c, g in then)
    x, spans = place_clips(parts, n, first.start, RATE_HZ)
    return Clip(x.astype(first.samples.dtype), spans[0][0], spans[-1][1])


def joined(a: F64, b: F64, fade: int) -> F64:
    """``a`` then ``b``, the last ``fade`` samples of ``a`` faded into the first of ``b`` at
    equal power (two unrelated noises): ``a.size + b.size - fade`` samples."""
    w = np.linspace(0.0, np.pi / 2, fade)
    middle = a[a.size - fade :] * np.cos(w) + b[:fade] * np.sin(w)
    return np.concatenate((a[: a.size - fade], middle, b[fade:]))


def family(speaker: str) -> str:
    """The source a speaker comes from: ``en_coswara_x`` → ``en_coswara``."""
    return "_".join(speaker.split("_")[:2])


def shorten_event(x: F64, room: float) -> F64:
    """A bout (coughs, breaths, steps) longer than ``room`` samples, cut in its last quiet gap
    (0.1 s or more under peak − 40 dB) that leaves at most ``room`` samples of sound, and faded
    out over 10 ms; unchanged if it fits or has no such gap."""
    bounds = speech_bounds(x, RATE_HZ)
    if bounds is None or bounds[1] - bounds[0] <= room:
        return x
    clip = Clip(x.astype(np.float32), *bounds)
    cuts = [(a + b) // 2 for a, b in internal_gaps(clip, 0.1) if a - bounds[0] <= room]
    if not cuts:
        return x
    y = x[: cuts[-1]].copy()
    fade = min(y.size, round(0.01 * RATE_HZ))
    y[y.size - fade :] *= np.linspace(1.0, 0.0, fade)
    return y


def _line_text(entry: Entry) -> str:
    """What a line of a speaker with sentences says: its transcript, else its file's name."""
    return entry.transcript or Path(entry.path).stem


def _word_text(entry: Entry) -> str:
    if entry.transcript:
        return entry.transcript
    stem = Path(entry.file_name).stem.removeprefix(entry.owner + "_")
    if entry.owner.startswith("en_speechcommands_"):
        return stem.split("_")[0]
    return stem


# --- building and caching a corpus ---------------------------------------------------------------


def _corpus_name(split: str, seed: int, more_room_s: float) -> str:
    """The start of a cached corpus' file name (a longer room after the recording, a corpus of
    its own beside the plain one)."""
    more = f"-more{round(more_room_s * 1000)}ms" if more_room_s else ""
    return f"corpus-{split}-s{seed}{more}"


def _corpus_key(split: str, seed: int, dev_audio: Path | None) -> str:
    """This code, the split, the seed and the dev-audio pack it reads (its index' size/time)."""
    index = dev_audio_dir(dev_audio) / "index.csv"
    stamp = None
    if index.is_file():
        st = index.stat()
        stamp = (str(index.resolve()), st.st_size, st.st_mtime_ns)
    return _source_key(split, seed, stamp)


def _cached_corpus(name: str, count: int, key: str, cache_dir: Path) -> Path | None:
    """A cached corpus of at least ``count`` rounds (round k is the same whatever the count)."""
    best: tuple[int, Path] | None = None
    for path in cache_dir.glob(f"{name}-n*-{key}.npz"):
        try:
            n = int(path.name.split("-n", 1)[1].split("-", 1)[0])
        except ValueError:
            continue
        if n >= count and (best is None or n < best[0]):
            best = (n, path)
    return None if best is None else best[1]


def _from_row(row: dict[str, Any], samples: npt.NDArray[np.float32]) -> RoomItem:
    fields = dict(row)
    renames = {
        "id": "item_id",
        "format": "sample_format",
        "question": "question_text",
        "name": "name_text",
    }
    for old, new in renames.items():
        fields[new] = fields.pop(old)
    fields.pop("duration_s")
    fields["speech_spans_s"] = tuple(tuple(s) for s in fields["speech_spans_s"])
    fields["events_outside"] = tuple(fields["events_outside"])
    fields["event_spans_s"] = tuple(tuple(s) for s in fields["event_spans_s"])
    return RoomItem(samples=samples, **fields)


def over_splits(
    description: str,
    tool: str,
    each: Callable[[str, list[RoomItem], argparse.Namespace], None],
    *,
    more_room_s: float = 0.0,
) -> int:
    """A script over the room rounds: its options (which split or both, seed, how many rounds,
    the dev-audio pack, the espeak-ng clip cache), then ``each(split, rounds, options)`` per
    split, one split in memory at a time (``more_room_s``: see ``RoomCorpus.make``). Returns the
    exit status: 2, with the reason on stderr, when the rounds cannot be made."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--split", choices=("tune", "heldout", "both"), default="both")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--count", type=int, default=600)
    ap.add_argument("--dev-audio", type=Path, default=None, help="the dev-audio pack")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="espeak-ng clip cache")
    args = ap.parse_args()
    try:
        for split in ("tune", "heldout") if args.split == "both" else (args.split,):
            items = room_items(
                split,
                args.seed,
                args.count,
                dev_audio=args.dev_audio,
                espeak_cache=args.cache,
                log=lambda text: print(text, file=sys.stderr, flush=True),
                more_room_s=more_room_s,
            )
            each(split, items, args)
    except (RoomCorpusError, SpeechError) as exc:
        print(f"{tool}: {exc}", file=sys.stderr)
        return 2
    return 0


def progress(split: str, done: int, total: int) -> None:
    """Every hundredth round, how far a script has come (on stderr)."""
    if done % 100 == 0:
        print(f"{split}: {done}/{total} rounds", file=sys.stderr, flush=True)


def room_items(
    split: str,
    seed: int,
    count: int,
    *,
    dev_audio: Path | None = None,
    cache_dir: Path = CORPUS_DIR,
    espeak_cache: Path = DEFAULT_CACHE,
    log: Callable[[str], None] | None = None,
    more_room_s: float = 0.0,
) -> list[RoomItem]:
    """The first ``count`` rounds of the split's corpus ``seed``; read from the disk cache if it
    was made before with the same code. ``more_room_s``: see ``RoomCorpus.make``."""
    if split not in SPLITS:
        raise RoomCorpusError(f"unknown split {split!r}; choose from {', '.join(SPLITS)}")
    key = _corpus_key(split, seed, dev_audio)
    name = _corpus_name(split, seed, more_room_s)
    cached = _cached_corpus(name, count, key, cache_dir)
    if cached is not None:
        try:
            with np.load(cached) as data:
                rows = json.loads(str(data["labels"]))[:count]
                offsets = data["offsets"]
                audio = (data["samples"][: offsets[len(rows)]] / 32768.0).astype(np.float32)
            return [_from_row(r, audio[offsets[k] : offsets[k + 1]]) for k, r in enumerate(rows)]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            if log:
                log(f"rooms: cache {cached.name} unreadable ({exc}); making the rounds again")
    path = cache_dir / f"{name}-n{count}-{key}.npz"
    t0 = time.process_time()
    items = list(
        iter_room_items(
            split,
            seed,
            count,
            dev_audio=dev_audio,
            cache_dir=cache_dir,
            espeak_cache=espeak_cache,
            log=log,
            more_room_s=more_room_s,
        )
    )
    if log:
        log(f"rooms: made {count} {split} rounds in {time.process_time() - t0:.0f} s CPU")
    offsets = np.cumsum([0] + [i.samples.size for i in items])
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{os.getpid()}-{path.name}")  # not matched by the stale glob below
    for stale in cache_dir.glob(f"{name}-n*-*.npz"):
        if not stale.name.endswith(f"-{key}.npz"):
            stale.unlink(missing_ok=True)  # made by other code or from another pack
    np.savez(
        tmp,
        samples=np.round(np.concatenate([i.samples for i in items]) * 32768).astype("<i2"),
        offsets=offsets,
        labels=np.array(json.dumps([i.label() for i in items], ensure_ascii=False)),
    )
    tmp.replace(path)
    return items


def iter_room_items(
    split: str,
    seed: int,
    count: int,
    *,
    dev_audio: Path | None = None,
    cache_dir: Path = CORPUS_DIR,
    espeak_cache: Path = DEFAULT_CACHE,
    log: Callable[[str], None] | None = None,
    more_room_s: float = 0.0,
) -> Iterator[RoomItem]:
    dev = DevAudio(dev_audio_dir(dev_audio))
    pool = RoomPool(split, dev, cache_dir)
    corpus = RoomCorpus(split, dev, SpeechBank(espeak_cache), pool)
    for index in range(count):
        yield corpus.make(seed, index, more_room_s)
        if log and (index + 1) % 100 == 0:
            log(f"  … {index + 1} {split} rounds made")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write labelled rounds in rooms with real voices (WAV + labels.jsonl)."
    )
    parser.add_argument("--split", choices=SPLITS, required=True, help="tune or heldout")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--count", type=int, default=600, help="number of rounds (default 600)")
    parser.add_argument("--out", type=Path, required=True, help="directory to write into")
    parser.add_argument(
        "--dev-audio",
        type=Path,
        help=f"the dev-audio pack (default: ${DEV_AUDIO_ENV} or ../shared/dev-audio)",
    )
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")
    try:
        items = room_items(
            args.split,
            args.seed,
            args.count,
            dev_audio=args.dev_audio,
            log=lambda t: print(t, file=sys.stderr),
        )
        args.out.mkdir(parents=True, exist_ok=True)
        write_items(args.out, items)
    except (RoomCorpusError, SpeechError, OSError) as exc:
        print(f"rooms: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {len(items)} {args.split} rounds to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
