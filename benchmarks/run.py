"""Score coach-sim's pause measurement and two baselines on generated, labelled rounds.

Methods, all on the same rounds:

* ``ours``: ``simulator.audio.analysis.analyze_samples``;
* ``webrtcvad-m0`` … ``-m3``: plain webrtcvad, 30 ms frames at 16 kHz, speech segments straight
  from the frame decisions, pause = the last gap between segments (none if fewer than two);
* ``silero``: silero-vad's ONNX model (from the ``silero-vad`` package, run with onnxruntime,
  without torch), 512-sample windows at 16 kHz, hysteresis segmentation, same last-gap rule.

Usage::

    .venv/bin/python benchmarks/run.py                  # 600 rounds, seed 0, all methods
    .venv/bin/python benchmarks/run.py --only-ours --count 200
    .venv/bin/python benchmarks/run.py --markdown docs/benchmark-latest.md
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import math
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from generate import DEFAULT_CACHE, Item, SpeechBank, SpeechError, iter_items, resample

RATE_HZ = 16_000
BAND_MIN_S = 2.5
BAND_MAX_S = 4.0
NO_MEASUREMENT = "no_measurement"


def verdict(pause_s: float | None) -> str:
    if pause_s is None:
        return NO_MEASUREMENT
    if pause_s < BAND_MIN_S:
        return "too_short"
    if pause_s > BAND_MAX_S:
        return "too_long"
    return "on_target"


@dataclass(frozen=True, slots=True)
class Prediction:
    pause_s: float | None
    question_end_s: float | None = None
    name_start_s: float | None = None
    reason: str | None = None
    error: str | None = None


def last_gap(segments: list[tuple[int, int]], rate_hz: int) -> Prediction:
    """The last-gap rule: the pause is the gap before the last speech segment."""
    if len(segments) < 2:
        return Prediction(None, reason="one_utterance" if segments else "no_speech")
    q_end, n_start = segments[-2][1], segments[-1][0]
    return Prediction((n_start - q_end) / rate_hz, q_end / rate_hz, n_start / rate_hz)


def to_16k(samples: npt.NDArray[np.float32], rate_hz: int) -> npt.NDArray[np.float32]:
    return resample(samples, rate_hz, RATE_HZ) if rate_hz != RATE_HZ else samples


# --- methods ------------------------------------------------------------------------------------


class Method:
    name = "?"
    setup_cpu_s = 0.0
    matches_reason = False
    """Whether a failure round needs the right reason (not just no measurement) to count."""

    def analyze(self, samples: npt.NDArray[np.float32], rate_hz: int) -> Prediction:
        raise NotImplementedError


class Ours(Method):
    name = "ours"
    matches_reason = True

    def __init__(self) -> None:
        t0 = time.process_time()
        from simulator.audio.analysis import analyze_samples

        self._analyze = analyze_samples
        self.setup_cpu_s = time.process_time() - t0

    def analyze(self, samples: npt.NDArray[np.float32], rate_hz: int) -> Prediction:
        m = self._analyze(samples, rate_hz)
        if m.span is None:
            return Prediction(None, reason=None if m.reason is None else m.reason.value)
        return Prediction(m.pause_s, m.span_start_s, m.span_end_s)


class PlainWebrtcvad(Method):
    def __init__(self, mode: int) -> None:
        t0 = time.process_time()
        import webrtcvad

        self._vad = webrtcvad.Vad(mode)
        self.name = f"webrtcvad-m{mode}"
        self.setup_cpu_s = time.process_time() - t0

    def analyze(self, samples: npt.NDArray[np.float32], rate_hz: int) -> Prediction:
        x = to_16k(samples, rate_hz)
        pcm = (np.clip(x, -1.0, 32767 / 32768) * 32768).astype("<i2").tobytes()
        frame = 480  # 30 ms
        segments: list[tuple[int, int]] = []
        start: int | None = None
        n_frames = len(x) // frame
        for i in range(n_frames):
            speech = self._vad.is_speech(pcm[2 * i * frame : 2 * (i + 1) * frame], RATE_HZ)
            if speech and start is None:
                start = i * frame
            elif not speech and start is not None:
                segments.append((start, i * frame))
                start = None
        if start is not None:
            segments.append((start, n_frames * frame))
        return last_gap(segments, RATE_HZ)


class Constant(Method):
    """The constant answer: every round waited ``pause_s`` (a baseline that knows nothing)."""

    matches_reason = False

    def __init__(self, pause_s: float = 3.0) -> None:
        self.pause_s = pause_s
        self.name = f"{pause_s:.1f} s"

    def analyze(self, samples: npt.NDArray[np.float32], rate_hz: int) -> Prediction:
        return Prediction(self.pause_s)


@dataclass(frozen=True, slots=True)
class SileroParams:
    threshold: float = 0.5
    neg_gap: float = 0.15
    """Speech ends when the probability falls below ``threshold - neg_gap``."""
    min_silence_ms: int = 100
    min_speech_ms: int = 100
    pad_ms: int = 0


SILERO_DEFAULT = SileroParams(threshold=0.9, min_silence_ms=500, min_speech_ms=100, pad_ms=0)
"""Chosen with ``--tune-silero --seed 1 --count 240`` (a corpus apart from the default seed 0)."""


def silero_model_path() -> Path | None:
    spec = importlib.util.find_spec("silero_vad")
    if spec is None or spec.submodule_search_locations is None:
        return None
    for location in spec.submodule_search_locations:
        path = Path(location) / "data" / "silero_vad.onnx"
        if path.is_file():
            return path
    return None


class Silero(Method):
    WINDOW = 512
    CONTEXT = 64

    def __init__(self, params: SileroParams = SILERO_DEFAULT) -> None:
        t0 = time.process_time()
        import onnxruntime as ort

        path = silero_model_path()
        if path is None:
            raise RuntimeError("the silero-vad package (with its ONNX model) is not installed")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        self._session = ort.InferenceSession(
            str(path), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        inputs = {i.name: i for i in self._session.get_inputs()}
        if set(inputs) != {"input", "state", "sr"}:
            raise RuntimeError(f"unexpected silero-vad model inputs: {sorted(inputs)}")
        state_dims = inputs["state"].shape
        self._state_shape = (int(state_dims[0]), 1, int(state_dims[2]))
        self.params = params
        self.name = "silero"
        self.setup_cpu_s = time.process_time() - t0

    def probabilities(self, samples: npt.NDArray[np.float32], rate_hz: int) -> npt.NDArray[Any]:
        """Speech probability per 512-sample window at 16 kHz, state carried across windows."""
        x = to_16k(samples, rate_hz).astype(np.float32)
        n_win = math.ceil(len(x) / self.WINDOW)
        x = np.concatenate(
            (np.zeros(self.CONTEXT, np.float32), x, np.zeros(n_win * self.WINDOW - len(x)))
        ).astype(np.float32)
        state = np.zeros(self._state_shape, dtype=np.float32)
        sr = np.array(RATE_HZ, dtype=np.int64)
        probs = np.empty(n_win, dtype=np.float32)
        run = self._session.run
        for k in range(n_win):
            chunk = x[k * self.WINDOW : k * self.WINDOW + self.CONTEXT + self.WINDOW]
            out, state = run(None, {"input": chunk[None, :], "state": state, "sr": sr})
            probs[k] = out[0, 0]
        return probs

    def analyze(self, samples: npt.NDArray[np.float32], rate_hz: int) -> Prediction:
        return self.from_probabilities(self.probabilities(samples, rate_hz), self.params)

    @classmethod
    def from_probabilities(cls, probs: npt.NDArray[Any], p: SileroParams) -> Prediction:
        return last_gap(cls.segments(probs, p), RATE_HZ)

    @classmethod
    def segments(cls, probs: npt.NDArray[Any], p: SileroParams) -> list[tuple[int, int]]:
        """Hysteresis over window probabilities, then minimum silence/speech and padding."""
        w = cls.WINDOW
        min_sil = p.min_silence_ms * RATE_HZ // 1000
        min_speech = p.min_speech_ms * RATE_HZ // 1000
        pad = p.pad_ms * RATE_HZ // 1000
        off = p.threshold - p.neg_gap
        out: list[tuple[int, int]] = []
        start: int | None = None
        quiet_from: int | None = None
        for k, prob in enumerate(probs):
            pos = k * w
            if start is None:
                if prob >= p.threshold:
                    start, quiet_from = pos, None
                continue
            if prob >= p.threshold:
                quiet_from = None
            elif prob < off:
                if quiet_from is None:
                    quiet_from = pos
                if pos + w - quiet_from >= min_sil:
                    if quiet_from - start >= min_speech:
                        out.append((start, quiet_from))
                    start = quiet_from = None
        if start is not None:
            end = quiet_from if quiet_from is not None else len(probs) * w
            if end - start >= min_speech:
                out.append((start, end))
        padded: list[tuple[int, int]] = []
        for a, b in out:
            a = max(a - pad, padded[-1][1] if padded else 0)
            padded.append((a, b + pad))
        return padded


# --- scoring ------------------------------------------------------------------------------------


@dataclass(slots=True)
class MethodRun:
    method: Method
    preds: list[Prediction] = field(default_factory=list)
    cpu_s: float = 0.0
    errors: list[str] = field(default_factory=list)


def run_method(m: Method, item: Item, run: MethodRun) -> None:
    t0 = time.process_time()
    try:
        pred = m.analyze(item.samples, item.sample_rate_hz)
    except Exception as exc:  # a crash on one round must not end the benchmark
        pred = Prediction(None, error=f"{type(exc).__name__}: {exc}")
        if len(run.errors) < 3:
            run.errors.append(f"{item.item_id}: " + traceback.format_exc(limit=3))
        else:
            run.errors.append(item.item_id)
    run.cpu_s += time.process_time() - t0
    run.preds.append(pred)


def groups_of(item: Item) -> list[str]:
    own = getattr(item, "groups", None)
    if callable(own):  # a room round names its own groups (rooms.RoomItem.groups)
        return list(own())
    g = ["all", f"condition: {item.condition}", f"lang: {item.lang}"]
    g.append(f"rate: {item.sample_rate_hz // 1000 if item.sample_rate_hz % 1000 == 0 else 44.1}k")
    if item.noise is not None:
        g.append(f"noise: {item.noise} (all SNR)")
    if item.hesitation_s is not None:
        g.append("hesitation in question")
    if item.kind != "round":
        g.append("failure rounds")
    return g


GROUP_ORDER = (
    ["all", "condition: clean"]
    + [
        f"condition: {n}@{s}dB"
        for n in ("white", "pink", "brown", "hum", "babble")
        for s in (20, 10, 5)
    ]
    + [f"noise: {n} (all SNR)" for n in ("white", "pink", "brown", "hum", "babble")]
    + ["condition: quiet", "condition: near_clip", "condition: dc"]
    + ["lang: nl", "lang: en", "rate: 8k", "rate: 16k", "rate: 44.1k", "rate: 48k"]
    + ["hesitation in question", "failure rounds"]
)


TARGETS: tuple[tuple[str, str, str, float, bool], ...] = (
    # label, group, Stats field, goal, higher is better
    ("verdict agrees, all rounds %", "all", "verdict_agree", 95.0, True),
    ("verdict agrees, babble @ 10 dB %", "condition: babble@10dB", "verdict_agree", 80.0, True),
    ("pauses within ±100 ms %", "all", "within_100", 85.0, True),
    ("MAE on clean speech ms", "condition: clean", "mae_ms", 15.0, False),
    ("rounds without a measurement %", "all", "no_measurement", 3.0, False),
)


@dataclass(frozen=True, slots=True)
class Stats:
    n: int
    n_pause: int
    mae_ms: float | None
    p95_ms: float | None
    within_100: float | None
    within_250: float | None
    verdict_agree: float
    reason_agree: float | None
    """Verdict agreement where a failure round must also get the right reason (methods that
    give reasons only)."""
    no_measurement: float | None
    qe_mae_ms: float | None
    ns_mae_ms: float | None


def agrees(item: Item, pred: Prediction, match_reason: bool) -> bool:
    if item.pause_s is None:
        if pred.pause_s is not None:
            return False
        return not match_reason or pred.reason == item.expected_reason
    return verdict(pred.pause_s) == verdict(item.pause_s)


EDGE_S = 0.25
"""An edge further than this from its label is wrong (the ±250 ms target)."""
FAILURE_ROWS = 15
"""Rows of the table of what went wrong; the rarest kinds share the last one."""


def _what_is_at(item: Item, t: float) -> str:
    """The event whose span holds ``t`` (±0.1 s), else the round's noise, else "a sound"."""
    for kind, start, end in getattr(item, "event_spans_s", ()):
        if start - 0.1 <= t <= end + 0.1:
            return str(kind)
    return f"{item.noise} noise" if item.noise else "a sound"


