"""The one-way import rule: edges -> intake -> casework -> rules; workers -> app; never the other way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def modules_under(folder: str) -> list[Path]:
    base = ROOT / folder
    return sorted(base.rglob("*.py")) if base.is_dir() else [base]


RULES = [
    ("app", ("workers",)),
    ("ivr_flows", ("workers", "app.casework", "app.intake", "app.telephony", "app.api", "flask")),
    ("app/casework", ("app.intake", "app.telephony", "app.api", "app.console", "app.background", "flask.request")),
    ("app/intake", ("app.telephony", "app.api", "app.console", "app.background", "flask.request")),
    ("app/messaging", ("app.telephony", "app.intake", "app.casework", "app.api", "app.background")),
    ("app/calendar.py", ("app",)),
    # The console is an edge beside the webhooks and the API: it shares the domain with them, never their code.
    ("app/console", ("app.telephony", "app.api", "app.background")),
    ("app/staff", ("app.console", "app.api", "app.telephony", "flask")),
]


@pytest.mark.parametrize(("folder", "forbidden"), RULES, ids=[folder for folder, _ in RULES])
def test_imports_run_one_way(folder: str, forbidden: tuple[str, ...]) -> None:
    wrong = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules_under(folder)
        for name in sorted(imports_of(path))
        if any(name == bad or name.startswith(bad + ".") for bad in forbidden)
    ]
    assert wrong == []
