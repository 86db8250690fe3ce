"""A real audio device without a sound card: a private user-mode PulseAudio server.

``pulse_server`` (session-scoped) starts ``pulseaudio`` with its own ``XDG_RUNTIME_DIR`` and a
null sink ``vsink`` (48 kHz) whose monitor is the default source, so whatever ``paplay`` plays
into the sink is what a program recording from the default microphone hears. A keep-alive
``pacat`` playing silence makes the first input block arrive promptly. The server's environment
is set in this process too (and PortAudio re-scanned) so sounddevice records from it; child
processes (the app in tmux) get it from ``pulse_server.env``.

Without ``pulseaudio`` the e2e tests are skipped, unless ``COACH_SIM_REQUIRE_E2E=1`` (CI), when
they fail.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import wave
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

TOOLS = ("pulseaudio", "pactl", "paplay", "pacat")
SINK = "vsink"
SINK_RATE_HZ = 48_000
START_TIMEOUT_S = 10.0
WHOLE_FILE_MARGIN_MS = 1000


def require_tools() -> dict[str, str]:
    found = {tool: shutil.which(tool) for tool in TOOLS}
    missing = [tool for tool, path in found.items() if path is None]
    if missing:
        reason = (
            f"the e2e audio tests need {', '.join(missing)} "
            "(Debian: apt install pulseaudio pulseaudio-utils libasound2-plugins)"
        )
        if os.environ.get("COACH_SIM_REQUIRE_E2E") == "1":
            pytest.fail(reason + "; COACH_SIM_REQUIRE_E2E=1 makes this an error")
        pytest.skip(reason)
    return {tool: path for tool, path in found.items() if path is not None}


@dataclass
class PulseServer:
    """A running private PulseAudio server; ``env`` reaches it from any child process."""

    runtime_dir: Path
    env: dict[str, str]
    tools: Mapping[str, str]
    keep_alive: subprocess.Popen[bytes] | None = None
    players: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def env_vars(self) -> dict[str, str]:
        """Only the variables that point a program at this server."""
        keys = ("XDG_RUNTIME_DIR", "PULSE_SERVER", "PULSE_STATE_PATH")
        return {k: self.env[k] for k in keys}

    def pactl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.tools["pactl"], *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=10,
        )

    def play(self, wav_path: Path, *, wait: bool = True) -> subprocess.Popen[bytes]:
        """Play a WAV file into the null sink, i.e. "speak into the microphone".

        The server's buffer for the stream holds the whole file (see ``whole_file_latency_ms``),
        so the sink plays it exactly as written even when ``paplay`` gets no CPU for a while.
        With ``wait=False`` returns at once; the player is stopped at teardown if still running.
        """
        latency_ms = whole_file_latency_ms(wav_path)
        player = subprocess.Popen(
            [
                self.tools["paplay"],
                f"--device={SINK}",
                f"--latency-msec={latency_ms}",
                str(wav_path),
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.players.append(player)
        if wait:
            _, err = player.communicate(timeout=120)
            if player.returncode != 0:
                raise RuntimeError(f"paplay failed ({player.returncode}): {err.decode()}")
        return player

    def stop_players(self) -> None:
        """Stop every player still running: a round that ended early must not speak into the
        next test."""
        for player in self.players:
            _end(player)

    def alive(self) -> bool:
        return self.pactl("info").returncode == 0


def whole_file_latency_ms(wav_path: Path) -> int:
    """A playback buffer longer than the WAV file, for ``paplay --latency-msec``.

    With a short buffer (20 ms) the server runs dry whenever ``paplay`` is not scheduled in
    time, as on a busy machine, and then plays silence until the buffer is filled again: the
    silences in the file come out longer (a 4.5 s pause was heard as 4.64 s, a 3 s pause as
    4.82 s). With a buffer that holds the whole file, ``paplay`` hands it all over at once and
    the sink alone sets the pace; playback still starts at once, when ``paplay`` reaches the end
    of the file and drains the stream.
    """
    with wave.open(str(wav_path), "rb") as wav:
        duration_ms = 1000 * wav.getnframes() // wav.getframerate()
    return duration_ms + WHOLE_FILE_MARGIN_MS


def start_pulse_server(base: Path, tools: Mapping[str, str]) -> PulseServer:
    runtime = base / "runtime"
    runtime.mkdir(mode=0o700)
    runtime.chmod(0o700)  # pulseaudio refuses a runtime dir others can read
    state = base / "state"
    state.mkdir()
    env = {
        **os.environ,
        "XDG_RUNTIME_DIR": str(runtime),
        "PULSE_SERVER": f"unix:{runtime}/pulse/native",
        "PULSE_STATE_PATH": str(state),
    }
    server = PulseServer(runtime_dir=runtime, env=env, tools=tools)
    launch_pulse_server(server)
    return server


def launch_pulse_server(server: PulseServer) -> None:
    """Start the server's ``pulseaudio`` (again, after ``stop_pulse_server``) and wait for it."""
    tools, env = server.tools, server.env
    started = subprocess.run(
        [
            tools["pulseaudio"],
            "--daemonize=yes",
            "--exit-idle-time=-1",
            "--system=false",
            "-n",
            "--load=module-native-protocol-unix",
            f"--load=module-null-sink sink_name={SINK} rate={SINK_RATE_HZ}",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    if started.returncode != 0:
        pytest.fail(f"pulseaudio did not start: {started.stderr.strip()}")
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.alive():
        if time.monotonic() > deadline:
            stop_pulse_server(server)
            pytest.fail(f"pulseaudio did not answer within {START_TIMEOUT_S:g} s")
        time.sleep(0.02)
    for args in (("set-default-sink", SINK), ("set-default-source", f"{SINK}.monitor")):
        done = server.pactl(*args)
        if done.returncode != 0:
            stop_pulse_server(server)
            pytest.fail(f"pactl {' '.join(args)} failed: {done.stderr.strip()}")
    server.keep_alive = subprocess.Popen(
        [
            tools["pacat"],
            "--playback",
            f"--device={SINK}",
            "--latency-msec=20",
            "--format=s16le",
            f"--rate={SINK_RATE_HZ}",
            "--channels=2",
            "/dev/zero",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def python_child(script: str, server: PulseServer, *args: str) -> subprocess.Popen[str]:
    """``script`` run by this Python with the server's environment, talking through pipes."""
    child = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        env=server.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdin is not None
    return child


def _end(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def stop_pulse_server(server: PulseServer) -> None:
    server.stop_players()
    if server.keep_alive is not None:
        _end(server.keep_alive)
    subprocess.run(
        [server.tools["pulseaudio"], "--kill"],
        env=server.env,
        capture_output=True,
        timeout=30,
    )


def _rescan_portaudio() -> None:
    from simulator.audio.capture import rescan_devices

    rescan_devices()


@pytest.fixture(scope="session")
def pulse_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PulseServer]:
    tools = require_tools()
    server = start_pulse_server(tmp_path_factory.mktemp("pulse"), tools)
    saved = {k: os.environ.get(k) for k in server.env_vars}
    os.environ.update(server.env_vars)
    # PortAudio lists devices once, when it starts: if sounddevice is already loaded in this
    # process, make it look again now that the server is up (and again after it is gone).
    _rescan_portaudio()
    try:
        yield server
    finally:
        stop_pulse_server(server)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        _rescan_portaudio()