def failure_class(item: Item, pred: Prediction) -> str | None:
    """What went wrong on a round whose verdict disagrees; ``None`` when it agrees."""
    if agrees(item, pred, match_reason=False):
        return None
    if item.pause_s is None:
        return "failure round measured as a pause"
    if pred.pause_s is None:
        return f"no measurement: {pred.reason or pred.error or 'no reason'}"
    if item.question_end_s is None or item.name_start_s is None:
        return "unlabelled edge"
    if pred.question_end_s is None or pred.name_start_s is None:
        return "no edges given"
    dq = pred.question_end_s - item.question_end_s
    dn = pred.name_start_s - item.name_start_s
    parts = []
    if dq > EDGE_S:
        parts.append(f"question end late ({_what_is_at(item, pred.question_end_s)})")
    elif dq < -EDGE_S:
        parts.append("question end early (lost speech)")
    if dn < -EDGE_S:
        parts.append(f"name start early ({_what_is_at(item, pred.name_start_s)})")
    elif dn > EDGE_S:
        parts.append("name start late (lost speech)")
    return " + ".join(parts) if parts else "both edges within 250 ms (near a band edge)"


def failure_classes(items: list[Item], preds: list[Prediction]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item, pred in zip(items, preds, strict=True):
        what = failure_class(item, pred)
        if what is not None:
            counts[what] = counts.get(what, 0) + 1
    return counts


def _abs_diff(a: float | None, b: float | None) -> float:
    return math.nan if a is None or b is None else abs(a - b)


def stats(pairs: list[tuple[Item, Prediction]], match_reason: bool) -> Stats:
    pause_pairs = [(i, p) for i, p in pairs if i.pause_s is not None]
    measured = [(i, p) for i, p in pause_pairs if p.pause_s is not None]
    errs = np.array([_abs_diff(p.pause_s, i.pause_s) for i, p in measured])
    qe = [_abs_diff(p.question_end_s, i.question_end_s) for i, p in measured]
    ns = [_abs_diff(p.name_start_s, i.name_start_s) for i, p in measured]
    qe = [e for e in qe if not math.isnan(e)]
    ns = [e for e in ns if not math.isnan(e)]
    n_p = len(pause_pairs)

    def pct(k: int, d: int) -> float | None:
        return None if d == 0 else 100.0 * k / d

    return Stats(
        n=len(pairs),
        n_pause=n_p,
        mae_ms=float(errs.mean() * 1000) if errs.size else None,
        p95_ms=float(np.percentile(errs, 95) * 1000) if errs.size else None,
        within_100=pct(int(np.sum(errs <= 0.100)), n_p),
        within_250=pct(int(np.sum(errs <= 0.250)), n_p),
        verdict_agree=100.0 * sum(agrees(i, p, False) for i, p in pairs) / max(1, len(pairs)),
        reason_agree=100.0 * sum(agrees(i, p, True) for i, p in pairs) / max(1, len(pairs))
        if match_reason
        else None,
        no_measurement=pct(n_p - len(measured), n_p),
        qe_mae_ms=float(np.mean(qe) * 1000) if qe else None,
        ns_mae_ms=float(np.mean(ns) * 1000) if ns else None,
    )


def fmt(v: float | None, digits: int = 1) -> str:
    return "–" if v is None else f"{v:.{digits}f}"


def stat_cells(s: Stats) -> list[str]:
    """A method's figures in the order of the summary and per-condition tables' columns."""
    return [
        fmt(s.mae_ms),
        fmt(s.p95_ms),
        fmt(s.within_100),
        fmt(s.within_250),
        fmt(s.verdict_agree),
        fmt(s.reason_agree),
        fmt(s.no_measurement),
        fmt(s.qe_mae_ms),
        fmt(s.ns_mae_ms),
    ]


def table(header: list[str], rows: Iterable[list[str]]) -> str:
    rows = list(rows)
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header))]

    def line(r: list[str]) -> str:
        cells = (r[c].ljust(widths[c]) if c == 0 else r[c].rjust(widths[c]) for c in range(len(r)))
        return "| " + " | ".join(cells) + " |"

    sep = (
        "|" + "|".join("-" * (w + 1) + ("-" if c == 0 else ":") for c, w in enumerate(widths)) + "|"
    )
    return "\n".join([line(header), sep, *map(line, rows)])


