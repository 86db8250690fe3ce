"""Masterclass mode: a trainer runs one scenario for a group, participant after participant.

Setup (scenario, names, whether the history keeps them) → each participant's rounds on the
usual rounds screen, with whose turn it is on top of the round and of its feedback, every
participant's rounds saved as their own session of this masterclass (apart from the trainer's
own practice) → the group view: the anonymised values per round against the target band, drawn
to fill the terminal, first round against last, and the group data as CSV plus an HTML handout.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Checkbox, Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from simulator.audio.result import RoundMeasurement
from simulator.coaching.group import (
    Participation,
    RoundStats,
    group_rounds,
    name_problem,
    stats_per_round,
    strip_scale_s,
    unmeasured_text,
)
from simulator.group_export import GroupReport, render_group_csv, render_group_html
from simulator.i18n import format_seconds, t, tn
from simulator.rehearsal.masterclass import Turns
from simulator.scenarios.library import Library, visible_scenarios
from simulator.scenarios.model import Origin, Scenario
from simulator.screens.base import AppScreen
from simulator.screens.practice import PracticeScreen
from simulator.store.history import (
    HistoryError,
    MasterclassLog,
    SessionRecorder,
    StoredMasterclass,
    measurement_from_stored,
    utc_now_iso,
)
from simulator.text import escape
from simulator.widgets.group_chart import GroupChart

MAX_NAME_CHARS = 40
"""A participant's name or initials: it heads their turn ("Ayla's turn") on one line."""


@dataclass(frozen=True, slots=True)
class Masterclass:
    """A masterclass: its scenario and where it is saved, and whose turn it is (``turns``)."""

    scenario: Scenario
    turns: Turns
    names_kept: bool = False
    """Whether the history keeps the names; otherwise it keeps "Participant 1", "2", …"""
    log: MasterclassLog | None = None
    started_at: str = field(default_factory=utc_now_iso)
    lang: str = "en"

    def stored_name(self, index: int) -> str:
        """What the history keeps for a participant: the name only when the trainer chose so."""
        if self.names_kept:
            return self.turns.participants[index]
        return t("masterclass.room.participant_n", self.lang, n=index + 1)

    def report(self) -> GroupReport:
        """Everyone's rounds so far for the group files (names only when kept)."""
        return GroupReport(
            scenario_id=self.scenario.id,
            title=self.scenario.title,
            language=self.scenario.language,
            band=self.scenario.pattern.band,
            rounds=self.scenario.rounds,
            date=local_time(self.started_at),
            rows=group_rounds(
                self.turns.results, skipped=self.turns.skipped, rounds=self.scenario.rounds
            ),
            names=self.turns.participants if self.names_kept else (),
        )


# -- setup ------------------------------------------------------------------------------------


class EdgeOptionList(OptionList):
    """An option list that hands the focus on at its ends: ↑ on the first option moves to the
    field above, ↓ on the last to the field below (the whole setup works with arrows)."""

    def action_cursor_up(self) -> None:
        if self.option_count == 0 or self.highlighted == 0:
            self.screen.focus_previous()
            return
        super().action_cursor_up()

    def action_cursor_down(self) -> None:
        last = self.option_count - 1
        if self.option_count == 0 or (self.highlighted is not None and self.highlighted >= last):
            self.screen.focus_next()
            return
        super().action_cursor_down()

    class NothingHighlighted(Message):
        """Enter on the list before any option was highlighted (Textual then does nothing)."""

        def __init__(self, option_list: EdgeOptionList) -> None:
            super().__init__()
            self.option_list = option_list

        @property
        def control(self) -> EdgeOptionList:
            return self.option_list

    def action_select(self) -> None:
        if self.highlighted is None and self.option_count:
            self.post_message(self.NothingHighlighted(self))
            return
        super().action_select()


def preselected(shown: list[Scenario]) -> int | None:
    """The scenario a masterclass starts with: the first from a trainer's pack, else the only
    one; ``None`` when the trainer has to choose."""
    for index, scenario in enumerate(shown):
        if scenario.origin is Origin.PACK:
            return index
    return 0 if len(shown) == 1 else None


