"""How well the note "speech was heard during your pause" tells the teacher when not to trust a
measurement, on the room benchmark's rounds.

A finished round (the app's, and ``coach-sim analyze``) is judged for speech in its thinking
pause, mostly other people talking (``LevelWarning.OTHER_VOICES``). The note does not change
the measurement; it is worth having when it comes where the measurement goes wrong and seldom
elsewhere. Per split it
prints, over the rounds with a measured pause, how many are noted, by the round's room noise
(other people talking, a fan, typing, none), and how often the verdict is wrong with and without
the note. It asserts nothing.

Usage: ``.venv/bin/python benchmarks/pause_voices.py [--split both] [--seed 0] [--count 600]``
(needs the benchmark's extras and the dev-audio pack, as ``run.py --corpus rooms`` does).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import rooms  # noqa: E402
from run import verdict  # noqa: E402

from simulator.audio.analysis import analyze_samples  # noqa: E402
from simulator.audio.result import LevelWarning  # noqa: E402


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}" if whole else "    –"


def report(split: str, rows: list[tuple[str, bool, bool]]) -> None:
    """``rows``: (the round's noise, noted, verdict right) per round with a measured pause."""
    print(f"\n{split}: {len(rows)} rounds with a measured pause")
    print("room noise          rounds  noted %")
    by_noise: dict[str, list[bool]] = defaultdict(list)
    for noise, with_note, _ in rows:
        by_noise[noise].append(with_note)
    for noise in sorted(by_noise):
        notes = by_noise[noise]
        print(f"{noise:18s} {len(notes):7d}  {_pct(sum(notes), len(notes))}")
    noted = [right for _, with_note, right in rows if with_note]
    plain = [right for _, with_note, right in rows if not with_note]
    wrong_noted = _pct(len(noted) - sum(noted), len(noted))
    wrong_plain = _pct(len(plain) - sum(plain), len(plain))
    print(
        f"verdict wrong: noted {wrong_noted} % of {len(noted)}, "
        f"not noted {wrong_plain} % of {len(plain)}"
    )


def measure(split: str, items: list[rooms.RoomItem], _: argparse.Namespace) -> None:
    rows = []
    for k, item in enumerate(items, 1):
        m = analyze_samples(item.samples, item.sample_rate_hz, judge_pause_voices=True)
        if m.pause_s is not None:
            noise = (item.noise or "none").split("@")[0]
            right = verdict(m.pause_s) == verdict(item.pause_s)
            rows.append((noise, LevelWarning.OTHER_VOICES in m.warnings, right))
        rooms.progress(split, k, len(items))
    report(split, rows)


if __name__ == "__main__":
    sys.exit(rooms.over_splits(__doc__.splitlines()[0], "pause_voices", measure))
