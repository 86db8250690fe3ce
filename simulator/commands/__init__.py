"""The subcommands of ``coach-sim`` (see ``simulator/cli.py``)."""

from __future__ import annotations

import argparse

from simulator.i18n import resolve_language


def ui_language(args: argparse.Namespace) -> str:
    """The language of a command's messages: the one the command line was read in (``--lang``,
    the setting, the computer's), or from ``--lang`` alone when the command runs on its own."""
    found = getattr(args, "ui_lang", None)
    return found if isinstance(found, str) else resolve_language(getattr(args, "lang", None))
