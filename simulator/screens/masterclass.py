"""Masterclass mode: a trainer runs one scenario for a group, participant after participant.

Setup (names, scenario) → each participant's rounds on the usual rounds screen, with whose turn
it is on top and every participant's rounds saved as their own history session → the group
view: the anonymised values per round against the target band, first round against last, and
a CSV of the group data (codes only).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Header, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from simulator.audio.result import RoundMeasurement
from simulator.coaching.group import (
    RoundStats,
    group_rounds,
    name_problem,
    render_csv,
    stats_per_round,
    strip_counts,
    strip_scale_s,
)
from simulator.history import SessionRecorder
from simulator.i18n import format_band, format_number, format_seconds
from simulator.scenarios.model import Scenario
from simulator.screens.base import CoachScreen
from simulator.screens.home import visible_scenarios
from simulator.screens.practice import PracticeScreen
from simulator.text import escape, visible

STRIP_WIDTH = 50
BAND_STYLE = "on dark_green"
DOT_STYLE = "bold bright_white"


@dataclass
class Masterclass:
    """A running masterclass: who takes part, whose turn it is, everyone's rounds so far."""

    scenario: Scenario
    participants: list[str]
    current: int = 0
    results: dict[int, list[RoundMeasurement]] = field(default_factory=dict)
    """Measured rounds by participant index (entry order)."""
    skipped: set[int] = field(default_factory=set)

    @property
    def finished(self) -> bool:
        return self.current >= len(self.participants)

    @property
    def name(self) -> str:
        return self.participants[self.current]


# -- setup ------------------------------------------------------------------------------------


