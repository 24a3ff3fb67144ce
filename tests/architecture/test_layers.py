"""The layers hold: read every module's imports and check that they only point down.

    config                              (settings, root URLs, Celery app): above everything, imported by nothing
    scrutiny                            may import the evidence apps and the core
    scorecards, audits, reviews, feedback   import the core only, never each other
    cscp.boardpack, cscp.reminders      the governance cycle's top: read impact updates and actions
    cscp.impact                         impact updates and escalations: build on the action tracker
    cscp.actions                        the one action tracker
    cscp                                the partnership core: imports none of the above

A new app adds itself to LAYERS; an import that runs the other way fails here with the file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EVIDENCE = ("scorecards", "audits", "reviews", "feedback")
GOVERNANCE = ("cscp.actions", "cscp.impact", "cscp.boardpack", "cscp.reminders")

# What each package may not import.
LAYERS: dict[str, tuple[str, ...]] = {
    "cscp": ("config", *GOVERNANCE, *EVIDENCE, "scrutiny"),
    "cscp.actions": ("config", "cscp.impact", "cscp.boardpack", "cscp.reminders", *EVIDENCE, "scrutiny"),
    "cscp.impact": ("config", "cscp.boardpack", "cscp.reminders", *EVIDENCE, "scrutiny"),
    "cscp.boardpack": ("config", "cscp.reminders", *EVIDENCE, "scrutiny"),
    "cscp.reminders": ("config", "cscp.boardpack", *EVIDENCE, "scrutiny"),
    **{app: ("config", "scrutiny", *(other for other in EVIDENCE if other != app)) for app in EVIDENCE},
    "scrutiny": ("config",),
}


def _package_of(module: str) -> str:
    """The most specific layer a module belongs to."""
    return max((name for name in LAYERS if module == name or module.startswith(name + ".")), key=len, default="")


def _modules():
    for path in sorted(ROOT.glob("*/**/*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] not in {"cscp", *EVIDENCE, "scrutiny"} or "migrations" in relative.parts:
            continue
        module = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
        yield module, path


def _imports(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def _crosses(imported: str, forbidden: tuple[str, ...]) -> bool:
    return any(imported == name or imported.startswith(name + ".") for name in forbidden)


def test_every_app_has_a_layer():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")} | {
        f"cscp.{path.parent.name}" for path in ROOT.glob("cscp/*/apps.py")
    }
    assert apps - {"cscp"} <= set(LAYERS), f"Add these apps to LAYERS: {sorted(apps - set(LAYERS))}"


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_imports_only_point_down(package):
    wrong = []
    for module, path in _modules():
        if _package_of(module) != package:
            continue
        for line, imported in _imports(path):
            if _crosses(imported, LAYERS[package]):
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    assert not wrong, f"{package} may not import {', '.join(LAYERS[package])}:\n  " + "\n  ".join(sorted(set(wrong)))
