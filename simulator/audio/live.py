"""Live rounds: decide when a round is over, using the very analysis that measures it.

The app feeds 16 kHz blocks as they arrive. Every ``check_every_s`` of audio the whole buffer is
analysed with ``analyze_samples`` (the same function ``coach-sim analyze`` uses); the round is over
once the pattern is complete and followed by ``end_silence_s`` of silence, or after ``max_s``. The
silence counts from where the voice stopped: in a reverberant room the name rings on for a few
hundred milliseconds; the analysis moves the name's segment's end back towards the voice's end, as
it does the question's, and after a pause as long as the band asks for (any pause, once the
session knows the question's length) the silence counts from where the name's level last stood
clearly above its segment's end (``RING_FALL_DB``).
Nothing here reads a clock: time is the count of samples fed.

When the round ends is read from the audio alone, never from the prompt's words: the teacher may
ask their own question and call any name. What follows the last pause is taken for the name when
it is no longer than a name can be and the pause stands out from the gaps inside the question;
after a pause as long as the band asks also when it is a name with a few words after it.
Otherwise, as when a loud room splits the question into pieces, the round waits for a name that
may still come.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from simulator.audio.analysis import DEFAULT_CONFIG, DetectorConfig, analyze_samples
from simulator.audio.analysis.detection import voice_end_by_model
from simulator.audio.analysis.levels import settled_length
from simulator.audio.analysis.model import WINDOW_SAMPLES, mean_speech_probability
from simulator.audio.analysis.reading import utterances
from simulator.audio.analysis.signal import (
    FRAME_SAMPLES,
    HOP_SAMPLES,
    SpeechBandRun,
    envelope_db,
    frame_energy_db,
)
from simulator.audio.level_floor import refuse_too_quiet
from simulator.audio.pattern import Pattern, Shape
from simulator.audio.result import ANALYSIS_RATE_HZ, Reason, RoundMeasurement, Segment
from simulator.audio.vad import VadRun

GIVE_UP_SILENCE_S = 8.0
"""After speech, this much silence ends the round even if the pattern is incomplete."""
TAIL_MIN_S = 0.45
TAIL_SPEECH = 0.5
TAIL_NO_SPEECH = 0.3
"""Once the name has been said, the closing silence counts from where the voice stopped rather
than from the end of the last segment, when a sound runs on after the name (typing, a pen, a
chair; joined to the name or standing apart): the speech model heard speech in the name (a 32 ms
window at ``TAIL_SPEECH`` or more) and then, after its own lag, nothing over ``TAIL_NO_SPEECH``
for at least ``TAIL_MIN_S``. The voice stopped that lag before the end of the last window it
heard as speech (the network goes on calling speech for a moment after a voice stops, see
``EdgeConfig.model_lag_ms``). What it bought in the room benchmark's live rounds: see
docs/benchmarks.md. The round's measurement does not change."""
TAIL_VOICING = 0.6
TAIL_VOICED_MS = 60
"""... and only when what followed holds no voiced run (10 ms frames at this periodicity, see
``voicing.periodicity``) of this many ms: words after the name in a room that rings, or behind a
fan, may be no speech to the model, and still hold vowels; a key press holds 20-30 ms at most."""
NO_SPEECH_STOP_S = 10.0
"""Listening this long without hearing any speech stops the round (the microphone may be wrong,
muted or far away): the teacher gets a hint instead of waiting for the maximum length."""
NAME_MAX_S = 1.5
"""The longest stretch taken for a name said after a pause shorter than the band's minimum (a
first name and surname, said slowly); a longer one is more likely the question's end heard apart
from its start (but see ``NAME_WITH_WORDS_S``)."""
NAME_WITH_WORDS_S = 4.0
"""After a pause as long as the band asks for, the longest stretch taken for the name with a few
words after it ("Kay, wat denk jij daarvan?"): a teacher may call on a student that way, and the
round then ended some 5 s after the words, waiting as for an unsure name (room benchmark, seed 0,
a session's first round after the microphone check: tune 146 -> 129 of 496 rounds that heard the
name ended over 1.0 s after it, held out 141 -> 113 of 494; none more ended before the name).
After a shorter pause a stretch longer than ``NAME_MAX_S`` stays more likely the rest of the
question, even when the check or an earlier round timed the question: allowed there too, two
more held-out rounds ended before the name (36 -> 38), the question's first part as long as the
check had heard it."""
NAME_MIN_S = 0.25
"""After a pause shorter than the band's minimum, the shortest stretch taken for a name: a name
called to a student holds a syllable and its vowel (Kay, Tim: 0.3 s and more). A shorter one is
more likely the question's last syllable after a break, and the round waits for a name as after
an unsure one."""
FIRST_NAME_MAX_S = 1.0
"""In a session's first round, after a pause shorter than the band's minimum, the longest stretch
taken for the name at once: a student is called by their first name (Kay, Anne-Sophie,
Maximilian: 0.3-0.9 s). A longer one is more likely the rest of the question after a break inside
it, and the round waits for a name as after an unsure one (a name with a surname after a short
pause then waits too; once the session knows the question's length, it does not)."""
PAUSE_OVER_GAPS = 2.0
"""A pause shorter than the band's minimum counts only when it is at least this many times the
longest gap between the question's own pieces: in a loud room the question's words come apart by
0.1-0.5 s, and one more such gap is no thinking pause."""
REST_OF_QUESTION_SHARE = 0.6
"""After a pause shorter than the band's minimum, what followed it is taken for the rest of the
question (the pause a hesitation inside it) once the silence after it outlasts that pause, unless
it is shorter than this share of what came before it, as a name after a whole question is: the
round then waits for a name as after an unsure one, instead of ending in the thinking pause."""
SOUND_BELOW_QUESTION_DB = 6.0
"""After a pause shorter than the band's minimum, what followed it may be a sound in the
thinking pause (a cough, a chair, a word from across the room) rather than the name when it
peaks at least this far below the question ..."""
SOUND_LESS_SPEECH = 0.4
"""... and the speech model's mean probability over it is at least this much below the
question's: the round then waits for a name as after an unsure one. While the round runs, a
sound between the question and the name is dropped only by this margin too."""
NO_SPEECH_MEAN = 0.1
"""Such a sound that is not far quieter than the question is taken for one all the same when the
speech model's mean probability over it is under this (and the margin above holds): a door, a
cough or keys the model hears no speech in, however loud."""
SHORTER_THAN_BEFORE = 0.8
"""After a pause shorter than the band's minimum, what came before it is taken for only part of
the question (the pause a hesitation inside it) when it is shorter than this share of the question
the teacher asked in the session's earlier rounds: the round then waits for a name as after an
unsure one. A teacher practises the same moment of their lesson round after round, so the
question comes back about as long; a shorter question than before only makes the round wait ..."""
AS_CHECKED = (0.8, 1.1)
"""In a session's first round, what came before a pause shorter than the band's minimum is taken
for the whole question, as once the session knows its length, when it lasted this share of the
question said in the microphone check: what follows the pause is then the name (up to
``NAME_MAX_S``), however long beside the question, and the round ends just after it instead of
waiting as for an unsure name. Not over 1.1: a question the round hears as longer than the
check's has more often other voices joined to its end (in the room benchmark, at up to 1.25,
rounds with other people talking ended in the thinking pause)."""
SHORTER_BY_AT_LEAST_S = 0.25
"""... and only when it is also at least this much shorter (a word or more): a question of one
or two words ("Why?") is measured 0.1 s longer or shorter from one round to the next, in a loud
room more, and has no hesitation inside it to wait for."""
NAME_ALLOWANCE_WHILE_RUNNING = False
"""Whether what came last gets the finished round's allowance for a name while the round runs
(``DetectionConfig.name_min_probability``: a last word the speech model doubts). It does not:
what came last may still be a murmur, a cough or a chair in the pause, which would end the round
before the name. The finished round takes a doubted last word for the name."""
QUESTION_BY_SPEECH_WHILE_RUNNING = False
"""Whether, while the round runs, the sounds in the pause are counted from the earlier utterance
with more speech in it when the longest one is mostly no speech to the model
(``DetectionConfig.intruder_question_mean``). It is not: with it, a session's first round
ended before the name a little more often (room benchmark, seed 0: tune 12.1 -> 12.3 %, held out
10.6 -> 11.1 %), for a live verdict of 74.0 -> 74.2 % and 74.0 -> 73.8 %. The finished round
counts from it."""
SOUND_BY_THE_QUESTION_WHILE_RUNNING = False
"""Whether, while the round runs, a sound in the pause is also dropped for being hardly speech
while the question is sure speech (``DetectionConfig.intruder_below_question_speech``). It is
not: a piece of the question said after a break, and heard as little speech, was dropped, and
what came after it read as a name after a long pause (room benchmark, seed 0, a session's first
round after the microphone check: ended before the name 6.7 -> 7.2 % of the tune rounds). The
finished round drops it."""
MODEL_REACH_WHILE_RUNNING_MS = 500
"""How far past the question's end the speech model follows it while the round runs
(``EdgeConfig.model_reach_ms``; the finished round follows it further). Where other people talk
in the pause the model hears speech all the way, and every check would ask it about another
stretch that long: past half a second that pushes a check over its 20 ms budget, and the end
decision hardly needs the question's last soft words."""
RING_FALL_DB = 12.0
"""After a pause as long as the band asks for, followed by a name, the closing silence counts from
where the name's voice stopped, as far as its level tells: the last moment the name stood this
far above the last of its segment. In a room that rings, the segment ends where the ring has
fallen under the detection's threshold, in a tenth of the room benchmark's rounds 0.2-0.3 s after
the voice, and the round ended over 1.0 s after the name; a ring falls at the room's decay rate
(60 dB in the reverberation time), a dry voice's last 12 dB within tens of milliseconds. After a
shorter pause only once the session knows how long the question is (``SHORTER_THAN_BEFORE``
then tells a break inside it): in a session's first round what came last may still be the
question's end after a break inside it, and a shorter closing silence ended more rounds before
the name (room benchmark, tune seed 0, a session's first round: 12.1 -> 14.2 %) ..."""
RING_MAX_S = 0.2
"""... and at most this much before the segment's end."""
SENTENCE_GAP_S = 1.0
"""In the microphone check, where the teacher says the question they will practise, words closer
than this are one sentence: a question said without a break holds no silence that long (words
come 0.05-0.3 s apart; in a loud room a soft word can be lost between them), and sentences said
one after another come further apart."""
CHECK_CONFIG = replace(
    DEFAULT_CONFIG, detection=replace(DEFAULT_CONFIG.detection, intruder_gap_ratio=0.0)
)
"""How ``sentence_s`` hears the microphone check: as a round is heard, but without the rule for
a sound in the thinking pause (``DetectionConfig.intruder_gap_ratio``). The check holds the
question alone, with no thinking pause in it; heard with that rule, a question said word by word
(a real voice counting "one, two, three", 0.5 s between the words) lost its middle word, the
words then stood 1.3 s apart, and the check timed only the last one. A session's first round
then took the question's last word for the name and ended before it."""
SOUND_GOES_ON_S = 3.0
"""After a pause as long as the band asks for, sound that has gone on this long since it ended
without the round ending (longer than a name and the closing silence after it) makes the
listening line say that the round listens on, and that the end key finishes it: other people
talking on after the name without a break leave no silence for the round to end in, nor for the
line to appear after. Not after a shorter pause: that is as often a break inside the question,
with the teacher still asking."""
TURN_END_SILENCE_S = 1.5
"""A timed turn (a direction) or a response after a cue may hold short pauses between
sentences; it ends after this much silence."""


