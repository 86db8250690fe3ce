"""The microphone check's judgement: levels over time in, what to tell the teacher out.

The check listens in 100 ms blocks. Each block becomes a `MicBlock`: its level, whether a voice
was heard in it, whether it was bit-exact zeros, whether it clipped and whether the last 3 s
showed tops cut off below full scale. `judge_mic` turns the blocks so far into a
`MicCheckState`, following three rules:

- The background is judged only from blocks where nobody speaks (and not just before or after a
  voice, where words trail off): the teacher's own voice is never "background noise".
- "Ready" comes once enough voice has been heard at a good level, and then stays: falling silent
  after speaking is what a teacher does next, not a problem, also where the input gates its
  silence to exact zeros (only seconds of them then mean it went dead).
- Before any voice has been heard nothing alarming is said: the check waits. "Too quiet" needs
  a voice that was heard, but too softly.

`MicCheckMeter` is the thin part in front of it: 16 kHz samples in, blocks (with the VAD's
verdict) out.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from simulator.audio.analysis import DEFAULT_CONFIG
from simulator.audio.analysis.clipping import piled_fraction
from simulator.audio.live import block_level_dbfs, sentence_s
from simulator.audio.result import ANALYSIS_RATE_HZ
from simulator.audio.sources import MicrophoneError
from simulator.i18n import t

BLOCK = ANALYSIS_RATE_HZ // 10
"""The check works on 100 ms blocks."""
WINDOW_BLOCKS = 30
"""Clipping looks at the last 3 s."""
ZERO_BLOCKS = 10
"""About 1 s of bit-exact zeros: the microphone delivers nothing (macOS: no permission)."""
ZERO_BLOCKS_AFTER_READY = 50
"""Once a voice has come through, zeros are the silence between words of an input that gates
its quiet to digital zero (a noise suppressor, a sound server's null monitor); only 5 s of them
say the input has gone dead (a mute switch)."""
GOOD_VOICE_DBFS = -40.0
"""A voice at or above this level comes through well enough to time."""
READY_VOICE_BLOCKS = 3
"""Voice heard at a good level in this many blocks (0.3 s, not necessarily in a row) = ready."""
QUIET_VOICE_BLOCKS = 5
"""Voice heard in this many blocks, none at a good level (0.5 s of soft speech) = too quiet."""
VOICE_MARGIN_BLOCKS = 3
"""Blocks this close (0.3 s) to a voice are not background: words start and trail off there."""
BACKGROUND_BLOCKS = 50
"""The background level is taken from the last 5 s in which nobody spoke..."""
MIN_BACKGROUND_BLOCKS = 5
"""...once there is at least 0.5 s of it."""
FLOOR_LOOKBACK_BLOCKS = 600
"""After a minute of talking without a pause the background is no longer known."""
BACKGROUND_PERCENTILE = 20
"""A low percentile: a door or a cough in the quiet does not make the room noisy."""
NOISY_DBFS = -50.0
"""Background above this makes a soft voice hard to separate."""
CLIP_LEVEL = 0.99
VAD_WARMUP_BLOCKS = 2
"""webrtcvad calls nearly anything speech while it adapts to a new stream (about 0.2 s)."""
VAD_FRAME = ANALYSIS_RATE_HZ * 30 // 1000
"""webrtcvad frames of 30 ms: three in a block."""
SENTENCE_KEEP_BLOCKS = 200
"""The check keeps the last 20 s of what it heard, to time the sentence said in it ..."""
SENTENCE_END_BLOCKS = 6
"""... once this much silence (0.6 s) has followed a voice: longer than a break between words
(``live.SENTENCE_GAP_S``)."""
VAD_MODE = 2
"""Mode 2 hears speech down to about -45 dBFS and no steady noise as speech (mode 3 drops soft
speech, modes 0-1 take steady noise for speech)."""


class Readiness(enum.Enum):
    WAITING = "waiting"
    """No voice heard yet: the check only waits and says what to do."""
    TOO_QUIET = "too_quiet"
    """A voice was heard, but never at a good level."""
    READY = "ready"
    """A voice was heard at a good level (and stays so)."""


@dataclass(frozen=True, slots=True)
class MicBlock:
    """100 ms of input, as the check sees it."""

    level_dbfs: float
    voice: bool
    zero: bool = False
    clipped: bool = False
    cut_below_full_scale: bool = False
    """Came while the last 3 s held tops cut off below full scale (a microphone that clips before
    the sound server turns it down): a warning, though the block itself may look clean."""


@dataclass(frozen=True, slots=True)
class MicCheckState:
    level_dbfs: float
    noise_floor_dbfs: float | None
    """The background, measured only while nobody speaks; ``None`` until there is enough."""
    readiness: Readiness
    warnings: tuple[str, ...]
    """Any of ``all_zero``, ``clipping``, ``too_quiet``, ``noisy``."""

    @property
    def ok(self) -> bool:
        """Ready, and the input has neither gone dead nor clipped since."""
        return self.readiness is Readiness.READY and not {"all_zero", "clipping"} & set(
            self.warnings
        )


WAITING = MicCheckState(-100.0, None, Readiness.WAITING, ())


def judge_mic(blocks: Sequence[MicBlock]) -> MicCheckState:
    """What the check says after ``blocks`` (oldest first)."""
    if not blocks:
        return WAITING
    readiness = _readiness(blocks)
    floor = _background_floor(blocks)
    warnings: list[str] = []
    zero_blocks = ZERO_BLOCKS_AFTER_READY if readiness is Readiness.READY else ZERO_BLOCKS
    recent_zero = [b.zero for b in blocks[-zero_blocks:]]
    if len(recent_zero) >= zero_blocks and all(recent_zero):
        warnings.append("all_zero")
    else:
        if any(b.clipped or b.cut_below_full_scale for b in blocks[-WINDOW_BLOCKS:]):
            warnings.append("clipping")
        if readiness is Readiness.TOO_QUIET:
            warnings.append("too_quiet")
        if floor is not None and floor > NOISY_DBFS:
            warnings.append("noisy")
    return MicCheckState(blocks[-1].level_dbfs, floor, readiness, tuple(warnings))


def _readiness(blocks: Sequence[MicBlock]) -> Readiness:
    voiced = [b for b in blocks if b.voice]
    loud = [b for b in voiced if b.level_dbfs >= GOOD_VOICE_DBFS]
    if sum(not b.clipped for b in loud) >= READY_VOICE_BLOCKS:
        return Readiness.READY
    if len(voiced) >= QUIET_VOICE_BLOCKS and not loud:
        return Readiness.TOO_QUIET
    return Readiness.WAITING


def _background_floor(blocks: Sequence[MicBlock]) -> float | None:
    recent = blocks[-FLOOR_LOOKBACK_BLOCKS:]
    near_voice = np.zeros(len(recent), dtype=bool)
    for i, block in enumerate(recent):
        if block.voice:
            near_voice[max(0, i - VOICE_MARGIN_BLOCKS) : i + VOICE_MARGIN_BLOCKS + 1] = True
    quiet = [
        b.level_dbfs for b, near in zip(recent, near_voice, strict=True) if not near and not b.zero
    ][-BACKGROUND_BLOCKS:]
    if len(quiet) < MIN_BACKGROUND_BLOCKS:
        return None
    return float(np.percentile(quiet, BACKGROUND_PERCENTILE))


class MicCheckMeter:
    """16 kHz samples in, 100 ms blocks with the VAD's verdict out, judged by `judge_mic`."""

    def __init__(self) -> None:
        from simulator.audio.vad import WebRtcVad

        self._vad = WebRtcVad(VAD_MODE, ANALYSIS_RATE_HZ, VAD_FRAME)
        self._pending = np.zeros(0, dtype=np.float32)
        self._heard = np.zeros(0, dtype=np.float32)
        """The last 20 s heard (``SENTENCE_KEEP_BLOCKS``); clipping is judged on its last 3 s."""
        self.history: list[MicBlock] = []
        self.state = WAITING
        self.sentence_s: float | None = None
        """How long the last sentence said lasted (``live.sentence_s`` over the last 20 s),
        timed each time a voice has fallen silent; ``None`` until then. The check asks the
        teacher to say the question they will practise: its length helps the rounds tell a
        break inside the question from the thinking pause after it."""

    @property
    def blocks(self) -> int:
        return len(self.history)

    def feed(self, samples: npt.NDArray[np.float32]) -> MicCheckState:
        data = np.concatenate((self._pending, np.asarray(samples, dtype=np.float32)))
        whole = data.size - data.size % BLOCK
        done = len(self.history)
        new = [
            self._block(data[start : start + BLOCK], done + start // BLOCK)
            for start in range(0, whole, BLOCK)
        ]
        if new:
            keep = SENTENCE_KEEP_BLOCKS * BLOCK
            self._heard = np.concatenate((self._heard, data[:whole]))[-keep:]
            if clipped_below_full_scale(self._heard[-WINDOW_BLOCKS * BLOCK :]):
                new = [replace(b, cut_below_full_scale=True) for b in new]
        self.history.extend(new)
        self._pending = data[whole:]
        if whole:
            if any(self._voice_fell_silent(len(self.history) - k) for k in range(len(new))):
                self.sentence_s = sentence_s(self._heard, ANALYSIS_RATE_HZ)
            self.state = judge_mic(self.history)
        return self.state

    def _voice_fell_silent(self, blocks: int) -> bool:
        """Whether the first ``blocks`` blocks end in ``SENTENCE_END_BLOCKS`` without a voice,
        after one with a voice."""
        tail = self.history[max(0, blocks - SENTENCE_END_BLOCKS - 1) : blocks]
        return (
            len(tail) == SENTENCE_END_BLOCKS + 1
            and tail[0].voice
            and not any(b.voice for b in tail[1:])
        )

    def _block(self, block: npt.NDArray[np.float32], index: int) -> MicBlock:
        """The ``index``-th block of the check (from 0) as the check sees it."""
        pcm = (np.clip(block, -1.0, 1.0) * 32767).astype(np.int16)
        frames = self._vad.flags(pcm)
        voice = index >= VAD_WARMUP_BLOCKS and 2 * int(frames.sum()) > frames.size
        return MicBlock(
            level_dbfs=block_level_dbfs(block),
            voice=voice,
            zero=not np.any(block),
            clipped=bool(np.any(np.abs(block) >= CLIP_LEVEL)),
        )


def clipped_below_full_scale(recent: npt.NDArray[np.float32]) -> bool:
    """Whether the last seconds hold tops cut off below full scale: a microphone that clips
    before the sound server turns it down or resamples it (as the round's analysis finds it;
    samples at full scale are each block's own concern)."""
    config = DEFAULT_CONFIG.pattern
    return piled_fraction(recent, ANALYSIS_RATE_HZ, config) >= config.clip_warn_fraction


SERVER_MESSAGES = {
    "server.down": "mic.server.down",
    "server.down_restart": "mic.server.down_restart",
    "server.lost": "mic.server.lost",
    "server.no_input": "mic.server.no_input",
}
"""The sound system cannot be reached (an error's key → the message; ``…_title`` its title)."""


def microphone_message(error: MicrophoneError, lang: str) -> tuple[str, str]:
    """``(title, message)`` for a microphone problem, from the app's catalog."""
    server = SERVER_MESSAGES.get(error.key)
    if server is not None:
        how = t("audio_error.server.how", lang)
        return t(f"{server}_title", lang), t(server, lang, how=how)
    code = error.code
    if code == "no_portaudio":
        return t("mic.no_portaudio_title", lang), t("mic.no_portaudio", lang)
    if code == "no_input_device":
        return t("mic.no_device_title", lang), t("mic.no_device", lang)
    if code == "device_not_found":
        device = str(error.params.get("device", ""))
        return t("mic.no_device_title", lang), t("mic.device_not_found", lang, device=device)
    if code == "device_lost":
        return t("mic.device_lost_title", lang), t("mic.device_lost", lang)
    return t("mic.title", lang), t("mic.open_failed", lang, message=error.describe(lang))
