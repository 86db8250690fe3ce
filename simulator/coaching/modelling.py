"""Modelling ("voordoen"): the model line split at its pause, and how to follow it as it plays.

A coach shows the move before the teacher tries it. A scenario's ``model_line`` writes the pause
into the text (``"Which two examples … (3 seconds) … Kay?"``); ``split_model_line`` takes it
apart into what is said before the pause and after it, so the line can be spoken with the
scenario's target pause of real silence in between, or written out when it cannot be heard.

Pure: text and numbers in, values out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from simulator.audio.modelling import ModelTiming
from simulator.audio.pattern import Pattern, PhaseKind, Shape
from simulator.i18n import format_seconds, t
from simulator.scenarios.model import RoundPrompt

PAUSE_MARK = re.compile(r"\s*(?:…|\.\.\.)(?:\s*\([^()]*\)\s*(?:…|\.\.\.))?\s*")
"""``… (3 seconds) …``, or one ``…`` (``...``): where the pause goes."""
LAST_SENTENCE = re.compile(r"^(?P<before>.*[?!.])\s+(?P<after>\S.*)$", re.DOTALL)
"""Without a written pause, a paused line pauses before its last sentence (``… give? Kay?``)."""
SPEAKER_LABEL = re.compile(r"^[^\s:\"“”]{1,24}:\s*(?=[\"“])")
"""``Student: "…"``: the speaker's label before a quoted line is shown, not spoken."""
QUOTES = "\"“”„'"


@dataclass(frozen=True, slots=True)
class ModelLine:
    """The model line as it is spoken: ``before``, then ``pause_s`` of silence, then ``after``.

    ``after`` and ``pause_s`` are ``None`` for a line without a pause (a timed turn). The labels
    are the pattern's names for the spoken parts and the pause ("question", "name").
    """

    before: str
    after: str | None
    pause_s: float | None
    before_label: str
    after_label: str | None = None
    pause_label: str | None = None

    @property
    def parts(self) -> tuple[str, ...]:
        return (self.before,) if self.after is None else (self.before, self.after)


def _spoken(part: str) -> str:
    """A part of the line as it is said: no speaker label, no surrounding quotes or dots."""
    text = " ".join(part.split())
    text = SPEAKER_LABEL.sub("", text)
    return text.strip(QUOTES + " …").strip()


def split_model_line(text: str, pattern: Pattern) -> ModelLine:
    """The model line of a scenario measured with ``pattern``, split where its pause goes.

    A paused shape (question → pause → name, cue → pause → response) pauses for the band's
    target; a line without a written pause pauses before its last sentence, and a line of one
    sentence is spoken whole.
    """
    phases = pattern.phases
    line = " ".join(text.split())
    if pattern.shape is Shape.TIMED_TURN:
        return ModelLine(_spoken(line), None, None, phases[0].label)
    pause = next(p for p in phases if p.kind is PhaseKind.PAUSE)
    assert pause.band is not None  # the measured phase of a paused shape is its pause
    pieces = PAUSE_MARK.split(line, maxsplit=1)
    if len(pieces) < 2:
        found = LAST_SENTENCE.match(line)
        pieces = [found["before"], found["after"]] if found else [line]
    before, after = (_spoken(p) for p in (pieces + [""])[:2])
    if not before or not after:
        return ModelLine(_spoken(line), None, None, phases[0].label)
    return ModelLine(
        before,
        after,
        pause.band.target_s,
        phases[0].label,
        after_label=phases[2].label,
        pause_label=pause.label,
    )


def model_line_text(model: ModelLine, lang: str) -> str:
    """The line with its pause written out, for when it cannot be heard:
    ``Which two examples …? … (3 s silence) … Kay?``."""
    if model.after is None or model.pause_s is None:
        return model.before
    silence = t("modelling.silence", lang, seconds=format_seconds(model.pause_s, lang, 0))
    return f"{model.before} … ({silence}) … {model.after}"


@dataclass(frozen=True, slots=True)
class ModelMoment:
    """What is happening at one position of a playing model line."""

    stage: str
    """``before`` (the question or cue), ``pause``, ``after`` (the name or response) or ``done``."""
    pause_elapsed_s: float
    """Seconds of the pause heard so far (0 before it, the whole pause after it)."""
    fraction: float
    """How much of the whole line has been played, 0 to 1."""


def moment_at(timing: ModelTiming, position: int) -> ModelMoment:
    """The stage of the line at ``position`` (samples played)."""
    position = max(0, position)
    fraction = min(1.0, position / timing.total) if timing.total else 1.0
    pause_s = (timing.after_start - timing.before_end) / timing.rate_hz
    if position >= timing.total:
        return ModelMoment("done", pause_s, 1.0)
    if position < timing.before_end:
        return ModelMoment("before", 0.0, fraction)
    if position < timing.after_start:
        return ModelMoment("pause", (position - timing.before_end) / timing.rate_hz, fraction)
    return ModelMoment("after", pause_s, fraction)


def prompt_model_line(prompt: RoundPrompt, pattern: Pattern) -> ModelLine:
    """A round's prompt as a model line: question … name, cue … reply, or the line alone."""
    phases = pattern.phases
    shape = pattern.shape
    first, second = {
        Shape.SPEECH_PAUSE_SPEECH: (prompt.line, prompt.name),
        Shape.CUE_PAUSE_SPEECH: (prompt.cue, prompt.line),
    }.get(shape, (prompt.line, None))
    if shape is Shape.TIMED_TURN or not first or not second:
        return ModelLine(prompt.line, None, None, phases[-1].label)
    band = pattern.band
    return ModelLine(
        first,
        second,
        band.target_s,
        phases[0].label,
        after_label=phases[2].label,
        pause_label=phases[1].label,
    )
