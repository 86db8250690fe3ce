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

    def on_screen_resume(self) -> None:
        """Back on top after a screen above it closed (a dialog that a round's end opened while
        the window was small): when the window has grown meanwhile, the notice goes too."""
        if not too_small(self.app.size.width, self.app.size.height):
            self.app.call_later(self._leave)

    def _leave(self) -> None:
        # A screen may have been opened above the notice meanwhile (the dialog's answer opens
        # the feedback): then it waits until it is on top again, and goes then.
        if self.app.screen is self:
            self.app.pop_screen()
