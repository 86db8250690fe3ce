"""Round audio kept with ``--keep-audio``: one 16-bit WAV file per round, on this computer only.

Layout: ``<recordings>/<session>/round-<n>.wav``, where ``<recordings>`` is
``paths.recordings_dir()`` (under ``$COACH_SIM_HOME`` when set) and ``<session>`` is the practice
history's session id. A round whose session could not be saved in the history yet goes into
``unsaved-<start time>``. The history stores nothing about audio: the file name is the link.

Every file is written atomically (a temporary file in the same folder, flushed to disk, then
renamed over the old one), so a full disk or a crash never leaves a half-written round behind; a
redone round replaces its file. Nothing here touches the screen: failures raise
``RecordingError``, whose ``message(lang)`` tells the teacher what happened and what to do.
"""

from __future__ import annotations

import enum
import errno
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from simulator.audio.result import ANALYSIS_RATE_HZ
from simulator.audio.wav import WavError, read_wav, wav_bytes_pcm16
from simulator.files import FileProblemError, make_private_folder, replace_atomically

ROUND_FILE = re.compile(r"^round-([1-9][0-9]*)\.wav$")
TEMP_PREFIX = ".round-"
UNSAVED_PREFIX = "unsaved-"


class Problem(enum.Enum):
    READ_ONLY = "read_only"
    DISK_FULL = "disk_full"
    NOT_A_FOLDER = "not_a_folder"
    MISSING = "missing"
    UNREADABLE = "unreadable"
    IO = "io"


class RecordingError(FileProblemError):
    """A round's audio could not be kept or read back; ``message(lang)`` says why."""

    CATALOG = "listen.error"
    problem: Problem


def _problem_for(exc: OSError) -> Problem:
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return Problem.READ_ONLY
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return Problem.DISK_FULL
    if exc.errno in (errno.ENOTDIR, errno.EEXIST, errno.EISDIR):
        return Problem.NOT_A_FOLDER
    return Problem.IO


@dataclass(frozen=True, slots=True)
class KeptRound:
    """One kept round's audio file."""

    session: str
    """The session's folder name: its history id, or ``unsaved-…``."""
    round: int
    path: Path
    size_bytes: int

    @property
    def session_id(self) -> int | None:
        """The practice history's session id, or ``None`` for an unsaved session."""
        return int(self.session) if self.session.isdigit() else None


@dataclass(frozen=True, slots=True, eq=False)
class RoundAudio:
    """A finished round's audio as the feedback screen gets it (only with ``--keep-audio``).

    ``samples`` stay in memory for listening back even when the file could not be written
    (``path`` is then ``None``), so a full disk costs the file, not the listening.
    """

    samples: npt.NDArray[np.float32]
    sample_rate_hz: int
    path: Path | None

    @property
    def duration_s(self) -> float:
        return int(self.samples.size) / self.sample_rate_hz


def session_folder(session_id: int | None, started_at: str) -> str:
    """The folder name for a session: its history id, else ``unsaved-<digits of started_at>``."""
    if session_id is not None:
        if session_id < 1:
            raise ValueError("session ids start at 1")
        return str(session_id)
    digits = re.sub(r"[^0-9]", "", started_at)[:14]
    if not digits:
        raise ValueError(f"started_at {started_at!r} holds no date")
    return UNSAVED_PREFIX + digits


def round_audio_path(root: Path, session: str, round_number: int) -> Path:
    """Where a round's audio is kept (the file may not exist)."""
    if round_number < 1:
        raise ValueError("rounds are numbered from 1")
    if not session or "/" in session or "\\" in session or session.startswith("."):
        raise ValueError(f"not a session folder name: {session!r}")
    return root / session / f"round-{round_number}.wav"


def save_round_audio(
    root: Path,
    session: str,
    round_number: int,
    samples: npt.NDArray[np.floating],
    sample_rate_hz: int = ANALYSIS_RATE_HZ,
) -> Path:
    """Write the round's audio as 16-bit mono WAV, atomically; returns the file's path.

    Raises ``RecordingError`` (read-only folder, full disk, …); then no file is left behind and
    an earlier file for the same round is untouched.
    """
    path = round_audio_path(root, session, round_number)
    mono = np.asarray(samples, dtype=np.float32)
    if mono.ndim != 1:
        raise ValueError(f"round audio must be mono (1-D), not shape {mono.shape}")
    try:
        make_private_folder(path.parent)
    except OSError as exc:
        raise RecordingError(_problem_for(exc), path, exc.strerror or str(exc)) from exc
    try:
        replace_atomically(path, wav_bytes_pcm16(mono, sample_rate_hz), temp_prefix=TEMP_PREFIX)
    except OSError as exc:
        raise RecordingError(_problem_for(exc), path, exc.strerror or str(exc)) from exc
    return path


def load_round_audio(path: Path) -> npt.NDArray[np.float32]:
    """A kept round's samples (mono, at the rate it was written; 16 kHz for the app's files)."""
    if not path.exists():
        raise RecordingError(Problem.MISSING, path)
    try:
        audio = read_wav(path)
    except WavError as exc:
        raise RecordingError(Problem.UNREADABLE, path, str(exc)) from exc
    return np.ascontiguousarray(audio.samples[:, 0])


def list_recordings(root: Path) -> tuple[KeptRound, ...]:
    """Every kept round under ``root``: saved sessions by id, then unsaved ones, rounds in order.

    Leftover temporary files and anything that is not ``round-<n>.wav`` are ignored.
    """
    if not root.is_dir():
        return ()
    found: list[KeptRound] = []
    for folder in root.iterdir():
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        for file in folder.iterdir():
            match = ROUND_FILE.match(file.name)
            if match is None or not file.is_file():
                continue
            found.append(KeptRound(folder.name, int(match.group(1)), file, file.stat().st_size))

    def order(k: KeptRound) -> tuple[int, int, str, int]:
        sid = k.session_id
        return (0, sid, "", k.round) if sid is not None else (1, 0, k.session, k.round)

    return tuple(sorted(found, key=order))


def delete_session_audio(root: Path, session: str) -> int:
    """Delete one session's kept audio (and its folder); returns the number of rounds deleted."""
    folder = round_audio_path(root, session, 1).parent
    if not folder.is_dir():
        return 0
    rounds = sum(1 for f in folder.iterdir() if ROUND_FILE.match(f.name))
    try:
        shutil.rmtree(folder)
    except OSError as exc:
        raise RecordingError(_problem_for(exc), folder, exc.strerror or str(exc)) from exc
    return rounds


def delete_all_audio(root: Path) -> int:
    """Delete every kept round; returns how many there were."""
    if not root.is_dir():
        return 0
    count = len(list_recordings(root))
    try:
        shutil.rmtree(root)
    except OSError as exc:
        raise RecordingError(_problem_for(exc), root, exc.strerror or str(exc)) from exc
    return count