class MasterclassSetupScreen(CoachScreen[None]):
    """The trainer types participants (Enter adds), removes one, picks the scenario, starts."""

    BINDINGS = [
        Binding("ctrl+s", "begin", "keys.masterclass_start", priority=True),
        Binding("ctrl+r", "remove", "keys.masterclass_remove", priority=True),
        Binding("escape", "leave", "keys.back"),
    ]

    def __init__(self, scenario: Scenario | None = None) -> None:
        super().__init__()
        self.fixed_scenario = scenario
        self.participants: list[str] = []
        self.masterclass: Masterclass | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="masterclass-setup"):
            yield Static(self.t("masterclass.setup_title"), classes="title")
            if self.fixed_scenario is not None:
                yield Static(
                    self.t("masterclass.scenario_fixed", title=escape(self.fixed_scenario.title)),
                    id="masterclass-scenario-fixed",
                    classes="heading",
                )
            else:
                yield Static(self.t("masterclass.scenario_label"), classes="heading")
                shown = visible_scenarios(self.coach.library.scenarios, self.lang, "")
                self._by_key = {f"{s.id}:{s.language}": s for s in shown}
                yield Select[str](
                    [(Content(visible(s.title)), key) for key, s in self._by_key.items()],
                    prompt=self.t("masterclass.scenario_prompt"),
                    id="masterclass-scenario",
                )
            yield Static(self.t("masterclass.participants_heading"), classes="heading")
            yield Input(placeholder=self.t("masterclass.name_placeholder"), id="participant-name")
            yield OptionList(id="participants")
            yield Static("", id="setup-message")
            yield Static(self.t("masterclass.setup_hint"), classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.t("masterclass.name")
        self.query_one("#participant-name", Input).focus()
        self._show_participants()

    def _say(self, text: str) -> None:
        self.query_one("#setup-message", Static).update(text)

    def _show_participants(self) -> None:
        options = self.query_one("#participants", OptionList)
        options.clear_options()
        options.add_options(
            Option(f"{i + 1}. {escape(name)}") for i, name in enumerate(self.participants)
        )
        if self.participants:
            options.highlighted = len(self.participants) - 1

    @on(Input.Submitted, "#participant-name")
    def _add(self, event: Input.Submitted) -> None:
        self.add_participant(event.value)

    def add_participant(self, value: str) -> bool:
        name = " ".join(value.split())
        problem = name_problem(name, self.participants)
        if problem == "empty":
            self._say(self.t("masterclass.name_empty"))
            return False
        if problem == "duplicate":
            self._say(self.t("masterclass.name_duplicate", name=escape(name)))
            return False
        self.participants.append(name)
        self.query_one("#participant-name", Input).value = ""
        self._say(self.t("masterclass.added", name=escape(name), count=len(self.participants)))
        self._show_participants()
        return True

    def action_remove(self) -> None:
        if not self.participants:
            self._say(self.t("masterclass.nobody_to_remove"))
            return
        index = self.query_one("#participants", OptionList).highlighted
        if index is None or index >= len(self.participants):
            index = len(self.participants) - 1
        name = self.participants.pop(index)
        self._say(self.t("masterclass.removed", name=escape(name)))
        self._show_participants()

    def _scenario(self) -> Scenario | None:
        if self.fixed_scenario is not None:
            return self.fixed_scenario
        value = self.query_one("#masterclass-scenario", Select).value
        return self._by_key.get(value) if isinstance(value, str) else None

    def action_begin(self) -> None:
        pending = self.query_one("#participant-name", Input).value
        if pending.strip() and not self.add_participant(pending):
            return
        if not self.participants:
            self._say(self.t("masterclass.need_participant"))
            return
        scenario = self._scenario()
        if scenario is None:
            self._say(self.t("masterclass.need_scenario"))
            return
        scenario = self.coach.scenario_in_language(scenario)
        self.masterclass = Masterclass(scenario, list(self.participants))
        self.app.push_screen(MasterclassRoundsScreen(self.masterclass))

    def action_leave(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit()


# -- the rounds, participant after participant ------------------------------------------------


class MasterclassRoundsScreen(PracticeScreen):
    """The rounds screen with a turn line; each participant's rounds are their own session."""

    BINDINGS = [
        Binding("g", "group", "keys.group_view"),
        Binding("k", "skip_participant", "keys.skip_participant"),
    ]

    def __init__(self, masterclass: Masterclass) -> None:
        self.masterclass = masterclass
        super().__init__(masterclass.scenario)

    def _new_recorder(self) -> SessionRecorder | None:
        recorder = super()._new_recorder()
        if recorder is not None and not self.masterclass.finished:
            recorder.participant = self.masterclass.name
        return recorder

    def on_mount(self) -> None:
        # Textual also runs PracticeScreen.on_mount (after this one): no super() call here.
        self.query_one("#round").mount(Static(self._turn_text(), id="turn"), before=0)

    def _turn_text(self) -> str:
        mc = self.masterclass
        if mc.finished:
            return ""
        return self.t(
            "masterclass.turn",
            name=escape(mc.name),
            round=self.round_number,
            rounds=self.scenario.rounds,
        )

    def _show_prompt(self) -> None:
        super()._show_prompt()
        if self.query("#turn"):
            self.query_one("#turn", Static).update(self._turn_text())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("group", "skip_participant"):
            return self.phase in ("ready", "stopped") and not self.masterclass.finished
        return super().check_action(action, parameters)

    def record_round(self, measurement: RoundMeasurement) -> None:
        super().record_round(measurement)
        self.masterclass.results[self.masterclass.current] = list(self.results)

    def after_last_round(self) -> tuple[str, str] | None:
        mc = self.masterclass
        following = mc.current + 1
        if following >= len(mc.participants):
            return self.t("masterclass.key_group"), self.t("masterclass.group_next_hint")
        return (
            self.t("masterclass.key_next_turn"),
            self.t("masterclass.next_turn_hint", name=escape(mc.participants[following])),
        )

    def _after_feedback(self, choice: str | None) -> None:
        if choice == "redo" or self.round_number < self.scenario.rounds:
            super()._after_feedback(choice)
            return
        self.phase = "ready"
        self._next_participant(self.t("masterclass.done", name=escape(self.masterclass.name)))

    def action_skip_participant(self) -> None:
        mc = self.masterclass
        mc.skipped.add(mc.current)
        self._next_participant(self.t("masterclass.skipped", name=escape(mc.name)))

    def _next_participant(self, said: str) -> None:
        mc = self.masterclass
        mc.current += 1
        self.round_number = 1
        self.results = []
        self.coaching = {}
        if mc.finished:
            self.recorder = None
            self.app.push_screen(GroupScreen(mc, final=True), self._after_group)
            return
        self.recorder = self._new_recorder()
        self._show_prompt()
        self.query_one("#round-message", Static).update(
            f"{said}\n[b]{self.t('masterclass.next_up', name=escape(mc.name))}[/b]"
        )
        self.refresh_bindings()

    def _after_group(self, _: None) -> None:
        from simulator.screens.home import HomeScreen

        while len(self.app.screen_stack) > 1 and not isinstance(self.app.screen, HomeScreen):
            self.app.pop_screen()

    def action_group(self) -> None:
        self.app.push_screen(GroupScreen(self.masterclass, final=False))


# -- the group view ---------------------------------------------------------------------------


class GroupScreen(CoachScreen[None]):
    """Everyone's values per round, anonymous, against the band; first round against last."""

    BINDINGS = [
        Binding("c", "csv", "keys.group_csv"),
        Binding("escape", "close", "keys.back"),
        Binding("q", "close", "keys.back", show=False),
    ]

    def __init__(self, masterclass: Masterclass, *, final: bool) -> None:
        super().__init__()
        self.masterclass = masterclass
        self.final = final
        self.rows = group_rounds(masterclass.results)
        self.band = masterclass.scenario.pattern.band
        self.stats = stats_per_round(self.rows, masterclass.scenario.rounds, self.band)
        self.exported: str | None = None
        if final:
            self._bindings.key_to_bindings["escape"] = [
                replace(b, description=self.t("keys.masterclass_finish"))
                for b in self._bindings.key_to_bindings["escape"]
            ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="group"):
            yield Static(self.t("masterclass.group_title"), classes="title")
            yield Static(self._intro(), id="group-intro", classes="hint")
            yield Static(self._strips(), id="group-strips")
            with Horizontal(id="group-compare"):
                yield Static(self._column(self.stats[0], "first"), id="group-first")
                yield Static(self._column(self.stats[-1], "last"), id="group-last")
            yield Static(self.t("masterclass.group_hint"), classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.t("masterclass.name")
        self.query_one("#group").focus()

    def _intro(self) -> str:
        mc = self.masterclass
        return self.t(
            "masterclass.group_intro",
            people=len([i for i in mc.results if mc.results[i]]),
            rounds=len(self.rows),
            band=format_band(self.band.min_s, self.band.max_s, self.lang),
        )

    def _strips(self) -> Text:
        """Per round: a strip from 0 s with the band shaded and a dot (or count) per value."""
        scale = strip_scale_s(self.rows, self.band)
        width = STRIP_WIDTH
        lo = round(self.band.min_s / scale * (width - 1))
        hi = round(self.band.max_s / scale * (width - 1))
        text = Text()
        for stats in self.stats:
            label = self.t("masterclass.round_label", round=stats.round)
            text.append(f"{label:<10}", style="bold")
            counts = strip_counts(stats.values_s, scale, width)
            for col in range(width):
                style = BAND_STYLE if lo <= col <= hi else ""
                n = counts.get(col, 0)
                if n:
                    mark = "●" if n == 1 else (str(n) if n < 10 else "+")
                    text.append(mark, style=f"{DOT_STYLE} {style}".strip())
                else:
                    text.append("░" if style else "·", style="green" if style else "dim")
            text.append(f"  {self._short(stats)}\n")
        right = self._seconds(scale, 0)
        text.append(f"{'':<10}0 s{' ' * (width - 3 - len(right))}{right}\n", style="dim")
        band = format_band(self.band.min_s, self.band.max_s, self.lang)
        text.append(f"{'':<10}" + self.t("masterclass.legend", band=band), style="dim")
        return text

    def _seconds(self, value: float, decimals: int = 1) -> str:
        return format_seconds(value, self.lang, decimals).replace("\xa0", " ")

    def _short(self, stats: RoundStats) -> str:
        if stats.median_s is None:
            return self.t("masterclass.no_values")
        return self.t(
            "masterclass.short_stats",
            median=self._seconds(stats.median_s),
            on=stats.on_target,
            taken=stats.taken,
        )

    def _column(self, stats: RoundStats, which: str) -> str:
        heading = self.t(f"masterclass.{which}_heading", round=stats.round)
        if stats.median_s is None or stats.low_s is None or stats.high_s is None:
            return f"[b]{heading}[/b]\n{self.t('masterclass.no_values')}"
        share = stats.on_target_share or 0.0
        return "\n".join(
            (
                f"[b]{heading}[/b]",
                self.t("masterclass.median", value=self._seconds(stats.median_s)),
                self.t(
                    "masterclass.spread",
                    low=self._seconds(stats.low_s),
                    high=self._seconds(stats.high_s),
                ),
                self.t(
                    "masterclass.on_target",
                    on=stats.on_target,
                    taken=stats.taken,
                    percent=format_number(100 * share, self.lang, 0),
                ),
            )
        )

    def action_close(self) -> None:
        self.dismiss(None)

    def action_csv(self) -> None:
        """Write the group data (codes, no names) into the exports folder."""
        from simulator.commands.export import WriteError, write_atomic

        folder = self.coach.export_dir
        stamp = datetime.now().astimezone().strftime("%Y-%m-%d-%H%M%S")
        path = folder / f"masterclass-{self.masterclass.scenario.id}-{stamp}.csv"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._failed(
                self.t("summary_export.folder", folder=str(folder), detail=exc.strerror or exc)
            )
            return
        try:
            write_atomic(path, render_csv(self.rows).encode("utf-8"))
        except WriteError as exc:
            self._failed(self.t(f"summary_export.{exc.key}", **exc.params))
            return
        self.exported = str(path)
        self.notify(escape(self.t("masterclass.csv_written", path=str(path))), timeout=10)

    def _failed(self, message: str) -> None:
        self.notify(
            escape(message),
            title=self.t("masterclass.csv_failed_title"),
            severity="error",
            timeout=12,
        )
