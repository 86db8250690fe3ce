"""The analysis' settings, one group per stage; every threshold carries its unit in its name."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class LevelConfig:
    """Stage 1, levels: the speaker's level, the background and the band to gate on."""

    vad_mode: int = 2
    vad_frame_ms: int = 30
    """webrtcvad decides per 30 ms; edges are refined later on a 1 ms envelope."""
    noise_margin_db: float = 6.0
    """A frame counts as sound when it is this far above the adaptive noise floor."""
    background_split_db: float = 12.0
    """Frames this far below the speaker's level count towards the background estimate."""
    lowband_block_samples: int = 8
    """Low band: means of blocks of this many samples (about 0-1 kHz, where voices are loud); it
    must divide the 10 ms frame (160 samples)."""
    lowband_below_db: float = 30.0
    """Consider the low band only when the speaker is less than this above the background ..."""
    band_switch_db: float = 3.0
    """... and gate on it when it sets the speaker this much further apart (broadband hiss)."""


@dataclass(frozen=True, slots=True)
class DetectionConfig:
    """Stage 2, detection: which stretches are the speaker's speech."""

    bridge_ms: int = 120
    """Silences shorter than this stay inside a segment (stops, dips between words)."""
    min_segment_ms: int = 50
    speaker_gate_db: float = 22.0
    """A frame only counts as the speaker when it is within this of the speaker's level."""
    background_margin_db: float = 8.0
    """The speaker's frames must be this far above the background."""
    segment_peak_db: float = 9.0
    """A segment must come within this of the speaker's level somewhere (not a distant voice) ..."""
    quiet_room_above_db: float = 30.0
    quiet_room_segment_peak_db: float = 15.0
    """... or within this where the speaker stands ``quiet_room_above_db`` above the background."""
    prominence_max_db: float = 15.0
    """At most this far above the background must a segment's loudest frame be ..."""
    prominence_spread_ratio: float = 1.5
    """... and at least this many times the background's spread (p90 - p10)."""
    onset_rise_db: float = 5.0
    """A segment must somewhere rise this much above the lowest level of the ``onset_rise_ms``
    before it, and starts with the window of its first such rise (0: not checked). Syllables
    start abruptly; a steady noise that an automatic gain control lifts in a pause climbs with
    the gain, over 0.5-2 s, and may run on into the name."""
    onset_rise_ms: int = 50
    near_voice_below_db: float = 18.0
    """When the speaker is less than this above the background (a loud room) ..."""
    near_voice_hf_db: float = -4.0
    """... a segment must also reach within this of the speaker's level in the first-difference
    (high-frequency tilted) signal: a voice close to the microphone keeps its high frequencies,
    voices across the room reach it duller (directivity, absorption, reverberation)."""
    min_voiced_run_ms: int = 10
    """A segment must hold a voiced stretch this long (a vowel): speech, not a cough, a scrape,
    a key click or a footstep. 0 switches the check off."""
    voicing_group_gap_ms: int = 250
    """Segments closer than this form one utterance, judged as a whole."""
    brighter_than_voice_db: float = 12.0
    """An utterance this much brighter than the question (the speaker's own voice) is not speech
    (0: not checked) ..."""
    bright_speech_probability: float = 0.5
    """... unless the speech model (where installed) gives it at least this speech probability:
    a name full of sibilants ("Sanne", "six") is brighter than the question, and the model is
    sure of it, as it is not of a cough (1.01: brightness alone decides)."""
    question_speech_probability: float = 0.5
    """The speaker's own voice (its brightness, periodicity and high frequencies, which the other
    utterances are judged against) is learnt from the question: the longest utterance the speech
    model (where installed) gives at least this probability, not merely the longest sound. A
    cough bout, a door or typing can outlast a quickly said question, and as the reference it
    makes the teacher's own name sound like something else (0: the longest, always)."""
    model_min_probability: float = 0.2
    """Where the speech model is installed, every utterance (the longest, the question, too)
    must reach this speech probability somewhere (0: not asked) ..."""
    model_context_ms: int = 300
    """... heard with this much of what came before it."""
    lone_speech_probability: float = 0.5
    """Where only one utterance is left, the speech model must be this sure of it somewhere, or
    the round holds no speech (0: not asked): typing, a door or footsteps alone can reach
    ``model_min_probability`` here and there, while a question or a sentence, said alone, is
    sure speech to the network."""
    name_min_probability: float = 0.1
    """The last utterance (the name) need only reach this (0: ``model_min_probability``, as
    every other): one word called into the room, with nothing of the teacher's after it, is less
    sure speech to the network than running words are, most of all in noise a gain control has
    lifted. The last utterance kept, that is: a key press or a chair after the name, dropped as
    no speech, leaves the name this allowance."""
    onset_model_min_ms: int = 800
    """A segment at least this long starts where the speech model (where installed) first hears
    speech in it at ``onset_model_probability`` (0: not moved) ..."""
    onset_model_probability: float = 0.5
    onset_model_lead_ms: int = 300
    """... when it hears none in at least this much of its start (a word's own onset takes the
    network a window or two) ..."""
    onset_model_margin_ms: int = 100
    """... less this margin: the network is sure of a word only a little after it begins."""
    end_model_min_ms: int = 600
    """A segment at least this long, but not the round's last, ends where the speech model (where
    installed) last hears speech in it at ``onset_model_probability``, less
    ``end_model_lag_ms`` (0: not moved) ... Typing, a pen or a door that ran on from the
    question's last word, with no silence between them, was in the word's segment, and the
    pause started at the noise's end."""
    end_model_lag_ms: int = 150
    """... (the network still hears speech for a moment after a voice stops) ..."""
    end_no_speech: float = 0.3
    end_no_speech_ms: int = 100
    """... when, after that lag, every window up to the segment's end is under ``end_no_speech``
    and there are windows for at least ``end_no_speech_ms`` ..."""
    end_voiced_ms: int = 60
    """... and that stretch holds no voiced run this long (10 ms frames at
    ``voicing_threshold``): the question's soft last words, which the model may doubt behind a
    fan or in a room that rings, still hold a vowel; a key press holds 20-30 ms at most. (The
    network is asked only where the segment's last such run is over the lag and
    ``end_no_speech_ms`` before its end.)"""
    stray_end_gap_ms: int = 150
    """An utterance's last (or first) segments this far from the rest of it (further than the
    closure before a word-final burst) must also be speech to the model on their own, at
    ``model_min_probability``: typing, a pen tap or a cough that ran on from the teacher's words
    is not part of them (0: not checked) ..."""
    stray_run_min_ms: int = 200
    """... and so must its last (or first) segments that last this long together, whatever the
    silence before them (a word-final burst is far shorter; 0: only after
    ``stray_end_gap_ms``)."""
    intruder_gap_ratio: float = 0.3
    """An utterance between the question (the longest; see ``intruder_question_mean``) and the
    last one (the name) is taken for a sound in the thinking pause when the silence before it is
    at least this share of the silence after it (0: not checked), but less than
    ``intruder_gap_ratio_max`` times it (a name with a student's quick answer after it leaves a
    far shorter gap after the name than before it) ..."""
    intruder_gap_ratio_max: float = 3.0
    intruder_below_name_db: float = -3.0
    """... it peaks at least this far below the name (negative: at most that far above it; a
    cough is often louder than a word, and a gain control lifts what sounds in a pause, its gain
    climbing there, while a name called after the pause pulls it down) ..."""
    intruder_speech_margin: float = 0.1
    """... and the speech model's mean probability over it is at least this much below the
    name's. (The question's last words follow the rest of it closely, and the pause follows
    them.)"""
    intruder_far_less_speech: float = 0.4
    """Where the silence after such an utterance is shorter than ``intruder_gap_ratio_max``
    allows (a cough run up to the name), it is dropped only when its mean speech probability is
    this much below the name's (0: never): a name with a student's quick answer after it is as
    much speech as the answer."""
    intruder_below_question_speech: float = 0.4
    """Such an utterance (with the silences above) is also taken for a sound in the pause when
    the speech model's mean probability over it is at least this much below the question's (0:
    not checked) ... In a room that rings, or behind a gain control, the model can doubt a
    name called across the room as much as a cough before it, while the question, longer and
    said to the class, is sure speech to it."""
    intruder_no_speech_mean: float = 0.3
    """... and under this: hardly speech at all (a cough bout's mean is 0.1-0.2; the question's own
    words, even soft ones, mostly more). A bar of 0.2 did as well on the room benchmark's tune
    rounds, and less well on the held-out ones; a real bout of coughs measures 0.19-0.2 ..."""
    intruder_question_below_name_db: float = -6.0
    """... and it peaks at least this far below the name (negative: at most that far above it),
    a wider bar than ``intruder_below_name_db``: a cough is louder than a word, most of all
    than a softly called name. Set on the room benchmark's tune rounds, seeds 0-2: a bar at
    -3 dB dropped fewer coughs; -9 dB the same as -6 dB."""
    intruder_question_mean: float = 0.5
    """The question those sounds are counted from is the longest utterance, unless that one comes
    after another one and the speech model's mean probability over it is under this (0: always
    the longest): a cough bout or a door in the pause can outlast the question, and is less
    speech than it. The earlier utterance with the most speech in it (the sum of the network's
    probabilities over its windows) is then the question, when it holds more than the longest."""
    voicing_reference: float = 0.9
    voicing_reference_within_db: float = 10.0
    """A dry voice's loud frames reach this periodicity (80th percentile); where the round's
    question (its frames within ``voicing_reference_within_db`` of its loudest) reaches less,
    every threshold is lowered in proportion."""
    voicing_threshold: float = 0.6
    """A 10 ms frame is voiced when its normalised autocorrelation at a pitch lag reaches this."""


