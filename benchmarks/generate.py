"""Seeded generator of labelled rehearsal rounds for the coach-sim benchmark.

Each round is built from espeak-ng speech: a teacher's check question, a thinking pause, a
student's name — or one of the failure cases the analysis must recognise (name said first, only
one utterance, no pause, silence only). Every clip is placed at a known sample offset, so the
labels (question end, name start, pause) are exact by construction; background noise, levels, DC
offset and sample rate are applied afterwards and never move a label.

Speech boundary of a clean clip: the first and last sample where the centred 5 ms RMS envelope
reaches the clip's envelope peak − 40 dB (see docs/benchmarks.md).

Command line::

    python benchmarks/generate.py --seed 0 --count 600 --out benchmarks/out/items

writes one WAV per round plus ``labels.jsonl``. ``generate_items(seed, count)`` returns the same
rounds in memory.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import shutil
import subprocess
import sys
import wave
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

Audio = npt.NDArray[np.float32]

HERE = Path(__file__).resolve().parent
DEFAULT_CACHE = HERE / "out" / "cache"
ESPEAK_RATE_HZ = 22_050

ENVELOPE_MS = 5.0
BOUNDARY_DB = 40.0
"""Speech boundary: 5 ms RMS envelope at or above (envelope peak − 40 dB) ..."""
FLOOR_EDGE_MS = 30.0
FLOOR_ABOVE_DB = 10.0
"""... and at least this far above the recording's own noise floor: the quieter of its first and
last 30 ms (RMS), where a recording holds its own hiss around the speech. The dev-audio pack's
index measures lead-in and tail against a floor 10 dB up too: a recording whose hiss lies at
−35 dB re its peak is not speech from its first sample to its last ..."""
FLOOR_BOUNDARY_MAX_DB = 25.0
"""... but never closer than this under the envelope's peak (a clip cut into its speech at both
ends has no floor of its own to find)."""

MIN_ITEM_S = 6.0
MAX_ITEM_S = 12.0

# --- material -----------------------------------------------------------------------------------

QUESTIONS: dict[str, tuple[str, ...]] = {
    "en": (
        "What is the capital city of France?",
        "Which number is bigger, three quarters or two thirds?",
        "Why does ice float on water?",
        "What do plants need to make their own food?",
        "Who can tell me what a noun is?",
        "What happens to water when it boils?",
        "How many sides does a hexagon have?",
        "What is seven times eight?",
        "Which planet is closest to the sun?",
        "What was the main cause of the First World War?",
        "Why did the main character leave her village?",
        "What is the opposite of generous?",
        "How do you find the area of a rectangle?",
        "What is the past tense of the verb to swim?",
        "Which ocean lies between Europe and America?",
        "What does the heart pump around the body?",
        "Why do we have seasons on Earth?",
        "What is the difference between weather and climate?",
        "How would you write one half as a decimal?",
        "What is a synonym for the word happy?",
        "Which gas do we breathe out?",
        "What did the Romans build to carry water into their cities?",
        "How can you tell if a number can be divided by three?",
        "What is the main idea of the second paragraph?",
        "Which word in this sentence is the verb?",
    ),
    "nl": (
        "Wat is de hoofdstad van Frankrijk?",
        "Welk getal is groter, drie kwart of twee derde?",
        "Waarom blijft ijs drijven op water?",
        "Wat hebben planten nodig om voedsel te maken?",
        "Wie kan mij vertellen wat een zelfstandig naamwoord is?",
        "Wat gebeurt er met water als het kookt?",
        "Hoeveel zijden heeft een zeshoek?",
        "Hoeveel is zeven keer acht?",
        "Welke planeet staat het dichtst bij de zon?",
        "Wat was de belangrijkste oorzaak van de Eerste Wereldoorlog?",
        "Waarom verliet de hoofdpersoon haar dorp?",
        "Wat is het tegenovergestelde van gierig?",
        "Hoe bereken je de oppervlakte van een rechthoek?",
        "Wat is de verleden tijd van zwemmen?",
        "Welke oceaan ligt tussen Europa en Amerika?",
        "Wat pompt het hart door het lichaam?",
        "Waarom hebben we seizoenen op aarde?",
        "Wat is het verschil tussen weer en klimaat?",
        "Hoe schrijf je een half als kommagetal?",
        "Welk woord betekent hetzelfde als blij?",
        "Welk gas ademen wij uit?",
        "Wat bouwden de Romeinen om water naar hun steden te brengen?",
        "Hoe zie je of een getal deelbaar is door drie?",
        "Wat is de kern van de tweede alinea?",
        "Welk woord in deze zin is het werkwoord?",
    ),
}

NAMES: tuple[str, ...] = (
    "Kay",
    "Sanne",
    "Mohammed",
    "Fleur",
    "Tom",
    "Aïcha",
    "Daan",
    "Lotte",
    "Noah",
    "Sem",
    "Julia",
    "Yusuf",
    "Fatima",
    "Bram",
    "Isa",
    "Jesse",
    "Zoë",
    "Priya",
    "Finn",
    "Mila",
    "Ruben",
    "Eva",
    "Luuk",
    "Sophie",
    "Chloé",
    "Stijn",
    "Amira",
    "Gijs",
)

VOICE_VARIANTS: tuple[str, ...] = ("m1", "m2", "m3", "m4", "m5", "m7", "f1", "f2", "f3", "f4")
SPEEDS_WPM: tuple[int, ...] = (130, 140, 150, 160, 170, 180, 190, 200)
PITCHES: tuple[int, ...] = (25, 35, 45, 55, 65, 75)

# Background talkers: a fixed pool so their clips are cached once and reused.
BABBLE_TALKERS: tuple[tuple[str, str, int, int], ...] = (
    ("en", "m3", 160, 40),
    ("nl", "f2", 170, 60),
    ("en", "f4", 150, 70),
    ("nl", "m1", 180, 35),
    ("en", "m6", 175, 50),
    ("nl", "f5", 155, 65),
    ("en", "f1", 185, 55),
    ("nl", "m4", 165, 45),
)

NOISES: tuple[str, ...] = ("white", "pink", "brown", "hum", "babble")
SNRS_DB: tuple[int, ...] = (20, 10, 5)
SAMPLE_RATES_HZ: tuple[int, ...] = (16_000, 8_000, 44_100, 48_000)
SAMPLE_RATE_WEIGHTS: tuple[float, ...] = (0.7, 0.1, 0.1, 0.1)
FORMATS: tuple[str, ...] = ("pcm16", "pcm24", "float32")
FORMAT_WEIGHTS: tuple[float, ...] = (0.8, 0.1, 0.1)

KINDS: tuple[str, ...] = ("round", "name_first", "one_utterance", "no_pause", "silence")
KIND_WEIGHTS: tuple[float, ...] = (0.88, 0.03, 0.03, 0.03, 0.03)
EXPECTED_REASON: dict[str, str | None] = {
    "round": None,
    "name_first": "name_first",
    "one_utterance": "one_utterance",
    "no_pause": "no_pause",
    "silence": "no_speech",
}


def _conditions() -> tuple[tuple[str, float], ...]:
    """(condition, weight): the mix of recording conditions over the corpus."""
    rows: list[tuple[str, float]] = [("clean", 0.16)]
    for noise in ("white", "pink", "brown", "hum"):
        rows += [(f"{noise}@{snr}dB", 0.03) for snr in SNRS_DB]
    rows += [(f"babble@{snr}dB", 0.07) for snr in SNRS_DB]
    rows += [("quiet", 0.07), ("near_clip", 0.07), ("dc", 0.07)]
    return tuple(rows)


CONDITIONS = _conditions()

# --- the item -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class Item:
    """One labelled rehearsal round. Times in seconds from the start of ``samples``."""

    item_id: str
    kind: str
    expected_reason: str | None
    lang: str
    condition: str
    noise: str | None
    snr_db: float | None
    sample_rate_hz: int
    sample_format: str
    samples: Audio = field(repr=False)
    question_text: str | None
    name_text: str | None
    voice: str
    speed_wpm: int
    pitch: int
    hesitation_s: float | None
    question_end_s: float | None
    name_start_s: float | None
    pause_s: float | None
    speech_spans_s: tuple[tuple[float, float], ...]

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate_hz

    def label(self) -> dict[str, object]:
        return {
            "id": self.item_id,
            "kind": self.kind,
            "expected_reason": self.expected_reason,
            "lang": self.lang,
            "condition": self.condition,
            "noise": self.noise,
            "snr_db": self.snr_db,
            "sample_rate_hz": self.sample_rate_hz,
            "format": self.sample_format,
            "duration_s": round(self.duration_s, 6),
            "question": self.question_text,
            "name": self.name_text,
            "voice": self.voice,
            "speed_wpm": self.speed_wpm,
            "pitch": self.pitch,
            "hesitation_s": self.hesitation_s,
            "question_end_s": self.question_end_s,
            "name_start_s": self.name_start_s,
            "pause_s": self.pause_s,
            "speech_spans_s": [list(s) for s in self.speech_spans_s],
        }


# --- speech clips -------------------------------------------------------------------------------


class SpeechError(RuntimeError):
    pass


@dataclass(frozen=True, slots=True, eq=False)
class Clip:
    """A clean speech clip trimmed around its boundaries; ``start``/``end`` index its speech."""

    samples: Audio
    start: int
    end: int


def speech_bounds(samples: npt.NDArray[np.floating], sample_rate_hz: int) -> tuple[int, int] | None:
    """First and last (exclusive) sample where the centred 5 ms RMS envelope ≥ peak − 40 dB, and
    over the recording's own noise floor (see ``FLOOR_ABOVE_DB``)."""
    x = np.asarray(samples, dtype=np.float64)
    if x.size == 0:
        return None
    width = max(1, round(sample_rate_hz * ENVELOPE_MS / 1000))
    csum = np.concatenate(([0.0], np.cumsum(x * x)))
    half = width // 2
    idx = np.arange(x.size)
    lo = np.clip(idx - half, 0, x.size)
    hi = np.clip(idx - half + width, 0, x.size)
    env = np.sqrt((csum[hi] - csum[lo]) / width)
    peak = float(env.max())
    if peak <= 0.0:
        return None
    floor = min(_noise_floor(csum, sample_rate_hz), peak * 10 ** (-FLOOR_BOUNDARY_MAX_DB / 20))
    threshold = max(peak * 10 ** (-BOUNDARY_DB / 20), floor)
    above = np.flatnonzero(env >= threshold)
    return int(above[0]), int(above[-1]) + 1


