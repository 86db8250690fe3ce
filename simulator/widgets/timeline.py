"""The round's measurement as a picture: the phases on a time axis with the target band.

::

    question ▇▇▇▇▇▇▇▇▇▇▇                     ▇▇▇ name
    pause               ───────────────
    target                   [=====|=====]
             0 s      1 s      2 s      3 s ...
"""

from __future__ import annotations

import math

from rich.console import RenderableType
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from simulator.audio.pattern import PhaseKind
from simulator.coaching.timeline import Timeline
from simulator.i18n import format_band, format_number, format_seconds, t

LABEL_WIDTH = 18
"""The narrowest label column; it grows to fit longer phase labels, up to ``MAX_LABEL_WIDTH``."""
MAX_LABEL_WIDTH = 28
VALUE_WIDTH = 8
PHASE_STYLE = {PhaseKind.SPEECH: "bold cyan", PhaseKind.CUE: "bold magenta"}


def _scale(timeline: Timeline) -> tuple[float, float]:
    """The visible window in seconds: from just before the first phase to just after the last
    phase or the band's end, whichever is later."""
    starts = [p.start_s for p in timeline.phases] + [s for s, _ in timeline.speech_s]
    ends = [p.end_s for p in timeline.phases] + [e for _, e in timeline.speech_s]
    if timeline.band_end_s is not None:
        ends.append(timeline.band_end_s)
    start = max(0.0, math.floor((min(starts) if starts else 0.0) - 0.25))
    end = max(ends) + 0.25 if ends else timeline.total_s
    return start, max(end, start + 1.0)


def timeline_lines(timeline: Timeline, lang: str, width: int) -> list[Text]:
    """One text line per row; pure so tests can read the picture."""
    labels = [p.label for p in timeline.phases]
    label_width = min(MAX_LABEL_WIDTH, max([LABEL_WIDTH, *(len(x) + 1 for x in labels)]))
    cells = max(width - label_width - VALUE_WIDTH, 10)
    start, end = _scale(timeline)
    per_cell = (end - start) / cells

    def col(seconds: float) -> int:
        return min(max(int(round((seconds - start) / per_cell)), 0), cells)

    def row(label: str) -> tuple[Text, list[tuple[str, str]]]:
        return Text(label[: label_width - 1].ljust(label_width), style="dim"), [(" ", "")] * cells

    lines: list[Text] = []
    if not timeline.phases and timeline.speech_s:
        # Nothing measured: draw what was heard, so the teacher sees what happened.
        head, body = row(t("feedback.heard_label", lang))
        for a_s, b_s in timeline.speech_s:
            a, b = col(a_s), max(col(b_s), col(a_s) + 1)
            for i in range(a, min(b, cells)):
                body[i] = ("█", PHASE_STYLE[PhaseKind.SPEECH])
        text = head
        for ch, style in body:
            text.append(ch, style=style)
        speech_total = sum(b_s - a_s for a_s, b_s in timeline.speech_s)
        text.append(f" {format_seconds(speech_total, lang)}", style="dim")
        lines.append(text)
    for phase in timeline.phases:
        head, body = row(phase.label)
        a, b = col(phase.start_s), max(col(phase.end_s), col(phase.start_s) + 1)
        if phase.kind is PhaseKind.PAUSE:
            style = "bold yellow" if phase.measured else "yellow"
            for i in range(a, min(b, cells)):
                body[i] = ("━", style)
        else:
            for i in range(a, min(b, cells)):
                body[i] = ("█", PHASE_STYLE.get(phase.kind, "bold cyan"))
        text = head
        for ch, style in body:
            text.append(ch, style=style)
        value = format_seconds(phase.duration_s, lang)
        text.append(f" {value}", style="bold" if phase.measured else "dim")
        lines.append(text)
    if timeline.band_start_s is not None and timeline.band_end_s is not None:
        band = timeline.band
        head, body = row(
            t("feedback.band_label", lang, band=format_band(band.min_s, band.max_s, lang))
        )
        a, b = col(timeline.band_start_s), col(timeline.band_end_s)
        for i in range(a, min(b + 1, cells)):
            body[i] = ("░", "green")
        if timeline.target_s is not None and col(timeline.target_s) < cells:
            body[col(timeline.target_s)] = ("┃", "bold green")
        text = head
        for ch, style in body:
            text.append(ch, style=style)
        lines.append(text)
    axis = Text(t("feedback.axis_seconds", lang)[: label_width - 1].ljust(label_width), style="dim")
    ticks = [" "] * cells
    step = 1 if (end - start) <= cells / 4 else 2
    second = math.ceil(start)
    while second <= end:
        c = col(second)
        label = format_number(second, lang, 0)
        if c + len(label) <= cells and all(ch == " " for ch in ticks[c : c + len(label) + 1]):
            for i, ch in enumerate(label):
                ticks[c + i] = ch
        second += step
    axis.append("".join(ticks), style="dim")
    lines.append(axis)
    return lines


def drawable(timeline: Timeline | None) -> bool:
    """Whether there is anything to draw: phases, or at least the speech that was heard."""
    return timeline is not None and bool(timeline.phases or timeline.speech_s)


class TimelineView(Widget):
    """Draws a :class:`Timeline`; ``None`` or an empty timeline shows a short note instead."""

    DEFAULT_CSS = """
    TimelineView {
        height: auto;
        width: 1fr;
    }
    """

    timeline: reactive[Timeline | None] = reactive(None, layout=True)

    def __init__(self, lang: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lang = lang

    def render(self) -> RenderableType:
        if not drawable(self.timeline):
            return Text(t("feedback.no_timeline", self.lang), style="dim")
        assert self.timeline is not None
        return Text("\n").join(timeline_lines(self.timeline, self.lang, self.size.width))