def write_dump(path: Path, items: list[Item], runs: list[MethodRun]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for k, item in enumerate(items):
            row: dict[str, object] = item.label()
            for run in runs:
                p = run.preds[k]
                row[run.method.name] = {
                    "pause_s": p.pause_s,
                    "question_end_s": p.question_end_s,
                    "name_start_s": p.name_start_s,
                    "reason": p.reason,
                    "error": p.error,
                    "agrees": agrees(item, p, False),
                    "reason_agrees": agrees(item, p, True) if run.method.matches_reason else None,
                }
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


DOCS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"
ROOMS_START, ROOMS_END = "<!-- rooms:start -->", "<!-- rooms:end -->"


def update_docs(path: Path, report: list[str], args: argparse.Namespace) -> None:
    """Put the report between the results markers of docs/benchmarks.md (the room corpus'
    report between its own markers, its headings two levels down)."""
    rooms = getattr(args, "corpus", "noise") == "rooms"
    start, end = (ROOMS_START, ROOMS_END) if rooms else (START, END)
    text = path.read_text(encoding="utf-8")
    if start not in text or end not in text:
        raise ValueError(f"the markers {start} and {end} are missing")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    if rooms:
        body = ["##" + line if line.startswith("#") else line for line in report]
    else:
        body = ["#" + line if line.startswith("## ") else line for line in report]
        body = [line for line in body if not line.startswith("# ")]
    if rooms:
        seeds = ",".join(map(str, args.seed))
        command = f"benchmarks/run.py --corpus rooms --split {args.split}"
        command += (f" --seed {seeds}" if seeds != "0" else "") + f" --count {args.count}"
    elif args.items is not None:
        command = f"benchmarks/run.py --items {args.items}"
    else:
        seeds = ",".join(map(str, args.seed))
        command = "benchmarks/run.py" + (f" --seed {seeds}" if seeds != "0" else "")
        command += f" --count {args.count}" if args.count != 600 else ""
    stamp = time.strftime("%Y-%m-%d")
    intro = f"Run on {stamp} with `.venv/bin/python {command}`."
    path.write_text(
        head + start + "\n" + intro + "\n" + "\n".join(body).rstrip() + "\n" + end + tail,
        encoding="utf-8",
    )


class LabelError(ValueError):
    pass


def _number(row: dict[str, Any], key: str, where: str) -> float | None:
    value = row.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise LabelError(f"{where}: {key} must be a number of seconds ≥ 0 or null, not {value!r}")
    return float(value)


def load_items(folder: Path) -> Iterator[Item]:
    """Rounds from a folder of WAV files with a ``labels.jsonl`` (as generate.py writes it).

    Each line needs ``file`` and either ``pause_s`` (or ``question_end_s`` and ``name_start_s``)
    or, for a round without a pause, ``expected_reason``. ``condition`` and ``lang`` are optional
    and only group the figures. Recordings labelled by hand can be scored this way.
    """
    from simulator.audio.wav import WavError, read_wav

    labels = folder / "labels.jsonl"
    try:
        lines = labels.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise LabelError(f"cannot read {labels}: {exc}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{labels}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LabelError(f"{where}: not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict) or not isinstance(row.get("file"), str):
            raise LabelError(f'{where}: each line must be an object with a "file" name')
        q_end = _number(row, "question_end_s", where)
        n_start = _number(row, "name_start_s", where)
        pause = _number(row, "pause_s", where)
        if pause is None and q_end is not None and n_start is not None:
            pause = n_start - q_end
        expected = row.get("expected_reason")
        if pause is None and not isinstance(expected, str):
            raise LabelError(
                f"{where}: give pause_s (or question_end_s and name_start_s), "
                "or expected_reason for a round without a pause"
            )
        try:
            wav = read_wav(folder / row["file"])
        except WavError as exc:
            print(f"benchmark: skipping {row['file']}: {exc}", file=sys.stderr)
            continue
        samples = np.asarray(wav.samples, dtype=np.float32)
        mono = samples.mean(axis=1) if samples.ndim == 2 else samples
        kind = str(row.get("kind") or ("round" if pause is not None else expected))
        yield Item(
            item_id=str(row.get("id") or Path(row["file"]).stem),
            kind=kind,
            expected_reason=None if pause is not None else expected,
            lang=str(row.get("lang") or "?"),
            condition=str(row.get("condition") or "recorded"),
            noise=row.get("noise"),
            snr_db=row.get("snr_db"),
            sample_rate_hz=wav.sample_rate_hz,
            sample_format=str(row.get("format") or "?"),
            samples=mono.astype(np.float32),
            question_text=row.get("question"),
            name_text=row.get("name"),
            voice=str(row.get("voice") or "?"),
            speed_wpm=int(row.get("speed_wpm") or 0),
            pitch=int(row.get("pitch") or 0),
            hesitation_s=row.get("hesitation_s"),
            question_end_s=q_end,
            name_start_s=n_start,
            pause_s=pause,
            speech_spans_s=tuple(tuple(x) for x in row.get("speech_spans_s") or ()),
        )


GroupMetrics = tuple[tuple[str, str], ...]
DEFAULT_GROUP_METRICS: GroupMetrics = (
    ("Verdict agreement %", "verdict_agree"),
    ("Pauses within ±100 ms %", "within_100"),
)


def report(
    items: list[Item],
    runs: list[MethodRun],
    log: Callable[..., None],
    *,
    source: str,
    notes: list[str],
    heading: str = "# coach-sim pause benchmark",
    group_order: list[str] = GROUP_ORDER,
    group_metrics: GroupMetrics = DEFAULT_GROUP_METRICS,
    targets: tuple[tuple[str, str, str, float, bool], ...] = TARGETS,
    speed_goal: float = 1000.0,
) -> None:
    """The report on scored rounds: overall, by group, per method, targets and reasons."""
    audio_s = sum(i.duration_s for i in items)
    n_fail = sum(i.kind != "round" for i in items)
    log(heading)
    log()
    log(
        f"{len(items)} rounds ({source}; {len(items) - n_fail} with a thinking pause, "
        f"{n_fail} failure rounds), {audio_s / 60:.1f} min of audio. "
        f"Verdict band {BAND_MIN_S}–{BAND_MAX_S} s."
    )
    if notes:
        log()
        for note in notes:
            log(f"- {note}")
    log()

    # Overall summary.
    header = [
        "method",
        "MAE ms",
        "p95 ms",
        "±100 ms %",
        "±250 ms %",
        "verdict %",
        "+ reason %",
        "no meas %",
        "q-end MAE ms",
        "name-start MAE ms",
        "× real time",
        "× RT incl. setup",
    ]
    rows = []
    for run in runs:
        s = stats(list(zip(items, run.preds, strict=True)), run.method.matches_reason)
        speed = audio_s / run.cpu_s if run.cpu_s > 0 else float("inf")
        speed_setup = audio_s / (run.cpu_s + run.method.setup_cpu_s)
        rows.append(
            [
                run.method.name,
                *stat_cells(s),
                f"{speed:.0f}",
                f"{speed_setup:.0f}",
            ]
        )
    log("## Overall")
    log()
    log(table(header, rows))
    log()

    # Verdict agreement and ±100 ms by group, all methods side by side.
    by_group: dict[str, list[int]] = {}
    for idx, item in enumerate(items):
        for g in groups_of(item):
            by_group.setdefault(g, []).append(idx)
    groups = [g for g in group_order if g in by_group]
    groups += sorted(g for g in by_group if g not in group_order)

    def group_stats(run: MethodRun, g: str) -> Stats:
        return stats([(items[k], run.preds[k]) for k in by_group[g]], run.method.matches_reason)

    cache = {(r.method.name, g): group_stats(r, g) for r in runs for g in groups}
    for title, key in group_metrics:
        log(f"## {title} by condition")
        log()
        rows = [
            [g, str(len(by_group[g]))]
            + [fmt(getattr(cache[(r.method.name, g)], key)) for r in runs]
            for g in groups
        ]
        log(table(["group", "n"] + [r.method.name for r in runs], rows))
        log()

    detailed = [r for r in runs if not r.method.name.startswith("webrtcvad")]
    webrtc = [r for r in runs if r.method.name.startswith("webrtcvad")]
    if webrtc:
        best = max(webrtc, key=lambda r: cache[(r.method.name, "all")].verdict_agree)
        detailed.append(best)
    for run in detailed:
        log(f"## {run.method.name} by condition")
        log()
        rows = []
        for g in groups:
            s = cache[(run.method.name, g)]
            rows.append(
                [
                    g,
                    str(s.n),
                    *stat_cells(s),
                ]
            )
        log(
            table(
                [
                    "group",
                    "n",
                    "MAE ms",
                    "p95 ms",
                    "±100 %",
                    "±250 %",
                    "verdict %",
                    "+ reason %",
                    "no meas %",
                    "q-end MAE",
                    "name MAE",
                ],
                rows,
            )
        )
        log()

    # The project's targets, side by side for every method.
    target_rows = []
    for label, group, key, goal, higher in targets:
        if group not in by_group:
            continue
        row = [label, f"{'≥' if higher else '≤'} {goal:g}"]
        for run in runs:
            value = getattr(cache[(run.method.name, group)], key)
            ok = value is not None and (value >= goal if higher else value <= goal)
            row.append("–" if value is None else f"{value:.1f}{'' if ok else ' ✗'}")
        target_rows.append(row)
    speed_row = ["speed × real time (analysis)", f"≥ {speed_goal:g}"]
    for run in runs:
        speed = audio_s / run.cpu_s if run.cpu_s > 0 else math.inf
        speed_row.append(f"{speed:.0f}{'' if speed >= speed_goal else ' ✗'}")
    target_rows.append(speed_row)
    log("## Targets")
    log()
    log(table(["target", "goal"] + [r.method.name for r in runs], target_rows))
    log()
    log("✗ marks a figure that misses its goal.")
    log()

    # Where each method that gives reasons goes wrong: which edge, and what sits there.
    for run in runs:
        if not run.method.matches_reason:
            continue
        wrong = failure_classes(items, run.preds)
        if wrong:
            total = sum(wrong.values())
            log(f"## {run.method.name}: where the verdict goes wrong")
            log()
            ranked = sorted(wrong.items(), key=lambda kv: (-kv[1], kv[0]))
            if len(ranked) > FAILURE_ROWS:
                rest = sum(c for _, c in ranked[FAILURE_ROWS - 1 :])
                others = len(ranked) - FAILURE_ROWS + 1
                ranked = ranked[: FAILURE_ROWS - 1] + [(f"{others} other kinds", rest)]
            rows = [
                [what, str(c), f"{100 * c / total:.0f}", f"{100 * c / len(items):.1f}"]
                for what, c in ranked
            ]
            log(table(["what went wrong", "rounds", "% of wrong", "% of all"], rows))
            log()
            log(
                "An edge is wrong when it is more than 250 ms from the label; a late question end "
                "or an early name start is named by the event whose span it falls in (±0.1 s), "
                "else by the round's noise; an early question end or a late name start lost "
                "speech of the teacher's."
            )
            log()

    # Reasons given by ours (what the lead needs to tune the failure cases).
    for run in runs:
        if not run.method.matches_reason:
            continue
        counts: dict[tuple[str, str], int] = {}
        for item, pred in zip(items, run.preds, strict=True):
            if item.pause_s is not None and pred.pause_s is not None:
                continue
            truth = item.expected_reason or "pause (measurable)"
            got = (
                "error"
                if pred.error
                else (pred.reason or "measured")
                if pred.pause_s is None
                else "measured"
            )
            counts[(truth, got)] = counts.get((truth, got), 0) + 1
        if counts:
            log(f"## {run.method.name}: reasons on failure rounds and unmeasured rounds")
            log()
            rows = [[t, g, str(c)] for (t, g), c in sorted(counts.items())]
            log(table(["truth", f"{run.method.name} says", "rounds"], rows))
            log()

    for run in runs:
        if run.errors:
            log(f"{run.method.name}: {len(run.errors)} rounds raised an error; first ones:")
            for e in run.errors[:3]:
                log("    " + e.strip().replace("\n", "\n    "))
            log()


# --- main ---------------------------------------------------------------------------------------


def build_methods(names: list[str], silero_params: SileroParams) -> tuple[list[Method], list[str]]:
    methods: list[Method] = []
    notes: list[str] = []
    if "ours" in names:
        try:
            methods.append(Ours())
        except ImportError as exc:
            notes.append(f"ours: skipped — simulator.audio.analysis is not available ({exc})")
        except Exception as exc:  # a half-written module must not stop the baselines
            notes.append(f"ours: skipped — importing simulator.audio.analysis failed ({exc!r})")
    if "webrtcvad" in names:
        try:
            methods += [PlainWebrtcvad(mode) for mode in range(4)]
        except ImportError as exc:
            notes.append(f"webrtcvad: skipped — {exc}")
    if "silero" in names:
        try:
            methods.append(Silero(silero_params))
        except (ImportError, RuntimeError, OSError) as exc:
            notes.append(
                f"silero: skipped — {exc} (install: pip install onnxruntime; "
                "pip install --no-deps silero-vad)"
            )
        except Exception as exc:  # onnxruntime raises its own exception types on a bad model
            notes.append(f"silero: skipped — could not load the model: {exc}")
    if "constant" in names:
        methods.append(Constant(3.0))
    return methods, notes


def tune_silero(silero: Silero, items: list[Item], log: Callable[[str], None]) -> SileroParams:
    """Grid-search the silero segmentation on these rounds (probabilities computed once)."""
    probs = [silero.probabilities(i.samples, i.sample_rate_hz) for i in items]
    rows = []
    best: tuple[tuple[float, float, float], SileroParams] | None = None
    for thr in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95):
        for min_sil in (100, 200, 300, 500, 700):
            for pad in (0, 30):
                p = SileroParams(threshold=thr, min_silence_ms=min_sil, pad_ms=pad)
                pairs = [
                    (i, Silero.from_probabilities(pr, p))
                    for i, pr in zip(items, probs, strict=True)
                ]
                s = stats(pairs, match_reason=False)
                key = (s.verdict_agree, s.within_100 or 0.0, -(s.mae_ms or 0.0))
                rows.append(
                    [
                        f"{thr}",
                        f"{min_sil}",
                        f"{pad}",
                        fmt(s.verdict_agree),
                        fmt(s.within_100),
                        fmt(s.mae_ms, 0),
                        fmt(s.no_measurement),
                    ]
                )
                if best is None or key > best[0]:
                    best = (key, p)
    log(
        table(
            [
                "threshold",
                "min silence ms",
                "pad ms",
                "verdict %",
                "±100 ms %",
                "MAE ms",
                "no meas %",
            ],
            rows,
        )
    )
    assert best is not None
    log(f"\nbest: {best[1]}")
    return best[1]


