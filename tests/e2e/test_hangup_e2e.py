"""Closing the terminal (SIGHUP) ends the real app the normal way: the terminal is given back
as it was, out of the alternate screen and without mouse reporting, and the exit status is 0."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import PulseServer
from tests.e2e.tmux_app import TmuxApp, coach_sim_command

pytestmark = [pytest.mark.e2e]


def pane(app: TmuxApp, fmt: str) -> str:
    return app._run("display-message", "-p", "-t", app.session, fmt).stdout.strip()  # noqa: SLF001


def ended(app: TmuxApp, pid: int) -> tuple[str, int] | None:
    """``("status", n)`` or ``("signal", n)`` once the app has ended, else ``None``.

    From tmux once it has noticed; before that from the kernel, which keeps the exit status of
    an ended process that its parent (the tmux server) has not collected yet.
    """
    if pane(app, "#{pane_dead}") == "1":
        status, killed_by = pane(app, "#{pane_dead_status}"), pane(app, "#{pane_dead_signal}")
        if killed_by:
            return ("signal", int(killed_by))
        if status:
            return ("status", int(status))
    stat = Path(f"/proc/{pid}/stat")
    try:
        fields = stat.read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    if fields[0] != "Z":
        return None
    wait_status = int(fields[-1])  # exit_code, in waitpid() form
    if wait_status & 0x7F:
        return ("signal", wait_status & 0x7F)
    return ("status", wait_status >> 8)


def test_sighup_restores_the_terminal(pulse_server: PulseServer, tmp_path: Path) -> None:
    env_vars = {**pulse_server.env_vars, "COACH_SIM_HOME": str(tmp_path / "home")}
    app = TmuxApp(tmp_path / "tmux.sock", pulse_server.env)
    app.start([*coach_sim_command(), "--lang", "en"], env_vars)
    try:
        app.wait_for("Recent practice", timeout_s=30)
        assert pane(app, "#{alternate_on}") == "1"  # the app is drawing on the alternate screen
        pid = app.pid()
        os.kill(pid, signal.SIGHUP)
        deadline = time.monotonic() + 15
        while (result := ended(app, pid)) is None:
            assert time.monotonic() < deadline, "the app did not end after SIGHUP"
            time.sleep(0.05)
        assert result == ("status", 0)  # a normal exit, not killed by the signal
        assert pane(app, "#{alternate_on}") == "0"
        assert pane(app, "#{mouse_any_flag}") == "0"
    finally:
        app.stop()


@pytest.mark.parametrize("where", ["home", "round"])
def test_a_closed_terminal_ends_the_process(
    pulse_server: PulseServer, tmp_path: Path, where: str
) -> None:
    # The window is closed: the terminal itself is gone, not only signalled. The process must
    # end, not wait on the vanished terminal for ever.
    env_vars = {**pulse_server.env_vars, "COACH_SIM_HOME": str(tmp_path / "home")}
    app = TmuxApp(tmp_path / "tmux.sock", pulse_server.env)
    args = ["practice", "check-question"] if where == "round" else []
    app.start([*coach_sim_command(), *args, "--lang", "en"], env_vars)
    try:
        if where == "round":
            app.wait_for("Press Space or Enter to start", timeout_s=30)
            app.keys("Enter")
            app.wait_for("Listening", timeout_s=15)
        else:
            app.wait_for("Recent practice", timeout_s=30)
            time.sleep(1.0)  # the microphone check on the home screen is under way
        pid = app.pid()
    finally:
        app.stop()  # the terminal goes away with its server
    deadline = time.monotonic() + 10
    while running(pid):
        assert time.monotonic() < deadline, "the app kept running after its terminal closed"
        time.sleep(0.1)


def running(pid: int) -> bool:
    """Whether ``pid`` is alive (an ended process not yet collected is a zombie: not running)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"
