"""A horizontal input-level meter in dBFS, with green/amber/red zones."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

FLOOR_DBFS = -60.0
QUIET_DBFS = -45.0
"""Speech below this is too faint to measure reliably (matches the analysis' warning)."""
HOT_DBFS = -3.0


def meter_text(level_dbfs: float, width: int) -> Text:
    """The bar for ``level_dbfs`` in ``width`` cells: pure, so it can be tested directly."""
    width = max(width, 4)
    fraction = (min(max(level_dbfs, FLOOR_DBFS), 0.0) - FLOOR_DBFS) / -FLOOR_DBFS
    filled = round(fraction * width)
    text = Text()
    for i in range(width):
        cell_db = FLOOR_DBFS + (i + 0.5) / width * -FLOOR_DBFS
        if cell_db < QUIET_DBFS:
            style = "yellow"
        elif cell_db < HOT_DBFS:
            style = "green"
        else:
            style = "red"
        text.append("█" if i < filled else "·", style=style if i < filled else "grey37")
    return text


class LevelMeter(Widget):
    """Shows ``level_dbfs``; set it from message handlers on the main thread."""

    DEFAULT_CSS = """
    LevelMeter {
        height: 1;
        width: 1fr;
    }
    """

    level_dbfs: reactive[float] = reactive(-100.0)

    def render(self) -> Text:
        return meter_text(self.level_dbfs, self.size.width)