@dataclass(frozen=True, slots=True)
class LiveStatus:
    elapsed_samples: int
    level_dbfs: float
    heard_speech: bool
    done: bool
    timed_out: bool
    no_speech_stop: bool = False
    """Stopped after listening ``NO_SPEECH_STOP_S`` without hearing speech."""
    waiting_for_name: bool = False
    """What was said reads as a whole round, but one that may still go on: the question's end
    after a break inside it, a sound in the pause, or a question's first words apart from the
    rest. The usual closing silence is over and the round waits on for a name that may still
    come (up to ``Band.max_s`` plus 1 s of silence); a teacher who has said the name can end the
    round at once. Also once sound has gone on for ``SOUND_GOES_ON_S`` after a pause as long as
    the band asks for (other people talking on after the name leave no silence to end the round
    in)."""

    @property
    def elapsed_s(self) -> float:
        return self.elapsed_samples / ANALYSIS_RATE_HZ


def block_level_dbfs(block: npt.NDArray[np.float32]) -> float:
    if block.size == 0:
        return -100.0
    rms = float(np.sqrt(np.mean(np.square(block, dtype=np.float64))))
    return max(20.0 * float(np.log10(rms + 1e-12)), -100.0)


class LiveRound:
    def __init__(
        self,
        pattern: Pattern,
        *,
        cue_end_sample: int = 0,
        end_silence_s: float = 0.8,
        max_s: float = 45.0,
        no_speech_s: float = NO_SPEECH_STOP_S,
        check_every_s: float = 0.2,
        config: DetectorConfig = DEFAULT_CONFIG,
        question_s: float | None = None,
        checked_question_s: float | None = None,
    ) -> None:
        """``question_s``: how long the teacher's question lasted in the session's earlier rounds
        (``None``: not known yet; see ``SHORTER_THAN_BEFORE``). ``checked_question_s``: how long
        it lasted when said in the microphone check (``sentence_s``). After a pause shorter than
        the band, that one makes the round wait when what came before the pause is far shorter
        than the question, and end just after what follows when it is about as long
        (``AS_CHECKED``); otherwise the rules of a session's first round stay, since the check may
        have heard another sentence, or lost a soft word of the question in a loud room."""
        self.pattern = pattern
        self._question = None if question_s is None else int(question_s * ANALYSIS_RATE_HZ)
        self._checked = (
            None if checked_question_s is None else int(checked_question_s * ANALYSIS_RATE_HZ)
        )
        lengths = [s for s in (question_s, checked_question_s) if s is not None]
        self._question_length = int(max(lengths) * ANALYSIS_RATE_HZ) if lengths else None
        """The longest the question is known to be, from the earlier rounds or the check."""
        self.cue_end_sample = cue_end_sample
        self._end_silence = int(end_silence_s * ANALYSIS_RATE_HZ)
        self._max = int(max_s * ANALYSIS_RATE_HZ)
        self._no_speech = int(no_speech_s * ANALYSIS_RATE_HZ)
        # When what follows the pause does not sound like the name, wait this long: longer than
        # any pause the band allows, so a real name after a real pause still counts.
        self._unsure_silence = max(
            self._end_silence,
            int(min(GIVE_UP_SILENCE_S, pattern.band.max_s + 1.0) * ANALYSIS_RATE_HZ),
        )
        self._check_every = int(check_every_s * ANALYSIS_RATE_HZ)
        self._config = config
        # While the round runs, a sound between the question and what came last is dropped
        # only when it is far less speech than what came last: a sound that is nearly as much
        # speech is more often the question's own words after a break, and dropped, it would
        # leave the question's last words reading as a name after a long pause and end the
        # round before the name. The finished round drops it by the analysis' own margin.
        detection = replace(config.detection, intruder_speech_margin=SOUND_LESS_SPEECH)
        if not NAME_ALLOWANCE_WHILE_RUNNING:
            detection = replace(detection, name_min_probability=0.0)
        if not QUESTION_BY_SPEECH_WHILE_RUNNING:
            detection = replace(detection, intruder_question_mean=0.0)
        if not SOUND_BY_THE_QUESTION_WHILE_RUNNING:
            detection = replace(detection, intruder_below_question_speech=0.0)
        edges = replace(
            config.edges,
            model_reach_ms=min(config.edges.model_reach_ms, MODEL_REACH_WHILE_RUNNING_MS),
        )
        self._check_config = replace(config, detection=detection, edges=edges)
        self._blocks: list[npt.NDArray[np.float32]] = []
        self._n = 0
        self._next_check = self._check_every
        self._heard = False
        self._done = False
        self._timed_out = False
        self._no_speech_stop = False
        self._waiting_for_name = False
        self._vad_run = VadRun()
        self._band_run = SpeechBandRun()

    @property
    def samples(self) -> npt.NDArray[np.float32]:
        if not self._blocks:
            return np.zeros(0, dtype=np.float32)
        if len(self._blocks) > 1:
            self._blocks = [np.concatenate(self._blocks)]
        return self._blocks[0]

    def feed(self, block: npt.NDArray[np.float32]) -> LiveStatus:
        block = np.asarray(block, dtype=np.float32).reshape(-1)
        if not self._done and block.size:
            self._blocks.append(block)
            self._n += block.size
            if self._n >= self._max:
                self._done = self._timed_out = True
            elif self._n >= self._next_check:
                self._next_check = self._n + self._check_every
                self._check()
        return LiveStatus(
            self._n,
            block_level_dbfs(block),
            self._heard,
            self._done,
            self._timed_out,
            self._no_speech_stop,
            self._waiting_for_name and not self._done,
        )

    def _check(self) -> None:
        self._waiting_for_name = False
        if self._n <= self.cue_end_sample:
            return  # the student's answer is still playing: nothing of the teacher's to judge yet
        m = analyze_samples(
            # Up to 1 ms short, so that every webrtcvad decision made holds for the next check.
            self.samples[: settled_length(self._n, self._config.levels)],
            ANALYSIS_RATE_HZ,
            self.pattern,
            cue_end_sample=self.cue_end_sample,
            config=self._check_config,
            find_clip_piles=False,
            vad_run=self._vad_run,
            band_run=self._band_run,
        )
        if not m.segments:
            if not self._heard and self._n - self.cue_end_sample >= self._no_speech:
                self._done = self._no_speech_stop = True
            return
        self._heard = True
        silence = self._n - self._voice_end(m)
        end = self._silence_needed(m, silence)
        if end is not None:
            needed, unsure = end
            self._done = silence >= needed
            self._waiting_for_name = unsure and silence >= self._end_silence
            if not self._done:
                # Look again the moment that silence is complete, not up to a check later.
                self._next_check = min(self._next_check, self._n + needed - silence)
        if not self._done and silence >= int(GIVE_UP_SILENCE_S * ANALYSIS_RATE_HZ):
            self._done = True
        if not self._done and self._sound_goes_on(m):
            self._waiting_for_name = True

    def _voice_end(self, m: RoundMeasurement) -> int:
        """Where the teacher's voice stopped: the last segment's end, or, once the name has been
        said, where the speech model last heard speech after the name's start, when all it has
        heard since (after its own lag) is clearly no speech for ``TAIL_MIN_S``: typing, a pen
        or a chair straight after the name, joined to it or standing apart, would otherwise hold
        the round open until it stops."""
        last = m.segments[-1]
        if m.span is None or self.pattern.shape is not Shape.SPEECH_PAUSE_SPEECH:
            return last.end
        start = m.span[1]
        lag = self._config.edges.model_lag_ms * ANALYSIS_RATE_HZ // 1000
        if last.end - start < lag + int(TAIL_MIN_S * ANALYSIS_RATE_HZ) + WINDOW_SAMPLES:
            return last.end
        context = self._config.detection.model_context_ms * ANALYSIS_RATE_HZ // 1000
        # From the name's start every time: the network goes on from where the last check left
        # it (see ``model.window_scores``).
        stopped = voice_end_by_model(
            self.samples,
            start,
            last.end,
            context,
            lag=lag,
            quiet_min=int(TAIL_MIN_S * ANALYSIS_RATE_HZ),
            speech=TAIL_SPEECH,
            no_speech=TAIL_NO_SPEECH,
            voicing=TAIL_VOICING,
            voiced_ms=TAIL_VOICED_MS,
        )
        return last.end if stopped is None else stopped

    def _silence_needed(self, m: RoundMeasurement, silence: int) -> tuple[int, bool] | None:
        """The silence after the last speech that ends the round in this state, ``silence``
        samples after it, and whether the round then waits for a name that may still come
        (``None``: the pattern is not complete yet)."""
        shape = self.pattern.shape
        if shape is Shape.TIMED_TURN or (shape is Shape.CUE_PAUSE_SPEECH and m.span is not None):
            # A direction, or a response to a student, may hold pauses between sentences.
            return int(TURN_END_SILENCE_S * ANALYSIS_RATE_HZ), False
        if m.span is not None:
            if shape is Shape.SPEECH_PAUSE_SPEECH and (
                not self._sounds_like_a_name(m, m.span)
                or self._longer_than_a_first_name(m, m.span)
                or self._may_be_the_thinking_pause(m, m.span, silence)
                or self._may_be_a_sound_in_the_pause(m, m.span)
                or self._shorter_than_the_question_before(m, m.span)
            ):
                # More likely the question's end after a break inside it (in a loud room its
                # words come apart, and a teacher may hesitate); the name may still come.
                return self._unsure_silence, True
            if shape is Shape.SPEECH_PAUSE_SPEECH and (
                self._whole_question_known(m, m.span) or not self._shorter_than_the_band(m.span)
            ):
                return self._end_silence - self._ring_after(m.segments[-1]), False
            return self._end_silence, False
        if m.reason is Reason.NAME_FIRST:
            if self._paused_after_the_first_words(m):
                return 2 * self._end_silence, False
            # A question's first words, apart from the rest after a hesitation (or, in a loud
            # room, after one more gap between its words), read as a name said first until the
            # thinking pause and the name follow; wait, as for an unsure name, before ending.
            return max(2 * self._end_silence, self._unsure_silence), True
        return None

    def _sound_goes_on(self, m: RoundMeasurement) -> bool:
        """Whether sound has gone on for ``SOUND_GOES_ON_S`` after a pause as long as the band
        asks for without the round ending: the name may have been said, with other voices after
        it."""
        return (
            self.pattern.shape is Shape.SPEECH_PAUSE_SPEECH
            and m.span is not None
            and not self._shorter_than_the_band(m.span)
            and self._n - m.span[1] >= int(SOUND_GOES_ON_S * ANALYSIS_RATE_HZ)
        )

    def _ring_after(self, name: Segment) -> int:
        """How long ``name``'s segment goes on after the voice stopped (see ``RING_FALL_DB``),
        in samples; at most half the closing silence."""
        env = envelope_db(self.samples[name.start : name.end])  # one value per ms
        above = np.nonzero(env >= float(env[-5:].mean()) + RING_FALL_DB)[0] if env.size else env
        if not above.size:
            return 0
        ring_ms = min(env.size - int(above[-1]) - 1, round(RING_MAX_S * 1000))
        return min(ring_ms * HOP_SAMPLES, self._end_silence // 2)

    def _paused_after_the_first_words(self, m: RoundMeasurement) -> bool:
        """Whether the silence after the round's first words is as long as the band asks for:
        a name, a thinking pause, then the question (a name said first beyond doubt)."""
        groups = utterances(m.segments, self._config.pattern.utterance_gap_s)
        if len(groups) < 2:
            return False
        gap = groups[1][0].start - groups[0][-1].end
        return gap >= self.pattern.band.min_s * ANALYSIS_RATE_HZ

    def _shorter_than_the_band(self, span: tuple[int, int]) -> bool:
        """Whether the measured pause is shorter than the band asks for."""
        return span[1] - span[0] < self.pattern.band.min_s * ANALYSIS_RATE_HZ

    def _sounds_like_a_name(self, m: RoundMeasurement, span: tuple[int, int]) -> bool:
        """Whether what follows the measured pause reads as the name, from the audio alone: no
        longer than a name, after a pause that stands out from the gaps between the question's
        own pieces and is followed by something as long as a name; or no longer than a name with
        a few words after it (``NAME_WITH_WORDS_S``), after a pause as long as the band asks
        for."""
        before, after = _around(m, span)
        if not after or not before:
            return True
        shorter = self._shorter_than_the_band(span)
        longest = NAME_MAX_S if shorter else NAME_WITH_WORDS_S
        if after[-1].end - span[1] > longest * ANALYSIS_RATE_HZ:
            return False
        if not shorter:
            return True
        pause = span[1] - span[0]
        if after[-1].end - after[0].start < NAME_MIN_S * ANALYSIS_RATE_HZ:
            return False
        inner = max((b.start - a.end for a, b in zip(before, before[1:], strict=False)), default=0)
        return pause >= PAUSE_OVER_GAPS * inner

    def _longer_than_a_first_name(self, m: RoundMeasurement, span: tuple[int, int]) -> bool:
        """Whether, in a session's first round, what follows a pause shorter than the band asks
        for lasts longer than a first name (``FIRST_NAME_MAX_S``)."""
        if self._whole_question_known(m, span) or not self._shorter_than_the_band(span):
            return False
        _, after = _around(m, span)
        return bool(after) and after[-1].end - span[1] > FIRST_NAME_MAX_S * ANALYSIS_RATE_HZ

    def _may_be_the_thinking_pause(
        self, m: RoundMeasurement, span: tuple[int, int], silence: int
    ) -> bool:
        """Whether the silence now running may be the thinking pause itself: it has outlasted a
        pause shorter than the band asks for, and what came between them is no shorter than a
        share of what came before the pause (the rest of a question, not a name after it)."""
        pause = span[1] - span[0]
        if not self._shorter_than_the_band(span) or silence <= pause:
            return False
        if self._whole_question_known(m, span):
            # The question's length from the earlier rounds tells part of it from all of it
            # (``_shorter_than_the_question_before``); a name longer than a short own question
            # then ends the round as soon as it is over.
            return False
        before, after = _around(m, span)
        if not after or not before:
            return False
        said_after = after[-1].end - after[0].start
        return said_after >= REST_OF_QUESTION_SHARE * (before[-1].end - before[0].start)

    def _may_be_a_sound_in_the_pause(self, m: RoundMeasurement, span: tuple[int, int]) -> bool:
        """Whether what follows a pause shorter than the band asks for may be a sound in the
        thinking pause rather than the name: far less speech to the speech model (where
        installed) than the question, and far quieter than it or no speech to the model at all.
        The round's analysis drops such a sound once the name has followed it."""
        if not self._shorter_than_the_band(span):
            return False
        before, after = _around(m, span)
        if not after or not before:
            return False
        x = self.samples

        def peak_db(start: int, end: int) -> float:
            energy = frame_energy_db(x[start:end], FRAME_SAMPLES)
            return float(energy.max()) if energy.size else -200.0

        question_peak = max(peak_db(s.start, s.end) for s in before)
        quieter = question_peak - peak_db(after[0].start, after[-1].end) >= SOUND_BELOW_QUESTION_DB
        context = self._config.detection.model_context_ms * ANALYSIS_RATE_HZ // 1000
        sound = mean_speech_probability(x, after[0].start, after[-1].end, context)
        if sound is None or not (quieter or sound < NO_SPEECH_MEAN):
            return False  # the question is asked about only when its answer can matter
        question = max(before, key=lambda s: s.end - s.start)
        said = mean_speech_probability(x, question.start, question.end, context)
        return said is not None and said - sound >= SOUND_LESS_SPEECH

    def _whole_question_known(self, m: RoundMeasurement, span: tuple[int, int]) -> bool:
        """Whether the session knows how long the question is (from its earlier rounds), or what
        came before the pause lasted about as long as the question said in the microphone check
        (``AS_CHECKED``)."""
        if self._question is not None:
            return True
        if self._checked is None:
            return False
        before, _ = _around(m, span)
        if not before:
            return False
        asked = span[0] - before[0].start
        return AS_CHECKED[0] * self._checked <= asked <= AS_CHECKED[1] * self._checked

    def _shorter_than_the_question_before(self, m: RoundMeasurement, span: tuple[int, int]) -> bool:
        """Whether what came before a pause shorter than the band asks for is far shorter than
        the question the teacher asked in the session's earlier rounds, or said in the
        microphone check: then it is more likely part of the question, and the pause a
        hesitation inside it."""
        whole = self._question_length
        if whole is None or not self._shorter_than_the_band(span):
            return False
        before, _ = _around(m, span)
        if not before:
            return False
        asked = span[0] - before[0].start
        return asked < SHORTER_THAN_BEFORE * whole and (
            whole - asked >= SHORTER_BY_AT_LEAST_S * ANALYSIS_RATE_HZ
        )

    @property
    def done(self) -> bool:
        return self._done

    @property
    def timed_out(self) -> bool:
        return self._timed_out

    @property
    def no_speech_stop(self) -> bool:
        """The round stopped because no speech was heard for ``no_speech_s``."""
        return self._no_speech_stop

    def finish(self) -> RoundMeasurement:
        """The round's measurement over everything fed (also when ended early by a key); quiet
        speech that cannot be timed reliably is refused (``Reason.TOO_QUIET``)."""
        return refuse_too_quiet(
            analyze_samples(
                self.samples,
                ANALYSIS_RATE_HZ,
                self.pattern,
                cue_end_sample=self.cue_end_sample,
                config=self._config,
                judge_pause_voices=True,
            )
        )


def question_s(m: RoundMeasurement) -> float | None:
    """How long the question of a measured round (speech, pause, name) lasted: from its first
    segment to the pause (``None`` without a measured pause)."""
    if m.shape is not Shape.SPEECH_PAUSE_SPEECH or m.span is None:
        return None
    before, _ = _around(m, m.span)
    return (m.span[0] - before[0].start) / ANALYSIS_RATE_HZ if before else None


def sentence_s(samples: npt.NDArray[np.floating], sample_rate_hz: int) -> float | None:
    """How long the last sentence in ``samples`` lasts, as ``question_s`` measures a round's
    question: the speaker's segments joined across silences shorter than ``SENTENCE_GAP_S``,
    from the first one's start to the last one's end (``None``: no speech heard), heard as
    ``CHECK_CONFIG`` says. The microphone check asks the teacher to say the question they will
    practise (again, if what it timed was something else); its length tells a round a break
    inside that question from the thinking pause after it."""
    m = analyze_samples(samples, sample_rate_hz, config=CHECK_CONFIG)
    groups = utterances(m.segments, SENTENCE_GAP_S)
    if not groups:
        return None
    return (groups[-1][-1].end - groups[-1][0].start) / ANALYSIS_RATE_HZ


def _around(m: RoundMeasurement, span: tuple[int, int]) -> tuple[list[Segment], list[Segment]]:
    """The segments before the measured pause (the question) and after it (the name so far)."""
    before = [s for s in m.segments if s.end <= span[0]]
    after = [s for s in m.segments if s.start >= span[1]]
    return before, after
