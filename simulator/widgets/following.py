"""Following a sound as it plays: open the output in a thread worker, then read its position.

Listening back to a round and hearing the model line share this: opening the output may take a
moment (PortAudio), so it runs in a thread worker that never touches a widget; once playing, the
position is read from the ``Playback`` handle twenty times a second on the UI side, and a sound
whose position stops moving for ``STALL_S`` counts as a dead output.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.timer import Timer
from textual.widget import Widget

from simulator.audio.sources import Playback, PlaybackError

TICK_S = 0.05
"""How often the position is read."""
STALL_S = 3.0
"""No progress for this long (the first sound may take a while to start) means the output died."""


class SoundFollower:
    """Starts a sound for ``owner`` and reports where it is.

    ``on_position(samples)`` while it plays, ``on_finished()`` at its end, ``on_stalled()`` when
    the output stopped moving, ``on_failed(error)`` when it could not start. All callbacks run
    on the UI side.
    """

    def __init__(
        self,
        owner: Widget,
        *,
        group: str,
        on_position: Callable[[int], None],
        on_finished: Callable[[], None],
        on_stalled: Callable[[], None],
        on_failed: Callable[[PlaybackError], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.owner = owner
        self.group = group
        self.on_position = on_position
        self.on_finished = on_finished
        self.on_stalled = on_stalled
        self.on_failed = on_failed
        self.clock = clock
        self.handle: Playback | None = None
        self._timer: Timer | None = None
        self._starting = False
        self._last_position = -1
        self._last_progress_at = 0.0

    @property
    def playing(self) -> bool:
        return self.handle is not None or self._starting

    def start(self, open_sound: Callable[[], Playback | None]) -> None:
        """Run ``open_sound`` in a thread worker: it prepares and starts the sound (raising
        ``PlaybackError`` when it cannot), or returns ``None`` after reporting a problem itself."""
        self._starting = True
        self.owner.run_worker(
            lambda: self._open(open_sound),
            thread=True,
            exclusive=True,
            exit_on_error=False,
            group=self.group,
        )

    def _open(self, open_sound: Callable[[], Playback | None]) -> None:
        app = self.owner.app
        try:
            handle = open_sound()
        except PlaybackError as exc:
            app.call_from_thread(self._failed, exc)
            return
        except Exception as exc:  # a bug must not leave the sound "starting" for ever
            app.call_from_thread(
                self._failed, PlaybackError("playback_failed", detail=type(exc).__name__)
            )
            return
        if handle is None:
            app.call_from_thread(self._gave_up)
            return
        app.call_from_thread(self._started, handle)

    def _gave_up(self) -> None:
        self._starting = False

    def _failed(self, error: PlaybackError) -> None:
        self._starting = False
        self.on_failed(error)

    def _started(self, handle: Playback) -> None:
        if not self._starting or not self.owner.is_mounted:  # stopped (or left) while opening
            handle.stop()
            return
        self._starting = False
        self.handle = handle
        self._last_position = -1
        self._last_progress_at = self.clock()
        self.on_position(0)
        self._timer = self.owner.set_interval(TICK_S, self._tick)

    def _tick(self) -> None:
        handle = self.handle
        if handle is None:
            return
        position = handle.position_samples
        if handle.done:
            self.stop()
            self.on_finished()
            return
        now = self.clock()
        if position != self._last_position:
            self._last_position = position
            self._last_progress_at = now
        elif now - self._last_progress_at > STALL_S:
            self.stop()
            self.on_stalled()
            return
        self.on_position(position)

    def stop(self) -> None:
        """Stop the sound and the reading (nothing happens when nothing plays)."""
        self._starting = False
        handle, self.handle = self.handle, None
        if handle is not None:
            handle.stop()
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
