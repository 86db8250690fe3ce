"""The real capture path: paplay → null sink → its monitor → PortAudio → MicrophoneSource.

Audio with a known gap is played "into the microphone"; the 16 kHz stream MicrophoneSource
delivers must hold that gap to within 60 ms, counted in samples.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from simulator.audio.capture import CLOSE_WAIT_S, DeviceLostError, MicrophoneSource
from simulator.audio.result import ANALYSIS_RATE_HZ
from simulator.audio.wav import write_wav_pcm16
from tests.e2e.conftest import (
    PulseServer,
    python_child,
    require_tools,
    start_pulse_server,
    stop_pulse_server,
)

pytestmark = pytest.mark.e2e

RATE = ANALYSIS_RATE_HZ
WAV_RATE = 48_000
TONE_AMPLITUDE = 0.3
THRESHOLD = 0.05
TOLERANCE_SAMPLES = int(0.060 * RATE)
# lead silence, tone, gap, tone, tail silence (seconds)
LEAD_S, FIRST_S, GAP_S, SECOND_S, TAIL_S = 0.3, 1.0, 2.0, 0.5, 0.3


def pattern_wav(path: Path) -> Path:
    def tone(seconds: float, hz: float) -> npt.NDArray[np.float32]:
        t = np.arange(int(seconds * WAV_RATE)) / WAV_RATE
        return (TONE_AMPLITUDE * np.sin(2 * np.pi * hz * t)).astype(np.float32)

    def quiet(seconds: float) -> npt.NDArray[np.float32]:
        return np.zeros(int(seconds * WAV_RATE), np.float32)

    x = np.concatenate(
        [quiet(LEAD_S), tone(FIRST_S, 440.0), quiet(GAP_S), tone(SECOND_S, 660.0), quiet(TAIL_S)]
    )
    write_wav_pcm16(path, x, WAV_RATE)
    return path


def loud_runs(x: npt.NDArray[np.float32]) -> tuple[int, int, int, int]:
    """(first loud sample, gap start, gap end, last loud sample + 1): the gap is the longest
    stretch below the threshold between the first and the last loud sample."""
    loud = np.flatnonzero(np.abs(x) > THRESHOLD)
    assert loud.size > 0, "nothing was heard"
    gaps = np.diff(loud)
    k = int(np.argmax(gaps))
    return int(loud[0]), int(loud[k]) + 1, int(loud[k + 1]), int(loud[-1]) + 1


def record_while_playing(
    server: PulseServer, mic: MicrophoneSource, wav: Path, tail_s: float = 0.6
) -> npt.NDArray[np.float32]:
    blocks: list[npt.NDArray[np.float32]] = []
    deadline = time.monotonic() + 30.0

    def take() -> None:
        assert time.monotonic() < deadline, "recording took far longer than the audio"
        block = mic.read(timeout_s=0.2)
        assert block is not None
        blocks.append(block)

    while mic.samples_read == 0:  # the first block may come late; count samples, not time
        take()
    player = server.play(wav, wait=False)
    while player.poll() is None:
        take()
    assert player.returncode == 0
    end = mic.samples_read + int(tail_s * RATE)
    while mic.samples_read < end:
        take()
    return np.concatenate(blocks)


@pytest.mark.parametrize("rate_hz", [16_000, 48_000], ids=["device-16k", "device-48k-resampled"])
def test_recorded_gap_matches_the_played_gap(
    pulse_server: PulseServer, tmp_path: Path, rate_hz: int
) -> None:
    wav = pattern_wav(tmp_path / "pattern.wav")
    mic = MicrophoneSource(None, preferred_rates_hz=(rate_hz,))
    with mic:
        assert mic.native_rate_hz == rate_hz
        recorded = record_while_playing(pulse_server, mic, wav)
    assert mic.dropped_blocks == 0
    start, gap_start, gap_end, end = loud_runs(recorded)
    gap = gap_end - gap_start
    info = f"tone 1 {gap_start - start}, gap {gap}, tone 2 {end - gap_end} samples"
    assert abs(gap - GAP_S * RATE) <= TOLERANCE_SAMPLES, info
    assert abs((gap_start - start) - FIRST_S * RATE) <= TOLERANCE_SAMPLES, info
    assert abs((end - gap_end) - SECOND_S * RATE) <= TOLERANCE_SAMPLES, info
    level = float(np.max(np.abs(recorded)))
    assert level == pytest.approx(TONE_AMPLITUDE, abs=0.03)


def test_devices_command_lists_the_server_default(pulse_server: PulseServer) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "devices", "--json"],
        env=pulse_server.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    defaults = [r for r in rows if r["is_default"]]
    assert len(defaults) == 1 and defaults[0]["selected"] is True
    assert {"index", "name", "host_api", "max_input_channels", "default_samplerate_hz"} <= set(
        defaults[0]
    )
    table = subprocess.run(
        [sys.executable, "-m", "simulator", "--device", defaults[0]["name"], "devices"],
        env=pulse_server.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert table.returncode == 0, table.stderr
    assert "(default)" in table.stdout and "NAME" in table.stdout


LOSE_DEVICE = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from simulator.audio import capture
    from simulator.audio.capture import DeviceLostError, MicrophoneSource
    from simulator.termguard import stderr_to_log
    with stderr_to_log(Path(sys.argv[1])):
        mic = MicrophoneSource(None)
        mic.start()
        while mic.samples_read < 8000:
            mic.read(timeout_s=0.2)
        print("RECORDING", flush=True)
        sys.stdin.readline()  # the test kills the sound server now
        t0 = time.monotonic()
        try:
            while True:
                mic.read(timeout_s=0.2)
        except DeviceLostError as exc:
            left = len(capture._left_behind)
            print("LOST", round(time.monotonic() - t0, 2), left, exc, flush=True)
        mic.stop()
        print("STOPPED", flush=True)
    """
)


def test_a_device_lost_mid_round_raises_device_lost_and_does_not_hang(tmp_path: Path) -> None:
    """The sound server dies mid-recording (like a USB microphone pulled out).

    PortAudio complains on fd 2 when that happens; under ``stderr_to_log`` (as in the app) its
    complaints land in the log, not on the terminal. About one time in twenty on a busy
    computer its audio thread deadlocks inside PulseAudio's client library instead, and closing
    the stream would wait for ever: then the stream is left behind after ``CLOSE_WAIT_S``, the
    loss is still reported in time, and the process still ends.
    """
    server = start_pulse_server(tmp_path, require_tools())
    log = tmp_path / "stderr.log"
    try:
        child = python_child(LOSE_DEVICE, server, str(log))
        assert child.stdout is not None and child.stdin is not None
        assert child.stdout.readline().strip() == "RECORDING"
        stop_pulse_server(server)
        child.stdin.write("go\n")
        child.stdin.flush()
        out, err = child.communicate(timeout=30)
    finally:
        stop_pulse_server(server)
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err
    lines = out.splitlines()
    assert lines[-1] == "STOPPED", out + err
    lost = lines[-2].split(" ", 3)
    assert lost[0] == "LOST", out + err
    assert float(lost[1]) < 1.0 + CLOSE_WAIT_S + 2.0  # the watchdog, the close, some slack
    assert "The sound system of this computer (PulseAudio or PipeWire) stopped" in lost[3]
    assert DeviceLostError.code == "device_lost"
    assert "pa_linux_alsa" not in err
    if lost[2] == "0":  # closed: PortAudio said what went wrong (a deadlocked one says nothing)
        assert "pa_linux_alsa" in log.read_text()
