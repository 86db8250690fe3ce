"""The masterclass group chart: per round, everyone's pause as a histogram against the band.

Drawn for the size it is given, so it fills a laptop terminal (80×24) and a projector's large
one (200×50) alike: wider terminals give wider bars, taller ones taller bars. One lane per round,
all on one shared axis in seconds; the band shaded; a bar per slice of time, one block per
participant (scaled down only when a column would not fit); the median as a line.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from simulator.audio.pattern import Band
from simulator.coaching.group import RoundStats, bar_cells, histogram, unmeasured_lines
from simulator.i18n import format_band, format_number, format_seconds, t

BAND_BG = "#1f4d2e"
ON_BAR = "bold #7CFC9A"
OFF_BAR = "bold #ffb347"
MEDIAN = "bold #e28cff"
SLICE_S = 0.25
"""The finest slice of time a bar stands for; coarser when the terminal is narrow."""
MIN_BIN_COLUMNS = 3
"""A bar is at least two columns wide with one blank column before the next bar."""
MAX_UNIT_ROWS = 6
"""Rows per participant in a bar when there is room (a bar stays countable)."""


def label_width(width: int) -> int:
    return 17 if width < 110 else 22


class GroupChart(Widget):
    DEFAULT_CSS = """
    GroupChart { height: 1fr; min-height: 8; text-wrap: nowrap; text-overflow: clip; }
    """

    def __init__(
        self,
        stats: Sequence[RoundStats],
        band: Band,
        scale_s: float,
        lang: str,
        *,
        id: str | None = None,  # noqa: A002 - Textual's own name for it
    ) -> None:
        super().__init__(id=id)
        self.stats = tuple(stats)
        self.band = band
        self.scale_s = scale_s
        self.lang = lang

    def on_resize(self) -> None:
        self.refresh()

    def _seconds(self, value: float) -> str:
        return format_seconds(value, self.lang).replace("\xa0", " ")

    def _labels(self, s: RoundStats, rows: int) -> list[tuple[str, str]]:
        """The lane's labels: round, median, on target — on two rows when the lane has two."""
        label = t("masterclass.round_label", self.lang, round=s.round)
        if s.median_s is None:
            return [(label, "bold reverse")] + [
                (line, "italic") for line in unmeasured_lines(s, self.lang)
            ]
        on = t("masterclass.room.lane_on", self.lang, on=s.on_target, taken=s.taken)
        if rows < 3:
            return [(f"{label} ┃ {self._seconds(s.median_s)}", "bold"), (on, "bold")]
        median = t("masterclass.room.lane_median", self.lang, value=self._seconds(s.median_s))
        return [(label, "bold reverse"), (median, MEDIAN), (on, "bold")]

    def render(self) -> Text:
        width, height = self.size.width, self.size.height
        lw = label_width(width)
        chart_w = max(10, width - lw - 1)
        slices = max(4, round(self.scale_s / SLICE_S))
        bin_w = max(MIN_BIN_COLUMNS, chart_w // slices)
        bins = chart_w // bin_w
        span = bins * bin_w
        seconds_per_col = self.scale_s / span
        rounds = max(1, len(self.stats))
        lane_h = max(2, (height - 3) // rounds)
        band_cols = {
            c
            for c in range(span)
            if self.band.min_s <= (c + 0.5) * seconds_per_col <= self.band.max_s
        }
        text = Text(no_wrap=True, overflow="crop")
        for s in self.stats:
            grid = self._lane(s, bins, bin_w, lane_h, band_cols, seconds_per_col)
            labels = self._labels(s, lane_h)
            for row in range(lane_h):
                label, style = labels[row] if row < len(labels) else ("", "")
                text.append(f"{label[: lw - 1]:<{lw}}", style=style)
                text.append("│", style="dim")
                for char, cell_style in grid[row]:
                    text.append(char, style=cell_style)
                text.append("\n")
        text.append(" " * lw + "└" + "─" * span + "\n", style="dim")
        text.append_text(self._axis(lw, span, seconds_per_col, width))
        text.append("\n")
        band = format_band(self.band.min_s, self.band.max_s, self.lang).replace("\xa0", " ")
        text.append(" ")
        text.append("  ", style=Style.parse(f"on {BAND_BG}"))
        text.append(" " + t("masterclass.room.chart_legend", self.lang, band=band), style="dim")
        return text

    def _lane(
        self,
        s: RoundStats,
        bins: int,
        bin_w: int,
        lane_h: int,
        band_cols: set[int],
        seconds_per_col: float,
    ) -> list[list[tuple[str, str]]]:
        """One round's cells, top row first: band, bars, counts above bars, the median."""
        span = bins * bin_w
        bar_h = lane_h - 1  # the top row keeps lanes apart and holds the counts
        grid = [
            [(" ", f"on {BAND_BG}" if c in band_cols else "") for c in range(span)]
            for _ in range(lane_h)
        ]

        def put(level: int, col: int, char: str, style: str) -> None:
            row = lane_h - 1 - level
            bg = f" on {BAND_BG}" if col in band_cols else ""
            grid[row][col] = (char, style + bg)

        if s.median_s is not None:
            median_col = min(span - 1, int(s.median_s / seconds_per_col))
            for level in range(lane_h):
                put(level, median_col, "┃", MEDIAN)
        counts = histogram(s.values_s, self.scale_s, bins)
        tallest = max(counts, default=0)
        unit = max(1, min(MAX_UNIT_ROWS, bar_h // max(1, tallest)))
        for b, n in enumerate(counts):
            if not n:
                continue
            cells = bar_cells(n * unit, tallest * unit, bar_h)
            filled = sum(1 for cell in cells if cell != " ")
            centre_s = (b + 0.5) * bin_w * seconds_per_col
            style = ON_BAR if self.band.min_s <= centre_s <= self.band.max_s else OFF_BAR
            for c in range(b * bin_w, (b + 1) * bin_w - 1):  # the last column: a gap
                for level, cell in enumerate(cells[:filled]):
                    put(level, c, cell, style)
            if n > 1:  # how many participants the bar stands for, just above it
                mark = str(n)
                start = b * bin_w + max(0, (bin_w - 1 - len(mark)) // 2)
                for i, ch in enumerate(mark):
                    if start + i < span:
                        put(filled, start + i, ch, "bold")
        return grid

    def _axis(self, lw: int, span: int, seconds_per_col: float, width: int) -> Text:
        """Whole seconds under the chart, as many as fit without touching."""
        cols_per_s = 1 / seconds_per_col
        step = 1
        while step * cols_per_s < 4:
            step += 1
        line = [" "] * max(width, lw + 1 + span)
        sec, free = 0, 0
        while sec * cols_per_s < span:
            label = format_number(sec, self.lang, 0)
            if (sec + step) * cols_per_s >= span:
                label += " s"  # the unit once, after the last number
            col = min(lw + 1 + round(sec * cols_per_s), len(line) - len(label))
            if col >= free:  # never run into the number before
                line[col : col + len(label)] = label
                free = col + len(label) + 1
            sec += step
        return Text("".join(line).rstrip(), style="bold")