def _noise_floor(csum: npt.NDArray[np.float64], sample_rate_hz: int) -> float:
    """The recording's own noise floor raised by ``FLOOR_ABOVE_DB`` (an RMS; 0 for a clip
    shorter than two edges, or one that starts or ends in digital silence, as espeak-ng's do)."""
    edge = max(1, round(sample_rate_hz * FLOOR_EDGE_MS / 1000))
    n = csum.size - 1
    if n < 2 * edge:
        return 0.0
    first = (csum[edge] - csum[0]) / edge
    last = (csum[n] - csum[n - edge]) / edge
    return float(np.sqrt(min(first, last))) * 10 ** (FLOOR_ABOVE_DB / 20)


def _smooth(n: int) -> bool:
    for p in (2, 3, 5, 7):
        while n % p == 0:
            n //= p
    return n == 1


def resample(x: npt.NDArray[np.floating], src_hz: int, dst_hz: int) -> Audio:
    """Band-limited resampling of a whole clip (FFT method, zero padded against wrap-around).

    The padded length is a multiple of ``src_hz / gcd`` with only small prime factors, so both
    transforms are exact in length and fast.
    """
    if src_hz == dst_hz:
        return np.asarray(x, dtype=np.float32)
    step = src_hz // math.gcd(src_hz, dst_hz)
    pad = src_hz // 10
    size = -(-(len(x) + 2 * pad) // step) * step
    while not _smooth(size):
        size += step
    padded = np.zeros(size)
    padded[pad : pad + len(x)] = x
    n_out = size * dst_hz // src_hz
    spec = np.fft.rfft(padded)
    keep = min(spec.size, n_out // 2 + 1)
    out_spec = np.zeros(n_out // 2 + 1, dtype=complex)
    out_spec[:keep] = spec[:keep]
    y = np.fft.irfft(out_spec, n_out) * (n_out / size)
    cut = pad * dst_hz // src_hz
    return y[cut : cut + round(len(x) * dst_hz / src_hz)].astype(np.float32)


class SpeechBank:
    """espeak-ng clips, cached on disk (raw espeak WAV) and in memory (per sample rate)."""

    def __init__(self, cache_dir: Path = DEFAULT_CACHE) -> None:
        if shutil.which("espeak-ng") is None:
            raise SpeechError(
                "espeak-ng is not installed; the benchmark needs it to make speech "
                "(Debian/Ubuntu: apt-get install espeak-ng)"
            )
        self.cache_dir = cache_dir / "espeak"
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self._memo: dict[tuple[str, int], Clip] = {}
        self.espeak_calls = 0

    def clip(
        self, text: str, lang: str, variant: str, speed_wpm: int, pitch: int, sample_rate_hz: int
    ) -> Clip:
        key_text = f"{lang}+{variant}|{speed_wpm}|{pitch}|{text}"
        key = hashlib.sha1(key_text.encode()).hexdigest()[:20]
        memo = (key, sample_rate_hz)
        if memo in self._memo:
            return self._memo[memo]
        raw = self._espeak(key, text, lang, variant, speed_wpm, pitch)
        x = resample(raw, ESPEAK_RATE_HZ, sample_rate_hz)
        bounds = speech_bounds(x, sample_rate_hz)
        if bounds is None:
            raise SpeechError(f"espeak-ng produced silence for {key_text!r}")
        start, end = bounds
        margin = round(0.02 * sample_rate_hz)
        lo, hi = max(0, start - margin), min(x.size, end + margin)
        trimmed = x[lo:hi].copy()
        fade = min(round(0.005 * sample_rate_hz), start - lo, hi - end)
        if fade > 0:
            ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
            trimmed[:fade] *= ramp
            trimmed[trimmed.size - fade :] *= ramp[::-1]
        clip = Clip(trimmed, start - lo, end - lo)
        self._memo[memo] = clip
        return clip

    def _espeak(
        self, key: str, text: str, lang: str, variant: str, speed_wpm: int, pitch: int
    ) -> Audio:
        path = self.cache_dir / f"{key}.wav"
        if not path.exists():
            tmp = path.with_suffix(".tmp.wav")
            cmd = ["espeak-ng", "-v", f"{lang}+{variant}", "-s", str(speed_wpm), "-p", str(pitch)]
            cmd += ["-w", str(tmp), "--", text]
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)
            self.espeak_calls += 1
            if done.returncode != 0 or not tmp.exists():
                raise SpeechError(f"espeak-ng failed for {text!r}: {done.stderr.strip()}")
            tmp.replace(path)
        with wave.open(str(path), "rb") as w:
            if w.getsampwidth() != 2 or w.getnchannels() != 1:
                raise SpeechError(f"unexpected espeak-ng output format in {path}")
            rate = w.getframerate()
            data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        if rate != ESPEAK_RATE_HZ:
            raise SpeechError(f"espeak-ng wrote {rate} Hz, expected {ESPEAK_RATE_HZ} Hz")
        return (data.astype(np.float32) / 32768.0).astype(np.float32)


# --- noise --------------------------------------------------------------------------------------


def _coloured(rng: np.random.Generator, n: int, exponent: float) -> npt.NDArray[np.float64]:
    """Gaussian noise with power spectrum ∝ 1/f^exponent (0 white, 1 pink, 2 brown)."""
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(spec.size, dtype=np.float64)
    f[0] = 1.0
    spec *= f ** (-exponent / 2)
    spec[0] = 0.0
    y = np.fft.irfft(spec, n)
    return y / (np.sqrt(np.mean(y * y)) + 1e-12)


def _hum(rng: np.random.Generator, n: int, sample_rate_hz: int) -> npt.NDArray[np.float64]:
    """Mains hum: 50 Hz and harmonics with falling, slightly random amplitudes."""
    t = np.arange(n) / sample_rate_hz
    y = np.zeros(n)
    for k in range(1, 9):
        freq = 50.0 * k
        if freq >= sample_rate_hz / 2:
            break
        amp = rng.uniform(0.5, 1.0) / k ** rng.uniform(0.6, 1.2)
        y += amp * np.sin(2 * np.pi * freq * t + rng.uniform(0, 2 * np.pi))
    y += 0.02 * rng.standard_normal(n)
    return y / np.sqrt(np.mean(y * y))


def _babble(
    rng: np.random.Generator, bank: SpeechBank, n: int, sample_rate_hz: int
) -> npt.NDArray[np.float64]:
    """Other people talking: 3–4 continuous streams of other voices, summed, across the room."""
    out = np.zeros(n)
    talkers = rng.choice(len(BABBLE_TALKERS), size=int(rng.integers(3, 5)), replace=False)
    pool = QUESTIONS["en"] + QUESTIONS["nl"]
    for t in talkers:
        lang, variant, speed, pitch = BABBLE_TALKERS[int(t)]
        stream = np.zeros(n)
        pos = -int(rng.integers(0, 2 * sample_rate_hz))
        while pos < n:
            sentences = QUESTIONS[lang] if rng.random() < 0.8 else pool
            text = sentences[int(rng.integers(len(sentences)))]
            c = bank.clip(text, lang, variant, speed, pitch, sample_rate_hz)
            seg = c.samples / (np.max(np.abs(c.samples)) + 1e-9) * rng.uniform(0.6, 1.0)
            lo, hi = max(pos, 0), min(pos + seg.size, n)
            if hi > lo:
                stream[lo:hi] += seg[lo - pos : hi - pos]
            pos += seg.size + int(rng.uniform(0.05, 0.4) * sample_rate_hz)
        out += stream
    out = _distant(rng, out, sample_rate_hz)
    return out / (np.sqrt(np.mean(out * out)) + 1e-12)


def _distant(
    rng: np.random.Generator, x: npt.NDArray[np.float64], sample_rate_hz: int
) -> npt.NDArray[np.float64]:
    """Place sound across the room: a synthetic reverberant tail and a gentle high-cut.

    The impulse response is a direct path plus exponentially decaying noise (RT60 0.3–0.7 s,
    direct-to-reverberant ratio about −3 to +3 dB); the high-cut is a first-order roll-off above
    3–5 kHz. The teacher's own voice stays dry: it is close to the microphone.
    """
    rt60_s = rng.uniform(0.3, 0.7)
    length = round(rt60_s * sample_rate_hz)
    t = np.arange(length) / sample_rate_hz
    tail = rng.standard_normal(length) * np.exp(-6.9 * t / rt60_s)
    tail[: round(0.003 * sample_rate_hz)] = 0.0  # first reflections arrive after the direct path
    drr_db = rng.uniform(-3.0, 3.0)
    direct = np.sqrt(np.sum(tail * tail)) * 10 ** (drr_db / 20)
    ir = tail
    ir[0] = direct
    size = x.size + length
    freqs = np.fft.rfftfreq(size, 1 / sample_rate_hz)
    high_cut = 1.0 / np.sqrt(1.0 + (freqs / rng.uniform(3000.0, 5000.0)) ** 2)
    y = np.fft.irfft(np.fft.rfft(x, size) * np.fft.rfft(ir, size) * high_cut, size)
    return y[: x.size]


def make_noise(
    kind: str, rng: np.random.Generator, bank: SpeechBank, n: int, sample_rate_hz: int
) -> npt.NDArray[np.float64]:
    """Unit-RMS background noise of the given kind."""
    if kind == "white":
        return _coloured(rng, n, 0.0)
    if kind == "pink":
        return _coloured(rng, n, 1.0)
    if kind == "brown":
        return _coloured(rng, n, 2.0)
    if kind == "hum":
        return _hum(rng, n, sample_rate_hz)
    if kind == "babble":
        return _babble(rng, bank, n, sample_rate_hz)
    raise ValueError(f"unknown noise kind {kind!r}")


# --- assembling one round -----------------------------------------------------------------------


def _pick(rng: np.random.Generator, options: tuple[str, ...], weights: tuple[float, ...]) -> str:
    p = np.asarray(weights, dtype=np.float64)
    return options[int(rng.choice(len(options), p=p / p.sum()))]


def _pause_s(rng: np.random.Generator) -> float:
    """Thinking pause: 0.3–6 s, dense around 2–4 s (the verdict boundaries lie at 2.5 and 4.0)."""
    if rng.random() < 0.65:
        return float(np.clip(rng.normal(3.0, 0.7), 0.3, 6.0))
    return float(rng.uniform(0.3, 6.0))


def _split_question(text: str, rng: np.random.Generator) -> tuple[str, str]:
    words = text.split()
    lo, hi = max(1, round(len(words) * 0.3)), max(1, round(len(words) * 0.7))
    cut = int(rng.integers(lo, hi + 1)) if hi > lo else lo
    cut = min(max(cut, 1), len(words) - 1)
    return " ".join(words[:cut]), " ".join(words[cut:])


def _quantize(x: npt.NDArray[np.floating], sample_format: str) -> Audio:
    if sample_format == "pcm16":
        return (np.round(np.clip(x, -1, 32767 / 32768) * 32768) / 32768).astype(np.float32)
    if sample_format == "pcm24":
        full = float(2**23)
        return (np.round(np.clip(x, -1, (full - 1) / full) * full) / full).astype(np.float32)
    return np.asarray(x, dtype=np.float32)


def place_clips(
    parts: list[tuple[Clip, float]], n: int, lead: int, rate: int
) -> tuple[npt.NDArray[np.float64], list[tuple[int, int]]]:
    """Lay ``(clip, gap before it in seconds)`` out in ``n`` samples from ``lead`` on, the gaps
    counted between speech boundaries, which fall at exact sample offsets; returns the signal and
    each clip's speech span."""
    out = np.zeros(n, dtype=np.float64)
    spans: list[tuple[int, int]] = []
    cursor = lead
    for clip, gap in parts:
        boundary = cursor + round(gap * rate) if spans else cursor
        offset = boundary - clip.start
        lo, hi = max(offset, 0), min(offset + clip.samples.size, n)
        out[lo:hi] += clip.samples[lo - offset : hi - offset]
        spans.append((boundary, offset + clip.end))
        cursor = offset + clip.end
    return out, spans


def make_item(seed: int, index: int, bank: SpeechBank) -> Item:
    """Round ``index`` of corpus ``seed``: the same regardless of how many rounds are made."""
    rng = np.random.default_rng([seed, index])
    kind = _pick(rng, KINDS, KIND_WEIGHTS)
    names, weights = zip(*CONDITIONS, strict=True)
    condition = _pick(rng, names, weights)
    noise: str | None = None
    snr_db: float | None = None
    if "@" in condition:
        noise, snr_text = condition.split("@")
        snr_db = float(snr_text.removesuffix("dB"))
    rate = int(_pick(rng, tuple(map(str, SAMPLE_RATES_HZ)), SAMPLE_RATE_WEIGHTS))
    sample_format = _pick(rng, FORMATS, FORMAT_WEIGHTS)
    lang = "nl" if rng.random() < 0.5 else "en"
    variant = VOICE_VARIANTS[int(rng.integers(len(VOICE_VARIANTS)))]
    speed = SPEEDS_WPM[int(rng.integers(len(SPEEDS_WPM)))]
    pitch = PITCHES[int(rng.integers(len(PITCHES)))]
    question = QUESTIONS[lang][int(rng.integers(len(QUESTIONS[lang])))]
    name = NAMES[int(rng.integers(len(NAMES)))]
    hesitation = float(rng.uniform(0.3, 0.8)) if kind == "round" and rng.random() < 0.25 else None
    pause = _pause_s(rng)
    if hesitation is not None:
        pause = max(pause, hesitation + 0.7, 1.5)

    def say(text: str) -> Clip:
        return bank.clip(text, lang, variant, speed, pitch, rate)

    # Sequence of (clip, gap before it in seconds, counted between speech boundaries).
    parts: list[tuple[Clip, float]] = []
    if kind in ("round", "no_pause"):
        if hesitation is not None:
            first, second = _split_question(question, rng)
            parts += [(say(first), 0.0), (say(second), hesitation)]
        else:
            parts.append((say(question), 0.0))
        gap = pause if kind == "round" else float(rng.uniform(0.0, 0.08))
        parts.append((say(f"{name}."), gap))
    elif kind == "name_first":
        parts += [(say(f"{name}."), 0.0), (say(question), float(rng.uniform(1.0, 4.0)))]
    elif kind == "one_utterance":
        parts.append((say(question), 0.0))

    # Place the clips: speech boundaries fall at exact sample offsets.
    speech_s = sum((c.end - c.start) / rate + g for c, g in parts)
    total_s = float(np.clip(speech_s + rng.uniform(0.8, 3.0), MIN_ITEM_S, MAX_ITEM_S))
    lead_s = float(rng.uniform(0.3, max(0.35, min(1.5, total_s - speech_s - 0.3))))
    n = round(total_s * rate)
    speech, spans = place_clips(parts, n, round(lead_s * rate), rate)
    if spans and spans[-1][1] > n - round(0.2 * rate):
        raise SpeechError(f"round {index} does not fit in {MAX_ITEM_S} s")

    question_end_s = name_start_s = pause_s = None
    if kind == "round":
        question_end_s = spans[-2][1] / rate
        name_start_s = spans[-1][0] / rate
        pause_s = (spans[-1][0] - spans[-2][1]) / rate

    x = _finish(rng, speech, spans, condition, noise, snr_db, bank, rate)
    return Item(
        item_id=f"s{seed}-{index:05d}",
        kind=kind,
        expected_reason=EXPECTED_REASON[kind],
        lang=lang,
        condition=condition,
        noise=noise,
        snr_db=snr_db,
        sample_rate_hz=rate,
        sample_format=sample_format,
        samples=_quantize(x, sample_format),
        question_text=question if kind != "silence" else None,
        name_text=name if kind in ("round", "no_pause", "name_first") else None,
        voice=f"{lang}+{variant}",
        speed_wpm=speed,
        pitch=pitch,
        hesitation_s=None if hesitation is None else round(hesitation, 6),
        question_end_s=question_end_s,
        name_start_s=name_start_s,
        pause_s=pause_s,
        speech_spans_s=tuple((a / rate, b / rate) for a, b in spans),
    )


def _finish(
    rng: np.random.Generator,
    speech: npt.NDArray[np.float64],
    spans: list[tuple[int, int]],
    condition: str,
    noise: str | None,
    snr_db: float | None,
    bank: SpeechBank,
    rate: int,
) -> npt.NDArray[np.float64]:
    """Scale the speech, add the background and apply the level condition."""
    n = speech.size
    peak = float(np.max(np.abs(speech))) if spans else 0.0
    target_peak = 10 ** (rng.uniform(-20.0, -6.0) / 20)
    if spans:
        speech = speech * (target_peak / peak)
        active = np.concatenate([speech[a:b] for a, b in spans])
        speech_rms = float(np.sqrt(np.mean(active**2)))
    else:
        speech_rms = 0.18 * target_peak  # a typical level for the speech that is absent
    # A faint microphone floor, 65 dB under the speech level, in every condition.
    x = speech + speech_rms * 10 ** (-65 / 20) * rng.standard_normal(n)
    if noise is not None and snr_db is not None:
        x += make_noise(noise, rng, bank, n, rate) * speech_rms * 10 ** (-snr_db / 20)
    # Level conditions scale the whole round by its peak; a round without speech is scaled as if
    # its (absent) speech peaked at the usual level, so its faint floor stays faint.
    ref_peak = float(np.max(np.abs(x))) if spans else target_peak
    if condition == "quiet":
        x *= 10 ** (rng.uniform(-42.0, -38.0) / 20) / ref_peak
    elif condition == "near_clip":
        x *= rng.uniform(0.95, 0.999) / ref_peak
    elif condition == "dc":
        x += rng.choice([-1.0, 1.0]) * rng.uniform(0.05, 0.2)
    top = float(np.max(np.abs(x)))
    if top > 0.999:
        x *= 0.99 / top
    return x


def generate_items(
    seed: int, count: int, *, cache_dir: Path = DEFAULT_CACHE, bank: SpeechBank | None = None
) -> list[Item]:
    """The first ``count`` rounds of corpus ``seed``, in memory."""
    return list(iter_items(seed, count, cache_dir=cache_dir, bank=bank))


def iter_items(
    seed: int, count: int, *, cache_dir: Path = DEFAULT_CACHE, bank: SpeechBank | None = None
) -> Iterator[Item]:
    bank = bank or SpeechBank(cache_dir)
    for index in range(count):
        yield make_item(seed, index, bank)


# --- writing ------------------------------------------------------------------------------------


def write_wav(path: Path, samples: Audio, sample_rate_hz: int, sample_format: str) -> None:
    """Mono WAV: 16/24-bit PCM or 32-bit IEEE float (with its fact chunk)."""
    x = np.asarray(samples, dtype=np.float64)
    if sample_format == "pcm16":
        data = np.round(np.clip(x, -1, 32767 / 32768) * 32768).astype("<i2").tobytes()
        tag, bits = 1, 16
    elif sample_format == "pcm24":
        full = 2**23
        ints = np.round(np.clip(x, -1, (full - 1) / full) * full).astype("<i4")
        data = ints.view(np.uint8).reshape(-1, 4)[:, :3].tobytes()
        tag, bits = 1, 24
    elif sample_format == "float32":
        data = x.astype("<f4").tobytes()
        tag, bits = 3, 32
    else:
        raise ValueError(f"unknown sample format {sample_format!r}")
    block = bits // 8
    fmt = (
        tag.to_bytes(2, "little")
        + (1).to_bytes(2, "little")
        + sample_rate_hz.to_bytes(4, "little")
        + (sample_rate_hz * block).to_bytes(4, "little")
        + block.to_bytes(2, "little")
        + bits.to_bytes(2, "little")
    )
    chunks = b"fmt " + len(fmt).to_bytes(4, "little") + fmt
    if tag == 3:
        fmt_ext = fmt + (0).to_bytes(2, "little")
        chunks = b"fmt " + len(fmt_ext).to_bytes(4, "little") + fmt_ext
        chunks += b"fact" + (4).to_bytes(4, "little") + len(x).to_bytes(4, "little")
    chunks += b"data" + len(data).to_bytes(4, "little") + data
    if len(data) % 2:
        chunks += b"\x00"
    path.write_bytes(b"RIFF" + (4 + len(chunks)).to_bytes(4, "little") + b"WAVE" + chunks)


def write_items(out: Path, items: Iterable[Item]) -> None:
    """Each round as ``<id>.wav`` in ``out``, and one line per round in ``out/labels.jsonl``."""
    with (out / "labels.jsonl").open("w", encoding="utf-8") as labels:
        for item in items:
            name = f"{item.item_id}.wav"
            write_wav(out / name, item.samples, item.sample_rate_hz, item.sample_format)
            labels.write(json.dumps({"file": name, **item.label()}, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write labelled rehearsal rounds (WAV + labels.jsonl) for the benchmark."
    )
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--count", type=int, default=600, help="number of rounds (default 600)")
    parser.add_argument("--out", type=Path, required=True, help="directory to write into")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="espeak-ng clip cache")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        bank = SpeechBank(args.cache)
        write_items(args.out, iter_items(args.seed, args.count, bank=bank))
    except (SpeechError, OSError) as exc:
        print(f"generate: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.count} rounds to {args.out} ({bank.espeak_calls} new espeak-ng clips)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
