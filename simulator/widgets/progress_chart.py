"""Every saved round of a scenario over time, against the target band.

::

     5 s ┤
         │                        ●
     3 s ┼──────────●──────●──────────── target (band shaded ░ around it)
         │░░░░░░●░░░░░░░░░░░░░░░░░░░░░
     1 s ┤  ●  ●
         └────────────────────────────
          03-04    03-11   03-18

One column per round, oldest on the left; a dotted line between sessions. The data and the
picture are built by pure functions (``progress_data``, ``chart_lines``) so tests can read them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.console import RenderableType
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from simulator.audio.pattern import Band
from simulator.coaching.feedback import SAME_TOLERANCE_S, band_distance_s
from simulator.i18n import format_band, format_number, format_seconds, t
from simulator.store.history import StoredSession

AXIS_WIDTH = 6
"""``" 3 s ┤"``: five characters of label and the axis itself."""
MAX_SPACING = 8
MIN_SPACING = 2
ON_STYLE = "bold green"
OFF_STYLE = "bold yellow"
NONE_STYLE = "red"
BAND_STYLE = "green"
TARGET_STYLE = "bold green"


@dataclass(frozen=True, slots=True)
class ChartPoint:
    measured_s: float | None
    """``None``: the round could not be measured (drawn as ``×`` on the bottom row)."""
    on_target: bool
    session: int
    """The session's position among this scenario's sessions (0 = oldest)."""
    date: str
    """The session's local date, ``MM-DD``."""


@dataclass(frozen=True, slots=True)
class ProgressData:
    points: tuple[ChartPoint, ...]
    band: Band
    """The band of the latest round (a scenario's band can change when it is edited)."""
    sessions: int
    trend_text: str
    count_text: str


