"""When a live round ends: offline, through ``LiveRound`` in 20 ms blocks, as the app feeds it.

Rounds of the prompt's words and of a teacher's own (shorter questions, longer names, in Dutch,
English and German), pauses of 0.6-4.5 s, clean and with other people talking (the benchmark's
babble) 15 and 10 dB below the teacher. Per condition it prints how often the round ended before
the name was over (in the thinking pause), the end of the name → round end in samples (median,
max, how many over 1.0 s), and how many saved pauses were more than 0.15 s off. Then what one
live check costs late in a 20 s round (a question, then other people talking 10 dB below it and
no name, so the round runs on): the CPU time of each 20 ms block that ran a check, over the last
5 s. It asserts nothing.

The table of rounds is printed three times: as a session's first round; as a first round after
the microphone check, where the teacher said the question (its length as the check measures it,
``sentence_s``, on the round's own question with the room around it, up to 0.8 s after it or 0.1 s
before the name); and as
a later round of that session, where the teacher asks the same question again and the round knows
how long it was (as the session keeps it, ``Session.question_s``: as the live pass after the check
measured it) and what the check measured.

Usage: ``.venv/bin/python benchmarks/live_end.py [--seeds 3]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import generate  # noqa: E402

from simulator.audio import live as live_module  # noqa: E402
from simulator.audio.live import question_s, sentence_s  # noqa: E402
from simulator.audio.pattern import question_pause_name  # noqa: E402
from simulator.audio.result import RoundMeasurement  # noqa: E402
from simulator.rehearsal.round import RoundPolicy  # noqa: E402
from tests.e2e.tmux_app import QUESTIONS_EN  # noqa: E402
from tests.speech import RATE, clip, make_round  # noqa: E402

OWN = (
    ("What did you notice?", "Anne-Sophie de Vries?", "en"),
    ("Wat zie je hier?", "Anne-Sophie?", "nl"),
    ("Why?", "Maximilian?", "en"),
    ("Was siehst du auf diesem Bild?", "Maximilian?", "de"),
)
PAUSES_S = (0.6, 1.5, 3.0, 4.5)
HEADER = "words   room      rounds  ended early  end after name: median  max  >1.0 s  off>0.15 s"
BLOCK = 320
OFF_S = 0.15


def _ended(
    x: np.ndarray, question: float | None = None, checked: float | None = None
) -> tuple[int | None, RoundMeasurement]:
    """Where the live round ended (``None``: not before the recording was over) and what it
    measured, as the app keeps it."""
    live = RoundPolicy().live_round(question_pause_name(), 0, question, checked)
    end = None
    for i in range(0, x.size, BLOCK):
        if live.feed(x[i : i + BLOCK]).done:
            end = i + BLOCK
            break
    return end, live.finish()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="babble seeds per round (default 3)")
    args = parser.parse_args()
    bank = generate.SpeechBank(ROOT / "benchmarks" / "out" / "espeak-cache")
    words = {"prompt": [(q, n, "en") for q, n in QUESTIONS_EN], "own": list(OWN)}
    for round_kind, title in ROUND_KINDS.items():
        print(("\n" if round_kind != "first" else "") + title)
        print(
            "words   room      rounds  ended early  end after name: median  max  >1.0 s  off>0.15 s"
        )
        for label, items in words.items():
            for snr_db in (None, 15.0, 10.0):
                _condition(label, items, snr_db, args.seeds, bank, round_kind)
    _check_cost(bank, args.seeds)
    return 0


ROUND_KINDS = {
    "first": "a session's first round",
    "checked": "a first round after the microphone check (the question said there)",
    "later": "a later round (the question's length known from round 1 and the check)",
}
CHECK_AFTER_S = 0.8
CLEAR = RATE // 10
"""The microphone check's audio: the round up to this long after the question, and at least
``CLEAR`` samples (0.1 s) before the name."""


def _condition(
    label: str,
    items: list[tuple[str, str, str]],
    snr_db: float | None,
    seeds: int,
    bank: generate.SpeechBank,
    round_kind: str,
) -> None:
    """One line of the table: every round of ``items`` in one room."""
    latencies: list[float] = []
    early = off = count = 0
    for k, (question, name, voice) in enumerate(items):
        q, nm = clip(question, voice), clip(name, voice)
        for pause_s in PAUSES_S:
            for seed in range(seeds if snr_db is not None else 1):
                r = make_round(q, nm, pause_s, lead_s=0.3, tail_s=9.0)
                x = r.samples
                if snr_db is not None:
                    speech = x[np.abs(x) > 1e-4].astype(np.float64)
                    rng = np.random.default_rng(seed * 100 + k)
                    b = np.asarray(generate._babble(rng, bank, x.size, RATE))
                    gain = np.sqrt(np.mean(speech**2) / np.mean(b**2) / 10 ** (snr_db / 10))
                    x = (x + b * gain).astype(np.float32)
                # After the check: the question as it timed it. A later round: the same
                # question asked before, its length as the session keeps it: measured by the
                # first round's live pass (which hears no more than up to where it ended, not the
                # 9 s of other people talking after it), and the check's.
                checked = before = None
                if round_kind != "first":
                    said = min(r.question_end + int(CHECK_AFTER_S * RATE), r.name_start - CLEAR)
                    checked = sentence_s(x[:said], RATE)
                if round_kind == "later":
                    before = question_s(_ended(x, None, checked)[1])
                end, measured = _ended(x, before, checked)
                pause = measured.pause_s
                count += 1
                name_end = r.name_start + nm.size
                if end is None or end < name_end:
                    early += 1
                else:
                    latencies.append((end - name_end) / RATE)
                if pause is None or abs(pause - pause_s) > OFF_S:
                    off += 1
    room = "clean" if snr_db is None else f"{snr_db:g} dB"
    median = statistics.median(latencies) if latencies else float("nan")
    worst = max(latencies) if latencies else float("nan")
    over = sum(v > 1.0 for v in latencies)
    print(
        f"{label:7s} {room:8s} {count:6d} {early:12d} {median:22.2f} {worst:5.2f}"
        f" {over:7d} {off:11d}"
    )


COST_ROUND_S = 20.0
COST_LAST_S = 5.0
CHECK_EVERY_S = 0.1
BUDGET_MS = 20.0
"""What one live check may cost on a 20 s round."""


def _check_cost(bank: generate.SpeechBank, seeds: int) -> None:
    """A live check analyses the round so far and decides whether it is over; it is timed here
    as the app runs it: the round fed in 20 ms blocks through the rounds screen's live round
    (a check every 0.1 s on the growing buffer, with what it keeps between checks kept), each
    block that ran a check timed, over the last 5 s of a 20 s round of a question and then other
    people talking, with no name (the round kept running to the end: a closing silence as long as
    the round, and no giving up after 8 s without the teacher's voice)."""
    n = int(COST_ROUND_S * RATE)
    costs: list[float] = []
    give_up_s, live_module.GIVE_UP_SILENCE_S = live_module.GIVE_UP_SILENCE_S, COST_ROUND_S
    for seed in range(seeds):
        q = clip(QUESTIONS_EN[seed % len(QUESTIONS_EN)][0] + " " + OWN[seed % len(OWN)][0], "en")
        x = np.zeros(n, dtype=np.float32)
        x[RATE // 2 : RATE // 2 + q.size] = q
        b = np.asarray(generate._babble(np.random.default_rng(seed), bank, n, RATE))
        gain = np.sqrt(np.mean(q.astype(np.float64) ** 2) / np.mean(b**2) / 10.0)
        x = (x + b * gain).astype(np.float32)
        # Kept running to the end (the work of each check is the same): other people's words
        # could read as a name after a pause, and 8 s without the teacher's voice would end it.
        policy = RoundPolicy(check_every_s=CHECK_EVERY_S, end_silence_s=COST_ROUND_S)
        live = policy.live_round(question_pause_name(), 0)
        for end in range(BLOCK, n + 1, BLOCK):
            due = live._next_check  # noqa: SLF001 - which blocks run a check
            start = time.process_time()
            status = live.feed(x[end - BLOCK : end])
            spent = (time.process_time() - start) * 1000
            if live._next_check != due and end > n - COST_LAST_S * RATE:  # noqa: SLF001
                costs.append(spent)
            if status.done:
                raise SystemExit("the cost round ended by itself: no late checks to time")
    live_module.GIVE_UP_SILENCE_S = give_up_s
    print(
        f"\none live check in the last {COST_LAST_S:g} s of a {COST_ROUND_S:g} s round with other"
        f" people talking ({seeds} rounds, {len(costs)} checks): median"
        f" {statistics.median(costs):.1f} ms, 95th percentile"
        f" {float(np.percentile(costs, 95)):.1f} ms, max {max(costs):.1f} ms, over"
        f" {BUDGET_MS:g} ms: {sum(c > BUDGET_MS for c in costs)}"
    )


if __name__ == "__main__":
    sys.exit(main())
