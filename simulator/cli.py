"""The ``coach-sim`` command: the app by default, and a few subcommands for the terminal.

Each subcommand lives in ``simulator/commands/<name>.py`` with ``add_arguments(parser)`` and
``run(args) -> int``. Those modules keep their heavy imports (Textual, sounddevice) inside ``run``
so that ``coach-sim analyze`` starts fast.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from simulator import __version__
from simulator.text import visible

COMMANDS: tuple[tuple[str, str], ...] = (
    ("practice", "go straight into a scenario's three rounds"),
    ("analyze", "measure the pause in recorded rounds (WAV files)"),
    ("scenarios", "list, check or show scenarios"),
    ("history", "show your practice history"),
    ("devices", "list the microphones coach-sim can use"),
    ("export", "export a practice session for the debrief (Markdown, HTML or CSV)"),
    ("recordings", "list or delete the round audio kept on this computer (--keep-audio)"),
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
    # The app's own options (--coach, --keep-audio) for `coach-sim` without a subcommand.
    importlib.import_module("simulator.commands.app").add_arguments(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS:
        module = importlib.import_module(f"simulator.commands.{name}")
        command = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(command)
        _add_shared_options(command)
    return parser


def _add_shared_options(command: argparse.ArgumentParser) -> None:
    """Let ``--lang``, ``--device`` and ``--scenarios`` also follow the subcommand
    (``coach-sim practice check-question --lang en``). SUPPRESS keeps an option that is not
    given after the subcommand from overwriting the same option given before it."""
    taken = command._option_string_actions  # noqa: SLF001 - argparse has no public query
    if "--lang" not in taken:
        command.add_argument(
            "--lang", choices=("nl", "en"), default=argparse.SUPPRESS, help="language"
        )
    if "--device" not in taken:
        command.add_argument(
            "--device", default=argparse.SUPPRESS, help="microphone: a name or an index"
        )
    if "--scenarios" not in taken:
        command.add_argument(
            "--scenarios",
            metavar="DIR",
            action="append",
            default=argparse.SUPPRESS,
            help="also load scenarios from this folder; may repeat",
        )


FULL_SCREEN = frozenset({"app", "practice"})
"""Commands that run the Textual app, which draws the screen itself (on the original stderr)."""


class VisibleStream:
    """A text stream that passes everything written through :func:`simulator.text.visible`.

    The terminal commands sanitise the texts they print; this is the net under them, so that no
    file name, argument or stored text ever reaches the terminal as an escape sequence.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(visible(text, multiline=True))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def visible_output() -> Iterator[None]:
    """While inside, ``sys.stdout`` and ``sys.stderr`` show unsafe characters as codes."""
    saved = sys.stdout, sys.stderr
    sys.stdout = VisibleStream(saved[0])
    sys.stderr = VisibleStream(saved[1])
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    with visible_output():
        args = parser.parse_args(argv)
    name = args.command or "app"
    module = importlib.import_module(f"simulator.commands.{name}")
    guard = contextlib.nullcontext() if name in FULL_SCREEN else visible_output()
    try:
        with guard:
            code: int = module.run(args)
            sys.stdout.flush()
    except KeyboardInterrupt:
        print("coach-sim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`coach-sim scenarios | head`): not an error worth a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
