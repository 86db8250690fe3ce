"""The ``coach-sim`` command: the app by default, and a few subcommands for the terminal.

Each subcommand lives in ``simulator/commands/<name>.py`` with ``add_arguments(parser)`` and
``run(args) -> int``. Those modules keep their heavy imports (Textual, sounddevice) inside ``run``
so that ``coach-sim analyze`` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from simulator import __version__

COMMANDS: tuple[tuple[str, str], ...] = (
    ("practice", "go straight into a scenario's three rounds"),
    ("analyze", "measure the pause in recorded rounds (WAV files)"),
    ("scenarios", "list, check or show scenarios"),
    ("history", "show your practice history"),
    ("devices", "list the microphones coach-sim can use"),
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coach-sim",
        description=(
            "Rehearse an instructional-coaching action step with your own voice: ask the "
            "question, wait, then name a student. Without a subcommand the app opens."
        ),
    )
    parser.add_argument("--version", action="version", version=f"coach-sim {__version__}")
    parser.add_argument(
        "--lang", choices=("nl", "en"), help="language of the app and the scenarios"
    )
    parser.add_argument(
        "--scenarios",
        metavar="DIR",
        action="append",
        default=[],
        help="also load scenarios from this folder (e.g. a masterclass pack); may repeat",
    )
    parser.add_argument("--device", help="microphone: a name (or part of one) or an index")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS:
        module = importlib.import_module(f"simulator.commands.{name}")
        module.add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    name = args.command or "app"
    module = importlib.import_module(f"simulator.commands.{name}")
    try:
        code: int = module.run(args)
    except KeyboardInterrupt:
        print("coach-sim: interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
