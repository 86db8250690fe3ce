"""Writing a user's file completely or not at all.

Settings, exported debriefs and kept round audio all go through ``replace_atomically``: the
bytes go to a temporary file in the same folder, are flushed to disk, and only then replace the
target, so a full disk or a crash never leaves half a file, and an earlier file stays as it was.
Callers turn the ``OSError`` into their own message, usually a ``FileProblemError``.
"""

from __future__ import annotations

import contextlib
import enum
import os
import tempfile
from pathlib import Path
from typing import ClassVar

from simulator.i18n import DEFAULT_LANGUAGE, t


class FileProblemError(Exception):
    """A user's file could not be read or written. ``problem`` names what went wrong and
    ``message(lang)`` says it, with what to do, from the catalog section ``CATALOG``."""

    CATALOG: ClassVar[str]

    def __init__(self, problem: enum.Enum, path: Path, detail: str = "") -> None:
        self.problem = problem
        self.path = path
        self.detail = detail
        super().__init__(self.message(DEFAULT_LANGUAGE))

    def message(self, lang: str) -> str:
        return t(
            f"{self.CATALOG}.{self.problem.value}",
            lang,
            path=str(self.path),
            folder=str(self.path.parent),
            detail=self.detail,
        )


def replace_atomically(
    path: Path, data: bytes, *, temp_prefix: str, mode: int | None = None
) -> None:
    """Write ``data`` to ``path`` atomically; raises ``OSError`` and removes the temporary file."""
    folder = path.parent if str(path.parent) else Path(".")
    fd, name = tempfile.mkstemp(prefix=temp_prefix, suffix=".tmp", dir=folder)
    tmp: str | None = name
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(name, mode)
        os.replace(name, path)
        tmp = None
        _sync_folder(folder)
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable where the platform allows it (not on Windows)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