@dataclass(frozen=True, slots=True)
class EdgeConfig:
    """Stage 3, edges: each segment's boundaries on a 1 ms envelope, then the pause's two edges
    against the background heard in the pause."""

    boundary_drop_db: float = 38.0
    """Boundaries sit where the envelope falls this far below the speaker's level (or the noise)."""
    edge_margin_db: float = 6.0
    """... and at least this far above the level of the silence next to the segment."""
    refine_ms: int = 200
    max_dip_ms: int = 40
    """An edge walks across dips this short (the closure before a burst, as in "K")."""
    final_closure_ms: int = 120
    """An offset walks across a silence this long to a word-final burst ("kookt", "asked")."""
    spectral_window_samples: int = 256
    """STFT window of the spectral refinement of the pause's two edges."""
    spectral_oversubtract: float = 2.0
    """The background spectrum is multiplied by this before it is subtracted."""
    spectral_false_alarm_quantile: float = 0.995
    """The excess-energy threshold is this quantile of what the pause itself produces."""
    spectral_reach_ms: int = 250
    spectral_anchor_ms: int = 60
    extrapolate_fit_ms: int = 15
    extrapolate_min_slope_db_per_ms: float = 0.1
    extrapolate_max_ms: int = 60
    spectral_below_db: float = 40.0
    """Only refine spectrally when the pause's background is within this of the speech level."""
    spectral_normalised_within_db: float = 25.0
    """When the pause's background is within this of the speech, each frequency bin counts by its
    own signal-to-background ratio, so bands the background leaves free (the high frequencies
    under other voices) carry a word's last decay."""
    fall_from_db: float = 12.0
    fall_by_db: float = 15.0
    fall_hop_ms: int = 5
    fall_max_ms: int = 300
    fall_measurable_db: float = 25.0
    """How fast sounds fall is only judged where the speaker stands this far above the
    background."""
    reverberant_fall_ms: float = 40.0
    """Where no loud moment falls by ``fall_by_db`` faster than this, the room rings ..."""
    reverb_drop_db: float = 18.0
    """... and the question ends where it falls this far below the speaker's level (0: off)."""
    min_pause_s: float = 0.25
    """A pause that refines to less than this is a gap between words: the name ran straight on."""
    model_reach_ms: int = 1200
    """Where the speech model is installed, it listens this far into the pause after the
    question's end (0: not at all; more than a soft last word or two last, so that a run of them
    the model hears all the way is not taken for other voices before the probe has listened) ..."""
    model_speech: float = 0.5
    """... and while its windows stay at or above this probability from that end on, the
    question's last word goes on (a soft last syllable under a fan's or a gain control's noise
    that never rose above the detection gate) ..."""
    model_lag_ms: int = 150
    """... less this much: the network still hears speech for a moment after a voice stops."""
    model_context_ms: int = 300
    """What the network hears before the question's end first, for its state to settle."""
    model_probe_ms: int = 640
    """How much of the pause after ``model_reach_ms`` the network hears as well: where any of it
    is speech to the network, other voices fill the pause and the question's end stays (0: no
    probe)."""
    voices_after_ms: int = 250
    """Whether speech was heard in the thinking pause, mostly other people talking
    (``LevelWarning.OTHER_VOICES``), is judged from this long after the question's end (its last
    sound and the room's ring) ..."""
    voices_before_ms: int = 100
    """... to this long before the name ..."""
    voices_share: float = 0.1
    """... by the share of the network's windows there that are speech to it
    (``model_speech``): at least this share (0: not judged) ..."""
    voices_min_windows: int = 3
    """... and at least this many (about 0.1 s of speech): a cough the network takes for a
    syllable is no talk. On the room benchmark's rounds with a measured pause (tune seeds 0-2)
    such a pause is flagged in 49 % of the rounds with other people talking and 1 % of those
    without noise, and a flagged round's verdict is wrong 43 % of the time against 14 %."""


