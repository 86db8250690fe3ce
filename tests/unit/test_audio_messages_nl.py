"""Microphone and sound-output problems in Dutch: every error family worded from the catalog, with
no English sentence inside; a raw detail from the sound system only in parentheses."""

from __future__ import annotations

import re

import pytest

from simulator.audio.capture import (
    DeviceInfo,
    ServerState,
    choose_format,
    lost_error,
    no_devices_error,
    no_input_device_error,
    no_portaudio_error,
    playback_error,
    portaudio_error,
    resolve_device,
    unreachable_error,
)
from simulator.audio.sources import (
    AudioProblemError,
    MicrophoneError,
    NoOutputDeviceError,
    PlaybackError,
    PlaybackNoPortAudioError,
    device_lost,
)
from simulator.commands.devices import _problem
from simulator.i18n import catalog, t
from simulator.rehearsal.mic_check import microphone_message

ENGLISH = re.compile(
    r"\b(the|microphone|could|cannot|not|found|choose|check|again|please|sound|output|"
    r"library|missing|install it|plugged|busy|unavailable|offers|none|refused|stopped|"
    r"speakers|headphones|played|back|other|with one|lists|you|your|allow|then)\b",
    re.IGNORECASE,
)
"""Words of an English sentence that no Dutch message of these families contains."""

DETAIL = "Error opening InputStream: Device unavailable [PaErrorCode -9985]"
"""What PortAudio says (English) — allowed only as a detail in parentheses."""

GONE = "Illegal combination of I/O devices [PaErrorCode -9993]"
"""What PortAudio says when the sound server it reached the microphone through has stopped."""

MICS = [
    DeviceInfo(0, "Realtek HDA", "ALSA", 2, 48_000, True),
    DeviceInfo(3, "USB Headset", "ALSA", 1, 44_100, False),
    DeviceInfo(4, "USB Headset Pro", "ALSA", 1, 44_100, False),
]


def _raised(call: object) -> AudioProblemError:
    assert callable(call)
    with pytest.raises(AudioProblemError) as caught:
        call()
    return caught.value


def errors() -> list[AudioProblemError]:
    """One of each kind the microphone and the sound output can fail with."""
    found: list[AudioProblemError] = [
        *(no_portaudio_error("libportaudio.so.2: cannot open", p) for p in ("linux", "darwin")),
        no_portaudio_error("not found", "win32"),
        *(no_input_device_error(p) for p in ("linux", "darwin", "win32", "sunos")),
        no_input_device_error("linux", mention_devices_command=False),
        MicrophoneError("no_sounddevice", detail="No module named 'sounddevice'"),
        _raised(lambda: resolve_device(7, MICS)),
        _raised(lambda: resolve_device("Blue Yeti", MICS)),
        _raised(lambda: resolve_device("usb", MICS)),
        _raised(lambda: resolve_device("Blue Yeti", [])),
        _raised(lambda: choose_format(MICS[1], lambda rate, channels: False)),
        portaudio_error(DETAIL, "USB Headset"),
        portaudio_error(DETAIL),
        portaudio_error("Invalid sample rate [PaErrorCode -9997]", "USB Headset"),
        portaudio_error("Unanticipated host error [PaErrorCode -9999]"),
        device_lost("USB Headset", "the stream stopped"),
        unreachable_error(
            GONE, DeviceInfo(1, "default", "ALSA", 32, 44_100, True), ServerState.DOWN
        ),
        unreachable_error(
            "Unanticipated host error [PaErrorCode -9999]", None, ServerState.RUNNING
        ),
        no_devices_error(ServerState.DOWN),
        lost_error("default", "the audio stream ended", ServerState.DOWN),
        playback_error("Error querying device -1"),
        playback_error(DETAIL),
        NoOutputDeviceError(),
        NoOutputDeviceError("output_cannot_play", device="HDMI", detail="no output channels"),
        PlaybackNoPortAudioError(),
        PlaybackError("output_no_rate", device="HDMI", rates="16000, 48000", detail="x"),
        PlaybackError("output_not_found", device="Speakerz", detail="No output device matching"),
        PlaybackError("playback_failed", detail="RuntimeError"),
    ]
    return found


def _without_details(text: str, error: AudioProblemError) -> str:
    """The text with each raw detail removed, after checking that it stands in parentheses."""
    detail = str(error.params.get("detail", ""))
    if detail and detail in text:
        assert f"({detail})" in text, text
        text = text.replace(f"({detail})", "")
    return text


@pytest.mark.parametrize("error", errors(), ids=lambda e: f"{type(e).__name__}-{e.key}")
def test_every_audio_error_reads_as_dutch(error: AudioProblemError) -> None:
    dutch = _without_details(error.describe("nl"), error)
    assert not ENGLISH.findall(dutch), dutch
    assert dutch != _without_details(error.describe("en"), error)


@pytest.mark.parametrize("error", errors(), ids=lambda e: f"{type(e).__name__}-{e.key}")
def test_the_english_text_is_the_same_catalog_message(error: AudioProblemError) -> None:
    assert str(error) == error.message == error.describe("en")
    assert ENGLISH.search(_without_details(error.message, error))


@pytest.mark.parametrize(
    "error",
    [e for e in errors() if isinstance(e, MicrophoneError)],
    ids=lambda e: f"{type(e).__name__}-{e.key}",
)
def test_the_app_and_the_devices_command_say_a_microphone_problem_in_dutch(
    error: MicrophoneError,
) -> None:
    title, message = microphone_message(error, "nl")
    for text in (title, message, _problem(error, "nl")):
        assert not ENGLISH.findall(_without_details(text, error)), text


def test_every_audio_error_key_is_in_both_catalogs() -> None:
    en = {k for k in catalog("en") if k.startswith("audio_error.")}
    nl = {k for k in catalog("nl") if k.startswith("audio_error.")}
    assert en == nl and len(en) > 20
    used = {f"audio_error.{e.key}" for e in errors()}
    assert used <= en


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_raw_detail_in_any_message_stands_in_parentheses(lang: str) -> None:
    """``{detail}`` is what a library or the system said, in its own (English) words: every
    message says what happened in the reader's language and adds the detail in parentheses."""
    loose = [k for k, text in catalog(lang).items() if "{detail}" in text.replace("({detail})", "")]
    assert loose == []


def test_a_system_reason_in_a_dutch_file_message_stands_in_parentheses() -> None:
    english = "Input/output error"
    for key in (
        "scenario_error.cannot_read",
        "scenario_error.folder_unreadable",
        "settings_file.cannot_read",
        "wav_error.cannot_read",
    ):
        text = t(key, "nl", reason=english)
        assert f"({english})" in text and not ENGLISH.findall(text.replace(f"({english})", ""))
    syntax = t("scenario_error.toml_syntax_at_end", "nl", detail="Invalid value")
    json = t("settings_file.not_json", "nl", line=1, detail="Expecting value")
    assert syntax.endswith("(Invalid value)") and json.endswith("(Expecting value)")
