"""The room benchmark's rounds as the app hears them live: fed through the live round in 20 ms
blocks, which ends the round by itself (as the rounds screen does) and measures what it heard up
to then.

The offline figures (``run.py --corpus rooms``) analyse each whole round. Live, the round ends
once the pattern is complete and a silence follows it; a round that ends in the thinking pause
never hears the name, and measures something else as the pause. Per split it prints, for all
rounds and for rounds in a reverberant room with an event in the pause: how many rounds with a
name ended before the name was over, the verdict agreement live and offline (same rounds, same
analysis), how long after the name the rounds that heard it ended, how many were still running
when the recording was over (those are measured over the whole recording, as when the teacher
ends a round with the key), and how many the finished round notes for speech in the pause, with
how often their verdict is wrong. It asserts nothing.

The room goes on for ``ROOM_AFTER_S`` after each recording (its noise, the ring of the last
sound, the microphone's floor and gain; ``RoomCorpus.make``'s ``more_room_s``), longer than the
live round ever waits in silence: a round that waits as for an unsure name ends by itself too,
and the time after the name is known for every round that heard it. The offline analysis reads
the recording alone, as ``run.py`` does.

Every round is heard three times: as a session's first round; as a first round after the
microphone check, where the teacher said the question they will practise (its length as the check
measures it, ``sentence_s``, on the round's own question in the same room, from 0.3 s before it
to 0.8 s after it, or 0.1 s before the name, and without its hesitation, if it has one; the
speaking rate varied by up to 15 % either way, seeded); and as a later round of that session,
where the teacher asks the same question again and the round knows how long it lasted before (its
length as the session keeps it, ``Session.question_s``: measured by the live pass after the check,
which heard the round up to where it ended; the rate varied as before) and what the check
measured.

Usage: ``.venv/bin/python benchmarks/live_rooms.py [--split both] [--seed 0] [--count 600]``
(needs the benchmark's extras and the dev-audio pack, as ``run.py --corpus rooms`` does).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import rooms  # noqa: E402
from run import verdict  # noqa: E402

from simulator.audio.analysis import analyze_samples  # noqa: E402
from simulator.audio.live import question_s, sentence_s  # noqa: E402
from simulator.audio.pattern import question_pause_name  # noqa: E402
from simulator.audio.resample import resample  # noqa: E402
from simulator.audio.result import ANALYSIS_RATE_HZ, LevelWarning, RoundMeasurement  # noqa: E402
from simulator.rehearsal.round import RoundPolicy  # noqa: E402

BLOCK = ANALYSIS_RATE_HZ // 50
"""20 ms, as the microphone delivers blocks."""


@dataclass(frozen=True, slots=True)
class Heard:
    with_name: bool
    ended_early: bool
    """The round ended before the name was over."""
    after_name_s: float | None
    """The round's end after the name's end (``None``: ended early, or never by itself)."""
    ended_by_itself: bool
    """The round ended by itself before the recording and the room after it were over (else it
    is measured over all of it, as when the teacher ends it with the key)."""
    live_right: bool
    offline_right: bool
    room_event: bool
    """A reverberant room with an event in the pause."""
    measured: RoundMeasurement
    """What the live round measured (``LiveRound.finish``), as the session keeps it."""


ROOM_AFTER_S = 9.0
"""The room after each recording: more than the longest silence a live round waits for
(``GIVE_UP_SILENCE_S``, 8 s)."""

RATE_SPREAD = 0.15
"""A later round of a session: the teacher asks the same question at a speaking rate up to this
share faster or slower than before."""


def hear(
    item: rooms.RoomItem,
    offline: RoundMeasurement,
    question_s: float | None,
    checked_s: float | None = None,
) -> Heard:
    """One live pass over the round; ``question_s``: the question's length the session knows from
    an earlier round (``None``: the session's first round); ``checked_s``: from the microphone
    check."""
    x = np.asarray(item.samples, dtype=np.float32)
    if x.ndim > 1:
        x = x.mean(axis=1)
    x = resample(x, item.sample_rate_hz, ANALYSIS_RATE_HZ)
    live = RoundPolicy().live_round(question_pause_name(), 0, question_s, checked_s)
    end = None
    for i in range(0, x.size, BLOCK):
        if live.feed(x[i : i + BLOCK]).done:
            end = min(i + BLOCK, x.size)
            break
    measured = live.finish()
    truth = verdict(item.pause_s)
    with_name = item.name_start_s is not None and bool(item.speech_spans_s)
    name_end = item.speech_spans_s[-1][1] if with_name else None
    early = name_end is not None and end is not None and end / ANALYSIS_RATE_HZ < name_end
    after = None
    if name_end is not None and end is not None and not early:
        after = end / ANALYSIS_RATE_HZ - name_end
    return Heard(
        with_name,
        early,
        after,
        end is not None,
        verdict(measured.pause_s) == truth,
        verdict(offline.pause_s) == truth,
        item.room != "dry" and item.event_in_pause is not None,
        measured,
    )


def _pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:5.1f}" if whole else "    –"


def report(split: str, heard: list[Heard], title: str) -> None:
    print(f"\n{split}, {title}: {len(heard)} rounds")
    print("rounds                     n  ended before the name %  verdict live %  offline %")
    for label, rows in (
        ("all", heard),
        ("reverberant + event", [h for h in heard if h.room_event]),
    ):
        named = [h for h in rows if h.with_name]
        early = sum(h.ended_early for h in named)
        live = sum(h.live_right for h in rows)
        offline = sum(h.offline_right for h in rows)
        print(
            f"{label:21s} {len(rows):6d} {_pct(early, len(named)):>23s}"
            f" {_pct(live, len(rows)):>15s} {_pct(offline, len(rows)):>10s}"
        )
    after = [h.after_name_s for h in heard if h.after_name_s is not None]
    if after:
        print(
            f"end after the name ({len(after)} rounds that heard it and ended by themselves):"
            f" median {statistics.median(after):.2f} s, 90th percentile"
            f" {float(np.percentile(after, 90)):.2f} s, over 1.0 s"
            f" {_pct(sum(v > 1.0 for v in after), len(after)).strip()} %"
        )
    named = [h for h in heard if h.with_name]
    heard_it = [h for h in named if not h.ended_early]
    running = sum(not h.ended_by_itself for h in heard_it)
    late = running + sum(h.after_name_s is not None and h.after_name_s > 1.0 for h in heard_it)
    print(
        f"rounds that heard the name: {len(heard_it)}; ended over 1.0 s after it or not by"
        f" themselves: {late} ({_pct(late, len(heard_it)).strip()} %), of which still running"
        f" {ROOM_AFTER_S:g} s after the recording: {running}"
    )
    noted = [h for h in heard if LevelWarning.OTHER_VOICES in h.measured.warnings]
    plain = [h for h in heard if LevelWarning.OTHER_VOICES not in h.measured.warnings]
    early = sum(h.ended_early for h in named)
    early_noted = sum(h.ended_early for h in noted)
    print(
        f'noted "speech was heard during your pause": {len(noted)} rounds, live verdict wrong in'
        f" {len(noted) - sum(h.live_right for h in noted)} ({len(plain)} not noted: wrong in"
        f" {len(plain) - sum(h.live_right for h in plain)}); of the {early} rounds that ended"
        f" before the name, {early_noted} noted"
    )


CHECK_BEFORE_S = 0.3
CHECK_AFTER_S = 0.8
CHECK_CLEAR_S = 0.1
"""The microphone check's audio: the round's question from ``CHECK_BEFORE_S`` before it to
``CHECK_AFTER_S`` after it, and at least ``CHECK_CLEAR_S`` before the name ..."""
CHECK_BREAK_S = 0.3
CHECK_GAP_S = 0.15
"""... said without a break: a silence inside it longer than ``CHECK_BREAK_S`` (a hesitation)
cut down to ``CHECK_GAP_S``."""


def said_in_the_check(item: rooms.RoomItem, spread: float) -> float | None:
    """The question's length as the microphone check measures it, when the teacher says there
    the question of this round, without its hesitation, in the same room (``None``: a round
    without a question, or none heard)."""
    spans = list(item.speech_spans_s)
    if item.kind in ("round", "no_pause"):
        spans = spans[:-1]
    elif item.kind == "name_first":
        spans = spans[1:]
    if not spans:
        return None
    rate = item.sample_rate_hz
    # Up to 0.8 s after the question, but never into what the round says after it (the name).
    end_s = spans[-1][1] + CHECK_AFTER_S
    after = [start for start, _ in item.speech_spans_s if start > spans[-1][1]]
    if after:
        end_s = min(end_s, after[0] - CHECK_CLEAR_S)
    keep = np.zeros(item.samples.shape[0], dtype=bool)
    keep[max(0, round((spans[0][0] - CHECK_BEFORE_S) * rate)) : round(end_s * rate)] = True
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        if start - end > CHECK_BREAK_S:
            cut = round((end + CHECK_GAP_S / 2) * rate), round((start - CHECK_GAP_S / 2) * rate)
            keep[cut[0] : cut[1]] = False
    said = sentence_s(item.samples[keep], rate)
    return None if said is None else said * spread


def listen(split: str, items: list[rooms.RoomItem], args: argparse.Namespace) -> None:
    rng = np.random.default_rng(args.seed)
    check_rng = np.random.default_rng([args.seed, 1])
    first, checked, later = [], [], []
    for k, item in enumerate(items, 1):
        recording = item.samples[: item.samples.size - round(ROOM_AFTER_S * item.sample_rate_hz)]
        offline = analyze_samples(recording, item.sample_rate_hz)
        first.append(hear(item, offline, None))
        said = said_in_the_check(item, check_rng.uniform(1.0 - RATE_SPREAD, 1.0 + RATE_SPREAD))
        checked.append(hear(item, offline, None, said))
        # A later round of the session: the same question, asked as fast or a little faster or
        # slower; its length as the session keeps it (``Session.question_s``), from the first
        # round's live pass (which heard the round only up to where it ended), and the check's.
        before = question_s(checked[-1].measured)
        if before is not None:
            before *= rng.uniform(1.0 - RATE_SPREAD, 1.0 + RATE_SPREAD)
        later.append(hear(item, offline, before, said))
        rooms.progress(split, k, len(items))
    report(split, first, "a session's first round")
    report(split, checked, "a first round, the question said in the microphone check before it")
    report(split, later, "a later round, the question's length known from round 1 and the check")


if __name__ == "__main__":
    sys.exit(
        rooms.over_splits(__doc__.splitlines()[0], "live_rooms", listen, more_room_s=ROOM_AFTER_S)
    )