class MasterclassSetupScreen(AppScreen[None]):
    """The trainer picks the scenario, types participants (Enter adds; Enter on an empty line
    starts), chooses whether names are kept, starts — all with arrows and Enter."""

    BINDINGS = [
        Binding("ctrl+s", "begin", "keys.masterclass_start", priority=True),
        Binding("ctrl+r", "remove", "keys.masterclass_remove", priority=True),
        Binding("delete", "remove_highlighted", "keys.masterclass_remove", show=False),
        # Priority: the scrolling form would otherwise take ↑↓ to scroll itself.
        Binding("down", "move(1)", show=False, priority=True),
        Binding("up", "move(-1)", show=False, priority=True),
        Binding("escape", "leave", "keys.back"),
    ]

    def __init__(self, scenario: Scenario | None = None) -> None:
        super().__init__()
        self.fixed_scenario = scenario
        self.participants: list[str] = []
        self.masterclass: Masterclass | None = None
        self._shown: list[Scenario] = []

    def compose(self) -> ComposeResult:
        yield Header()
        # Not a stop of its own for ↑↓: the form scrolls to whichever field has the focus.
        with VerticalScroll(id="masterclass-setup", can_focus=False):
            yield Static(self.t("masterclass.setup_title"), classes="title")
            if self.fixed_scenario is not None:
                yield Static(
                    self.t("masterclass.scenario_fixed", title=escape(self.fixed_scenario.title)),
                    id="masterclass-scenario-fixed",
                    classes="heading",
                )
            else:
                self._shown = visible_scenarios(self.sim.library.scenarios, self.lang, "")
                yield Static("", id="scenario-chosen", classes="heading")
                yield EdgeOptionList(
                    *(Option(escape(s.title), id=f"{s.id}:{s.language}") for s in self._shown),
                    id="masterclass-scenario",
                )
            yield Static(self.t("masterclass.participants_heading"), classes="heading")
            yield Input(
                placeholder=self.t("masterclass.name_placeholder"),
                max_length=MAX_NAME_CHARS,
                id="participant-name",
            )
            yield Static("", id="setup-message")
            yield EdgeOptionList(id="participants")
            yield Checkbox(self.t("masterclass.room.keep_names"), False, id="keep-names")
            yield Button(
                self.t("masterclass.room.start_button"), id="start-masterclass", compact=True
            )
            yield Static(self.t("masterclass.room.setup_hint"), classes="hint")
            yield Static(self.t("masterclass.room.earlier_heading"), classes="heading")
            self._earlier_found, note = self._earlier()
            yield Static(note, id="earlier-note", classes="hint")
            yield EdgeOptionList(
                *(
                    Option(escape(earlier_line(m, self.sim.library, self.lang)))
                    for m in self._earlier_found
                ),
                id="earlier-masterclasses",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.t("masterclass.name")
        self._show_participants()
        self.query_one("#earlier-masterclasses").display = bool(self._earlier_found)
        # The form opens at its top (title, scenario), whatever the first focus scrolled to.
        form = self.query_one("#masterclass-setup", VerticalScroll)
        self.call_after_refresh(form.scroll_home, animate=False)
        if self.fixed_scenario is None:
            options = self.query_one("#masterclass-scenario", EdgeOptionList)
            options.highlighted = preselected(self._shown)
            self._show_chosen()
            if options.highlighted is None:
                options.focus(scroll_visible=False)
                return
        self.query_one("#participant-name", Input).focus(scroll_visible=False)

    def action_move(self, step: int) -> None:
        """↑↓: through a list's options, and from field to field everywhere else."""
        focused = self.focused
        if isinstance(focused, EdgeOptionList):
            if step > 0:
                focused.action_cursor_down()
            else:
                focused.action_cursor_up()
        elif step > 0:
            self.focus_next()
        else:
            self.focus_previous()
        if self.focused is not None:
            self.focused.scroll_visible()

    def _earlier(self) -> tuple[list[StoredMasterclass], str]:
        """The masterclasses run before, newest first (their own list, apart from practice), and
        what to say above them."""
        store = self.sim.store
        if store is None:
            return [], self.t("masterclass.room.earlier_none")
        try:
            found = store.masterclasses()
        except HistoryError as exc:
            return [], escape(exc.message(self.lang))
        if not found:
            return [], self.t("masterclass.room.earlier_none")
        return list(reversed(found[-EARLIER_SHOWN:])), self.t("masterclass.room.earlier_hint")

    @on(OptionList.OptionSelected, "#earlier-masterclasses")
    def _open_earlier(self, event: OptionList.OptionSelected) -> None:
        """Enter on an earlier masterclass: its group view again, with C for its files."""
        m = self._earlier_found[event.option_index]
        library = self.sim.library
        scenario = library.find(m.scenario, m.language) or library.find(m.scenario, self.lang)
        if scenario is None:
            self._say(self.t("masterclass.room.earlier_missing", scenario=escape(m.scenario)))
            return
        self.app.push_screen(GroupScreen(reopened(m, scenario, self.lang), final=False))

    @on(OptionList.OptionHighlighted, "#masterclass-scenario")
    def _show_chosen(self) -> None:
        chosen = self._scenario()
        self.query_one("#scenario-chosen", Static).update(
            self.t("masterclass.room.scenario_pick")
            if chosen is None
            else self.t("masterclass.room.scenario_chosen", title=escape(chosen.title))
        )

    @on(EdgeOptionList.NothingHighlighted, "#masterclass-scenario")
    def _no_scenario_highlighted(self) -> None:
        self._say(self.t("masterclass.room.scenario_first"))

    @on(OptionList.OptionSelected, "#masterclass-scenario")
    def _scenario_selected(self) -> None:
        self._show_chosen()
        self.query_one("#participant-name", Input).focus()

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
        if event.value.strip():
            self.add_participant(event.value)
        else:
            self.action_begin()

    @on(Button.Pressed, "#start-masterclass")
    def _start_pressed(self) -> None:
        self.action_begin()

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

    def action_remove_highlighted(self) -> None:
        """Del on the participants list removes the highlighted one."""
        if self.focused is self.query_one("#participants", OptionList):
            self.action_remove()

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
        index = self.query_one("#masterclass-scenario", OptionList).highlighted
        return self._shown[index] if index is not None and index < len(self._shown) else None

    def action_begin(self) -> None:
        pending = self.query_one("#participant-name", Input).value
        if pending.strip() and not self.add_participant(pending):
            return
        if not self.participants:
            self._say(self.t("masterclass.need_participant"))
            self.query_one("#participant-name", Input).focus()
            return
        scenario = self._scenario()
        if scenario is None:
            self._say(self.t("masterclass.need_scenario"))
            self.query_one("#masterclass-scenario", OptionList).focus()
            return
        scenario = self.sim.scenario_in_language(scenario)
        names_kept = self.query_one("#keep-names", Checkbox).value
        started_at = utc_now_iso()
        store = self.sim.store
        log = None
        if store is not None:
            log = MasterclassLog(
                store,
                scenario.id,
                scenario.language,
                participants=len(self.participants),
                names_kept=names_kept,
                started_at=started_at,
            )
        self.masterclass = Masterclass(
            scenario,
            Turns(tuple(self.participants)),
            names_kept=names_kept,
            log=log,
            started_at=started_at,
            lang=self.lang,
        )
        self.app.push_screen(masterclass_rounds(self.masterclass))

    def action_leave(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit()


EARLIER_SHOWN = 5


def reopened(m: StoredMasterclass, scenario: Scenario, lang: str) -> Masterclass:
    """An earlier masterclass rebuilt from the history, for its group view and files: a
    participant who took fewer rounds than the scenario has counts as skipped for the rest."""
    names = [t("masterclass.room.participant_n", lang, n=i + 1) for i in range(m.participants)]
    results: dict[int, tuple[RoundMeasurement, ...]] = {}
    for session, position in zip(m.sessions, m.positions, strict=True):
        index = position - 1
        if not 0 <= index < m.participants:
            continue
        if m.names_kept and session.participant:
            names[index] = session.participant
        measured = []
        for r in session.rounds:
            try:
                measured.append(measurement_from_stored(r))
            except ValueError:  # a damaged round: the rounds before it still count
                break
        results[index] = tuple(measured)
    skipped = {i for i in range(m.participants) if len(results.get(i, ())) < scenario.rounds}
    turns = Turns(tuple(names), m.participants, MappingProxyType(results), frozenset(skipped))
    return Masterclass(scenario, turns, names_kept=m.names_kept, started_at=m.started_at, lang=lang)


def earlier_line(m: StoredMasterclass, library: Library, lang: str) -> str:
    """One earlier masterclass: date, scenario, how many took part, median first → last round."""
    found = library.find(m.scenario, lang) or library.find(m.scenario, m.language)
    rounds = max((len(s.rounds) for s in m.sessions), default=0)

    def median(number: int) -> str:
        values = [
            r.measured_s
            for s in m.sessions
            for r in s.rounds
            if r.round == number and r.measured_s is not None
        ]
        return format_seconds(statistics.median(values), lang) if values else "–"

    return tn(
        "masterclass.room.earlier_item",
        lang,
        m.participants,
        date=local_time(m.started_at),
        scenario=found.title if found is not None else m.scenario,
        people=m.participants,
        first=median(1),
        last=median(rounds) if rounds else "–",
    )


def local_time(iso: str) -> str:
    """A stored UTC time as ``YYYY-MM-DD HH:MM`` in the reader's time zone."""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


# -- the rounds, participant after participant ------------------------------------------------


class MasterclassCourse:
    """The rounds screen's course in a masterclass: a turn line, each participant's rounds their
    own session of this masterclass, G for the group view, K to skip a participant, and after
    the last participant the group view."""

    bindings = (
        Binding("g", "course('group')", "keys.group_view"),
        Binding("k", "course('skip')", "keys.skip_participant"),
    )

    def __init__(self, masterclass: Masterclass) -> None:
        self.masterclass = masterclass
        self.screen: PracticeScreen | None = None
        self.recorders: list[SessionRecorder] = []
        """Every participant's recorder: one whose rounds the history could not take yet keeps
        them when the next participant takes over, to be saved later (``unsaved``)."""

    @property
    def rounds(self) -> PracticeScreen:
        assert self.screen is not None, "the course runs on its rounds screen"
        return self.screen

    def t(self, key: str, **params: object) -> str:
        return self.rounds.t(key, **params)

    def tag(self, recorder: SessionRecorder) -> None:
        for earlier in self.unsaved():
            earlier.flush()  # a good moment to try again; a failure was told already
        self.recorders.append(recorder)
        mc = self.masterclass
        if not mc.turns.finished:
            recorder.participant = mc.stored_name(mc.turns.current)
            recorder.masterclass = mc.log
            recorder.position = mc.turns.current + 1

    def unsaved(self) -> list[SessionRecorder]:
        """The recorders holding rounds (or coach input) the history could not take yet."""
        return [r for r in self.recorders if r.pending or r.pending_coaching]

    def turn_line(self, round_number: int) -> str | None:
        turns = self.masterclass.turns
        if turns.finished:
            return None
        rounds = self.masterclass.scenario.rounds
        return self.t(
            "masterclass.turn", name=escape(turns.name), round=round_number, rounds=rounds
        )

    def feedback_turn(self) -> str | None:
        turns = self.masterclass.turns
        return None if turns.finished else self.t("masterclass.room.feedback_turn", name=turns.name)

    def after_last_round(self) -> tuple[str, str] | None:
        following = self.masterclass.turns.following
        if following is None:
            return self.t("masterclass.key_group"), self.t("masterclass.group_next_hint")
        return (
            self.t("masterclass.key_next_turn"),
            self.t("masterclass.next_turn_hint", name=escape(following)),
        )

    def recorded(self, results: tuple[RoundMeasurement, ...]) -> None:
        self.masterclass = replace(self.masterclass, turns=self.masterclass.turns.record(results))

    def last_round_done(self) -> bool:
        turns = self.masterclass.turns
        self._next_participant(turns.advance(), self.t("masterclass.done", name=escape(turns.name)))
        return True

    def can(self, name: str) -> bool:
        return not self.masterclass.turns.finished

    def act(self, name: str) -> None:
        if name == "group":
            self.rounds.app.push_screen(GroupScreen(self.masterclass, final=False))
        elif name == "skip":
            turns = self.masterclass.turns
            said = self.t("masterclass.skipped", name=escape(turns.name))
            self._next_participant(turns.skip(), said)

    def _next_participant(self, turns: Turns, said: str) -> None:
        self.masterclass = mc = replace(self.masterclass, turns=turns)
        rounds = self.rounds
        rounds.new_session()
        if turns.finished:
            rounds.recorder = None
            rounds.app.push_screen(GroupScreen(mc, final=True), self._after_group)
            return
        rounds._show_prompt()
        rounds.say(f"{said}\n[b]{self.t('masterclass.next_up', name=escape(turns.name))}[/b]")
        rounds.refresh_bindings()

    def _after_group(self, _: None) -> None:
        self.rounds.sim.go_home()


def masterclass_rounds(masterclass: Masterclass) -> PracticeScreen:
    """The rounds screen, participant after participant."""
    course = MasterclassCourse(masterclass)
    course.screen = PracticeScreen(masterclass.scenario, course)
    return course.screen


# -- the group view ---------------------------------------------------------------------------


class GroupScreen(AppScreen[None]):
    """Everyone's pauses per round against the band, drawn to fill the terminal (a projector's
    too); first round against last; C saves the CSV and the HTML handout."""

    BINDINGS = [
        Binding("c", "csv", "keys.group_csv"),
        Binding("escape", "close", "keys.back"),
        Binding("q", "close", "keys.back", show=False),
    ]

    def __init__(self, masterclass: Masterclass, *, final: bool) -> None:
        super().__init__()
        self.masterclass = masterclass
        self.final = final
        self.rows = masterclass.report().rows  # the rows the handout is made of
        self.band = masterclass.scenario.pattern.band
        self.stats = stats_per_round(self.rows, masterclass.scenario.rounds, self.band)
        self.exported: str | None = None
        self.handout: str | None = None
        if final:
            self._bindings.key_to_bindings["escape"] = [
                replace(b, description=self.t("keys.masterclass_finish"))
                for b in self._bindings.key_to_bindings["escape"]
            ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="group"):
            yield Static(self._title(), id="group-intro", classes="title")
            yield GroupChart(
                self.stats,
                self.band,
                strip_scale_s(self.rows, self.band),
                self.lang,
                id="group-chart",
            )
            with Horizontal(id="group-compare"):
                yield Static(self._column(self.stats[0], "first"), id="group-first")
                yield Static(self._column(self.stats[-1], "last"), id="group-last")
            hint = "group_hint_final" if self.final else "group_hint"
            yield Static(self.t(f"masterclass.room.{hint}"), classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.t("masterclass.name")

    def _title(self) -> str:
        took = Participation.of(self.rows)  # counted as the handout counts them
        line = tn(
            "masterclass.room.title_line",
            self.lang,
            took.people,
            people=took.people,
        )
        return line + took.note(self.lang)

    def _column(self, stats: RoundStats, which: str) -> str:
        heading = self.t(f"masterclass.{which}_heading", round=stats.round)
        if stats.median_s is None:
            return f"[b]{heading}[/b]\n{unmeasured_text(stats, self.lang)}"
        line = self.t(
            "masterclass.room.compare_line",
            median=format_seconds(stats.median_s, self.lang),
            on=stats.on_target,
            taken=stats.taken,
        )
        return f"[b]{heading}[/b]\n{line}"

    def action_close(self) -> None:
        self.dismiss(None)

    def action_csv(self) -> None:
        """Write the group data (codes, no names) and the handout into the exports folder."""
        from simulator.store.files import WriteError, write_atomic

        folder = self.sim.export_dir
        stamp = datetime.now().astimezone().strftime("%Y-%m-%d-%H%M%S")
        stem = f"masterclass-{self.masterclass.scenario.id}-{stamp}"
        csv_path, html_path = folder / f"{stem}.csv", folder / f"{stem}.html"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._failed(
                self.t("summary_export.folder", folder=str(folder), detail=exc.strerror or exc)
            )
            return
        report = self.masterclass.report()
        try:
            write_atomic(csv_path, render_group_csv(report).encode("utf-8"))
            write_atomic(html_path, render_group_html(report, self.lang).encode("utf-8"))
        except WriteError as exc:
            self._failed(self.t(f"summary_export.{exc.key}", **exc.params))
            return
        self.exported, self.handout = str(csv_path), str(html_path)
        self.notify(
            escape(self.t("masterclass.room.saved", csv=str(csv_path), html=str(html_path))),
            timeout=10,
        )

    def _failed(self, message: str) -> None:
        self.notify(
            escape(message),
            title=self.t("masterclass.csv_failed_title"),
            severity="error",
            timeout=12,
        )
