"""``coach-sim devices``: the microphones coach-sim can use, for ``--device``.

Prints one line per input device (number, name, host API, channels, default rate; the default
is marked), or a JSON array with ``--json``. Without PortAudio or without any microphone it says
what is wrong and what to do, and exits with status 1.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING

from simulator.audio.sources import MicrophoneError
from simulator.commands import ui_language
from simulator.i18n import DEFAULT_LANGUAGE, has, t
from simulator.text import json_text

if TYPE_CHECKING:
    from simulator.audio.capture import DeviceInfo


def add_arguments(parser: argparse.ArgumentParser, lang: str = DEFAULT_LANGUAGE) -> None:
    parser.add_argument("--json", action="store_true", help=t("cli.devices.json", lang))


def _problem(error: MicrophoneError, lang: str, platform: str = sys.platform) -> str:
    """What stops coach-sim from using a microphone, and what to do, in the user's language."""
    if error.code == "no_portaudio":
        system = "linux" if platform.startswith("linux") else platform
        key = f"cli.devices.portaudio_{system}"
        how = t(key if has(key, lang) else "cli.devices.portaudio_other", lang)
        message = t("cli.devices.no_portaudio", lang, how=how)
    elif error.code == "no_input_device":
        system = next((s for s in ("darwin", "win", "linux") if platform.startswith(s)), "")
        hint = t(f"cli.devices.hint_{system}", lang) if system else ""
        message = t("cli.devices.no_device", lang, hint=hint)
    elif error.code == "device_not_found":
        message = t("cli.devices.not_found", lang, device=str(error.params.get("device", "")))
    else:
        message = error.describe(lang)
    return t("cli.devices.problem", lang, message=message)


def run(args: argparse.Namespace) -> int:
    from simulator.audio.capture import (
        list_input_devices,
        no_input_device_error,
        resolve_device,
    )

    lang = ui_language(args)
    try:
        devices = list_input_devices()
        if not devices:
            raise no_input_device_error(mention_devices_command=False)
    except MicrophoneError as exc:
        print(_problem(exc, lang), file=sys.stderr)
        if getattr(args, "json", False):
            print("[]")
        return 1
    chosen: DeviceInfo | None = None
    spec: str | None = getattr(args, "device", None)
    problem: MicrophoneError | None = None
    try:
        chosen = resolve_device(spec, devices)
    except MicrophoneError as exc:
        problem = exc
    if getattr(args, "json", False):
        rows = [
            {**asdict(d), "selected": chosen is not None and d.index == chosen.index}
            for d in devices
        ]
        print(json_text(rows, indent=2))
    else:
        _print_table(devices, chosen, lang)
    if problem is not None:
        print(_problem(problem, lang), file=sys.stderr)
        return 1
    return 0


def _print_table(devices: list[DeviceInfo], chosen: DeviceInfo | None, lang: str) -> None:
    columns = ("col_number", "col_name", "col_host_api", "col_channels", "col_rate")
    header = ("", *(t(f"cli.devices.{c}", lang) for c in columns))
    rows = [
        (
            "*" if chosen is not None and d.index == chosen.index else "",
            str(d.index),
            d.name + (t("cli.devices.default", lang) if d.is_default else ""),
            d.host_api,
            str(d.max_input_channels),
            f"{d.default_samplerate_hz}\u00a0Hz",
        )
        for d in devices
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    print("\n" + t("cli.devices.chosen", lang))
