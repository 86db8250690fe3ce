"""The rounds: the prompt, a calm listening state, and the round's audio in a thread worker.

The worker reads the audio source, feeds ``LiveRound`` and posts messages; it never touches a
widget. The screen keeps the session: the measured rounds so far, saved to the history the moment
each round ends (``SessionRecorder``). Feedback and the summary are pushed on top.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Footer, Header, Static
from textual.worker import get_current_worker

from simulator.audio.cue import CuePlacement, CueSound, audible_end_sample, played_whole
from simulator.audio.pattern import Shape
from simulator.audio.result import ANALYSIS_RATE_HZ, RoundMeasurement
from simulator.audio.sources import (
    AudioSource,
    MicrophoneError,
    Playback,
    PlaybackError,
    Samples,
    playback_start_clock,
)
from simulator.coaching.feedback import kind_for, round_feedback
from simulator.coaching.modelling import prompt_model_line
from simulator.coaching.own_words import OwnWords
from simulator.i18n import format_seconds
from simulator.messages import (
    AudioFailed,
    AudioLevel,
    CueEnded,
    CueStarted,
    ListeningStarted,
    RoundFinished,
)
from simulator.rehearsal.mic_check import microphone_message
from simulator.rehearsal.round import (
    CueBegan,
    CueOver,
    Level,
    ListeningBegan,
    Round,
    RoundEvent,
    RoundPhase,
    RoundPolicy,
)
from simulator.rehearsal.session import Session
from simulator.scenarios.model import RoundPrompt, Scenario
from simulator.screens.base import AppScreen
from simulator.screens.briefing import BriefingScreen
from simulator.screens.coach import RoundNotes
from simulator.screens.feedback import FeedbackScreen  # loaded up front: no delay after round 1
from simulator.screens.mic_check import MicCheckScreen
from simulator.screens.own_words import OwnWordsDialog
from simulator.screens.summary import SummaryScreen
from simulator.store.history import OwnPrompt, RoundCoaching, SessionRecorder, utc_now_iso
from simulator.store.recordings import RecordingError, RoundAudio, save_round_audio, session_folder
from simulator.text import escape, visible
from simulator.widgets.level_meter import LevelMeter


def worker_message(event: RoundEvent) -> Message:
    """What the round's worker posts to the screen for an event of the round."""
    match event:
        case ListeningBegan():
            return ListeningStarted()
        case CueBegan():
            return CueStarted()
        case CueOver():
            return CueEnded()
        case Level():
            return AudioLevel(
                event.level_dbfs, event.elapsed_s, event.heard_speech, event.waiting_for_name
            )


class Course(Protocol):
    """Who the rounds screen's sessions are for, when not one teacher practising alone: a
    masterclass's participants, one session each (``screens/masterclass.py``). The screen runs
    the rounds; the course says whose they are and what follows the last one."""

    @property
    def bindings(self) -> Sequence[Binding]:
        """Keys of the course's own, with the action ``course('name')`` for ``act``."""

    def tag(self, recorder: SessionRecorder) -> None:
        """Mark a new session's recorder as this course's (whose session, where in it)."""

    def turn_line(self, round_number: int) -> str | None:
        """The line above the round (whose turn); ``None``: no line."""

    def feedback_turn(self) -> str | None:
        """Whose round it was, for the top of the feedback."""

    def after_last_round(self) -> tuple[str, str] | None:
        """What Space does after the last round (key, hint); ``None``: the summary."""

    def recorded(self, results: tuple[RoundMeasurement, ...]) -> None:
        """The session's rounds after a round was recorded."""

    def last_round_done(self) -> bool:
        """The last round's feedback was closed (not to redo it); ``False``: the summary."""

    def can(self, name: str) -> bool:
        """Whether the course's key ``name`` works now (the round being idle)."""

    def act(self, name: str) -> None:
        """The course's key ``name`` was pressed."""


# The offer of one's own words: a question and a student, a reply, or a turn of one's own.
OWN_HINT_SUFFIX = {Shape.CUE_PAUSE_SPEECH: "_reply", Shape.TIMED_TURN: "_turn"}


