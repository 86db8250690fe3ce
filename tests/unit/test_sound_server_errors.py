"""A microphone that cannot be reached says why: the sound server is down, stopped mid-round or
has no microphone; a device that lacks the sample rates still says that. PortAudio is replaced
by a fake that reports what the real one did (see ``tests/fake_portaudio.py``)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from simulator.audio.capture import (
    DeviceLostError,
    DeviceUnusableError,
    MicrophoneError,
    MicrophoneSource,
    NoInputDeviceError,
    ServerState,
    SoundServerDownError,
    SoundServerLostError,
    list_input_devices,
)
from simulator.audio.sound_server import server_sockets, sound_server_state
from simulator.rehearsal.mic_check import microphone_message
from tests.fake_portaudio import (
    BAD_RATE,
    NO_SOURCE,
    SERVER_DEVICES,
    SERVER_GONE,
    FakePortAudio,
    alsa_input,
)


def install(monkeypatch: pytest.MonkeyPatch, pa: FakePortAudio) -> FakePortAudio:
    monkeypatch.setitem(sys.modules, "sounddevice", pa)
    return pa


class Server:
    """The sound server's state as the capture code asks for it, counting the questions."""

    def __init__(self, state: ServerState) -> None:
        self.state = state
        self.asked = 0

    def __call__(self) -> ServerState:
        self.asked += 1
        return self.state


def start_error(server: ServerState, device: str | None = None) -> MicrophoneError:
    source = MicrophoneSource(device, sound_server=Server(server))
    with pytest.raises(MicrophoneError) as caught:
        source.start()
    return caught.value


# -- opening the microphone ---------------------------------------------------------------------


def test_a_stopped_server_is_named_not_the_sample_rates(monkeypatch: pytest.MonkeyPatch) -> None:
    # The devices were listed while the server ran; now every format "fails".
    pa = install(monkeypatch, FakePortAudio(refuse=lambda rate, channels: SERVER_GONE))
    error = start_error(ServerState.DOWN)
    assert isinstance(error, SoundServerDownError)
    assert error.key == "server.down" and error.code == "sound_server_down"
    assert "sample rate" not in error.message
    assert "is not running" in error.message and "Illegal combination" in error.message
    title, message = microphone_message(error, "en")
    assert title == "Sound system not running"
    assert "pulseaudio --start" in message and "Then try again" in message
    title, message = microphone_message(error, "nl")
    assert title == "Geluidssysteem draait niet" and "draait niet" in message
    assert len(pa.checked) == 6  # every format (3 rates, mono and stereo) was tried first


def test_a_device_without_the_rates_still_says_so_whatever_the_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    install(monkeypatch, FakePortAudio(refuse=lambda rate, channels: BAD_RATE))
    server = Server(ServerState.DOWN)
    with pytest.raises(DeviceUnusableError) as caught:
        MicrophoneSource(sound_server=server).start()
    assert caught.value.key == "no_usable_rate"
    assert "offers none of the sample rates" in caught.value.message
    assert server.asked == 0  # a refused format says nothing about the server


def test_one_refused_rate_among_failures_keeps_the_rates_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(rate: int, channels: int) -> tuple[object, ...]:
        return BAD_RATE if rate == 16_000 else NO_SOURCE

    install(monkeypatch, FakePortAudio(refuse=refuse))
    assert start_error(ServerState.RUNNING).key == "no_usable_rate"


def test_a_running_server_without_a_microphone_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch, FakePortAudio(refuse=lambda rate, channels: NO_SOURCE))
    error = start_error(ServerState.RUNNING)
    assert isinstance(error, NoInputDeviceError) and error.key == "server.no_input"
    assert "Input/output error" not in microphone_message(error, "en")[1]
    assert microphone_message(error, "en")[0] == "No microphone in the sound system"
    assert "has no microphone to record from" in error.message


def test_a_device_that_bypasses_the_server_gets_the_plain_open_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    usb = alsa_input("USB Audio: - (hw:1,0)", 2)
    install(monkeypatch, FakePortAudio([usb], default_input=2, refuse=lambda r, c: NO_SOURCE))
    server = Server(ServerState.DOWN)
    with pytest.raises(DeviceUnusableError) as caught:
        MicrophoneSource(sound_server=server).start()
    assert caught.value.key == "open_failed"
    assert server.asked == 0


def test_no_device_because_the_server_was_down_when_listed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = FakePortAudio([], default_input=-1)
    install(monkeypatch, fake)
    error = start_error(ServerState.DOWN)
    assert fake.rescans == 1  # PortAudio looked again, and still found nothing
    assert isinstance(error, SoundServerDownError) and error.key == "server.down_restart"
    title, message = microphone_message(error, "en")
    assert title == "Sound system not running"
    assert "Then try again" in message and "close coach-sim" not in message
    with pytest.raises(SoundServerDownError):
        list_input_devices(sound_server=Server(ServerState.DOWN))


