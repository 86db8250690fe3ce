"""Where things live: the renderers take plain values, only the CLI imports its commands, and a
command's module never shares its file name with the module it drives."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "simulator"


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function (``from a import b`` gives
    both ``a`` and ``a.b``, since ``b`` may be a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


@pytest.mark.parametrize("renderer", ["export.py", "group_export.py"])
def test_the_renderers_do_not_import_the_store(renderer: str) -> None:
    imports = imported_modules(PACKAGE / renderer)
    assert not [m for m in imports if _inside(m, "simulator.store")]


def test_nothing_but_the_cli_imports_the_commands() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "commands" or relative == Path("cli.py"):
            continue
        if any(_inside(m, "simulator.commands") for m in imported_modules(path)):
            offenders.append(str(relative))
    assert offenders == []


def test_a_command_module_does_not_share_a_name_with_another_module() -> None:
    commands = {p.stem for p in (PACKAGE / "commands").glob("*.py")} - {"__init__"}
    elsewhere = {
        p.stem
        for p in PACKAGE.rglob("*")
        if (p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists()))
        and "commands" not in p.relative_to(PACKAGE).parts
    }
    assert commands and commands.isdisjoint(elsewhere), commands & elsewhere


def test_the_store_keeps_history_recordings_settings_paths_and_the_writer() -> None:
    for name in ("history", "recordings", "settings", "paths", "files"):
        assert (PACKAGE / "store" / f"{name}.py").is_file()
        assert not (PACKAGE / f"{name}.py").exists(), f"simulator/{name}.py is back"