def _local_date(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%m-%d")
    except ValueError:
        return iso[5:10]


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def trend_text(per_session: Sequence[Sequence[float]], band: Band, lang: str) -> str:
    """One line on the direction: the first session's average against the latest's (or, with
    one session, its first round against its last)."""
    measured = [list(v) for v in per_session if v]
    values = [v for session in measured for v in session]
    if not values:
        return t("progress.trend_none", lang)
    if len(values) == 1:
        return t("progress.trend_one", lang, value=format_seconds(values[0], lang))
    if len(measured) >= 2:
        first, last = _mean(measured[0]), _mean(measured[-1])
        start, end = t("progress.first_session", lang), t("progress.last_session", lang)
    else:
        first, last = values[0], values[-1]
        start, end = t("progress.first_round", lang), t("progress.last_round", lang)
    before, after = band_distance_s(first, band), band_distance_s(last, band)
    if after < before - SAME_TOLERANCE_S:
        key = "trend_better"
    elif after > before + SAME_TOLERANCE_S:
        key = "trend_worse"
    else:
        key = "trend_steady"
    shown_first, shown_last = format_seconds(first, lang), format_seconds(last, lang)
    if len(measured) >= 2:  # a session's mean is no round's value: say it is an average
        shown_first = t("progress.session_mean", lang, value=shown_first)
        shown_last = t("progress.session_mean", lang, value=shown_last)
    return t(
        f"progress.{key}",
        lang,
        first=shown_first,
        last=shown_last,
        start=start,
        end=end,
    )


def progress_data(sessions: Sequence[StoredSession], lang: str) -> ProgressData | None:
    """The chart's data for one scenario's sessions (oldest first); ``None`` without rounds."""
    with_rounds = [s for s in sessions if s.rounds]
    if not with_rounds:
        return None
    latest = with_rounds[-1].rounds[-1]
    band = Band(latest.target_s, latest.min_s, latest.max_s)
    points: list[ChartPoint] = []
    per_session: list[list[float]] = []
    for index, session in enumerate(with_rounds):
        date = _local_date(session.started_at)
        values: list[float] = []
        for r in session.rounds:
            on = r.measured_s is not None and r.min_s <= r.measured_s <= r.max_s
            points.append(ChartPoint(r.measured_s, on, index, date))
            if r.measured_s is not None:
                values.append(r.measured_s)
        per_session.append(values)
    hits = sum(1 for p in points if p.on_target)
    count = t("progress.count", lang, rounds=len(points), sessions=len(with_rounds), hits=hits)
    return ProgressData(
        tuple(points), band, len(with_rounds), trend_text(per_session, band, lang), count
    )


def capacity(width: int) -> int:
    """How many rounds fit in a chart ``width`` cells wide (the latest ones are shown)."""
    return max(max(width - AXIS_WIDTH - 1, 10) // MIN_SPACING, 1)


def chart_lines(
    points: Sequence[ChartPoint], band: Band, width: int, height: int, lang: str
) -> list[Text]:
    """The chart as ``height`` lines of ``width`` cells (at least a small readable size)."""
    plot_w = max(width - AXIS_WIDTH - 1, 10)
    rows = max(height - 2, 4)
    shown = list(points[-capacity(width) :])
    spacing = max(1, min(MAX_SPACING, plot_w // max(len(shown), 1)))
    values = [p.measured_s for p in shown if p.measured_s is not None]
    top_s = float(math.ceil(max([*values, band.max_s]) + 0.5))
    step_s = top_s / rows

    def row_of(seconds: float) -> int:
        return min(max(int((top_s - seconds) / step_s), 0), rows - 1)

    grid: list[list[tuple[str, str]]] = [[(" ", "")] * plot_w for _ in range(rows)]
    for r in range(rows):
        centre = top_s - (r + 0.5) * step_s
        if band.min_s <= centre <= band.max_s:
            grid[r] = [("░", BAND_STYLE)] * plot_w
    target_row = row_of(band.target_s)
    grid[target_row] = [("─", TARGET_STYLE)] * plot_w
    columns = [min(1 + i * spacing, plot_w - 1) for i in range(len(shown))]
    for i, (point, col) in enumerate(zip(shown, columns, strict=True)):
        if i > 0 and point.session != shown[i - 1].session and spacing >= MIN_SPACING:
            sep = col - spacing // 2
            for r in range(rows):
                if grid[r][sep][0] in (" ", "░"):
                    grid[r][sep] = ("┊", "dim")
        if point.measured_s is None:
            grid[rows - 1][col] = ("×", NONE_STYLE)
        else:
            style = ON_STYLE if point.on_target else OFF_STYLE
            grid[row_of(point.measured_s)][col] = ("●", style)

    # Whole seconds on the axis, thinned out so labels never touch.
    labels: dict[int, str] = {}
    every = max(1, math.ceil(2 * step_s))
    for second in range(0, int(top_s) + 1, every):
        r = row_of(float(second)) if second > 0 else rows - 1
        if r not in labels and (r - 1) not in labels:
            labels[r] = f"{format_number(second, lang, 0)} s"
    lines: list[Text] = []
    for r in range(rows):
        label = labels.get(r, "")
        line = Text(label.rjust(AXIS_WIDTH - 1)[: AXIS_WIDTH - 1], style="dim")
        line.append("┤" if label else "│", style="dim")
        for ch, style in grid[r]:
            line.append(ch, style=style)
        lines.append(line)
    lines.append(Text(" " * (AXIS_WIDTH - 1) + "└" + "─" * plot_w, style="dim"))
    dates = [" "] * plot_w
    for i, (point, col) in enumerate(zip(shown, columns, strict=True)):
        if i == 0 or point.session != shown[i - 1].session:
            free = col + len(point.date) <= plot_w and all(
                c == " " for c in dates[max(col - 1, 0) : col + len(point.date) + 1]
            )
            if free:
                dates[col : col + len(point.date)] = list(point.date)
    lines.append(Text(" " * AXIS_WIDTH + "".join(dates), style="dim"))
    return lines


def legend(band: Band, lang: str) -> Text:
    """The chart's key; each mark is tied to its word by a no-break space, so a wrapped line
    never leaves a mark behind on its own."""
    text = Text()
    text.append("●\u00a0", style=ON_STYLE)
    text.append(t("progress.legend_on", lang) + "   ")
    text.append("●\u00a0", style=OFF_STYLE)
    text.append(t("progress.legend_off", lang) + "   ")
    text.append("×\u00a0", style=NONE_STYLE)
    text.append(t("progress.legend_none", lang) + "   ")
    text.append("░\u00a0", style=BAND_STYLE)
    band_text = format_band(band.min_s, band.max_s, lang)
    text.append(t("progress.legend_band", lang, band=band_text) + "   ")
    text.append("─\u00a0", style=TARGET_STYLE)
    text.append(t("progress.legend_target", lang, target=format_seconds(band.target_s, lang)))
    return text


class ProgressChart(Widget):
    """Draws :class:`ProgressData`; ``None`` shows a short note instead."""

    DEFAULT_CSS = """
    ProgressChart {
        height: 14;
        width: 1fr;
    }
    """

    data: reactive[ProgressData | None] = reactive(None)

    def __init__(self, lang: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lang = lang

    def render(self) -> RenderableType:
        data = self.data
        if data is None:
            return Text(t("progress.empty", self.lang), style="dim")
        lines = chart_lines(data.points, data.band, self.size.width, self.size.height, self.lang)
        return Text("\n").join(lines)
