"""The notice for a terminal too small to show the app: instead of squeezing every screen into a
few cells (and failing), the app asks for a larger window until it gets one."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from simulator.screens.base import AppModal

MIN_WIDTH = 40
MIN_HEIGHT = 10
"""The smallest terminal (in characters) the screens are laid out for."""


def too_small(width: int, height: int) -> bool:
    return width < MIN_WIDTH or height < MIN_HEIGHT


class TooSmallScreen(AppModal[None]):
    """Covers the app while the terminal is too small; keys wait until it is larger again."""

    def compose(self) -> ComposeResult:
        yield Static(self.t("app.too_small", width=MIN_WIDTH, height=MIN_HEIGHT), id="too-small")