ROOM_GROUP_METRICS: GroupMetrics = (
    ("Verdict agreement %", "verdict_agree"),
    ("Pauses within ±250 ms %", "within_250"),
    ("Pauses within ±100 ms %", "within_100"),
    ("No measurement %", "no_measurement"),
)


def run_rooms(
    args: argparse.Namespace,
    methods: list[Method],
    notes: list[str],
    log: Callable[..., None],
    out: list[str],
) -> int:
    """Score the room corpus: each split on its own, the same rounds for every method."""
    import rooms as room_corpus

    wall0, cpu0 = time.perf_counter(), time.process_time()
    splits = ["tune", "heldout"] if args.split == "both" else [args.split]
    all_items: list[Item] = []
    all_runs = [MethodRun(m) for m in methods]
    summary: list[list[str]] = []
    gen_cpu = 0.0
    for split in splits:
        t0 = time.process_time()
        items: list[Item] = []
        try:
            for seed in args.seed:
                items += room_corpus.room_items(
                    split,
                    seed,
                    args.count,
                    dev_audio=args.dev_audio,
                    espeak_cache=args.cache,
                    log=lambda text: print(text, file=sys.stderr, flush=True),
                )
        except (room_corpus.RoomCorpusError, SpeechError) as exc:
            print(f"benchmark: {exc}", file=sys.stderr)
            return 2
        gen_cpu += time.process_time() - t0
        runs = [MethodRun(m) for m in methods]
        for k, item in enumerate(items, 1):
            for run in runs:
                run_method(run.method, item, run)
            if k % 100 == 0:
                print(f"  … {k} {split} rounds scored", file=sys.stderr, flush=True)
        seeds = ("seed " if len(args.seed) == 1 else "seeds ") + ", ".join(map(str, args.seed))
        report(
            items,
            runs,
            log,
            source=f"split {split}, {seeds}",
            notes=notes if split == splits[0] else [],
            heading=f"# Room benchmark: {split} split",
            group_order=room_corpus.GROUP_ORDER,
            group_metrics=ROOM_GROUP_METRICS,
            targets=room_corpus.TARGETS,
            speed_goal=250.0,
        )
        for label, group, key, goal, higher in room_corpus.TARGETS:
            idx = [k for k, item in enumerate(items) if group in groups_of(item)]
            row = [label, split, str(len(idx)), f"{'≥' if higher else '≤'} {goal:g}"]
            for run in runs:
                s = stats([(items[k], run.preds[k]) for k in idx], False)
                value = getattr(s, key)
                ok = value is not None and (value >= goal if higher else value <= goal)
                row.append("–" if value is None else f"{value:.1f}{'' if ok else ' ✗'}")
            summary.append(row)
        all_items += items
        for whole, part in zip(all_runs, runs, strict=True):
            whole.preds += part.preds
            whole.cpu_s += part.cpu_s
    log("# Room benchmark: targets by split")
    log()
    log(table(["target", "split", "n", "goal"] + [m.name for m in methods], summary))
    log()
    log(
        f"Whole process: {time.process_time() - cpu0:.1f} s CPU "
        f"({time.perf_counter() - wall0:.1f} s wall), of which making or reading the rounds "
        f"{gen_cpu:.1f} s."
    )
    return finish_reports(args, out, all_items, all_runs)


