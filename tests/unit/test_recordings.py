"""Kept round audio: atomic 16-bit WAV files under the data folder, listing, deleting, and a
clear error on a really full disk and a really read-only folder (small tmpfs mounts)."""

from __future__ import annotations

import contextlib
import errno
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from simulator.audio.result import ANALYSIS_RATE_HZ
from simulator.audio.wav import read_wav
from simulator.store import paths
from simulator.store.recordings import (
    RecordingError,
    RecordingProblem,
    delete_all_audio,
    delete_session_audio,
    list_recordings,
    load_round_audio,
    round_audio_path,
    save_round_audio,
    session_folder,
)
from simulator.store.settings import Settings, parse_settings

RATE = ANALYSIS_RATE_HZ
LSB = 1 / 32768


def tone(seconds: float, hz: float = 440.0, amplitude: float = 0.5) -> npt.NDArray[np.float32]:
    t = np.arange(int(round(seconds * RATE))) / RATE
    return (amplitude * np.sin(2 * np.pi * hz * t)).astype(np.float32)


@contextlib.contextmanager
def tmpfs(where: Path, *, size_kb: int, read_only: bool = False) -> Iterator[Path]:
    """A real small tmpfs at ``where`` (needs root, or a user namespace allowing mounts);
    ``pytest.skip`` when this machine does not allow mounting."""
    where.mkdir(parents=True, exist_ok=True)
    options = f"size={size_kb}k" + (",ro" if read_only else "")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
        capture_output=True,
        text=True,
        timeout=10,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], capture_output=True, timeout=10)


def can_mount(tmp_path: Path) -> bool:
    probe = tmp_path / "probe"
    probe.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(probe)],
        capture_output=True,
        timeout=10,
    )
    if done.returncode == 0:
        subprocess.run(["umount", str(probe)], capture_output=True, timeout=10)
    return done.returncode == 0


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.startswith("."))


# -- paths -----------------------------------------------------------------------------------


def test_recordings_live_under_coach_sim_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_SIM_HOME", str(tmp_path / "home"))
    root = paths.recordings_dir()
    assert root == tmp_path / "home" / "recordings"
    written = save_round_audio(root, session_folder(7, "2025-03-04T09:15:02+00:00"), 2, tone(0.5))
    assert written == tmp_path / "home" / "recordings" / "7" / "round-2.wav"
    assert written.is_file()


def test_session_folder_and_round_path() -> None:
    assert session_folder(12, "whatever") == "12"
    assert session_folder(None, "2025-03-04T09:15:02+00:00") == "unsaved-20250304091502"
    assert round_audio_path(Path("/r"), "12", 3) == Path("/r/12/round-3.wav")
    with pytest.raises(ValueError, match="numbered from 1"):
        round_audio_path(Path("/r"), "12", 0)
    for bad in ("", "../x", ".hidden", "a/b"):
        with pytest.raises(ValueError, match="not a session folder"):
            round_audio_path(Path("/r"), bad, 1)
    with pytest.raises(ValueError, match="start at 1"):
        session_folder(0, "x")


# -- writing and reading ---------------------------------------------------------------------


def test_a_round_is_kept_as_16_bit_16_khz_mono_with_every_sample(tmp_path: Path) -> None:
    samples = np.concatenate([tone(1.0), np.zeros(RATE * 2, np.float32), tone(0.25, 660.0)])
    path = save_round_audio(tmp_path, "3", 1, samples)
    audio = read_wav(path)
    assert (audio.sample_rate_hz, audio.bits, audio.channels, audio.is_float) == (
        RATE,
        16,
        1,
        False,
    )
    back = load_round_audio(path)
    assert back.shape == samples.shape
    assert float(np.max(np.abs(back - samples))) <= LSB
    assert path.stat().st_size == 44 + 2 * samples.size
    assert leftovers(tmp_path) == []


def test_a_redone_round_replaces_its_file(tmp_path: Path) -> None:
    save_round_audio(tmp_path, "3", 1, tone(2.0))
    path = save_round_audio(tmp_path, "3", 1, tone(0.5, 880.0))
    assert load_round_audio(path).size == RATE // 2
    assert [k.round for k in list_recordings(tmp_path)] == [1]


def test_reading_a_missing_or_broken_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(RecordingError) as missing:
        load_round_audio(tmp_path / "1" / "round-1.wav")
    assert missing.value.problem is RecordingProblem.MISSING
    broken = tmp_path / "round-1.wav"
    broken.write_bytes(b"not audio")
    with pytest.raises(RecordingError) as unreadable:
        load_round_audio(broken)
    assert unreadable.value.problem is RecordingProblem.UNREADABLE
    assert "cannot be read as audio" in str(unreadable.value)


