"""A round's cue on a loaded computer: how often it is stretched, and what the app does then.

The real output and input path of the app, without the screen: a private PulseAudio server with
a null sink whose monitor is the default microphone, ``capture.play`` for the cue and
``MicrophoneSource`` for the microphone, placed and checked by the same functions the rounds
screen uses (``CuePlacement``, ``played_whole``). For each load and each way of playing the cue:

- short: PortAudio's default, short latency (how cues were played before);
- steady: ``STEADY_BUFFER_S`` buffered (how the app plays them now), placed by the clocks.

What the monitor heard is the truth: it hears nothing but the cue, so the cue's first and last
audible samples there (within 40 dB of the peak, the app's rule for a cue's end) are its heard
edges, and a cue that came out with silence inside it is seen as longer than it is.
A cue counts as stretched when it was heard over 10 ms longer. "refused" is what the app does
with it (the round stops unmeasured); for a measured cue "wait error" is how far the app's cue
end (where the wait starts) lies from the heard one, here where the microphone hears the cue (a
loudspeaker). "clocks' start" is how far the sound system's clocks put its start from the heard
one: with headphones, where the microphone does not hear the cue, the wait is that much wrong.

Loads: ``idle``; ``procs``: busy-loop processes, two per core (``stress``-like); ``threads``: two
busy Python threads inside the playing process (the app's own work holds Python's lock that the
audio callback needs). It prints figures; it asserts nothing.

Usage: ``.venv/bin/python benchmarks/cue_under_load.py [--trials 5] [--loads idle procs threads]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator.audio.capture import STEADY_BUFFER_S, MicrophoneSource, play  # noqa: E402
from simulator.audio.cue import (  # noqa: E402
    CuePlacement,
    CueSound,
    audible_end_sample,
    played_whole,
)
from simulator.audio.result import ANALYSIS_RATE_HZ  # noqa: E402
from simulator.audio.sources import playback_start_clock  # noqa: E402
from tests.e2e.conftest import require_tools, start_pulse_server, stop_pulse_server  # noqa: E402
from tests.speech import clip  # noqa: E402

RATE = ANALYSIS_RATE_HZ
CUE_TEXT = "I think the price goes up, because more people want to buy it than before."
STRETCHED_S = 0.010
WAIT_TOLERANCE_S = 0.030
MODES = {"short": None, "steady": STEADY_BUFFER_S}


@dataclass(frozen=True, slots=True)
class Trial:
    stretch_s: float
    """Heard length minus the cue's audible length."""
    underflows: int
    late_s: float | None
    refused: bool
    error_s: float | None
    """The app's cue end minus the heard one, for a measured cue whose end was found."""
    timed_error_s: float | None
    """Where the clocks put the cue's start minus where it was heard."""


def audible_start(x: npt.NDArray[np.floating]) -> int:
    """The first sample within 40 dB of the peak (the mirror of ``audible_end_sample``)."""
    return x.size - audible_end_sample(x[::-1])


def one_cue(sound: CueSound, buffer_s: float | None) -> Trial:
    cue = sound.samples
    audible = audible_end_sample(cue)
    mic = MicrophoneSource(None)
    blocks: list[npt.NDArray[np.float32]] = []

    def take() -> None:
        block = mic.read(timeout_s=0.1)
        if block is None:
            raise RuntimeError("the microphone stopped")
        blocks.append(block)

    with mic:
        while mic.samples_read == 0:
            take()
        read = mic.samples_read
        playback = play(cue, RATE, buffer_s=buffer_s)

        clocks = playback_start_clock(playback, mic)
        placement = CuePlacement.start(
            sound,
            RATE,
            read_samples=read,
            behind_samples=mic.behind_samples,
            output_latency_s=playback.latency_s,
            clocks=clocks,
        )
        while mic.samples_read < placement.ready_at:
            take()
        underflows, late_s, timed = playback.underflows, playback.late_s(audible), clocks()
        while mic.samples_read < read + audible + 2 * RATE:  # a stretched cue, heard whole
            take()
        playback.stop()
    heard = np.concatenate(blocks)
    head, heard_end = audible_start(heard), audible_end_sample(heard)
    stretch = (heard_end - head - (audible - audible_start(cue))) / RATE
    refused = not played_whole(underflows, late_s)
    app_end = placement.end_in(heard[: placement.ready_at])
    return Trial(
        stretch_s=stretch,
        underflows=underflows,
        late_s=late_s,
        refused=refused,
        error_s=None if refused else (app_end - heard_end) / RATE,
        timed_error_s=None if timed is None else (timed + audible_start(cue) - head) / RATE,
    )


