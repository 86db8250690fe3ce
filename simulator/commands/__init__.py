"""The subcommands of ``coach-sim`` (see ``simulator/cli.py``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from simulator.i18n import resolve_language, t

if TYPE_CHECKING:
    from simulator.scenarios.loader import ScenarioProblem


def ui_language(args: argparse.Namespace) -> str:
    """The language of a command's messages: the one the command line was read in (``--lang``,
    the setting, the computer's), or from ``--lang`` alone when the command runs on its own."""
    found = getattr(args, "ui_lang", None)
    return found if isinstance(found, str) else resolve_language(getattr(args, "lang", None))


def report_skipped(problems: Sequence[ScenarioProblem], lang: str) -> None:
    """Each scenario file or folder that was skipped, and why, on stderr in ``lang``."""
    for problem in problems:
        print(t("scenarios.skipped", lang, problem=problem.describe(lang)), file=sys.stderr)


def add_scenarios_option(parser: argparse.ArgumentParser, lang: str) -> None:
    """``--scenarios DIR`` (repeatable) on a subcommand's parser. SUPPRESS keeps it from
    overwriting the same option given earlier on the line, before the subcommand."""
    parser.add_argument(
        "--scenarios",
        metavar=t("cli.dir_metavar", lang),
        action="append",
        default=argparse.SUPPRESS,
        help=t("cli.scenarios_dir_short", lang),
    )
