"""Speech too quiet to time reliably: refused with advice rather than measured.

The analysis finds a pause's edges where the voice rises out of, and falls back into, what the
microphone hears besides it. When the input is quiet (the teacher far from the microphone, or
its input volume low), that is mostly the microphone's own noise, and a voice only a little
above it loses its first and last sounds: the measured pause can be seconds off. Such a round
gets ``Reason.TOO_QUIET`` (the feedback says how to be heard) in live rounds and in
``coach-sim analyze`` alike.
"""

from __future__ import annotations

from dataclasses import replace

from simulator.audio.result import Levels, LevelWarning, Reason, RoundMeasurement

QUIET_SPEECH_DBFS = -45.0
"""Speech below this level is quiet input: the voice is far from the microphone or its input
volume is low, so the microphone's own noise is close below it."""
QUIET_MIN_ABOVE_FLOOR_DB = 15.0
"""Quiet speech less than this above the noise floor is refused, not timed. Measured on espeak-ng
rounds at -53 dBFS in white noise: 11 dB above the floor a 3.2 s pause read 3.4-3.9 s, from 13 dB
on it was within 0.04 s (at any level, 10 dB put it 1.2-2.9 s off and 12 dB at most 0.13 s); the
margin covers real voices' weaker first and last sounds."""


def too_quiet_to_time(levels: Levels) -> bool:
    """Quiet speech that stands too little above the noise floor to find its edges."""
    speech = levels.speech_dbfs
    return (
        speech is not None
        and speech < QUIET_SPEECH_DBFS
        and speech - levels.noise_floor_dbfs < QUIET_MIN_ABOVE_FLOOR_DB
    )


def refuse_too_quiet(m: RoundMeasurement) -> RoundMeasurement:
    """``m`` without its measurement when its speech was too quiet to time reliably: the
    feedback then says how to be heard instead of showing a number that may be seconds off."""
    if m.span is None or not too_quiet_to_time(m.levels):
        return m
    warnings = m.warnings
    if LevelWarning.TOO_QUIET not in warnings:
        warnings = (*warnings, LevelWarning.TOO_QUIET)
    return replace(m, span=None, reason=Reason.TOO_QUIET, warnings=warnings)
