"""Every stored screen snapshot belongs to a test that exists.

Run in one process, syrupy fails the run on a snapshot that no test uses. Run on several workers
(``scripts/run-tests``) no worker sees all the tests, so syrupy cannot tell; a snapshot left
behind by a renamed or removed test (or a changed parameter) is caught here instead.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.collected import collected_node_ids

HERE = Path(__file__).resolve().parent
SNAPSHOTS = HERE / "__snapshots__"


def left_behind(snapshots: Path, node_ids: set[str]) -> list[Path]:
    """The snapshot files under ``snapshots`` that no collected test would write.

    A test's snapshots are ``<module>/<test name>.svg``, and ``<test name>.<n>.svg`` for its
    n-th comparison after the first.
    """
    names = {(Path(nodeid.split("::")[0]).stem, nodeid.split("::")[-1]) for nodeid in node_ids}
    return sorted(
        svg
        for svg in snapshots.glob("*/*.svg")
        if (svg.parent.name, re.sub(r"\.\d+$", "", svg.stem)) not in names
    )


def test_every_stored_snapshot_has_its_test() -> None:
    modules = sorted(HERE / f"{folder.name}.py" for folder in SNAPSHOTS.iterdir())
    missing = [m for m in modules if not m.exists()]
    assert not missing, f"snapshots of test modules that are gone: {missing}"
    node_ids = collected_node_ids(modules)
    assert len(node_ids) > 20  # the snapshot tests themselves were found
    assert left_behind(SNAPSHOTS, node_ids) == []


def test_a_snapshot_without_its_test_is_found(tmp_path: Path) -> None:
    (tmp_path / "test_screens").mkdir()
    kept = ["test_home.svg", "test_home.1.svg", "test_size[80x24].svg"]
    gone = ["test_old_name.svg", "test_size[60x20].svg", "test_home_2.svg"]
    for name in kept + gone:
        (tmp_path / "test_screens" / name).write_text("<svg/>")
    (tmp_path / "test_other").mkdir()
    (tmp_path / "test_other" / "test_home.svg").write_text("<svg/>")
    node_ids = {
        "tests/app/test_screens.py::test_home",
        "tests/app/test_screens.py::test_size[80x24]",
    }
    found = {(p.parent.name, p.name) for p in left_behind(tmp_path, node_ids)}
    assert found == {("test_screens", name) for name in gone} | {("test_other", "test_home.svg")}