def test_a_sound_server_started_after_coach_sim_is_found_without_a_restart(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # PortAudio listed nothing when it started (the server was down); the teacher starts the
    # server and tries again: PortAudio looks again and the microphone opens.
    fake = FakePortAudio([], after_rescan=SERVER_DEVICES, blocks=1, then_ends=False)
    install(monkeypatch, fake)
    assert [d.name for d in list_input_devices(sound_server=Server(ServerState.RUNNING))] == [
        "pulse",
        "default",
    ]
    assert fake.rescans == 1
    mic = MicrophoneSource(None, sound_server=Server(ServerState.RUNNING))
    mic.start()
    mic.stop()
    assert fake.rescans == 1  # with devices listed, PortAudio is left alone


@pytest.mark.parametrize("server", [ServerState.NONE, ServerState.RUNNING])
def test_no_device_at_all_is_still_no_microphone(
    monkeypatch: pytest.MonkeyPatch, server: ServerState
) -> None:
    install(monkeypatch, FakePortAudio([], default_input=-1))
    error = start_error(server)
    assert type(error) is NoInputDeviceError and error.key == "no_input_device"
    assert microphone_message(error, "en")[0] == "No microphone found"
    assert list_input_devices(sound_server=Server(server)) == []


# -- losing it mid-round ------------------------------------------------------------------------


def read_until_lost(source: MicrophoneSource) -> DeviceLostError:
    source.start()
    with pytest.raises(DeviceLostError) as caught:
        for _ in range(100):
            source.read(0.01)
    assert source.samples_read > 0
    return caught.value


def test_the_server_stopping_mid_round_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch, FakePortAudio(blocks=10))
    error = read_until_lost(MicrophoneSource(sound_server=Server(ServerState.DOWN)))
    assert isinstance(error, SoundServerLostError) and error.key == "server.lost"
    assert error.code == "device_lost"  # the round still offers a retry
    assert "can no longer be reached (the audio stream ended)" in error.message
    assert microphone_message(error, "en")[0] == "Sound system stopped"
    assert microphone_message(error, "nl")[0] == "Geluidssysteem gestopt"


@pytest.mark.parametrize("server", [ServerState.RUNNING, ServerState.NONE])
def test_a_microphone_unplugged_mid_round_is_still_the_microphone(
    monkeypatch: pytest.MonkeyPatch, server: ServerState
) -> None:
    install(monkeypatch, FakePortAudio(blocks=10))
    error = read_until_lost(MicrophoneSource(sound_server=Server(server)))
    assert type(error) is DeviceLostError and error.key == "device_lost"
    assert microphone_message(error, "en")[0] == "Microphone lost"


# -- asking the sound server --------------------------------------------------------------------

CONFIGS = ["50-pulseaudio.conf", "99-pulse.conf"]


def state(env: dict[str, str], *, answering: set[str], configs: list[str] = CONFIGS) -> ServerState:
    return sound_server_state(
        env,
        platform="linux",
        config_names=lambda: configs,
        answers=lambda path: str(path) in answering,
    )


def test_the_server_sockets_come_from_the_environment() -> None:
    env = {"XDG_RUNTIME_DIR": "/run/user/7"}
    sockets, remote = server_sockets(env)
    assert not remote
    assert sockets == [
        Path("/run/user/7/pulse/native"),
        Path("/var/run/pulse/native"),
        Path("/run/user/7/pipewire-0"),
    ]
    sockets, remote = server_sockets({**env, "PULSE_SERVER": "{abc}unix:/tmp/p/native tcp:box"})
    assert sockets[0] == Path("/tmp/p/native") and remote
    assert Path("/run/user/7/pulse/native") not in sockets


def test_the_server_state() -> None:
    env = {"XDG_RUNTIME_DIR": "/run/user/7"}
    assert state(env, answering={"/run/user/7/pulse/native"}) is ServerState.RUNNING
    assert state(env, answering={"/run/user/7/pipewire-0"}) is ServerState.RUNNING
    assert state(env, answering=set()) is ServerState.DOWN
    assert state(env, answering=set(), configs=["99-pipewire-default.conf"]) is ServerState.DOWN
    # No ALSA route to a server and no address: plain ALSA, nothing to blame (the ALSA plugins
    # alone only add a "pulse" device).
    assert state(env, answering=set(), configs=["50-pulseaudio.conf"]) is ServerState.NONE
    assert state({**env, "PULSE_SERVER": "/x/native"}, answering=set(), configs=[]) is (
        ServerState.DOWN
    )
    # A server elsewhere cannot be asked this way: say nothing rather than guess.
    assert state({**env, "PULSE_SERVER": "tcp:box"}, answering=set()) is ServerState.NONE
    assert sound_server_state(env, platform="darwin") is ServerState.NONE


def test_the_real_probe_tells_a_listening_socket_from_none(tmp_path: Path) -> None:
    import socket

    path = tmp_path / "native"
    env = {"PULSE_SERVER": f"unix:{path}", "XDG_RUNTIME_DIR": str(tmp_path)}
    assert sound_server_state(env, platform="linux") is ServerState.DOWN
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(path))
        server.listen(1)
        assert sound_server_state(env, platform="linux") is ServerState.RUNNING
