"""Stage 2, detection: the stretches (in 10 ms frames) that are the speaker's speech.

A frame counts when the VAD calls it speech, it stands above the noise floor and it is within
reach of the speaker's own level; hysteresis joins frames into segments. A segment then has to
reach near the speaker's level and stand well clear of the background: other people's voices
make short stretches that are loud enough to be speech but not as loud as the person at the
microphone.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from simulator.audio.analysis.config import DetectionConfig, LevelConfig
from simulator.audio.analysis.levels import FrameLevels
from simulator.audio.analysis.model import (
    WINDOW_MS,
    WINDOW_SAMPLES,
    mean_speech_probability,
    speech_probability,
    window_scores,
)
from simulator.audio.analysis.signal import FRAME_SAMPLES, frame_energy_db
from simulator.audio.analysis.voicing import last_run_end, longest_run_ms, periodicity
from simulator.audio.result import ANALYSIS_RATE_HZ
from simulator.audio.segmenter import segment


def detect_speech(
    x: npt.NDArray[np.float32],
    fl: FrameLevels,
    config: DetectionConfig,
    level_config: LevelConfig,
    *,
    name_max_s: float = 1.5,
) -> list[tuple[int, int]]:
    """The speaker's segments as ``[start, end)`` frame indices. ``name_max_s``: the longest
    last utterance taken for a name (what follows a name may be more words, or an answer)."""
    prominence = min(
        config.prominence_max_db,
        max(level_config.noise_margin_db, config.prominence_spread_ratio * fl.spread_db),
    )
    gate = max(
        fl.speaker_db - config.speaker_gate_db, fl.background_db + config.background_margin_db
    )
    active = fl.vad & fl.sound & (fl.energy_db >= gate)
    frames = segment(
        active.tolist(),
        max_gap=max(1, config.bridge_ms // 10),
        min_len=max(1, config.min_segment_ms // 10),
    )
    # In a quiet room only the teacher speaks, and a question's words vary in level (its last one
    # often falls away); where others talk, a segment must come closer to the teacher's level.
    quiet_room = fl.full_speaker_db - fl.full_background_db >= config.quiet_room_above_db
    peak_db = config.quiet_room_segment_peak_db if quiet_room else config.segment_peak_db
    need = max(fl.speaker_db - peak_db, fl.background_db + prominence)
    frames = [(a, b) for a, b in frames if fl.energy_db[a:b].max() >= need]
    if config.onset_rise_db and frames:
        frames = _abrupt_onsets(fl, frames, config)
    # The high-frequency-tilted level per frame, for the near-voice and the brightness checks.
    hf = _high_frequency_db(x, fl) if frames else np.zeros(0)
    if fl.full_speaker_db - fl.full_background_db < config.near_voice_below_db and frames:
        frames = _near_voices_only(x, fl, frames, config, hf)
    if frames and (config.min_voiced_run_ms or config.model_min_probability):
        frames = _speech_like_utterances(
            x, fl, frames, config, hf, judge_voicing=bool(config.min_voiced_run_ms)
        )
    if frames and config.model_min_probability and config.intruder_gap_ratio:
        frames = _without_intruders(x, fl, frames, config, name_max_s)
    if frames and config.model_min_probability and config.onset_model_min_ms:
        frames = _from_the_speech_onset(x, frames, config)
    if frames and config.model_min_probability and config.end_model_min_ms:
        frames = _to_the_speech_end(x, frames, config)
    return frames


def _from_the_speech_onset(
    x: npt.NDArray[np.float32], frames: list[tuple[int, int]], config: DetectionConfig
) -> list[tuple[int, int]]:
    """Each long segment from where the speech model first hears speech in it: typing, paper or
    a chair that ran up to a word, with no silence between them, is in the word's segment, and
    the pause would end at the noise, not at the name. Only where the model hears no speech in
    the segment's first ``onset_model_lead_ms``; the start moves to ``onset_model_margin_ms``
    before the first window it hears speech in (the network takes a moment to be sure)."""
    context = config.model_context_ms * ANALYSIS_RATE_HZ // 1000
    sure = config.onset_model_probability
    kept: list[tuple[int, int]] = []
    for a, b in frames:
        if (b - a) * 10 >= config.onset_model_min_ms:
            # Scored up to the first window that reaches the bar: a live check asks again about
            # a segment that grows, and only its start matters here.
            scores = window_scores(x, a * FRAME_SAMPLES, b * FRAME_SAMPLES, context, sure) or ()
            first = len(scores) - 1  # the first sure window, when the last scored one is sure
            heard_late = first * WINDOW_MS >= config.onset_model_lead_ms
            if first >= 0 and scores[first] >= sure and heard_late:
                start = a + first * WINDOW_SAMPLES // FRAME_SAMPLES
                a = max(a, start - config.onset_model_margin_ms // 10)
        kept.append((a, b))
    return kept


def _to_the_speech_end(
    x: npt.NDArray[np.float32], frames: list[tuple[int, int]], config: DetectionConfig
) -> list[tuple[int, int]]:
    """Each long segment but the last up to where the speech model last hears speech in it, when
    what follows that is clearly no speech (``voice_end_by_model``): typing, a pen or a door that
    ran on from the question's last word, with no silence between them, is in the word's
    segment, and the pause would start at the noise's end. The last segment (the name, or what
    came last so far in a live round) keeps its end: it does not bound the pause. Only a segment
    whose last vowel (a voiced run of ``end_voiced_ms``) is over at least the network's lag and
    ``end_no_speech_ms`` before its end is asked about: that costs far less than the network, and
    most segments end in a vowel or just after one."""
    context = config.model_context_ms * ANALYSIS_RATE_HZ // 1000
    lag = config.end_model_lag_ms * ANALYSIS_RATE_HZ // 1000
    unvoiced_min = (config.end_model_lag_ms + config.end_no_speech_ms) // 10
    kept: list[tuple[int, int]] = []
    for k, (a, b) in enumerate(frames):
        if k < len(frames) - 1 and (b - a) * 10 >= config.end_model_min_ms:
            voiced = periodicity(x, a, b) >= config.voicing_threshold
            if b - a - last_run_end(voiced, config.end_voiced_ms // 10) >= unvoiced_min:
                end = voice_end_by_model(
                    x,
                    a * FRAME_SAMPLES,
                    b * FRAME_SAMPLES,
                    context,
                    lag=lag,
                    quiet_min=config.end_no_speech_ms * ANALYSIS_RATE_HZ // 1000,
                    speech=config.onset_model_probability,
                    no_speech=config.end_no_speech,
                    voicing=config.voicing_threshold,
                    voiced_ms=config.end_voiced_ms,
                )
                if end is not None and (end // FRAME_SAMPLES - a) * 10 >= config.min_segment_ms:
                    # (Speech at its very start alone says too little to cut it down to that.)
                    b = min(b, end // FRAME_SAMPLES)
        kept.append((a, b))
    return kept


def voice_end_by_model(
    x: npt.NDArray[np.float32],
    start: int,
    end: int,
    context: int,
    *,
    lag: int,
    quiet_min: int,
    speech: float,
    no_speech: float,
    voicing: float,
    voiced_ms: int,
) -> int | None:
    """Where the voice in ``x[start:end]`` (samples) stopped, as the speech model hears it: the
    end of the last window it hears speech in (at ``speech``), less ``lag`` (the network still
    hears speech for a moment after a voice stops), when every window after that lag is under
    ``no_speech``, there are windows for at least ``quiet_min`` samples, and that stretch holds
    no voiced run of ``voiced_ms`` (10 ms frames at ``voicing``, see ``voicing.periodicity``):
    words the model doubts (in a room that rings, behind a fan) still hold vowels; a key press
    holds 20-30 ms at most. ``None`` when the model is not installed, hears no speech there, or
    any of that does not hold: the voice may go on to ``end``. At least one window after
    ``start``."""
    scores = window_scores(x, start, end, context)
    heard = [k for k, p in enumerate(scores or ()) if p >= speech]
    if not scores or not heard:
        return None
    judged = heard[-1] + 1 + -(-lag // WINDOW_SAMPLES)  # the first window after the lag
    tail = scores[judged:]
    if not tail or len(tail) * WINDOW_SAMPLES < quiet_min or max(tail) >= no_speech:
        return None
    after = start + judged * WINDOW_SAMPLES
    periodic = periodicity(x, after // FRAME_SAMPLES, end // FRAME_SAMPLES)
    if longest_run_ms(periodic >= voicing) >= voiced_ms:
        return None
    return start + max(WINDOW_SAMPLES, (heard[-1] + 1) * WINDOW_SAMPLES - lag)


def _abrupt_onsets(
    fl: FrameLevels, frames: list[tuple[int, int]], config: DetectionConfig
) -> list[tuple[int, int]]:
    """Keep the segments that rise abruptly somewhere (a syllable's onset), each from the window
    of its first such rise: what came before it is noise lifted by an automatic gain control
    (its gain climbs in a pause, over 0.5-2 s) that ran on into the word."""
    window = max(1, config.onset_rise_ms // 10)
    padded = np.concatenate((np.full(window, np.inf), fl.energy_db))
    before = np.lib.stride_tricks.sliding_window_view(padded[:-1], window).min(axis=1)
    abrupt = fl.energy_db - before >= config.onset_rise_db
    kept = []
    for a, b in frames:
        if abrupt[a:b].any():
            first = a + int(np.argmax(abrupt[a:b]))
            kept.append((max(a, first - window), b))
    return kept


def _utterances(
    frames: list[tuple[int, int]], config: DetectionConfig
) -> list[list[tuple[int, int]]]:
    """Segments closer than ``voicing_group_gap_ms`` (a gap between words) grouped together."""
    gap = config.voicing_group_gap_ms // 10
    groups: list[list[tuple[int, int]]] = []
    for seg in frames:
        if groups and seg[0] - groups[-1][-1][1] < gap:
            groups[-1].append(seg)
        else:
            groups.append([seg])
    return groups


def _longest(groups: list[list[tuple[int, int]]]) -> int:
    """The index of the longest utterance (the question, in a round with one)."""
    return max(range(len(groups)), key=lambda k: groups[k][-1][1] - groups[k][0][0])


def _question(
    x: npt.NDArray[np.float32], groups: list[list[tuple[int, int]]], config: DetectionConfig
) -> tuple[int, dict[int, float]]:
    """The index of the question: the longest utterance the speech model is sure of (see
    ``DetectionConfig.question_speech_probability``); the longest of all without the model, or
    when it is sure of none. Also the model's answers it got on the way, by utterance: each the
    highest probability of an utterance it doubted, or the first to reach the bar."""
    longest = _longest(groups)
    sure = config.question_speech_probability
    heard: dict[int, float] = {}
    if not sure:
        return longest, heard
    context = config.model_context_ms * ANALYSIS_RATE_HZ // 1000
    for k in sorted(range(len(groups)), key=lambda k: groups[k][0][0] - groups[k][-1][1]):
        a, b = groups[k][0][0] * FRAME_SAMPLES, groups[k][-1][1] * FRAME_SAMPLES
        p = speech_probability(x, a, b, context, enough=sure)
        if p is None:
            return longest, heard  # no model installed
        heard[k] = p
        if p >= sure:
            return k, heard
    return longest, heard


def _speech_like_utterances(
    x: npt.NDArray[np.float32],
    fl: FrameLevels,
    frames: list[tuple[int, int]],
    config: DetectionConfig,
    hf: npt.NDArray[np.float64],
    *,
    judge_voicing: bool,
) -> list[tuple[int, int]]:
    """Keep the utterances (segments closer than a gap between words) that sound like speech:
    they hold a vowel, are not far brighter than the speaker's own words (unless the speech
    model is sure they are speech), and the speech model (where installed) hears speech in them
    (in the last of several that is kept, the name, less sure speech will do; judged from the
    last back, so that a key press after the name, dropped, does not take that from it).

    Judged per utterance, not per segment: a word's unvoiced ending ("-s", "-t") may stand
    apart as a segment of its own, and belongs to the word before it.
    """
    groups = _utterances(frames, config)
    question, heard = _question(x, groups, config)
    voiced, bright = [True] * len(groups), [False] * len(groups)
    if judge_voicing:
        voiced, bright = _voiced_and_bright(x, fl, groups, question, config, hf)
    context = config.model_context_ms * ANALYSIS_RATE_HZ // 1000
    kept: list[list[tuple[int, int]]] = []
    kept_index = 0
    for k in reversed(range(len(groups))):
        group = groups[k]
        speech = voiced[k]
        if speech and config.model_min_probability:
            # Every utterance, the question too: a cough bout, a door or typing can be the
            # longest sound of a round with little or no speech in it.
            a, b = group[0][0] * FRAME_SAMPLES, group[-1][1] * FRAME_SAMPLES
            # Far brighter than the speaker's voice: speech only if the model is sure of it.
            need = config.model_min_probability
            if bright[k]:
                need = config.bright_speech_probability
            elif k > 0 and not kept and config.name_min_probability:
                need = config.name_min_probability
            if k in heard and need <= config.question_speech_probability:
                p: float | None = heard[k]  # known exactly below that bar, or reaching it
            else:
                p = speech_probability(x, a, b, context, enough=need)
            speech = p >= need if p is not None else not bright[k]
        elif bright[k]:
            speech = False
        if speech:
            kept.append(_without_stray_ends(x, group, config))
            kept_index = k
    if len(kept) == 1 and config.lone_speech_probability:
        # One utterance and nothing else: a round of typing, a door or footsteps, which the
        # model may hear as a little speech, but never as surely as a question or a sentence.
        sure = config.lone_speech_probability
        p = heard.get(kept_index) if sure <= config.question_speech_probability else None
        if p is None:
            a, b = kept[0][0][0] * FRAME_SAMPLES, kept[0][-1][1] * FRAME_SAMPLES
            p = speech_probability(x, a, b, context, enough=sure)
        if p is not None and p < sure:
            return []
    return [seg for group in reversed(kept) for seg in group]


def _without_intruders(
    x: npt.NDArray[np.float32],
    fl: FrameLevels,
    frames: list[tuple[int, int]],
    config: DetectionConfig,
    name_max_s: float,
) -> list[tuple[int, int]]:
    """Drop the utterances between the question (the longest, see ``_question_before_sounds``)
    and the last one (the name) that stand in the thinking pause rather than end the question:
    not much louder than the name, less speech to the speech model than the name, and as far
    from what came before them as a fair share of the silence after them. A cough, a chair or a
    word from across the room splits the pause; the question's own last words come soon after
    the rest of it and are followed by the pause; a name with a student's quick answer after it
    is followed by a far shorter gap than the pause before it, so a sound that close to the last
    utterance is dropped only when it is far less speech than it (a cough run up to the name;
    the name before a student's answer is as much speech as the answer). Only when the last
    utterance is as short as a name (more words after the name are no name to compare with).
    One that is hardly speech to the model while the question is sure speech goes too, even a
    little louder than the name: the model may doubt a name called across a room that rings as
    much as a cough (``DetectionConfig.intruder_below_question_speech``). Without the model
    every utterance stays."""
    groups = _utterances(frames, config)
    name = len(groups) - 1
    name_frames = groups[name][-1][1] - groups[name][0][0]
    if name_frames * FRAME_SAMPLES > name_max_s * ANALYSIS_RATE_HZ:
        return frames
    question = _question_before_sounds(x, groups, config)  # may ask the model: after the above
    if name - question < 2:
        return frames
    context = config.model_context_ms * ANALYSIS_RATE_HZ // 1000

    def peak_db(group: list[tuple[int, int]]) -> float:
        return max(float(fl.full_energy_db[a:b].max()) for a, b in group)

    def speech(group: list[tuple[int, int]]) -> float | None:
        a, b = group[0][0] * FRAME_SAMPLES, group[-1][1] * FRAME_SAMPLES
        return mean_speech_probability(x, a, b, context)

    name_peak = peak_db(groups[name])
    kept: list[tuple[int, int]] = []
    for k, group in enumerate(groups):
        if question < k < name:
            before = group[0][0] - groups[k - 1][-1][1]
            after = groups[k + 1][0][0] - group[-1][1]
            below = (
                name_peak - peak_db(group) if config.intruder_gap_ratio * after <= before else None
            )
            if below is not None and below >= config.intruder_below_name_db:
                # The model is asked only about a candidate (its answers are cached).
                margin = (
                    config.intruder_speech_margin
                    if before < config.intruder_gap_ratio_max * after
                    else config.intruder_far_less_speech
                )
                if margin:
                    said, p = speech(groups[name]), speech(group)
                    if said is not None and p is not None and said - p >= margin:
                        continue
            if (
                below is not None
                and below >= config.intruder_question_below_name_db
                and _far_less_speech_than_the_question(group, groups[question], speech, config)
            ):
                continue
        kept.extend(group)
    return kept


def _far_less_speech_than_the_question(
    group: list[tuple[int, int]],
    question: list[tuple[int, int]],
    speech: Callable[[list[tuple[int, int]]], float | None],
    config: DetectionConfig,
) -> bool:
    """Whether a sound in the pause (``group``) is far less speech to the speech model than the
    question (``DetectionConfig.intruder_below_question_speech``)."""
    if not config.intruder_below_question_speech:
        return False
    p = speech(group)
    if p is None or p >= config.intruder_no_speech_mean:
        return False
    asked = speech(question)
    return asked is not None and asked - p >= config.intruder_below_question_speech


def _question_before_sounds(
    x: npt.NDArray[np.float32], groups: list[list[tuple[int, int]]], config: DetectionConfig
) -> int:
    """The question the sounds in the pause are counted from (``_without_intruders``): the
    longest utterance, unless it follows another one and is mostly no speech to the model (a
    cough bout or a door that outlasts the question); then the earlier utterance with the most
    speech in it, when that holds more than the longest (see
    ``DetectionConfig.intruder_question_mean``). The model is asked only where the longest
    utterance is neither the first nor the last."""
    longest = _longest(groups)
    if not config.intruder_question_mean or longest in (0, len(groups) - 1):
        return longest
    context = config.model_context_ms * ANALYSIS_RATE_HZ // 1000

    def scores(k: int) -> tuple[float, ...] | None:
        group = groups[k]
        return window_scores(x, group[0][0] * FRAME_SAMPLES, group[-1][1] * FRAME_SAMPLES, context)

    heard = scores(longest)
    if not heard:
        return longest
    said = sum(heard)
    if said / len(heard) >= config.intruder_question_mean:
        return longest
    speech = {k: sum(scores(k) or ()) for k in range(longest)}
    best = max(speech, key=lambda k: (speech[k], -k))
    return best if speech[best] > said else longest


def _without_stray_ends(
    x: npt.NDArray[np.float32], group: list[tuple[int, int]], config: DetectionConfig
) -> list[tuple[int, int]]:
    """The utterance without the segments at its end (or start) that stand apart from the rest
    and that the speech model, asked about them alone, does not hear as speech: keys, a pen tap
    or a cough that ran on from the teacher's words, or ran up to the name. Apart: after a
    silence longer than the closure before a word-final burst, or, for a run of segments as
    long as a word, after any silence between segments. Without the model the utterance stays
    whole."""
    gap = config.stray_end_gap_ms // 10
    if not gap or not config.model_min_probability or len(group) < 2:
        return group
    context = config.model_context_ms * ANALYSIS_RATE_HZ // 1000
    word = config.stray_run_min_ms // 10

    def apart(k: int, run: int) -> bool:
        """Whether segment ``k`` stands apart from the one before it, for a run this long."""
        return group[k][0] - group[k - 1][1] >= gap or (bool(word) and run >= word)

    def stray(start: int, end: int) -> bool:
        need = config.model_min_probability
        p = speech_probability(x, start * FRAME_SAMPLES, end * FRAME_SAMPLES, context, need)
        return p is not None and p < need

    first, last = 0, len(group)
    for k in range(len(group) - 1, 0, -1):  # the end: runs of the last segments
        run = (group[k][0], group[last - 1][1])
        if apart(k, run[1] - run[0]):
            if not stray(*run):
                break
            last = k
    for k in range(1, last):  # the start: runs of the first segments
        run = (group[first][0], group[k - 1][1])
        if apart(k, run[1] - run[0]):
            if not stray(*run):
                break
            first = k
    return group[first:last]


def _voiced_and_bright(
    x: npt.NDArray[np.float32],
    fl: FrameLevels,
    groups: list[list[tuple[int, int]]],
    question: int,
    config: DetectionConfig,
    hf: npt.NDArray[np.float64],
) -> tuple[list[bool], list[bool]]:
    """Per utterance: whether it holds a vowel, and whether it is far brighter than the
    question (the speaker's own voice)."""
    periodic = [[periodicity(x, a, b) for a, b in group] for group in groups]
    # The speaker's own voice sets the scale: in a reverberant room, on a phone-quality
    # microphone, even the question's vowels are less periodic than a dry voice's.
    own = np.concatenate(periodic[question])
    own_energy = np.concatenate([fl.full_energy_db[a:b] for a, b in groups[question]])
    loud = own[own_energy >= own_energy.max() - config.voicing_reference_within_db]
    scale = min(1.0, float(np.percentile(loud, 80)) / config.voicing_reference)
    tilt = _tilt_db(x, fl, hf) if config.brighter_than_voice_db else None
    own_tilt = None if tilt is None else _utterance_tilt(tilt, fl, groups[question], config)
    voiced_out, bright_out = [], []
    for k, (group, values) in enumerate(zip(groups, periodic, strict=True)):
        voiced = any(
            longest_run_ms(p >= scale * _voicing_thresholds(fl, a, b, config))
            >= config.min_voiced_run_ms
            for (a, b), p in zip(group, values, strict=True)
        )
        bright = False
        if voiced and tilt is not None and own_tilt is not None and k != question:
            # A cough, a sneeze or a laugh may hold a voiced stretch; it is far brighter (more
            # hiss above 2 kHz against the voice below 1 kHz) than the speaker's own words.
            brightness = _utterance_tilt(tilt, fl, group, config)
            bright = (
                brightness is not None and brightness - own_tilt > config.brighter_than_voice_db
            )
        voiced_out.append(voiced)
        bright_out.append(bright)
    return voiced_out, bright_out


def _high_frequency_db(x: npt.NDArray[np.float32], fl: FrameLevels) -> npt.NDArray[np.float64]:
    """Per frame: the energy of the first difference (tilted towards high frequencies), in dB."""
    n = fl.full_energy_db.size
    hf: npt.NDArray[np.float64] = frame_energy_db(
        np.diff(x, prepend=x[:1]).astype(np.float32), FRAME_SAMPLES
    )[:n]
    return hf


def _tilt_db(
    x: npt.NDArray[np.float32], fl: FrameLevels, hf: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Per frame: the first difference's energy (``hf``, tilted towards high frequencies) over
    the energy of block means of 8 samples (below about 1 kHz), in dB."""
    n = fl.full_energy_db.size
    whole = x[: x.size // 8 * 8]
    low = whole.reshape(-1, 8).mean(axis=1)
    lf = frame_energy_db(low, FRAME_SAMPLES // 8)[:n]
    out: npt.NDArray[np.float64] = hf - lf
    return out


def _utterance_tilt(
    tilt: npt.NDArray[np.float64],
    fl: FrameLevels,
    group: list[tuple[int, int]],
    config: DetectionConfig,
) -> float | None:
    values = np.concatenate([tilt[a:b] for a, b in group])
    energy = np.concatenate([fl.full_energy_db[a:b] for a, b in group])
    loud = values[energy >= energy.max() - config.voicing_reference_within_db]
    return float(np.median(loud)) if loud.size else None


def _near_voices_only(
    x: npt.NDArray[np.float32],
    fl: FrameLevels,
    frames: list[tuple[int, int]],
    config: DetectionConfig,
    hf: npt.NDArray[np.float64],
) -> list[tuple[int, int]]:
    """In a loud room, keep the segments that keep the speaker's high frequencies (``hf``).

    The speaker's high-frequency level is that of the round's speech, or of the question (see
    ``_question``) where that is lower: a name called out louder, or brighter, than
    the question would otherwise set a level the question's own words never reach.
    """
    ref = fl.reference
    hf_speaker = float(np.percentile(hf[ref][(fl.vad & fl.sound)[ref]], 95))
    groups = _utterances(frames, config)
    question = np.concatenate([hf[a:b] for a, b in groups[_question(x, groups, config)[0]]])
    hf_speaker = min(hf_speaker, float(np.percentile(question, 95)))
    return [(a, b) for a, b in frames if hf[a:b].max() - hf_speaker >= config.near_voice_hf_db]


def _voicing_thresholds(
    fl: FrameLevels, first: int, last: int, config: DetectionConfig
) -> npt.NDArray[np.float64]:
    """Per frame, the periodicity a voice reaches there: noise at a frame's signal-to-noise
    ratio ``s`` (as a power ratio) lowers a periodic sound's correlation to about s / (1 + s)."""
    excess = 10 ** ((fl.full_energy_db[first:last] - fl.full_background_db) / 10) - 1.0
    s = np.maximum(excess, 0.0)
    ceiling: npt.NDArray[np.float64] = config.voicing_threshold * s / (1.0 + s)
    return ceiling
