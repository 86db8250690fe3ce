"""The rounds: the prompt, a calm listening state, and the round's audio in a thread worker.

The worker reads the audio source, feeds ``LiveRound`` and posts messages; it never touches a
widget. The screen keeps the session: the measured rounds so far, saved to the history the moment
each round ends (``SessionRecorder``). Feedback and the summary are pushed on top.
"""

from __future__ import annotations

import threading
import traceback
from pathlib import Path

import numpy as np
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import Footer, Header, Static
from textual.worker import get_current_worker

from simulator.app import microphone_message
from simulator.audio.cue import CuePlacement, CueSound
from simulator.audio.live import NO_SPEECH_STOP_S, LiveRound, expected_speech_s
from simulator.audio.pattern import Shape
from simulator.audio.result import ANALYSIS_RATE_HZ, RoundMeasurement
from simulator.audio.sources import (
    AudioSource,
    MicrophoneError,
    Playback,
    PlaybackError,
    Samples,
)
from simulator.coaching.feedback import round_feedback
from simulator.coaching.modelling import prompt_model_line
from simulator.coaching.own_words import OwnWords
from simulator.history import OwnPrompt, RoundCoaching, SessionRecorder, utc_now_iso
from simulator.i18n import format_seconds
from simulator.messages import (
    AudioFailed,
    AudioLevel,
    CueEnded,
    CueStarted,
    ListeningStarted,
    RoundFinished,
)
from simulator.recordings import RecordingError, RoundAudio, save_round_audio, session_folder
from simulator.scenarios.model import RoundPrompt, Scenario
from simulator.screens.base import CoachScreen
from simulator.screens.feedback import FeedbackScreen  # loaded up front: no delay after round 1
from simulator.text import escape, visible
from simulator.widgets.level_meter import LevelMeter

PHASES = ("ready", "starting", "cue", "listening", "analysing", "stopped")
"""``ready``: the prompt, waiting for Space · ``starting``: opening the microphone ·
``cue``: the simulated student speaks · ``listening`` · ``analysing``: the last measurement ·
``stopped``: the round could not finish (maximum length, microphone lost); Space retries."""

END_SILENCE_S = 0.8
LEVEL_EVERY_SAMPLES = ANALYSIS_RATE_HZ // 20
"""Level updates at most every 50 ms of audio (and replaceable in the queue)."""
CHECK_EVERY_S = 0.1
"""How often the live round re-reads its audio for the end of the round (~10 ms of work each):
the feedback appears within this much of the end silence."""
SILENT_CUE_MIN_S = 2.0
"""Without a voice to play the student's answer, the cue is shown for at least this long."""


# The offer of one's own words: a question and a student, a reply, or a turn of one's own.
OWN_HINT_SUFFIX = {Shape.CUE_PAUSE_SPEECH: "_reply", Shape.TIMED_TURN: "_turn"}


