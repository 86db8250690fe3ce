"""The round analysis on synthetic signals and on real speech made with espeak-ng."""

import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from simulator.audio import live as live_module
from simulator.audio.analysis import DEFAULT_CONFIG, analyze_samples
from simulator.audio.live import LiveRound
from simulator.audio.pattern import Band, Pattern, Phase, PhaseKind, Shape, question_pause_name
from simulator.audio.result import LevelWarning, Reason, Verdict
from simulator.rehearsal.round import RoundPolicy
from tests.speech import RATE, clip, make_round, silence

FRAME_S = 0.010
QUESTION_NL = "Welke twee voorbeelden heb ik net gegeven van economische marktwerking?"
QUESTION_EN = "Which two examples of market forces did I just give you?"


@pytest.fixture(scope="module")
def question(espeak: str) -> np.ndarray:
    return clip(QUESTION_NL, "nl")


@pytest.fixture(scope="module")
def name(espeak: str) -> np.ndarray:
    return clip("Kay?", "nl")


def test_pure_core_loads_no_ui_or_hardware_library() -> None:
    code = (
        "import sys, simulator.audio.analysis, simulator.audio.live, simulator.audio.wav, "
        "simulator.scenarios.model, simulator.commands.analyze; "
        "print(sorted(m for m in ('textual', 'sounddevice') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_synthetic_bursts_measure_the_gap_within_half_an_envelope_window() -> None:
    rng = np.random.default_rng(3)

    def burst(seconds: float) -> np.ndarray:
        # A buzz shaped like a syllable train: a 120 Hz voice (its first 20 harmonics) with some
        # breath noise, 4 Hz amplitude modulation, never fully silent.
        t = np.arange(int(seconds * RATE)) / RATE
        voice = sum(np.sin(2 * np.pi * 120 * k * t) / k for k in range(1, 21))
        sound = 0.15 * voice + 0.1 * rng.standard_normal(t.size)
        return (sound * (0.6 + 0.4 * np.sin(2 * np.pi * 4 * t))).astype(np.float32)

    x = np.concatenate([silence(0.5), burst(2.0), silence(2.75), burst(0.4), silence(1.0)])
    # A buzz is no voice to the speech model: this checks the edges, so it is not asked.
    edges_only = replace(
        DEFAULT_CONFIG, detection=replace(DEFAULT_CONFIG.detection, model_min_probability=0.0)
    )
    m = analyze_samples(x, RATE, config=edges_only)
    assert m.span is not None
    assert m.span_start_s == pytest.approx(2.5, abs=0.003)
    assert m.span_end_s == pytest.approx(5.25, abs=0.003)
    assert m.verdict is Verdict.ON_TARGET


@pytest.mark.parametrize("pause_s", [0.6, 1.2, 2.0, 3.0, 3.6, 5.0])
def test_espeak_round_pause_is_measured(
    question: np.ndarray, name: np.ndarray, pause_s: float
) -> None:
    r = make_round(question, name, pause_s)
    m = analyze_samples(r.samples, RATE)
    assert m.reason is None
    assert m.span is not None
    assert m.span[0] / RATE == pytest.approx(r.question_end / RATE, abs=FRAME_S)
    assert m.span[1] / RATE == pytest.approx(r.name_start / RATE, abs=FRAME_S)
    expected = (
        Verdict.TOO_SHORT
        if pause_s < 2.5
        else Verdict.TOO_LONG
        if pause_s > 4
        else Verdict.ON_TARGET
    )
    assert m.verdict is expected


def test_english_round_at_44k_stereo(espeak: str) -> None:
    from simulator.audio.resample import resample

    r = make_round(clip(QUESTION_EN, "en"), clip("Sanne?", "en"), 2.8)
    stereo = np.stack([resample(r.samples, RATE, 44100)] * 2, axis=1)
    m = analyze_samples(stereo, 44100)
    assert m.pause_s == pytest.approx(r.pause_s, abs=FRAME_S)


def test_hesitation_inside_the_question_is_not_the_thinking_pause(espeak: str) -> None:
    part1 = clip("Welke twee voorbeelden heb ik net gegeven", "nl")
    part2 = clip("van economische marktwerking?", "nl")
    q = np.concatenate([part1, silence(0.6), part2])
    r = make_round(q, clip("Fleur?", "nl"), 1.4)
    m = analyze_samples(r.samples, RATE)
    assert m.pause_s == pytest.approx(1.4, abs=FRAME_S)


def test_a_voice_after_the_name_is_not_taken_for_the_name(
    question: np.ndarray, name: np.ndarray
) -> None:
    """The thinking pause is the longest silence after the question: a student who answers half
    a second after the name (another voice, as loud) leaves a shorter gap than the wait, and is
    not read as the name after a short pause."""
    answer = clip("Ja, ik weet het.", "en+f2")
    r = make_round(question, name, 3.0, tail_s=0.0)
    samples = np.concatenate([r.samples, silence(0.5), answer, silence(1.0)])
    m = analyze_samples(samples, RATE)
    assert m.pause_s == pytest.approx(3.0, abs=0.05)
    assert m.verdict is Verdict.ON_TARGET


def test_more_words_after_the_name_keep_the_pause_before_the_name(espeak: str) -> None:
    """ "Kay … what do you think?": after a breath the teacher goes on; the wait before the name is
    still the pause, not the breath after it."""
    q = clip(QUESTION_EN, "en")
    r = make_round(q, clip("Kay.", "en"), 2.0, tail_s=0.0)
    more = clip("What do you think about that?", "en")
    samples = np.concatenate([r.samples, silence(0.8), more, silence(1.0)])
    m = analyze_samples(samples, RATE)
    assert m.pause_s == pytest.approx(2.0, abs=0.05)


def test_words_after_the_name_longer_than_the_question_keep_the_pause_before_the_name(
    espeak: str,
) -> None:
    """ "Welke voorbeelden heb ik gegeven? … (3 s) … Kay. … Wat denk jij, welke twee …?": the
    teacher asks briefly, waits, says the name and then, after a breath, says the question again
    at length. The longest utterance is then the words after the name, not the question; the
    pause is still the wait before the name, not the breath after it."""
    q = clip("Welke voorbeelden heb ik gegeven?", "nl")
    more = clip(
        "Wat denk jij, welke twee voorbeelden van economische marktwerking heb ik net gegeven?",
        "nl",
    )
    assert more.size > 1.5 * q.size
    r = make_round(q, clip("Kay.", "nl"), 3.0, tail_s=0.0)
    samples = np.concatenate([r.samples, silence(0.5), more, silence(1.0)])
    m = analyze_samples(samples, RATE)
    assert m.pause_s == pytest.approx(3.0, abs=0.05)
    assert m.verdict is Verdict.ON_TARGET


def test_a_name_with_more_words_after_a_short_wait_is_still_measured(espeak: str) -> None:
    """ "… (0.8 s) … Kay, wat denk jij daarvan?": a teacher who waits too briefly and says the
    name with more words after it is told that the wait was too short, not that no name came.
    What follows the pause is longer than any name and sure speech, as the rest of a question
    after a break inside it would be; a round read as one utterance here, with the silence
    after it, would say the round ended without a name."""
    q = clip("Welke twee voorbeelden heb ik net gegeven van economische marktwerking?", "nl")
    name = clip("Kay, wat denk jij daarvan?", "nl")
    assert name.size > DEFAULT_CONFIG.pattern.name_max_s * RATE
    r = make_round(q, name, 0.8, tail_s=5.0)
    m = analyze_samples(r.samples, RATE)
    assert m.pause_s == pytest.approx(0.8, abs=FRAME_S)
    assert m.verdict is Verdict.TOO_SHORT


def test_words_after_the_name_longer_than_a_short_question_are_not_the_question(
    espeak: str,
) -> None:
    """ "Wat is marktwerking? (3 s) Kay. (0.4 s) Wat denk jij ervan, Kay? (0.4 s) Vertel.":
    the words after the name outlast the question, and were taken for it, so the pause was read
    between them. The question is the first utterance nearly as long as the longest."""
    q = clip("Wat is marktwerking?", "nl")
    more = clip("Wat denk jij ervan, Kay?", "nl")
    share = DEFAULT_CONFIG.pattern.question_min_share
    assert q.size < more.size <= q.size / share
    name = np.concatenate(
        [clip("Kay.", "nl"), silence(0.4), more, silence(0.4), clip("Vertel.", "nl")]
    )
    r = make_round(q, name, 3.0, tail_s=1.5)
    m = analyze_samples(r.samples, RATE)
    assert m.pause_s == pytest.approx(3.0, abs=FRAME_S)
    longest = replace(
        DEFAULT_CONFIG, pattern=replace(DEFAULT_CONFIG.pattern, question_min_share=1.0)
    )
    assert analyze_samples(r.samples, RATE, config=longest).pause_s == pytest.approx(0.4, abs=0.05)


def test_a_question_begun_with_a_short_word_and_a_name_with_more_words_is_measured(
    espeak: str,
) -> None:
    """ "Welke … (0.7 s) … twee voorbeelden heb ik gegeven? (3 s) Kay, wat denk jij daarvan?":
    the first words are as short as a name and what comes last is longer than one, as in a
    round where the name came first and the question after it. But the round's longest silence
    comes after the question, not after those first words, so the name did not come first."""
    part1 = clip("Welke?", "nl")
    part2 = clip("Twee voorbeelden heb ik net gegeven van marktwerking?", "nl")
    q = np.concatenate([part1, silence(0.7), part2])
    name = clip("Kay, wat denk jij daarvan?", "nl")
    assert part1.size <= DEFAULT_CONFIG.pattern.name_first_max_s * RATE
    assert name.size > DEFAULT_CONFIG.pattern.name_max_s * RATE
    r = make_round(q, name, 3.0, tail_s=2.0)
    m = analyze_samples(r.samples, RATE)
    assert m.pause_s == pytest.approx(3.0, abs=FRAME_S)
    assert m.verdict is Verdict.ON_TARGET
    any_gap = replace(
        DEFAULT_CONFIG,
        pattern=replace(DEFAULT_CONFIG.pattern, name_first_longest_silence=False),
    )
    assert analyze_samples(r.samples, RATE, config=any_gap).reason is Reason.NAME_FIRST


def test_a_name_first_then_a_question_with_a_break_is_still_name_first(espeak: str) -> None:
    q = np.concatenate(
        [clip("Welke twee voorbeelden", "nl"), silence(0.6), clip("heb ik net gegeven?", "nl")]
    )
    x = np.concatenate([silence(0.5), clip("Kay.", "nl"), silence(2.0), q, silence(1.5)])
    assert analyze_samples(x, RATE).reason is Reason.NAME_FIRST


def test_a_long_break_inside_the_question_is_still_not_the_pause(espeak: str) -> None:
    """A teacher who waits less than they hesitated mid-question: the break is followed by the
    rest of the question, not by something as short as a name, so it is no candidate."""
    part1 = clip("Welke twee voorbeelden heb ik net gegeven", "nl")
    part2 = clip("van economische marktwerking in de klas?", "nl")
    q = np.concatenate([part1, silence(1.3), part2])
    r = make_round(q, clip("Fleur?", "nl"), 0.8)
    m = analyze_samples(r.samples, RATE)
    assert m.pause_s == pytest.approx(0.8, abs=FRAME_S)


def test_noise_floor_and_dc_offset(question: np.ndarray, name: np.ndarray) -> None:
    r = make_round(question, name, 3.2)
    rng = np.random.default_rng(7)
    noisy = r.samples + 0.004 * rng.standard_normal(r.samples.size) + 0.2  # ~30 dB SNR + DC
    m = analyze_samples(noisy.astype(np.float32), RATE)
    assert m.pause_s == pytest.approx(3.2, abs=0.03)


def test_quiet_recording_is_still_measured_and_flagged(
    question: np.ndarray, name: np.ndarray
) -> None:
    r = make_round(question, name, 2.6)
    m = analyze_samples(r.samples * 0.003, RATE)  # peak about -56 dBFS
    assert m.pause_s == pytest.approx(2.6, abs=FRAME_S)
    assert LevelWarning.TOO_QUIET in m.warnings


def test_silence_is_no_speech() -> None:
    m = analyze_samples(silence(3.0), RATE)
    assert (m.span, m.reason, m.verdict) == (None, Reason.NO_SPEECH, Verdict.NO_MEASUREMENT)


def test_only_one_utterance(question: np.ndarray) -> None:
    m = analyze_samples(np.concatenate([silence(0.5), question, silence(2.0)]), RATE)
    assert m.reason is Reason.ONE_UTTERANCE


def test_name_first(question: np.ndarray, name: np.ndarray) -> None:
    x = np.concatenate([silence(0.5), name, silence(0.7), question, silence(1.5)])
    assert analyze_samples(x, RATE).reason is Reason.NAME_FIRST


def test_no_pause_between_question_and_name(question: np.ndarray, name: np.ndarray) -> None:
    x = np.concatenate([silence(0.5), question, silence(0.15), name, silence(1.0)])
    assert analyze_samples(x, RATE).reason is Reason.NO_PAUSE


def test_heavily_clipped_input_without_a_pause_says_clipped(question: np.ndarray) -> None:
    x = np.clip(np.concatenate([silence(0.5), question, silence(1.0)]) * 40, -1, 1)
    m = analyze_samples(x, RATE)
    assert m.reason is Reason.CLIPPED
    assert LevelWarning.CLIPPED in m.warnings


def test_target_and_band_are_configurable(question: np.ndarray, name: np.ndarray) -> None:
    r = make_round(question, name, 3.0)
    pattern = question_pause_name(Band(target_s=5.0, min_s=4.0, max_s=7.0))
    assert analyze_samples(r.samples, RATE, pattern).verdict is Verdict.TOO_SHORT


def test_cue_pause_response_pattern(espeak: str) -> None:
    pattern = Pattern(
        (
            Phase(PhaseKind.CUE, "student answer"),
            Phase(PhaseKind.PAUSE, "wait", Band(3.0, 2.5, 4.0)),
            Phase(PhaseKind.SPEECH, "response"),
        )
    )
    reply = clip("Dank je. Wie kan daar iets aan toevoegen?", "nl")
    x = np.concatenate([silence(2.2), reply, silence(1.0)])
    m = analyze_samples(x, RATE, pattern, cue_end_sample=int(0.5 * RATE))
    assert m.shape is Shape.CUE_PAUSE_SPEECH
    assert m.measured_s == pytest.approx(1.7, abs=FRAME_S)
    assert m.verdict is Verdict.TOO_SHORT
    assert analyze_samples(silence(4.0), RATE, pattern).reason is Reason.NO_SPEECH


def test_a_loud_loudspeaker_cue_with_a_late_tail_is_not_the_teacher(espeak: str) -> None:
    pattern = Pattern(
        (
            Phase(PhaseKind.CUE, "student answer"),
            Phase(PhaseKind.PAUSE, "wait", Band(3.0, 2.5, 4.0)),
            Phase(PhaseKind.SPEECH, "response"),
        )
    )
    student = clip("Omdat de vraag groter is dan het aanbod.", "nl+f3") * 1.8  # loud speaker
    teacher = clip("Wie kan daar iets aan toevoegen?", "nl") * 0.35  # further from the mic
    # The app marks the cue's end when playback finishes; its last 150 ms reach the
    # microphone after that (output latency).
    late = int(0.15 * RATE)
    cue_end = int(0.3 * RATE) + student.size - late
    x = np.concatenate([silence(0.3), student, silence(2.6), teacher, silence(1.0)])
    m = analyze_samples(x, RATE, pattern, cue_end_sample=cue_end)
    assert m.reason is None
    assert m.span is not None
    assert (m.span[1] - cue_end) / RATE == pytest.approx(2.6 + 0.15, abs=FRAME_S)
    assert m.verdict is Verdict.ON_TARGET


def test_timed_turn_pattern(espeak: str) -> None:
    pattern = Pattern((Phase(PhaseKind.SPEECH, "direction", Band(4.0, 0.5, 6.0)),))
    part1 = clip("Pennen neer.", "nl")
    part2 = clip("Ogen naar mij.", "nl")
    x = np.concatenate([silence(0.4), part1, silence(0.5), part2, silence(1.0)])
    m = analyze_samples(x, RATE, pattern)
    assert m.pause_s is None
    assert m.measured_s == pytest.approx((part1.size + part2.size) / RATE + 0.5, abs=FRAME_S)
    assert m.verdict is Verdict.ON_TARGET


def test_live_round_ends_after_the_name_and_matches_offline(
    question: np.ndarray, name: np.ndarray
) -> None:
    r = make_round(question, name, 3.0, tail_s=3.0)
    live = LiveRound(question_pause_name())
    ended_at = None
    for i in range(0, r.samples.size, 1600):
        if live.feed(r.samples[i : i + 1600]).done:
            ended_at = i + 1600
            break
    assert ended_at is not None
    # It ends about 0.8 s after the name, long before the recording's end.
    name_end = r.name_start + name.size
    assert 0.7 <= (ended_at - name_end) / RATE <= 1.2
    assert live.finish().pause_s == pytest.approx(3.0, abs=FRAME_S)


def test_live_round_ends_within_one_block_of_the_end_silence(
    monkeypatch: pytest.MonkeyPatch, question: np.ndarray, name: np.ndarray
) -> None:
    # Blocks of 20 ms, as the microphone delivers them; checks every 0.1 s of audio, but the
    # last one falls when the 0.8 s of silence after the name is complete (counted here from
    # the name's segment's end, not from where its voice stopped by its level).
    monkeypatch.setattr(live_module, "RING_MAX_S", 0.0)
    r = make_round(question, name, 3.0, tail_s=3.0)
    live = RoundPolicy().live_round(question_pause_name(), 0)
    block = 320
    ended_at = next(
        i + block
        for i in range(0, r.samples.size, block)
        if live.feed(r.samples[i : i + block]).done
    )
    measured_name_end = live.finish().segments[-1].end
    assert 0.8 <= (ended_at - measured_name_end) / RATE <= 0.8 + block / RATE + 1e-9


def test_live_round_does_not_end_in_the_thinking_pause(question: np.ndarray) -> None:
    live = LiveRound(question_pause_name())
    x = np.concatenate([silence(0.5), question, silence(4.0)])
    statuses = [live.feed(x[i : i + 1600]) for i in range(0, x.size, 1600)]
    assert statuses[-1].heard_speech and not statuses[-1].done


def test_live_round_times_out() -> None:
    live = LiveRound(question_pause_name(), max_s=2.0)
    status = None
    for _ in range(25):
        status = live.feed(silence(0.1))
    assert status is not None and status.done and status.timed_out


def test_live_cue_round_lets_the_teacher_finish_a_two_sentence_response(espeak: str) -> None:
    pattern = Pattern(
        (
            Phase(PhaseKind.CUE, "student answer"),
            Phase(PhaseKind.PAUSE, "wait", Band(3.0, 2.5, 4.0)),
            Phase(PhaseKind.SPEECH, "response"),
        )
    )
    first, second = clip("Dank je.", "nl"), clip("Wie kan daar iets aan toevoegen?", "nl")
    x = np.concatenate([silence(2.8), first, silence(0.9), second, silence(3.0)])
    live = LiveRound(pattern)
    ended_at = None
    for i in range(0, x.size, 1600):
        if live.feed(x[i : i + 1600]).done:
            ended_at = i + 1600
            break
    assert ended_at is not None
    second_end = int(2.8 * RATE) + first.size + int(0.9 * RATE) + second.size
    assert ended_at > second_end  # not cut off in the pause between the two sentences
    assert live.finish().measured_s == pytest.approx(2.8, abs=FRAME_S)


def _feed_until_done(live: LiveRound, x: np.ndarray, block: int = 320) -> float | None:
    for i in range(0, x.size, block):
        if live.feed(x[i : i + block]).done:
            return (i + block) / RATE
    return None


def test_live_round_waits_when_what_follows_a_break_is_longer_than_the_name(
    name: np.ndarray, espeak: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The question comes apart after its first words (as it can in a noisy room); what follows
    # the break is far longer than "Kay", so the round waits for the name instead of ending.
    first = clip("Welke twee voorbeelden", "nl")
    rest = clip("heb ik net gegeven van economische marktwerking?", "nl")
    x = np.concatenate([silence(0.5), first, silence(0.4), rest, silence(3.0), name, silence(6.0)])
    name_start = int(0.5 * RATE) + first.size + int(0.4 * RATE) + rest.size + int(3.0 * RATE)

    unsure = LiveRound(question_pause_name())
    ended = _feed_until_done(unsure, x)
    assert ended is not None and ended * RATE > name_start + name.size
    assert unsure.finish().pause_s == pytest.approx(3.0, abs=0.05)

    # Without a longest name or first name (and without taking a long rest for the question's),
    # the round ends in the thinking pause.
    monkeypatch.setattr(live_module, "NAME_MAX_S", 100.0)
    monkeypatch.setattr(live_module, "FIRST_NAME_MAX_S", 100.0)
    monkeypatch.setattr(live_module, "REST_OF_QUESTION_SHARE", float("inf"))
    naive = LiveRound(question_pause_name())
    ended = _feed_until_done(naive, x)
    assert ended is not None and ended * RATE < name_start


def test_live_round_waits_longer_before_ending_on_name_first_quiet_or_loud(
    question: np.ndarray, name: np.ndarray
) -> None:
    # The name 1.0 s before the question: it may be the question's first word, heard apart from
    # the rest, so the round waits as for an unsure name before it ends, in any room.
    x = np.concatenate([silence(0.5), name, silence(1.0), question, silence(7.0)])
    question_end = int(1.5 * RATE) + name.size + question.size
    quiet = _feed_until_done(LiveRound(question_pause_name()), x)
    assert quiet is not None and quiet - question_end / RATE >= 4.9

    rng = np.random.default_rng(3)
    noise = rng.standard_normal(x.size) * np.sqrt(np.mean(question.astype(np.float64) ** 2))
    loud = (x + noise * 10 ** (-20 / 20)).astype(np.float32)  # 20 dB below the speech
    live = LiveRound(question_pause_name())
    ended = _feed_until_done(live, loud)
    assert ended is not None and ended - question_end / RATE >= 4.9  # the band's 4.0 s + 1 s
    assert live.finish().reason is Reason.NAME_FIRST
