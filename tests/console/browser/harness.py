"""What every browser journey does on each page: an axe-core check and a screenshot (no fixtures here)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

CHROMIUM = Path("/usr/bin/chromium")
# Debian's Chromium, headless; --no-sandbox because CI runs as root in a container.
LAUNCH_ARGS = {"executable_path": str(CHROMIUM), "args": ["--headless", "--no-sandbox", "--disable-gpu"]}
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
BLOCKING_IMPACTS = ("serious", "critical")

_axe = Axe()


def blocking_violations(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The violations that fail a page: serious or critical (moderate and minor ones are left to review)."""
    return [violation for violation in results["violations"] if violation.get("impact") in BLOCKING_IMPACTS]


def describe(violations: list[dict[str, Any]]) -> str:
    """One paragraph per violation: its impact, rule and help, then each element as a CSS selector and its HTML."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['impact']}: {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {' '.join(node['html'].split())[:200]}")
            if node.get("failureSummary"):
                lines.extend(f"      {line}" for line in node["failureSummary"].splitlines())
    return "\n".join(lines)


def check_accessibility(page: Page) -> None:
    """Run axe-core on the page as it is now; fail on any serious or critical violation, listing each."""
    violations = blocking_violations(_axe.run(page).response)
    assert not violations, f"axe-core on {page.url}:\n{describe(violations)}"


def screenshot_path(test_name: str, number: int, name: str) -> Path:
    """tests/artifacts/<test>/<nn>-<page>.png: one folder per test, pages numbered in the order visited."""
    folder = re.sub(r"[^A-Za-z0-9_.-]+", "-", test_name).strip("-")
    return ARTIFACTS / folder / f"{number:02d}-{name}.png"
