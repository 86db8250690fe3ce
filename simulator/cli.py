"""The ``coach-sim`` command: the app by default, and a few subcommands for the terminal.

Each subcommand lives in its own module in ``simulator/commands/`` (named by what it does, see
``MODULES``) with ``add_arguments(parser)`` and ``run(args) -> int``. Those modules keep their
heavy imports (Textual, sounddevice) inside ``run`` so that ``coach-sim analyze`` starts fast.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import os
import sys
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from simulator import __version__
from simulator.commands import add_scenarios_option
from simulator.i18n import LANGUAGES, resolve_language, t
from simulator.text import visible, visible_path

COMMANDS: tuple[str, ...] = (
    "practice",
    "analyze",
    "scenarios",
    "history",
    "devices",
    "export",
    "recordings",
)
"""The subcommands; each one's help line is ``cli.commands.<name>`` in the catalogs."""

MODULES: dict[str, str] = {
    "app": "open_app",
    "practice": "start_practice",
    "analyze": "analyze",
    "scenarios": "list_scenarios",
    "history": "show_history",
    "devices": "devices",
    "export": "export_session",
    "recordings": "manage_recordings",
}
"""The module in ``simulator/commands/`` that runs each subcommand (``app``: no subcommand)."""


def _command_module(name: str) -> Any:
    return importlib.import_module(f"simulator.commands.{MODULES[name]}")


ARGPARSE_TEXTS: dict[str, str] = {
    "usage: ": "usage",
    "positional arguments": "positionals",
    "options": "options",
    "show this help message and exit": "help",
    "%(prog)s: error: %(message)s\n": "error",
    "argument %(argument_name)s: %(message)s": "argument",
    "unrecognized arguments: %s": "unrecognized",
    "the following arguments are required: %s": "required",
    "one of the arguments %s is required": "one_required",
    "not allowed with argument %s": "not_allowed",
    "ignored explicit argument %r": "ignored",
    "expected one argument": "expected_one",
    "expected at most one argument": "expected_at_most_one",
    "expected at least one argument": "expected_at_least_one",
    "ambiguous option: %(option)s could match %(matches)s": "ambiguous",
    "invalid choice: %(value)r (choose from %(choices)s)": "invalid_choice",
    "invalid %(type)s value: %(value)r": "invalid_value",
    "unexpected option string: %s": "unexpected",
    "can't open '%(filename)s': %(error)s": "cannot_open",
}
"""The texts Python's argparse shows a user (it looks them up through gettext), by their key in
the catalogs' ``[cli.argparse]`` table."""


@contextlib.contextmanager
def argparse_in(lang: str) -> Iterator[None]:
    """While inside, argparse's own words (``usage:``, ``options``, its error messages) come from
    the catalog of ``lang``.

    argparse looks each of them up at the moment it uses it, through the ``_`` and ``ngettext``
    names of its module (the gettext hook); they are pointed at the catalog here and restored
    afterwards.
    """

    def translate(text: str) -> str:
        key = ARGPARSE_TEXTS.get(text)
        return t(f"cli.argparse.{key}", lang) if key is not None else text

    def translate_n(singular: str, plural: str, n: int) -> str:
        if singular == "expected %s argument":
            return t("cli.argparse.expected_n" + ("" if n == 1 else "_plural"), lang)
        return translate(singular if n == 1 else plural)

    module: Any = argparse
    saved = module._, module.ngettext
    module._, module.ngettext = translate, translate_n
    try:
        yield
    finally:
        module._, module.ngettext = saved


def cli_language(argv: Sequence[str]) -> str:
    """The language of the command line's texts, known before the arguments are parsed (the help
    and the parse errors need it): a valid ``--lang`` anywhere on the line, else the language
    setting, else the computer's language."""
    chosen: str | None = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            chosen = argv[i + 1]
        elif arg.startswith("--lang="):
            chosen = arg.split("=", 1)[1]
    if chosen in LANGUAGES:
        return chosen
    from simulator.store.paths import settings_path
    from simulator.store.settings import load_settings

    return resolve_language(load_settings(settings_path()).settings.language)


