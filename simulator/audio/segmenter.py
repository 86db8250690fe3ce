"""Turn per-frame speech decisions into segments: a small state machine over booleans.

Rules, in frames: a segment starts at an active frame and continues through gaps of fewer than
``max_gap`` inactive frames (hysteresis: short dips inside words do not end speech); a finished
segment shorter than ``min_len`` frames is dropped (clicks, breaths, a cough).
"""

from __future__ import annotations

from collections.abc import Iterable


def segment(flags: Iterable[bool], max_gap: int, min_len: int) -> list[tuple[int, int]]:
    """Segments as ``(start, end)`` frame indices, ``end`` exclusive, in order."""
    if max_gap < 1 or min_len < 1:
        raise ValueError("max_gap and min_len must be at least one frame")
    out: list[tuple[int, int]] = []
    start = -1  # -1: not in a segment
    last_active = -1
    i = -1
    for i, active in enumerate(flags):
        if active:
            if start < 0:
                start = i
            elif i - last_active - 1 >= max_gap:
                if last_active + 1 - start >= min_len:
                    out.append((start, last_active + 1))
                start = i
            last_active = i
    if start >= 0 and last_active + 1 - start >= min_len:
        out.append((start, last_active + 1))
    return out


def from_string(pattern: str) -> list[bool]:
    """``"SS__S"`` → flags; handy in tests (S or # is speech, anything else silence)."""
    return [c in "S#" for c in pattern]
