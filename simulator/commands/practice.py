"""``coach-sim practice ID``: straight into a scenario's rounds."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "scenario", metavar="ID", help="the scenario's id (see `coach-sim scenarios`)"
    )
    # SUPPRESS keeps the global --lang/--device when these are not given after the subcommand.
    parser.add_argument(
        "--lang", choices=("nl", "en"), default=argparse.SUPPRESS, help="language of the app"
    )
    parser.add_argument(
        "--device",
        default=argparse.SUPPRESS,
        help="microphone: a name (or part of one) or an index (see `coach-sim devices`)",
    )
    from simulator.commands.app import (
        add_coach_option,
        add_keep_audio_option,
        add_masterclass_option,
    )

    add_coach_option(parser)
    add_keep_audio_option(parser)
    add_masterclass_option(parser)


def run(args: argparse.Namespace) -> int:
    from simulator.commands.app import build_app, run_app

    return run_app(build_app(args, scenario_id=args.scenario))