@dataclass(frozen=True, slots=True)
class PatternConfig:
    """Stage 4, pattern reading: question → pause → name (or cue → pause → response, or a timed
    turn) off the segments, or the reason why not."""

    utterance_gap_s: float = 0.25
    """Gaps shorter than this are hesitations between words, not a pause."""
    name_max_s: float = 1.5
    """A name (or a short call-out) is at most this long."""
    question_min_share: float = 0.7
    """The question is the first utterance before the last that lasts at least this share of
    the longest of them (1.0: the longest): the teacher asks first, and words after the name
    ("Kay, wat denk jij daarvan?") can last as long as a short question."""
    name_first_max_s: float = 1.0
    """A first stretch this short, followed by a last one longer than ``name_max_s``, may be a
    name said first ..."""
    name_first_longest_silence: bool = True
    """... when the round's longest silence follows it (False: wherever that silence is). A
    name said first is followed by the wait; a short question, or a question begun with a short
    word and a hesitation, then the wait and "Kay, wat denk jij?" is no name said first."""
    joined_name_max_s: float = 0.8
    """In one utterance of several stretches, a last stretch this short is a name run straight on
    (no pause) rather than the end of one long sentence."""
    cue_echo_s: float = 0.3
    """How late a loudspeaker cue may still reach the microphone after its recorded end."""
    clip_level_fs: float = 0.99
    """A sample at or above this fraction of full scale counts as clipped."""
    clip_min_peak_dbfs: float = -50.0
    """Clipping below full scale (cut off, then turned down, normalised or resampled) is looked
    for on each polarity whose peak reaches this level, in the counts of its samples per
    ``clip_bin_of_peak`` (fraction of that polarity's peak; coarser where the input's own steps
    are): ..."""
    clip_bin_of_peak: float = 0.005
    clip_search_below_peak: float = 0.45
    """... its densest ``clip_core_width`` (fraction of the peak) within this fraction below the
    peak (ringing after resampling lifts the peak above the cut tops) ..."""
    clip_core_width: float = 0.015
    clip_pile_ratio: float = 4.0
    """... is a pile of cut-off samples when it holds at least this many times the mean count
    per bin of the ``clip_reference_span`` that starts ``clip_reference_gap`` below it (fractions
    of the peak): natural sound only grows denser away from its peak ..."""
    clip_reference_gap: float = 0.03
    clip_reference_span: float = 0.15
    clip_step_ratio: float = 3.0
    """A pile at the peak must also hold this many times the mean count per bin of that gap: a
    steady tone's waveform dwells at its peaks too, but its count climbs into them gradually, not
    in one step. (A pile further down, under the ringing of a resampler, is not asked this.)"""
    clip_pile_edge_ratio: float = 2.0
    """The pile spans the bins next to its densest part that hold at least this many times the
    reference count per bin; its samples above that count are clipped ..."""
    clip_pile_min_ms: float = 2.0
    """... when they are at least this many milliseconds' worth of samples."""
    clip_block_ms: float = 25.0
    clip_steady_block_share: float = 0.8
    clip_steady_spread_db: float = 2.0
    """A pile that more than ``clip_steady_block_share`` of the round's ``clip_block_ms`` blocks
    reach (each block longer than a period of mains hum), blocks whose energy varies by less than
    this (10th to 90th percentile), is a steady sound's waveform with broad tops (hum, a tone),
    not loud moments cut off: even speech clipped throughout goes on growing louder and softer."""
    clip_warn_fraction: float = 0.001
    clip_fail_fraction: float = 0.01
    quiet_speech_dbfs: float = -55.0


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    levels: LevelConfig = field(default_factory=LevelConfig)
    detection: DetectionConfig = field(default_factory=DetectionConfig)
    edges: EdgeConfig = field(default_factory=EdgeConfig)
    pattern: PatternConfig = field(default_factory=PatternConfig)


DEFAULT_CONFIG = DetectorConfig()
