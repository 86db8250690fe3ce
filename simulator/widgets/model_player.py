"""Modelling: the model line spoken with the target pause, and what is happening while it plays.

::

    ▶ thinking pause: 1.2 s of 3 s silence
    question ██████████ thinking pause ▓▓▓▓▓░░░░░░░ name ░░░

The parts are spoken by the cue voice (espeak-ng, in the scenario's language) and joined with
exactly the target pause (``audio.modelling``); rendering and opening the output run in a
thread worker, the position is read from the ``Playback`` handle on the UI side. Without a voice
or an output device the line is written out with its pause instead, with a message saying why.
Nothing here touches sounddevice: the voice and the player are passed in.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from rich.text import Text
from textual.notifications import SeverityLevel
from textual.widgets import Static

from simulator.audio.cue import CueSound
from simulator.audio.modelling import ModelTiming, model_sound
from simulator.audio.sources import AudioPlayer, Playback, PlaybackError
from simulator.coaching.modelling import (
    ModelLine,
    ModelMoment,
    model_line_text,
    moment_at,
    split_model_line,
)
from simulator.i18n import format_seconds, t
from simulator.text import escape, visible
from simulator.widgets.following import SoundFollower

if TYPE_CHECKING:
    from simulator.scenarios.model import Scenario

Voice = Callable[[str, str], CueSound | None]
"""Speaks a text in a language (the app's cue voice); ``None`` when it cannot."""

BAR_CELLS = 36


def progress_bar(timing: ModelTiming, moment: ModelMoment, cells: int = BAR_CELLS) -> Text:
    """The line as a bar: the spoken parts ``█``, the pause ``▓`` as far as it has played."""
    bar = Text()
    played = round(moment.fraction * cells)
    for i in range(cells):
        sample = (i + 0.5) * timing.total / cells
        in_pause = timing.before_end <= sample < timing.after_start
        if i < played:
            bar.append("▓" if in_pause else "█", style="bold yellow" if in_pause else "bold")
        else:
            bar.append("░" if in_pause else "▁", style="dim")
    return bar


def moment_text(model: ModelLine, moment: ModelMoment, lang: str) -> str:
    """What is happening now, in words: the part being said, or the silence so far."""
    if moment.stage == "before":
        return t("modelling.saying", lang, label=model.before_label, text=model.before)
    if moment.stage == "pause" and model.pause_s is not None:
        return t(
            "modelling.in_pause",
            lang,
            label=model.pause_label or "",
            elapsed=format_seconds(moment.pause_elapsed_s, lang),
            total=format_seconds(model.pause_s, lang, 0),
        )
    if moment.stage == "after" and model.after is not None:
        return t("modelling.saying", lang, label=model.after_label or "", text=model.after)
    return t("modelling.done", lang)


def idle_text(model: ModelLine, lang: str) -> str:
    if model.pause_s is None:
        return t("modelling.hint_turn", lang)
    return t("modelling.hint", lang, seconds=format_seconds(model.pause_s, lang, 0))


class ModelPlayer(Static):
    """The model line, played on ``toggle()`` (M on the briefing and after a missed round).

    ``voice`` is ``None`` without espeak-ng: ``toggle`` then writes the line out with its pause.
    ``status`` keeps the last message (also shown as a toast), for the teacher and for tests.
    """

    DEFAULT_CSS = """
    ModelPlayer { height: auto; min-height: 2; margin: 0 0 1 0; }
    """

    def __init__(
        self,
        model: ModelLine,
        lang: str,
        *,
        voice: Voice | None,
        voice_lang: str,
        player: AudioPlayer,
        id: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(id=id)
        self.model = model
        self.lang = lang
        self.voice = voice
        self.voice_lang = voice_lang
        self.player = player
        self._timing: ModelTiming | None = None
        self._playback: Playback | None = None
        self._sound = SoundFollower(
            self,
            group="model-line",
            on_position=self._render_at,
            on_finished=self._finished,
            on_stalled=lambda: self._fall_back("modelling.stalled"),
            on_failed=self._failed,
            clock=clock,
        )
        self.status = ""
        self.moments: list[str] = []
        """Every stage shown while playing, in order (``before``, ``pause``, ``after``…)."""
        self.fallback = False
        """True once the line had to be written out instead of spoken."""

    @property
    def playing(self) -> bool:
        return self._sound.playing

    def on_mount(self) -> None:
        self._show(Text(visible(idle_text(self.model, self.lang)), style="dim"))

    def _show(self, *lines: Text | str) -> None:
        self.update(Text("\n").join(Text(x) if isinstance(x, str) else x for x in lines))

    # -- playing

    def toggle(self) -> None:
        """Speak the model line, or stop it if it is playing."""
        if self.playing:
            self.stop()
            self._show(Text(visible(t("modelling.stopped", self.lang)), style="dim"))
            return
        if self.voice is None:
            self._fall_back("modelling.no_voice")
            return
        self._show(Text(visible(t("modelling.preparing", self.lang)), style="dim"))
        self.moments = []
        voice = self.voice
        self._sound.start(lambda: self._open(voice))

    def _open(self, voice: Voice) -> Playback | None:
        """In a worker thread: speak the parts, join them with the pause, start playing."""
        sounds = [voice(part, self.voice_lang) for part in self.model.parts]
        if any(s is None or s.samples.size == 0 for s in sounds):
            self.app.call_from_thread(self._fall_back, "modelling.render_failed")
            return None
        parts = [s for s in sounds if s is not None]
        sound, self._timing = model_sound(parts, self.model.pause_s, parts[0].sample_rate_hz)
        self._playback = self.player(sound.samples, sound.sample_rate_hz)
        return self._playback

    def _finished(self) -> None:
        """The end of the line; if the output ran dry on the way, the silence heard was longer
        than the line's, and the teacher must not take it for the model."""
        self._render_at(None)
        playback, self._playback = self._playback, None
        if playback is None or playback.underflows == 0:
            return
        if self.model.pause_s is None:
            self._say(t("modelling.busy.stretched_turn", self.lang), severity="warning", timeout=10)
            return
        seconds = format_seconds(self.model.pause_s, self.lang, 0)
        self._say(
            t("modelling.busy.stretched", self.lang, seconds=seconds),
            severity="warning",
            timeout=10,
        )

    def _failed(self, error: PlaybackError) -> None:
        key = {
            "no_output_device": "modelling.no_output",
            "no_portaudio": "modelling.no_portaudio",
        }.get(error.code, "modelling.failed")
        self._fall_back(key, message=error.describe(self.lang))

    def _fall_back(self, key: str, **params: object) -> None:
        """Write the line out with its pause, and say why it was not spoken."""
        self.fallback = True
        written = model_line_text(self.model, self.lang)
        self._show(
            Text(visible(t("modelling.written_heading", self.lang)), style="bold"),
            Text(visible(written), style="italic"),
        )
        self._say(t(key, self.lang, **params), severity="warning", timeout=10)

    def _render_at(self, position: int | None) -> None:
        timing = self._timing
        if timing is None:
            return
        moment = moment_at(timing, timing.total if position is None else position)
        if not self.moments or self.moments[-1] != moment.stage:
            self.moments.append(moment.stage)
        line = Text(
            visible(moment_text(self.model, moment, self.lang)),
            style="bold yellow" if moment.stage == "pause" else "bold",
        )
        self._show(line, progress_bar(timing, moment))

    def stop(self) -> None:
        """Stop the sound (nothing happens when nothing plays)."""
        self._sound.stop()

    def on_unmount(self) -> None:
        self.stop()

    def _say(self, message: str, *, severity: SeverityLevel, timeout: float) -> None:
        self.status = message
        self.notify(escape(message), severity=severity, timeout=timeout)


class Voices(Protocol):
    """What the model player takes from the app: its language, cue voice and player."""

    lang: str
    cue_player: Voice | None
    audio_player: AudioPlayer


def model_player(app: Voices, scenario: Scenario, model: ModelLine | None = None) -> ModelPlayer:
    """The scenario's model line (or ``model``), spoken in the scenario's language by the app's
    cue voice."""
    return ModelPlayer(
        model or split_model_line(scenario.model_line, scenario.pattern),
        app.lang,
        voice=app.cue_player,
        voice_lang=scenario.language,
        player=app.audio_player,
        id="model-player",
    )
