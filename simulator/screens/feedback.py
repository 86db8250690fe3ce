"""Round feedback in the coaching order: praise, the timeline, one next step.

Returns ``"next"`` (Space) or ``"redo"`` (R) to the rounds screen.
"""

from __future__ import annotations

from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from simulator.audio.result import Verdict
from simulator.coaching.feedback import RoundFeedback
from simulator.coaching.modelling import ModelLine
from simulator.scenarios.model import Scenario
from simulator.screens.base import AppScreen
from simulator.screens.coach import RoundNotes, coach_lines
from simulator.store.recordings import RoundAudio
from simulator.text import escape
from simulator.widgets.model_player import ModelPlayer, model_player
from simulator.widgets.playback import PlaybackView


class FeedbackScreen(AppScreen[str]):
    model_line: ModelLine | None = None
    """The line M speaks: the scenario's model line unless set (the teacher's own words)."""

    BINDINGS = [
        Binding("space", "next", "keys.next_round"),
        Binding("enter", "next", "keys.next_round", show=False),
        Binding("r", "redo", "keys.redo_round"),
        Binding("l", "listen", "keys.listen"),
        Binding("escape", "stop_listening", "keys.stop_listening", show=False),
        Binding("n", "coach_note", "keys.coach_note"),
        Binding("m", "model_line", "keys.teach.model"),
    ]

    def __init__(
        self,
        scenario: Scenario,
        feedback: RoundFeedback,
        round_number: int,
        *,
        last: bool,
        coach_notes: RoundNotes | None = None,
        audio: RoundAudio | None = None,
        after_last: tuple[str, str] | None = None,
        turn: str | None = None,
    ) -> None:
        super().__init__()
        self.turn = turn
        """Whose round this was, on top (a masterclass: "Ayla's turn"); plain text."""
        self.audio = audio
        """The round's audio when it was kept (``--keep-audio``); ``None`` otherwise."""
        if audio is None:  # L still answers (how to keep audio) but stays out of the footer
            self._bindings.key_to_bindings["l"] = [
                replace(b, show=False) for b in self._bindings.key_to_bindings["l"]
            ]
        self.coach_notes = coach_notes
        """Coach mode: the felt pause, note and marks of this round."""
        self.scenario = scenario
        self.feedback = feedback
        self.round_number = round_number
        self.last = last
        # What Space does after the last round: the summary, unless the caller says otherwise
        # (a masterclass hands over to the next participant). (key description, hint line)
        self.after_last = after_last or (self.t("keys.to_summary"), self.t("feedback.summary_hint"))
        if last:
            self._bindings.key_to_bindings["space"] = [
                replace(b, description=self.after_last[0])
                for b in self._bindings.key_to_bindings["space"]
            ]

    def compose(self) -> ComposeResult:
        fb = self.feedback
        verdict_class = "problem" if fb.verdict is Verdict.NO_MEASUREMENT else fb.verdict.value
        yield Header()
        with VerticalScroll(id="feedback", classes=f"-{verdict_class}"):
            if self.turn is not None:
                yield Static(escape(self.turn), id="feedback-turn")
            yield Static(
                self.t("feedback.title", round=self.round_number, rounds=self.scenario.rounds),
                classes="title",
            )
            yield Static(fb.heading or self.t("feedback.praise_heading"), classes="heading")
            yield Static(escape(fb.praise), id="praise")
            yield Static(self.t("feedback.timeline_heading"), classes="heading")
            timeline = PlaybackView(
                self.lang, audio=self.audio, player=self.sim.audio_player, id="timeline"
            )
            timeline.timeline = fb.timeline
            yield timeline
            yield Static(self._verdict_line(), id="verdict")
            # The next step comes right after what was measured, so it is in view at 80×24
            # even when the coach's panel below it is long.
            yield Static(self.t("feedback.next_heading"), classes="heading")
            yield Static(escape(fb.next_step), id="next-step", classes="callout")
            if self.coach_notes is not None:
                felt, notes = coach_lines(self.coach_notes, self.lang)
                yield Static(self.t("coach_mode.perceived_heading"), classes="heading")
                yield Static(felt, id="perceived-line", classes="callout")
                yield Static(notes, id="coach-notes")
            if fb.level_note:
                yield Static(self.t("feedback.level_heading"), classes="heading")
                yield Static(escape(fb.level_note), id="level-note")
            hint = (
                self.after_last[1]
                if self.last
                else self.t("feedback.next_hint", round=self.round_number + 1)
            )
            yield Static(f"{hint}  ·  {self.t('feedback.redo_hint')}", classes="hint")
        yield Footer()

    def _verdict_line(self) -> str:
        """The verdict alone: for a failed round, what happened is said above it."""
        return f"[b]{self.t(f'verdict.{self.feedback.verdict.value}')}[/b]"

    def on_mount(self) -> None:
        self.query_one("#feedback").focus()

    def action_next(self) -> None:
        self.dismiss("next")

    def action_redo(self) -> None:
        self.dismiss("redo")

    def action_listen(self) -> None:
        self.query_one("#timeline", PlaybackView).toggle()

    def action_stop_listening(self) -> None:
        view = self.query_one("#timeline", PlaybackView)
        if view.playing:
            view.toggle()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "coach_note":
            return self.coach_notes is not None
        if action == "model_line":  # modelling after a missed round: see it, then do it
            return self.feedback.verdict is not Verdict.ON_TARGET
        return True

    async def action_model_line(self) -> None:
        """Speak the model line with its pause, shown below the next step."""
        found = self.query("#model-player")
        if found:
            player = found.first(ModelPlayer)
        else:
            player = model_player(self.sim, self.scenario, self.model_line)
            await self.query_one("#feedback").mount(player, after="#next-step")
        player.scroll_visible()
        player.toggle()

    def action_coach_note(self) -> None:
        notes = self.coach_notes
        if notes is None:
            return

        def refresh() -> None:
            felt, text = coach_lines(notes, self.lang)
            self.query_one("#perceived-line", Static).update(felt)
            self.query_one("#coach-notes", Static).update(text)

        notes.open_note(self.app, refresh)
