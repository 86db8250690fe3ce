"""``coach-sim devices``: the microphones coach-sim can use, for ``--device``.

Prints one line per input device (number, name, host API, channels, default rate; the default
is marked), or a JSON array with ``--json``. Without PortAudio or without any microphone it says
what is wrong and what to do, and exits with status 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.audio.capture import DeviceInfo


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", action="store_true", help="print the devices as a JSON array (for scripts)"
    )


def run(args: argparse.Namespace) -> int:
    from simulator.audio.capture import (
        MicrophoneError,
        list_input_devices,
        no_input_device_error,
        resolve_device,
    )

    try:
        devices = list_input_devices()
        if not devices:
            raise no_input_device_error(mention_devices_command=False)
    except MicrophoneError as exc:
        print(f"coach-sim devices: {exc}", file=sys.stderr)
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
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        _print_table(devices, chosen)
    if problem is not None:
        print(f"coach-sim devices: {problem}", file=sys.stderr)
        return 1
    return 0


def _print_table(devices: list[DeviceInfo], chosen: DeviceInfo | None) -> None:
    header = ("", "NR", "NAME", "HOST API", "CHANNELS", "DEFAULT RATE")
    rows = [
        (
            "*" if chosen is not None and d.index == chosen.index else "",
            str(d.index),
            d.name + (" (default)" if d.is_default else ""),
            d.host_api,
            str(d.max_input_channels),
            f"{d.default_samplerate_hz} Hz",
        )
        for d in devices
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    print("\n* = the microphone coach-sim will use (choose another with --device NR or NAME)")
