"""docs/architecture.md stays true: its module list is the code's, and the layers hold."""

from __future__ import annotations

import ast
import re

from tests.conftest import REPO

GUIDE = REPO / "docs" / "architecture.md"
MODULE = re.compile(r"^- `(components/[\w/]+\.py)`:", re.MULTILINE)


def test_the_guide_lists_every_module_and_only_those():
    listed = MODULE.findall(GUIDE.read_text(encoding="utf-8"))
    actual = {path.relative_to(REPO).as_posix() for path in (REPO / "components").rglob("*.py")}
    assert len(listed) == len(set(listed)), "a module is listed twice"
    assert sorted(actual - set(listed)) == [], "modules missing from docs/architecture.md"
    assert sorted(set(listed) - actual) == [], "docs/architecture.md lists modules that are gone"


def _imports(path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def test_plain_modules_never_import_upwards():
    """Plain modules do not reach into the Streamlit side, the pages or the app."""
    offenders = []
    for path in (REPO / "components").rglob("*.py"):
        if path.relative_to(REPO / "components").parts[0] == "ui":
            continue
        for name in _imports(path):
            if name.startswith(("components.ui", "pages", "app")):
                offenders.append(f"{path.relative_to(REPO)}: {name}")
    assert offenders == []


def test_the_app_only_routes():
    """app.py takes the pages from components.app_pages and the shared frame from components.ui;
    no logic of its own."""
    ours = {
        name.split(".")[1] for name in _imports(REPO / "app.py") if name.startswith("components.")
    }
    assert ours <= {"app_pages", "ui"}
