"""Which real recordings the room benchmark may tune on, and which it keeps apart.

The room corpus (``rooms.py``) draws real speakers and real non-speech events from the dev-audio
pack. Every speaker and every event file belongs to exactly one split:

* ``heldout`` — never looked at while tuning the analysis; its figures are reported on their own;
* ``tune`` — everything else.

Held-out speakers: ``nl_fillets_big_fish`` (Dutch questions and sentences),
``de_gcompris_claudia_charruau`` (German words), 10 of the 41 ``en_speechcommands_*`` speakers
and 10 of the 36 ``en_coswara_*`` speakers. Held-out events: about a quarter of each kind's files
(round(n / 4)). The speech-commands, Coswara and event files were chosen by sorting the names by
their SHA-1 hex digest and taking the first ones, so the choice is fixed and has nothing to do
with how the files sound; ``choose_heldout`` reproduces it and a unit test checks that the lists
below are what it gives.

The simulated rooms are held apart too: each split draws its rooms from its own seed (see
``rooms.RoomPool``). The one measured room response, espeak-ng voices and the synthesised events
(chair, paper, pen) are used by both splits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

SPLITS: tuple[str, ...] = ("tune", "heldout")

HELDOUT_SPEAKERS: frozenset[str] = frozenset(
    {
        "nl_fillets_big_fish",
        "de_gcompris_claudia_charruau",
        "en_speechcommands_26e573a9",
        "en_speechcommands_2f813234",
        "en_speechcommands_31583d30",
        "en_speechcommands_48bfde8e",
        "en_speechcommands_51055bda",
        "en_speechcommands_6a27a9bf",
        "en_speechcommands_8d4cdc60",
        "en_speechcommands_a7545b9f",
        "en_speechcommands_dabf67d9",
        "en_speechcommands_fac74f6a",
        "en_coswara_5ZDF98UQUx",
        "en_coswara_9D1go0wkvu",
        "en_coswara_AI4aa1tjlX",
        "en_coswara_FLhjsgqrgQ",
        "en_coswara_aGEXEhp3mb",
        "en_coswara_eZ9KEu3fmE",
        "en_coswara_g6L8s5Dtq8",
        "en_coswara_jRjAYMmAQe",
        "en_coswara_qHN6U03r3T",
        "en_coswara_tFFUbYL9nS",
    }
)

HELDOUT_EVENT_FILES: frozenset[str] = frozenset(
    {
        "breathing_coswara_0zexHIcM7t.flac",
        "breathing_coswara_Eoyf44CUff.flac",
        "breathing_coswara_EqDWckxbsE.flac",
        "breathing_coswara_Eu11s84cuB.flac",
        "breathing_coswara_LwfZvk9xa6.flac",
        "cough_coswara_1AuoEhB8vA.flac",
        "cough_coswara_9D1go0wkvu.flac",
        "cough_coswara_LqGeCxef4f.flac",
        "cough_coswara_XUsJp0qysA.flac",
        "cough_coswara_hRB1GYdlKA.flac",
        "cough_coswara_maTMkkXbqO.flac",
        "cough_coswara_pW9mCAeWYi.flac",
        "cough_coswara_qHN6U03r3T.flac",
        "cough_coswara_vK2bLRNzll.flac",
        "cough_coswara_wawUd75qJg.flac",
        "door_minetest_doors_fencegate_open.flac",
        "door_minetest_doors_glass_door_close.flac",
        "footsteps_minetest_default_grass_footstep_2.flac",
        "footsteps_minetest_default_hard_footstep_1.flac",
        "footsteps_minetest_default_metal_footstep_1.flac",
        "footsteps_minetest_default_metal_footstep_2.flac",
        "footsteps_minetest_default_sand_footstep_2.flac",
        "footsteps_minetest_default_snow_footstep_2.flac",
        "footsteps_minetest_default_wood_footstep_1.flac",
        "keyboard_bucklespring_0a-0.flac",
        "keyboard_bucklespring_0b-0.flac",
        "keyboard_bucklespring_0b-1.flac",
        "keyboard_bucklespring_10-0.flac",
        "keyboard_bucklespring_12-1.flac",
        "keyboard_bucklespring_16-0.flac",
        "keyboard_bucklespring_24-1.flac",
        "keyboard_bucklespring_27-1.flac",
        "keyboard_bucklespring_33-0.flac",
        "keyboard_bucklespring_33-1.flac",
        "keyboard_bucklespring_36-1.flac",
        "keyboard_bucklespring_39-1.flac",
        "keyboard_bucklespring_44-0.flac",
        "keyboard_bucklespring_61-0.flac",
        "keyboard_bucklespring_66-0.flac",
        "keyboard_bucklespring_66-1.flac",
        "keyboard_bucklespring_67-0.flac",
    }
)


def _digest(name: str) -> str:
    return hashlib.sha1(name.encode("utf-8")).hexdigest()


def choose_heldout(names: Iterable[str], count: int) -> list[str]:
    """The first ``count`` names in SHA-1 order: the rule the lists above were made with."""
    return sorted(sorted(set(names), key=_digest)[:count])


def speaker_split(speaker: str) -> str:
    return "heldout" if speaker in HELDOUT_SPEAKERS else "tune"


def event_split(file_name: str) -> str:
    """Split of an event file, by its file name (``cough_coswara_….flac``)."""
    return "heldout" if file_name in HELDOUT_EVENT_FILES else "tune"
