"""App-wide messages. Audio workers post these (``post_message`` is thread-safe); they never
touch widgets themselves."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from textual.message import Message

from simulator.audio.result import RoundMeasurement


class AudioLevel(Message):
    """The input level of the latest block (many per second; a newer one replaces an older one
    still waiting in the queue)."""

    def __init__(
        self,
        level_dbfs: float,
        elapsed_s: float,
        heard_speech: bool,
        waiting_for_name: bool = False,
    ) -> None:
        super().__init__()
        self.level_dbfs = level_dbfs
        self.elapsed_s = elapsed_s
        self.heard_speech = heard_speech
        self.waiting_for_name = waiting_for_name
        """The round waits on for a name that may still come; the teacher may end it."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, AudioLevel)


class MicCheckUpdate(Message):
    """The microphone check's running picture: level, noise floor and any warnings."""

    def __init__(
        self,
        level_dbfs: float,
        noise_floor_dbfs: float | None,
        warnings: tuple[str, ...],
        sample_rate_hz: int | None,
        ok: bool,
        *,
        waiting: bool = False,
        sentence_s: float | None = None,
    ) -> None:
        super().__init__()
        self.ok = ok
        self.waiting = waiting
        """No voice heard yet: the check says what to do, nothing alarming."""
        self.sentence_s = sentence_s
        """How long the last sentence said in the check lasted (``None``: none timed yet)."""
        self.level_dbfs = level_dbfs
        self.noise_floor_dbfs = noise_floor_dbfs
        self.warnings = warnings
        self.sample_rate_hz = sample_rate_hz

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, MicCheckUpdate)


class ListeningStarted(Message):
    """The microphone delivered its first block: the round is really listening now."""


class CueStarted(Message):
    """The simulated student starts speaking (cue scenarios)."""


class CueEnded(Message):
    """The simulated student has finished; the measured wait starts here."""


class RoundFinished(Message):
    """A round ended: by itself, by the end key, at the maximum length, or after listening long
    without hearing speech (``no_speech``)."""

    def __init__(
        self,
        measurement: RoundMeasurement,
        *,
        timed_out: bool,
        ended_by_key: bool,
        samples: npt.NDArray[np.float32] | None = None,
        no_speech: bool = False,
    ) -> None:
        super().__init__()
        self.measurement = measurement
        self.timed_out = timed_out
        self.no_speech = no_speech
        self.ended_by_key = ended_by_key
        self.samples = samples
        """The round's 16 kHz audio (kept on disk only with ``--keep-audio``)."""


class AudioFailed(Message):
    """The microphone could not be opened or stopped delivering sound.

    ``message`` is already written for the teacher; ``device_lost`` is True when it happened
    mid-round (the round can be retried).
    """

    def __init__(self, message: str, *, title: str, device_lost: bool) -> None:
        super().__init__()
        self.message = message
        self.title = title
        self.device_lost = device_lost