@contextmanager
def load(kind: str) -> Iterator[None]:
    stop = threading.Event()
    procs: list[subprocess.Popen[bytes]] = []
    threads: list[threading.Thread] = []
    if kind == "procs":
        for _ in range(2 * (os.cpu_count() or 1)):
            procs.append(subprocess.Popen([sys.executable, "-c", "while True: pass"]))
    elif kind == "threads":

        def spin() -> None:
            while not stop.is_set():
                sum(i * i for i in range(20_000))

        threads = [threading.Thread(target=spin, daemon=True) for _ in range(2)]
        for t in threads:
            t.start()
    elif kind != "idle":
        raise SystemExit(f"unknown load {kind!r}: use idle, procs or threads")
    try:
        yield
    finally:
        stop.set()
        for p in procs:
            p.kill()
            p.wait()
        for t in threads:
            t.join()


def ms(x: float | None) -> str:
    return "-" if x is None else f"{x * 1000:+.0f}"


def report(kind: str, mode: str, trials: list[Trial]) -> None:
    stretched = [t for t in trials if t.stretch_s > STRETCHED_S]
    measured = [t for t in trials if not t.refused]
    wrong = [t for t in measured if abs(t.error_s or 0.0) > WAIT_TOLERANCE_S]
    missed = [t for t in stretched if not t.refused]
    print(
        f"{kind:8} {mode:7} {len(trials):3} trials: stretched {len(stretched)}, "
        f"underflow flagged {sum(t.underflows > 0 for t in trials)}, "
        f"refused {len(trials) - len(measured)}, stretched but measured {len(missed)}, "
        f"measured with the wait >30 ms wrong {len(wrong)}"
    )
    for i, t in enumerate(trials, 1):
        print(
            f"    {i:2}: heard {ms(t.stretch_s):>6} ms longer, underflows {t.underflows:2}, "
            f"late {ms(t.late_s):>6} ms, {'refused ' if t.refused else 'measured'}, "
            f"wait error {ms(t.error_s):>5} ms, clocks' start {ms(t.timed_error_s):>5} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--loads", nargs="+", default=["idle", "procs", "threads"])
    parser.add_argument("--modes", nargs="+", default=list(MODES), choices=list(MODES))
    args = parser.parse_args()
    # Like a speech synthesiser's output, the cue ends in silence: without it a short-latency
    # stream that ends drops the sound's last buffer.
    cue = np.concatenate([clip(CUE_TEXT, "en"), np.zeros(RATE // 4)]).astype(np.float32)
    sound = CueSound(cue, RATE)
    print(f"cue: {sound.audible_end_s:.2f} s audible; {os.cpu_count()} cores")
    tools = require_tools()
    with tempfile.TemporaryDirectory(prefix="coach-sim-cue-load-") as tmp:
        server = start_pulse_server(Path(tmp), tools)
        os.environ.update(server.env_vars)
        try:
            one_cue(sound, STEADY_BUFFER_S)  # the server's first streams are not counted
            for kind in args.loads:
                for mode in args.modes:
                    with load(kind):
                        time.sleep(0.5)
                        trials = [one_cue(sound, MODES[mode]) for _ in range(args.trials)]
                    report(kind, mode, trials)
        finally:
            stop_pulse_server(server)


if __name__ == "__main__":
    main()
