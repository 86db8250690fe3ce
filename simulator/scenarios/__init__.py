"""Scenarios: what a teacher rehearses, read from TOML files and validated strictly."""

from simulator.scenarios.library import (
    Library,
    builtin_dir,
    load_file,
    load_folder,
    load_library,
    user_dir,
)
from simulator.scenarios.loader import ScenarioError, ScenarioProblem, parse_scenario
from simulator.scenarios.model import Material, Origin, RoundPrompt, Scenario

__all__ = [
    "Library",
    "Material",
    "Origin",
    "ScenarioProblem",
    "RoundPrompt",
    "Scenario",
    "ScenarioError",
    "builtin_dir",
    "load_file",
    "load_folder",
    "load_library",
    "parse_scenario",
    "user_dir",
]
