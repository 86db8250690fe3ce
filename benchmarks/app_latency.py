"""How quickly the real app answers: start-up time and end-of-name → feedback latency.

The same path as the end-to-end test: a private PulseAudio server with a null sink whose monitor
is the default microphone, the real ``coach-sim practice check-question`` in tmux driven by the
Space key, espeak-ng rounds played in with paplay. It prints figures; it asserts nothing.

- start-up: from launching the command to the first round's prompt on screen;
- latency: from the end of the name in the played audio to the feedback on screen. It includes
  the 0.8 s of silence the round waits for before it ends (so the teacher can still add a word),
  and paplay's own start-up (a few ms), so it slightly overstates the app's share.

With ``--words own`` the rounds are not the prompt's: short questions of the teacher's own, in
Dutch, German and English, and names longer than the prompt's (the round's end is read from the
audio alone, so it should come as soon after these names as after the prompt's).

Usage: ``.venv/bin/python benchmarks/app_latency.py [--runs 3] [--pauses 1.5 3.0 4.5]
[--words prompt|own]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator.audio.wav import write_wav_pcm16  # noqa: E402
from tests.e2e.conftest import PulseServer, require_tools, start_pulse_server, stop_pulse_server  # noqa: E402
from tests.e2e.tmux_app import (  # noqa: E402
    TAIL_S,
    TmuxApp,
    coach_sim_command,
    name_end_s,
    round_wav,
)
from tests.speech import RATE, Round, clip, make_round  # noqa: E402

OWN_WORDS = (
    ("Wat zie je op deze foto?", "Anne-Sophie?", "nl"),
    ("What did you notice?", "Anne-Sophie de Vries?", "en"),
    ("Was siehst du hier?", "Maximilian?", "de"),
)
"""Questions shorter than the prompt's and names longer than its "Kay", in three languages."""


def own_round_wav(path: Path, round_number: int, pause_s: float) -> Round:
    question, name, voice = OWN_WORDS[(round_number - 1) % len(OWN_WORDS)]
    r = make_round(clip(question, voice), clip(name, voice, 130), pause_s, 0.3, TAIL_S + 6.0)
    write_wav_pcm16(path, r.samples, RATE)
    return r


def one_run(
    server: PulseServer, tmp: Path, pauses: list[float], own: bool
) -> tuple[float, list[float]]:
    home = tmp / "home"
    make = own_round_wav if own else round_wav
    rounds = [make(tmp / f"round{i}.wav", i, p) for i, p in enumerate(pauses, 1)]
    app = TmuxApp(tmp / "tmux.sock", server.env)
    launched = time.monotonic()
    app.start(
        [*coach_sim_command(), "practice", "check-question", "--lang", "en"],
        {**server.env_vars, "COACH_SIM_HOME": str(home)},
    )
    latencies = []
    try:
        startup = app.wait_for("Press Space or Enter to start", timeout_s=30) - launched
        for number, r in enumerate(rounds, 1):
            app.wait_for(f"Round {number} of 3")
            app.keys("Space")
            app.wait_for("Listening", timeout_s=15)
            played_at = time.monotonic()
            server.play(tmp / f"round{number}.wav", wait=False)
            seen = app.wait_for(f"Round {number} of 3: feedback", timeout_s=30)
            latencies.append(seen - (played_at + name_end_s(r)))
            app.keys("Space")
    finally:
        app.stop()
    return startup, latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="app launches (default 3)")
    parser.add_argument(
        "--pauses", type=float, nargs="+", default=[1.5, 3.0, 4.5], help="pauses (s) per run"
    )
    parser.add_argument(
        "--words",
        choices=("prompt", "own"),
        default="prompt",
        help="the prompt's question and name, or the teacher's own (default prompt)",
    )
    args = parser.parse_args()
    if len(args.pauses) > 3:
        parser.error("at most three pauses: one session has three rounds")
    tools = require_tools()
    startups: list[float] = []
    latencies: list[float] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "pulse").mkdir()
        server = start_pulse_server(tmp / "pulse", tools)
        try:
            for run in range(args.runs):
                run_dir = tmp / f"run{run}"
                run_dir.mkdir()
                startup, lat = one_run(server, run_dir, list(args.pauses), args.words == "own")
                startups.append(startup)
                latencies.extend(lat)
                print(
                    f"run {run + 1}: start-up {startup:.2f} s; latency "
                    + ", ".join(f"{x:.2f}" for x in lat)
                    + " s"
                )
        finally:
            stop_pulse_server(server)
    print(
        f"\nstart-up to the first round on screen: median {statistics.median(startups):.2f} s, "
        f"max {max(startups):.2f} s ({len(startups)} launches)"
    )
    print(
        f"end of name → feedback on screen: median {statistics.median(latencies):.2f} s, "
        f"max {max(latencies):.2f} s ({len(latencies)} rounds, {args.words} words; includes the "
        "0.8 s end silence)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