class PracticeScreen(AppScreen[None]):
    BINDINGS = [
        Binding("space", "start", "keys.start_round"),
        Binding("enter", "start", "keys.start_round", show=False),
        Binding("e", "end_round", "keys.end_round"),
        Binding("b", "briefing", "keys.briefing"),
        Binding("m", "mic_check", "keys.mic_check"),
        Binding("o", "own_words", "keys.teach.own"),
        Binding("escape", "leave", "keys.back"),
    ]

    phase: reactive[RoundPhase] = reactive(RoundPhase.READY, init=False)

    def __init__(
        self,
        scenario: Scenario,
        course: Course | None = None,
        *,
        checked_question_s: float | None = None,
    ) -> None:
        """``checked_question_s``: how long the teacher's question lasted in the microphone
        check before these rounds (``Session.checked_question_s``)."""
        super().__init__()
        self.scenario = scenario
        self.course = course
        """Whose sessions these are; ``None``: the teacher's own practice."""
        for b in course.bindings if course is not None else ():
            self._bindings.bind(b.key, b.action, self.t(b.description), show=b.show)
        self.session = Session(scenario.rounds, checked_question_s=checked_question_s)
        self.recorder = self._new_recorder()
        self.save_problem: str | None = None
        self._end_requested = threading.Event()
        self._waiting_for_name = False
        """The listening line says the round waits on for a name that may still come."""
        self._round_samples: Samples | None = None
        self._started_at = utc_now_iso()
        """The last finished round's 16 kHz audio, until it is kept (or not) for listening back."""
        self.coaching: dict[int, RoundCoaching] = {}
        """Coach mode: the felt pause, note and marks per round of this session."""
        self.own = OwnWords()
        """The teacher's own question(s) and student's name; empty: the scenario's examples."""
        self.own_prompts: dict[int, OwnPrompt] = {}
        """The own words each round of this session prompted, for the summary's debrief."""

    @property
    def round_number(self) -> int:
        """The round being played, from 1."""
        return self.session.number

    @property
    def results(self) -> tuple[RoundMeasurement, ...]:
        """The measured rounds of this session, in order (a redone round replaces its entry)."""
        return self.session.results

    def _new_recorder(self) -> SessionRecorder | None:
        store = self.sim.store
        if store is None:
            return None
        recorder = SessionRecorder(
            store,
            self.scenario.id,
            self.scenario.language,
            step_kind=kind_for(self.scenario, self.scenario.pattern.shape),
        )
        if self.course is not None:
            self.course.tag(recorder)
        return recorder

    def new_session(self) -> None:
        """The next participant's session (a course's): round 1, a new recorder, no notes."""
        self.session = Session(self.scenario.rounds)
        self.coaching = {}
        self.recorder = self._new_recorder()

    def say(self, text: str) -> None:
        """A message under the round (markup: escape what comes from users)."""
        self.query_one("#round-message", Static).update(text)

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="round"):
            if self.course is not None:
                yield Static("", id="turn")
            yield Static("", id="round-title", classes="title")
            yield Static(self.t("round.situation"), classes="heading")
            yield Static("", id="situation")
            yield Static("", id="cue", classes="callout")
            yield Static("", id="say-heading", classes="heading")
            yield Static("", id="line", classes="callout")
            yield Static("", id="name")
            yield Static("", id="round-status")
            yield LevelMeter(id="round-level")
            yield Static("", id="live-timer")
            yield Static("", id="round-message")
            if self.course is not None and self.course.bindings:
                yield Static(self._course_keys(), id="course-keys", classes="hint")
        yield Footer()

    def _course_keys(self) -> str:
        """The course's keys in words ("G: Group view · K: Skip participant"): at 80 columns
        the footer has no room left for them after the round's own keys."""
        assert self.course is not None
        return escape(
            " · ".join(f"{b.key.upper()}: {self.t(b.description)}" for b in self.course.bindings)
        )

    def on_mount(self) -> None:
        self.sub_title = visible(self.scenario.title)
        self._show_prompt()
        self.watch_phase(RoundPhase.READY)

    def current_prompt(self) -> RoundPrompt:
        """This round's prompt: the scenario's example, with the teacher's own words in it."""
        example = self.scenario.prompt_for(self.round_number)
        return self.own.prompt(example, self.round_number, self.t("own_words.situation"))

    def _show_prompt(self) -> None:
        s = self.scenario
        prompt = self.current_prompt()
        shape = s.pattern.shape
        self.query_one("#round-title", Static).update(
            self.t("round.title", round=self.round_number, rounds=s.rounds)
        )
        if self.course is not None:
            self.query_one("#turn", Static).update(self.course.turn_line(self.round_number) or "")
        self.query_one("#situation", Static).update(escape(prompt.situation))
        cue = self.query_one("#cue", Static)
        if shape is Shape.CUE_PAUSE_SPEECH and prompt.cue:
            cue.update(f"[b]{self.t('round.cue_heading')}[/b]\n“{escape(prompt.cue)}”")
            cue.display = True
        else:
            cue.display = False
        heading = {
            Shape.SPEECH_PAUSE_SPEECH: "round.say_this",
            Shape.CUE_PAUSE_SPEECH: "round.respond",
            Shape.TIMED_TURN: "round.turn_heading",
        }[shape]
        self.query_one("#say-heading", Static).update(self.t(heading))
        self.query_one("#line", Static).update(f"“{escape(prompt.line)}”")
        name = self.query_one("#name", Static)
        if prompt.name and shape is Shape.SPEECH_PAUSE_SPEECH:
            name.update(self.t("round.then_name", name=escape(prompt.name)))
            name.display = True
        else:
            name.display = False
        if self.own.empty:  # the offer names what this scenario's own words are
            hint = "own_words.practice_hint" + OWN_HINT_SUFFIX.get(shape, "")
        elif shape is Shape.SPEECH_PAUSE_SPEECH and not self._question_length_known():
            # Own words the rounds have not heard yet: said once in the check, the first round
            # tells a break inside the question from the pause after it, and ends just after a
            # long name instead of waiting on in case that was the rest of the question.
            hint = "own_words.practice_hint_check"
        else:
            hint = "own_words.practice_hint_own"
        self.query_one("#round-message", Static).update(f"[dim]{self.t(hint)}[/dim]")

    def _question_length_known(self) -> bool:
        """Whether the rounds know how long the teacher's question is: from the microphone
        check, or from a round with the present words."""
        return self.session.checked_question_s is not None or self.session.question_s is not None

    def _listening_text(self) -> str:
        """What to do now, in the words of this scenario's pattern."""
        suffix = {
            Shape.CUE_PAUSE_SPEECH: "_cue",
            Shape.TIMED_TURN: "_turn",
        }.get(self.scenario.pattern.shape, "")
        return self.t(f"round.listening{suffix}") + "\n" + self.t(f"round.end_hint{suffix}")

    def watch_phase(self, phase: RoundPhase) -> None:
        for p in RoundPhase:
            self.set_class(p is phase, f"-{p.value}")
        status = self.query_one("#round-status", Static)
        self._waiting_for_name = False
        text = {
            RoundPhase.READY: self.t("round.press_start"),
            RoundPhase.STARTING: self.t("round.get_ready"),
            RoundPhase.CUE: self.t("round.cue_playing"),
            RoundPhase.LISTENING: self._listening_text(),
            RoundPhase.ANALYSING: self.t("round.analysing"),
            RoundPhase.STOPPED: "",
        }[phase]
        status.update(text)
        meter = self.query_one("#round-level", LevelMeter)
        meter.display = phase.hearing
        if phase is not RoundPhase.LISTENING:
            meter.level_dbfs = -100.0
        # Like the footer: the keys these lines name (O, G, K) work between rounds only.
        self.query_one("#round-message", Static).display = phase.idle
        for keys in self.query("#course-keys"):
            keys.display = phase.idle
        timer = self.query_one("#live-timer", Static)
        timer.display = self.sim.settings.live_timer and phase is RoundPhase.LISTENING
        timer.update("")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "course":
            name = str(parameters[0])
            return self.phase.idle and self.course is not None and self.course.can(name)
        if action == "start":
            return self.phase.idle
        if action == "end_round":
            return self.phase.hearing
        if action in ("briefing", "mic_check", "leave", "own_words"):
            return self.phase.idle
        return True

    # -- keys -----------------------------------------------------------------------------------

    def action_start(self) -> None:
        if not self.phase.idle:
            return
        self._show_prompt()
        self._end_requested.clear()
        self.phase = RoundPhase.STARTING
        prompt = self.current_prompt()
        self._run_round(prompt.cue, self.sim.device)

    def action_course(self, name: str) -> None:
        if self.course is not None:
            self.course.act(name)

    def action_end_round(self) -> None:
        self._end_requested.set()

    def action_briefing(self) -> None:
        self.app.push_screen(BriefingScreen(self.scenario))

    def action_own_words(self) -> None:
        def chosen(words: OwnWords | None) -> None:
            if words is None:
                return
            if words != self.own:
                self.session = self.session.new_question()
            self.own = words
            self.notify(self.t("own_words.cleared" if words.empty else "own_words.using"))
            self._show_prompt()

        self.app.push_screen(OwnWordsDialog(self.scenario, self.own), chosen)

    def action_mic_check(self) -> None:
        def checked(question_s: float | None) -> None:
            # The teacher said the question (again) in the check, perhaps after choosing their
            # own words: the rounds from now on know its length.
            if question_s is not None:
                self.session = self.session.checked(question_s)
                self._show_prompt()

        self.app.push_screen(MicCheckScreen(self.scenario, during_rounds=True), checked)

    def action_leave(self) -> None:
        self.workers.cancel_group(self, "audio")
        self.app.pop_screen()
        self.sim.keep_unsaved(self.recorders)

    @property
    def recorders(self) -> tuple[SessionRecorder, ...]:
        """Every session recorder this screen holds: its own, and a course's (each once)."""
        held: list[SessionRecorder] = []
        for r in (self.recorder, *getattr(self.course, "recorders", ())):
            if r is not None and not any(r is h for h in held):  # equal ones may be two
                held.append(r)
        return tuple(held)

    # -- the audio worker -----------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="audio")
    def _run_round(self, cue: str | None, device: str | None) -> None:
        try:
            self._measure_round(cue, device)
        except Exception as exc:  # a bug must not leave the round listening for ever
            traceback.print_exc()  # to the app's log file, never over the screen
            if not get_current_worker().is_cancelled:
                self.post_message(
                    AudioFailed(
                        self.t("round.failed", error=type(exc).__name__),
                        title=self.t("round.failed_title"),
                        device_lost=True,
                    )
                )

    def _measure_round(self, cue: str | None, device: str | None) -> None:
        """A thin loop: blocks from the source into the round, its events out as messages."""
        worker = get_current_worker()
        scenario = self.scenario
        sound: CueSound | None = None
        player = self.sim.cue_player
        if scenario.pattern.shape is Shape.CUE_PAUSE_SPEECH and cue is not None and player:
            sound = player(cue, scenario.language)  # rendered before the microphone opens
        playback: Playback | None = None
        source: AudioSource | None = None

        def start_cue(read_samples: int) -> CuePlacement | None:
            nonlocal playback
            assert source is not None  # the cue starts on the first block read from it
            playback, placement = self._play_cue(sound, read_samples, source)
            return placement

        live = Round(
            scenario.pattern,
            cue=cue,
            language=scenario.language,
            policy=self.round_policy,
            start_cue=start_cue,
            question_s=self.session.question_s,
            checked_question_s=self.session.checked_question_s,
        )
        stretched = False
        try:
            source = self.sim.source_factory(device)
            with source:
                while not worker.is_cancelled:
                    block = source.read(0.5)
                    if block is None:
                        break  # a recording (test source) has ended
                    ending = self._end_requested.is_set()
                    events = live.feed(block, end_requested=ending)
                    if any(isinstance(e, CueOver) for e in events) and sound is not None:
                        stretched = not _cue_played_whole(playback, sound)
                        if stretched:
                            break
                    for event in events:
                        self.post_message(worker_message(event))
                    if live.stop_reading:
                        break
        except MicrophoneError as exc:
            if playback is not None:
                playback.stop()
            if not worker.is_cancelled:
                title, message = microphone_message(exc, self.lang)
                lost = exc.code == "device_lost" and live.read_samples > 0
                if lost and exc.key == "server.lost":
                    message = self.t("round.server.lost", how=self.t("audio_error.server.how"))
                elif lost:
                    message = self.t("round.device_lost")
                self.post_message(AudioFailed(message, title=title, device_lost=lost))
            return
        if playback is not None:
            playback.stop()
        if worker.is_cancelled:
            return
        if stretched:
            # The answer came out with silence inside it: its audible end, where the wait
            # starts, is later than its samples say. Measure nothing; the teacher can retry.
            self._not_measured("round.busy_cue.message", "round.busy_cue.title")
            return
        if source.overflow_count or source.dropped_blocks:
            # Sound the computer was too busy to take from the microphone is missing from the
            # round: the pause would be measured short or long. Say so; measure nothing.
            self._not_measured("round.busy.lost", "round.busy.lost_title")
            return
        outcome = live.finish()
        self.post_message(
            RoundFinished(
                outcome.measurement,
                timed_out=outcome.timed_out,
                no_speech=outcome.no_speech,
                ended_by_key=self._end_requested.is_set(),
                samples=outcome.samples,
            )
        )

    def _not_measured(self, message_key: str, title_key: str) -> None:
        """The round stops without a measurement; Space tries it again."""
        self.post_message(
            AudioFailed(self.t(message_key), title=self.t(title_key), device_lost=False)
        )

    def _play_cue(
        self, sound: CueSound | None, read_samples: int, source: AudioSource
    ) -> tuple[Playback | None, CuePlacement | None]:
        """Play the cue once ``read_samples`` have been read; returns the playback and where it
        lies in the microphone's samples (``None``, ``None``: no voice, the line is shown)."""
        if sound is None:
            return None, None
        try:
            playback = self.sim.audio_player(sound.samples, sound.sample_rate_hz)
        except PlaybackError:
            return None, None

        placement = CuePlacement.start(
            sound,
            ANALYSIS_RATE_HZ,
            read_samples=read_samples,
            behind_samples=source.behind_samples,
            output_latency_s=playback.latency_s,
            clocks=playback_start_clock(playback, source),
        )
        return playback, placement

    @property
    def round_policy(self) -> RoundPolicy:
        return RoundPolicy(max_s=self.sim.round_limit_s)

    # -- messages from the worker ---------------------------------------------------------------

    def on_listening_started(self, _: ListeningStarted) -> None:
        if self.phase is RoundPhase.STARTING:
            self.phase = RoundPhase.LISTENING

    def on_cue_started(self, _: CueStarted) -> None:
        if self.phase is RoundPhase.STARTING:
            self.phase = RoundPhase.CUE

    def on_cue_ended(self, _: CueEnded) -> None:
        if self.phase is RoundPhase.CUE:
            self.phase = RoundPhase.LISTENING

    def on_audio_level(self, message: AudioLevel) -> None:
        if not self.phase.hearing:
            return
        self.query_one("#round-level", LevelMeter).level_dbfs = message.level_dbfs
        waiting = message.waiting_for_name and self.phase is RoundPhase.LISTENING
        if waiting != self._waiting_for_name:
            # The round reads as whole but waits on in case the name is still to come: say so,
            # and that the end key finishes it for a teacher who has said the name.
            self._waiting_for_name = waiting
            text = (
                self.t("round.waiting_for_name") + "\n" + self.t("round.waiting_end_hint")
                if waiting
                else self._listening_text()
            )
            self.query_one("#round-status", Static).update(text)
        if self.sim.settings.live_timer:
            self.query_one("#live-timer", Static).update(
                self.t("round.live_timer", pause=format_seconds(message.elapsed_s, self.lang))
            )

    def on_audio_failed(self, message: AudioFailed) -> None:
        self.phase = RoundPhase.STOPPED
        self.query_one("#round-message", Static).update(
            f"[b]{escape(message.title)}[/b]\n{escape(message.message)}"
        )

    def on_round_finished(self, message: RoundFinished) -> None:
        if message.timed_out:
            self.phase = RoundPhase.STOPPED
            self.query_one("#round-message", Static).update(
                self.t(
                    "round.max_length",
                    limit=format_seconds(self.sim.round_limit_s, self.lang, 0),
                )
            )
            return
        if message.no_speech:
            self.phase = RoundPhase.STOPPED
            self.query_one("#round-message", Static).update(
                self.t(
                    "round.no_speech",
                    after=format_seconds(self.round_policy.no_speech_s, self.lang, 0),
                )
            )
            return
        self.phase = RoundPhase.ANALYSING
        self._round_samples = message.samples
        self.record_round(message.measurement)

    # -- the session ----------------------------------------------------------------------------

    def record_round(self, measurement: RoundMeasurement) -> None:
        """Keep and save the round at once, then show its feedback."""
        # A redo replaces this round's earlier attempt; its feedback refers back to it.
        replaced = self.session.earlier_attempt
        self.session = self.session.record(measurement)
        own = self.own.for_round(self.round_number)
        if own is None:
            self.own_prompts.pop(self.round_number, None)
        else:
            self.own_prompts[self.round_number] = own
        if self.recorder is not None:
            problem = self.recorder.record(self.round_number, measurement, own, replaced)
            if problem is not None:
                self.save_problem = problem.message(self.lang)
                self.notify(
                    escape(self.t("round.save_failed", message=self.save_problem)),
                    severity="warning",
                    timeout=8,
                )
            else:
                self.save_problem = None
                self.sim.save_kept()  # the history takes rounds again: earlier ones too
        feedback = round_feedback(
            self.scenario.pattern,
            self.results,
            self.lang,
            self.scenario,
            replaced,
        )
        last = self.session.last
        self.coaching.pop(self.round_number, None)  # a redone round starts without notes
        notes = RoundNotes(self.round_number, self.coaching, self.recorder)
        screen = FeedbackScreen(
            self.scenario,
            feedback,
            self.round_number,
            last=last,
            coach_notes=notes if self.sim.coach_mode else None,
            audio=self._keep_round_audio(),
            after_last=self.course.after_last_round() if last and self.course else None,
            turn=self.course.feedback_turn() if self.course else None,
        )
        if own is not None:  # the model line in the teacher's own words
            screen.model_line = prompt_model_line(self.current_prompt(), self.scenario.pattern)

        def show() -> None:
            self.app.push_screen(screen, self._after_feedback)

        def felt_then_show() -> None:  # coach mode: how long the pause felt, then the measurement
            notes.ask_perceived(
                self.app, show, timed_turn=self.scenario.pattern.shape is Shape.TIMED_TURN
            )

        then = felt_then_show if self.sim.coach_mode else show
        if self.sim.settings.reflection:  # the teacher's own noticing comes first
            notes.ask_reflection(self.app, then)
        else:
            then()
        if self.course is not None:
            self.course.recorded(self.results)

    def _after_feedback(self, choice: str | None) -> None:
        self.phase = RoundPhase.READY
        if choice == "redo":
            self.session = self.session.redo()
            self._show_prompt()
            return
        if not self.session.last:
            self.session = self.session.next()
            self._show_prompt()
            return
        if self.course is not None and self.course.last_round_done():
            return
        self.app.push_screen(
            SummaryScreen(
                self.scenario,
                self.results,
                self.save_problem,
                recorder=self.recorder,
                coaching=self.coaching,
                own=self.own_prompts,
                replaced=self.session.replaced,
            ),
            self._after_summary,
        )

    def _after_summary(self, choice: str | None) -> None:
        if choice == "again":
            done = self.recorder
            # The same teacher again, with the same question as far as the check knows.
            checked = self.session.checked_question_s
            self.session = Session(self.scenario.rounds, checked_question_s=checked)
            self.recorder = self._new_recorder()
            self.sim.keep_unsaved([done] if done is not None else [])
            self.coaching = {}
            self.own_prompts = {}
            self._started_at = utc_now_iso()
            self._show_prompt()
        elif choice == "another":
            self.sim.go_home()
        elif choice == "quit":
            self.app.exit()

    # -- keeping the round's audio (--keep-audio) ------------------------------------------------

    def _keep_round_audio(self) -> RoundAudio | None:
        """Write the finished round's audio, after its measurement was saved; ``None`` when
        audio is not kept. A failed write is told once and costs only the file: the samples stay
        in memory, so this round can still be played back."""
        samples, self._round_samples = self._round_samples, None
        if not self.sim.keep_audio or samples is None:
            return None
        recorder = self.recorder
        folder = session_folder(
            recorder.session_id if recorder else None,
            recorder.started_at if recorder else self._started_at,
        )
        path: Path | None = None
        try:
            path = save_round_audio(
                self.sim.recordings_root, folder, self.round_number, samples, ANALYSIS_RATE_HZ
            )
        except RecordingError as exc:
            self.notify(
                escape(self.t("listen.save_failed", message=exc.message(self.lang))),
                severity="warning",
                timeout=10,
            )
        return RoundAudio(samples, ANALYSIS_RATE_HZ, path)


def _cue_played_whole(playback: Playback | None, sound: CueSound) -> bool:
    """Whether the cue reached the listener without silence inside it, up to its audible end
    (a cue that was shown instead of played is whole)."""
    if playback is None:
        return True
    end = audible_end_sample(sound.samples)
    return played_whole(playback.underflows, playback.late_s(end))
