"""The wheel works on its own: built from this checkout, installed into a fresh virtual
environment, and run from another folder (no editable-only paths)."""

import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp.glob("coach_sim-*.whl")
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    # The fresh environment sees the dependencies already installed for the tests (a plain
    # path entry: that folder's own .pth hooks, such as an editable install, do not run).
    own_site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    deps = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    (own_site / "test-dependencies.pth").write_text("\n".join(deps) + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return env_dir


def test_installed_wheel_lists_its_builtin_scenarios(installed: Path, tmp_path: Path) -> None:
    out = subprocess.run(
        [str(installed / "bin" / "coach-sim"), "scenarios", "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={"COACH_SIM_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    ids = {(r["id"], r["language"]) for r in rows}
    assert ("check-question", "nl") in ids and ("check-question", "en") in ids
    # They come from inside the installed package, not from this checkout.
    assert all("_builtin_scenarios" in r["path"] for r in rows)
    assert not any(str(ROOT) in r["path"] for r in rows)


def test_installed_wheel_is_not_the_checkout(installed: Path, tmp_path: Path) -> None:
    out = subprocess.run(
        [str(installed / "bin" / "python"), "-c", "import simulator; print(simulator.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert "site-packages" in out.stdout and str(ROOT) not in out.stdout
