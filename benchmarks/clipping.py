"""Clipping below full scale: how often the analysis flags real speech, clean and clipped.

Every speech file of the dev-audio pack (read from ``../shared/dev-audio`` at run time, never
copied) is measured as it is, and cut off 6 dB, 12 dB and 24 dB below its own peak (at peak/2,
peak/4 and peak/16), then turned down by 6 dB (× 0.5), so that nothing reaches full scale:

- ``turned down``: at the file's 16 kHz;
- ``turned down, 16 → 48 kHz``: then resampled with the project's own resampler, as a sound
  server does for a 48 kHz stream;
- ``44.1 kHz cut, → 16 kHz``: the file resampled to 44.1 kHz, cut off and turned down there,
  then resampled to 16 kHz, as the app hears a 44.1 kHz device.

A file counts as flagged when its clipped fraction reaches the analysis' warning threshold (the
round gets the "clipped" warning); "failed" when it reaches the failure threshold (a round
without a measurement then says "clipped"). Clipped files are also scored against the share of
their samples that were actually cut off. The pack's recorded sounds (coughs, doors, key
presses, footsteps, breaths) and 200 synthetic steady hums (nothing clipped) are measured as
they are. With ``--espeak N`` the first N rounds of the noise benchmark (espeak-ng speech, noise,
levels up to 0.999 of full scale, DC offsets) are measured as well. It prints Markdown; it
asserts nothing.

Usage: ``.venv/bin/python benchmarks/clipping.py [--dev-audio DIR] [--espeak 300]``
(needs ``soundfile``: ``.venv/bin/pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from simulator.audio.analysis import DEFAULT_CONFIG  # noqa: E402
from simulator.audio.analysis.clipping import clipped_fraction  # noqa: E402
from simulator.audio.resample import resample  # noqa: E402

F32 = npt.NDArray[np.float32]
RATE_HZ = 16_000
CONFIG = DEFAULT_CONFIG.pattern
DEFAULT_DEV_AUDIO = ROOT.parent / "shared" / "dev-audio"
TURNED_DOWN = 0.5


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    cut_db: float | None  # None: the file as it is
    make: Callable[[F32, float | None], tuple[F32, int]]


def cut(x: F32, below_peak_db: float) -> F32:
    level = float(np.max(np.abs(x))) * 10 ** (-below_peak_db / 20)
    return (np.clip(x, -level, level) * TURNED_DOWN).astype(np.float32)


def _as_is(x: F32, db: float | None) -> tuple[F32, int]:
    return x, RATE_HZ


def _turned_down(x: F32, db: float | None) -> tuple[F32, int]:
    assert db is not None
    return cut(x, db), RATE_HZ


def _up_to_48k(x: F32, db: float | None) -> tuple[F32, int]:
    assert db is not None
    return resample(cut(x, db), RATE_HZ, 48_000), 48_000


def _cut_at_44k(x: F32, db: float | None) -> tuple[F32, int]:
    assert db is not None
    return resample(cut(resample(x, RATE_HZ, 44_100), db), 44_100, RATE_HZ), RATE_HZ


CASES = (
    Case("unclipped", None, _as_is),
    *(
        Case(f"cut {db:g} dB, {how}", db, make)
        for db in (6.0, 12.0, 24.0)
        for how, make in (
            ("turned down", _turned_down),
            ("turned down, 16 → 48 kHz", _up_to_48k),
            ("44.1 kHz cut, → 16 kHz", _cut_at_44k),
        )
    ),
)


def pack_files(root: Path, folder: str) -> Iterator[tuple[str, F32]]:
    """(path, samples) for every file of the pack under ``folder`` (``speech``, ``events``)."""
    try:
        import soundfile as sf
    except ImportError:
        raise SystemExit("needs soundfile: .venv/bin/pip install -e '.[bench]'") from None
    index = root / "index.csv"
    if not index.is_file():
        raise SystemExit(f"the dev-audio pack is not at {root} (no index.csv); see --dev-audio")
    with index.open(newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["path"].startswith(f"{folder}/")]
    for row in rows:
        x, rate = sf.read(str(root / row["path"]), dtype="float32", always_2d=True)
        if rate != RATE_HZ:
            raise SystemExit(f"{row['path']}: {rate} Hz, expected {RATE_HZ} Hz")
        yield row["path"], np.ascontiguousarray(x.mean(axis=1))


@dataclass
class Tally:
    files: int = 0
    full_scale_alone: int = 0  # flagged by counting samples at full scale, as before
    flagged: int = 0
    failed: int = 0
    cut_enough: int = 0  # files with at least the warning share of samples actually cut off
    cut_enough_flagged: int = 0
    cut_a_lot: int = 0  # ... the failure share
    cut_a_lot_failed: int = 0
    ratios: list[float] | None = None
    audio_s: float = 0.0
    cpu_s: float = 0.0


def full_scale_alone(x: F32) -> bool:
    return float(np.mean(np.abs(x) >= CONFIG.clip_level_fs)) >= CONFIG.clip_warn_fraction


def measure(root: Path) -> tuple[dict[str, Tally], list[tuple[str, float, bool]]]:
    tallies = {c.name: Tally(ratios=[]) for c in CASES}
    flagged_clean: list[tuple[str, float, bool]] = []
    for path, x in pack_files(root, "speech"):
        peak = float(np.max(np.abs(x)))
        for case in CASES:
            y, rate = case.make(x, case.cut_db)
            t0 = time.process_time()
            fraction = clipped_fraction(y, rate, CONFIG)
            tally = tallies[case.name]
            tally.cpu_s += time.process_time() - t0
            tally.audio_s += y.size / rate
            tally.files += 1
            tally.full_scale_alone += full_scale_alone(y)
            tally.flagged += fraction >= CONFIG.clip_warn_fraction
            tally.failed += fraction >= CONFIG.clip_fail_fraction
            if case.cut_db is None:
                if fraction >= CONFIG.clip_warn_fraction:
                    flagged_clean.append((path, fraction, full_scale_alone(y)))
                continue
            truth = float(np.mean(np.abs(x) > peak * 10 ** (-case.cut_db / 20)))
            if truth >= CONFIG.clip_warn_fraction:
                tally.cut_enough += 1
                tally.cut_enough_flagged += fraction >= CONFIG.clip_warn_fraction
                assert tally.ratios is not None
                tally.ratios.append(fraction / truth)
            if truth >= CONFIG.clip_fail_fraction:
                tally.cut_a_lot += 1
                tally.cut_a_lot_failed += fraction >= CONFIG.clip_fail_fraction
    return tallies, flagged_clean


def events(root: Path) -> tuple[int, list[tuple[str, float, bool]]]:
    """The pack's recorded sounds (coughs, doors, keys, steps, breaths), as they are."""
    count = 0
    flagged: list[tuple[str, float, bool]] = []
    for path, x in pack_files(root, "events"):
        count += 1
        fraction = clipped_fraction(x, RATE_HZ, CONFIG)
        if fraction >= CONFIG.clip_warn_fraction:
            flagged.append((path, fraction, full_scale_alone(x)))
    return count, flagged