def test_stereo_input_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="mono"):
        save_round_audio(tmp_path, "1", 1, np.zeros((10, 2), np.float32))


# -- listing and deleting ----------------------------------------------------------------------


def test_listing_orders_sessions_and_rounds_and_skips_leftovers(tmp_path: Path) -> None:
    for session, rnd in (("10", 2), ("2", 3), ("10", 1), ("unsaved-20250101", 1), ("2", 1)):
        save_round_audio(tmp_path, session, rnd, tone(0.1))
    (tmp_path / "2" / ".round-abc.tmp").write_bytes(b"half")  # a crash mid-write
    (tmp_path / "2" / "notes.txt").write_text("x")
    (tmp_path / "stray.wav").write_bytes(b"x")
    kept = list_recordings(tmp_path)
    assert [(k.session, k.round) for k in kept] == [
        ("2", 1),
        ("2", 3),
        ("10", 1),
        ("10", 2),
        ("unsaved-20250101", 1),
    ]
    assert kept[0].session_id == 2 and kept[-1].session_id is None
    assert all(k.size_bytes == 44 + 2 * 1600 for k in kept)
    assert list_recordings(tmp_path / "nothing-here") == ()


def test_deleting_one_session_then_everything(tmp_path: Path) -> None:
    root = tmp_path / "recordings"
    for session, rnd in (("1", 1), ("1", 2), ("2", 1)):
        save_round_audio(root, session, rnd, tone(0.1))
    assert delete_session_audio(root, "1").rounds == 2
    assert not (root / "1").exists()
    assert [(k.session, k.round) for k in list_recordings(root)] == [("2", 1)]
    assert delete_session_audio(root, "1").rounds == 0
    assert delete_all_audio(root).rounds == 1
    assert not root.exists()
    assert delete_all_audio(root).rounds == 0


# -- a real full disk and a real read-only folder ----------------------------------------------


def test_a_full_disk_gives_a_clear_error_and_leaves_no_half_file(tmp_path: Path) -> None:
    """A real 64 KiB tmpfs: one short round fits, a 3 s round (96 KB) does not."""
    with tmpfs(tmp_path / "small", size_kb=64) as root:
        earlier = save_round_audio(root, "1", 1, tone(0.5))
        with pytest.raises(RecordingError) as caught:
            save_round_audio(root, "1", 1, tone(3.0))
        error = caught.value
        assert error.problem is RecordingProblem.DISK_FULL
        assert "the disk is full" in error.message("en")
        assert "de schijf is vol" in error.message("nl")
        assert leftovers(root) == []  # the temporary file was removed
        # The round kept before is untouched, and the folder still works for what fits.
        assert load_round_audio(earlier).size == RATE // 2
        assert save_round_audio(root, "1", 2, tone(0.2)).is_file()


def test_a_read_only_folder_gives_a_clear_error(tmp_path: Path) -> None:
    """A real read-only mount (root ignores file permissions, a mount does not)."""
    with (
        tmpfs(tmp_path / "ro", size_kb=64, read_only=True) as root,
        pytest.raises(RecordingError) as caught,
    ):
        save_round_audio(root, "1", 1, tone(0.5))
    assert caught.value.problem is RecordingProblem.READ_ONLY
    assert "read-only" in caught.value.message("en")
    assert "alleen-lezen" in caught.value.message("nl")


def test_full_disk_without_mount_rights_via_a_failing_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where tmpfs cannot be mounted, ENOSPC is simulated: flushing the temporary file to disk
    fails the way a full disk does. Skipped where the real tmpfs test runs."""
    if can_mount(tmp_path):
        pytest.skip("the real tmpfs test covers this here")
    import simulator.store.files as files

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    save_round_audio(tmp_path, "1", 1, tone(0.5))
    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(RecordingError) as caught:
        save_round_audio(tmp_path, "1", 1, tone(3.0))
    assert caught.value.problem is RecordingProblem.DISK_FULL
    assert leftovers(tmp_path) == []
    assert load_round_audio(tmp_path / "1" / "round-1.wav").size == RATE // 2


# -- the setting -------------------------------------------------------------------------------


def test_keep_audio_setting_is_off_by_default_and_read_strictly() -> None:
    assert Settings().keep_audio is False
    assert parse_settings("{}").settings.keep_audio is False
    assert parse_settings('{"keep_audio": true}').settings.keep_audio is True
    bad = parse_settings('{"keep_audio": "yes"}')
    assert bad.settings.keep_audio is False
    assert bad.problem == "keep_audio must be true or false"
