"""The layers of docs/architecture.md hold: ``lint-imports`` checks the contracts in
pyproject.toml, and a broken one fails the suite."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env={"PATH": str(LINT_IMPORTS.parent), "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def contracts() -> dict[str, dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def test_every_import_contract_is_kept() -> None:
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Contracts: {len(contracts())} kept, 0 broken." in done.stdout


def test_a_broken_contract_fails(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "simulator", tmp_path / "simulator")
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    round_module = tmp_path / "simulator" / "rehearsal" / "round.py"
    round_module.write_text(
        round_module.read_text(encoding="utf-8") + "\nimport textual  # noqa\n", encoding="utf-8"
    )
    done = lint_imports(tmp_path)
    assert done.returncode != 0
    assert "The core and the rehearsal never import Textual BROKEN" in done.stdout
    assert "simulator.rehearsal.round -> textual" in done.stdout


def test_only_the_command_line_imports_the_commands() -> None:
    """The contract names every top-level module but the command line and its commands, so a
    new module cannot slip past it."""
    package = ROOT / "simulator"
    modules = {
        f"simulator.{p.stem}"
        for p in package.iterdir()
        if (p.suffix == ".py" or (p / "__init__.py").exists()) and not p.stem.startswith("_")
    }
    sources = set(contracts()["commands-only-from-cli"]["source_modules"])  # type: ignore[arg-type]
    assert sources == modules - {"simulator.cli", "simulator.commands"}
