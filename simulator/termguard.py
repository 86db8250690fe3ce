"""Keep PortAudio's own messages off the screen while the app draws on it.

PortAudio and ALSA print straight to file descriptor 2, which would garble a Textual screen, and
redirecting ``sys.stderr`` alone does not help: Textual's driver draws on ``sys.__stderr__``. So
while ``stderr_to_log()`` is active:

* fd 2 points at a log file (``<logs>/stderr.log``), catching everything written there by C code;
* the terminal stays reachable through a duplicate of the original fd 2, and ``sys.stderr`` and
  ``sys.__stderr__`` become a text file on that duplicate, so Textual (and Python code) still
  draw on the terminal.

Everything is put back on exit. Use it around ``App.run()``.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from simulator.store.files import make_private_folder
from simulator.store.paths import logs_dir

LOG_NAME = "stderr.log"
MAX_LOG_BYTES = 1_000_000
"""A log larger than this is started afresh (it only holds library noise)."""


def default_log_path() -> Path:
    return logs_dir() / LOG_NAME


def _open_log(path: Path) -> int:
    """The log's descriptor (append; start afresh when too big), or /dev/null if unwritable."""
    try:
        make_private_folder(path.parent)
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
        with contextlib.suppress(OSError):
            if path.stat().st_size > MAX_LOG_BYTES:
                flags |= os.O_TRUNC
        return os.open(path, flags, 0o600)
    except OSError:
        return os.open(os.devnull, os.O_WRONLY)


@contextlib.contextmanager
def stderr_to_log(log_path: Path | None = None) -> Iterator[Path | None]:
    """Send fd 2 to ``log_path`` and keep ``sys.stderr``/``sys.__stderr__`` on the terminal.

    Yields the log path, or ``None`` when there is no fd 2 to redirect (nothing is changed).
    """
    path = default_log_path() if log_path is None else log_path
    try:
        terminal_fd = os.dup(2)
    except OSError:
        yield None
        return
    saved_stderr, saved_dunder = sys.stderr, sys.__stderr__
    for stream in (saved_stderr, saved_dunder):
        if stream is not None:
            with contextlib.suppress(Exception):
                stream.flush()
    log_fd = _open_log(path)
    try:
        header = f"--- coach-sim pid {os.getpid()} at {time.strftime('%Y-%m-%d %H:%M:%S')} ---\n"
        with contextlib.suppress(OSError):
            os.write(log_fd, header.encode())
        os.dup2(log_fd, 2)
    finally:
        os.close(log_fd)
    reference = saved_dunder or saved_stderr
    terminal = io.TextIOWrapper(
        io.FileIO(terminal_fd, "w", closefd=True),
        encoding=getattr(reference, "encoding", None) or "utf-8",
        errors="backslashreplace",
        line_buffering=True,
        write_through=True,
    )
    sys.stderr = terminal
    sys.__stderr__ = terminal  # type: ignore[misc]  # Textual's driver draws here
    try:
        yield path
    finally:
        with contextlib.suppress(Exception):
            terminal.flush()
        os.dup2(terminal_fd, 2)
        sys.stderr = saved_stderr
        sys.__stderr__ = saved_dunder  # type: ignore[misc]
        with contextlib.suppress(Exception):
            terminal.close()