class PracticeScreen(CoachScreen[None]):
    BINDINGS = [
        Binding("space", "start", "keys.start_round"),
        Binding("enter", "start", "keys.start_round", show=False),
        Binding("e", "end_round", "keys.end_round"),
        Binding("b", "briefing", "keys.briefing"),
        Binding("m", "mic_check", "keys.mic_check"),
        Binding("o", "own_words", "keys.teach.own"),
        Binding("escape", "leave", "keys.back"),
    ]

    phase: reactive[str] = reactive("ready", init=False)

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.scenario = scenario
        self.round_number = 1
        self.results: list[RoundMeasurement] = []
        """The measured rounds of this session, in order (a redone round replaces its entry)."""
        self.recorder = self._new_recorder()
        self.save_problem: str | None = None
        self._end_requested = threading.Event()
        self._round_samples: Samples | None = None
        self._started_at = utc_now_iso()
        """The last finished round's 16 kHz audio, until it is kept (or not) for listening back."""
        self.coaching: dict[int, RoundCoaching] = {}
        """Coach mode: the felt pause, note and marks per round of this session."""
        self.own = OwnWords()
        """The teacher's own question(s) and student's name; empty: the scenario's examples."""
        self.own_prompts: dict[int, OwnPrompt] = {}
        """The own words each round of this session prompted, for the summary's debrief."""

    def _new_recorder(self) -> SessionRecorder | None:
        store = self.coach.store
        if store is None:
            return None
        return SessionRecorder(store, self.scenario.id, self.scenario.language)

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="round"):
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
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = visible(self.scenario.title)
        self._show_prompt()
        self.watch_phase("ready")

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
        hint = "own_words.practice_hint_own"
        if self.own.empty:  # the offer names what this scenario's own words are
            hint = "own_words.practice_hint" + OWN_HINT_SUFFIX.get(shape, "")
        self.query_one("#round-message", Static).update(f"[dim]{self.t(hint)}[/dim]")

    def _listening_text(self) -> str:
        """What to do now, in the words of this scenario's pattern."""
        suffix = {
            Shape.CUE_PAUSE_SPEECH: "_cue",
            Shape.TIMED_TURN: "_turn",
        }.get(self.scenario.pattern.shape, "")
        return self.t(f"round.listening{suffix}") + "\n" + self.t(f"round.end_hint{suffix}")

    def watch_phase(self, phase: str) -> None:
        for p in PHASES:
            self.set_class(p == phase, f"-{p}")
        status = self.query_one("#round-status", Static)
        text = {
            "ready": self.t("round.press_start"),
            "starting": self.t("round.get_ready"),
            "cue": self.t("round.cue_playing"),
            "listening": self._listening_text(),
            "analysing": self.t("round.analysing"),
            "stopped": "",
        }[phase]
        status.update(text)
        meter = self.query_one("#round-level", LevelMeter)
        meter.display = phase in ("cue", "listening")
        if phase != "listening":
            meter.level_dbfs = -100.0
        timer = self.query_one("#live-timer", Static)
        timer.display = self.coach.settings.live_timer and phase == "listening"
        timer.update("")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "start":
            return self.phase in ("ready", "stopped")
        if action == "end_round":
            return self.phase in ("listening", "cue")
        if action in ("briefing", "mic_check", "leave", "own_words"):
            return self.phase in ("ready", "stopped")
        return True

    # -- keys -----------------------------------------------------------------------------------

    def action_start(self) -> None:
        if self.phase not in ("ready", "stopped"):
            return
        self._show_prompt()
        self._end_requested.clear()
        self.phase = "starting"
        prompt = self.current_prompt()
        self._run_round(prompt.cue, self.coach.device)

    def action_end_round(self) -> None:
        self._end_requested.set()

    def action_briefing(self) -> None:
        from simulator.screens.briefing import BriefingScreen

        self.app.push_screen(BriefingScreen(self.scenario))

    def action_own_words(self) -> None:
        from simulator.screens.own_words import OwnWordsDialog

        def chosen(words: OwnWords | None) -> None:
            if words is None:
                return
            self.own = words
            self.notify(self.t("own_words.cleared" if words.empty else "own_words.using"))
            self._show_prompt()

        self.app.push_screen(OwnWordsDialog(self.scenario, self.own), chosen)

    def action_mic_check(self) -> None:
        from simulator.screens.mic_check import MicCheckScreen

        self.app.push_screen(MicCheckScreen(None))

    def action_leave(self) -> None:
        self.workers.cancel_group(self, "audio")
        self.app.pop_screen()

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
        worker = get_current_worker()
        pattern = self.scenario.pattern
        lang = self.scenario.language
        cue_text = cue if pattern.shape is Shape.CUE_PAUSE_SPEECH else None
        live: LiveRound | None = None
        sound: CueSound | None = None
        if cue_text is None:
            live = self._live_round(0)
        elif self.coach.cue_player is not None:
            sound = self.coach.cue_player(cue_text, lang)  # rendered before the microphone opens
        buffered: list[Samples] = []
        n = 0
        next_level = 0
        playback: Playback | None = None
        placement: CuePlacement | None = None
        cue_over_at = 0  # the sample count at which the cue is over
        try:
            source = self.coach.source_factory(device)
            with source:
                started = False
                while not worker.is_cancelled:
                    block = source.read(0.5)
                    if block is None:
                        break  # a recording (test source) has ended
                    if block.size == 0:
                        continue
                    block = np.asarray(block, dtype=np.float32)
                    n += block.size
                    if not started:
                        started = True
                        if cue_text is not None:
                            self.post_message(CueStarted())
                            playback, placement, cue_over_at = self._start_cue(
                                cue_text, sound, n, source
                            )
                        else:
                            self.post_message(ListeningStarted())
                    if live is None:
                        buffered.append(block)
                        if n >= cue_over_at or self._end_requested.is_set():
                            cue_end = min(n, cue_over_at)
                            if placement is not None and n >= cue_over_at:
                                cue_end = placement.end_in(np.concatenate(buffered))
                            live = self._live_round(cue_end)
                            for b in buffered:
                                status = live.feed(b)
                            buffered = []
                            self.post_message(CueEnded())
                        continue
                    status = live.feed(block)
                    if n >= next_level:
                        next_level = n + LEVEL_EVERY_SAMPLES
                        self.post_message(
                            AudioLevel(status.level_dbfs, status.elapsed_s, status.heard_speech)
                        )
                    if status.done or self._end_requested.is_set():
                        break
        except MicrophoneError as exc:
            if playback is not None:
                playback.stop()
            if not worker.is_cancelled:
                title, message = microphone_message(exc, self.lang)
                lost = exc.code == "device_lost" and n > 0
                if lost:
                    message = self.t("round.device_lost")
                self.post_message(AudioFailed(message, title=title, device_lost=lost))
            return
        if playback is not None:
            playback.stop()
        if worker.is_cancelled:
            return
        if live is None:
            live = self._live_round(n)
            for b in buffered:
                live.feed(b)
        measurement = live.finish()
        self.post_message(
            RoundFinished(
                measurement,
                timed_out=live.timed_out,
                no_speech=live.no_speech_stop,
                ended_by_key=self._end_requested.is_set(),
                samples=live.samples,
            )
        )

    def _start_cue(
        self, text: str, sound: CueSound | None, read_samples: int, source: AudioSource
    ) -> tuple[Playback | None, CuePlacement | None, int]:
        """Start playing the cue once ``read_samples`` have been read from ``source``; returns
        the playback, where it lies in the microphone's samples, and the sample count by which
        its audible end can be placed. Without a voice the line is shown instead, for about as
        long as it takes to say, and the wait counts from there."""
        if sound is not None:
            try:
                playback = self.coach.audio_player(sound.samples, sound.sample_rate_hz)
            except PlaybackError:
                playback = None
            if playback is not None:
                placement = CuePlacement.start(
                    sound,
                    ANALYSIS_RATE_HZ,
                    read_samples=read_samples,
                    behind_samples=source.behind_samples,
                    output_latency_s=playback.latency_s,
                )
                return playback, placement, placement.ready_at
        lang = self.scenario.language
        duration = max(SILENT_CUE_MIN_S, expected_speech_s(text, lang))
        return None, None, int(duration * ANALYSIS_RATE_HZ)

    def _live_round(self, cue_end_sample: int) -> LiveRound:
        """The round's end is read from the audio alone: the teacher may ask their own question
        and call any name, in any language."""
        return LiveRound(
            self.scenario.pattern,
            cue_end_sample=cue_end_sample,
            end_silence_s=END_SILENCE_S,
            max_s=self.coach.round_limit_s,
            check_every_s=CHECK_EVERY_S,
        )

    # -- messages from the worker ---------------------------------------------------------------

    def on_listening_started(self, _: ListeningStarted) -> None:
        if self.phase == "starting":
            self.phase = "listening"

    def on_cue_started(self, _: CueStarted) -> None:
        if self.phase == "starting":
            self.phase = "cue"

    def on_cue_ended(self, _: CueEnded) -> None:
        if self.phase == "cue":
            self.phase = "listening"

    def on_audio_level(self, message: AudioLevel) -> None:
        if self.phase not in ("listening", "cue"):
            return
        self.query_one("#round-level", LevelMeter).level_dbfs = message.level_dbfs
        if self.coach.settings.live_timer:
            self.query_one("#live-timer", Static).update(
                self.t("round.live_timer", pause=format_seconds(message.elapsed_s, self.lang))
            )

    def on_audio_failed(self, message: AudioFailed) -> None:
        self.phase = "stopped"
        self.query_one("#round-message", Static).update(
            f"[b]{escape(message.title)}[/b]\n{escape(message.message)}"
        )

    def on_round_finished(self, message: RoundFinished) -> None:
        if message.timed_out:
            self.phase = "stopped"
            self.query_one("#round-message", Static).update(
                self.t(
                    "round.max_length",
                    limit=format_seconds(self.coach.round_limit_s, self.lang, 0),
                )
            )
            return
        if message.no_speech:
            self.phase = "stopped"
            self.query_one("#round-message", Static).update(
                self.t("round.no_speech", after=format_seconds(NO_SPEECH_STOP_S, self.lang, 0))
            )
            return
        self.phase = "analysing"
        self._round_samples = message.samples
        self.record_round(message.measurement)

    # -- the session ----------------------------------------------------------------------------

    def record_round(self, measurement: RoundMeasurement) -> None:
        """Keep and save the round at once, then show its feedback."""
        # A redo replaces this round's earlier attempt; its feedback refers back to it.
        replaced = (
            self.results[self.round_number - 1] if len(self.results) >= self.round_number else None
        )
        del self.results[self.round_number - 1 :]
        self.results.append(measurement)
        own = self.own.for_round(self.round_number)
        if own is None:
            self.own_prompts.pop(self.round_number, None)
        else:
            self.own_prompts[self.round_number] = own
        if self.recorder is not None:
            problem = self.recorder.record(self.round_number, measurement, own)
            if problem is not None:
                self.save_problem = problem.message(self.lang)
                self.notify(
                    escape(self.t("round.save_failed", message=self.save_problem)),
                    severity="warning",
                    timeout=8,
                )
            else:
                self.save_problem = None
        feedback = round_feedback(
            self.scenario.pattern, self.results, self.lang, self.scenario, replaced
        )
        last = self.round_number >= self.scenario.rounds
        self.coaching.pop(self.round_number, None)  # a redone round starts without notes
        from simulator.screens.coach import RoundNotes

        notes = RoundNotes(self.round_number, self.coaching, self.recorder)
        screen = FeedbackScreen(
            self.scenario,
            feedback,
            self.round_number,
            last=last,
            coach_notes=notes if self.coach.coach_mode else None,
            audio=self._keep_round_audio(),
            after_last=self.after_last_round() if last else None,
            turn=self.feedback_turn(),
        )
        if own is not None:  # the model line in the teacher's own words
            screen.model_line = prompt_model_line(self.current_prompt(), self.scenario.pattern)

        def show() -> None:
            self.app.push_screen(screen, self._after_feedback)

        def felt_then_show() -> None:  # coach mode: how long the pause felt, then the measurement
            notes.ask_perceived(
                self.app, show, timed_turn=self.scenario.pattern.shape is Shape.TIMED_TURN
            )

        then = felt_then_show if self.coach.coach_mode else show
        if self.coach.settings.reflection:  # the teacher's own noticing comes first
            notes.ask_reflection(self.app, then)
        else:
            then()

    def feedback_turn(self) -> str | None:
        """Whose round it was, for the top of the feedback (a masterclass); ``None``: nobody's."""
        return None

    def after_last_round(self) -> tuple[str, str] | None:
        """What Space does after the last round, for the feedback screen; ``None``: the summary."""
        return None

    def _after_feedback(self, choice: str | None) -> None:
        self.phase = "ready"
        if choice == "redo":
            self._show_prompt()
            return
        if self.round_number < self.scenario.rounds:
            self.round_number += 1
            self._show_prompt()
            return
        from simulator.screens.summary import SummaryScreen

        self.app.push_screen(
            SummaryScreen(
                self.scenario,
                tuple(self.results),
                self.save_problem,
                recorder=self.recorder,
                coaching=self.coaching,
                own=self.own_prompts,
            ),
            self._after_summary,
        )

    def _after_summary(self, choice: str | None) -> None:
        if choice == "again":
            self.round_number = 1
            self.results = []
            self.recorder = self._new_recorder()
            self.coaching = {}
            self.own_prompts = {}
            self._started_at = utc_now_iso()
            self._show_prompt()
        elif choice == "another":
            from simulator.screens.home import HomeScreen

            while len(self.app.screen_stack) > 1 and not isinstance(self.app.screen, HomeScreen):
                self.app.pop_screen()
        elif choice == "quit":
            self.app.exit()

    # -- keeping the round's audio (--keep-audio) ------------------------------------------------

    def _keep_round_audio(self) -> RoundAudio | None:
        """Write the finished round's audio, after its measurement was saved; ``None`` when
        audio is not kept. A failed write is told once and costs only the file: the samples stay
        in memory, so this round can still be played back."""
        samples, self._round_samples = self._round_samples, None
        if not self.coach.keep_audio or samples is None:
            return None
        recorder = self.recorder
        folder = session_folder(
            recorder.session_id if recorder else None,
            recorder.started_at if recorder else self._started_at,
        )
        path: Path | None = None
        try:
            path = save_round_audio(
                self.coach.recordings_root, folder, self.round_number, samples, ANALYSIS_RATE_HZ
            )
        except RecordingError as exc:
            self.notify(
                escape(self.t("listen.save_failed", message=exc.message(self.lang))),
                severity="warning",
                timeout=10,
            )
        return RoundAudio(samples, ANALYSIS_RATE_HZ, path)
