"""``coach-sim devices`` where no microphone can be reached: a clear message, status 1.

The sound server named in the environment is not there, so that is what the message names."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def run_devices(
    tmp_path: Path, *args: str, code: str | None = None
) -> subprocess.CompletedProcess[str]:
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env = {
        **os.environ,
        # A sound server that is not there, and no way to start one.
        "PULSE_SERVER": f"unix:{tmp_path}/no-such-server/native",
        "XDG_RUNTIME_DIR": str(runtime),
        "COACH_SIM_HOME": str(tmp_path / "home"),
    }
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "simulator"]
    return subprocess.run([*command, *args], capture_output=True, text=True, env=env, timeout=60)


def no_sound_card_here(tmp_path: Path) -> None:
    probe = run_devices(tmp_path, "devices", "--json")
    if probe.returncode == 0 and json.loads(probe.stdout):
        pytest.skip("this machine has a sound card, so there is no 'no microphone' to test")


def test_no_device_gives_a_clear_message_and_status_1(tmp_path: Path) -> None:
    no_sound_card_here(tmp_path)
    done = run_devices(tmp_path, "devices")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stderr.startswith("coach-sim devices: No microphone can be reached: the sound")
    assert "(PulseAudio or PipeWire) was not running" in done.stderr
    assert "'pulseaudio --start'" in done.stderr


def test_no_device_json_is_an_empty_list(tmp_path: Path) -> None:
    no_sound_card_here(tmp_path)
    done = run_devices(tmp_path, "devices", "--json")
    assert done.returncode == 1
    assert json.loads(done.stdout) == []
    assert "No microphone can be reached" in done.stderr


def test_opening_the_microphone_without_devices_names_the_sound_server(tmp_path: Path) -> None:
    no_sound_card_here(tmp_path)
    code = (
        "from simulator.audio.capture import MicrophoneSource, SoundServerDownError\n"
        "try:\n"
        "    MicrophoneSource().start()\n"
        "except SoundServerDownError as exc:\n"
        "    print('CODE', exc.code, exc.key)\n"
    )
    done = run_devices(tmp_path, code=code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "CODE sound_server_down server.down_restart"


def test_without_portaudio_the_message_says_what_to_install(tmp_path: Path) -> None:
    code = (
        "import ctypes.util, sys\n"
        "ctypes.util.find_library = lambda name: None  # as if libportaudio2 were not installed\n"
        "from simulator.cli import main\n"
        "sys.exit(main(['devices']))\n"
    )
    done = run_devices(tmp_path, code=code)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "PortAudio sound library is missing" in done.stderr
    assert "sudo apt install libportaudio2" in done.stderr
