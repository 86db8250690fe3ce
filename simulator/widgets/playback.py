"""Listen back: the round's timeline with a playhead that follows the sound as it plays.

::

    question ▇▇▇▇▇▇▇▇▇▇▇       ┃             ▇▇▇ name
    pause               ━━━━━━━┃━━━━━━━      (lit up while the playhead is inside it)
    target                   [=┃===|=====]
    seconds  0 s      1 s      2 s      3 s ...
    ▶ 1.9 s                    ▲

``PlaybackView`` draws like ``TimelineView`` until something plays, so the feedback screen looks
the same for everyone who did not keep audio. Starting the output (which may take a moment on
some systems) runs in a thread worker; the position is read from the ``Playback`` handle twenty
times a second on the UI side. Nothing here touches sounddevice: the player is passed in.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.console import RenderableType
from rich.text import Text
from textual.notifications import SeverityLevel
from textual.reactive import reactive

from simulator.audio.sources import AudioPlayer, PlaybackError
from simulator.coaching.timeline import Timeline
from simulator.i18n import format_seconds, t
from simulator.store.recordings import RoundAudio
from simulator.text import escape
from simulator.widgets.following import SoundFollower
from simulator.widgets.timeline import (
    LABEL_WIDTH,
    VALUE_WIDTH,
    TimelineView,
    _scale,
    drawable,
    timeline_lines,
)

PLAYHEAD_STYLE = "reverse bold"
PAUSE_LIT_STYLE = "bold black on yellow"


def in_pause(timeline: Timeline | None, position_s: float | None) -> bool:
    """True while the playhead is inside the measured pause (the phase the band judges)."""
    if timeline is None or position_s is None:
        return False
    measured = timeline.measured
    return measured is not None and measured.start_s <= position_s < measured.end_s


def playback_lines(timeline: Timeline, lang: str, width: int, position_s: float) -> list[Text]:
    """The timeline's lines with the playhead at ``position_s``, plus a marker row.

    Pure, like ``timeline_lines``: the playhead is one highlighted column across every row; the
    measured pause's bar is lit up while the playhead is inside it.
    """
    lines = timeline_lines(timeline, lang, width)
    cells = max(width - LABEL_WIDTH - VALUE_WIDTH, 10)
    start, end = _scale(timeline)
    per_cell = (end - start) / cells
    col = min(max(int(round((position_s - start) / per_cell)), 0), cells - 1)
    if in_pause(timeline, position_s):
        row = next(i for i, p in enumerate(timeline.phases) if p.measured)
        lines[row].stylize(PAUSE_LIT_STYLE, LABEL_WIDTH, LABEL_WIDTH + cells)
    for line in lines[:-1]:  # every row but the axis
        line.stylize(PLAYHEAD_STYLE, LABEL_WIDTH + col, LABEL_WIDTH + col + 1)
    marker = Text(f"▶ {format_seconds(position_s, lang)}"[: LABEL_WIDTH - 1].ljust(LABEL_WIDTH))
    marker.append(" " * col + "▲", style="bold")
    lines.append(marker)
    return lines


class PlaybackView(TimelineView):
    """The round's timeline, and the round's sound on ``toggle()`` (L on the feedback screen).

    ``audio`` is ``None`` when the round's audio was not kept: ``toggle`` then says how to turn
    keeping on. ``notify`` shows messages (the app's toasts in the app).
    """

    position_s: reactive[float | None] = reactive(None, layout=True)
    """Where the sound is, in seconds from the start of the round; ``None`` when not playing."""

    def __init__(
        self,
        lang: str,
        *,
        audio: RoundAudio | None,
        player: AudioPlayer,
        id: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(lang, id=id)
        self.audio = audio
        self.player = player
        self._sound = SoundFollower(
            self,
            group="playback",
            on_position=self._moved,
            on_finished=self._finished,
            on_stalled=self._stalled,
            on_failed=self._failed,
            clock=clock,
        )
        self.status = ""
        """The last playback message (also shown as a toast): for the teacher and for tests."""

    @property
    def playing(self) -> bool:
        return self._sound.playing

    @property
    def in_pause(self) -> bool:
        return in_pause(self.timeline, self.position_s)

    # -- drawing

    def render(self) -> RenderableType:
        position = self.position_s
        if position is None:
            return super().render()
        audio = self.audio
        total = format_seconds(audio.duration_s if audio else 0.0, self.lang)
        key = "listen.in_pause" if self.in_pause else "listen.playing"
        status = Text(
            t(key, self.lang, position=format_seconds(position, self.lang), total=total),
            style="bold yellow" if self.in_pause else "bold",
        )
        if self.timeline is None or not drawable(self.timeline):
            return Text("\n").join(
                [Text(t("feedback.no_timeline", self.lang), style="dim"), status]
            )
        lines = playback_lines(self.timeline, self.lang, self.size.width, position)
        return Text("\n").join([*lines, status])

    # -- playing

    def toggle(self) -> None:
        """Start playing the round, or stop it if it is playing."""
        if self.playing:
            self.stop()
            self._say(t("listen.stopped", self.lang))
            return
        audio = self.audio
        if audio is None:
            self._say(t("listen.not_kept", self.lang), severity="warning", timeout=10)
            return
        if audio.samples.size == 0:
            self._say(t("listen.no_audio", self.lang), severity="warning")
            return
        self.status = ""
        self._sound.start(lambda: self.player(audio.samples, audio.sample_rate_hz))

    def _failed(self, error: PlaybackError) -> None:
        if error.code == "no_output_device":
            self._say(
                t("listen.no_output", self.lang),
                title=t("listen.no_output_title", self.lang),
                severity="error",
                timeout=10,
            )
        elif error.code == "no_portaudio":
            self._say(t("listen.no_portaudio", self.lang), severity="error", timeout=10)
        else:
            self._say(
                t("listen.failed", self.lang, message=error.describe(self.lang)), severity="error"
            )

    def _moved(self, position: int) -> None:
        if self.audio is not None:
            self.position_s = position / self.audio.sample_rate_hz

    def _finished(self) -> None:
        self.position_s = None
        self._say(t("listen.finished", self.lang), timeout=4)

    def _stalled(self) -> None:
        self.position_s = None
        self._say(t("listen.stalled", self.lang), severity="error", timeout=10)

    def stop(self) -> None:
        """Stop the sound and the playhead (nothing happens when nothing plays)."""
        self._sound.stop()
        self.position_s = None

    def on_unmount(self) -> None:
        self.stop()

    def _say(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
    ) -> None:
        self.status = message
        self.notify(escape(message), title=title, severity=severity, timeout=timeout)
