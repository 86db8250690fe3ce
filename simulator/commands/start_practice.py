"""``coach-sim practice ID``: straight into a scenario's rounds."""

from __future__ import annotations

import argparse

from simulator.i18n import DEFAULT_LANGUAGE, LANGUAGES, t


def add_arguments(parser: argparse.ArgumentParser, lang: str = DEFAULT_LANGUAGE) -> None:
    parser.add_argument(
        "scenario",
        metavar=t("cli.practice.scenario_metavar", lang),
        help=t("cli.practice.scenario", lang),
    )
    # SUPPRESS keeps the global --lang/--device when these are not given after the subcommand.
    parser.add_argument(
        "--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=t("cli.lang", lang)
    )
    parser.add_argument(
        "--device",
        metavar=t("cli.device_metavar", lang),
        default=argparse.SUPPRESS,
        help=t("cli.practice.device", lang),
    )
    from simulator.commands.open_app import add_app_switches

    add_app_switches(parser, lang)


def run(args: argparse.Namespace) -> int:
    from simulator.commands.open_app import build_app, run_app

    return run_app(build_app(args, scenario_id=args.scenario))
