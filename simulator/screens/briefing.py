"""Briefing: the action step, why it works, the story and the model line."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from simulator.i18n import format_band, format_seconds
from simulator.scenarios.model import Scenario
from simulator.screens.base import AppScreen
from simulator.screens.mic_check import MicCheckScreen
from simulator.text import escape
from simulator.widgets.model_player import ModelPlayer, model_player


def _clean(text: str) -> str:
    """Scenario prose is wrapped in the TOML file; rewrap it as paragraphs."""
    paragraphs = [" ".join(p.split()) for p in text.strip().split("\n\n")]
    return escape("\n\n".join(p for p in paragraphs if p))


class BriefingScreen(AppScreen[None]):
    BINDINGS = [
        Binding("enter", "continue", "keys.continue"),
        Binding("space", "continue", "keys.continue", show=False),
        Binding("m", "model_line", "keys.teach.model"),
        Binding("escape", "app.pop_screen", "keys.back"),
    ]

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.scenario = scenario

    def compose(self) -> ComposeResult:
        s = self.scenario
        band = s.pattern.band
        yield Header()
        with VerticalScroll(id="briefing"):
            yield Static(escape(s.title), classes="title")
            yield Static(self.t("briefing.action_step"), classes="heading")
            yield Static(_clean(s.action_step), id="action-step", classes="callout")
            yield Static(self.t("briefing.why"), classes="heading")
            yield Static(_clean(s.why), id="why")
            if s.research:
                yield Static(self.t("briefing.research"), classes="heading")
                yield Static(_clean(s.research), id="research")
            yield Static(self.t("briefing.story"), classes="heading")
            yield Static(_clean(s.story), id="story")
            yield Static(self.t("briefing.model_line"), classes="heading")
            yield Static(f"[i]{_clean(s.model_line)}[/i]", id="model-line", classes="callout")
            yield model_player(self.sim, s)
            yield Static(
                self.t("briefing.rounds_info", rounds=s.rounds)
                + " "
                + self.t(
                    "briefing.target_info",
                    target=format_seconds(band.target_s, self.lang),
                    band=format_band(band.min_s, band.max_s, self.lang),
                ),
                id="rounds-info",
            )
            if s.materials:
                yield Static(self.t("briefing.materials"), classes="heading")
                yield Static(
                    "\n".join(
                        "• "
                        + escape(
                            self.t(
                                "briefing.material_item",
                                title=m.title,
                                kind=self.t(f"briefing.material_kind_{m.kind}"),
                                reference=m.reference,
                            )
                        )
                        for m in s.materials
                    ),
                    id="materials",
                )
            yield Static(self.t("briefing.start"), classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#briefing").focus()

    def action_continue(self) -> None:
        self.app.push_screen(MicCheckScreen(self.scenario))

    def action_model_line(self) -> None:
        player = self.query_one("#model-player", ModelPlayer)
        # The written line and what is playing, both in view.
        self.query_one("#briefing", VerticalScroll).scroll_to_widget(
            self.query_one("#model-line"), top=True
        )
        player.toggle()
