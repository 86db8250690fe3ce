"""Is the Linux sound server (PulseAudio, or PipeWire's PulseAudio service) there to answer?

On Linux the microphone usually reaches PortAudio through ALSA's ``pulse`` or ``default`` device,
which hands the sound to a sound server. When that server is not running, PortAudio only says
that the device cannot be opened (``Illegal combination of I/O devices``) or finds no device at
all, which reads as a broken microphone. Asking the server itself tells the two apart: a
program that uses it connects to a Unix socket, so a socket that nobody answers on means the
server is down.

``sound_server_state`` only connects and closes again (no sound is sent). It claims a server is
down only where one is expected: its address is set in the environment, or ALSA is configured
to send the sound to PulseAudio or PipeWire. Elsewhere (macOS, Windows, plain ALSA) it says
``NONE``.
"""

from __future__ import annotations

import contextlib
import enum
import os
import socket
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

ALSA_CONFIG_DIRS: tuple[Path, ...] = (
    Path("/etc/alsa/conf.d"),
    Path("/usr/share/alsa/alsa.conf.d"),
)
"""Where ALSA's plugins for PulseAudio and PipeWire put their configuration."""
ROUTING_CONFIGS = frozenset(
    {"99-pulse.conf", "pulse.conf", "99-pulseaudio-default.conf", "99-pipewire-default.conf"}
)
"""ALSA configuration files that send the ``default`` device to a sound server (installed with
PulseAudio, its optional default, and pipewire-alsa). The ALSA plugins alone
(``50-pulseaudio.conf``) only add a ``pulse`` device and expect no server."""
CONNECT_TIMEOUT_S = 0.5


class ServerState(enum.Enum):
    RUNNING = "running"
    """A sound server answers."""
    DOWN = "down"
    """A sound server is expected, but none answers."""
    NONE = "none"
    """No sound server is expected here, or whether one runs cannot be told (a remote one)."""


def _runtime_dir(env: Mapping[str, str]) -> Path:
    return Path(env.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}")


def server_sockets(env: Mapping[str, str]) -> tuple[list[Path], bool]:
    """The Unix sockets a sound server would answer on, and whether a remote server is named.

    ``PULSE_SERVER`` holds one or more addresses separated by spaces, each possibly starting
    with ``{machine id}``: ``unix:/path`` or ``/path`` is a socket, anything else (``tcp:host``,
    a host name) a server elsewhere.
    """
    sockets: list[Path] = []
    remote = False
    for entry in env.get("PULSE_SERVER", "").split():
        address = entry.split("}", 1)[1] if entry.startswith("{") and "}" in entry else entry
        if address.startswith("unix:"):
            address = address[len("unix:") :]
        if address.startswith("/"):
            sockets.append(Path(address))
        elif address:
            remote = True
    runtime = _runtime_dir(env)
    if not sockets and not remote:
        sockets += [runtime / "pulse" / "native", Path("/var/run/pulse/native")]
    pipewire = Path(env.get("PIPEWIRE_RUNTIME_DIR") or runtime)
    remote_name = env.get("PIPEWIRE_REMOTE") or "pipewire-0"
    sockets.append(Path(remote_name) if remote_name.startswith("/") else pipewire / remote_name)
    return sockets, remote


def server_expected(env: Mapping[str, str], config_names: Sequence[str]) -> bool:
    """Whether this system sends its sound through a sound server: its address is set, or ALSA
    sends its default device to one (``config_names``: ALSA's configuration files)."""
    if env.get("PULSE_SERVER") or env.get("PIPEWIRE_REMOTE"):
        return True
    return any(name in ROUTING_CONFIGS for name in config_names)


def _alsa_config_names(dirs: Sequence[Path] = ALSA_CONFIG_DIRS) -> list[str]:
    names: list[str] = []
    for folder in dirs:
        with contextlib.suppress(OSError):
            names += [p.name for p in folder.iterdir() if p.suffix == ".conf"]
    return names


def _answers(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(CONNECT_TIMEOUT_S)
        try:
            sock.connect(str(path))
        except OSError:
            return False
    return True


def sound_server_state(
    env: Mapping[str, str] | None = None,
    *,
    platform: str = sys.platform,
    config_names: Callable[[], Sequence[str]] = _alsa_config_names,
    answers: Callable[[Path], bool] = _answers,
) -> ServerState:
    """Whether the sound server that the microphone's sound goes through is running."""
    if not platform.startswith("linux"):
        return ServerState.NONE
    env = os.environ if env is None else env
    sockets, remote = server_sockets(env)
    if any(answers(path) for path in sockets):
        return ServerState.RUNNING
    if remote or not server_expected(env, config_names()):
        return ServerState.NONE
    return ServerState.DOWN