def build_parser(lang: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, its help in ``lang`` (default: as :func:`cli_language` finds it
    for an empty command line)."""
    lang = lang or cli_language(())
    with argparse_in(lang):
        return _build_parser(lang)


def _build_parser(lang: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coach-sim", description=t("cli.description", lang))
    parser.add_argument(
        "--version",
        action="version",
        version=f"coach-sim {__version__}",
        help=t("cli.version", lang),
    )
    parser.add_argument("--lang", choices=LANGUAGES, help=t("cli.lang", lang))
    parser.add_argument(
        "--scenarios",
        metavar=t("cli.dir_metavar", lang),
        action="append",
        default=[],
        help=t("cli.scenarios_dir", lang),
    )
    parser.add_argument(
        "--device", metavar=t("cli.device_metavar", lang), help=t("cli.device", lang)
    )
    # The app's own options (--coach, --keep-audio) for `coach-sim` without a subcommand.
    _command_module("app").add_arguments(parser, lang)
    sub = parser.add_subparsers(dest="command", metavar=t("cli.command_metavar", lang))
    for name in COMMANDS:
        help_text = t(f"cli.commands.{name}", lang)
        module = _command_module(name)
        command = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(command, lang)
        _add_shared_options(command, lang)
    return parser


def _add_shared_options(command: argparse.ArgumentParser, lang: str) -> None:
    """Let ``--lang``, ``--device`` and ``--scenarios`` also follow the subcommand
    (``coach-sim practice check-question --lang en``). SUPPRESS keeps an option that is not
    given after the subcommand from overwriting the same option given before it."""
    taken = command._option_string_actions  # noqa: SLF001 - argparse has no public query
    if "--lang" not in taken:
        command.add_argument(
            "--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=t("cli.lang_short", lang)
        )
    if "--device" not in taken:
        command.add_argument(
            "--device",
            metavar=t("cli.device_metavar", lang),
            default=argparse.SUPPRESS,
            help=t("cli.device_short", lang),
        )
    if "--scenarios" not in taken:
        add_scenarios_option(command, lang)


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


def tolerate_encoding() -> None:
    """A terminal whose encoding lacks a character coach-sim prints (the en dash of a band in a
    Latin-1 locale, a box-drawing line in a Windows code page) shows ``?`` for it instead of
    failing with a traceback."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    tolerate_encoding()
    arguments = list(sys.argv[1:] if argv is None else argv)
    lang = cli_language(arguments)
    with argparse_in(lang):
        parser = _build_parser(lang)
        with visible_output():
            args = parser.parse_args(arguments)
    args.ui_lang = lang
    name = args.command or "app"
    module = _command_module(name)
    guard = contextlib.nullcontext() if name in FULL_SCREEN else visible_output()
    try:
        with guard:
            code: int = module.run(args)
            sys.stdout.flush()
    except KeyboardInterrupt:
        print(t("cli.interrupted", lang), file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`coach-sim scenarios | head`): not an error worth a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:
        # The net under every command: a path the system refuses in a way no command foresaw
        # (a name too long for the file system, a loop of links) is said, never a traceback.
        print(system_error_message(exc, args.command, lang), file=sys.stderr)
        return 1
    return code


SYSTEM_ERRORS: dict[int, str] = {
    errno.ENAMETOOLONG: "name_too_long",
    errno.ELOOP: "symlink_loop",
    errno.EACCES: "permission",
    errno.EPERM: "permission",
    errno.ENOENT: "not_found",
    errno.ENOTDIR: "not_folder",
    errno.EROFS: "read_only",
    errno.ENOSPC: "disk_full",
    errno.EIO: "io",
}
"""The system's failures said in the reader's language, by their ``cli.system_error`` text; any
other is said as the system words it."""


def system_error_message(exc: OSError, command: str | None, lang: str) -> str:
    """``coach-sim export: FILE: the file name is too long for this computer``: what went wrong
    with which path, in ``lang``, safe for the terminal."""
    code = SYSTEM_ERRORS.get(exc.errno or 0)
    reason = t(f"cli.system_error.{code}", lang) if code else (exc.strerror or str(exc))
    shown_command = f" {command}" if command else ""
    if exc.filename is None:
        return t("cli.system_error.message_no_path", lang, command=shown_command, reason=reason)
    path = visible_path(os.fsdecode(exc.filename))
    return t("cli.system_error.message", lang, command=shown_command, path=path, reason=reason)


if __name__ == "__main__":
    sys.exit(main())