def _listed(flagged: list[tuple[str, float, bool]]) -> list[str]:
    lines = []
    for path, fraction, alone in flagged:
        also = "; the full-scale count alone flags it too" if alone else ""
        lines.append(f"- `{path}`: {fraction:.4f}{also}")
    return lines


def steady_sounds(count: int = 200, seed: int = 0) -> tuple[int, int]:
    """(sounds, flagged): 3 s of mains hum or a machine's drone alone, 50-120 Hz with four
    harmonics of random strength and phase (some flatten the tops), 0.01-0.5 of full scale, with
    a little noise; nothing in them is clipped."""
    rng = np.random.default_rng(seed)
    t = np.arange(3 * RATE_HZ) / RATE_HZ
    flagged = 0
    for _ in range(count):
        f0 = float(rng.choice([50.0, 60.0, 100.0, 120.0]))
        hum = sum(
            rng.uniform(0, 1)
            / k ** rng.uniform(0.5, 2)
            * np.sin(2 * np.pi * f0 * k * t + rng.uniform(0, 2 * np.pi))
            for k in range(1, 6)
        )
        x = hum / np.max(np.abs(hum)) * rng.uniform(0.01, 0.5)
        x = x + rng.uniform(0, 0.02) * np.max(np.abs(x)) * rng.standard_normal(t.size)
        flagged += (
            clipped_fraction(x.astype(np.float32), RATE_HZ, CONFIG) >= CONFIG.clip_warn_fraction
        )
    return count, flagged


def espeak_rounds(count: int) -> tuple[int, int, int]:
    """(rounds, flagged by the full-scale count alone, flagged by the analysis)."""
    import generate

    alone = flagged = 0
    for item in generate.iter_items(0, count):
        x = np.asarray(item.samples, dtype=np.float32)
        alone += full_scale_alone(x)
        flagged += clipped_fraction(x, item.sample_rate_hz, CONFIG) >= CONFIG.clip_warn_fraction
    return count, alone, flagged


def _pct(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.1f} %)" if whole else "–"


def report(tallies: dict[str, Tally], flagged_clean: list[tuple[str, float, bool]]) -> str:
    lines = [
        f"Warning at a clipped fraction ≥ {CONFIG.clip_warn_fraction:g}, failure at ≥ "
        f"{CONFIG.clip_fail_fraction:g}.",
        "",
        "| speech files | full-scale count alone | flagged | failed "
        "| flagged, of those ≥ warn share cut | failed, of those ≥ fail share cut "
        "| counted / cut (median) | × real time |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, t in tallies.items():
        ratio = f"{statistics.median(t.ratios):.2f}" if t.ratios else "–"
        speed = f"{t.audio_s / t.cpu_s:.0f}" if t.cpu_s > 0 else "–"
        lines.append(
            f"| {name} | {_pct(t.full_scale_alone, t.files)} | {_pct(t.flagged, t.files)} "
            f"| {_pct(t.failed, t.files)} | "
            f"{_pct(t.cut_enough_flagged, t.cut_enough)} | "
            f"{_pct(t.cut_a_lot_failed, t.cut_a_lot)} | {ratio} | {speed} |"
        )
    lines += ["", "Unclipped speech files flagged (clipped fraction):", "", *_listed(flagged_clean)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev-audio", type=Path, default=DEFAULT_DEV_AUDIO, metavar="DIR")
    parser.add_argument("--espeak", type=int, default=0, metavar="N")
    args = parser.parse_args()
    tallies, flagged_clean = measure(args.dev_audio)
    print(report(tallies, flagged_clean))
    count, flagged = events(args.dev_audio)
    print(f"\nRecorded sounds (events), as they are: {_pct(len(flagged), count)} flagged.\n")
    print("\n".join(_listed(flagged)))
    count, steady = steady_sounds()
    print(f"Steady hum and drones (synthetic, seed 0): {_pct(steady, count)} flagged.")
    if args.espeak > 0:
        n, alone, flagged = espeak_rounds(args.espeak)
        print(
            f"\nNoise benchmark rounds (seed 0): {_pct(alone, n)} flagged by the full-scale count "
            f"alone, {_pct(flagged, n)} by the analysis."
        )


if __name__ == "__main__":
    main()
