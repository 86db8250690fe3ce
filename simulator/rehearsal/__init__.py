"""The rehearsal: a round, the session of rounds, a masterclass's turns, the microphone check.

Pure logic over plain values, between the core (audio analysis, scenarios, coaching) and the
screens: no Textual, no sounddevice, no clock. Screens render its state and send it keys.
"""