def finish_reports(
    args: argparse.Namespace, out: list[str], items: list[Item], runs: list[MethodRun]
) -> int:
    """Write the per-round dump, the report into docs/benchmarks.md and/or a Markdown file, as
    asked."""
    if args.dump:
        try:
            write_dump(args.dump, items, runs)
        except OSError as exc:
            print(f"benchmark: cannot write {args.dump}: {exc}", file=sys.stderr)
            return 1
    if args.update_docs:
        try:
            update_docs(DOCS, out, args)
        except (OSError, ValueError) as exc:
            print(f"benchmark: cannot update {DOCS}: {exc}", file=sys.stderr)
            return 1
    if args.markdown:
        try:
            args.markdown.parent.mkdir(parents=True, exist_ok=True)
            args.markdown.write_text("\n".join(out) + "\n", encoding="utf-8")
        except OSError as exc:
            print(f"benchmark: cannot write {args.markdown}: {exc}", file=sys.stderr)
            return 1
    return 0


def _seeds(text: str) -> tuple[int, ...]:
    try:
        seeds = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a seed or comma-separated seeds, like 2 or 1,2,3: {text!r}"
        ) from None
    if len(set(seeds)) != len(seeds):
        raise argparse.ArgumentTypeError(f"a seed is given twice: {text!r}")
    return seeds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark pause measurement on generated rounds.")
    ap.add_argument("--count", type=int, default=600, help="rounds to generate (default 600)")
    ap.add_argument(
        "--seed",
        type=_seeds,
        default=(0,),
        help="corpus seed (default 0); several, comma-separated (1,2,3,4), score their rounds "
        "together: --count rounds of each",
    )
    ap.add_argument(
        "--methods",
        help="comma-separated subset of ours,webrtcvad,silero,constant (default: "
        "ours,webrtcvad,silero; with --corpus rooms also constant, the answer 3.0 s)",
    )
    ap.add_argument(
        "--corpus",
        choices=("noise", "rooms"),
        default="noise",
        help="noise: espeak-ng rounds with added noise (default); rooms: rounds in rooms with "
        "real voices, microphones, room noise and events (benchmarks/rooms.py)",
    )
    ap.add_argument(
        "--split",
        choices=("tune", "heldout", "both"),
        default="both",
        help="with --corpus rooms: the speakers and events to score (default both, each "
        "reported on its own)",
    )
    ap.add_argument(
        "--dev-audio",
        type=Path,
        help="with --corpus rooms: the dev-audio pack (default: $COACH_SIM_DEV_AUDIO or "
        "../shared/dev-audio beside the repository)",
    )
    ap.add_argument(
        "--items",
        type=Path,
        metavar="DIR",
        help="score the WAV files listed in DIR/labels.jsonl instead of generating rounds",
    )
    ap.add_argument(
        "--only-ours", action="store_true", help="score only ours (same as --methods ours)"
    )
    ap.add_argument("--markdown", type=Path, help="also write the report to this Markdown file")
    ap.add_argument(
        "--dump",
        type=Path,
        help="write one JSON line per round: its labels and every method's result",
    )
    ap.add_argument(
        "--update-docs",
        action="store_true",
        help=f"replace the figures in {DOCS.relative_to(DOCS.parents[1])} with this run's report",
    )
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="espeak-ng clip cache")
    ap.add_argument(
        "--tune-silero",
        action="store_true",
        help="grid-search silero's threshold/min silence/padding on these rounds and print it",
    )
    args = ap.parse_args(argv)
    rooms = args.corpus == "rooms"
    methods_text = args.methods or (
        "ours,webrtcvad,silero,constant" if rooms else "ours,webrtcvad,silero"
    )
    names = (
        ["ours"] if args.only_ours else [m.strip() for m in methods_text.split(",") if m.strip()]
    )
    unknown = sorted(set(names) - {"ours", "webrtcvad", "silero", "constant"})
    if unknown:
        ap.error(
            f"unknown method(s) {', '.join(unknown)}; choose from ours, webrtcvad, silero, constant"
        )
    if rooms and (args.items is not None or args.tune_silero):
        ap.error(
            "--corpus rooms makes its own rounds: it cannot be combined with --items or "
            "--tune-silero"
        )
    if args.count < 1:
        ap.error("--count must be at least 1")

    out: list[str] = []

    def log(text: str = "") -> None:
        print(text, flush=True)
        out.append(text)

    wall0, cpu0 = time.perf_counter(), time.process_time()
    methods, notes = build_methods(names, SILERO_DEFAULT)
    for note in notes:
        print(note, file=sys.stderr)
    if not methods:
        print("nothing to score: no method could be loaded", file=sys.stderr)
        return 2

    if rooms:
        return run_rooms(args, methods, notes, log, out)

    bank: SpeechBank | None = None
    gen: Iterator[Item]
    try:
        if args.items is not None:
            gen = load_items(args.items)
            source = f"from {args.items}"
        else:
            bank = SpeechBank(args.cache)
            gen = itertools.chain.from_iterable(
                iter_items(seed, args.count, bank=bank) for seed in args.seed
            )
            source = ("seed " if len(args.seed) == 1 else "seeds ") + ", ".join(map(str, args.seed))
    except SpeechError as exc:
        print(f"benchmark: {exc}", file=sys.stderr)
        return 2
    items: list[Item] = []
    runs = [MethodRun(m) for m in methods]
    gen_cpu = 0.0
    while True:
        t0 = time.process_time()
        try:
            item = next(gen)
        except StopIteration:
            break
        except (SpeechError, LabelError) as exc:
            print(f"benchmark: {exc}", file=sys.stderr)
            return 2
        finally:
            gen_cpu += time.process_time() - t0
        items.append(item)
        if not args.tune_silero:
            for run in runs:
                run_method(run.method, item, run)
        if len(items) % 100 == 0:
            print(f"  … {len(items)} rounds", file=sys.stderr, flush=True)

    if not items:
        print("benchmark: no rounds to score", file=sys.stderr)
        return 2
    if args.tune_silero:
        silero = next((m for m in methods if isinstance(m, Silero)), None)
        if silero is None:
            print(
                "--tune-silero needs the silero baseline, which is not available", file=sys.stderr
            )
            return 2
        tune_silero(silero, items, log)
        return 0

    report(items, runs, log, source=source, notes=notes)

    cpu = time.process_time() - cpu0
    wall = time.perf_counter() - wall0
    log(
        f"Whole process: {cpu:.1f} s CPU ({wall:.1f} s wall), of which making or reading the "
        f"rounds {gen_cpu:.1f} s; {bank.espeak_calls if bank else 0} new espeak-ng clips. "
        "Speeds are audio seconds per CPU second of the analysis alone "
        "(incl. setup: plus imports and model loading)."
    )
    return finish_reports(args, out, items, runs)


if __name__ == "__main__":
    raise SystemExit(main())
