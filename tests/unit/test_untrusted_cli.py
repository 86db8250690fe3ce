"""Every terminal command on hostile data, as real processes: no escape byte, no bidi override
and no traceback reaches the terminal, whatever the files and the history hold."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from simulator.audio.wav import write_wav_pcm16
from simulator.store.history import HistoryStore
from simulator.store.recordings import save_round_audio
from tests.unit.test_history import sps

OSC52 = "\x1b]52;c;ZWNobyBwd25lZA==\x07"
RLO = "\u202e"
C1 = "\x9b2J"
HOSTILE = OSC52 + RLO + C1
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder, a pack and recordings in which every name and text is hostile."""
    top = tmp_path_factory.mktemp("hostile")
    home = top / "home"
    store = HistoryStore(home / "history.sqlite3")
    sid = store.start_session(f"check-question{HOSTILE}", "en", participant=HOSTILE, notes=HOSTILE)
    store.save_round(sid, 1, sps(2.0))
    store.save_round(sid, 2, sps(3.0))
    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE rounds SET coach_note = ?, verdict = ?", (HOSTILE, HOSTILE))
        conn.execute("UPDATE rounds SET segments_json = ? WHERE round = 2", (HOSTILE,))
    save_round_audio(home / "recordings", str(sid), 1, np.zeros(1600, np.float32))
    (home / "recordings" / str(sid) / f"mine{HOSTILE}.txt").write_text("x")
    pack = top / f"pack{HOSTILE}"
    pack.mkdir()
    good = (REPO / "scenarios" / "check-question.en.toml").read_text("utf-8")
    (pack / f"a{HOSTILE}.toml").write_text(good.replace('id = "check-question"', 'id = "x"'))
    (pack / "b.toml").write_text(good + '\n"\\u001b[2J\\u202e" = 1\n')
    (pack / "c.toml").write_text(good.replace("Kay", "Kay\\u001b]0;pwned\\u0007"))
    write_wav_pcm16(top / f"round{HOSTILE}.wav", np.zeros(16000, np.float32), 16000)
    return top


def run(world: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COACH_SIM_HOME": str(world / "home"), "LANG": "en_GB.UTF-8"}
    env.pop("LC_ALL", None)
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=world,
    )


COMMANDS = [
    ["scenarios", "--scenarios", "PACK"],
    ["scenarios", "--scenarios", "PACK", "--json"],
    ["scenarios", "check", "PACK"],
    ["scenarios", "--scenarios", "PACK", "show", "x"],
    ["scenarios", "show", HOSTILE],
    ["history"],
    ["history", "--json"],
    ["history", "--scenario", HOSTILE],
    ["export", "1"],
    ["export", "1", "--format", "html"],
    ["export", "1", "--format", "csv"],
    ["export", HOSTILE],
    ["recordings"],
    ["recordings", "--json"],
    ["recordings", "delete", "1"],
    ["recordings", "delete", HOSTILE],
    ["analyze", f"round{HOSTILE}.wav", f"missing{HOSTILE}.wav"],
    ["analyze", "--json", f"round{HOSTILE}.wav"],
    ["practice", HOSTILE],
    [HOSTILE],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: "-".join(x[:12] for x in a).strip())
def test_no_command_lets_control_characters_through(world: Path, args: list[str]) -> None:
    pack = next(p for p in world.iterdir() if p.name.startswith("pack"))
    done = run(world, *(str(pack) if a == "PACK" else a for a in args))
    both = done.stdout + done.stderr
    assert "Traceback" not in both
    for char in ("\x1b", "\x07", "\x9b", RLO):
        assert char not in both, (char, both[:2000])
